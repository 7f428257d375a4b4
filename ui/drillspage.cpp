#include "drillspage.h"

#include "actionconfirm.h"
#include "actions/actiongate.h"
#include "drills/pgfailoverdrill.h"
#include "drills/redisfailoverdrill.h"
#include "models/drillstepmodel.h"
#include "models/statuscolors.h"
#include "monitor/clustermonitor.h"
#include "store/auditlog.h"
#include "tablesetup.h"
#include "theme.h"
#include "topologyview.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineSeries>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>
#include <QValueAxis>
#include <QtConcurrent>

namespace vigil::ui {

namespace {

const QString kAction = QStringLiteral("drill");

QString preflightText(DrillsPage::Kind k)
{
    switch (k) {
    case DrillsPage::Kind::PgFailover:
        return DrillsPage::tr("Pre-flight: one primary and one standby answer; the standby streams with under 16 MB "
                              "to replay; the role is a superuser.\nThen: probe writes (20/s), the primary stopped "
                              "with pg_ctl -m immediate, the standby promoted, pgbouncer repointed, RPO counted, the "
                              "old primary rewound (pg_rewind) and back as a standby.");
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

DrillsPage::DrillsPage(ClusterMonitor* monitor, store::AuditLog* audit, QWidget* parent)
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
    , m_preflight(new QLabel(this))
    , m_card(new QLabel(this))
    , m_why(new QLabel(this))
    , m_table(new QTableView(this))
    , m_chart(new QChartView(this))
{
    m_kind->addItem(tr("PostgreSQL: primary crashes (sandbox)"), int(Kind::PgFailover));
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
    m_export->setToolTip(tr("Save the last drill's result (steps, RTO, RPO, probe writes) as JSON"));
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
    buttons->addStretch(1);
    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->addLayout(form);
    leftLayout->addWidget(m_preflight);
    leftLayout->addLayout(buttons);
    leftLayout->addWidget(m_why);
    leftLayout->addWidget(m_card);
    leftLayout->addStretch(1);

    // The view's own default chart is used: setChart() would release (not delete) it.
    QChart* chart = m_chart->chart();
    chart->setTitle(tr("Probe writes per 100 ms"));
    chart->legend()->setAlignment(Qt::AlignBottom);
    m_chart->setRenderHint(QPainter::Antialiasing);
    m_chart->setMinimumHeight(180);
    followPalette(m_chart);

    auto* top = new QSplitter(Qt::Horizontal, this);
    top->addWidget(left);
    top->addWidget(m_topology);
    top->setStretchFactor(0, 2);
    top->setStretchFactor(1, 3);
    auto* bottom = new QSplitter(Qt::Horizontal, this);
    bottom->addWidget(m_table);
    bottom->addWidget(m_chart);
    bottom->setStretchFactor(0, 3);
    bottom->setStretchFactor(1, 2);
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

    connect(m_kind, &QComboBox::currentIndexChanged, this,
            [this] { m_preflight->setText(preflightText(Kind(m_kind->currentData().toInt()))); });
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
    connect(&m_run, &QFutureWatcher<drills::DrillResult>::finished, this, &DrillsPage::onFinished);
    connect(m_monitor, &ClusterMonitor::started, this, [this] {
        QStringList names;
        QList<NodeKind> kinds;
        for (const NodeSpec& s : ClusterMonitor::specsFor(m_monitor->profile(), {}, 1000)) {
            names << s.name;
            kinds << s.kind;
        }
        m_topology->setNodes(names, kinds);
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
}

void DrillsPage::updateButtons()
{
    const Profile& p = m_monitor->profile();
    const bool running = m_run.isRunning();
    const actions::GateDecision gate = actions::gate(p, kAction);
    QString why;
    if (p.name.isEmpty())
        why = tr("Connect to a profile first.");
    else if (!gate.allowed && !gate.needsTypedName)
        why = gate.reason;
    else if (p.sandboxDir.isEmpty())
        why = tr("These drills break servers through the sandbox's own control (pg_ctl, pid files, "
                 "pgbouncer.ini) and run only on a sandbox; planned switchovers for real clusters are not "
                 "built yet.");
    m_start->setEnabled(why.isEmpty() && !running);
    m_kind->setEnabled(!running);
    m_abort->setEnabled(running);
    m_export->setEnabled(!m_result.kind.isEmpty() && !running);
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
    const QString command = QStringLiteral("vigil drill %1 --sandbox-dir %2")
                                .arg(kind == Kind::PgFailover        ? QStringLiteral("pg")
                                         : kind == Kind::RedisPaused ? QStringLiteral("redis")
                                                                     : QStringLiteral("redis-manual"),
                                     m_monitor->profile().sandboxDir);
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
    const bool pg = kind == Kind::PgFailover;
    m_oldNode = pg ? m_topology->pgPrimary() : m_topology->redisMaster();
    m_newNode = otherNode(m_oldNode, pg ? NodeKind::Postgres : NodeKind::Redis);
    store::AuditEntry entry;
    entry.profile = profile.name;
    entry.node = m_oldNode + QLatin1Char(',') + m_newNode;
    entry.action = kAction;
    entry.command = m_kind->itemText(m_kind->findData(int(kind)));
    m_auditId = m_audit ? m_audit->begin(entry) : -1;
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
    if (pg) {
        drills::PgFailoverDrill::Options o;
        o.sandboxDir = profile.sandboxDir;
        auto drill = std::make_shared<drills::PgFailoverDrill>(o);
        m_abortDrill = [drill] { drill->abort(); };
        m_run.setFuture(QtConcurrent::run([drill, report] { return drill->run(report); }));
    } else {
        drills::RedisFailoverDrill::Options o;
        o.sandboxDir = profile.sandboxDir;
        o.mode = kind == Kind::RedisPaused ? drills::RedisFailoverDrill::Mode::Unplanned
                                           : drills::RedisFailoverDrill::Mode::Manual;
        auto drill = std::make_shared<drills::RedisFailoverDrill>(o);
        m_abortDrill = [drill] { drill->abort(); };
        m_run.setFuture(QtConcurrent::run([drill, report] { return drill->run(report); }));
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
    m_steps->apply(s);
    m_table->scrollToBottom();
    const bool running = s.state == drills::DrillStep::State::Running;
    const QColor fault(0xc6, 0x28, 0x28), good(0x2e, 0x7d, 0x32);
    if (running
        && (s.name == QLatin1String("Crash primary") || s.name == QLatin1String("Pause master")
            || s.name == QLatin1String("SENTINEL FAILOVER"))) {
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
    m_result = m_run.result();
    m_abortDrill = nullptr;
    if (m_audit && m_auditId >= 0)
        m_audit->finish(
            m_auditId, m_result.ok,
            m_result.ok ? tr("RTO %1 ms, %2 acknowledged writes lost").arg(m_result.rtoMs).arg(m_result.rpoLostWrites)
                        : m_result.abortReason);
    const bool rtoOk = m_result.rtoMs >= 0 && m_result.rtoMs <= m_rtoTarget->value();
    const bool rpoOk = m_result.rpoLostWrites >= 0 && m_result.rpoLostWrites <= m_rpoTarget->value();
    const auto verdict = [](bool ok) {
        return QStringLiteral("<b style='color:%1'>%2</b>")
            .arg(statusColor(ok ? StatusLevel::Ok : StatusLevel::Fail).name(), ok ? tr("PASS") : tr("FAIL"));
    };
    QString card;
    if (!m_result.ok) {
        card = tr("<b>Drill aborted</b>: %1<br><b>Next:</b> %2")
                   .arg(m_result.abortReason.toHtmlEscaped(), m_result.nextAction.toHtmlEscaped());
    } else {
        card = tr("<b>%1 → %2</b><br>RTO %3 ms (target %4 ms) %5<br>RPO %6 of %7 acknowledged writes lost (target "
                  "%8) %9")
                   .arg(m_result.oldPrimary.toHtmlEscaped(), m_result.newPrimary.toHtmlEscaped())
                   .arg(m_result.rtoMs)
                   .arg(m_rtoTarget->value())
                   .arg(verdict(rtoOk))
                   .arg(m_result.rpoLostWrites)
                   .arg(m_result.probeAcknowledged)
                   .arg(m_rpoTarget->value())
                   .arg(verdict(rpoOk));
        if (m_result.rpoLostBytes >= 0)
            card += tr("<br>WAL acknowledged on the old primary and lost: %1 bytes").arg(m_result.rpoLostBytes);
        if (m_result.demotedWritesAccepted >= 0)
            card += tr("<br>The demoted master acknowledged %1 writes over %2 ms after it woke up; %3 of them are "
                       "lost")
                        .arg(m_result.demotedWritesAccepted)
                        .arg(m_result.demotedWindowMs)
                        .arg(m_result.demotedWritesLost);
        card += tr("<br>Old primary rejoined: %1").arg(m_result.repaired ? tr("yes") : tr("no"));
        card += tr("<br><b>Verdict:</b> %1").arg(verdict(rtoOk && rpoOk));
    }
    m_card->setText(card);
    showProbe(m_result.probe);
    updateButtons();
    Q_EMIT drillFinished(m_result);
}

void DrillsPage::showProbe(const QList<drills::ProbeBucket>& buckets)
{
    QChart* chart = m_chart->chart();
    chart->removeAllSeries();
    for (QAbstractAxis* a : chart->axes()) {
        chart->removeAxis(a); // releases it without deleting
        delete a;
    }
    auto* acked = new QLineSeries;
    acked->setName(tr("acknowledged"));
    auto* failed = new QLineSeries;
    failed->setName(tr("failed"));
    int maxY = 1;
    for (const drills::ProbeBucket& b : buckets) {
        acked->append(double(b.atMs) / 1000.0, b.acknowledged);
        failed->append(double(b.atMs) / 1000.0, b.failed);
        maxY = std::max({maxY, b.acknowledged, b.failed});
    }
    chart->addSeries(acked);
    chart->addSeries(failed);
    auto* x = new QValueAxis;
    x->setTitleText(tr("seconds since the drill started"));
    x->setLabelFormat(QStringLiteral("%.1f"));
    auto* y = new QValueAxis;
    y->setRange(0, maxY + 1);
    y->setTickCount(std::min(maxY + 2, 6)); // whole writes on every tick
    y->setLabelFormat(QStringLiteral("%.0f"));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    for (QAbstractSeries* s : {static_cast<QAbstractSeries*>(acked), static_cast<QAbstractSeries*>(failed)}) {
        s->attachAxis(x);
        s->attachAxis(y);
    }
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

} // namespace vigil::ui
