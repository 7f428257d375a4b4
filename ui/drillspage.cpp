#include "drillspage.h"

#include "actionconfirm.h"
#include "actions/actiongate.h"
#include "drillhistorypanel.h"
#include "drills/drillaudit.h"
#include "drills/pgfailoverdrill.h"
#include "drills/pgswitchoverdrill.h"
#include "drills/redisfailoverdrill.h"
#include "models/drillstepmodel.h"
#include "models/statuscolors.h"
#include "monitor/clustermonitor.h"
#include "probechart.h"
#include "store/auditlog.h"
#include "tablesetup.h"
#include "theme.h"
#include "topologyview.h"

#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace vigil::ui {

namespace {

const QString kAction = QStringLiteral("drill");

// Runs `drill` on a pool thread and keeps a thread-safe way to abort it.
template <class Drill, class Report>
void launch(std::shared_ptr<Drill> drill, const Report& report, std::function<void()>* abort,
            QFutureWatcher<drills::DrillResult>* run)
{
    *abort = [drill] { drill->abort(); };
    run->setFuture(QtConcurrent::run([drill, report] { return drill->run(report); }));
}

QString kindName(DrillsPage::Kind k)
{
    switch (k) {
    case DrillsPage::Kind::PgFailover:
        return QStringLiteral("pg");
    case DrillsPage::Kind::PgSwitchover:
        return QStringLiteral("pg-switchover");
    case DrillsPage::Kind::RedisPaused:
        return QStringLiteral("redis");
    case DrillsPage::Kind::RedisManual:
        return QStringLiteral("redis-manual");
    }
    return {};
}

QString preflightText(DrillsPage::Kind k)
{
    switch (k) {
    case DrillsPage::Kind::PgFailover:
        return DrillsPage::tr("Pre-flight: one primary and one standby answer; the standby streams with under 16 MB "
                              "to replay; the role is a superuser.\nThen: probe writes (20/s), the primary stopped "
                              "with pg_ctl -m immediate, the standby promoted, pgbouncer repointed, RPO counted, the "
                              "old primary rewound (pg_rewind) and back as a standby.");
    case DrillsPage::Kind::PgSwitchover:
        return DrillsPage::tr("Pre-flight as for the crash drill.\nThen: probe writes (20/s), the primary stopped "
                              "cleanly (pg_ctl -m fast), the standby must replay its shutdown checkpoint, then it is "
                              "promoted, pgbouncer repointed, and the old primary rewound back as a standby. No "
                              "acknowledged write may be lost.");
    case DrillsPage::Kind::RedisPaused:
        return DrillsPage::tr("Pre-flight: the Sentinels name a master, CKQUORUM is OK, the master has an online "
                              "replica.\nThen: probe writes through Sentinel, the master paused (SIGSTOP) until "
                              "Sentinel fails over, resumed, the writes it takes as a demoted master measured, and "
                              "it must rejoin as a replica.");
    case DrillsPage::Kind::RedisManual:
        return DrillsPage::tr("Pre-flight as for the paused master.\nThen: SENTINEL FAILOVER, probe writes through "
                              "Sentinel, RTO and RPO, and the old master must rejoin as a replica.");
    }
    return {};
}

} // namespace

