#include "cachepage.h"

#include "models/cachetablemodel.h"
#include "models/nodetablemodel.h"
#include "monitor/clustermonitor.h"
#include "monitor/insightmonitor.h"
#include "tablesetup.h"
#include "timechart.h"

#include <QChart>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegend>
#include <QLocale>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace vigil::ui {

CachePage::CachePage(InsightMonitor* insight, ClusterMonitor* cluster, QWidget* parent)
    : QWidget(parent)
    , m_insight(insight)
    , m_cluster(cluster)
    , m_summary(new QLabel(this))
    , m_redis(new QLabel(this))
    , m_pgChart(new TimeChart(tr("PostgreSQL shared-buffer hit % (this database, per interval)"), tr("%"), this))
    , m_redisChart(new TimeChart(tr("Redis keyspace hit % (per interval)"), tr("%"), this))
    , m_databases(new CacheTableModel(tr("Database"), this))
    , m_tables(new CacheTableModel(tr("Table"), this))
    , m_indexes(new CacheTableModel(tr("Index"), this))
{
    m_pgChart->chart()->legend()->hide();
    m_pgChart->setFixedMax(100);
    m_redisChart->setFixedMax(100);
    m_summary->setWordWrap(true);
    m_redis->setWordWrap(true);
    auto makeTable = [this](CacheTableModel* model, bool showTable) {
        auto* view = new QTableView(this);
        setupTable(view, model);
        view->sortByColumn(CacheTableModel::HitsColumn, Qt::DescendingOrder);
        view->setColumnHidden(CacheTableModel::TableColumn, !showTable);
        return view;
    };
    auto* tabs = new QTabWidget(this);
    tabs->addTab(makeTable(m_databases, false), tr("Databases"));
    tabs->addTab(makeTable(m_tables, false), tr("Busiest tables"));
    tabs->addTab(makeTable(m_indexes, true), tr("Busiest indexes"));

    m_summary->setTextFormat(Qt::RichText);
    m_redis->setTextFormat(Qt::RichText);
    m_summary->setText(tr("Waiting for the first poll of the primary…"));
    auto* labels = new QHBoxLayout;
    labels->addWidget(m_summary, 1);
    labels->addWidget(m_redis, 1);
    auto* charts = new QHBoxLayout;
    charts->addWidget(m_pgChart);
    charts->addWidget(m_redisChart);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(labels);
    layout->addLayout(charts, 2);
    layout->addWidget(tabs, 3);

    connect(insight, &InsightMonitor::cacheUpdated, this, &CachePage::onCache);
    // Redis figures come with the node polls; a light timer redraws them once a second.
    auto* timer = new QTimer(this);
    timer->setInterval(1000);
    connect(timer, &QTimer::timeout, this, [this] {
        if (isVisible())
            refreshRedis();
    });
    timer->start();
}

QString CachePage::summaryText() const
{
    return m_summary->text() + QLatin1Char('\n') + m_redis->text();
}

void CachePage::onCache()
{
    const auto c = m_insight->cache();
    if (!c)
        return;
    if (!c->ok) {
        m_summary->setText(tr("<b>PostgreSQL</b>: %1").arg(c->diagnosis.toText().toHtmlEscaped()));
        return;
    }
    m_databases->merge(c->databases);
    m_tables->merge(c->tables);
    m_indexes->merge(c->indexes);
    const QLocale loc;
    for (const CacheRow& db : c->databases) {
        if (db.name != c->currentDatabase)
            continue;
        m_summary->setText(
            tr("<b>PostgreSQL %1</b>, database %2: hit %3 now, %4 lifetime; %5 blocks read/s from "
               "outside shared buffers")
                .arg(m_insight->node(), db.name,
                     hasValue(db.intervalHitPct) ? loc.toString(db.intervalHitPct, 'f', 2) + " %" : tr("– (idle)"),
                     hasValue(db.hitPct) ? loc.toString(db.hitPct, 'f', 2) + " %" : QStringLiteral("–"),
                     hasValue(db.readsPerSec) ? loc.toString(db.readsPerSec, 'f', 1) : QStringLiteral("–")));
    }
    m_pgChart->setSeries({{tr("hit %"), m_insight->databaseHitPct().points()}});
}

void CachePage::refreshRedis()
{
    QStringList lines;
    QList<std::pair<QString, QList<QPointF>>> series;
    const QLocale loc;
    for (const NodeSnapshot& s : m_cluster->latestAll()) {
        if (s.kind != NodeKind::Redis || !s.reachable)
            continue;
        const qint64 total = s.keyspaceHits + s.keyspaceMisses;
        lines
            << tr("<b>%1</b> (%2): keyspace hit %3 now, %4 lifetime; memory %5%6; %7 evicted, %8 expired keys")
                   .arg(s.node, roleName(s.role),
                        hasValue(s.keyspaceHitPct) ? loc.toString(s.keyspaceHitPct, 'f', 2) + " %" : tr("– (idle)"),
                        total > 0 ? loc.toString(100.0 * double(s.keyspaceHits) / double(total), 'f', 2) + " %"
                                  : QStringLiteral("–"),
                        NodeTableModel::formatBytes(double(s.usedMemory)),
                        s.maxMemory > 0
                            ? tr(" of %1 (%2)").arg(NodeTableModel::formatBytes(double(s.maxMemory)), s.maxmemoryPolicy)
                            : tr(" (no maxmemory)"))
                   .arg(s.evictedKeys)
                   .arg(s.expiredKeys);
        if (const TimeSeries* ts = m_cluster->series(s.node, Metric::KeyspaceHitPct))
            series.append({s.node, ts->points()});
    }
    m_redis->setText(lines.isEmpty() ? tr("No Redis node reachable in this profile.")
                                     : lines.join(QStringLiteral("<br>")));
    m_redisChart->setSeries(series);
}

} // namespace vigil::ui
