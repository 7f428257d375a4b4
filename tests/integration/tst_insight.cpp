// Query insight against the live sandbox: statement types from the real parser and call counts
// equal to pg_stat_statements read directly; texts fetched once per queryid; slow running
// statements seen; cache figures; and a clear explanation, with the fixing SQL, for a missing
// extension, an extension not created in the database, and a role without monitoring rights.
#include "monitor/activity.h"
#include "monitor/cachestats.h"
#include "monitor/statements.h"
#include "pg/pgconnection.h"
#include "temppostgres.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QSet>
#include <QTest>
#include <QtConcurrent>

using namespace vigil;

class TestInsight : public QObject
{
    Q_OBJECT
private:
    QString m_primary;

    pg::ConnectOptions opts(const QString& conninfo, const QString& appName = QStringLiteral("vigil-test"))
    {
        pg::ConnectOptions o;
        o.conninfo = conninfo;
        o.applicationName = appName;
        o.statementTimeoutMs = 30000;
        return o;
    }

    static const StatementEntry* find(const StatementsSnapshot& s, const QString& needle)
    {
        for (const StatementEntry& e : s.entries)
            if (e.text && e.text->contains(needle))
                return &e;
        return nullptr;
    }

    static std::shared_ptr<StatementsSnapshot> poll(StatementsTask& task, pg::Connection& conn)
    {
        return std::static_pointer_cast<StatementsSnapshot>(task.run(conn));
    }

private Q_SLOTS:
    void initTestCase() { m_primary = test::sandboxProfile().pgNodes.first().conninfo; }

    void typesAndCallsMatchPgStatStatements()
    {
        pg::Connection app;
        QVERIFY(app.open(opts(m_primary, QStringLiteral("insight-test"))));
        QVERIFY(app.exec(QStringLiteral("DROP TABLE IF EXISTS vigil_insight_copy")).ok());
        QVERIFY(app.exec(QStringLiteral("CREATE TABLE vigil_insight_copy (id bigint, symbol text)")).ok());
        // Three statements that fool a prefix match: a commented UPDATE, a CTE SELECT, INSERT ... SELECT.
        const QString update = QStringLiteral("/* app: settle */ UPDATE accounts SET balance = balance WHERE id = $1");
        const QString cte = QStringLiteral("WITH busy AS (SELECT instrument_id FROM trades WHERE id = $1) "
                                           "SELECT count(*) AS vigil_insight_cte FROM busy");
        const QString insertSelect = QStringLiteral("INSERT INTO vigil_insight_copy SELECT id, symbol FROM trades "
                                                    "WHERE id = $1");
        for (int i = 0; i < 3; ++i)
            QVERIFY(app.exec(update, {i + 1}).ok());
        for (int i = 0; i < 4; ++i)
            QVERIFY(app.exec(cte, {i + 1}).ok());
        for (int i = 0; i < 5; ++i)
            QVERIFY(app.exec(insertSelect, {i + 1}).ok());

        pg::Connection monitor;
        QVERIFY(monitor.open(opts(m_primary, QStringLiteral("vigil"))));
        StatementsTask task;
        auto first = poll(task, monitor);
        QVERIFY2(first->ok, qPrintable(first->error));
        QVERIFY(first->newTexts > 0);
        QVERIFY(!hasValue(first->elapsedSec)); // no rates from a single sample

        // Calls equal pg_stat_statements read directly, for each statement.
        const pg::Result direct = monitor.exec(QStringLiteral(
            "SELECT queryid, calls, query FROM pg_stat_statements WHERE query LIKE '%accounts SET balance%' "
            "OR query LIKE '%vigil_insight_cte%' OR query LIKE '%INSERT INTO vigil_insight_copy%'"));
        QVERIFY(direct.ok());
        QCOMPARE(direct.rows(), 3);
        for (int i = 0; i < direct.rows(); ++i) {
            const StatementEntry* e = nullptr;
            for (const StatementEntry& x : first->entries)
                if (x.key.queryId == direct.toInt64(i, 0))
                    e = &x;
            QVERIFY(e);
            QCOMPARE(e->calls, direct.toInt64(i, 1));
            QCOMPARE(*e->text, direct.text(i, 2));
        }
        const StatementEntry* u = find(*first, QStringLiteral("accounts SET balance"));
        const StatementEntry* c = find(*first, QStringLiteral("vigil_insight_cte"));
        const StatementEntry* ins = find(*first, QStringLiteral("INSERT INTO vigil_insight_copy"));
        QVERIFY(u && c && ins);
        QCOMPARE(u->kind, StatementKind::Update);
        QCOMPARE(c->kind, StatementKind::Select);
        QCOMPARE(ins->kind, StatementKind::Insert);
        QCOMPARE(u->calls, 3);
        QCOMPARE(c->calls, 4);
        QCOMPARE(ins->calls, 5);
        QVERIFY(!u->vigil);
        QCOMPARE(u->database, QStringLiteral("trading"));
        QCOMPARE(u->user, QStringLiteral("postgres"));

        // Vigil's own polls are there, and marked.
        bool ownSeen = false;
        for (const StatementEntry& e : first->entries)
            ownSeen |= e.vigil;
        QVERIFY(ownSeen);

        // Second poll: rates over the measured interval, and no text fetched again for known ids.
        for (int i = 0; i < 10; ++i)
            QVERIFY(app.exec(update, {i + 1}).ok());
        QTest::qWait(500);
        auto second = poll(task, monitor);
        QVERIFY(second->ok);
        QVERIFY(hasValue(second->elapsedSec) && second->elapsedSec > 0.4);
        const StatementEntry* u2 = find(*second, QStringLiteral("accounts SET balance"));
        QCOMPARE(u2->calls, 13);
        QVERIFY(hasValue(u2->callsPerSec));
        QCOMPARE(u2->callsPerSec, 10.0 / second->elapsedSec);
        QVERIFY(u2->text == u->text); // the same shared text: not fetched again
        // Texts fetched only for queryids the first poll did not have (Vigil's own first-poll statements).
        QSet<qint64> before, after;
        for (const StatementEntry& e : first->entries)
            before.insert(e.key.queryId);
        for (const StatementEntry& e : second->entries)
            if (!before.contains(e.key.queryId))
                after.insert(e.key.queryId);
        QCOMPARE(second->newTexts, int(after.size()));
        QVERIFY(second->bytesFetched < first->bytesFetched);
        QVERIFY(app.exec(QStringLiteral("DROP TABLE vigil_insight_copy")).ok());
    }

