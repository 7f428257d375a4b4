#include "poolpage.h"

#include "analysis/pooladvice.h"
#include "banner.h"
#include "models/bouncerpoolmodel.h"
#include "models/healthcheckmodel.h"
#include "models/poolgroupmodel.h"
#include "models/poolsessionmodel.h"
#include "models/statuscolors.h"
#include "monitor/clustermonitor.h"
#include "monitor/healthchecker.h"
#include "monitor/poolmonitor.h"
#include "tablesetup.h"
#include "timechart.h"

#include <QChart>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegend>
#include <QLocale>
#include <QRegularExpression>
#include <QSortFilterProxyModel>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace vigil::ui {

namespace {
QString severityColor(analysis::PoolAdvice::Severity s)
{
    switch (s) {
    case analysis::PoolAdvice::Severity::Critical:
        return statusColor(StatusLevel::Fail).name();
    case analysis::PoolAdvice::Severity::Warning:
        return statusColor(StatusLevel::Warn).name();
    case analysis::PoolAdvice::Severity::Info:
        break;
    }
    return QGuiApplication::palette().color(QPalette::Link).name();
}
} // namespace

PoolPage::PoolPage(ClusterMonitor* cluster, QWidget* parent)
    : QWidget(parent)
    , m_cluster(cluster)
    , m_pool(new PoolMonitor(cluster, this))
    , m_health(new HealthChecker(this))
    , m_groups(new PoolGroupModel(this))
    , m_idle(new PoolSessionModel(this))
    , m_blocked(new PoolSessionModel(this))
    , m_bouncerPools(new BouncerPoolModel(this))
    , m_healthModel(new HealthCheckModel(this))
    , m_banner(new Banner(this))
    , m_serverSummary(new QLabel(this))
    , m_bouncerSummary(new QLabel(this))
    , m_advice(new QLabel(this))
    , m_healthSummary(new QLabel(this))
    , m_utilChart(new TimeChart(tr("Server connections: % of max_connections usable by applications"), tr("%"), this))
    , m_bouncerChart(new TimeChart(tr("pgbouncer: clients and server connections"), tr("connections"), this))
    , m_healthChart(new TimeChart(tr("Service health: response time"), tr("ms"), this))
    , m_tables(new QTabWidget(this))
{
    // Not shown yet: poll at the hidden-tab period until the tab is opened.
    m_pool->setVisible(false);
    m_utilChart->chart()->legend()->hide();
    m_utilChart->setFixedMax(100);
    for (TimeChart* c : {m_utilChart, m_bouncerChart, m_healthChart})
        c->setCompact(true);
    for (QLabel* l : {m_serverSummary, m_bouncerSummary, m_advice, m_healthSummary}) {
        l->setWordWrap(true);
        l->setTextFormat(Qt::RichText);
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    }
    m_serverSummary->setText(tr("Waiting for the first poll of the primary…"));
    m_advice->setText(tr("<b>Advice</b>: waiting for figures…"));

    auto makeView = [this](QAbstractItemModel* model, int sortColumn) {
        auto* view = new QTableView(this);
        setupTable(view, model);
        view->sortByColumn(sortColumn, Qt::DescendingOrder);
        // These tables have a few rows: fit every column to its header and figures (the
        // session tables then give the statement text the room that is left).
        view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
        view->horizontalHeader()->setStretchLastSection(false);
        return view;
    };
    // One view per grouping, over the same keyed model: a fixed filter on the "By" column.
    const struct
    {
        const char* kind;
        const char* title;
    } groupTabs[] = {{"state", QT_TR_NOOP("By state")},
                     {"application", QT_TR_NOOP("By application")},
                     {"user", QT_TR_NOOP("By user")},
                     {"client", QT_TR_NOOP("By client address")}};
    for (const auto& g : groupTabs) {
        auto* kindFilter = new QSortFilterProxyModel(this);
        kindFilter->setSourceModel(m_groups);
        kindFilter->setFilterKeyColumn(PoolGroupModel::KindColumn);
        kindFilter->setFilterRegularExpression(
            QRegularExpression(QStringLiteral("^%1$").arg(QRegularExpression::escape(QLatin1String(g.kind)))));
        QTableView* view = makeView(kindFilter, PoolGroupModel::TotalColumn);
        view->setColumnHidden(PoolGroupModel::KindColumn, true);
        m_tables->addTab(view, tr(g.title));
    }
    // Session tables end with the statement text, which takes the room that is left.
    for (PoolSessionModel* m : {m_idle, m_blocked}) {
        QTableView* view = makeView(m, PoolSessionModel::InStateColumn);
        view->horizontalHeader()->setSectionResizeMode(PoolSessionModel::QueryColumn, QHeaderView::Stretch);
        m_tables->addTab(view, m == m_idle ? tr("Idle in transaction") : tr("Blocked / blocking"));
    }
    m_tables->addTab(makeView(m_bouncerPools, BouncerPoolModel::ClWaitingColumn), tr("pgbouncer pools"));
    auto* healthBox = new QWidget(this);
    auto* healthLayout = new QVBoxLayout(healthBox);
    healthLayout->setContentsMargins(0, 0, 0, 0);
    healthLayout->addWidget(m_healthSummary);
    QTableView* healthView = makeView(m_healthModel, HealthCheckModel::UrlColumn);
    healthView->horizontalHeader()->setSectionResizeMode(HealthCheckModel::DetailColumn, QHeaderView::Stretch);
    healthLayout->addWidget(healthView, 1);
    m_tables->addTab(healthBox, tr("Service health"));

    auto* summaries = new QHBoxLayout;
    summaries->addWidget(m_serverSummary, 1);
    summaries->addWidget(m_bouncerSummary, 1);
    auto* charts = new QHBoxLayout;
    charts->addWidget(m_utilChart);
    charts->addWidget(m_bouncerChart);
    charts->addWidget(m_healthChart);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_banner);
    layout->addLayout(summaries);
    layout->addWidget(m_advice);
    layout->addLayout(charts, 2);
    layout->addWidget(m_tables, 3);

    connect(m_pool, &PoolMonitor::serverUpdated, this, &PoolPage::onServer);
    connect(m_pool, &PoolMonitor::bouncerUpdated, this, &PoolPage::onBouncer);
    connect(m_health, &HealthChecker::updated, this, &PoolPage::onHealth);
    // Figures of a previous connection must not stay on screen as if they were current.
    auto clearTables = [this] {
        m_groups->clear();
        m_idle->clear();
        m_blocked->clear();
        m_bouncerPools->clear();
        m_healthModel->clear();
    };
    connect(cluster, &ClusterMonitor::started, this, [this, clearTables] {
        clearTables();
        m_health->start(m_cluster->profile().healthUrls);
        onHealth();
        updateBanner();
    });
    connect(cluster, &ClusterMonitor::stopped, this, [this, clearTables] {
        m_health->stop();
        clearTables();
        m_banner->setItems({});
    });
}

