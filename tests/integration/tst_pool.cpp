// Pool figures against the servers' own views on the live sandbox: pg_stat_activity read
// directly for states, idle-in-transaction sessions and lock chains; pgbouncer's SHOW POOLS
// while more clients than the pool has server connections run pg_sleep through it (cl_waiting,
// maxwait and the advice that names the cause); the health URL up, stopped and back; and the
// "pool" section of `vigil report --json`.
#include "analysis/pooladvice.h"
#include "bouncerload.h"
#include "cli/report.h"
#include "cli/target.h"
#include "monitor/bouncerstats.h"
#include "monitor/healthchecker.h"
#include "monitor/poolstats.h"
#include "pg/pgconnection.h"
#include "sandbox/healthserver.h"
#include "sandbox/sandbox.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>
#include <libpq-fe.h>

using namespace vigil;

namespace {
std::unique_ptr<pg::Connection> open(const QString& conninfo, const QString& application, bool bouncerAdmin = false)
{
    auto c = std::make_unique<pg::Connection>();
    pg::ConnectOptions o;
    o.conninfo = conninfo;
    o.applicationName = application;
    o.pgbouncerAdmin = bouncerAdmin;
    o.statementTimeoutMs = 10000;
    if (!c->open(o))
        qFatal("cannot connect to %s: %s", qPrintable(conninfo), qPrintable(c->lastError()));
    return c;
}

std::shared_ptr<const PoolServerSnapshot> pollServer(pg::Connection& vigilConn)
{
    PoolServerTask task;
    return std::static_pointer_cast<const PoolServerSnapshot>(task.run(vigilConn));
}

const PoolGroup* group(const PoolServerSnapshot& s, const QString& kind, const QString& name)
{
    for (const PoolGroup& g : s.groups)
        if (g.kind == kind && g.name == name)
            return &g;
    return nullptr;
}
} // namespace

