#include "replicationpage.h"

#include "banner.h"
#include "models/pgreplicamodel.h"
#include "models/redisreplicationmodel.h"
#include "models/replicationhistory.h"
#include "models/replicationslotmodel.h"
#include "models/sentineleventmodel.h"
#include "models/sentinelmodel.h"
#include "monitor/clustermonitor.h"
#include "monitor/replicationview.h"
#include "monitor/sentinelevents.h"
#include "tablesetup.h"
#include "timechart.h"
#include "topologyview.h"

#include <QHeaderView>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace vigil::ui {

ReplicationPage::ReplicationPage(ClusterMonitor* monitor, QWidget* parent)
    : QWidget(parent)
    , m_monitor(monitor)
    , m_history(std::make_unique<ReplicationHistory>())
    , m_feed(new SentinelEventFeed(this))
    , m_pgReplicas(new PgReplicaModel(this))
    , m_slots(new ReplicationSlotModel(this))
    , m_redis(new RedisReplicationModel(this))
    , m_sentinels(new SentinelModel(this))
    , m_events(new SentinelEventModel(this))
    , m_banner(new Banner(this))
    , m_topology(new TopologyView(this))
    , m_pgLagChart(new TimeChart(tr("PostgreSQL replay lag per standby (pg_stat_replication)"), tr("seconds"), this))
    , m_pgBytesChart(new TimeChart(tr("PostgreSQL bytes not yet replayed per standby"), tr("bytes"), this))
    , m_redisLagChart(new TimeChart(tr("Redis replication offset lag per replica"), tr("bytes"), this))
    , m_tables(new QTabWidget(this))
{
    for (TimeChart* c : {m_pgLagChart, m_pgBytesChart, m_redisLagChart}) {
        c->setCompact(true);
        c->setMinimumHeight(140);
    }
    m_pgLagChart->setToolTip(tr("replay_lag as PostgreSQL reports it; gaps are NULL (caught up and idle)"));
    m_pgBytesChart->setToolTip(tr("pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) on the primary"));
    m_redisLagChart->setToolTip(tr("master_repl_offset minus the offset each replica acknowledged"));

    auto addTable = [this](QAbstractItemModel* model, const QString& title, int sortColumn, Qt::SortOrder order) {
        auto* view = new QTableView(this);
        setupTable(view, model);
        view->sortByColumn(sortColumn, order);
        view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
        view->horizontalHeader()->setStretchLastSection(true);
        m_tables->addTab(view, title);
        m_views << view;
    };
    addTable(m_pgReplicas, tr("PostgreSQL standbys"), -1, Qt::AscendingOrder);
    addTable(m_slots, tr("Replication slots"), -1, Qt::AscendingOrder);
    addTable(m_redis, tr("Redis"), -1, Qt::AscendingOrder);
    addTable(m_sentinels, tr("Sentinels"), -1, Qt::AscendingOrder);
    addTable(m_events, tr("Sentinel events"), SentinelEventModel::ReceivedColumn, Qt::DescendingOrder);

    auto* charts = new QWidget(this);
    auto* chartLayout = new QVBoxLayout(charts);
    chartLayout->setContentsMargins(0, 0, 0, 0);
    chartLayout->addWidget(m_pgLagChart);
    chartLayout->addWidget(m_pgBytesChart);
    chartLayout->addWidget(m_redisLagChart);

    auto* top = new QSplitter(Qt::Horizontal, this);
    top->addWidget(m_topology);
    top->addWidget(charts);
    top->setStretchFactor(0, 3);
    top->setStretchFactor(1, 2);
    top->setSizes({720, 480}); // the picture needs the width; the charts read fine narrower
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(top);
    split->addWidget(m_tables);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_banner);
    layout->addWidget(split, 1);

    connect(m_monitor, &ClusterMonitor::started, this, &ReplicationPage::onStarted);
    connect(m_monitor, &ClusterMonitor::stopped, this, &ReplicationPage::onStopped);
    connect(m_monitor, &ClusterMonitor::snapshotArrived, this, [this](const NodeSnapshot& s) {
        m_history->record(s, m_redisByAddress);
        scheduleRefresh();
    });
    connect(m_feed, &SentinelEventFeed::eventReceived, m_events, &SentinelEventModel::apply);
    connect(m_feed, &SentinelEventFeed::eventUpdated, m_events, &SentinelEventModel::apply);
    connect(m_feed, &SentinelEventFeed::eventReceived, this, [this](const SentinelEvent& e) {
        // A failover is under way: ask nothing, just say so where the operator is looking.
        if (e.type == QLatin1String("+switch-master") || e.type == QLatin1String("+odown"))
            m_topology->showTransientLabel(m_topology->redisMaster(), e.type, 4000);
    });
    connect(m_feed, &SentinelEventFeed::subscriptionChanged, this,
            [this](const QString& sentinel, bool subscribed, const QString& error) {
                if (subscribed)
                    m_subscriptionErrors.remove(sentinel);
                else
                    m_subscriptionErrors.insert(sentinel, error);
                updateBanner();
            });
    connect(m_topology, &TopologyView::nodeActivated, this, [this](const QString& node) {
        // Show the node's row in the table that describes it.
        struct
        {
            int tab;
            QAbstractItemModel* model;
            int row;
        } hits[] = {{0, m_pgReplicas, m_pgReplicas->rowOf(node)},
                    {2, m_redis, m_redis->rowOf(node)},
                    {3, m_sentinels, m_sentinels->rowOf(node)}};
        for (const auto& h : hits) {
            if (h.row < 0)
                continue;
            m_tables->setCurrentIndex(h.tab);
            QTableView* view = m_views[h.tab];
            auto* proxy = qobject_cast<QSortFilterProxyModel*>(view->model());
            const QModelIndex at = proxy ? proxy->mapFromSource(h.model->index(h.row, 0)) : QModelIndex();
            view->selectRow(at.row());
            return;
        }
    });
}