DrillsPage::DrillsPage(ClusterMonitor* monitor, store::AuditLog* audit, store::LocalStore* local, QWidget* parent)
    : QWidget(parent)
    , m_monitor(monitor)
    , m_audit(audit)
    , m_steps(new DrillStepModel(this))
    , m_topology(new TopologyView(this))
    , m_kind(new QComboBox(this))
    , m_rtoTarget(new QSpinBox(this))
    , m_rpoTarget(new QSpinBox(this))
    , m_start(new QPushButton(tr("Start drill…"), this))
    , m_abort(new QPushButton(tr("Abort"), this))
    , m_export(new QPushButton(tr("Export JSON…"), this))
    , m_exportHtml(new QPushButton(tr("Export HTML report…"), this))
    , m_repair(new QPushButton(tr("Repair sandbox…"), this))
    , m_preflight(new QLabel(this))
    , m_card(new QLabel(this))
    , m_why(new QLabel(this))
    , m_table(new QTableView(this))
    , m_chart(new ProbeChart(this))
    , m_history(new DrillHistoryPanel(local, this))
    , m_bottomTabs(new QTabWidget(this))
{
    m_kind->addItem(tr("PostgreSQL: primary crashes (sandbox)"), int(Kind::PgFailover));
    m_kind->addItem(tr("PostgreSQL: planned switchover (sandbox or real cluster)"), int(Kind::PgSwitchover));
    m_kind->addItem(tr("Redis: master paused (sandbox)"), int(Kind::RedisPaused));
    m_kind->addItem(tr("Redis: SENTINEL FAILOVER (sandbox)"), int(Kind::RedisManual));
    m_rtoTarget->setRange(1, 600000);
    m_rtoTarget->setValue(5000);
    m_rtoTarget->setSuffix(tr(" ms"));
    m_rtoTarget->setToolTip(tr("Recovery time objective: fault to the first write acknowledged by the new primary"));
    m_rpoTarget->setRange(0, 1000000);
    m_rpoTarget->setValue(0);
    m_rpoTarget->setSuffix(tr(" writes"));
    m_rpoTarget->setToolTip(tr("Recovery point objective: acknowledged probe writes that may be missing afterwards"));
    m_start->setToolTip(tr("Run the drill: it breaks the sandbox on purpose and repairs it (Ctrl+Shift+D)"));
    m_start->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
    m_abort->setToolTip(tr("Stop the drill at its next check; it says what state it left and what to do"));
    m_export->setToolTip(tr("Save the drill shown (steps, RTO, RPO, probe writes) as JSON"));
    m_exportHtml->setToolTip(tr("Save the drill shown as a self-contained HTML report with its probe chart"));
    m_repair->setToolTip(tr("Put a sandbox that a drill or a crash left half broken right: resume and start "
                            "servers, keep one primary, bring the other back as its standby, repoint pgbouncer"));
    m_preflight->setWordWrap(true);
    m_card->setWordWrap(true);
    m_card->setTextFormat(Qt::RichText);
    m_card->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_why->setWordWrap(true);
    m_card->setText(tr("No drill run in this session."));

    auto* form = new QFormLayout;
    form->addRow(tr("Drill"), m_kind);
    form->addRow(tr("RTO target"), m_rtoTarget);
    form->addRow(tr("RPO target"), m_rpoTarget);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_start);
    buttons->addWidget(m_abort);
    buttons->addWidget(m_export);
    buttons->addWidget(m_exportHtml);
    buttons->addStretch(1);
    buttons->addWidget(m_repair);
    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->addLayout(form);
    leftLayout->addWidget(m_preflight);
    leftLayout->addLayout(buttons);
    leftLayout->addWidget(m_why);
    leftLayout->addWidget(m_card);
    leftLayout->addStretch(1);

    auto* top = new QSplitter(Qt::Horizontal, this);
    top->addWidget(left);
    top->addWidget(m_topology);
    top->setStretchFactor(0, 2);
    top->setStretchFactor(1, 3);
    m_bottomTabs->addTab(m_table, tr("Timeline"));
    m_bottomTabs->addTab(m_history, tr("Past drills"));
    auto* bottom = new QSplitter(Qt::Horizontal, this);
    bottom->addWidget(m_bottomTabs);
    bottom->addWidget(m_chart);
    bottom->setStretchFactor(0, 3);
    bottom->setStretchFactor(1, 2);
    // The timeline's wide "What it saw" column asks for most of the width; without a floor the
    // probe chart came out ~125 px wide at 1280 px, its title, ticks and legend cut to "...".
    m_chart->setMinimumWidth(380);
    bottom->setCollapsible(1, false);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(top);
    split->addWidget(bottom);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split);

    TableProxy* proxy = setupTable(m_table, m_steps);
    // A timeline reads in the order it ran: no sorting.
    m_table->setSortingEnabled(false);
    proxy->sort(-1);
    m_table->horizontalHeader()->setSectionResizeMode(DrillStepModel::DetailColumn, QHeaderView::Stretch);

    connect(m_kind, &QComboBox::currentIndexChanged, this, [this] {
        m_preflight->setText(preflightText(Kind(m_kind->currentData().toInt())));
        updateButtons();
    });
    m_preflight->setText(preflightText(Kind::PgFailover));
    connect(m_start, &QPushButton::clicked, this, &DrillsPage::askStart);
    connect(m_abort, &QPushButton::clicked, this, &DrillsPage::abortDrill);
    connect(m_export, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export drill result"),
                                                          QStringLiteral("vigil-drill.json"), tr("JSON (*.json)"));
        QString error;
        if (!path.isEmpty() && !exportJson(path, &error))
            m_why->setText(tr("Could not save %1: %2").arg(path, error));
    });
    connect(m_exportHtml, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export drill report"),
                                                          QStringLiteral("vigil-drill.html"), tr("HTML (*.html)"));
        QString error;
        if (!path.isEmpty() && !exportHtml(path, &error))
            m_why->setText(tr("Could not save %1: %2").arg(path, error));
    });
    connect(m_repair, &QPushButton::clicked, this, &DrillsPage::askRepair);
    connect(&m_run, &QFutureWatcher<drills::DrillResult>::finished, this, &DrillsPage::onFinished);
    connect(&m_repairRun, &QFutureWatcher<RepairOutcome>::finished, this, [this] {
        const RepairOutcome o = m_repairRun.result();
        const QString summary = o.ok
            ? (o.report.actions.isEmpty() ? tr("Nothing to repair: %1 is the primary, %2 streams from it.")
                                                .arg(o.report.pgPrimary, o.report.pgStandby)
                                          : tr("Repaired: %1.").arg(o.report.actions.join(QStringLiteral("; "))))
            : tr("Repair failed: %1").arg(o.error);
        if (m_audit && m_repairAuditId >= 0)
            m_audit->finish(m_repairAuditId, o.ok, summary);
        m_repairAuditId = -1;
        m_why->setText(summary);
        updateButtons();
        Q_EMIT repairFinished(o.ok, summary);
    });
    m_live.setInterval(250);
    connect(&m_live, &QTimer::timeout, this, [this] {
        if (m_tally)
            m_chart->show(m_tally->snapshot(), m_faultMs);
    });
    connect(m_history, &DrillHistoryPanel::chosen, this,
            [this](const drills::DrillResult& r, const drills::DrillTargets& t, const QDateTime& startedAt) {
                if (m_run.isRunning())
                    return; // the running drill owns the timeline
                m_steps->reset();
                for (const drills::DrillStep& s : r.steps)
                    m_steps->apply(s);
                m_result = r;
                m_resultTargets = t;
                m_resultStartedAt = startedAt;
                showResult(r, t);
                updateButtons();
            });
    connect(m_monitor, &ClusterMonitor::started, this, [this] {
        QStringList names;
        QList<NodeKind> kinds;
        for (const NodeSpec& s : ClusterMonitor::specsFor(m_monitor->profile(), {}, 1000)) {
            names << s.name;
            kinds << s.kind;
        }
        m_topology->setNodes(names, kinds);
        m_history->setProfile(m_monitor->profile().name);
        updateButtons();
    });
    connect(m_monitor, &ClusterMonitor::stopped, this, [this] {
        m_topology->clear();
        updateButtons();
    });
    connect(m_monitor, &ClusterMonitor::snapshotArrived, this, [this] {
        // One rebuild per poll round, as the Replication tab does.
        QTimer::singleShot(50, this, [this] { m_topology->setSnapshots(m_monitor->latestAll()); });
    });
    updateButtons();
}

