#pragma once

#include <QHash>
#include <QWidget>

#include <memory>

class QTabWidget;
class QTableView;

namespace vigil {
class ClusterMonitor;
class PgReplicaModel;
class RedisReplicationModel;
class ReplicationHistory;
class ReplicationSlotModel;
class SentinelEventFeed;
class SentinelEventModel;
class SentinelModel;
} // namespace vigil

namespace vigil::ui {

class Banner;
class TimeChart;
class TopologyView;

// The Replication tab: the live topology (left) next to lag charts per replica (PostgreSQL time
// and bytes, Redis offset), above tables for PostgreSQL standbys, replication slots, Redis
// servers, Sentinels and the Sentinel event log. The topology lives here rather than in
// Overview so the failover drills find it next to the figures they change. Everything comes from
// the NodeWorkers' snapshots and the Sentinel subscriptions; nothing here touches the network.
class ReplicationPage : public QWidget
{
    Q_OBJECT
public:
    explicit ReplicationPage(ClusterMonitor* monitor, QWidget* parent = nullptr);
    ~ReplicationPage() override;

    PgReplicaModel* pgReplicas() const { return m_pgReplicas; }
    ReplicationSlotModel* slotModel() const { return m_slots; }
    RedisReplicationModel* redis() const { return m_redis; }
    SentinelModel* sentinels() const { return m_sentinels; }
    SentinelEventModel* events() const { return m_events; }
    SentinelEventFeed* eventFeed() const { return m_feed; }
    TopologyView* topology() const { return m_topology; }
    Banner* banner() const { return m_banner; }
    QTabWidget* tables() const { return m_tables; }
    TimeChart* pgLagChart() const { return m_pgLagChart; }
    TimeChart* pgBytesChart() const { return m_pgBytesChart; }
    TimeChart* redisLagChart() const { return m_redisLagChart; }
    QTableView* tableFor(int tab) const;

    // Rebuilds tables, topology, banner (and charts when visible) from the latest snapshots;
    // called once per poll round.
    void refresh();

private:
    void onStarted();
    void onStopped();
    void scheduleRefresh();
    void updateCharts();
    void updateBanner();

    ClusterMonitor* m_monitor;
    std::unique_ptr<ReplicationHistory> m_history;
    SentinelEventFeed* m_feed;
    PgReplicaModel* m_pgReplicas;
    ReplicationSlotModel* m_slots;
    RedisReplicationModel* m_redis;
    SentinelModel* m_sentinels;
    SentinelEventModel* m_events;
    Banner* m_banner;
    TopologyView* m_topology;
    TimeChart* m_pgLagChart;
    TimeChart* m_pgBytesChart;
    TimeChart* m_redisLagChart;
    QTabWidget* m_tables;
    QList<QTableView*> m_views;
    QHash<QString, QString> m_redisByAddress;
    QHash<QString, QString> m_subscriptionErrors;
    bool m_refreshQueued = false;
};

} // namespace vigil::ui
