// Alerts on the live sandbox, with the rules' `for` shortened to seconds: stopping the
// PostgreSQL standby and the Redis replica makes the lag and link alerts go pending, then firing
// after their `for`, and resolve once both are restarted (and streaming / linked again); a slow
// workload (pg_sleep) fires the slow-queries alert and a fast one resolves it; a fake Prometheus
// (QTcpServer here, serving a recorded /api/v1/alerts answer) puts its alerts in the same list.
#include "alerts/alertfeed.h"
#include "alerts/alertmonitor.h"
#include "fakeprometheus.h"
#include "monitor/clustermonitor.h"
#include "monitor/insightmonitor.h"
#include "pg/pgconnection.h"
#include "sandbox/sandbox.h"
#include "store/alerthistory.h"
#include "store/localstore.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <atomic>
#include <thread>

using namespace vigil;
using namespace vigil::alerts;

namespace {
AlertRule fast(const char* id, const char* metric, Comparison c, double threshold, int forSec)
{
    AlertRule r;
    r.id = QLatin1String(id);
    r.name = QLatin1String(id);
    r.metric = QLatin1String(metric);
    r.comparison = c;
    r.threshold = threshold;
    r.forSec = forSec;
    r.severity = Severity::Critical;
    return r;
}

AlertState stateOf(const AlertMonitor& m, const char* rule, const QString& subject)
{
    const auto a = m.find(AlertEngine::keyFor("vigil", QLatin1String(rule), subject));
    return a ? a->state : AlertState::Inactive;
}

// Runs `sql` over and over on its own session until stopped (a workload for pg_stat_statements).
class Loop
{
public:
    Loop(const QString& sql, int sessions)
    {
        for (int i = 0; i < sessions; ++i)
            m_threads.emplace_back([this, sql] {
                pg::Connection c;
                pg::ConnectOptions o;
                o.conninfo = test::primaryNode().conninfo;
                o.applicationName = QStringLiteral("alerts-test");
                if (!c.open(o))
                    return;
                while (!m_stop)
                    c.exec(sql);
            });
    }
    ~Loop()
    {
        m_stop = true;
        for (std::thread& t : m_threads)
            t.join();
    }

private:
    std::atomic_bool m_stop {false};
    std::vector<std::thread> m_threads;
};
} // namespace

class TestAlerts : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_stoppedPg, m_stoppedRedis;

    // Until the standby streams again and the Redis replica's link is up, so the tests after
    // this one find the sandbox as it was.
    static QString waitHealthy(ClusterMonitor* cluster, const QString& pg, const QString& redis)
    {
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < 30000) {
            bool streaming = pg.isEmpty(), linked = redis.isEmpty();
            for (const NodeSnapshot& s : cluster->latestAll()) {
                if (s.kind == NodeKind::Postgres && s.role == NodeRole::Primary)
                    for (const PgWalSender& w : s.walSenders)
                        streaming = streaming || (w.name == pg && w.state == QLatin1String("streaming"));
                if (s.node == redis && s.reachable && s.masterLink == QLatin1String("up"))
                    linked = true;
            }
            if (streaming && linked)
                return {};
            QTest::qWait(100);
        }
        return QStringLiteral("%1 not streaming or %2 not linked after 30 s").arg(pg, redis);
    }

