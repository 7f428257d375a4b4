#include "poolmonitor.h"

#include "clustermonitor.h"
#include "pgtaskworker.h"

#include <QDeadlineTimer>
#include <QThread>

namespace vigil {

namespace {
const QString kBouncerNode = QStringLiteral("pgbouncer");
constexpr int kSeriesPoints = 900; // 30 min at 2 s
} // namespace

PoolMonitor::PoolMonitor(ClusterMonitor* cluster, QObject* parent)
    : QObject(parent)
    , m_cluster(cluster)
    , m_series {TimeSeries(kSeriesPoints), TimeSeries(kSeriesPoints), TimeSeries(kSeriesPoints),
                TimeSeries(kSeriesPoints), TimeSeries(kSeriesPoints), TimeSeries(kSeriesPoints)}
{
    qRegisterMetaType<vigil::TaskResultPtr>();
    connect(cluster, &ClusterMonitor::snapshotArrived, this, &PoolMonitor::onClusterSnapshot);
    connect(cluster, &ClusterMonitor::started, this, [this] {
        stopAll();
        startBouncer();
    });
    connect(cluster, &ClusterMonitor::stopped, this, &PoolMonitor::stopAll);
}

PoolMonitor::~PoolMonitor()
{
    shutdown();
}

bool PoolMonitor::hasBouncer() const
{
    return !m_cluster->profile().pgbouncerAdmin.isEmpty();
}

void PoolMonitor::onClusterSnapshot(const NodeSnapshot& s)
{
    if (s.kind != NodeKind::Postgres || !s.reachable || s.role != NodeRole::Primary || s.node == m_node)
        return;
    for (const PgNode& n : m_cluster->profile().pgNodes)
        if (n.name == s.node)
            startServer(n.name, n.conninfo);
}

PgTaskWorker* PoolMonitor::launch(const QString& node, const QString& threadName, const pg::ConnectOptions& options,
                                  std::unique_ptr<PgTask> task)
{
    auto* worker = new PgTaskWorker(node, options, m_generation);
    worker->addTask(std::move(task));
    auto* thread = new QThread;
    thread->setObjectName(threadName);
    worker->moveToThread(thread);
    connect(thread, &QThread::started, worker, &PgTaskWorker::start);
    connect(thread, &QThread::finished, worker, &QObject::deleteLater);
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    connect(worker, &PgTaskWorker::resultReady, this, &PoolMonitor::onResult, Qt::QueuedConnection);
    m_threads.append(thread);
    thread->start();
    return worker;
}

void PoolMonitor::startServer(const QString& node, const QString& conninfo)
{
    if (m_serverWorker) {
        m_serverWorker->requestStop();
        if (QThread* t = m_serverWorker->thread())
            t->quit();
    }
    m_node = node;
    m_server.reset();
    pg::ConnectOptions o;
    o.conninfo = conninfo;
    o.password = m_passwords.value(node);
    o.statementTimeoutMs = 3000;
    m_serverWorker
        = launch(node, QStringLiteral("vigil-pool-") + node, o, std::make_unique<PoolServerTask>(currentPeriod()));
}

void PoolMonitor::startBouncer()
{
    const QString admin = m_cluster->profile().pgbouncerAdmin;
    if (admin.isEmpty())
        return;
    pg::ConnectOptions o;
    o.conninfo = admin;
    o.password = m_passwords.value(QStringLiteral("pgbouncer-admin"));
    o.statementTimeoutMs = 3000;
    o.pgbouncerAdmin = true;
    m_bouncerWorker = launch(kBouncerNode, QStringLiteral("vigil-pool-pgbouncer"), o,
                             std::make_unique<BouncerStatsTask>(currentPeriod()));
}

void PoolMonitor::stopAll()
{
    for (PgTaskWorker* w : {m_serverWorker.data(), m_bouncerWorker.data()}) {
        if (!w)
            continue;
        w->requestStop();
        if (QThread* t = w->thread())
            t->quit();
    }
    m_serverWorker = nullptr;
    m_bouncerWorker = nullptr;
    m_node.clear();
    m_server.reset();
    m_bouncer.reset();
    ++m_generation; // results still in flight from the old workers are dropped
}

void PoolMonitor::shutdown(int waitMs)
{
    stopAll();
    QDeadlineTimer deadline(waitMs);
    for (const QPointer<QThread>& t : std::as_const(m_threads))
        if (t && t->wait(deadline))
            delete t;
    m_threads.clear();
}

void PoolMonitor::setVisible(bool visible)
{
    m_visible = visible;
    for (PgTaskWorker* w : {m_serverWorker.data(), m_bouncerWorker.data()})
        if (w) {
            for (const QString& task : {QStringLiteral("pool"), QStringLiteral("pgbouncer")})
                w->setPeriod(task, currentPeriod());
            // Coming back into view: fresh figures now, not after the slow period runs out.
            if (visible)
                for (const QString& task : {QStringLiteral("pool"), QStringLiteral("pgbouncer")})
                    QMetaObject::invokeMethod(w, "runSoon", Qt::QueuedConnection, Q_ARG(QString, task));
        }
}

void PoolMonitor::setPeriodMs(int ms)
{
    m_periodMs = std::max(100, ms);
    setVisible(m_visible);
}

void PoolMonitor::onResult(const TaskResultPtr& r)
{
    if (r->generation != m_generation)
        return;
    const qint64 t = r->sampledAt.toMSecsSinceEpoch();
    if (r->task == QLatin1String("pool")) {
        if (r->node != m_node)
            return; // a result of the worker on the previous primary
        m_server = std::static_pointer_cast<const PoolServerSnapshot>(r);
        if (m_server->ok && hasValue(m_server->utilisationPct()))
            m_series[int(Series::Utilisation)].append(t, m_server->utilisationPct());
        Q_EMIT serverUpdated();
    } else if (r->task == QLatin1String("pgbouncer")) {
        m_bouncer = std::static_pointer_cast<const BouncerSnapshot>(r);
        if (m_bouncer->ok) {
            m_series[int(Series::ClientsActive)].append(t, m_bouncer->clientsActive());
            m_series[int(Series::ClientsWaiting)].append(t, m_bouncer->clientsWaiting());
            m_series[int(Series::ServersActive)].append(t, m_bouncer->serversActive());
            m_series[int(Series::ServersIdle)].append(t, m_bouncer->serversIdle());
            m_series[int(Series::MaxWaitMs)].append(t, m_bouncer->maxWaitMs());
        }
        Q_EMIT bouncerUpdated();
    }
}

} // namespace vigil