    void runningStatementOverThresholdIsSeen()
    {
        const QString conninfo = m_primary;
        auto sleeper = QtConcurrent::run([conninfo] {
            pg::Connection c;
            pg::ConnectOptions o;
            o.conninfo = conninfo;
            o.applicationName = QStringLiteral("insight-sleeper");
            o.statementTimeoutMs = 10000;
            if (!c.open(o))
                return false;
            return c.exec(QStringLiteral("SELECT pg_sleep(1.6)")).ok();
        });
        pg::Connection monitor;
        QVERIFY(monitor.open(opts(m_primary, QStringLiteral("vigil"))));
        ActivityTask task(1000);
        QElapsedTimer t;
        t.start();
        const RunningStatement* seen = nullptr;
        std::shared_ptr<ActivitySnapshot> a;
        while (!seen && t.elapsed() < 1600) {
            a = std::static_pointer_cast<ActivitySnapshot>(task.run(monitor));
            QVERIFY2(a->ok, qPrintable(a->error));
            for (const RunningStatement& r : a->running)
                if (r.application == QLatin1String("insight-sleeper"))
                    seen = &r;
            if (!seen)
                QTest::qWait(100);
        }
        QVERIFY2(seen, "pg_sleep over the threshold was not seen");
        QVERIFY(seen->durationMs >= 1000);
        QVERIFY(seen->query.contains(QStringLiteral("pg_sleep")));
        QVERIFY(seen->queryStart.isValid());
        for (const RunningStatement& r : a->running)
            QVERIFY(r.application != QLatin1String("vigil")); // never our own sessions
        QVERIFY(sleeper.result());
    }

