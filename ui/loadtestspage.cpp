#include "loadtestspage.h"

#include "actionconfirm.h"
#include "actions/actiongate.h"
#include "loadchart.h"
#include "loadtest/loadengine.h"
#include "loadtest/loadreport.h"
#include "loadtest/loadrunner.h"
#include "loadtest/locustrunner.h"
#include "loadtest/scenario.h"
#include "loadtest/workloads.h"
#include "models/loadrunmodel.h"
#include "models/statuscolors.h"
#include "monitor/clustermonitor.h"
#include "monitor/meanquerytime.h"
#include "scenariodialog.h"
#include "store/auditlog.h"
#include "tablesetup.h"

#include <QAction>
#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>
#include <cmath>

namespace vigil::ui {

namespace {

const QString kAction = QStringLiteral("loadtest");
const QString kFileItem = QStringLiteral("File…");
const QString kRps = QStringLiteral("RPS"), kErrors = QStringLiteral("errors/s");
const QString kP50 = QStringLiteral("p50"), kP95 = QStringLiteral("p95"), kP99 = QStringLiteral("p99");
const QString kActive = QStringLiteral("active"), kWanted = QStringLiteral("target");
const QString kLag = QStringLiteral("replica lag s"), kWaiting = QStringLiteral("pool waiting");
// Σtotal_exec_time / Σcalls of pg_stat_statements over each second of the run (all statements on
// the monitored primary, the run's own included).
const QString kMeanQuery = QStringLiteral("mean query ms");

// Between two chart updates of the same second: long enough that each chart's repaint is its own
// backing-store flush (a zero timer let all four land in one), short enough to read as live.
constexpr int kStepGapMs = 60;

bool writeFile(const QString& path, const QByteArray& data, QString* error)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(data) < 0 || !f.commit()) {
        if (error)
            *error = f.errorString();
        return false;
    }
    return true;
}

// "+12.3 %" against the baseline, coloured by whether the change is good for this figure.
QString delta(double now, double base, bool higherIsBetter)
{
    if (base == 0)
        return {};
    const double pct = 100.0 * (now - base) / base;
    const bool good = higherIsBetter ? pct >= 0 : pct <= 0;
    return QStringLiteral(" <span style='color:%1'>(%2%3 %)</span>")
        .arg(statusColor(good ? StatusLevel::Ok : StatusLevel::Fail).name(), pct >= 0 ? QStringLiteral("+") : QString())
        .arg(pct, 0, 'f', 1);
}

} // namespace

