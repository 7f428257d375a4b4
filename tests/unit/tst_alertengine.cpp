// The alert state machine with injected timestamps: `for` and `keep_firing_for`, subjects that
// disappear, unknown values, flapping, acknowledgement and silences, notification decisions; the
// rule JSON round trip and its errors; the Prometheus /api/v1/alerts parser on a recorded answer;
// the feed from node snapshots (a standby that stops streaming); the alert history in SQLite.
#include "alerts/alertengine.h"
#include "alerts/alertfeed.h"
#include "alerts/prometheusalerts.h"
#include "monitor/bouncerstats.h"
#include "monitor/poolstats.h"
#include "store/alerthistory.h"
#include "store/localstore.h"

#include <QBuffer>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace vigil;
using namespace vigil::alerts;

namespace {
const QDateTime t0 = QDateTime::fromString(QStringLiteral("2026-11-27T10:00:00Z"), Qt::ISODate);

AlertRule lagRule(int forSec, int keepSec = 0)
{
    AlertRule r;
    r.id = QStringLiteral("replica_lag");
    r.name = QStringLiteral("Replica lag");
    r.metric = QLatin1String(metric::kReplicaLagSec);
    r.comparison = Comparison::Greater;
    r.threshold = 10;
    r.forSec = forSec;
    r.keepFiringSec = keepSec;
    r.severity = Severity::Critical;
    return r;
}

QList<Observation> lag(double v, const QString& subject = QStringLiteral("pg2"))
{
    return {{subject, v, {}}};
}

AlertState stateOf(const AlertEngine& e, const QString& subject = QStringLiteral("pg2"))
{
    const auto a = e.find(AlertEngine::keyFor("vigil", "replica_lag", subject));
    return a ? a->state : AlertState::Inactive;
}
} // namespace

