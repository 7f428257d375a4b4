#include "mainwindow.h"

#include "alerts/alertmonitor.h"
#include "alerts/alertrule.h"
#include "alertspage.h"
#include "cachepage.h"
#include "checklistpanel.h"
#include "drillspage.h"
#include "indexespage.h"
#include "loadtestspage.h"
#include "models/nodetablemodel.h"
#include "models/querypatternmodel.h"
#include "models/statuscolors.h"
#include "monitor/clustermonitor.h"
#include "monitor/insightmonitor.h"
#include "monitor/poolmonitor.h"
#include "overviewpage.h"
#include "poolpage.h"
#include "querypatternspage.h"
#include "replicationpage.h"
#include "slowqueriespage.h"
#include "store/auditlog.h"
#include "store/localstore.h"
#include "store/slowhistory.h"

#include <QAction>
#include <QCloseEvent>
#include <QComboBox>
#include <QLabel>
#include <QShortcut>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>

namespace vigil::ui {

MainWindow::MainWindow(QWidget* parent, const QString& storePath)
    : QMainWindow(parent)
    , m_store(std::make_unique<store::LocalStore>(storePath.isEmpty() ? store::LocalStore::defaultPath() : storePath))
    , m_history(std::make_unique<store::SlowHistory>(m_store.get()))
    , m_audit(std::make_unique<store::AuditLog>(m_store.get()))
    , m_monitor(new ClusterMonitor(this))
    , m_insight(new InsightMonitor(m_monitor, this))
    , m_nodes(new NodeTableModel(this))
    , m_patterns(new QueryPatternModel(this))
    , m_tabs(new QTabWidget(this))
    , m_profiles(new QComboBox(this))
    , m_health(new QLabel(this))
    , m_activity(new QLabel(this))
{
    setWindowTitle(tr("Vigil — PostgreSQL and Redis operations console"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/vigil.svg")));
    resize(1280, 800);

    auto* toolbar = addToolBar(tr("Connection"));
    toolbar->setObjectName(QStringLiteral("connectionToolbar"));
    toolbar->setMovable(false);
    toolbar->addWidget(new QLabel(tr("Profile: "), this));
    m_profiles->setMinimumContentsLength(18);
    m_profiles->setToolTip(tr("The cluster to watch: a saved profile or the local sandbox"));
    toolbar->addWidget(m_profiles);
    m_connect = toolbar->addAction(tr("Connect"));
    m_connect->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    m_connect->setToolTip(tr("Start monitoring the selected profile (Ctrl+Enter)"));
    m_disconnect = toolbar->addAction(tr("Disconnect"));
    m_disconnect->setToolTip(tr("Stop monitoring; no connection stays open"));
    m_disconnect->setEnabled(false);
    toolbar->addSeparator();
    QAction* manage = toolbar->addAction(tr("Profiles…"));
    manage->setToolTip(tr("Add, edit, test, import or export connection profiles"));

    connect(m_connect, &QAction::triggered, this, [this] {
        if (!m_profiles->currentText().isEmpty())
            Q_EMIT connectRequested(m_profiles->currentText());
    });
    connect(m_disconnect, &QAction::triggered, this, &MainWindow::disconnectFromCluster);
    connect(manage, &QAction::triggered, this, &MainWindow::manageProfilesRequested);

    m_insight->setHistory(m_history.get());
    m_overview = new OverviewPage(m_monitor, m_nodes, this);
    m_tabs->addTab(m_overview, tr("Overview"));
    m_patternsPage = new QueryPatternsPage(m_insight, m_patterns, this);
    m_tabs->addTab(m_patternsPage, tr("Query patterns"));
    m_slowPage = new SlowQueriesPage(m_insight, m_patterns, m_audit.get(), this);
    m_tabs->addTab(m_slowPage, tr("Slow queries"));
    m_cachePage = new CachePage(m_insight, m_monitor, this);
    m_tabs->addTab(m_cachePage, tr("Cache"));
    m_indexesPage = new IndexesPage(m_insight, m_audit.get(), this);
    m_tabs->addTab(m_indexesPage, tr("Indexes"));
    m_poolPage = new PoolPage(m_monitor, this);
    m_tabs->addTab(m_poolPage, tr("Pool"));
    m_replicationPage = new ReplicationPage(m_monitor, this);
    m_tabs->addTab(m_replicationPage, tr("Replication"));
    m_drillsPage = new DrillsPage(m_monitor, m_audit.get(), m_store.get(), this);
    m_tabs->addTab(m_drillsPage, tr("Drills"));
    m_loadTestsPage = new LoadTestsPage(m_monitor, m_audit.get(), m_store.get(), this);
    m_tabs->addTab(m_loadTestsPage, tr("Load tests"));
    m_alertsPage = new AlertsPage(m_monitor, m_insight, m_poolPage->pool(), m_store.get(), this);
    m_alertsPage->monitor()->loadRules(alerts::defaultRulesPath()); // a broken file keeps the defaults
    m_tabs->addTab(m_alertsPage, m_alertsPage->tabTitle());
    connect(m_alertsPage, &AlertsPage::tabTitleChanged, this,
            [this](const QString& title) { m_tabs->setTabText(m_tabs->indexOf(m_alertsPage), title); });
    connect(m_alertsPage, &AlertsPage::showRequested, this, [this] {
        showNormal();
        raise();
        m_tabs->setCurrentWidget(m_alertsPage);
    });
    m_tabs->setDocumentMode(true);
    setCentralWidget(m_tabs);

    // Ctrl+Tab / Ctrl+Shift+Tab cycle through the tabs from anywhere in the window.
    auto* next = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Tab), this);
    next->setContext(Qt::WindowShortcut);
    connect(next, &QShortcut::activated, this,
            [this] { m_tabs->setCurrentIndex((m_tabs->currentIndex() + 1) % m_tabs->count()); });
    auto* prev = new QShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Backtab), this);
    prev->setContext(Qt::WindowShortcut);
    connect(prev, &QShortcut::activated, this,
            [this] { m_tabs->setCurrentIndex((m_tabs->currentIndex() + m_tabs->count() - 1) % m_tabs->count()); });

    statusBar()->addWidget(m_activity, 1);
    statusBar()->addPermanentWidget(m_health);
    m_health->setText(tr("not connected"));

    connect(m_monitor, &ClusterMonitor::snapshotArrived, this, &MainWindow::onSnapshot);
}