LoadTestsPage::LoadTestsPage(ClusterMonitor* monitor, store::AuditLog* audit, store::LocalStore* local, QWidget* parent)
    : QWidget(parent)
    , m_monitor(monitor)
    , m_audit(audit)
    , m_store(local ? std::make_unique<store::LoadRunStore>(local) : nullptr)
    , m_runs(new LoadRunModel(this))
    , m_runner(new QComboBox(this))
    , m_editScenario(new QToolButton(this))
    , m_locustfile(new QComboBox(this))
    , m_locustBrowse(new QToolButton(this))
    , m_host(new QLineEdit(this))
    , m_workers(new QSpinBox(this))
    , m_scenario(new QComboBox(this))
    , m_workload(new QComboBox(this))
    , m_target(new QComboBox(this))
    , m_users(new QSpinBox(this))
    , m_duration(new QSpinBox(this))
    , m_start(new QPushButton(tr("Start…"), this))
    , m_stop(new QPushButton(tr("Stop"), this))
    , m_exportHtml(new QPushButton(tr("HTML report…"), this))
    , m_exportCsv(new QPushButton(tr("CSV…"), this))
    , m_compare(new QPushButton(tr("Compare with baseline"), this))
    , m_deleteRun(new QPushButton(tr("Delete run…"), this))
    , m_why(new QLabel(this))
    , m_card(new QLabel(this))
    , m_rpsChart(new LoadChart(tr("Throughput"), tr("per second"), {kRps, kErrors}, this))
    , m_latencyChart(new LoadChart(tr("Latency"), tr("ms"), {kP50, kP95, kP99}, this))
    // The target is drawn last and dashed over the wider connected-users line, so both stay
    // visible where they are equal (most of a run).
    , m_usersChart(new LoadChart(tr("Virtual users"), tr("users"), {kActive, kWanted}, this))
    , m_dbChart(new LoadChart(tr("Monitored database"), tr("s / clients / ms"), {kLag, kWaiting, kMeanQuery}, this))
    , m_table(new QTableView(this))
    , m_meanQuery(new MeanQueryTimeProbe(this))
{
    m_runner->addItem(tr("Native engine"), int(loadtest::RunnerKind::Native));
    m_runner->addItem(tr("pgbench"), int(loadtest::RunnerKind::Pgbench));
    m_runner->addItem(tr("Locust (HTTP)"), int(loadtest::RunnerKind::Locust));
    m_runner->setToolTip(tr("Who generates the load: Vigil's engine, pgbench itself (-P 1, its transaction log "
                            "read live), or Locust headless against an HTTP target (its CSV history read live)"));
    m_locustfile->setEditable(true);
    m_locustfile->addItems(loadtest::LocustRunner::builtinLocustfiles());
    m_locustfile->setToolTip(tr("A shipped locustfile (trading_api.py: the trading API's read paths; health.py: "
                                "the health endpoint only) or the path of your own"));
    m_locustBrowse->setText(tr("…"));
    m_locustBrowse->setToolTip(tr("Choose your own locustfile"));
    m_host->setPlaceholderText(tr("http://host:port"));
    m_host->setToolTip(tr("Base URL of the HTTP target (Locust's --host)"));
    m_workers->setRange(0, 64);
    m_workers->setToolTip(tr("0: one Locust process; N: Locust's distributed mode, a master and N worker "
                             "processes on this machine"));
    reloadScenarios();
    m_editScenario->setText(tr("Edit…"));
    m_editScenario->setToolTip(tr("Edit the chosen scenario (or one from the fields below) and save it as your own"));
    m_scenario->setToolTip(tr("The team's scenario presets and your saved scenarios (users, ramp, duration, "
                              "workload, stop conditions)"));
    for (const QString& w : loadtest::builtinWorkloads())
        m_workload->addItem(w, w);
    m_workload->addItem(kFileItem);
    m_workload->setToolTip(tr("A built-in workload or a pgbench-style script file"));
    m_target->addItem(tr("Primary (direct)"), int(Target::Primary));
    m_target->addItem(tr("Through pgbouncer"), int(Target::Pgbouncer));
    m_target->setToolTip(tr("pgbouncer in transaction mode gets the simple protocol (no prepared statements)"));
    m_users->setRange(1, 5000);
    m_users->setValue(10);
    m_users->setToolTip(tr("Virtual users (one connection each)"));
    m_duration->setRange(1, 24 * 3600);
    m_duration->setValue(30);
    m_duration->setSuffix(tr(" s"));
    m_start->setToolTip(tr("Start the run after confirming the equivalent vigil loadtest command"));
    m_stop->setToolTip(tr("End the run now; statements in flight get 200 ms, then are cancelled"));
    m_usersChart->setLineStyle(kActive, 4);
    m_usersChart->setLineStyle(kWanted, 1.5, Qt::DashLine);
    m_exportHtml->setToolTip(tr("Save the last run as a self-contained HTML report with its charts"));
    m_exportCsv->setToolTip(tr("Save the last run's per-second series as CSV"));
    m_compare->setToolTip(tr("Use the run selected in Past runs as the baseline of the summary card"));
    m_deleteRun->setToolTip(tr("Remove the run selected in Past runs from this machine's store (Delete)"));
    m_why->setWordWrap(true);
    m_card->setWordWrap(true);
    m_card->setTextFormat(Qt::RichText);
    m_card->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_card->setText(tr("No run in this session."));

    auto* form = new QFormLayout;
    m_form = form;
    form->addRow(tr("Runner"), m_runner);
    m_locustRow = new QHBoxLayout;
    m_locustRow->addWidget(m_locustfile, 1);
    m_locustRow->addWidget(m_locustBrowse);
    form->addRow(tr("Locustfile"), m_locustRow);
    form->addRow(tr("Host URL"), m_host);
    form->addRow(tr("Locust workers"), m_workers);
    auto* scenarioRow = new QHBoxLayout;
    scenarioRow->addWidget(m_scenario, 1);
    scenarioRow->addWidget(m_editScenario);
    form->addRow(tr("Scenario"), scenarioRow);
    form->addRow(tr("Workload"), m_workload);
    form->addRow(tr("Target"), m_target);
    form->addRow(tr("Users"), m_users);
    form->addRow(tr("Duration"), m_duration);
    auto* buttons = new QHBoxLayout;
    for (QPushButton* b : {m_start, m_stop, m_exportHtml, m_exportCsv})
        buttons->addWidget(b);
    buttons->addStretch(1);
    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->addLayout(form);
    leftLayout->addLayout(buttons);
    leftLayout->addWidget(m_why);
    leftLayout->addWidget(m_card);
    leftLayout->addStretch(1);

    auto* charts = new QWidget(this);
    auto* grid = new QGridLayout(charts);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->addWidget(m_rpsChart, 0, 0);
    grid->addWidget(m_latencyChart, 0, 1);
    grid->addWidget(m_usersChart, 1, 0);
    grid->addWidget(m_dbChart, 1, 1);
    auto* runsBox = new QWidget(this);
    auto* runsLayout = new QVBoxLayout(runsBox);
    runsLayout->setContentsMargins(0, 0, 0, 0);
    auto* runsHead = new QHBoxLayout;
    runsHead->addWidget(new QLabel(tr("<b>Past runs</b>"), this));
    runsHead->addStretch(1);
    runsHead->addWidget(m_compare);
    runsHead->addWidget(m_deleteRun);
    runsLayout->addLayout(runsHead);
    runsLayout->addWidget(m_table);
    grid->addWidget(runsBox, 2, 0, 1, 2);

    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(left);
    split->addWidget(charts);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 3);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split);

    setupTable(m_table, m_runs);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->sortByColumn(LoadRunModel::StartedColumn, Qt::DescendingOrder);

    connect(m_scenario, &QComboBox::currentIndexChanged, this, &LoadTestsPage::applyScenario);
    connect(m_runner, &QComboBox::currentIndexChanged, this, &LoadTestsPage::updateRunnerFields);
    connect(m_workload, &QComboBox::activated, this, [this] {
        if (m_workload->currentText() != kFileItem)
            return;
        const QString path = QFileDialog::getOpenFileName(this, tr("Workload script"), {}, tr("SQL (*.sql);;All (*)"));
        if (path.isEmpty()) {
            m_workload->setCurrentIndex(0);
            return;
        }
        m_workloadFile = path;
        m_workload->setItemText(m_workload->currentIndex(), path);
    });
    connect(m_editScenario, &QToolButton::clicked, this, &LoadTestsPage::editScenario);
    connect(m_locustBrowse, &QToolButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Locustfile"), {}, tr("Python (*.py);;All (*)"));
        if (!path.isEmpty())
            m_locustfile->setCurrentText(path);
    });
    connect(m_start, &QPushButton::clicked, this, &LoadTestsPage::askStart);
    connect(m_stop, &QPushButton::clicked, this, &LoadTestsPage::stopRun);
    connect(m_compare, &QPushButton::clicked, this, [this] {
        const QModelIndexList rows = m_table->selectionModel()->selectedRows();
        setBaseline(rows.isEmpty() ? 0 : rows.first().data(LoadRunModel::IdRole).toLongLong());
    });
    connect(m_deleteRun, &QPushButton::clicked, this, &LoadTestsPage::askDeleteRun);
    // Delete on the list itself, so the key keeps its meaning in the form's fields.
    auto* deleteKey = new QAction(m_table);
    deleteKey->setShortcut(QKeySequence::Delete);
    deleteKey->setShortcutContext(Qt::WidgetShortcut);
    m_table->addAction(deleteKey);
    connect(deleteKey, &QAction::triggered, this, &LoadTestsPage::askDeleteRun);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &LoadTestsPage::updateButtons);
    connect(m_exportHtml, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("HTML report"),
                                                          QStringLiteral("vigil-loadtest.html"), tr("HTML (*.html)"));
        QString error;
        if (!path.isEmpty() && !exportHtml(path, &error))
            m_why->setText(tr("Could not save %1: %2").arg(path, error));
    });
    connect(m_exportCsv, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Per-second CSV"),
                                                          QStringLiteral("vigil-loadtest.csv"), tr("CSV (*.csv)"));
        QString error;
        if (!path.isEmpty() && !exportCsv(path, &error))
            m_why->setText(tr("Could not save %1: %2").arg(path, error));
    });
    connect(m_monitor, &ClusterMonitor::started, this, [this] {
        reloadRuns();
        // Locust's default target: the profile's application (health) server.
        const Profile& p = m_monitor->profile();
        if (m_host->text().isEmpty() && !p.healthUrls.isEmpty()) {
            const QUrl u(p.healthUrls.first());
            m_host->setText(u.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment).toString());
            if (!p.sandboxDir.isEmpty()) // the sandbox's stand-in server answers /health only
                m_locustfile->setCurrentText(QStringLiteral("health.py"));
        }
        updateButtons();
    });
    connect(m_monitor, &ClusterMonitor::stopped, this, &LoadTestsPage::updateButtons);
    updateRunnerFields();
    updateButtons();
}

