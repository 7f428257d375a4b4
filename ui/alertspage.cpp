#include "alertspage.h"

#include "alertrulesdialog.h"
#include "alerts/alertmonitor.h"
#include "alerts/alertrule.h"
#include "alerttray.h"
#include "models/alerthistorymodel.h"
#include "models/alertmodel.h"
#include "monitor/clustermonitor.h"
#include "store/alerthistory.h"
#include "tablesetup.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace vigil::ui {

namespace {
constexpr int kHistoryRows = 500;
}

AlertsPage::AlertsPage(ClusterMonitor* cluster, InsightMonitor* insight, PoolMonitor* pool, store::LocalStore* store,
                       QWidget* parent)
    : QWidget(parent)
    , m_monitor(new alerts::AlertMonitor(cluster, this))
    , m_history(store ? std::make_unique<store::AlertHistory>(store) : nullptr)
    , m_model(new AlertModel(this))
    , m_historyModel(new AlertHistoryModel(this))
    , m_tray(new AlertTray(m_monitor, this))
    , m_summary(new QLabel(this))
    , m_filter(new QLineEdit(this))
    , m_view(new QTableView(this))
    , m_historyView(new QTableView(this))
    , m_tables(new QTabWidget(this))
    , m_ack(new QPushButton(tr("&Acknowledge"), this))
    , m_silence(new QPushButton(tr("&Silence"), this))
    , m_silenceMenu(new QMenu(this))
    , m_refresh(new QTimer(this))
    , m_cluster(cluster)
{
    if (insight)
        m_monitor->setInsight(insight);
    if (pool)
        m_monitor->setPool(pool);
    m_monitor->setHistory(m_history.get());

    m_filter->setPlaceholderText(tr("Filter alerts (Ctrl+F)"));
    m_filter->setClearButtonEnabled(true);
    setupTable(m_view, m_model, m_filter);
    m_view->sortByColumn(AlertModel::StateColumn, Qt::DescendingOrder);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    setupTable(m_historyView, m_historyModel);
    m_historyView->sortByColumn(AlertHistoryModel::StartedColumn, Qt::DescendingOrder);
    m_historyView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_historyView->horizontalHeader()->setStretchLastSection(true);
    m_tables->addTab(m_view, tr("Active"));
    m_tables->addTab(m_historyView, tr("History"));
    m_tables->setTabToolTip(1, tr("Every episode of every alert of this profile, kept in the local store"));

    m_ack->setToolTip(tr("Acknowledge the selected alerts: no notification and not counted in the tab title until "
                         "they resolve; the next episode alerts again"));
    m_silence->setToolTip(tr("Silence the selected alerts for a while: they stay listed, nothing notifies"));
    for (const auto& [label, seconds] :
         {std::pair {tr("1 hour"), 3600}, std::pair {tr("4 hours"), 4 * 3600}, std::pair {tr("24 hours"), 24 * 3600}})
        m_silenceMenu->addAction(label, this, [this, s = seconds] { silenceSelected(s); });
    m_silenceMenu->addAction(tr("Custom…"), this, [this] {
        bool ok = false;
        const int minutes = QInputDialog::getInt(this, tr("Silence alerts"), tr("Silence for (minutes):"), 30, 1,
                                                 7 * 24 * 60, 1, &ok);
        if (ok)
            silenceSelected(minutes * 60);
    });
    m_silenceMenu->addSeparator();
    m_silenceMenu->addAction(tr("Lift silence"), this, [this] { silenceSelected(0); });
    m_silence->setMenu(m_silenceMenu);
    auto* rules = new QPushButton(tr("&Rules…"), this);
    rules->setToolTip(tr("Thresholds, `for` durations, severities; saved as JSON"));
    connect(m_ack, &QPushButton::clicked, this, &AlertsPage::acknowledgeSelected);
    connect(rules, &QPushButton::clicked, this, &AlertsPage::editRules);

    auto* bar = new QHBoxLayout;
    bar->addWidget(m_summary, 1);
    bar->addWidget(m_filter);
    bar->addWidget(m_ack);
    bar->addWidget(m_silence);
    bar->addWidget(rules);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_tables, 1);
    m_summary->setTextFormat(Qt::RichText);

    // Alerts change in bursts (one poll round touches many); redraw at most every 200 ms.
    m_refresh->setSingleShot(true);
    m_refresh->setInterval(200);
    connect(m_refresh, &QTimer::timeout, this, &AlertsPage::refresh);
    const auto schedule = [this] {
        if (!m_refresh->isActive())
            m_refresh->start();
    };
    connect(m_monitor, &alerts::AlertMonitor::alertsChanged, this, schedule);
    connect(m_monitor, &alerts::AlertMonitor::prometheusStatusChanged, this, schedule);
    connect(m_monitor, &alerts::AlertMonitor::transitioned, this, &AlertsPage::refreshHistory);
    connect(m_tray, &AlertTray::activated, this, &AlertsPage::showRequested);
    connect(cluster, &ClusterMonitor::started, this, &AlertsPage::refreshHistory);
    refresh();
}

