#include "insightmonitor.h"

#include "clustermonitor.h"
#include "pgtaskworker.h"
#include "store/slowhistory.h"

#include <QDeadlineTimer>
#include <QThread>

namespace vigil {

namespace {
constexpr int kSeriesPerPattern = 180; // 30 min at the default 10 s period
}

InsightMonitor::InsightMonitor(ClusterMonitor* cluster, QObject* parent)
    : QObject(parent)
    , m_cluster(cluster)
{
    qRegisterMetaType<vigil::TaskResultPtr>();
    connect(cluster, &ClusterMonitor::snapshotArrived, this, &InsightMonitor::onClusterSnapshot);
    connect(cluster, &ClusterMonitor::started, this, [this] {
        stopWorker();
        m_thresholdMs = m_cluster->profile().slowThresholdMs > 0 ? m_cluster->profile().slowThresholdMs : 1000;
    });
    connect(cluster, &ClusterMonitor::stopped, this, &InsightMonitor::stopWorker);
}

InsightMonitor::~InsightMonitor()
{
    shutdown();
}

void InsightMonitor::onClusterSnapshot(const NodeSnapshot& s)
{
    if (s.kind != NodeKind::Postgres || !s.reachable || s.role != NodeRole::Primary || s.node == m_node)
        return;
    for (const PgNode& n : m_cluster->profile().pgNodes)
        if (n.name == s.node)
            startOn(n.name, n.conninfo);
}

void InsightMonitor::startOn(const QString& node, const QString& conninfo)
{
    stopWorker();
    m_node = node;
    m_statements.reset();
    m_activity.reset();
    m_cache.reset();
    m_prevTotals.clear();
    pg::ConnectOptions o;
    o.conninfo = conninfo;
    o.password = m_passwords.value(node);
    o.statementTimeoutMs = 5000;
    m_options = o;
    auto* worker = new PgTaskWorker(node, o, ++m_generation);
    worker->addTask(std::make_unique<ActivityTask>(m_thresholdMs));
    worker->addTask(std::make_unique<StatementsTask>(m_visible ? m_statementsPeriodMs : kHiddenStatementsPeriodMs));
    worker->addTask(std::make_unique<CacheStatsTask>());
    auto* thread = new QThread;
    thread->setObjectName(QStringLiteral("vigil-insight-") + node);
    worker->moveToThread(thread);
    connect(thread, &QThread::started, worker, &PgTaskWorker::start);
    connect(thread, &QThread::finished, worker, &QObject::deleteLater);
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    connect(worker, &PgTaskWorker::resultReady, this, &InsightMonitor::onResult, Qt::QueuedConnection);
    m_worker = worker;
    m_threads.append(thread);
    thread->start();
    Q_EMIT nodeChanged(node);
}

void InsightMonitor::stopWorker()
{
    if (m_worker) {
        m_worker->requestStop();
        if (QThread* t = m_worker->thread())
            t->quit();
    }
    m_worker = nullptr;
    ++m_generation;
    if (!m_node.isEmpty()) {
        m_node.clear();
        Q_EMIT nodeChanged(m_node);
    }
}

void InsightMonitor::shutdown(int waitMs)
{
    stopWorker();
    QDeadlineTimer deadline(waitMs);
    for (const QPointer<QThread>& t : std::as_const(m_threads)) {
        if (t && t->wait(deadline))
            delete t;
    }
    m_threads.clear();
}

void InsightMonitor::setThresholdMs(int ms)
{
    m_thresholdMs = std::max(1, ms);
    if (m_worker) {
        if (auto* t = static_cast<ActivityTask*>(m_worker->task(QStringLiteral("activity"))))
            t->setThresholdMs(m_thresholdMs);
        QMetaObject::invokeMethod(m_worker, "runSoon", Qt::QueuedConnection,
                                  Q_ARG(QString, QStringLiteral("activity")));
    }
}

void InsightMonitor::setStatementsVisible(bool visible)
{
    m_visible = visible;
    if (m_worker)
        m_worker->setPeriod(QStringLiteral("statements"), visible ? m_statementsPeriodMs : kHiddenStatementsPeriodMs);
}

void InsightMonitor::setStatementsPeriodMs(int ms)
{
    m_statementsPeriodMs = std::max(100, ms);
    setStatementsVisible(m_visible);
}

void InsightMonitor::refreshStatementsNow()
{
    if (m_worker)
        QMetaObject::invokeMethod(m_worker, "runSoon", Qt::QueuedConnection,
                                  Q_ARG(QString, QStringLiteral("statements")));
}

const Profile& InsightMonitor::profile() const
{
    return m_cluster->profile();
}

pg::ConnectOptions InsightMonitor::connectOptions(const QString& database) const
{
    pg::ConnectOptions o = m_options;
    o.database = database;
    return o;
}

const TimeSeries* InsightMonitor::meanTimeOf(const StatementKey& key) const
{
    const auto it = m_meanTime.constFind(key);
    return it == m_meanTime.constEnd() ? nullptr : &*it;
}

const TimeSeries* InsightMonitor::callRateOf(const StatementKey& key) const
{
    const auto it = m_callRate.constFind(key);
    return it == m_callRate.constEnd() ? nullptr : &*it;
}

void InsightMonitor::recordStatements(const StatementsSnapshot& s)
{
    const qint64 t = s.sampledAt.toMSecsSinceEpoch();
    qint64 dCalls = 0;
    double dTotal = 0;
    QHash<StatementKey, std::pair<qint64, double>> next;
    next.reserve(s.entries.size());
    for (const StatementEntry& e : s.entries) {
        next.insert(e.key, {e.calls, e.totalMs});
        if (e.vigil)
            continue;
        if (const auto p = m_prevTotals.constFind(e.key); p != m_prevTotals.constEnd() && e.calls >= p->first) {
            dCalls += e.calls - p->first;
            dTotal += e.totalMs - p->second;
            // Mean of the calls made in this interval, not the lifetime mean that hides a change.
            if (e.calls > p->first) {
                auto it = m_meanTime.find(e.key);
                if (it == m_meanTime.end())
                    it = m_meanTime.insert(e.key, TimeSeries(kSeriesPerPattern));
                it->append(t, (e.totalMs - p->second) / double(e.calls - p->first));
            }
        }
        if (hasValue(e.callsPerSec)) {
            auto it = m_callRate.find(e.key);
            if (it == m_callRate.end())
                it = m_callRate.insert(e.key, TimeSeries(kSeriesPerPattern));
            it->append(t, e.callsPerSec);
        }
    }
    if (!m_prevTotals.isEmpty() && dCalls > 0)
        m_avgTime.append(t, dTotal / double(dCalls));
    m_prevTotals = std::move(next);
}

void InsightMonitor::onResult(const TaskResultPtr& r)
{
    if (r->generation != m_generation)
        return;
    if (r->task == QLatin1String("statements")) {
        auto s = std::static_pointer_cast<const StatementsSnapshot>(r);
        if (s->ok)
            recordStatements(*s);
        m_statements = s;
        Q_EMIT statementsUpdated();
    } else if (r->task == QLatin1String("activity")) {
        m_activity = std::static_pointer_cast<const ActivitySnapshot>(r);
        Q_EMIT activityUpdated();
        if (m_history && m_activity->ok && !m_activity->running.isEmpty()) {
            QList<store::SlowSighting> sightings;
            for (const RunningStatement& rs : m_activity->running) {
                store::SlowSighting s;
                s.profile = m_cluster->profile().name;
                s.node = m_node;
                s.pid = rs.pid;
                s.queryStart = rs.queryStart;
                s.lastSeen = m_activity->sampledAt;
                s.durationMs = rs.durationMs;
                s.database = rs.database;
                s.user = rs.user;
                s.application = rs.application;
                s.client = rs.client;
                s.waitEvent
                    = rs.waitEventType.isEmpty() ? QString() : rs.waitEventType + QLatin1Char(':') + rs.waitEvent;
                s.query = rs.query;
                s.queryId = rs.queryId;
                sightings.append(s);
            }
            if (m_history->record(sightings))
                Q_EMIT historyUpdated();
        }
    } else if (r->task == QLatin1String("cache")) {
        auto c = std::static_pointer_cast<const CacheSnapshot>(r);
        if (c->ok)
            for (const CacheRow& db : c->databases)
                if (db.name == c->currentDatabase)
                    m_dbHit.append(c->sampledAt.toMSecsSinceEpoch(), db.intervalHitPct);
        m_cache = c;
        Q_EMIT cacheUpdated();
    }
}

} // namespace vigil