    void cacheFigures()
    {
        pg::Connection monitor;
        QVERIFY(monitor.open(opts(m_primary, QStringLiteral("vigil"))));
        CacheStatsTask task;
        auto first = std::static_pointer_cast<CacheSnapshot>(task.run(monitor));
        QVERIFY2(first->ok, qPrintable(first->error));
        QCOMPARE(first->currentDatabase, QStringLiteral("trading"));
        QVERIFY(!first->databases.isEmpty());
        QVERIFY(!first->tables.isEmpty());
        bool trades = false;
        for (const CacheRow& r : first->tables)
            trades |= r.name == QLatin1String("trades");
        QVERIFY(trades);
        // Equal to the server's own view at (nearly) the same moment: lifetime counters only grow.
        const pg::Result direct = monitor.exec(
            QStringLiteral("SELECT blks_hit, blks_read FROM pg_stat_database WHERE datname = 'trading'"));
        for (const CacheRow& db : first->databases)
            if (db.name == QLatin1String("trading")) {
                QVERIFY(db.hit <= direct.toInt64(0, 0));
                QVERIFY(db.hit > 0);
            }
    }

    void extensionNotCreatedSaysHowToFix()
    {
        pg::Connection admin;
        QVERIFY(admin.open(opts(m_primary)));
        admin.execSimple(QStringLiteral("DROP DATABASE IF EXISTS vigil_noext"));
        QVERIFY(admin.execSimple(QStringLiteral("CREATE DATABASE vigil_noext")).ok());
        pg::ConnectOptions o = opts(m_primary, QStringLiteral("vigil"));
        o.database = QStringLiteral("vigil_noext");
        {
            pg::Connection c;
            QVERIFY(c.open(o));
            StatementsTask task;
            auto s = poll(task, c);
            QVERIFY(!s->ok);
            QVERIFY2(s->error.contains(QStringLiteral("not created in database vigil_noext")), qPrintable(s->error));
            QCOMPARE(s->findings.size(), 1);
            QCOMPARE(s->findings.first().fixSql, QStringLiteral("CREATE EXTENSION pg_stat_statements;"));
        }
        QVERIFY(admin.execSimple(QStringLiteral("DROP DATABASE vigil_noext")).ok());
    }

    void roleWithoutMonitoringRights()
    {
        pg::Connection admin;
        QVERIFY(admin.open(opts(m_primary)));
        admin.exec(QStringLiteral("DROP ROLE IF EXISTS vigil_nomon"));
        QVERIFY(admin.exec(QStringLiteral("CREATE ROLE vigil_nomon LOGIN")).ok());
        {
            pg::Connection c;
            QVERIFY(c.open(opts(m_primary + QStringLiteral(" user=vigil_nomon"), QStringLiteral("vigil"))));
            StatementsTask task;
            auto s = poll(task, c);
            QVERIFY2(s->ok, qPrintable(s->error)); // figures still come; texts of others do not
            bool found = false;
            for (const Finding& f : s->findings)
                found |= f.fixSql == QStringLiteral("GRANT pg_read_all_stats TO \"vigil_nomon\";");
            QVERIFY(found);
        }
        QVERIFY(admin.exec(QStringLiteral("DROP ROLE vigil_nomon")).ok());
    }

    void extensionNotLoadedSaysRestart()
    {
        test::TempPostgres plain; // default settings: nothing preloaded
        QVERIFY2(plain.isRunning(), qPrintable(plain.error()));
        pg::Connection c;
        QVERIFY(c.open(opts(plain.conninfo(), QStringLiteral("vigil"))));
        StatementsTask task;
        auto s = poll(task, c);
        QVERIFY(!s->ok);
        QVERIFY2(s->error.contains(QStringLiteral("shared_preload_libraries")), qPrintable(s->error));
        QCOMPARE(s->findings.size(), 1);
        QVERIFY(s->findings.first().fixSql.startsWith(
            QStringLiteral("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements';")));
        QVERIFY(s->findings.first().message.contains(QStringLiteral("restart")));
    }
};

QTEST_GUILESS_MAIN(TestInsight)
#include "tst_insight.moc"