ReplicationPage::~ReplicationPage() = default;

QTableView* ReplicationPage::tableFor(int tab) const
{
    return m_views.value(tab);
}

void ReplicationPage::onStarted()
{
    m_history->clear();
    m_pgReplicas->clear();
    m_slots->clear();
    m_redis->clear();
    m_sentinels->clear();
    m_subscriptionErrors.clear();
    QStringList names;
    QList<NodeKind> kinds;
    QList<std::pair<QString, QString>> sentinels;
    m_redisByAddress.clear();
    for (const NodeSpec& s : ClusterMonitor::specsFor(m_monitor->profile(), {}, 1000)) {
        names << s.name;
        kinds << s.kind;
        if (s.kind == NodeKind::Sentinel)
            sentinels.append({s.name, s.address});
        if (s.kind == NodeKind::Redis)
            m_redisByAddress.insert(s.address, s.name);
    }
    m_topology->setNodes(names, kinds);
    // Events keep their log across reconnects of the same session; the subscriptions restart.
    m_feed->start(sentinels);
}

void ReplicationPage::onStopped()
{
    m_feed->stop();
    m_subscriptionErrors.clear();
    updateBanner();
}

void ReplicationPage::scheduleRefresh()
{
    // Snapshots of one poll round arrive together; rebuild once.
    if (m_refreshQueued)
        return;
    m_refreshQueued = true;
    QTimer::singleShot(50, this, [this] {
        m_refreshQueued = false;
        refresh();
    });
}

void ReplicationPage::refresh()
{
    const QList<NodeSnapshot> snaps = m_monitor->latestAll();
    m_pgReplicas->update(pgReplicaRows(snaps));
    m_slots->merge(pgSlotRows(snaps));
    m_redis->merge(redisReplicationRows(snaps));
    m_sentinels->merge(sentinelRows(snaps));
    m_topology->setSnapshots(snaps);
    updateBanner();
    if (isVisible())
        updateCharts();
}

void ReplicationPage::updateBanner()
{
    QList<Banner::Item> items;
    const QList<NodeSnapshot> snaps = m_monitor->latestAll();
    bool anyPg = false;
    for (const NodeSnapshot& s : snaps) {
        anyPg |= s.kind == NodeKind::Postgres;
        if (s.replicationDetailsHidden)
            for (const Finding& f : s.findings)
                if (f.fixSql.contains(QLatin1String("pg_monitor")))
                    items.append({tr("%1: pg_stat_replication shows the standbys but hides their state and "
                                     "positions from this role")
                                      .arg(s.node),
                                  f.fixSql, false});
    }
    if (anyPg && m_monitor->isRunning() && !snaps.isEmpty() && pgPrimaryName(snaps).isEmpty())
        items.append({tr("No reachable PostgreSQL primary: standby lag cannot be measured"), {}, true});
    for (const QString& stuck : m_pgReplicas->stuckInStartup())
        items.append({tr("Standby %1 is stuck in startup: its WAL sender never reached streaming (missing WAL, or a "
                         "slot or restore problem on the standby; see its log)")
                          .arg(stuck),
                      {},
                      true});
    for (const PgSlotRow& r : m_slots->allRows()) {
        if (!r.retainsTooMuch())
            continue;
        QString literal = r.slot.name;
        literal.replace(QLatin1Char('\''), QStringLiteral("''"));
        items.append({tr("Replication slot %1 on %2 keeps %3 of WAL (max_wal_size %4, wal_status %5): a slot whose "
                         "consumer is gone keeps WAL until the disk fills")
                          .arg(r.slot.name, r.node, replfmt::bytes(r.slot.retainedBytes),
                               replfmt::bytes(double(r.maxWalSizeBytes)), r.slot.walStatus),
                      QStringLiteral("SELECT pg_drop_replication_slot('%1'); -- on %2, only if its standby is gone "
                                     "for good")
                          .arg(literal, r.node),
                      true});
    }
    for (auto it = m_subscriptionErrors.cbegin(); it != m_subscriptionErrors.cend(); ++it)
        items.append({tr("%1: no event subscription (%2); retrying").arg(it.key(), it.value()), {}, false});
    m_banner->setItems(items);
}

void ReplicationPage::updateCharts()
{
    using S = ReplicationHistory::Series;
    auto collect = [this](S series) {
        QList<std::pair<QString, QList<QPointF>>> out;
        for (const QString& name : m_history->names(series))
            out.append({name, m_history->series(series, name)->points()});
        return out;
    };
    m_pgLagChart->setSeries(collect(S::PgReplayLagSec));
    m_pgBytesChart->setSeries(collect(S::PgReplayLagBytes));
    m_redisLagChart->setSeries(collect(S::RedisLagOffset));
}

} // namespace vigil::ui