loadtest::RunnerKind LoadTestsPage::runnerKind() const
{
    return loadtest::RunnerKind(m_runner->currentData().toInt());
}

void LoadTestsPage::updateRunnerFields()
{
    const bool locust = runnerKind() == loadtest::RunnerKind::Locust;
    QFormLayout* form = m_form;
    for (QWidget* w : {static_cast<QWidget*>(m_locustfile), static_cast<QWidget*>(m_locustBrowse),
                       static_cast<QWidget*>(m_host), static_cast<QWidget*>(m_workers)}) {
        w->setVisible(locust);
        if (QWidget* label = form ? form->labelForField(w) : nullptr)
            label->setVisible(locust);
    }
    if (QWidget* label = form && m_locustRow ? form->labelForField(m_locustRow) : nullptr)
        label->setVisible(locust);
    // Locust loads an HTTP target with its locustfile: no database workload or target.
    for (QWidget* w : {static_cast<QWidget*>(m_workload), static_cast<QWidget*>(m_target)}) {
        w->setVisible(!locust);
        if (QWidget* label = form ? form->labelForField(w) : nullptr)
            label->setVisible(!locust);
    }
}

LoadTestsPage::~LoadTestsPage()
{
    // The engine's destructor stops the run and joins its thread (within ~250 ms); its queued
    // signals die with it, so nothing reaches this half-destroyed page.
    m_engine.reset();
}

