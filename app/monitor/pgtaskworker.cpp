#include "pgtaskworker.h"

#include "nodeworker.h"

#include <QTimer>

namespace vigil {

PgTaskWorker::PgTaskWorker(const QString& node, const pg::ConnectOptions& options, quint64 generation)
    : m_node(node)
    , m_options(options)
    , m_generation(generation)
{
    m_clock.start();
}

PgTaskWorker::~PgTaskWorker() = default;

void PgTaskWorker::addTask(std::unique_ptr<PgTask> task)
{
    m_slots.push_back({std::move(task), 0});
}

void PgTaskWorker::requestStop()
{
    m_stop.store(true);
    m_conn.cancel();
}

PgTask* PgTaskWorker::task(const QString& name) const
{
    for (const Slot& s : m_slots)
        if (s.task->name() == name)
            return s.task.get();
    return nullptr;
}

void PgTaskWorker::setPeriod(const QString& name, int ms)
{
    if (PgTask* t = task(name))
        t->setPeriodMs(ms);
}

void PgTaskWorker::start()
{
    m_timer = new QTimer(this);
    m_timer->setSingleShot(true);
    m_timer->setTimerType(Qt::PreciseTimer);
    connect(m_timer, &QTimer::timeout, this, &PgTaskWorker::tick);
    tick();
}

void PgTaskWorker::runSoon(const QString& name)
{
    for (Slot& s : m_slots)
        if (s.task->name() == name)
            s.dueMs = 0;
    if (m_timer && !m_stop.load())
        arm();
}

void PgTaskWorker::arm()
{
    qint64 next = std::numeric_limits<qint64>::max();
    for (const Slot& s : m_slots)
        next = std::min(next, s.dueMs);
    if (!m_conn.isOpen())
        next = std::max(next, m_nextConnectMs);
    m_timer->start(int(std::clamp<qint64>(next - m_clock.elapsed(), 0, 60000)));
}

void PgTaskWorker::tick()
{
    if (m_stop.load())
        return;
    const qint64 now = m_clock.elapsed();
    auto fail = [&](const PgTask& task, const QString& error) {
        std::shared_ptr<TaskResult> r = task.emptyResult();
        r->task = task.name();
        r->node = m_node;
        r->generation = m_generation;
        r->sampledAt = QDateTime::currentDateTimeUtc();
        r->error = error;
        r->diagnosis = diagnosePg(m_node, error);
        Q_EMIT resultReady(r);
    };
    if (!m_conn.isOpen()) {
        if (now < m_nextConnectMs) {
            arm();
            return;
        }
        if (!m_conn.open(m_options, &m_stop)) {
            ++m_failures;
            m_lastError = m_conn.lastError();
            const int backoff = std::min(1000 << std::min(m_failures - 1, 6), NodeWorker::kMaxBackoffMs);
            m_nextConnectMs = m_clock.elapsed() + backoff;
            if (!m_stop.load())
                for (const Slot& s : m_slots)
                    fail(*s.task, m_lastError);
            if (!m_stop.load())
                arm();
            return;
        }
        m_failures = 0;
        for (Slot& s : m_slots) {
            s.task->reset();
            s.dueMs = 0;
        }
    }
    for (Slot& s : m_slots) {
        if (m_stop.load())
            return;
        if (s.dueMs > m_clock.elapsed())
            continue;
        std::shared_ptr<TaskResult> r = s.task->run(m_conn);
        s.dueMs = m_clock.elapsed() + s.task->periodMs();
        if (m_stop.load())
            return;
        r->task = s.task->name();
        r->node = m_node;
        r->generation = m_generation;
        if (!r->sampledAt.isValid())
            r->sampledAt = QDateTime::currentDateTimeUtc();
        if (!r->ok && r->diagnosis.what.isEmpty())
            r->diagnosis = diagnosePg(m_node, r->error);
        Q_EMIT resultReady(r);
        if (!m_conn.isOpen()) {
            m_nextConnectMs = 0;
            break; // reconnect on the next tick
        }
    }
    arm();
}

} // namespace vigil