PoolPage::~PoolPage() = default;

void PoolPage::showEvent(QShowEvent* event)
{
    m_pool->setVisible(true);
    QWidget::showEvent(event);
}

void PoolPage::hideEvent(QHideEvent* event)
{
    m_pool->setVisible(false);
    QWidget::hideEvent(event);
}

QString PoolPage::summaryText() const
{
    return m_serverSummary->text() + QLatin1Char('\n') + m_bouncerSummary->text();
}

QString PoolPage::adviceText() const
{
    return m_advice->text();
}

void PoolPage::onServer()
{
    const auto s = m_pool->server();
    updateBanner();
    if (!s || !s->ok)
        return;
    m_groups->merge(s->groups);
    m_idle->mergeSessions(s->idleInTransaction);
    m_blocked->merge(s->blocked);
    const QLocale loc;
    QStringList states;
    for (auto it = s->byState.begin(); it != s->byState.end(); ++it)
        states << QStringLiteral("%1 <b>%2</b>").arg(it.key().toHtmlEscaped()).arg(it.value());
    m_serverSummary->setText(
        tr("<b>PostgreSQL %1</b>: <b>%2</b> client connections of %3 usable (max_connections %4, %5 reserved for "
           "superusers): <b>%6</b><br>By state: %7<br>Vigil's own sessions: %8 (counted in the total, not in the "
           "tables); %9 other backends (WAL senders, autovacuum…) use their own slots.")
            .arg(m_pool->node().toHtmlEscaped())
            .arg(s->clientBackends)
            .arg(s->availableToUsers())
            .arg(s->maxConnections)
            .arg(s->superuserReserved)
            .arg(loc.toString(s->utilisationPct(), 'f', 1) + QStringLiteral(" %"))
            .arg(states.isEmpty() ? tr("none") : states.join(QStringLiteral(" · ")))
            .arg(s->vigilSessions)
            .arg(s->otherBackends));
    m_utilChart->setSeries({{tr("used %"), m_pool->series(PoolMonitor::Series::Utilisation).points()}});
    updateAdvice();
}