void LoadTestsPage::applyScenario()
{
    loadtest::Scenario s;
    QString error;
    const QString name = m_scenario->currentData().toString();
    if (name.isEmpty() || !loadtest::findScenario(name, &s, &error))
        return;
    // A scenario fills the overrides; the operator may still change them before Start.
    m_users->setValue(s.users);
    m_duration->setValue(s.durationSec);
    const int w = m_workload->findData(s.workload);
    if (w >= 0)
        m_workload->setCurrentIndex(w);
}

void LoadTestsPage::updateButtons()
{
    const Profile& p = m_monitor->profile();
    const bool running = isRunning();
    const actions::GateDecision gate = actions::gate(p, kAction);
    QString why;
    if (p.name.isEmpty() || !m_monitor->isRunning())
        why = tr("Connect to a profile first.");
    else if (!gate.allowed && !gate.needsTypedName)
        why = gate.reason;
    else if (p.pgNodes.isEmpty())
        why = tr("The profile has no PostgreSQL node.");
    m_start->setEnabled(why.isEmpty() && !running);
    m_start->setToolTip(why.isEmpty() ? tr("Start the run after confirming the equivalent vigil loadtest command")
                                      : why);
    for (QWidget* w :
         {static_cast<QWidget*>(m_scenario), static_cast<QWidget*>(m_editScenario), static_cast<QWidget*>(m_workload),
          static_cast<QWidget*>(m_target), static_cast<QWidget*>(m_users), static_cast<QWidget*>(m_duration),
          static_cast<QWidget*>(m_runner), static_cast<QWidget*>(m_locustfile), static_cast<QWidget*>(m_locustBrowse),
          static_cast<QWidget*>(m_host), static_cast<QWidget*>(m_workers)})
        w->setEnabled(!running);
    m_stop->setEnabled(running);
    const bool picked = m_table->selectionModel() && m_table->selectionModel()->hasSelection();
    m_deleteRun->setEnabled(picked && m_store);
    m_compare->setEnabled(picked);
    m_exportHtml->setEnabled(m_result.ok && !running);
    m_exportCsv->setEnabled(m_result.ok && !running);
    if (!running)
        m_why->setText(why);
}

bool LoadTestsPage::buildOptions(loadtest::EngineOptions* o, QString* error) const
{
    const Profile& p = m_monitor->profile();
    loadtest::Scenario s;
    const QString scenarioName = m_scenario->currentData().toString();
    if (!scenarioName.isEmpty()) {
        if (!loadtest::findScenario(scenarioName, &s, error))
            return false;
        s.applyTo(o);
    }
    o->users = m_users->value();
    o->durationSec = m_duration->value();
    // The users' threads run in this process: below the GUI thread's priority, so hundreds of
    // users cannot starve the event loop (the CLI runs them at normal priority).
    o->lowPriority = true;
    o->workloadName = m_workload->currentText() == kFileItem ? QString() : m_workload->currentText();
    if (o->workloadName.isEmpty()) {
        *error = tr("Choose a workload file.");
        return false;
    }
    if (Target(m_target->currentData().toInt()) == Target::Pgbouncer) {
        if (p.pgbouncer.isEmpty()) {
            *error = tr("The profile has no pgbouncer.");
            return false;
        }
        o->conninfo = p.pgbouncer;
        o->targetName = QStringLiteral("pgbouncer");
        o->password = m_passwords.value(o->targetName);
        // Transaction pooling cannot keep a connection's prepared statements.
        o->protocol = loadtest::Protocol::Simple;
        return true;
    }
    if (p.pgNodes.isEmpty()) {
        *error = tr("The profile has no PostgreSQL node.");
        return false;
    }
    // The primary as the last polls saw it: no connection from the GUI thread to find out.
    const PgNode node = m_monitor->primaryNode();
    o->conninfo = node.conninfo;
    o->targetName = node.name;
    o->password = m_passwords.value(node.name);
    o->protocol = loadtest::Protocol::Prepared;
    return true;
}