AlertsPage::~AlertsPage()
{
    shutdown();
}

void AlertsPage::shutdown()
{
    m_monitor->disconnect(this);
    m_monitor->setHistory(nullptr);
    m_history.reset();
}

QString AlertsPage::tabTitle() const
{
    const int n = m_monitor->unhandledFiringCount();
    return n > 0 ? tr("Alerts (%1)").arg(n) : tr("Alerts");
}

QString AlertsPage::summaryText() const
{
    return m_summary->text();
}

void AlertsPage::refresh()
{
    const QList<alerts::Alert> all = m_monitor->alerts();
    m_model->setAlerts(all);
    int firing = 0, pending = 0, resolved = 0;
    for (const alerts::Alert& a : all) {
        firing += a.state == alerts::AlertState::Firing;
        pending += a.state == alerts::AlertState::Pending;
        resolved += a.state == alerts::AlertState::Resolved;
    }
    QString text = tr("<b>%1 firing</b>, %2 pending, %3 resolved recently").arg(firing).arg(pending).arg(resolved);
    int enabled = 0;
    for (const alerts::AlertRule& r : m_monitor->rules())
        enabled += r.enabled;
    text += tr(" · %1 rules on").arg(enabled);
    const QString prometheus = m_cluster->profile().prometheusUrl;
    if (!prometheus.isEmpty())
        text += m_monitor->prometheusError().isEmpty()
            ? tr(" · Prometheus %1").arg(prometheus.toHtmlEscaped())
            : tr(" · <span style='color:#d03b3b'>Prometheus %1: %2</span>")
                  .arg(prometheus.toHtmlEscaped(), m_monitor->prometheusError().toHtmlEscaped());
    m_summary->setText(text);
    const QString title = tabTitle();
    if (title != m_title) {
        m_title = title;
        Q_EMIT tabTitleChanged(title);
    }
}

void AlertsPage::refreshHistory()
{
    if (m_history)
        m_historyModel->setEpisodes(m_history->recent(m_cluster->profile().name, kHistoryRows));
}

QStringList AlertsPage::selectedKeys() const
{
    QStringList keys;
    for (const QModelIndex& i : m_view->selectionModel()->selectedRows())
        keys << i.data(AlertModel::KeyRole).toString();
    return keys;
}

void AlertsPage::acknowledgeSelected()
{
    for (const QString& key : selectedKeys())
        m_monitor->acknowledge(key);
    refresh();
}

void AlertsPage::silenceSelected(int seconds)
{
    const QDateTime until = seconds > 0 ? QDateTime::currentDateTimeUtc().addSecs(seconds) : QDateTime();
    for (const QString& key : selectedKeys())
        m_monitor->silence(key, until);
    refresh();
}

void AlertsPage::editRules()
{
    AlertRulesDialog dialog(m_monitor->rules(), m_monitor->rulesPath(), this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    QString error;
    if (!m_monitor->setRules(dialog.rules(), &error))
        QMessageBox::warning(this, tr("Alert rules"), tr("The rules apply now but were not saved: %1").arg(error));
}

} // namespace vigil::ui