DrillsPage::~DrillsPage()
{
    if (m_abortDrill)
        m_abortDrill();
    m_run.waitForFinished();
    m_repairRun.waitForFinished();
}

void DrillsPage::updateButtons()
{
    const Profile& p = m_monitor->profile();
    const bool running = m_run.isRunning() || m_repairRun.isRunning();
    const actions::GateDecision gate = actions::gate(p, kAction);
    QString why;
    if (p.name.isEmpty())
        why = tr("Connect to a profile first.");
    else if (!gate.allowed && !gate.needsTypedName)
        why = gate.reason;
    const bool sandbox = !p.sandboxDir.isEmpty();
    const bool gateOk = !p.name.isEmpty() && (gate.allowed || gate.needsTypedName);
    if (gateOk && !sandbox && Kind(m_kind->currentData().toInt()) != Kind::PgSwitchover)
        why = tr("On a real cluster only the planned switchover runs: the other drills stop or pause servers "
                 "through the sandbox's own control (pg_ctl, pid files, pgbouncer.ini).");
    // Only what can run on this profile is offered.
    if (auto* items = qobject_cast<QStandardItemModel*>(m_kind->model()))
        for (int i = 0; i < items->rowCount(); ++i)
            items->item(i)->setEnabled(sandbox || Kind(m_kind->itemData(i).toInt()) == Kind::PgSwitchover);
    m_start->setEnabled(why.isEmpty() && !running);
    m_kind->setEnabled(!running);
    m_abort->setEnabled(running);
    m_export->setEnabled(!m_result.kind.isEmpty() && !running);
    m_exportHtml->setEnabled(!m_result.kind.isEmpty() && !running);
    m_repair->setEnabled(gateOk && sandbox && !running);
    m_repair->setToolTip(sandbox ? m_repair->toolTip()
                                 : tr("Repair works on a sandbox only: it starts servers and rewrites their files"));
    if (!running)
        m_why->setText(why);
}