void PoolPage::onBouncer()
{
    const auto b = m_pool->bouncer();
    updateBanner();
    if (!b || !b->ok)
        return;
    m_bouncerPools->merge(b->pools);
    const QLocale loc;
    m_bouncerSummary->setText(
        tr("<b>pgbouncer</b> (%1 mode, default_pool_size %2, max_client_conn %3): clients %4 active, "
           "<b>%5 waiting</b> (longest %6 ms); server connections %7 active, %8 idle; %9 client connections in use.")
            .arg(b->poolMode.toHtmlEscaped())
            .arg(b->defaultPoolSize)
            .arg(b->maxClientConn)
            .arg(b->clientsActive())
            .arg(b->clientsWaiting())
            .arg(loc.toString(b->maxWaitMs(), 'f', 0))
            .arg(b->serversActive())
            .arg(b->serversIdle())
            .arg(b->usedClients));
    using S = PoolMonitor::Series;
    m_bouncerChart->setSeries({{tr("cl_active"), m_pool->series(S::ClientsActive).points()},
                               {tr("cl_waiting"), m_pool->series(S::ClientsWaiting).points()},
                               {tr("sv_active"), m_pool->series(S::ServersActive).points()},
                               {tr("sv_idle + sv_used"), m_pool->series(S::ServersIdle).points()}});
    updateAdvice();
}

void PoolPage::updateAdvice()
{
    const QList<analysis::PoolAdvice> advice = analysis::advisePool(m_pool->server().get(), m_pool->bouncer().get());
    if (advice.isEmpty()) {
        m_advice->setText(tr("<b>Advice</b>: nothing to report: no client waits in pgbouncer, no long idle "
                             "transaction, no lock chain, max_connections has room."));
        return;
    }
    QStringList items;
    for (const analysis::PoolAdvice& a : advice)
        items << QStringLiteral("<li><span style='color:%1'><b>%2</b></span> <b>%3</b>. %4</li>")
                     .arg(severityColor(a.severity), analysis::severityName(a.severity).toUpper(),
                          a.title.toHtmlEscaped(), a.detail.toHtmlEscaped());
    m_advice->setText(tr("<b>Advice</b><ul style='margin-top:0px'>%1</ul>").arg(items.join(QString())));
}

void PoolPage::updateBanner()
{
    QList<Banner::Item> items;
    if (!m_cluster->isRunning()) {
        m_banner->setItems({});
        return;
    }
    if (const auto s = m_pool->server()) {
        if (!s->ok)
            items.append({tr("Pool figures of %1 unavailable: %2").arg(s->node, s->diagnosis.toText()), {}, true});
        for (const Finding& f : s->findings)
            items.append({f.message, f.fixSql, false});
    }
    if (!m_pool->hasBouncer())
        items.append({tr("pgbouncer: this profile names no admin console (a conninfo with dbname=pgbouncer), so only "
                         "the server side is shown. Add it in Profiles… to see pools, waiting clients and averages."),
                      {},
                      false});
    else if (const auto b = m_pool->bouncer(); b && !b->ok)
        items.append({tr("pgbouncer admin console unreachable: %1").arg(b->diagnosis.toText()), {}, true});
    for (const HealthStatus& h : m_health->statuses())
        if (h.checked && !h.up)
            items.append({tr("Service health: %1 is down (%2)").arg(h.url, h.error), {}, true});
    m_banner->setItems(items);
}

void PoolPage::onHealth()
{
    const QList<HealthStatus> all = m_health->statuses();
    m_healthModel->merge(all);
    if (all.isEmpty()) {
        m_healthSummary->setText(
            tr("This profile has no health URLs. Add the application servers' health endpoints in Profiles…"));
        m_healthChart->setSeries({});
        return;
    }
    int up = 0, checked = 0;
    QList<std::pair<QString, QList<QPointF>>> series;
    for (const HealthStatus& s : all) {
        checked += s.checked;
        up += s.checked && s.up;
        if (const TimeSeries* t = m_health->responseTimes(s.url))
            series.append({s.url, t->points()});
    }
    m_healthSummary->setText(tr("<b>Service health</b>: %1 of %2 URL(s) up (GET every %3 s, timeout %4 s)")
                                 .arg(up)
                                 .arg(all.size())
                                 .arg(m_health->periodMs() / 1000.0)
                                 .arg(m_health->timeoutMs() / 1000.0)
                             + (checked < all.size() ? tr(", checking…") : QString()));
    m_healthChart->setSeries(series);
    updateBanner();
}

} // namespace vigil::ui