class TestPool : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void serverFiguresMatchPgStatActivity()
    {
        const QString primary = test::primaryNode().conninfo;
        auto vigilConn = open(primary, QStringLiteral("vigil"));
        // Three idle sessions and one idle in transaction, under names nobody else uses.
        std::vector<std::unique_ptr<pg::Connection>> idle;
        for (int i = 0; i < 3; ++i)
            idle.push_back(open(primary, QStringLiteral("tst-pool-idle")));
        auto inTx = open(primary, QStringLiteral("tst-pool-iit"));
        QVERIFY(inTx->execSimple(QStringLiteral("BEGIN; SELECT 1")).ok());
        QTest::qWait(300); // so its idle time is measurably above zero

        const auto s = pollServer(*vigilConn);
        QVERIFY2(s->ok, qPrintable(s->error));
        auto direct = open(primary, QStringLiteral("tst-pool-direct"));
        const pg::Result settings = direct->exec(QStringLiteral(
            "SELECT current_setting('max_connections')::int, current_setting('superuser_reserved_connections')::int"));
        QCOMPARE(s->maxConnections, int(settings.toInt64(0, 0)));
        QCOMPARE(s->superuserReserved, int(settings.toInt64(0, 1)));

        const PoolGroup* app = group(*s, QStringLiteral("application"), QStringLiteral("tst-pool-idle"));
        QVERIFY(app);
        QCOMPARE(app->total, 3);
        QCOMPARE(app->idle, 3);
        const PoolGroup* iit = group(*s, QStringLiteral("application"), QStringLiteral("tst-pool-iit"));
        QVERIFY(iit);
        QCOMPARE(iit->idleInTransaction, 1);
        QVERIFY(iit->oldestXactMs >= 300);
        bool listed = false;
        for (const PoolSession& p : s->idleInTransaction)
            if (p.pid == inTx->backendPid()) {
                listed = true;
                QVERIFY2(p.stateMs >= 250, qPrintable(QString::number(p.stateMs)));
            }
        QVERIFY(listed);
        // Vigil's own session is counted apart, never in the groups.
        QVERIFY(s->vigilSessions >= 1);
        QVERIFY(!group(*s, QStringLiteral("application"), QStringLiteral("vigil")));

        // The "by state" figures against pg_stat_activity read directly right after (only our
        // own sessions are compared exactly: other clients may come and go in between).
        const pg::Result r = direct->exec(
            QStringLiteral("SELECT state, count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' "
                           "AND application_name IN ('tst-pool-idle', 'tst-pool-iit') GROUP BY state ORDER BY state"));
        QVERIFY(r.ok());
        QCOMPARE(r.rows(), 2);
        QCOMPARE(r.text(0, 0), QStringLiteral("idle"));
        QCOMPARE(int(r.toInt64(0, 1)), app->idle);
        QCOMPARE(r.text(1, 0), QStringLiteral("idle in transaction"));
        QCOMPARE(int(r.toInt64(1, 1)), iit->idleInTransaction);
        const pg::Result total = direct->exec(
            QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"));
        qInfo("client backends: Vigil %d, pg_stat_activity %lld (one more: the direct session); by state %s",
              s->clientBackends, total.toInt64(0, 0),
              qPrintable(QStringList([&] {
                             QStringList l;
                             for (auto it = s->byState.begin(); it != s->byState.end(); ++it)
                                 l << QStringLiteral("%1=%2").arg(it.key()).arg(it.value());
                             return l;
                         }())
                             .join(QLatin1Char(' '))));
        QVERIFY(std::abs(int(total.toInt64(0, 0)) - 1 - s->clientBackends) <= 2);
        int sum = 0;
        for (int n : s->byState)
            sum += n;
        QCOMPARE(sum + s->vigilSessions, s->clientBackends);

        // Advice on that idle transaction once it is older than the (lowered) limit.
        analysis::PoolAdviceLimits limits;
        limits.idleInTransactionWarnMs = 200;
        const auto advice = analysis::advisePool(s.get(), nullptr, limits);
        const auto it = std::find_if(advice.begin(), advice.end(), [](const analysis::PoolAdvice& a) {
            return a.kind == analysis::PoolAdvice::Kind::IdleInTransaction;
        });
        QVERIFY(it != advice.end());
        VERIFY_CONTAINS(it->detail, QStringLiteral("pid %1").arg(inTx->backendPid()));
        inTx->execSimple(QStringLiteral("ROLLBACK"));
    }

    void blockingChainsMatchPgBlockingPids()
    {
        const QString primary = test::primaryNode().conninfo;
        auto vigilConn = open(primary, QStringLiteral("vigil"));
        auto holder = open(primary, QStringLiteral("tst-pool-holder"));
        QVERIFY(holder->execSimple(QStringLiteral("CREATE TABLE IF NOT EXISTS tst_pool_lock (id int)")).ok());
        QVERIFY(holder->execSimple(QStringLiteral("BEGIN; LOCK TABLE tst_pool_lock IN ACCESS EXCLUSIVE MODE")).ok());
        // The waiter sends its statement without waiting for it (it blocks on the lock).
        auto waiter = open(primary, QStringLiteral("tst-pool-waiter"));
        QVERIFY(PQsendQuery(waiter->raw(), "SELECT count(*) FROM tst_pool_lock"));
        auto direct = open(primary, QStringLiteral("tst-pool-direct"));
        QTRY_VERIFY_WITH_TIMEOUT(
            direct->exec(QStringLiteral("SELECT cardinality(pg_blocking_pids($1)) > 0"), {waiter->backendPid()})
                .toBool(0, 0),
            5000);
        const auto s = pollServer(*vigilConn);
        QVERIFY2(s->ok, qPrintable(s->error));
        const pg::Result direct_
            = direct->exec(QStringLiteral("SELECT array_to_string(pg_blocking_pids($1), ',')"), {waiter->backendPid()});
        const auto it = std::find_if(s->blocked.begin(), s->blocked.end(),
                                     [&](const BlockedSession& b) { return b.session.pid == waiter->backendPid(); });
        QVERIFY(it != s->blocked.end());
        QCOMPARE(it->session.blockedBy.first(), direct_.text(0, 0).toInt());
        QCOMPARE(it->rootBlocker, holder->backendPid());
        QCOMPARE(it->root.application, QStringLiteral("tst-pool-holder"));
        QCOMPARE(it->session.category, QStringLiteral("waiting on lock"));
        QVERIFY(s->byState.value(QStringLiteral("waiting on lock")) >= 1);
        const auto advice = analysis::advisePool(s.get(), nullptr);
        const bool named = std::any_of(advice.begin(), advice.end(), [&](const analysis::PoolAdvice& a) {
            return a.kind == analysis::PoolAdvice::Kind::BlockedSessions
                && a.detail.contains(QStringLiteral("pid %1").arg(holder->backendPid()));
        });
        QVERIFY(named);
        QVERIFY(holder->execSimple(QStringLiteral("ROLLBACK; DROP TABLE tst_pool_lock")).ok());
        while (PGresult* r = PQgetResult(waiter->raw()))
            PQclear(r);
    }

    void moreClientsThanThePoolMakesThemWait()
    {
        const Profile p = test::sandboxProfile();
        auto admin = open(p.pgbouncerAdmin, QStringLiteral("vigil"), true);
        BouncerStatsTask task;
        const auto before = std::static_pointer_cast<const BouncerSnapshot>(task.run(*admin));
        QVERIFY2(before->ok, qPrintable(before->error));
        const int poolSize = before->defaultPoolSize;
        QCOMPARE(poolSize, 20); // app/sandbox/configs.cpp
        QCOMPARE(before->poolMode, QStringLiteral("transaction"));

        // 10 more clients than the pool: pool_size sleep on a server connection, 10 wait. 3 s keeps
        // the wait under reserve_pool_timeout (5 s), so the reserve pool stays out of it.
        test::BouncerLoad load;
        QString error;
        QVERIFY2(load.start(p.pgbouncer, poolSize + 10, 3, &error), qPrintable(error));
        QTest::qWait(1200);
        const auto s = std::static_pointer_cast<const BouncerSnapshot>(task.run(*admin));
        const pg::Result show = admin->execSimple(QStringLiteral("SHOW POOLS"));
        QVERIFY2(s->ok, qPrintable(s->error));
        const BouncerPool* mine = nullptr;
        for (const BouncerPool& b : s->pools)
            if (b.database == QLatin1String("trading") && b.user == QLatin1String("postgres"))
                mine = &b;
        QVERIFY(mine);
        int row = -1;
        for (int i = 0; i < show.rows(); ++i)
            if (show.text(i, "database") == QLatin1String("trading")
                && show.text(i, "user") == QLatin1String("postgres"))
                row = i;
        QVERIFY(row >= 0);
        qInfo("Vigil: cl_active %d cl_waiting %d sv_active %d sv_idle %d maxwait %.0f ms pool_size %d; SHOW POOLS: "
              "cl_active %s cl_waiting %s sv_active %s maxwait %s s %s us",
              mine->clActive, mine->clWaiting, mine->svActive, mine->svIdle, mine->maxWaitMs, mine->poolSize,
              qPrintable(show.text(row, "cl_active")), qPrintable(show.text(row, "cl_waiting")),
              qPrintable(show.text(row, "sv_active")), qPrintable(show.text(row, "maxwait")),
              qPrintable(show.text(row, "maxwait_us")));
        QCOMPARE(mine->clWaiting, int(show.toInt64(row, "cl_waiting")));
        QCOMPARE(mine->svActive, int(show.toInt64(row, "sv_active")));
        QCOMPARE(mine->clActive, int(show.toInt64(row, "cl_active")));
        const double directMaxWait = show.toDouble(row, "maxwait") * 1000.0 + show.toDouble(row, "maxwait_us") / 1000.0;
        QVERIFY(std::abs(mine->maxWaitMs - directMaxWait) < 500); // a few ms apart
        QCOMPARE(mine->clWaiting, 10);
        QCOMPARE(mine->svActive, poolSize);
        QVERIFY(mine->maxWaitMs >= 900);
        QCOMPARE(mine->poolSize, poolSize);

        const auto advice = analysis::advisePool(nullptr, s.get());
        const auto it = std::find_if(advice.begin(), advice.end(), [](const analysis::PoolAdvice& a) {
            return a.kind == analysis::PoolAdvice::Kind::PoolTooSmall;
        });
        QVERIFY(it != advice.end());
        QCOMPARE(it->severity, analysis::PoolAdvice::Severity::Critical);
        VERIFY_CONTAINS(it->title, QStringLiteral("trading/postgres"));
        VERIFY_CONTAINS(it->title, QStringLiteral("10 waiting"));
        VERIFY_CONTAINS(it->detail, QStringLiteral("all 20 server connections"));
        qInfo("advice: %s — %s", qPrintable(it->title), qPrintable(it->detail));
        // Every client is served once the first ones finish: no waiter is left behind.
        QTRY_COMPARE_WITH_TIMEOUT(load.finished(), poolSize + 10, 15000);
    }

    void healthUrlUpDownAndBack()
    {
        const Profile p = test::sandboxProfile();
        QCOMPARE(p.healthUrls.size(), 1);
        sandbox::Topology topo;
        QVERIFY(sandbox::status(test::sandboxDir(), &topo, nullptr, nullptr));
        const int port = QUrl(p.healthUrls.first()).port();
        QString detail;
        QVERIFY2(sandbox::healthserver::probe(port, &detail), qPrintable(detail)); // the server's own word

        HealthChecker checker;
        constexpr int kPeriod = 1000;
        checker.setPeriodMs(kPeriod);
        checker.setTimeoutMs(800);
        checker.start(p.healthUrls);
        QTRY_VERIFY_WITH_TIMEOUT(checker.statuses().value(0).checked, 5000);
        HealthStatus s = checker.statuses().value(0);
        QVERIFY2(s.up, qPrintable(s.error));
        QCOMPARE(s.statusCode, 200);
        QVERIFY(s.responseMs > 0 && s.responseMs < 800);
        QVERIFY(checker.responseTimes(s.url) && checker.responseTimes(s.url)->size() == 1);
        qInfo("health %s: up, HTTP %d in %.1f ms (direct probe: %s)", qPrintable(s.url), s.statusCode, s.responseMs,
              qPrintable(detail));

        QString error;
        QVERIFY2(sandbox::stopNode(test::sandboxDir(), QStringLiteral("health"), &error), qPrintable(error));
        QElapsedTimer t;
        t.start();
        QVERIFY(!sandbox::healthserver::probe(port, &detail));
        QTRY_VERIFY_WITH_TIMEOUT(!checker.statuses().value(0).up, 2 * kPeriod);
        s = checker.statuses().value(0);
        qInfo("down %lld ms after the stop: %s", t.elapsed(), qPrintable(s.error));
        QVERIFY(t.elapsed() <= 2 * kPeriod);
        QCOMPARE(s.statusCode, 0);
        QVERIFY(!s.error.isEmpty());
        QVERIFY(s.downSince.isValid());

        // Repair the shared sandbox and see it come back.
        QVERIFY2(sandbox::startNode(test::sandboxDir(), QStringLiteral("health"), &error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(checker.statuses().value(0).up, 3 * kPeriod);
        QCOMPARE(checker.statuses().value(0).statusCode, 200);
    }

    void reportHasThePoolSection()
    {
        QStringList args {QStringLiteral("--sandbox-dir"), test::sandboxDir()};
        cli::Target target;
        QString error;
        QVERIFY2(cli::takeTarget(&args, &target, &error), qPrintable(error));
        QJsonObject report;
        QVERIFY2(cli::buildReport(target, {}, &report, &error), qPrintable(error));
        const QJsonObject pool = report.value("pool").toObject();
        auto direct = open(test::primaryNode().conninfo, QStringLiteral("tst-pool-direct"));
        QCOMPARE(pool.value("max_connections").toInt(),
                 int(direct->exec(QStringLiteral("SELECT current_setting('max_connections')::int")).toInt64(0, 0)));
        QVERIFY(pool.value("by_state").isObject());
        QVERIFY(pool.value("by_state").toObject().value("idle").toInt() >= 0);
        QVERIFY(pool.value("waiting").isDouble());
        const QJsonArray bouncer = pool.value("pgbouncer").toArray();
        bool trading = false;
        for (const QJsonValue& v : bouncer) {
            const QJsonObject o = v.toObject();
            for (const char* key :
                 {"database", "user", "cl_active", "cl_waiting", "sv_active", "sv_idle", "maxwait_ms"})
                QVERIFY2(o.contains(QLatin1String(key)), key);
            trading |= o.value("database").toString() == QLatin1String("trading");
        }
        QVERIFY(trading);
        QVERIFY(!pool.contains("pgbouncer_error"));
        QVERIFY(cli::reportText(report).contains(QStringLiteral("of max_connections")));
    }
};

QTEST_GUILESS_MAIN(TestPool)
#include "tst_pool.moc"