QString LoadTestsPage::equivalentCommand() const
{
    const Profile& p = m_monitor->profile();
    QString cmd = QStringLiteral("vigil loadtest ");
    cmd += p.sandboxDir.isEmpty() ? QStringLiteral("--profile %1").arg(p.name)
                                  : QStringLiteral("--sandbox-dir %1").arg(p.sandboxDir);
    const QString scenarioName = m_scenario->currentData().toString();
    if (!scenarioName.isEmpty())
        cmd += QStringLiteral(" --scenario ") + scenarioName;
    cmd += QStringLiteral(" --users %1 --duration %2").arg(m_users->value()).arg(m_duration->value());
    const loadtest::RunnerKind kind = runnerKind();
    if (kind != loadtest::RunnerKind::Native)
        cmd += QStringLiteral(" --runner ") + loadtest::runnerName(kind);
    if (kind == loadtest::RunnerKind::Locust) {
        cmd += QStringLiteral(" --locustfile %1 --host %2").arg(m_locustfile->currentText(), m_host->text());
        if (m_workers->value() > 0)
            cmd += QStringLiteral(" --workers %1").arg(m_workers->value());
    } else {
        const QString w = m_workload->currentText();
        cmd += loadtest::builtinWorkloads().contains(w) ? QStringLiteral(" --builtin ") + w
                                                        : QStringLiteral(" --workload ") + w;
        if (Target(m_target->currentData().toInt()) == Target::Pgbouncer)
            cmd += QStringLiteral(" --via pgbouncer");
    }
    if (actions::gate(p, kAction).needsTypedName)
        cmd += QStringLiteral(" --confirm-profile ") + p.name;
    return cmd;
}

void LoadTestsPage::askStart()
{
    bool typed = false;
    QString refusal;
    QString error;
    // The exact command the run will execute (pgbench / locust, no password) is what is confirmed.
    if (!prepareRunner(&error)) {
        m_why->setText(tr("Not started: %1").arg(error));
        return;
    }
    QString command = equivalentCommand();
    if (m_engine->kind() != loadtest::RunnerKind::Native)
        command += QStringLiteral("\n\n") + m_engine->command();
    const QString where = runnerKind() == loadtest::RunnerKind::Locust ? m_host->text() : m_target->currentText();
    const store::AuditEntry entry {{}, m_monitor->profile().name, where, kAction, command, {}};
    if (!confirmAction(this, m_monitor->profile(), kAction, tr("Start load test"),
                       tr("%1 virtual users for %2 s against %3 of profile \"%4\". The servers get real load; "
                          "other clients will notice.")
                           .arg(m_users->value())
                           .arg(m_duration->value())
                           .arg(where, m_monitor->profile().name),
                       command, &typed, &refusal)) {
        m_engine.reset();
        m_prepared = false;
        if (!refusal.isEmpty()) {
            if (m_audit)
                m_audit->refused(entry, refusal);
            m_why->setText(tr("Not started: %1").arg(refusal));
        }
        return;
    }
    if (!startRun(&error))
        m_why->setText(tr("Not started: %1").arg(error));
}

bool LoadTestsPage::prepareRunner(QString* error)
{
    if (isRunning()) {
        *error = tr("A run is already going.");
        return false;
    }
    loadtest::EngineOptions o;
    loadtest::Script script;
    loadtest::LocustOptions locust;
    const loadtest::RunnerKind kind = runnerKind();
    if (kind == loadtest::RunnerKind::Locust) {
        loadtest::Scenario s;
        const QString scenarioName = m_scenario->currentData().toString();
        if (!scenarioName.isEmpty() && loadtest::findScenario(scenarioName, &s, error))
            s.applyTo(&o);
        o.users = m_users->value();
        o.durationSec = m_duration->value();
        locust.locustfile = m_locustfile->currentText();
        locust.host = m_host->text().trimmed();
        locust.workers = m_workers->value();
        o.targetName = locust.host;
        o.workloadName = locust.locustfile;
    } else {
        if (!buildOptions(&o, error))
            return false;
        if (!loadtest::loadWorkload(o.workloadName, &script, error))
            return false;
    }
    error->clear();
    m_engine.reset(); // a finished runner from the previous run (its thread or processes ended)
    m_engine = loadtest::makeRunner(kind, o, script, locust, error);
    m_prepared = bool(m_engine);
    m_targetName = o.targetName;
    if (m_engine)
        m_plannedSec = o.durationSec;
    return m_prepared;
}

