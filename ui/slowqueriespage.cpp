#include "slowqueriespage.h"

#include "actionconfirm.h"
#include "banner.h"
#include "models/querypatternmodel.h"
#include "models/querypatternproxy.h"
#include "models/runningstatementmodel.h"
#include "models/slowhistorymodel.h"
#include "monitor/insightmonitor.h"
#include "store/slowhistory.h"
#include "tablesetup.h"

#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace vigil::ui {

SlowQueriesPage::SlowQueriesPage(InsightMonitor* insight, QueryPatternModel* patterns, store::AuditLog* audit,
                                 QWidget* parent)
    : QWidget(parent)
    , m_insight(insight)
    , m_audit(audit)
    , m_banner(new Banner(this))
    , m_threshold(new QSpinBox(this))
    , m_keep(new QSpinBox(this))
    , m_running(new RunningStatementModel(this))
    , m_slowPatterns(new QueryPatternProxy(this))
    , m_history(new SlowHistoryModel(this))
    , m_frequency(new SlowFrequencyModel(this))
    , m_runningTable(new QTableView(this))
    , m_patternsTable(new QTableView(this))
    , m_historyTable(new QTableView(this))
    , m_frequencyTable(new QTableView(this))
    , m_cancel(new QPushButton(tr("Cancel statement"), this))
    , m_terminate(new QPushButton(tr("Terminate backend"), this))
    , m_status(new QLabel(this))
    , m_live(new QLabel(this))
{
    m_threshold->setRange(1, 3600 * 1000);
    m_threshold->setSuffix(tr(" ms"));
    m_threshold->setValue(insight->thresholdMs());
    m_threshold->setToolTip(tr("A statement running longer than this is slow (the profile's default; changes here "
                               "last for this session)"));
    connect(m_threshold, &QSpinBox::valueChanged, this, [this, patterns](int ms) {
        m_insight->setThresholdMs(ms);
        patterns->setSlowThresholdMs(ms);
        m_slowPatterns->invalidate();
    });
    connect(insight, &InsightMonitor::nodeChanged, this, [this] { m_threshold->setValue(m_insight->thresholdMs()); });
    m_keep->setRange(10, 100000);
    m_keep->setValue(store::SlowHistory::DefaultKeepLast);
    m_keep->setPrefix(tr("keep last "));
    m_keep->setToolTip(tr("How many slow statements the local history keeps for this profile"));
    connect(m_keep, &QSpinBox::valueChanged, this, [this](int n) {
        if (auto* h = m_insight->history()) {
            h->setKeepLast(n);
            h->trim(m_insight->profile().name);
            reloadHistory();
        }
    });
    auto* exportCsv = new QPushButton(tr("Export history CSV…"), this);
    connect(exportCsv, &QPushButton::clicked, this, [this] {
        auto* h = m_insight->history();
        if (!h)
            return;
        const QString path = QFileDialog::getSaveFileName(this, tr("Export slow-query history"),
                                                          QStringLiteral("slow-queries.csv"), tr("CSV files (*.csv)"));
        if (path.isEmpty())
            return;
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || !h->exportCsv(m_insight->profile().name, &f))
            QMessageBox::warning(this, tr("Export"), tr("Cannot write %1: %2").arg(path, f.errorString()));
    });

    setupTable(m_runningTable, m_running);
    m_runningTable->sortByColumn(RunningStatementModel::DurationColumn, Qt::DescendingOrder);
    m_slowPatterns->setSourceModel(patterns);
    m_slowPatterns->setSlowOnly(true);
    setupView(m_patternsTable, m_slowPatterns);
    m_patternsTable->sortByColumn(QueryPatternModel::MeanColumn, Qt::DescendingOrder);
    m_patternsTable->horizontalHeader()->resizeSection(QueryPatternModel::QueryColumn, 420);
    setupTable(m_historyTable, m_history);
    m_historyTable->sortByColumn(SlowHistoryModel::LastSeenColumn, Qt::DescendingOrder);
    setupTable(m_frequencyTable, m_frequency);
    m_frequencyTable->sortByColumn(SlowFrequencyModel::CountColumn, Qt::DescendingOrder);

    m_cancel->setToolTip(tr("pg_cancel_backend: stop the running statement, keep the session"));
    m_terminate->setToolTip(tr("pg_terminate_backend: end the whole session (its open transaction rolls back)"));
    m_cancel->setEnabled(false);
    m_terminate->setEnabled(false);
    connect(m_cancel, &QPushButton::clicked, this, [this] { askBackendAction(false); });
    connect(m_terminate, &QPushButton::clicked, this, [this] { askBackendAction(true); });
    connect(m_runningTable->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        const bool any = m_runningTable->selectionModel()->hasSelection() && !m_action.isRunning();
        const bool readOnly = m_insight->profile().readOnly;
        m_cancel->setEnabled(any && !readOnly);
        m_terminate->setEnabled(any && !readOnly);
    });
    connect(&m_action, &QFutureWatcherBase::finished, this, [this] {
        const actions::BackendActionResult r = m_action.result();
        m_status->setText(r.message);
        Q_EMIT backendActionFinished(r);
    });

    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Slow threshold:"), this));
    top->addWidget(m_threshold);
    top->addSpacing(24);
    top->addWidget(m_status, 1);

    auto* running = new QWidget(this);
    auto* rl = new QVBoxLayout(running);
    auto* rb = new QHBoxLayout;
    rb->addWidget(m_cancel);
    rb->addWidget(m_terminate);
    rb->addStretch(1);
    rb->addWidget(m_live, 1);
    rl->addLayout(rb);
    rl->addWidget(m_runningTable);

    auto* history = new QWidget(this);
    auto* hl = new QVBoxLayout(history);
    auto* hb = new QHBoxLayout;
    hb->addWidget(m_keep);
    hb->addWidget(exportCsv);
    hb->addStretch(1);
    hl->addLayout(hb);
    auto* hsplit = new QSplitter(Qt::Vertical, this);
    hsplit->addWidget(m_frequencyTable);
    hsplit->addWidget(m_historyTable);
    hl->addWidget(hsplit);

    auto* tabs = new QTabWidget(this);
    tabs->addTab(running, tr("Running now"));
    tabs->addTab(m_patternsTable, tr("Slow patterns"));
    tabs->addTab(history, tr("History"));

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_banner);
    layout->addLayout(top);
    layout->addWidget(tabs, 1);

    connect(insight, &InsightMonitor::activityUpdated, this, &SlowQueriesPage::onActivity);
    connect(insight, &InsightMonitor::historyUpdated, this, &SlowQueriesPage::reloadHistory);
    connect(insight, &InsightMonitor::nodeChanged, this, &SlowQueriesPage::reloadHistory);
}

