#pragma once

#include "connect/profile.h"
#include "nodesnapshot.h"
#include "nodespec.h"
#include "timeseries.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <optional>

class QThread;

namespace vigil {

class NodeWorker;

// The figures kept over time per node (for charts and, later, alerts).
enum class Metric {
    Tps,
    Connections,
    CacheHitPct,
    ReplayLagSec,
    ReplayLagBytes,
    OpsPerSec,
    UsedMemory,
    RttMs,
    KeyspaceHitPct
};

// Lives on the GUI thread. Starts one NodeWorker per server of a profile, keeps the latest
// snapshot per node and a bounded history, and never blocks on the network: stop() returns at
// once and the threads finish on their own; only shutdown() (at exit) waits, bounded.
class ClusterMonitor : public QObject
{
    Q_OBJECT
public:
    explicit ClusterMonitor(QObject* parent = nullptr);
    ~ClusterMonitor() override;

    // Passwords keyed as SecretStore keys them: PG node name, "pgbouncer-admin", "redis". Memory only.
    void start(const Profile& profile, const QHash<QString, QString>& passwords = {}, int periodMs = 1000);
    void stop();
    // Stops and waits for the worker threads, at most `waitMs` in total.
    void shutdown(int waitMs = 3000);

    bool isRunning() const { return !m_workers.isEmpty(); }
    const Profile& profile() const { return m_profile; }
    QStringList nodeNames() const { return m_order; }
    std::optional<NodeSnapshot> latest(const QString& node) const;
    QList<NodeSnapshot> latestAll() const;
    // The PostgreSQL node the last polls saw as primary (the profile's first node before any poll
    // said; empty without one): found in memory, no connection.
    PgNode primaryNode() const;
    const TimeSeries* series(const QString& node, Metric metric) const;
    // Worker threads not yet finished (including ones from earlier connections).
    int liveThreads() const;

    static QList<NodeSpec> specsFor(const Profile& profile, const QHash<QString, QString>& passwords, int periodMs);

Q_SIGNALS:
    void snapshotArrived(const vigil::NodeSnapshot& snapshot);
    void reachabilityChanged(const QString& node, bool reachable);
    void started();
    void stopped();

private:
    void onSnapshot(const vigil::NodeSnapshot& snapshot);
    void record(const NodeSnapshot& s);

    struct Running
    {
        QPointer<NodeWorker> worker;
        QPointer<QThread> thread;
    };
    Profile m_profile;
    quint64 m_generation = 0;
    QList<Running> m_workers;
    QList<QPointer<QThread>> m_retiring;
    QStringList m_order;
    QHash<QString, NodeSnapshot> m_latest;
    QHash<QString, QHash<Metric, TimeSeries>> m_history;
};

} // namespace vigil