bool LoadTestsPage::startRun(QString* error)
{
    QString why;
    const actions::GateDecision gate = actions::gate(m_monitor->profile(), kAction);
    if (isRunning())
        why = tr("A run is already going.");
    else if (!gate.allowed && !gate.needsTypedName) // the typed name was asked for by askStart()
        why = gate.reason;
    else if (!m_prepared)
        prepareRunner(&why); // built-in or the chosen file's path; the runner not started yet
    if (!why.isEmpty() || !m_engine) {
        if (error)
            *error = why;
        m_prepared = false;
        return false;
    }
    m_prepared = false;
    // Nothing may reach a server unrecorded: no audit entry, no run.
    QString command = equivalentCommand();
    if (m_engine->kind() != loadtest::RunnerKind::Native)
        command += QStringLiteral(" (") + m_engine->command() + QLatin1Char(')');
    const store::AuditEntry entry {{}, m_monitor->profile().name, m_targetName, kAction, command, {}};
    m_auditId = m_audit ? m_audit->begin(entry) : -1;
    if (m_audit && m_auditId < 0) {
        if (error)
            *error = tr("the audit log could not be written, so nothing was run");
        return false;
    }
    m_result = {};
    m_database.clear();
    m_startedAt = QDateTime::currentDateTimeUtc();
    m_pendingSteps.clear();
    for (LoadChart* c : {m_rpsChart, m_latencyChart, m_usersChart, m_dbChart})
        m_pendingSteps.append([c, seconds = m_plannedSec] {
            c->setPlannedSeconds(seconds);
            c->clear();
        });
    runNextStep();
    m_card->setText(tr("Running…"));
    connect(m_engine.get(), &loadtest::LoadRunner::secondReady, this, &LoadTestsPage::onSecond, Qt::QueuedConnection);
    connect(m_engine.get(), &loadtest::LoadRunner::finished, this, &LoadTestsPage::onFinished, Qt::QueuedConnection);
    m_active = true;
    startMeanQueryProbe();
    m_engine->start();
    updateButtons();
    m_why->setText(tr("Running against %1 (%2)").arg(m_targetName, loadtest::runnerName(m_engine->kind())));
    return true;
}

void LoadTestsPage::stopRun()
{
    if (m_engine && m_engine->isRunning()) {
        m_engine->stop();
        m_why->setText(tr("Stopping…"));
    }
}

void LoadTestsPage::onSecond(const loadtest::LoadSecond& s)
{
    // One chart per turn of the event loop: a chart whose axes change relayouts and repaints in
    // tens of milliseconds while the run's users load the same cores, and four of them in one
    // go would be one long stall rather than four short ones.
    const double x = s.second;
    const QList<std::function<void()>> steps {
        [this, s, x] {
            m_rpsChart->append(kRps, x, double(s.transactions));
            m_rpsChart->append(kErrors, x, double(s.errors));
        },
        [this, s, x] {
            if (s.transactions > 0) {
                m_latencyChart->append(kP50, x, s.latency.p50Ms);
                m_latencyChart->append(kP95, x, s.latency.p95Ms);
                m_latencyChart->append(kP99, x, s.latency.p99Ms);
            }
        },
        [this, s, x] {
            m_usersChart->append(kActive, x, s.activeUsers);
            m_usersChart->append(kWanted, x, s.targetUsers);
        },
        [this, x] { overlayDatabase(x); },
        [this, s] {
            m_card->setText(tr("Running… second %1: %2 requests, %3 errors, %4 users, p95 %5 ms")
                                .arg(s.second)
                                .arg(s.transactions)
                                .arg(s.errors)
                                .arg(s.activeUsers)
                                .arg(s.latency.p95Ms, 0, 'f', 2));
            Q_EMIT secondArrived(s);
        },
    };
    m_pendingSteps.append(steps);
    if (m_pendingSteps.size() == steps.size())
        runNextStep();
}

void LoadTestsPage::runNextStep()
{
    if (m_pendingSteps.isEmpty())
        return;
    const std::function<void()> step = m_pendingSteps.takeFirst();
    step();
    if (!m_pendingSteps.isEmpty())
        QTimer::singleShot(kStepGapMs, this, &LoadTestsPage::runNextStep);
}

void LoadTestsPage::startMeanQueryProbe()
{
    // The monitored primary as the last polls saw it (the first node before any poll said), on a
    // connection of its own.
    const PgNode node = m_monitor->primaryNode();
    if (node.name.isEmpty())
        return;
    pg::ConnectOptions o;
    o.conninfo = node.conninfo;
    o.password = m_passwords.value(node.name);
    o.applicationName = QStringLiteral("vigil");
    m_meanQuery->start(node.name, o);
}