void SlowQueriesPage::onActivity()
{
    const auto a = m_insight->activity();
    if (!a)
        return;
    if (!a->ok) {
        m_banner->setItems({{a->diagnosis.what.isEmpty() ? a->error : a->diagnosis.toText(), {}, true}});
        return;
    }
    m_banner->setItems({});
    m_running->merge(a->running);
    m_live->setText(
        a->running.isEmpty()
            ? tr("No statement has run longer than %1 ms on %2 (polled %3).")
                  .arg(a->thresholdMs)
                  .arg(m_insight->node(), QLocale().toString(a->sampledAt.toLocalTime().time(), QLocale::LongFormat))
            : tr("%n statement(s) running longer than %1 ms on %2.", nullptr, int(a->running.size()))
                  .arg(a->thresholdMs)
                  .arg(m_insight->node()));
}

void SlowQueriesPage::reloadHistory()
{
    store::SlowHistory* h = m_insight->history();
    if (!h)
        return;
    const QString profile = m_insight->profile().name;
    m_history->setRows(h->recent(profile));
    m_frequency->setRows(h->frequency(profile));
}

void SlowQueriesPage::askBackendAction(bool terminate)
{
    const QModelIndexList rows = m_runningTable->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return;
    const int pid = rows.first().data(RunningStatementModel::PidRole).toInt();
    const QString sql = terminate ? QStringLiteral("SELECT pg_terminate_backend(%1)").arg(pid)
                                  : QStringLiteral("SELECT pg_cancel_backend(%1)").arg(pid);
    const QString what = terminate
        ? tr("End session %1 on %2? Its running statement stops and any open transaction rolls back.")
              .arg(pid)
              .arg(m_insight->node())
        : tr("Cancel the statement running in backend %1 on %2? The session stays connected.")
              .arg(pid)
              .arg(m_insight->node());
    bool typed = false;
    QString refusal;
    if (!confirmAction(this, m_insight->profile(), terminate ? QStringLiteral("terminate") : QStringLiteral("cancel"),
                       terminate ? tr("Terminate backend") : tr("Cancel statement"), what, sql, &typed, &refusal)) {
        if (!refusal.isEmpty())
            m_status->setText(refusal);
        return;
    }
    runBackendAction(pid, terminate, typed);
}

void SlowQueriesPage::runBackendAction(int pid, bool terminate, bool typedNameConfirmed)
{
    if (m_action.isRunning())
        return;
    m_status->setText(terminate ? tr("Terminating backend %1…").arg(pid) : tr("Cancelling backend %1…").arg(pid));
    const pg::ConnectOptions target = m_insight->connectOptions();
    const Profile profile = m_insight->profile();
    const QString node = m_insight->node();
    store::AuditLog* audit = m_audit;
    m_action.setFuture(QtConcurrent::run([=] {
        return terminate ? actions::terminateBackend(target, pid, audit, profile, node, typedNameConfirmed)
                         : actions::cancelBackend(target, pid, audit, profile, node, typedNameConfirmed);
    }));
}

} // namespace vigil::ui