MainWindow::~MainWindow()
{
    // The stores (members) go before the child widgets and monitors (QObject children): nothing
    // the monitors emit while stopping may reach a page that reads a store.
    m_alertsPage->shutdown();
    m_insight->disconnect();
    m_monitor->disconnect();
    m_insight->shutdown();
    m_monitor->shutdown();
}

void MainWindow::setProfileNames(const QStringList& names, const QString& current)
{
    const QSignalBlocker block(m_profiles);
    m_profiles->clear();
    m_profiles->addItems(names);
    if (!current.isEmpty())
        m_profiles->setCurrentText(current);
}

void MainWindow::connectTo(const Profile& profile, const QHash<QString, QString>& passwords, int periodMs)
{
    m_nodes->clear();
    m_patterns->clear();
    m_insight->setPasswords(passwords);
    m_poolPage->pool()->setPasswords(passwords);
    m_loadTestsPage->setPasswords(passwords);
    m_drillsPage->setPasswords(passwords);
    m_alertsPage->monitor()->setPasswords(passwords);
    m_monitor->start(profile, passwords, periodMs);
    m_overview->checklist()->setTarget(cli::Target {profile, passwords}, m_store->path());
    QList<NodeKind> kinds;
    for (const NodeSpec& s : ClusterMonitor::specsFor(profile, {}, periodMs))
        kinds << s.kind;
    m_nodes->setNodes(m_monitor->nodeNames(), kinds);
    if (m_profiles->findText(profile.name) < 0)
        m_profiles->addItem(profile.name);
    m_profiles->setCurrentText(profile.name);
    m_connect->setEnabled(false);
    m_disconnect->setEnabled(true);
    m_profiles->setEnabled(false);
    setWindowTitle(tr("Vigil — %1").arg(profile.name));
    updateStatusBar();
}

void MainWindow::disconnectFromCluster()
{
    m_monitor->stop();
    m_overview->checklist()->clearTarget();
    m_nodes->clear();
    m_patterns->clear();
    m_overview->refresh();
    m_connect->setEnabled(true);
    m_disconnect->setEnabled(false);
    m_profiles->setEnabled(true);
    setWindowTitle(tr("Vigil — PostgreSQL and Redis operations console"));
    m_health->setText(tr("not connected"));
}

void MainWindow::showActivity(const QString& text)
{
    m_activity->setText(text);
}

void MainWindow::onSnapshot(const NodeSnapshot& snapshot)
{
    m_nodes->applySnapshot(snapshot);
    // Snapshots of one poll round arrive together; redraw banner, chart and status once.
    if (m_refreshQueued)
        return;
    m_refreshQueued = true;
    QTimer::singleShot(50, this, [this] {
        m_refreshQueued = false;
        m_overview->refresh();
        updateStatusBar();
    });
}

void MainWindow::updateStatusBar()
{
    QStringList parts;
    int down = 0;
    for (const QString& node : m_monitor->nodeNames()) {
        const auto s = m_monitor->latest(node);
        QString color = statusColor(StatusLevel::Unknown).name();
        if (s)
            color = statusColor(s->reachable ? StatusLevel::Ok : StatusLevel::Fail).name();
        down += s && !s->reachable;
        parts << QStringLiteral("<span style='color:%1'>●</span> %2").arg(color, node.toHtmlEscaped());
    }
    m_health->setText(parts.join(QStringLiteral("&nbsp;&nbsp;")));
    m_health->setToolTip(down ? tr("%n node(s) down", nullptr, down) : tr("all nodes up"));
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    Q_EMIT closing();
    m_monitor->stop();
    event->accept();
}

} // namespace vigil::ui