void LoadTestsPage::overlayDatabase(double second)
{
    // The monitor's latest polls (already in memory, at most one period old) stand for this
    // second: worst replica replay lag and clients waiting in pgbouncer for a server connection.
    double lag = -1;
    int waiting = -1;
    for (const NodeSnapshot& n : m_monitor->latestAll()) {
        if (!n.reachable)
            continue;
        if (n.kind == NodeKind::Postgres && n.role == NodeRole::Replica && std::isfinite(n.replayLagSec))
            lag = std::max(lag, n.replayLagSec);
        if (n.kind == NodeKind::PgBouncer && n.clientsWaiting >= 0)
            waiting = std::max(waiting, n.clientsWaiting);
    }
    loadtest::DatabaseSecond d;
    d.second = int(std::lround(second));
    if (lag >= 0)
        m_dbChart->append(kLag, second, d.replayLagSec = lag);
    if (hasValue(m_meanQuery->lastMeanMs()))
        m_dbChart->append(kMeanQuery, second, d.meanQueryMs = m_meanQuery->lastMeanMs());
    if (waiting >= 0)
        m_dbChart->append(kWaiting, second, d.poolWaiting = waiting);
    // Kept with the result, so the stored run and its report show the same overlay.
    m_database.append(d);
}

void LoadTestsPage::onFinished(const loadtest::RunResult& r)
{
    if (!m_pendingSteps.isEmpty()) {
        // The last second's charts first, so runFinished follows every secondArrived.
        m_pendingSteps.append([this, r] { onFinished(r); });
        return;
    }
    m_result = r;
    m_result.database = m_database;
    m_active = false;
    m_meanQuery->stop();
    if (m_audit && m_auditId >= 0)
        m_audit->finish(m_auditId, r.ok,
                        r.ok ? tr("%1 transactions, %2 errors, %3 tps, p95 %4 ms, ended by %5")
                                   .arg(r.transactions)
                                   .arg(r.errors)
                                   .arg(r.tps, 0, 'f', 1)
                                   .arg(r.latency.p95Ms, 0, 'f', 2)
                                   .arg(r.stopReason)
                             : tr("not run: %1").arg(r.error));
    m_auditId = -1;
    if (r.ok && m_store) {
        m_lastRunId = m_store->save(m_monitor->profile().name, m_startedAt, m_result);
        reloadRuns();
    }
    showCard();
    // Start enables again only now that the result is audited, stored and shown.
    updateButtons();
    if (!r.ok)
        m_why->setText(tr("Not run: %1").arg(r.error));
    Q_EMIT runFinished(m_result);
}

void LoadTestsPage::reloadRuns()
{
    if (m_store)
        m_runs->merge(m_store->list(m_monitor->profile().name));
}

void LoadTestsPage::reloadScenarios(const QString& select)
{
    const QString keep = select.isEmpty() ? m_scenario->currentData().toString() : select;
    const QSignalBlocker quiet(m_scenario); // the fields keep their values while the list refills
    m_scenario->clear();
    m_scenario->addItem(tr("(none: users and duration below)"));
    for (const loadtest::Scenario& s : loadtest::availableScenarios())
        m_scenario->addItem(s.name, s.name);
    m_scenario->setCurrentIndex(std::max(0, m_scenario->findData(keep)));
}

void LoadTestsPage::editScenario()
{
    loadtest::Scenario start;
    QString error;
    const QString name = m_scenario->currentData().toString();
    if (name.isEmpty() || !loadtest::findScenario(name, &start, &error)) {
        start = loadtest::Scenario();
        start.workload = m_workload->currentText();
    }
    // What the operator changed in the fields goes into the copy being edited.
    start.users = m_users->value();
    start.durationSec = m_duration->value();
    ScenarioDialog dialog(start, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    reloadScenarios(dialog.scenario().name);
    applyScenario();
}

void LoadTestsPage::askDeleteRun()
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty() || !m_store)
        return;
    const qint64 id = rows.first().data(LoadRunModel::IdRole).toLongLong();
    const store::LoadRunRecord* run = m_runs->rowAt(m_runs->rowOf(id));
    if (!run)
        return;
    // Only this machine's record of the run goes; nothing on any server changes.
    const auto answer = QMessageBox::question(
        this, tr("Delete run"),
        tr("Delete the stored run of %1 (%2, %3 users, %4 tps) from this machine? Its report and "
           "per-second series cannot be opened again.")
            .arg(QLocale().toString(run->startedAt.toLocalTime(), QLocale::ShortFormat), run->workload)
            .arg(run->users)
            .arg(run->tps, 0, 'f', 1));
    if (answer == QMessageBox::Yes && !deleteRun(id))
        m_why->setText(tr("Could not delete the run: the local store refused the change (see the log)."));
}