QString DrillsPage::otherNode(const QString& node, NodeKind kind) const
{
    for (const NodeSpec& s : ClusterMonitor::specsFor(m_monitor->profile(), {}, 1000))
        if (s.kind == kind && s.name != node)
            return s.name;
    return {};
}

void DrillsPage::askStart()
{
    const Kind kind = Kind(m_kind->currentData().toInt());
    bool typed = false;
    QString refusal;
    const Profile& p = m_monitor->profile();
    const QString where = p.sandboxDir.isEmpty() ? QStringLiteral("--profile \"%1\"").arg(p.name)
                                                 : QStringLiteral("--sandbox-dir %1").arg(p.sandboxDir);
    const QString command = QStringLiteral("vigil drill %1 %2 --rto-target %3 --rpo-target %4")
                                .arg(kindName(kind), where)
                                .arg(m_rtoTarget->value())
                                .arg(m_rpoTarget->value());
    if (!confirmAction(this, m_monitor->profile(), kAction, tr("Start failover drill"),
                       tr("%1 on profile \"%2\". The drill stops or pauses a server on purpose and repairs the "
                          "topology afterwards; clients of the sandbox see the failover.")
                           .arg(m_kind->currentText(), m_monitor->profile().name),
                       command, &typed, &refusal)) {
        if (!refusal.isEmpty())
            m_why->setText(tr("Not started: %1").arg(refusal));
        return;
    }
    startDrill(kind);
}

void DrillsPage::startDrill(Kind kind)
{
    if (m_run.isRunning())
        return;
    const Profile profile = m_monitor->profile();
    m_steps->reset();
    m_topology->clearDrillMarks();
    m_result = {};
    m_card->setText(tr("Running…"));
    m_bottomTabs->setCurrentWidget(m_table);
    m_tally = std::make_shared<drills::ProbeTally>();
    m_faultMs = -1;
    m_chart->show({}, -1);
    m_live.start();
    m_startedAt = QDateTime::currentDateTimeUtc();
    const bool pg = kind == Kind::PgFailover || kind == Kind::PgSwitchover;
    m_oldNode = pg ? m_topology->pgPrimary() : m_topology->redisMaster();
    m_newNode = otherNode(m_oldNode, pg ? NodeKind::Postgres : NodeKind::Redis);
    store::AuditEntry entry;
    entry.profile = profile.name;
    entry.node = m_oldNode + QLatin1Char(',') + m_newNode;
    entry.action = kAction;
    entry.command = m_kind->itemText(m_kind->findData(int(kind)));
    m_auditId = m_audit ? m_audit->begin(entry) : -1;
    m_stepAudit = std::make_unique<drills::DrillAudit>(m_audit, entry.profile, entry.node);
    const QPointer<DrillsPage> self(this);
    const auto report = [self](const drills::DrillStep& s) {
        QMetaObject::invokeMethod( // NOLINT(clang-analyzer-cplusplus.NewDeleteLeaks): Qt owns the functor
            self,
            [self, s] {
                if (self)
                    self->onStep(s);
            },
            Qt::QueuedConnection);
    };
    if (kind == Kind::PgSwitchover && profile.sandboxDir.isEmpty()) {
        // A real cluster: SQL only; which node is which comes from the polls.
        drills::PgSwitchoverDrill::Options o;
        o.tally = m_tally;
        for (const PgNode& n : profile.pgNodes) {
            const std::optional<NodeSnapshot> snap = m_monitor->latest(n.name);
            pg::ConnectOptions c;
            c.conninfo = n.conninfo;
            c.password = m_passwords.value(n.name);
            if (snap && snap->reachable && snap->role == NodeRole::Primary && o.primaryName.isEmpty()) {
                o.primaryName = n.name;
                o.primary = c;
            } else if (snap && snap->reachable && snap->role == NodeRole::Replica && o.replicaName.isEmpty()) {
                o.replicaName = n.name;
                o.replica = c;
            }
        }
        m_oldNode = o.primaryName;
        m_newNode = o.replicaName;
        launch(std::make_shared<drills::PgSwitchoverDrill>(o), report, &m_abortDrill, &m_run);
    } else if (pg) {
        drills::PgFailoverDrill::Options o;
        o.sandboxDir = profile.sandboxDir;
        o.tally = m_tally;
        o.mode = kind == Kind::PgSwitchover ? drills::PgFailoverDrill::Mode::Planned
                                            : drills::PgFailoverDrill::Mode::Unplanned;
        launch(std::make_shared<drills::PgFailoverDrill>(o), report, &m_abortDrill, &m_run);
    } else {
        drills::RedisFailoverDrill::Options o;
        o.sandboxDir = profile.sandboxDir;
        o.tally = m_tally;
        o.mode = kind == Kind::RedisPaused ? drills::RedisFailoverDrill::Mode::Unplanned
                                           : drills::RedisFailoverDrill::Mode::Manual;
        launch(std::make_shared<drills::RedisFailoverDrill>(o), report, &m_abortDrill, &m_run);
    }
    updateButtons();
    m_why->setText(tr("Drill running: %1 → %2").arg(m_oldNode, m_newNode));
}

