// The native load engine against the live sandbox: per-second series that add up, the queued
// signals a GUI tab will use, 500 users through pgbouncer, sessions terminated mid-run and a
// server that dies mid-run (errors counted by SQLSTATE, never a hang), and the CLI face.
#include "loadtest/loadengine.h"
#include "loadtest/workloads.h"
#include "pg/pgconnection.h"
#include "store/auditlog.h"
#include "store/localstore.h"
#include "temppostgres.h"
#include "testsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace vigil;
using namespace vigil::loadtest;

namespace {
const QString kDatabase = QStringLiteral("vigil_loadtest");

Script script(const std::string& text)
{
    Script s;
    std::string error;
    if (!parseScript(text, "test.sql", &s, &error))
        qFatal("%s", error.c_str());
    return s;
}

// Collects what a started engine delivers, through queued connections as a GUI page would get it
// (the engine's thread emits, the test thread receives).
struct Delivered
{
    QList<LoadSecond> seconds;
    QList<RunResult> finished;
    void watch(LoadEngine* engine)
    {
        QObject::connect(engine, &LoadEngine::secondReady, engine, [this](const LoadSecond& s) { seconds << s; });
        QObject::connect(engine, &LoadEngine::finished, engine, [this](const RunResult& r) { finished << r; });
    }
};

Script builtin(const QString& name)
{
    Script s;
    QString error;
    if (!loadWorkload(name, &s, &error))
        qFatal("%s", qPrintable(error));
    return s;
}
} // namespace

class TestLoadTest : public QObject
{
    Q_OBJECT
private:
    QString m_primary;
    QString m_bouncer;

    EngineOptions primaryOptions(int users, double seconds) const
    {
        EngineOptions o;
        o.conninfo = m_primary;
        o.database = kDatabase;
        o.targetName = QStringLiteral("primary");
        o.users = users;
        o.durationSec = seconds;
        o.threads = 2;
        return o;
    }