bool LoadTestsPage::deleteRun(qint64 runId)
{
    if (!m_store || !m_store->remove(runId))
        return false;
    if (m_baselineId == runId)
        m_baselineId = 0;
    reloadRuns();
    showCard();
    updateButtons();
    return true;
}

void LoadTestsPage::setBaseline(qint64 runId)
{
    m_baselineId = runId;
    showCard();
}

void LoadTestsPage::showCard()
{
    if (!m_result.ok) {
        m_card->setText(m_result.error.isEmpty() ? tr("No run in this session.")
                                                 : tr("<b>Not run</b>: %1").arg(m_result.error.toHtmlEscaped()));
        return;
    }
    const store::LoadRunRecord now = store::LoadRunRecord::fromResult(m_result);
    const store::LoadRunRecord* base = nullptr;
    if (m_baselineId > 0 && m_baselineId != m_lastRunId)
        base = m_runs->rowAt(m_runs->rowOf(m_baselineId));
    const auto d = [base](double v, double b, bool up) { return base ? delta(v, b, up) : QString(); };
    QString card = tr("<b>%1 on %2</b>, %3 users, %4 s, ended by %5")
                       .arg(m_result.workload.toHtmlEscaped(), m_result.target.toHtmlEscaped())
                       .arg(now.users)
                       .arg(m_result.durationSec, 0, 'f', 1)
                       .arg(m_result.stopReason.toHtmlEscaped());
    card += tr("<br>Requests: %1%2").arg(m_result.transactions).arg(d(now.requests, base ? base->requests : 0, true));
    card += tr("<br>Success rate: %1 % (%2 errors)%3")
                .arg(now.successPct(), 0, 'f', 2)
                .arg(m_result.errors)
                .arg(d(now.successPct(), base ? base->successPct() : 0, true));
    card += tr("<br>Average: %1 ms%2").arg(now.avgMs, 0, 'f', 2).arg(d(now.avgMs, base ? base->avgMs : 0, false));
    card += tr("<br>p95: %1 ms%2").arg(now.p95Ms, 0, 'f', 2).arg(d(now.p95Ms, base ? base->p95Ms : 0, false));
    card += tr("<br>p99: %1 ms%2").arg(now.p99Ms, 0, 'f', 2).arg(d(now.p99Ms, base ? base->p99Ms : 0, false));
    card += tr("<br>Throughput: %1/s%2").arg(now.tps, 0, 'f', 1).arg(d(now.tps, base ? base->tps : 0, true));
    if (m_result.breakingPoint.reached)
        card += tr("<br>Breaking point at %1 users: %2")
                    .arg(m_result.breakingPoint.users)
                    .arg(m_result.breakingPoint.reason.toHtmlEscaped());
    if (base)
        card += tr("<br><i>Compared with the run of %1 (%2, %3 users)</i>")
                    .arg(base->startedAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
                         base->workload.toHtmlEscaped())
                    .arg(base->users);
    m_card->setText(card);
}

bool LoadTestsPage::exportHtml(const QString& path, QString* error) const
{
    if (!m_result.ok) {
        if (error)
            *error = tr("no finished run");
        return false;
    }
    return writeFile(path, loadtest::resultToHtml(m_result).toUtf8(), error);
}

QString LoadTestsPage::secondsCsv(const loadtest::RunResult& r)
{
    QString csv = QStringLiteral("second,active_users,target_users,requests,errors,p50_ms,p95_ms,p99_ms,max_ms\r\n");
    for (const loadtest::LoadSecond& s : r.seconds)
        csv += QStringLiteral("%1,%2,%3,%4,%5,%6,%7,%8,%9\r\n")
                   .arg(s.second)
                   .arg(s.activeUsers)
                   .arg(s.targetUsers)
                   .arg(s.transactions)
                   .arg(s.errors)
                   .arg(s.latency.p50Ms, 0, 'f', 3)
                   .arg(s.latency.p95Ms, 0, 'f', 3)
                   .arg(s.latency.p99Ms, 0, 'f', 3)
                   .arg(s.latency.maxMs, 0, 'f', 3);
    return csv;
}

bool LoadTestsPage::exportCsv(const QString& path, QString* error) const
{
    if (!m_result.ok) {
        if (error)
            *error = tr("no finished run");
        return false;
    }
    return writeFile(path, secondsCsv(m_result).toUtf8(), error);
}

} // namespace vigil::ui