void DrillsPage::abortDrill()
{
    if (m_abortDrill && m_run.isRunning()) {
        m_abortDrill();
        m_why->setText(tr("Aborting at the next check…"));
    }
}

void DrillsPage::onStep(const drills::DrillStep& s)
{
    if (m_stepAudit)
        m_stepAudit->step(s);
    m_steps->apply(s);
    m_table->scrollToBottom();
    const bool running = s.state == drills::DrillStep::State::Running;
    const QColor fault = statusColor(StatusLevel::Fail), good = statusColor(StatusLevel::Ok);
    if (running
        && (s.name == QLatin1String("Crash primary") || s.name == QLatin1String("Stop primary cleanly")
            || s.name == QLatin1String("Fence writes on primary") || s.name == QLatin1String("Pause master")
            || s.name == QLatin1String("SENTINEL FAILOVER"))) {
        m_faultMs = s.startMs;
        m_topology->highlightNode(m_oldNode, fault);
        m_topology->setArrowBroken(m_oldNode, m_newNode, true);
        m_topology->showTransientLabel(m_oldNode, s.name, 4000);
    } else if (s.ok() && (s.name == QLatin1String("Promote replica") || s.name == QLatin1String("Sentinel failover"))) {
        m_topology->highlightNode(m_newNode, good);
        m_topology->showTransientLabel(m_newNode, tr("promoted"), 4000);
    } else if (s.ok() && s.name == QLatin1String("Writes resume")) {
        m_topology->showTransientLabel(m_newNode, tr("writes resume"), 4000);
    } else if (s.ok()
               && (s.name == QLatin1String("Rejoin old primary") || s.name == QLatin1String("Old master rejoins"))) {
        m_topology->setArrowBroken(m_oldNode, m_newNode, false);
        m_topology->highlightNode(m_oldNode, good);
        m_topology->showTransientLabel(m_oldNode, tr("rejoined as a replica"), 4000);
    } else if (s.state == drills::DrillStep::State::Failed) {
        m_topology->showTransientLabel(m_oldNode, tr("%1 failed").arg(s.name), 6000);
    }
}

void DrillsPage::onFinished()
{
    m_live.stop();
    m_result = m_run.result();
    m_abortDrill = nullptr;
    m_tally.reset();
    m_resultTargets = targets();
    m_resultStartedAt = m_startedAt;
    if (m_audit && m_auditId >= 0)
        m_audit->finish(
            m_auditId, m_result.ok,
            m_result.ok ? tr("RTO %1 ms, %2 acknowledged writes lost").arg(m_result.rtoMs).arg(m_result.rpoLostWrites)
                        : m_result.abortReason);
    m_history->add(m_result, m_resultTargets, m_startedAt);
    showResult(m_result, m_resultTargets);
    updateButtons();
    Q_EMIT drillFinished(m_result);
}

drills::DrillTargets DrillsPage::targets() const
{
    drills::DrillTargets t;
    t.rtoMs = m_rtoTarget->value();
    t.rpoWrites = m_rpoTarget->value();
    return t;
}