    struct Cli
    {
        int code = -1;
        QByteArray out, err;
    };
    static Cli vigil(const QStringList& args, int timeoutMs = 60000, const QString& home = {})
    {
        static QTemporaryDir data;
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_DATA_HOME"), home.isEmpty() ? data.path() : home + QStringLiteral("/data"));
        if (!home.isEmpty())
            env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/config"));
        p.setProcessEnvironment(env);
        p.start(test::vigilBinary(), args);
        if (!p.waitForFinished(timeoutMs))
            p.kill();
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
                p.readAllStandardError()};
    }

    static void checkConsistent(const RunResult& r)
    {
        QVERIFY2(r.ok, qPrintable(r.error));
        qint64 tx = 0, errors = 0, statements = 0;
        for (const LoadSecond& s : r.seconds) {
            tx += s.transactions;
            errors += s.errors;
            statements += s.statements;
            if (s.transactions) {
                QVERIFY(s.latency.p50Ms <= s.latency.p95Ms);
                QVERIFY(s.latency.p95Ms <= s.latency.p99Ms);
                QVERIFY(s.latency.p99Ms <= s.latency.maxMs);
            }
        }
        QCOMPARE(tx, r.transactions);
        QCOMPARE(errors, r.errors);
        QCOMPARE(statements, r.statements);
        qint64 bySqlstate = 0;
        for (qint64 n : r.errorsBySqlstate)
            bySqlstate += n;
        QCOMPARE(bySqlstate, r.errors);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_primary = test::primaryNode().conninfo;
        m_bouncer = test::sandboxProfile().pgbouncer;
        QVERIFY(!m_bouncer.isEmpty());
        // pgbench's tables in a database of their own, so the trading schema stays as seeded.
        QString error;
        QVERIFY2(test::initPgbenchDatabase(m_primary, kDatabase, 1, &error), qPrintable(error));
    }

    void selectOnlySignalsAndSeries()
    {
        Delivered got; // before the engine: destroyed after it
        LoadEngine engine(primaryOptions(4, 3), builtin(QStringLiteral("select-only")));
        got.watch(&engine);
        engine.start();
        QTRY_COMPARE_WITH_TIMEOUT(got.finished.size(), 1, 15000);
        const auto r = got.finished.first();
        checkConsistent(r);
        QCOMPARE(got.seconds.size(), 3);
        QCOMPARE(r.seconds.size(), 3);
        QVERIFY2(r.transactions > 300, qPrintable(QString::number(r.transactions)));
        QCOMPARE(r.errors, 0);
        QCOMPARE(r.statements, r.transactions); // one statement per select-only run
        QCOMPARE(r.maxActiveUsers, 4);
        QCOMPARE(r.protocol, QStringLiteral("prepared"));
        QCOMPARE(r.stopReason, QStringLiteral("duration"));
        QVERIFY(r.durationSec > 2.9 && r.durationSec < 3.5);
        QCOMPARE(r.perStatement.size(), 1);
        QCOMPARE(r.perStatement.first().count, r.statements);
        QCOMPARE(r.perStatement.first().line, 3);
        QVERIFY(r.latency.p50Ms > 0);
        // :scale was found in pgbench_branches (scale 1 -> aid within 100,000); nothing errored.
        const auto first = got.seconds.first();
        QCOMPARE(first.second, 1);
    }

    void connectFirstAndLowPriority()
    {
        // connectFirst: the users that start at once are connected and prepared before the clock
        // (as pgbench's clients), the ones spawned later the ordinary way; lowPriority: the
        // engine's threads run at nice 10 (Linux keeps a nice value per thread).
        EngineOptions o = primaryOptions(4, 3);
        o.spawnRate = 2; // users at 0, 0.5, 1.0 and 1.5 s: one connected first, three later
        o.connectFirst = true;
        o.lowPriority = true;
        Delivered got; // before the engine: destroyed after it
        LoadEngine engine(o, builtin(QStringLiteral("select-only")));
        got.watch(&engine);
        engine.start();
        const auto niceThreads = [] {
            int n = 0;
            const QStringList tasks
                = QDir(QStringLiteral("/proc/self/task")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
            for (const QString& t : tasks) {
                QFile f(QStringLiteral("/proc/self/task/%1/stat").arg(t));
                if (!f.open(QIODevice::ReadOnly))
                    continue;
                // Field 19 is the nice value; the command name (field 2) is in parentheses.
                const QByteArray stat = f.readAll();
                const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
                if (fields.size() > 16 && fields[16].toInt() == 10)
                    ++n;
            }
            return n;
        };
        // The collector and both workers.
        QTRY_VERIFY_WITH_TIMEOUT(niceThreads() >= 3 || !got.finished.isEmpty(), 10000);
        QVERIFY2(got.finished.isEmpty(), "the run ended before its threads were seen");
        QCOMPARE(niceThreads(), 3);
        QTRY_COMPARE_WITH_TIMEOUT(got.finished.size(), 1, 15000);
        const auto r = got.finished.first();
        checkConsistent(r);
        QCOMPARE(r.errors, 0);
        QCOMPARE(r.maxActiveUsers, 4);
        QCOMPARE(r.protocol, QStringLiteral("prepared"));
        QVERIFY(r.transactions > 0);
        // The first user was connected before the clock; the one at 0.5 s normally joins it.
        QVERIFY(got.seconds.first().activeUsers >= 1 && got.seconds.first().activeUsers <= 2);
        QCOMPARE(got.seconds.last().activeUsers, 4);
        QTRY_COMPARE_WITH_TIMEOUT(niceThreads(), 0, 5000); // the engine's threads have ended
    }

    void stopEndsPromptly()
    {
        Delivered got; // before the engine: destroyed after it
        LoadEngine engine(primaryOptions(6, 60), builtin(QStringLiteral("tpcb-like")));
        got.watch(&engine);
        engine.start();
        QTRY_VERIFY_WITH_TIMEOUT(got.seconds.size() >= 1, 10000);
        QElapsedTimer t;
        t.start();
        engine.stop();
        QTRY_COMPARE_WITH_TIMEOUT(got.finished.size(), 1, 5000);
        QVERIFY2(t.elapsed() < 2000, qPrintable(QString::number(t.elapsed())));
        const auto r = got.finished.first();
        checkConsistent(r);
        QCOMPARE(r.stopReason, QStringLiteral("stopped"));
        QVERIFY(r.transactions > 0);
        // Every session of the run is gone.
        pg::Connection c;
        pg::ConnectOptions o;
        o.conninfo = m_primary;
        QVERIFY(c.open(o));
        QTRY_COMPARE_WITH_TIMEOUT(
            c.exec(QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'vigil-loadtest'"))
                .toInt64(0, 0),
            qint64(0), 5000);
    }

    void tradingThroughPgbouncerSimpleProtocol()
    {
        EngineOptions o;
        o.conninfo = m_bouncer;
        o.targetName = QStringLiteral("pgbouncer");
        o.protocol = Protocol::Simple;
        o.users = 8;
        o.durationSec = 3;
        LoadEngine engine(o, builtin(QStringLiteral("trading")));
        const RunResult r = engine.run();
        checkConsistent(r);
        QVERIFY2(r.errors == 0, qPrintable(r.messages.join(QLatin1Char('\n'))));
        QVERIFY(r.transactions > 50);
        QVERIFY(r.statements > r.transactions); // the mix has 1-5 statements a run
        QCOMPARE(r.perStatement.size(), 7); // BEGIN and END are statements too
    }

    void fiveHundredUsersThroughPgbouncer()
    {
        // Each user records its client_id, so "all users ran" is checked on the server.
        pg::Connection c;
        pg::ConnectOptions co;
        co.conninfo = m_primary;
        QVERIFY(c.open(co));
        QVERIFY(c.execSimple(QStringLiteral("DROP TABLE IF EXISTS vigil_loadtest_users; "
                                            "CREATE UNLOGGED TABLE vigil_loadtest_users (client_id int PRIMARY KEY)"))
                    .ok());
        EngineOptions o;
        o.conninfo = m_bouncer;
        o.targetName = QStringLiteral("pgbouncer");
        o.protocol = Protocol::Simple;
        o.users = 500;
        o.spawnRate = 250; // two seconds of ramp
        o.durationSec = 8;
        o.connectTimeoutSec = 10;
        LoadEngine engine(o,
                          script("INSERT INTO vigil_loadtest_users VALUES (:client_id) ON CONFLICT DO NOTHING;\n"
                                 "SELECT id, symbol FROM instruments WHERE id = 1 + :client_id % 50;\n"
                                 "\\sleep 20 ms\n"));
        const RunResult r = engine.run();
        c.execSimple(QStringLiteral("SELECT 1")); // keep the session alive across the run
        checkConsistent(r);
        QVERIFY2(r.errors == 0, qPrintable(r.messages.join(QLatin1Char('\n'))));
        QCOMPARE(r.maxActiveUsers, 500);
        QCOMPARE(r.seconds.last().activeUsers, 500);
        QCOMPARE(r.seconds.first().targetUsers, 250);
        const pg::Result seen = c.exec(QStringLiteral("SELECT count(*) FROM vigil_loadtest_users"));
        QCOMPARE(seen.toInt64(0, 0), qint64(500));
        qInfo("500 users: %lld transactions, %.0f tps, p95 %.1f ms", r.transactions, r.tps, r.latency.p95Ms);
        QVERIFY(c.execSimple(QStringLiteral("DROP TABLE vigil_loadtest_users")).ok());
    }

    void terminatedSessionsAreCountedAndUsersReconnect()
    {
        Delivered got; // before the engine: destroyed after it
        LoadEngine engine(primaryOptions(6, 5), builtin(QStringLiteral("select-only")));
        got.watch(&engine);
        engine.start();
        QTRY_VERIFY_WITH_TIMEOUT(got.seconds.size() >= 2, 10000);
        pg::Connection c;
        pg::ConnectOptions o;
        o.conninfo = m_primary;
        QVERIFY(c.open(o));
        const pg::Result killed
            = c.exec(QStringLiteral("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                    "WHERE application_name = 'vigil-loadtest' AND datname = 'vigil_loadtest'"));
        QCOMPARE(killed.toInt64(0, 0), qint64(6));
        QTRY_COMPARE_WITH_TIMEOUT(got.finished.size(), 1, 15000);
        const auto r = got.finished.first();
        checkConsistent(r);
        QCOMPARE(r.stopReason, QStringLiteral("duration"));
        QVERIFY2(r.errors >= 6 && r.errors <= 12, qPrintable(QString::number(r.errors)));
        QVERIFY2(r.errorsBySqlstate.value(QStringLiteral("57P01")) + r.errorsBySqlstate.value(QStringLiteral("08006"))
                     == r.errors,
                 qPrintable(QStringList(r.errorsBySqlstate.keys()).join(QLatin1Char(','))));
        // The users came back: the last second ran at full strength again.
        QVERIFY(r.seconds.last().transactions > 0);
        QCOMPARE(r.seconds.last().activeUsers, 6);
    }

    void deadServerEndsTheRunWithErrors()
    {
        auto server = std::make_unique<test::TempPostgres>();
        QVERIFY2(server->isRunning(), qPrintable(server->error()));
        EngineOptions o;
        o.conninfo = server->conninfo();
        o.targetName = QStringLiteral("temp");
        o.users = 4;
        o.durationSec = 8;
        o.connectTimeoutSec = 2;
        Delivered got; // before the engine: destroyed after it
        LoadEngine engine(o, script("\\set n random(1, 1000)\nSELECT :n + 1;\n"));
        got.watch(&engine);
        QElapsedTimer t;
        t.start();
        engine.start();
        QTRY_VERIFY_WITH_TIMEOUT(got.seconds.size() >= 1, 10000);
        server.reset(); // stops the server and removes it
        const double downAt = double(t.elapsed()) / 1000.0;
        QVERIFY2(downAt < 6, qPrintable(QStringLiteral("stopping the server took until %1 s").arg(downAt)));
        QTRY_COMPARE_WITH_TIMEOUT(got.finished.size(), 1, 15000);
        QVERIFY2(t.elapsed() < 12000, qPrintable(QString::number(t.elapsed())));
        const auto r = got.finished.first();
        checkConsistent(r);
        QCOMPARE(r.stopReason, QStringLiteral("duration"));
        QVERIFY(r.transactions > 0);
        QVERIFY(r.errors >= 4);
        // Shutdown (57P01/57P02), lost connections (08006) and refused reconnects (08001) only.
        for (auto it = r.errorsBySqlstate.cbegin(); it != r.errorsBySqlstate.cend(); ++it)
            QVERIFY2(QStringList({"57P01", "57P02", "08006", "08001"}).contains(it.key()), qPrintable(it.key()));
        QVERIFY(r.errorsBySqlstate.value(QStringLiteral("08001")) > 0);
        // The run's clock starts after t, so second s (covering [s-1, s) of the run) is wholly
        // after the server went away when s - 1 >= downAt: nobody connected, nothing done.
        int checked = 0;
        for (const LoadSecond& s : r.seconds)
            if (s.second - 1 >= downAt) {
                QCOMPARE(s.activeUsers, 0);
                QCOMPARE(s.transactions, qint64(0));
                ++checked;
            }
        QVERIFY(checked >= 2);
    }

    void scriptErrorAtRunTimeStopsThatUser()
    {
        // User 1 divides by zero on its first run: pgbench aborts such a client, so do we.
        LoadEngine engine(primaryOptions(2, 3), script("\\set d 1 / (2 - :client_id % 2 - 1)\nSELECT 1;\n"));
        const RunResult r = engine.run();
        QVERIFY(r.ok);
        QCOMPARE(r.errorsBySqlstate.value(QStringLiteral("VLS01")), qint64(1)); // client 0: 1/(2-0-1)=1, 1: 1/0
        QVERIFY(r.messages.join(QLatin1Char(' ')).contains(QLatin1String("test.sql:1: division by zero")));
        QVERIFY(r.transactions > 0); // the other user went on
    }

    void cliJsonAndReport()
    {
        QTemporaryDir dir;
        const QString report = dir.filePath(QStringLiteral("run.html"));
        const Cli r = vigil({"loadtest", "--sandbox-dir", test::sandboxDir(), "--users", "3", "--duration", "2",
                             "--builtin", "select-only", "--dbname", kDatabase, "--json", "--report", report});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject j = QJsonDocument::fromJson(r.out).object();
        for (const char* key : {"requests", "errors", "rps", "latency_ms", "errors_by_sqlstate", "breaking_point"})
            QVERIFY2(j.contains(QLatin1String(key)), key);
        QVERIFY(j.value("requests").toInteger() > 100);
        QCOMPARE(j.value("errors").toInteger(), 0);
        QVERIFY(j.value("rps").toDouble() > 50);
        const QJsonObject lat = j.value("latency_ms").toObject();
        for (const char* key : {"avg", "p50", "p95", "p99", "max"})
            QVERIFY2(lat.value(QLatin1String(key)).toDouble() > 0, key);
        QVERIFY(j.value("breaking_point").isNull());
        QCOMPARE(j.value("protocol").toString(), QStringLiteral("prepared"));
        QFile html(report);
        QVERIFY(html.open(QIODevice::ReadOnly));
        const QByteArray page = html.readAll();
        QVERIFY(page.contains("<svg"));
        QVERIFY(page.contains(">Latency<") && page.contains(">Virtual users<"));
        QVERIFY(!page.contains(">Monitored database<")); // the CLI watches no database
        QVERIFY(page.contains("Per-second table"));
        QVERIFY(!page.contains("http://") || page.contains("xmlns='http://www.w3.org/2000/svg'"));
    }

    void cliThroughPgbouncerDefaultsToSimple()
    {
        const Cli r = vigil({"loadtest", "--sandbox-dir", test::sandboxDir(), "--users", "4", "--duration", "2",
                             "--builtin", "trading", "--via", "pgbouncer", "--json", "--quiet"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject j = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(j.value("protocol").toString(), QStringLiteral("simple"));
        QCOMPARE(j.value("target").toString(), QStringLiteral("pgbouncer"));
        QCOMPARE(j.value("errors").toInteger(), 0);
    }

    void cliSyntaxErrorHasFileAndLine()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("broken.sql"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("\\set aid random(1, 100000)\nSELECT 1;\n\\set bad random(1, \n");
        f.close();
        const Cli r = vigil(
            {"loadtest", "--sandbox-dir", test::sandboxDir(), "--users", "1", "--duration", "1", "--workload", path});
        QCOMPARE(r.code, 2);
        VERIFY_CONTAINS(QString::fromUtf8(r.err), QStringLiteral("broken.sql:3: syntax error in expression"));
    }

    void cliGateAndAudit()
    {
        // A load test changes the server's load: read-only profiles refuse it, production profiles
        // need the name typed, and every attempt is in the audit log.
        QTemporaryDir home;
        const QString conninfo = m_primary;
        QJsonArray profiles;
        for (const auto& [name, flag] : {std::pair {"ro-load", "read_only"}, std::pair {"prod-load", "production"}})
            profiles.append(
                QJsonObject {{"name", name},
                             {"postgres", QJsonArray {QJsonObject {{"name", "pg1"}, {"conninfo", conninfo}}}},
                             {flag, true}});
        const QString file = home.filePath(QStringLiteral("profiles.json"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QJsonDocument(QJsonObject {{"profiles", profiles}}).toJson());
        f.close();
        QCOMPARE(vigil({"profile", "import", file}, 30000, home.path()).code, 0);
        const QStringList run {"loadtest",  "--users",     "1",        "--duration", "1",
                               "--builtin", "select-only", "--dbname", kDatabase,    "--quiet"};
        const Cli ro = vigil(QStringList {run} << "--profile"
                                               << "ro-load",
                             30000, home.path());
        QCOMPARE(ro.code, 1);
        VERIFY_CONTAINS(QString::fromUtf8(ro.err), QStringLiteral("refused: profile ro-load is read-only"));
        const Cli unconfirmed = vigil(QStringList {run} << "--profile"
                                                        << "prod-load",
                                      30000, home.path());
        QCOMPARE(unconfirmed.code, 1);
        VERIFY_CONTAINS(QString::fromUtf8(unconfirmed.err), QStringLiteral("--confirm-profile prod-load"));
        const Cli confirmed = vigil(QStringList {run} << "--profile"
                                                      << "prod-load"
                                                      << "--confirm-profile"
                                                      << "prod-load",
                                    30000, home.path());
        QVERIFY2(confirmed.code == 0, confirmed.err.constData());
        VERIFY_CONTAINS(QString::fromUtf8(confirmed.out), QStringLiteral("ended by: duration"));

        store::LocalStore local(home.path() + QStringLiteral("/data/Vigil/vigil/vigil.sqlite"));
        const QList<store::AuditRecord> records = store::AuditLog(&local).list();
        QCOMPARE(records.size(), 3);
        QCOMPARE(records[0].state, store::AuditRecord::State::Ok); // newest first
        QCOMPARE(records[0].entry.action, QStringLiteral("loadtest"));
        VERIFY_CONTAINS(records[0].entry.command, QStringLiteral("workload=select-only users=1"));
        QCOMPARE(records[1].state, store::AuditRecord::State::Refused);
        QCOMPARE(records[2].state, store::AuditRecord::State::Refused);
    }

    void cliStressScenarioReportsBreakingPoint()
    {
        // A scenario file with an SLO no server meets: the first step is the breaking point and
        // the run stops there.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("tiny-stress.json"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"name": "tiny-stress", "users": 4, "spawn_rate": 0, "step_users": 2, "step_s": 2,
                    "duration_s": 20, "workload": "select-only", "slo_p95_ms": 0.001,
                    "stop_at_breaking_point": true})");
        f.close();
        QElapsedTimer t;
        t.start();
        const Cli r = vigil({"loadtest", "--sandbox-dir", test::sandboxDir(), "--scenario", path, "--dbname", kDatabase,
                             "--json", "--quiet"});
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY(t.elapsed() < 10000);
        const QJsonObject j = QJsonDocument::fromJson(r.out).object();
        const QJsonObject bp = j.value("breaking_point").toObject();
        QCOMPARE(bp.value("second").toInt(), 2);
        QCOMPARE(bp.value("users").toInt(), 2);
        VERIFY_CONTAINS(bp.value("reason").toString(), QStringLiteral("SLO"));
        VERIFY_CONTAINS(j.value("stop_reason").toString(), QStringLiteral("breaking point"));
    }
};

QTEST_GUILESS_MAIN(TestLoadTest)
#include "tst_loadtest.moc"
