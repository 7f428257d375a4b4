#include "alertmonitor.h"

#include "alertchecks.h"
#include "monitor/clustermonitor.h"
#include "monitor/insightmonitor.h"
#include "monitor/pgtaskworker.h"
#include "monitor/poolmonitor.h"
#include "prometheusalerts.h"
#include "store/alerthistory.h"

#include <QDeadlineTimer>
#include <QThread>
#include <QTimer>

namespace vigil::alerts {

namespace {
const QString kPrometheus = QStringLiteral("prometheus");
}

AlertMonitor::AlertMonitor(ClusterMonitor* cluster, QObject* parent)
    : QObject(parent)
    , m_cluster(cluster)
    , m_checksPeriodMs(AlertChecksTask::kPeriodMs)
    , m_prometheus(new PrometheusAlertSource(this))
    , m_expiry(new QTimer(this))
{
    qRegisterMetaType<vigil::TaskResultPtr>();
    qRegisterMetaType<vigil::alerts::Alert>();
    qRegisterMetaType<vigil::alerts::Transition>();
    connect(cluster, &ClusterMonitor::snapshotArrived, this, &AlertMonitor::onClusterSnapshot);
    connect(cluster, &ClusterMonitor::started, this, [this] {
        stopAll();
        m_profile = m_cluster->profile().name;
        m_memory = {};
        if (!m_cluster->profile().prometheusUrl.isEmpty())
            m_prometheus->start(m_cluster->profile().prometheusUrl);
        Q_EMIT prometheusStatusChanged();
    });
    connect(cluster, &ClusterMonitor::stopped, this, &AlertMonitor::stopAll);
    connect(m_prometheus, &PrometheusAlertSource::alertsFetched, this, [this](const QList<Alert>& alerts) {
        const bool changed = !m_prometheusError.isEmpty();
        m_prometheusError.clear();
        apply(m_engine.setExternal(kPrometheus, alerts, QDateTime::currentDateTimeUtc()));
        Q_EMIT alertsChanged(); // labels, values and annotations change without a transition
        if (changed)
            Q_EMIT prometheusStatusChanged();
    });
    connect(m_prometheus, &PrometheusAlertSource::failed, this, [this](const QString& error) {
        // Unreachable is not "no alerts": its alerts are held as they were, and the page says why.
        m_prometheusError = error;
        Q_EMIT prometheusStatusChanged();
    });
    // Resolved alerts leave the list after a while, and silences end.
    m_expiry->setInterval(30000);
    connect(m_expiry, &QTimer::timeout, this, [this] {
        m_engine.expire(QDateTime::currentDateTimeUtc());
        Q_EMIT alertsChanged();
    });
    m_expiry->start();
}

AlertMonitor::~AlertMonitor()
{
    stopAll();
    QDeadlineTimer deadline(3000);
    for (const QPointer<QThread>& t : std::as_const(m_threads))
        if (t && t->wait(deadline))
            delete t;
}

void AlertMonitor::setInsight(InsightMonitor* insight)
{
    m_insight = insight;
    connect(insight, &InsightMonitor::statementsUpdated, this, &AlertMonitor::onStatements);
}

void AlertMonitor::setPool(PoolMonitor* pool)
{
    m_pool = pool;
    connect(pool, &PoolMonitor::serverUpdated, this, [this] {
        if (const auto s = m_pool->server(); s && s->ok)
            observeAll(poolObservations(*s, m_pool->node()), s->sampledAt);
    });
    connect(pool, &PoolMonitor::bouncerUpdated, this, [this] {
        if (const auto s = m_pool->bouncer(); s && s->ok)
            observeAll(bouncerObservations(*s), s->sampledAt);
    });
}

bool AlertMonitor::loadRules(const QString& path, QString* error)
{
    m_rulesPath = path;
    QList<AlertRule> rules;
    if (!alerts::loadRules(path, &rules, error))
        return false;
    m_engine.setRules(rules);
    Q_EMIT alertsChanged();
    return true;
}

bool AlertMonitor::setRules(const QList<AlertRule>& rules, QString* error)
{
    m_engine.setRules(rules);
    Q_EMIT alertsChanged();
    return m_rulesPath.isEmpty() || saveRules(m_rulesPath, rules, error);
}

void AlertMonitor::setChecksPeriodMs(int ms)
{
    m_checksPeriodMs = std::max(100, ms);
    if (m_checks)
        m_checks->setPeriod(QStringLiteral("alertchecks"), m_checksPeriodMs);
}

void AlertMonitor::setPrometheusPeriodMs(int ms)
{
    m_prometheus->setPeriodMs(ms);
}

bool AlertMonitor::hasPrometheus() const
{
    return m_prometheus->isActive();
}

int AlertMonitor::unhandledFiringCount() const
{
    return m_engine.unhandledFiringCount(QDateTime::currentDateTimeUtc());
}

void AlertMonitor::acknowledge(const QString& key)
{
    if (!m_engine.acknowledge(key, QDateTime::currentDateTimeUtc()))
        return;
    if (m_history)
        if (const auto a = m_engine.find(key))
            m_history->record(m_profile, *a);
    Q_EMIT alertsChanged();
}

void AlertMonitor::silence(const QString& key, const QDateTime& until)
{
    m_engine.silence(key, until);
    Q_EMIT alertsChanged();
}

void AlertMonitor::onClusterSnapshot(const NodeSnapshot& s)
{
    // The checks follow the primary, as the Pool and Insight monitors do.
    if (s.kind == NodeKind::Postgres && s.reachable && s.role == NodeRole::Primary && s.node != m_checksNode)
        for (const PgNode& n : m_cluster->profile().pgNodes)
            if (n.name == s.node)
                startChecks(n.name, n.conninfo);
    // The snapshots of one poll round arrive together: evaluate the round once.
    if (m_clusterQueued)
        return;
    m_clusterQueued = true;
    QTimer::singleShot(50, this, [this] {
        m_clusterQueued = false;
        evaluateCluster();
    });
}

void AlertMonitor::evaluateCluster()
{
    if (!m_cluster->isRunning())
        return;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    observeAll(clusterObservations(m_cluster->latestAll(), &m_memory, now), now);
}

void AlertMonitor::onStatements()
{
    const auto s = m_insight->statements();
    if (!s || !s->ok || m_insight->node().isEmpty())
        return;
    // InsightMonitor appends the mean of the calls made between two polls; no point for this poll
    // means no call finished in it, which says nothing about speed: unknown, the alert holds.
    const TimeSeries& avg = m_insight->averageTime();
    const qint64 t = s->sampledAt.toMSecsSinceEpoch();
    const bool fresh = !avg.isEmpty() && qint64(avg.last().x()) == t;
    const double value = fresh ? avg.last().y() : kNoValue;
    observeAll({{QLatin1String(metric::kAvgQueryMs),
                 {{m_insight->node(), value,
                   fresh ? QStringLiteral("mean of the statements finished in the last %1 s")
                               .arg(QString::number(hasValue(s->elapsedSec) ? s->elapsedSec : 0, 'f', 1))
                         : QString()}}}},
               s->sampledAt);
}

void AlertMonitor::onChecksResult(const TaskResultPtr& r)
{
    if (r->generation != m_generation || r->task != QLatin1String("alertchecks") || !r->ok)
        return;
    const auto c = std::static_pointer_cast<const AlertChecksSnapshot>(r);
    Observation archiver = c->archiver;
    archiver.subject = r->node;
    observeAll({{QLatin1String(metric::kInvalidIndex), c->invalidIndexes},
                {QLatin1String(metric::kArchiverFailing), {archiver}}},
               c->sampledAt);
}

void AlertMonitor::observeAll(const QHash<QString, QList<Observation>>& byMetric, const QDateTime& now)
{
    QList<Transition> all;
    for (auto it = byMetric.begin(); it != byMetric.end(); ++it)
        all += m_engine.observe(it.key(), it.value(), now);
    apply(all);
    Q_EMIT alertsChanged();
}

void AlertMonitor::apply(const QList<Transition>& transitions)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const Transition& t : transitions) {
        if (m_history)
            m_history->record(m_profile, t.alert);
        Q_EMIT transitioned(t);
        if (AlertEngine::shouldNotify(t, now))
            Q_EMIT notify(t.alert);
    }
}