void DrillsPage::showResult(const drills::DrillResult& r, const drills::DrillTargets& t)
{
    const drills::DrillVerdict v = drills::judge(r, t);
    const auto verdict = [](bool ok) {
        return QStringLiteral("<b style='color:%1'>%2</b>")
            .arg(statusColor(ok ? StatusLevel::Ok : StatusLevel::Fail).name(), ok ? tr("PASS") : tr("FAIL"));
    };
    QString card;
    if (!r.ok) {
        card = tr("<b>Drill aborted</b>: %1<br><b>Next:</b> %2")
                   .arg(r.abortReason.toHtmlEscaped(), r.nextAction.toHtmlEscaped());
    } else {
        card = tr("<b>%1 → %2</b><br>RTO %3 ms (target %4 ms) %5<br>RPO %6 of %7 acknowledged writes lost (target "
                  "%8) %9")
                   .arg(r.oldPrimary.toHtmlEscaped(), r.newPrimary.toHtmlEscaped())
                   .arg(r.rtoMs)
                   .arg(t.rtoMs)
                   .arg(verdict(v.rtoOk))
                   .arg(r.rpoLostWrites)
                   .arg(r.probeAcknowledged)
                   .arg(t.rpoWrites)
                   .arg(verdict(v.rpoOk));
        if (r.rpoLostBytes >= 0)
            card += tr("<br>WAL acknowledged on the old primary and lost: %1 bytes").arg(r.rpoLostBytes);
        if (r.demotedWritesAccepted >= 0)
            card += tr("<br>The demoted master acknowledged %1 writes over %2 ms after it woke up; %3 of them are "
                       "lost")
                        .arg(r.demotedWritesAccepted)
                        .arg(r.demotedWindowMs)
                        .arg(r.demotedWritesLost);
        card += tr("<br>Old primary rejoined: %1").arg(r.repaired ? tr("yes") : tr("no"));
        card += tr("<br><b>Verdict:</b> %1").arg(verdict(v.pass()));
        if (!r.nextAction.isEmpty())
            card += tr("<br><b>Next:</b> %1").arg(r.nextAction.toHtmlEscaped());
    }
    m_card->setText(card);
    m_chart->show(r.probe, r.faultAtMs());
}

void DrillsPage::askRepair()
{
    const Profile& p = m_monitor->profile();
    bool typed = false;
    QString refusal;
    if (!confirmAction(this, p, kAction, tr("Repair the sandbox"),
                       tr("Resume paused and start stopped servers of profile \"%1\", keep one PostgreSQL primary, "
                          "bring the other node back as its standby (pg_rewind, or a fresh pg_basebackup when "
                          "pg_rewind cannot) and point pgbouncer at the primary.")
                           .arg(p.name),
                       QStringLiteral("vigil sandbox repair --dir %1").arg(p.sandboxDir), &typed, &refusal)) {
        if (!refusal.isEmpty())
            m_why->setText(tr("Not repaired: %1").arg(refusal));
        return;
    }
    startRepair();
}

void DrillsPage::startRepair()
{
    if (m_run.isRunning() || m_repairRun.isRunning())
        return;
    const Profile p = m_monitor->profile();
    store::AuditEntry entry;
    entry.profile = p.name;
    entry.node = QStringLiteral("sandbox");
    entry.action = kAction;
    entry.command = QStringLiteral("vigil sandbox repair --dir %1").arg(p.sandboxDir);
    m_repairAuditId = m_audit ? m_audit->begin(entry) : -1;
    const QString dir = p.sandboxDir;
    m_repairRun.setFuture(QtConcurrent::run([dir] {
        RepairOutcome o;
        o.ok = sandbox::repair(dir, &o.report, &o.error);
        return o;
    }));
    m_why->setText(tr("Repairing the sandbox…"));
    updateButtons();
}

bool DrillsPage::exportJson(const QString& path, QString* error) const
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)
        || f.write(QJsonDocument(m_result.toJson()).toJson(QJsonDocument::Indented)) < 0) {
        *error = f.errorString();
        return false;
    }
    return true;
}

bool DrillsPage::exportHtml(const QString& path, QString* error) const
{
    QFile f(path);
    const QString html
        = drills::reportHtml(m_result, m_resultTargets, m_monitor->profile().name,
                             m_resultStartedAt.isValid() ? m_resultStartedAt : QDateTime::currentDateTimeUtc());
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(html.toUtf8()) < 0) {
        *error = f.errorString();
        return false;
    }
    return true;
}

} // namespace vigil::ui