class TestAlertEngine : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // Each row: a series of (second, value) observations and the state expected after each.
    void forDuration_data()
    {
        QTest::addColumn<int>("forSec");
        QTest::addColumn<int>("keepSec");
        QTest::addColumn<QList<int>>("seconds");
        QTest::addColumn<QList<double>>("values");
        QTest::addColumn<QStringList>("states");
        QTest::newRow("for 0 fires at once") << 0 << 0 << QList<int> {0, 1, 2} << QList<double> {20, 20, 5}
                                             << QStringList {"firing", "firing", "resolved"};
        QTest::newRow("pending until for elapsed")
            << 30 << 0 << QList<int> {0, 10, 29, 30, 31} << QList<double> {20, 20, 20, 20, 20}
            << QStringList {"pending", "pending", "pending", "firing", "firing"};
        QTest::newRow("clears while pending: never fires")
            << 30 << 0 << QList<int> {0, 20, 40, 60} << QList<double> {20, 5, 20, 20}
            << QStringList {"pending", "inactive", "pending", "pending"};
        QTest::newRow("at threshold is not over it")
            << 0 << 0 << QList<int> {0, 1} << QList<double> {10, 10.5} << QStringList {"inactive", "firing"};
        QTest::newRow("unknown value holds the state")
            << 10 << 0 << QList<int> {0, 5, 12, 13} << QList<double> {20, qQNaN(), qQNaN(), 20}
            << QStringList {"pending", "pending", "pending", "firing"};
        QTest::newRow("keep firing through a dip")
            << 0 << 30 << QList<int> {0, 10, 20, 35, 40, 70} << QList<double> {20, 5, 20, 5, 5, 5}
            << QStringList {"firing", "firing", "firing", "firing", "firing", "resolved"};
        QTest::newRow("resolved then back: a new episode")
            << 5 << 0 << QList<int> {0, 5, 6, 7, 12} << QList<double> {20, 20, 1, 20, 20}
            << QStringList {"pending", "firing", "resolved", "pending", "firing"};
    }
    void forDuration()
    {
        QFETCH(int, forSec);
        QFETCH(int, keepSec);
        QFETCH(QList<int>, seconds);
        QFETCH(QList<double>, values);
        QFETCH(QStringList, states);
        AlertEngine e;
        e.setRules({lagRule(forSec, keepSec)});
        for (int i = 0; i < seconds.size(); ++i) {
            e.observe(QLatin1String(metric::kReplicaLagSec), lag(values[i]), t0.addSecs(seconds[i]));
            QCOMPARE(stateName(stateOf(e)), states[i]);
        }
    }

    void transitionsCarryTimes()
    {
        AlertEngine e;
        e.setRules({lagRule(30)});
        QList<Transition> t = e.observe(QLatin1String(metric::kReplicaLagSec), lag(20), t0);
        QCOMPARE(t.size(), 1);
        QCOMPARE(t[0].from, AlertState::Inactive);
        QCOMPARE(t[0].to, AlertState::Pending);
        QCOMPARE(t[0].alert.pendingSince, t0);
        QCOMPARE(t[0].alert.condition, QStringLiteral("> 10 s for 30 s"));
        QVERIFY(e.observe(QLatin1String(metric::kReplicaLagSec), lag(25), t0.addSecs(10)).isEmpty());
        t = e.observe(QLatin1String(metric::kReplicaLagSec), lag(30), t0.addSecs(31));
        QCOMPARE(t.size(), 1);
        QCOMPARE(t[0].to, AlertState::Firing);
        QCOMPARE(t[0].alert.firedAt, t0.addSecs(31));
        QCOMPARE(t[0].alert.value, 30.0);
        QVERIFY(AlertEngine::shouldNotify(t[0], t0.addSecs(31)));
        QCOMPARE(e.firingCount(), 1);
        // Subject gone from the observation set: its condition is false, it resolves.
        t = e.observe(QLatin1String(metric::kReplicaLagSec), {}, t0.addSecs(40));
        QCOMPARE(t.size(), 1);
        QCOMPARE(t[0].to, AlertState::Resolved);
        QCOMPARE(t[0].alert.resolvedAt, t0.addSecs(40));
        // The value shown after resolving is the one that breached.
        QCOMPARE(t[0].alert.value, 30.0);
        QCOMPARE(e.firingCount(), 0);
        // Resolved alerts stay listed for the retention, then go.
        e.expire(t0.addSecs(40 + AlertEngine::kResolvedRetentionSec - 1));
        QCOMPARE(e.alerts().size(), 1);
        e.expire(t0.addSecs(40 + AlertEngine::kResolvedRetentionSec + 1));
        QCOMPARE(e.alerts().size(), 0);
    }

    void subjectsAreIndependent()
    {
        AlertEngine e;
        e.setRules({lagRule(0)});
        e.observe(QLatin1String(metric::kReplicaLagSec), lag(20, "pg2") + lag(1, "pg3"), t0);
        QCOMPARE(stateOf(e, "pg2"), AlertState::Firing);
        QCOMPARE(stateOf(e, "pg3"), AlertState::Inactive);
        QCOMPARE(e.alerts().size(), 1);
    }

    void flappingNotifiesOnceThenStops()
    {
        AlertEngine e;
        e.setRules({lagRule(0)});
        int notified = 0, firings = 0;
        for (int i = 0; i < 6; ++i) {
            for (const Transition& t : e.observe(QLatin1String(metric::kReplicaLagSec), lag(20), t0.addSecs(i * 60))) {
                firings += t.to == AlertState::Firing;
                notified += AlertEngine::shouldNotify(t, t0.addSecs(i * 60));
            }
            e.observe(QLatin1String(metric::kReplicaLagSec), lag(1), t0.addSecs(i * 60 + 30));
        }
        QCOMPARE(firings, 6);
        // First and second firing notify; the third marks it flapping and notifies once more;
        // the rest stay quiet.
        QCOMPARE(notified, AlertEngine::kFlapFirings);
        QVERIFY(e.find(AlertEngine::keyFor("vigil", "replica_lag", "pg2"))->flapping);
        // Quiet for longer than the flap window: no longer flapping, the next firing notifies.
        const QDateTime later = t0.addSecs(6 * 60 + AlertEngine::kFlapWindowSec + 1);
        e.expire(later);
        const auto t = e.observe(QLatin1String(metric::kReplicaLagSec), lag(20), later);
        QCOMPARE(t.size(), 1);
        QVERIFY(!t[0].alert.flapping);
        QVERIFY(AlertEngine::shouldNotify(t[0], later));
    }

    void acknowledgeAndSilence()
    {
        AlertEngine e;
        e.setRules({lagRule(0)});
        const QString key = AlertEngine::keyFor("vigil", "replica_lag", "pg2");
        QVERIFY(!e.acknowledge(key, t0)); // nothing to acknowledge yet
        e.observe(QLatin1String(metric::kReplicaLagSec), lag(20), t0);
        QCOMPARE(e.unhandledFiringCount(t0), 1);
        QVERIFY(e.acknowledge(key, t0.addSecs(1)));
        QCOMPARE(e.unhandledFiringCount(t0.addSecs(1)), 0);
        QCOMPARE(e.firingCount(), 1);
        // Resolving ends the acknowledged episode; the next one is not acknowledged.
        e.observe(QLatin1String(metric::kReplicaLagSec), lag(1), t0.addSecs(2));
        auto t = e.observe(QLatin1String(metric::kReplicaLagSec), lag(20), t0.addSecs(3));
        QCOMPARE(t.size(), 1);
        QVERIFY(!t[0].alert.isAcknowledged());
        QVERIFY(AlertEngine::shouldNotify(t[0], t0.addSecs(3)));

        // Silenced for an hour: listed and counted as firing, but no notification, not unhandled.
        e.observe(QLatin1String(metric::kReplicaLagSec), lag(1), t0.addSecs(4));
        e.silence(key, t0.addSecs(3600));
        t = e.observe(QLatin1String(metric::kReplicaLagSec), lag(20), t0.addSecs(5));
        QCOMPARE(t.size(), 1);
        QVERIFY(t[0].alert.isSilenced(t0.addSecs(5)));
        QVERIFY(!AlertEngine::shouldNotify(t[0], t0.addSecs(5)));
        QCOMPARE(e.unhandledFiringCount(t0.addSecs(5)), 0);
        QCOMPARE(e.unhandledFiringCount(t0.addSecs(3601)), 1); // the silence ran out
        e.silence(key, {});
        QCOMPARE(e.unhandledFiringCount(t0.addSecs(6)), 1);
    }

    void disabledRuleDropsItsAlerts()
    {
        AlertEngine e;
        AlertRule r = lagRule(0);
        e.setRules({r});
        e.observe(QLatin1String(metric::kReplicaLagSec), lag(20), t0);
        QCOMPARE(e.alerts().size(), 1);
        r.severity = Severity::Info;
        e.setRules({r});
        QCOMPARE(e.alerts().first().severity, Severity::Info);
        r.enabled = false;
        e.setRules({r});
        QCOMPARE(e.alerts().size(), 0);
        QVERIFY(e.observe(QLatin1String(metric::kReplicaLagSec), lag(20), t0.addSecs(1)).isEmpty());
    }

    void rulesJsonRoundTrip()
    {
        const QList<AlertRule> defaults = defaultRules();
        QVERIFY(defaults.size() >= 12);
        for (const AlertRule& r : defaults)
            QVERIFY2(!metricUnit(r.metric).isNull(), qPrintable(r.metric));
        QList<AlertRule> back;
        QString error;
        QVERIFY2(rulesFromJson(rulesToJson(defaults), &back, &error), qPrintable(error));
        QCOMPARE(back, defaults);

        QTemporaryDir dir;
        const QString path = dir.filePath("sub/alert-rules.json");
        QList<AlertRule> loaded;
        QVERIFY(loadRules(path, &loaded, &error)); // missing file: the defaults
        QCOMPARE(loaded, defaults);
        QList<AlertRule> edited = defaults;
        edited[0].threshold = 250;
        edited[0].forSec = 3;
        edited[1].enabled = false;
        QVERIFY2(saveRules(path, edited, &error), qPrintable(error));
        QVERIFY(loadRules(path, &loaded, &error));
        QCOMPARE(loaded, edited);
    }

    void rulesJsonErrors_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("error");
        QTest::newRow("no metric") << QByteArray(R"([{"id":"a","threshold":1}])") << "needs an id and a metric";
        QTest::newRow("unknown metric") << QByteArray(R"([{"id":"a","metric":"pg.nope","threshold":1}])")
                                        << "unknown metric";
        QTest::newRow("bad comparison") << QByteArray(
            R"([{"id":"a","metric":"pg.replica_lag_s","comparison":"=>","threshold":1}])")
                                        << "comparison";
        QTest::newRow("bad severity") << QByteArray(
            R"([{"id":"a","metric":"pg.replica_lag_s","severity":"panic","threshold":1}])")
                                      << "severity";
        QTest::newRow("threshold as text")
            << QByteArray(R"([{"id":"a","metric":"pg.replica_lag_s","threshold":"1"}])") << "threshold";
        QTest::newRow("duplicate") << QByteArray(R"([{"id":"a","metric":"node.up","threshold":1},)"
                                                 R"({"id":"a","metric":"node.up","threshold":1}])")
                                   << "duplicate";
    }
    void rulesJsonErrors()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, error);
        QList<AlertRule> rules = {lagRule(1)};
        QString why;
        QVERIFY(!rulesFromJson(QJsonDocument::fromJson(json).array(), &rules, &why));
        QVERIFY2(why.contains(error), qPrintable(why));
        QCOMPARE(rules.size(), 1); // untouched
    }

    // A recorded answer of Prometheus 2.x's /api/v1/alerts (the shape of its HTTP API docs).
    void prometheusParse()
    {
        const QByteArray body = R"({"status":"success","data":{"alerts":[
            {"labels":{"alertname":"HighCPUUsage","instance":"app1:9100","job":"node","severity":"warning"},
             "annotations":{"summary":"High CPU usage detected","description":"CPU usage is 91.5%"},
             "state":"firing","activeAt":"2026-11-27T09:55:12.345678901Z","value":"9.15e+01"},
            {"labels":{"alertname":"MaxDrawdownExceeded","severity":"critical"},
             "annotations":{"summary":"Maximum drawdown exceeded"},
             "state":"pending","activeAt":"2026-11-27T09:59:00Z","value":"1.2e+01"}]}})";
        QList<Alert> alerts;
        QString error;
        QVERIFY2(parsePrometheusAlerts(body, &alerts, &error), qPrintable(error));
        QCOMPARE(alerts.size(), 2);
        QCOMPARE(alerts[0].name, QStringLiteral("HighCPUUsage"));
        QCOMPARE(alerts[0].subject, QStringLiteral("instance=app1:9100, job=node"));
        QCOMPARE(alerts[0].key, QStringLiteral("prometheus:HighCPUUsage:instance=app1:9100, job=node"));
        QCOMPARE(alerts[0].state, AlertState::Firing);
        QCOMPARE(alerts[0].severity, Severity::Warning);
        QCOMPARE(alerts[0].value, 91.5);
        QCOMPARE(alerts[0].detail, QStringLiteral("CPU usage is 91.5%"));
        QCOMPARE(alerts[0].pendingSince.toString(Qt::ISODate), QStringLiteral("2026-11-27T09:55:12Z"));
        QCOMPARE(alerts[1].state, AlertState::Pending);
        QCOMPARE(alerts[1].severity, Severity::Critical);

        AlertEngine e;
        auto t = e.setExternal("prometheus", alerts, t0);
        QCOMPARE(t.size(), 2);
        QCOMPARE(e.firingCount(), 1);
        // Gone from the next answer: the firing one resolves, the pending one disappears.
        t = e.setExternal("prometheus", {}, t0.addSecs(15));
        QCOMPARE(t.size(), 2);
        QCOMPARE(e.alerts().size(), 1);
        QCOMPARE(e.alerts().first().state, AlertState::Resolved);

        QVERIFY(!parsePrometheusAlerts(R"({"status":"error","errorType":"bad_data","error":"x"})", &alerts, &error));
        QVERIFY(error.contains("bad_data"));
        QVERIFY(!parsePrometheusAlerts("<html>", &alerts, &error));
        QCOMPARE(prometheusAlertsUrl("prom:9090/").toString(), QStringLiteral("http://prom:9090/api/v1/alerts"));
    }

    // A standby that stops streaming: its lag counts from the last time it was seen streaming.
    void feedReplicaLag()
    {
        NodeSnapshot primary;
        primary.node = "pg1";
        primary.reachable = true;
        primary.role = NodeRole::Primary;
        PgWalSender sender;
        sender.name = "pg2";
        sender.state = "streaming";
        primary.walSenders = {sender};
        NodeSnapshot standby;
        standby.node = "pg2";
        standby.reachable = true;
        standby.role = NodeRole::Replica;
        standby.receiverStatus = "streaming";
        FeedMemory memory;
        auto obs = clusterObservations({primary, standby}, &memory, t0);
        QCOMPARE(obs.value(metric::kReplicaLagSec).size(), 1);
        QCOMPARE(obs.value(metric::kReplicaLagSec).first().value, 0.0); // NULL replay_lag: caught up
        QCOMPARE(obs.value(metric::kReplicaStreaming).first().value, 1.0);
        QCOMPARE(obs.value(metric::kNodeUp).size(), 2);

        primary.walSenders.clear();
        standby.reachable = false;
        obs = clusterObservations({primary, standby}, &memory, t0.addSecs(7));
        QCOMPARE(obs.value(metric::kReplicaLagSec).first().value, 7.0);
        QCOMPARE(obs.value(metric::kReplicaStreaming).first().value, 0.0);
        QCOMPARE(obs.value(metric::kNodeUp).last().value, 0.0);

        // No reachable primary: replication is unknown, not resolved.
        primary.reachable = false;
        obs = clusterObservations({primary, standby}, &memory, t0.addSecs(8));
        QVERIFY(!obs.contains(metric::kReplicaLagSec));

        // Connected without streaming (WAL sender in catchup): counted from when first seen so.
        primary.reachable = true;
        sender.state = "catchup";
        primary.walSenders = {sender};
        standby.reachable = true;
        obs = clusterObservations({primary, standby}, &memory, t0.addSecs(10));
        QCOMPARE(obs.value(metric::kStandbyStartupSec).first().value, 0.0);
        obs = clusterObservations({primary, standby}, &memory, t0.addSecs(25));
        QCOMPARE(obs.value(metric::kStandbyStartupSec).first().value, 15.0);
        QCOMPARE(obs.value(metric::kReplicaStreaming).first().value, 0.0);
    }

    void feedRedisAndSentinel()
    {
        NodeSnapshot replica;
        replica.node = "redis2";
        replica.kind = NodeKind::Redis;
        replica.reachable = true;
        replica.role = NodeRole::Replica;
        replica.masterLink = "up";
        NodeSnapshot sentinel;
        sentinel.node = "sentinel1";
        sentinel.kind = NodeKind::Sentinel;
        sentinel.reachable = true;
        sentinel.quorumOk = false;
        sentinel.sentinel.ckquorum = "NOQUORUM 1 usable Sentinels";
        FeedMemory memory;
        auto obs = clusterObservations({replica, sentinel}, &memory, t0);
        QCOMPARE(obs.value(metric::kRedisLinkUp).first().value, 1.0);
        QCOMPARE(obs.value(metric::kSentinelQuorumOk).first().value, 0.0);
        QCOMPARE(obs.value(metric::kSentinelQuorumOk).first().detail, QStringLiteral("NOQUORUM 1 usable Sentinels"));
        replica.masterLink = "down";
        QCOMPARE(clusterObservations({replica}, &memory, t0).value(metric::kRedisLinkUp).first().value, 0.0);
        // A replica that went away has its link down; one promoted to master has no link to judge.
        replica.reachable = false;
        QCOMPARE(clusterObservations({replica}, &memory, t0).value(metric::kRedisLinkUp).first().value, 0.0);
        replica.reachable = true;
        replica.role = NodeRole::Master;
        QVERIFY(clusterObservations({replica}, &memory, t0).value(metric::kRedisLinkUp).isEmpty());
    }

    void feedPoolAndBouncer()
    {
        PoolServerSnapshot pool;
        pool.ok = true;
        pool.maxConnections = 100;
        pool.superuserReserved = 3;
        pool.clientBackends = 90;
        PoolSession idle;
        idle.pid = 4242;
        idle.state = "idle in transaction";
        idle.stateMs = 400'000;
        idle.user = "trader";
        idle.database = "trading";
        idle.query = "UPDATE positions SET qty = qty + 1";
        PoolSession active = idle;
        active.pid = 4243;
        active.state = "active";
        pool.idleInTransaction = {idle, active};
        auto obs = poolObservations(pool, "pg1");
        QCOMPARE(obs.value(metric::kConnectionUtilisationPct).first().subject, QStringLiteral("pg1"));
        QCOMPARE(qRound(obs.value(metric::kConnectionUtilisationPct).first().value * 10), 928); // 90 of 97
        QCOMPARE(obs.value(metric::kIdleInTransactionSec).size(), 1);
        QCOMPARE(obs.value(metric::kIdleInTransactionSec).first().subject, QStringLiteral("pg1 pid 4242"));
        QCOMPARE(obs.value(metric::kIdleInTransactionSec).first().value, 400.0);
        QVERIFY(obs.value(metric::kIdleInTransactionSec).first().detail.contains("UPDATE positions"));
        // With the shipped rules: over 90 % needs 60 s, the idle transaction (over 300 s) fires at once.
        AlertEngine e;
        for (auto it = obs.begin(); it != obs.end(); ++it)
            e.observe(it.key(), it.value(), t0);
        QCOMPARE(e.firingCount(), 1);
        QCOMPARE(e.alerts().size(), 2);
        for (auto it = obs.begin(); it != obs.end(); ++it)
            e.observe(it.key(), it.value(), t0.addSecs(60));
        QCOMPARE(e.firingCount(), 2);

        BouncerSnapshot bouncer;
        bouncer.ok = true;
        BouncerPool p;
        p.database = "trading";
        p.user = "app";
        p.clWaiting = 3;
        bouncer.pools = {p, p};
        const auto b = bouncerObservations(bouncer);
        QCOMPARE(b.value(metric::kBouncerClientsWaiting).first().value, 6.0);
        QVERIFY(b.value(metric::kBouncerClientsWaiting).first().detail.contains("trading/app: 3 waiting"));
        bouncer.ok = false;
        QVERIFY(bouncerObservations(bouncer).isEmpty()); // a failed poll says nothing
    }

    void historyAndSummary()
    {
        QTemporaryDir dir;
        store::LocalStore local(dir.filePath("vigil.sqlite"));
        QVERIFY2(local.isOk(), qPrintable(local.lastError()));
        store::AlertHistory history(&local);
        AlertEngine e;
        e.setRules({lagRule(1)});
        const QDateTime now = QDateTime::currentDateTimeUtc();
        for (const Transition& t : e.observe(QLatin1String(metric::kReplicaLagSec), lag(20), now))
            QVERIFY(history.record("sandbox", t.alert));
        for (const Transition& t : e.observe(QLatin1String(metric::kReplicaLagSec), lag(20), now.addSecs(2)))
            QVERIFY(history.record("sandbox", t.alert));
        auto rows = history.recent("sandbox");
        QCOMPARE(rows.size(), 1); // one episode, updated
        QCOMPARE(rows[0].state, AlertState::Firing);
        QCOMPARE(rows[0].firedAt.toMSecsSinceEpoch(), now.addSecs(2).toMSecsSinceEpoch());
        store::AlertSummary s = history.summary("sandbox", now.addSecs(-60));
        QCOMPARE(s.fired, 1);
        QCOMPARE(s.criticalFiring, 1);
        QCOMPARE(history.summary("other", now.addSecs(-60)).fired, 0);
        QCOMPARE(history.summary("sandbox", now.addSecs(60)).fired, 0);
        QCOMPARE(history.summary("sandbox", now.addSecs(60)).stillFiring, 1);
        // Vigil stops watching: the open episode is no longer reported as firing.
        QVERIFY(history.closeOpen("sandbox"));
        s = history.summary("sandbox", now.addSecs(-60));
        QCOMPARE(s.fired, 1);
        QCOMPARE(s.stillFiring, 0);
        QCOMPARE(history.recent("sandbox").first().stateText, QStringLiteral("unwatched"));

        QBuffer csv;
        QVERIFY(csv.open(QIODevice::WriteOnly));
        QVERIFY(history.exportCsv("sandbox", &csv));
        const QList<QByteArray> lines = csv.data().split('\n');
        QCOMPARE(lines.size(), 3); // header, one episode, the empty tail after the last CRLF
        QVERIFY(lines[0].startsWith("started_at,fired_at,resolved_at"));
        QVERIFY(lines[1].contains(",unwatched,critical,vigil,replica_lag,Replica lag,pg2,20,"));
    }
};

QTEST_GUILESS_MAIN(TestAlertEngine)
#include "tst_alertengine.moc"