void AlertMonitor::startChecks(const QString& node, const QString& conninfo)
{
    if (m_checks) {
        m_checks->requestStop();
        if (QThread* t = m_checks->thread())
            t->quit();
    }
    m_checksNode = node;
    pg::ConnectOptions o;
    o.conninfo = conninfo;
    o.password = m_passwords.value(node);
    o.statementTimeoutMs = 3000;
    auto* worker = new PgTaskWorker(node, o, ++m_generation);
    worker->addTask(std::make_unique<AlertChecksTask>(m_checksPeriodMs));
    auto* thread = new QThread;
    thread->setObjectName(QStringLiteral("vigil-alerts-") + node);
    worker->moveToThread(thread);
    connect(thread, &QThread::started, worker, &PgTaskWorker::start);
    connect(thread, &QThread::finished, worker, &QObject::deleteLater);
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    connect(worker, &PgTaskWorker::resultReady, this, &AlertMonitor::onChecksResult, Qt::QueuedConnection);
    m_checks = worker;
    m_threads.append(thread);
    thread->start();
}

void AlertMonitor::stopAll()
{
    if (m_checks) {
        m_checks->requestStop();
        if (QThread* t = m_checks->thread())
            t->quit();
    }
    m_checks = nullptr;
    m_checksNode.clear();
    ++m_generation;
    m_prometheus->stop();
    if (m_history && !m_profile.isEmpty())
        m_history->closeOpen(m_profile);
    m_engine.clearAlerts();
    Q_EMIT alertsChanged();
}

} // namespace vigil::alerts
