#include "meanquerytime.h"

#include "pgtaskworker.h"

#include <QThread>

namespace vigil {

namespace {
// Vigil's own statements (every one starts with the tag) by queryid, as an int8[] literal. Texts
// are read only here, every kOwnRefresh samples, never on the per-second path.
constexpr int kOwnRefresh = 30;
} // namespace

bool MeanQueryTimeTask::sums(pg::Connection& conn, const QString& excluded, qint64* calls, double* totalMs,
                             QString* error)
{
    const pg::Result r = conn.exec(QStringLiteral("/* vigil */ SELECT coalesce(sum(calls), 0)::int8, "
                                                  "coalesce(sum(total_exec_time), 0)::float8 "
                                                  "FROM pg_stat_statements(false) WHERE queryid <> ALL ($1::int8[])"),
                                   {excluded});
    if (!r.ok()) {
        *error = r.errorMessage();
        return false;
    }
    *calls = r.toInt64(0, 0);
    *totalMs = r.toDouble(0, 1);
    return true;
}

std::shared_ptr<TaskResult> MeanQueryTimeTask::run(pg::Connection& conn)
{
    auto out = std::make_shared<MeanQueryTimeSample>();
    out->task = name();
    out->sampledAt = QDateTime::currentDateTimeUtc();
    qint64 calls = 0;
    double totalMs = 0;
    if (!sums(conn, m_excluded, &calls, &totalMs, &out->error))
        return out;
    out->ok = true;
    const qint64 nowMs = out->sampledAt.toMSecsSinceEpoch();
    // A reset of pg_stat_statements (fewer calls than before) starts over rather than going negative.
    if (m_prevCalls >= 0 && calls >= m_prevCalls) {
        out->calls = calls - m_prevCalls;
        out->intervalSec = double(nowMs - m_prevMs) / 1000.0;
        if (out->calls > 0)
            out->meanMs = (totalMs - m_prevTotalMs) / double(out->calls);
    }
    // What the workload cost, not what watching it cost: Vigil's own polls (pg_stat_statements
    // itself takes milliseconds) would pull a light workload's mean up. The set is learnt again
    // now and then (a tab opened during the run adds statements); the baseline for the next
    // interval is then taken over the new set, so no interval mixes two sets.
    if (m_samples++ % kOwnRefresh == 0) {
        const pg::Result own = conn.exec(
            QStringLiteral("/* vigil */ SELECT coalesce(array_agg(queryid), '{}')::text FROM pg_stat_statements(true) "
                           "WHERE query LIKE '/* vigil */%'"));
        if (own.ok() && own.rows() == 1 && own.text(0, 0) != m_excluded) {
            m_excluded = own.text(0, 0);
            if (!sums(conn, m_excluded, &calls, &totalMs, &out->error))
                calls = -1; // no baseline: the next sample starts over
        }
    }
    m_prevCalls = calls;
    m_prevTotalMs = totalMs;
    m_prevMs = QDateTime::currentMSecsSinceEpoch();
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