private Q_SLOTS:
    void replicaStopFiresAndRestartResolves()
    {
        store::LocalStore local(m_dir.filePath("vigil.sqlite"));
        store::AlertHistory history(&local);
        ClusterMonitor cluster;
        AlertMonitor alerts(&cluster);
        alerts.setHistory(&history);
        // The rules as an operator would write them: a JSON file with `for` in seconds.
        QFile rules(m_dir.filePath("alert-rules.json"));
        QVERIFY(rules.open(QIODevice::WriteOnly));
        rules.write(R"([
            {"id": "lag", "name": "Replica lag", "metric": "pg.replica_lag_s", "comparison": ">",
             "threshold": 1, "for_s": 3, "severity": "critical"},
            {"id": "pg_link", "name": "Standby not streaming", "metric": "pg.replica_streaming",
             "comparison": "<", "threshold": 1, "for_s": 2, "severity": "critical"},
            {"id": "redis_link", "name": "Redis replica link down", "metric": "redis.link_up",
             "comparison": "<", "threshold": 1, "for_s": 2, "severity": "critical"}])");
        rules.close();
        QString loadError;
        QVERIFY2(alerts.loadRules(rules.fileName(), &loadError), qPrintable(loadError));
        QCOMPARE(alerts.rules().size(), 3);
        QList<Transition> seen;
        connect(&alerts, &AlertMonitor::transitioned, this, [&](const Transition& t) { seen << t; });
        cluster.start(test::sandboxProfile(), {}, 250);

        // The current standby and Redis replica (drills move roles), seen healthy first.
        const QString pg = test::replicaNodes().first().name;
        QString redis;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (const NodeSnapshot& s : cluster.latestAll())
                    if (s.kind == NodeKind::Redis && s.reachable && s.role == NodeRole::Replica)
                        redis = s.node;
                return !redis.isEmpty();
            }(),
            10000);
        QVERIFY(waitHealthy(&cluster, pg, redis).isEmpty());
        QTest::qWait(600); // a few rounds with everything healthy: nothing pending
        QCOMPARE(alerts.alerts().size(), 0);

        QString error;
        QElapsedTimer clock;
        clock.start();
        m_stoppedPg = pg;
        QVERIFY2(sandbox::stopNode(test::sandboxDir(), pg, &error), qPrintable(error));
        m_stoppedRedis = redis;
        QVERIFY2(sandbox::stopNode(test::sandboxDir(), redis, &error), qPrintable(error));

        QTRY_COMPARE_WITH_TIMEOUT(stateOf(alerts, "pg_link", pg), AlertState::Pending, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(alerts, "lag", pg), AlertState::Pending, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(alerts, "pg_link", pg), AlertState::Firing, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(alerts, "lag", pg), AlertState::Firing, 6000);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(alerts, "redis_link", redis), AlertState::Firing, 8000);
        qInfo("all firing %lld ms after the stops", clock.elapsed());
        for (const char* rule : {"lag", "pg_link", "redis_link"}) {
            const Alert a = *alerts.find(AlertEngine::keyFor(
                "vigil", QLatin1String(rule), QLatin1String(rule) == QLatin1String("redis_link") ? redis : pg));
            // Pending first, firing only after `for` (the rule's seconds, measured on the alert).
            const qint64 pendingMs = a.pendingSince.msecsTo(a.firedAt);
            qInfo("%-10s pending %s, firing %s (%lld ms later), value %g: %s", rule,
                  qPrintable(a.pendingSince.toString(Qt::ISODateWithMs)),
                  qPrintable(a.firedAt.toString(Qt::ISODateWithMs)), pendingMs, a.value, qPrintable(a.detail));
            QVERIFY(pendingMs >= (QLatin1String(rule) == QLatin1String("lag") ? 3000 : 2000));
            QVERIFY(std::any_of(seen.begin(), seen.end(), [&](const Transition& t) {
                return t.alert.key == a.key && t.from == AlertState::Inactive && t.to == AlertState::Pending;
            }));
        }
        QCOMPARE(alerts.firingCount(), 3);
        QVERIFY(alerts.find(AlertEngine::keyFor("vigil", "lag", pg))->value > 1);

        QVERIFY2(sandbox::startNode(test::sandboxDir(), pg, &error), qPrintable(error));
        QVERIFY2(sandbox::startNode(test::sandboxDir(), redis, &error), qPrintable(error));
        clock.restart();
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(alerts, "pg_link", pg), AlertState::Resolved, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(alerts, "lag", pg), AlertState::Resolved, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(alerts, "redis_link", redis), AlertState::Resolved, 20000);
        qInfo("all resolved %lld ms after the restarts", clock.elapsed());
        QCOMPARE(alerts.firingCount(), 0);
        const QString healthy = waitHealthy(&cluster, pg, redis);
        QVERIFY2(healthy.isEmpty(), qPrintable(healthy));
        m_stoppedPg.clear();
        m_stoppedRedis.clear();

        // The history has each episode with its three times (a lag blip while the standby catches
        // up may add one more episode; the stop's episodes are what counts).
        const QList<store::AlertEpisode> episodes = history.recent(QStringLiteral("sandbox"));
        for (const char* rule : {"lag", "pg_link", "redis_link"}) {
            const bool found = std::any_of(episodes.begin(), episodes.end(), [&](const store::AlertEpisode& e) {
                return e.ruleId == QLatin1String(rule) && e.state == AlertState::Resolved && e.startedAt < e.firedAt
                    && e.firedAt < e.resolvedAt;
            });
            QVERIFY2(found, rule);
        }
        cluster.shutdown();
    }

    void slowWorkloadFiresSlowQueries()
    {
        ClusterMonitor cluster;
        InsightMonitor insight(&cluster);
        insight.setStatementsPeriodMs(500);
        AlertMonitor alerts(&cluster);
        alerts.setInsight(&insight);
        QVERIFY(alerts.setRules({fast("slow", metric::kAvgQueryMs, Comparison::Greater, 300, 2)}));
        cluster.start(test::sandboxProfile(), {}, 1000);
        const QString primary = test::primaryNode().name;
        QTRY_COMPARE_WITH_TIMEOUT(insight.node(), primary, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(insight.averageTime().size() > 0 || insight.statements(), 10000);
        QCOMPARE(stateOf(alerts, "slow", primary), AlertState::Inactive);
        {
            const Loop slow(QStringLiteral("SELECT pg_sleep(0.6)"), 3);
            QTRY_COMPARE_WITH_TIMEOUT(stateOf(alerts, "slow", primary), AlertState::Pending, 8000);
            QTRY_COMPARE_WITH_TIMEOUT(stateOf(alerts, "slow", primary), AlertState::Firing, 8000);
        }
        const Alert a = *alerts.find(AlertEngine::keyFor("vigil", "slow", primary));
        qInfo("slow queries: %g ms mean over the window, pending -> firing in %lld ms (%s)", a.value,
              a.pendingSince.msecsTo(a.firedAt), qPrintable(a.detail));
        QVERIFY(a.value > 300 && a.value < 5000);
        QVERIFY(a.pendingSince.msecsTo(a.firedAt) >= 2000);
        // Fast statements again: the mean over the window drops, the alert resolves.
        const Loop quick(QStringLiteral("SELECT 1"), 1);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(alerts, "slow", primary), AlertState::Resolved, 8000);
        cluster.shutdown();
        insight.shutdown();
    }

    void prometheusAlertsJoinTheList()
    {
        test::FakePrometheus prometheus;
        QVERIFY(prometheus.start());
        ClusterMonitor cluster;
        AlertMonitor alerts(&cluster);
        alerts.setPrometheusPeriodMs(200);
        Profile p = test::sandboxProfile();
        p.prometheusUrl = prometheus.url();
        cluster.start(p, {}, 1000);
        QVERIFY(alerts.hasPrometheus());
        const QString cpu = QStringLiteral("prometheus:HighCPUUsage:instance=app1:9100, job=node");
        const QString drawdown = QStringLiteral("prometheus:MaxDrawdownExceeded:");
        QTRY_VERIFY_WITH_TIMEOUT(alerts.find(cpu).has_value(), 5000);
        const Alert a = *alerts.find(cpu);
        QCOMPARE(a.source, QStringLiteral("prometheus"));
        QCOMPARE(a.state, AlertState::Firing);
        QCOMPARE(a.severity, Severity::Warning);
        QCOMPARE(a.value, 91.5);
        QCOMPARE(a.labels.value("instance"), QStringLiteral("app1:9100"));
        QCOMPARE(a.annotations.value("summary"), QStringLiteral("High CPU usage detected"));
        QCOMPARE(a.pendingSince.toString(Qt::ISODate), QStringLiteral("2026-11-27T09:55:12Z"));
        QCOMPARE(alerts.find(drawdown)->state, AlertState::Pending);
        QCOMPARE(alerts.find(drawdown)->severity, Severity::Critical);
        QVERIFY(prometheus.requests().first().startsWith("GET /api/v1/alerts HTTP/1.1"));

        // The drawdown rule fires in Prometheus; the CPU alert clears there: both follow.
        prometheus.setBody(QByteArray(test::FakePrometheus::recordedAnswer())
                               .replace(R"("state":"firing")", R"("state":"gone")")
                               .replace(R"("state":"pending")", R"("state":"firing")"));
        QTRY_COMPARE_WITH_TIMEOUT(alerts.find(drawdown)->state, AlertState::Firing, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(alerts.find(cpu)->state, AlertState::Resolved, 5000);

        // Prometheus unreachable: said so, and its alerts are held rather than resolved.
        prometheus.close();
        QTRY_VERIFY_WITH_TIMEOUT(!alerts.prometheusError().isEmpty(), 5000);
        qInfo("unreachable: %s", qPrintable(alerts.prometheusError()));
        QCOMPARE(alerts.find(drawdown)->state, AlertState::Firing);
        cluster.shutdown();
    }

    void cleanupTestCase()
    {
        // A failed test above must not leave the sandbox broken for the next test.
        QString error;
        if (!m_stoppedPg.isEmpty())
            sandbox::startNode(test::sandboxDir(), m_stoppedPg, &error);
        if (!m_stoppedRedis.isEmpty())
            sandbox::startNode(test::sandboxDir(), m_stoppedRedis, &error);
        if (!m_stoppedPg.isEmpty() || !m_stoppedRedis.isEmpty()) {
            ClusterMonitor cluster;
            cluster.start(test::sandboxProfile(), {}, 250);
            QVERIFY(waitHealthy(&cluster, m_stoppedPg, m_stoppedRedis).isEmpty());
            cluster.shutdown();
        }
    }
};

QTEST_GUILESS_MAIN(TestAlerts)
#include "tst_alerts.moc"
