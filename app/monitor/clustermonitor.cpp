#include "clustermonitor.h"

#include "nodeworker.h"

#include <QDeadlineTimer>
#include <QThread>

namespace vigil {

ClusterMonitor::ClusterMonitor(QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<vigil::NodeSnapshot>();
}

ClusterMonitor::~ClusterMonitor()
{
    shutdown();
}

QList<NodeSpec> ClusterMonitor::specsFor(const Profile& profile, const QHash<QString, QString>& passwords, int periodMs)
{
    QList<NodeSpec> specs;
    for (const PgNode& n : profile.pgNodes) {
        NodeSpec s;
        s.name = n.name;
        s.kind = NodeKind::Postgres;
        s.conninfo = n.conninfo;
        s.password = passwords.value(n.name);
        specs.append(s);
    }
    if (!profile.pgbouncerAdmin.isEmpty()) {
        NodeSpec s;
        s.name = QStringLiteral("pgbouncer");
        s.kind = NodeKind::PgBouncer;
        s.conninfo = profile.pgbouncerAdmin;
        s.password = passwords.value(QStringLiteral("pgbouncer-admin"));
        specs.append(s);
    }
    int i = 0;
    for (const QString& addr : profile.redisNodes) {
        NodeSpec s;
        s.name = QStringLiteral("redis%1").arg(++i);
        s.kind = NodeKind::Redis;
        s.address = addr;
        s.username = profile.redisUsername;
        s.password = passwords.value(QStringLiteral("redis"));
        specs.append(s);
    }
    i = 0;
    for (const QString& addr : profile.sentinels) {
        NodeSpec s;
        s.name = QStringLiteral("sentinel%1").arg(++i);
        s.kind = NodeKind::Sentinel;
        s.address = addr;
        s.masterName = profile.masterName;
        specs.append(s);
    }
    for (NodeSpec& s : specs)
        s.periodMs = periodMs;
    return specs;
}

void ClusterMonitor::start(const Profile& profile, const QHash<QString, QString>& passwords, int periodMs)
{
    stop();
    m_profile = profile;
    ++m_generation;
    m_latest.clear();
    m_history.clear();
    m_order.clear();
    for (const NodeSpec& spec : specsFor(profile, passwords, periodMs)) {
        m_order.append(spec.name);
        auto* thread = new QThread; // no parent: it may outlive this object's stop() briefly
        thread->setObjectName(QStringLiteral("vigil-") + spec.name);
        auto* worker = new NodeWorker(spec, m_generation);
        worker->moveToThread(thread);
        connect(thread, &QThread::started, worker, &NodeWorker::start);
        connect(thread, &QThread::finished, worker, &QObject::deleteLater);
        connect(thread, &QThread::finished, thread, &QObject::deleteLater);
        connect(worker, &NodeWorker::snapshotReady, this, &ClusterMonitor::onSnapshot, Qt::QueuedConnection);
        m_workers.append({worker, thread});
        thread->start();
    }
    Q_EMIT started();
}

void ClusterMonitor::stop()
{
    if (m_workers.isEmpty())
        return;
    for (const Running& r : std::as_const(m_workers)) {
        if (r.worker)
            r.worker->requestStop();
        if (r.thread) {
            r.thread->quit();
            m_retiring.append(r.thread);
        }
    }
    m_workers.clear();
    ++m_generation; // anything still queued from the old workers is now stale
    Q_EMIT stopped();
}

void ClusterMonitor::shutdown(int waitMs)
{
    stop();
    QDeadlineTimer deadline(waitMs);
    for (const QPointer<QThread>& t : std::as_const(m_retiring)) {
        if (!t)
            continue;
        if (t->wait(deadline))
            delete t; // its deleteLater may never run once the event loop has ended
        else
            qWarning("vigil: worker thread %s did not stop in time", qPrintable(t->objectName()));
    }
    m_retiring.clear();
}

int ClusterMonitor::liveThreads() const
{
    int n = 0;
    for (const Running& r : m_workers)
        n += r.thread && r.thread->isRunning();
    for (const QPointer<QThread>& t : m_retiring)
        n += t && t->isRunning();
    return n;
}

std::optional<NodeSnapshot> ClusterMonitor::latest(const QString& node) const
{
    const auto it = m_latest.constFind(node);
    if (it == m_latest.constEnd())
        return std::nullopt;
    return *it;
}

QList<NodeSnapshot> ClusterMonitor::latestAll() const
{
    QList<NodeSnapshot> out;
    for (const QString& n : m_order)
        if (m_latest.contains(n))
            out.append(m_latest.value(n));
    return out;
}

PgNode ClusterMonitor::primaryNode() const
{
    if (m_profile.pgNodes.isEmpty())
        return {};
    PgNode node = m_profile.pgNodes.first();
    for (const NodeSnapshot& snap : latestAll())
        if (snap.kind == NodeKind::Postgres && snap.role == NodeRole::Primary)
            for (const PgNode& n : m_profile.pgNodes)
                if (n.name == snap.node)
                    node = n;
    return node;
}

const TimeSeries* ClusterMonitor::series(const QString& node, Metric metric) const
{
    const auto it = m_history.constFind(node);
    if (it == m_history.constEnd())
        return nullptr;
    const auto m = it->constFind(metric);
    return m == it->constEnd() ? nullptr : &*m;
}

void ClusterMonitor::record(const NodeSnapshot& s)
{
    auto& h = m_history[s.node];
    const qint64 t = s.sampledAt.toMSecsSinceEpoch();
    if (!s.reachable)
        return;
    h[Metric::RttMs].append(t, s.rttMs);
    if (s.kind == NodeKind::Postgres) {
        h[Metric::Tps].append(t, s.tps);
        h[Metric::Connections].append(t, s.connections);
        h[Metric::CacheHitPct].append(t, s.cacheHitPct);
        h[Metric::ReplayLagSec].append(t, s.replayLagSec);
        h[Metric::ReplayLagBytes].append(t, s.replayLagBytes);
    } else if (s.kind == NodeKind::Redis) {
        h[Metric::OpsPerSec].append(t, s.opsPerSec);
        h[Metric::UsedMemory].append(t, double(s.usedMemory));
        h[Metric::KeyspaceHitPct].append(t, s.keyspaceHitPct);
        h[Metric::Connections].append(t, s.clients);
    } else if (s.kind == NodeKind::PgBouncer) {
        h[Metric::Tps].append(t, s.tps);
        h[Metric::Connections].append(t, s.clients);
    }
}

void ClusterMonitor::onSnapshot(const NodeSnapshot& s)
{
    if (s.generation != m_generation)
        return;
    const auto prev = m_latest.constFind(s.node);
    const bool changed = prev == m_latest.constEnd() || prev->reachable != s.reachable;
    m_latest.insert(s.node, s);
    record(s);
    Q_EMIT snapshotArrived(s);
    if (changed)
        Q_EMIT reachabilityChanged(s.node, s.reachable);
}

} // namespace vigil
