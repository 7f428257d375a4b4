#include "meanquerytime.h"

#include "pgtaskworker.h"

#include <QThread>

namespace vigil {

std::shared_ptr<TaskResult> MeanQueryTimeTask::run(pg::Connection& conn)
{
    auto out = std::make_shared<MeanQueryTimeSample>();
    out->task = name();
    out->sampledAt = QDateTime::currentDateTimeUtc();
    const pg::Result r = conn.exec(QStringLiteral("/* vigil */ SELECT coalesce(sum(calls), 0)::int8, "
                                                  "coalesce(sum(total_exec_time), 0)::float8 "
                                                  "FROM pg_stat_statements(false)"));
    if (!r.ok()) {
        out->error = r.errorMessage();
        return out;
    }
    out->ok = true;
    const qint64 calls = r.toInt64(0, 0);
    const double totalMs = r.toDouble(0, 1);
    const qint64 nowMs = out->sampledAt.toMSecsSinceEpoch();
    // A reset of pg_stat_statements (fewer calls than before) starts over rather than going negative.
    if (m_prevCalls >= 0 && calls >= m_prevCalls) {
        out->calls = calls - m_prevCalls;
        out->intervalSec = double(nowMs - m_prevMs) / 1000.0;
        if (out->calls > 0)
            out->meanMs = (totalMs - m_prevTotalMs) / double(out->calls);
    }
    m_prevCalls = calls;
    m_prevTotalMs = totalMs;
    m_prevMs = nowMs;
    return out;
}

MeanQueryTimeProbe::MeanQueryTimeProbe(QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<vigil::TaskResultPtr>();
}

MeanQueryTimeProbe::~MeanQueryTimeProbe()
{
    stop();
    for (const QPointer<QThread>& t : std::as_const(m_threads))
        if (t)
            t->wait(3000);
}

void MeanQueryTimeProbe::start(const QString& node, const pg::ConnectOptions& options, int periodMs)
{
    stop();
    m_last = kNoValue;
    m_error.clear();
    pg::ConnectOptions o = options;
    o.statementTimeoutMs = 2000;
    auto* worker = new PgTaskWorker(node, o, ++m_generation);
    worker->addTask(std::make_unique<MeanQueryTimeTask>(periodMs));
    auto* thread = new QThread;
    thread->setObjectName(QStringLiteral("vigil-meanquery-") + node);
    worker->moveToThread(thread);
    connect(thread, &QThread::started, worker, &PgTaskWorker::start);
    connect(thread, &QThread::finished, worker, &QObject::deleteLater);
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    const quint64 generation = m_generation;
    connect(
        worker, &PgTaskWorker::resultReady, this,
        [this, generation](const TaskResultPtr& r) {
            if (generation != m_generation)
                return;
            auto s = std::static_pointer_cast<const MeanQueryTimeSample>(r);
            if (!s->ok) {
                m_error = s->error;
                return;
            }
            if (hasValue(s->meanMs)) {
                m_last = s->meanMs;
                Q_EMIT sampled(s->meanMs);
            }
        },
        Qt::QueuedConnection);
    m_worker = worker;
    m_threads.removeAll(nullptr);
    m_threads.append(thread);
    thread->start();
}

void MeanQueryTimeProbe::stop()
{
    ++m_generation;
    if (m_worker) {
        m_worker->requestStop();
        if (QThread* t = m_worker->thread())
            t->quit(); // the thread deletes the worker and itself when it ends
    }
    m_worker = nullptr;
}

} // namespace vigil
