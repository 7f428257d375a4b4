// Index advisor against the live sandbox: the trades lookups of the sandbox workload (by symbol,
// by status, by account and day), run here a few times, must come back as recommendations whose
// costs the planner measured with HypoPG; columns nobody filters on never lead one; a real index
// on trades(symbol) takes (symbol) out of the advice; the session is left clean.
#include "analysis/indexadvisor.h"
#include "monitor/statements.h"
#include "pg/pgconnection.h"
#include "testsupport.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QTest>

using namespace vigil;
using namespace vigil::analysis;

namespace {

// The sandbox workload's expensive lookups (app/sandbox/workload.cpp), same texts.
const QString kBySymbol = QStringLiteral("SELECT id, account_id, side, quantity, price, status, created_at FROM trades "
                                         "WHERE symbol = $1 ORDER BY created_at DESC LIMIT 50");
const QString kByStatus = QStringLiteral("SELECT id, account_id, symbol, quantity, price, created_at FROM trades "
                                         "WHERE status = $1 ORDER BY created_at DESC LIMIT 100");
const QString kByAccountDay = QStringLiteral("SELECT id, symbol, side, quantity, price, status FROM trades "
                                             "WHERE account_id = $1 AND created_at >= $2 AND created_at < $3 "
                                             "ORDER BY created_at");
// A join whose inner side has no index on its key: one order's trades.
const QString kJoin
    = QStringLiteral("SELECT o.id, t.price, t.quantity FROM orders o JOIN trades t ON t.order_id = o.id "
                     "WHERE o.id = $1");
// A function over the column: no b-tree index on symbol can serve it, the plan stays a seq scan.
const QString kSeqScan = QStringLiteral("SELECT count(*) FROM trades WHERE lower(symbol) = $1");
const QString kRealIndex = QStringLiteral("vigil_test_advisor_trades_symbol");

} // namespace

class TestIndexAdvisor : public QObject
{
    Q_OBJECT
private:
    QString m_primary;

    pg::ConnectOptions opts(const QString& appName)
    {
        pg::ConnectOptions o;
        o.conninfo = m_primary;
        o.applicationName = appName;
        o.statementTimeoutMs = 60000;
        return o;
    }

    QList<StatementEntry> workload(pg::Connection& monitor)
    {
        StatementsTask task;
        auto snap = std::static_pointer_cast<StatementsSnapshot>(task.run(monitor));
        if (!snap->ok)
            qWarning() << "statements:" << snap->error;
        return snap->entries;
    }

    static const IndexRecommendation* find(const AdvisorResult& r, const QStringList& cols)
    {
        for (const IndexRecommendation& rec : r.recommendations)
            if (rec.table == QLatin1String("public.trades") && rec.columns == cols)
                return &rec;
        return nullptr;
    }
    static const IndexRecommendation* leading(const AdvisorResult& r, const QString& col)
    {
        for (const IndexRecommendation& rec : r.recommendations)
            if (rec.table == QLatin1String("public.trades") && rec.columns.first() == col)
                return &rec;
        return nullptr;
    }

    static bool hasCandidate(const QList<IndexCandidate>& cands, const QStringList& cols)
    {
        for (const IndexCandidate& c : cands)
            if (c.schema == QLatin1String("public") && c.table == QLatin1String("trades") && c.columns == cols)
                return !c.queryIds.isEmpty();
        return false;
    }

    static void dump(const AdvisorResult& r, qint64 ms)
    {
        qInfo("advisor: %d statements, %d candidates tried, %d recommendations, %lld ms", r.statementsAnalyzed,
              r.candidatesTried, int(r.recommendations.size()), ms);
        for (const IndexRecommendation& rec : r.recommendations)
            qInfo("  %s %s (%s): %.0f -> %.0f (-%.1f %%), %lld bytes, %d stmts; %s\n    %s", qPrintable(rec.priority),
                  qPrintable(rec.table), qPrintable(rec.columns.join(QLatin1Char(','))), rec.costBefore, rec.costAfter,
                  rec.estimatedImprovementPct, rec.estimatedSizeBytes, int(rec.affectedQueryIds.size()),
                  qPrintable(rec.reason), qPrintable(rec.sql));
    }

    // What must hold for every recommendation, whatever the workload.
    static void checkWellFormed(const AdvisorResult& r)
    {
        for (const IndexRecommendation& rec : r.recommendations) {
            if (rec.type == QLatin1String("QUERY_OPTIMIZATION")) {
                QVERIFY(rec.sql.isEmpty() && rec.affectedQueryIds.size() == 1 && rec.costBefore > 0);
                continue;
            }
            QCOMPARE(rec.type, QStringLiteral("INDEX"));
            QVERIFY(rec.priority == QLatin1String("HIGH") || rec.priority == QLatin1String("MEDIUM")
                    || rec.priority == QLatin1String("LOW"));
            QVERIFY(!rec.columns.isEmpty() && rec.columns.size() <= 3);
            QVERIFY2(rec.costBefore > rec.costAfter, qPrintable(rec.reason));
            QVERIFY(rec.costAfter > 0); // a measured plan cost, never a placeholder
            QVERIFY(rec.estimatedImprovementPct >= kMinImprovementPct);
            QVERIFY(rec.estimatedSizeBytes > 0);
            QVERIFY(!rec.affectedQueryIds.isEmpty());
            QVERIFY(rec.indexName.toUtf8().size() <= 63);
            QVERIFY(rec.indexName.startsWith(QLatin1String("vigil_")));
            QVERIFY(rec.sql.startsWith(
                QStringLiteral("CREATE INDEX CONCURRENTLY IF NOT EXISTS \"%1\" ON ").arg(rec.indexName)));
            QVERIFY(rec.reason.contains(QLatin1String("cost ")));
            // Nothing the workload never filters or sorts on leads an index.
            QVERIFY2(rec.columns.first() != QLatin1String("price") && rec.columns.first() != QLatin1String("quantity")
                         && rec.columns.first() != QLatin1String("side"),
                     qPrintable(rec.columns.join(QLatin1Char(','))));
        }
    }

    // The SQL is valid and names the real table and columns: built for real inside a transaction
    // that is rolled back (CONCURRENTLY is not allowed in a transaction block, so it is removed).
    static void checkSqlRuns(pg::Connection& conn, const IndexRecommendation& rec)
    {
        QString sql = rec.sql;
        sql.replace(QLatin1String("CONCURRENTLY "), QString());
        QVERIFY(conn.execSimple(QStringLiteral("BEGIN")).ok());
        const pg::Result r = conn.execSimple(sql);
        conn.execSimple(QStringLiteral("ROLLBACK"));
        QVERIFY2(r.ok(), qPrintable(rec.sql + QStringLiteral(": ") + r.errorMessage()));
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_primary = test::sandboxProfile().pgNodes.first().conninfo;
        pg::Connection app;
        QVERIFY2(app.open(opts(QStringLiteral("advisor-test-app"))), qPrintable(app.lastError()));
        QVERIFY(app.exec(QStringLiteral("DROP INDEX IF EXISTS %1").arg(kRealIndex)).ok());
        // The workload's kinds of statements, a few times each, so pg_stat_statements has them.
        const QString symbol = app.exec(QStringLiteral("SELECT symbol FROM instruments WHERE id = 1")).text(0, 0);
        const QString account = app.exec(QStringLiteral("SELECT account_id FROM trades WHERE id = 1")).text(0, 0);
        const QDateTime to = QDateTime::currentDateTimeUtc();
        QElapsedTimer t;
        t.start();
        for (int i = 0; i < 3; ++i) {
            QVERIFY(app.exec(kBySymbol, {symbol}).ok());
            QVERIFY(app.exec(kByStatus, {QStringLiteral("PENDING")}).ok());
            const QDateTime from = to.addDays(-1 - i);
            QVERIFY(
                app.exec(kByAccountDay, {account, from.toString(Qt::ISODate), from.addDays(1).toString(Qt::ISODate)})
                    .ok());
            QVERIFY(app.exec(kJoin, {QString::number(1 + i)}).ok());
            QVERIFY(app.exec(kSeqScan, {symbol.toLower()}).ok());
        }
        qInfo("workload: 15 statements in %lld ms", t.elapsed());
    }

    void cleanupTestCase()
    {
        pg::Connection app;
        if (app.open(opts(QStringLiteral("advisor-test-app"))))
            app.exec(QStringLiteral("DROP INDEX IF EXISTS %1").arg(kRealIndex));
    }

    void indexName()
    {
        QCOMPARE(
            advisorIndexName(QStringLiteral("trades"), {QStringLiteral("account_id"), QStringLiteral("created_at")}),
            QStringLiteral("vigil_trades_account_id_created_at"));
        const QString longName = advisorIndexName(QString(40, QChar(0x00e9)), {QStringLiteral("c")});
        QVERIFY(longName.toUtf8().size() <= 63);
        QVERIFY(longName.toUtf8().size() >= 62); // cut on a character, not shorter than needed
    }

    void recommendsTheMissingIndexes()
    {
        pg::Connection monitor;
        QVERIFY(monitor.open(opts(QStringLiteral("vigil"))));
        const QList<StatementEntry> entries = workload(monitor);
        QVERIFY(!entries.isEmpty());

        pg::Connection conn;
        QVERIFY(conn.open(opts(QStringLiteral("vigil"))));

        // Candidates: every filtered or sorted column alone, and the composites equality-first.
        QString error;
        const QList<IndexCandidate> cands = indexCandidates(conn, entries, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        for (const QStringList& cols :
             QList<QStringList> {{QStringLiteral("symbol")},
                                 {QStringLiteral("status")},
                                 {QStringLiteral("account_id")},
                                 {QStringLiteral("created_at")},
                                 {QStringLiteral("symbol"), QStringLiteral("created_at")},
                                 {QStringLiteral("status"), QStringLiteral("created_at")},
                                 {QStringLiteral("account_id"), QStringLiteral("created_at")}})
            QVERIFY2(hasCandidate(cands, cols), qPrintable(cols.join(QLatin1Char(','))));
        QVERIFY(!hasCandidate(cands, {QStringLiteral("id")})); // the primary key leads with it
        for (const IndexCandidate& c : cands) {
            QVERIFY(c.columns.size() <= 3);
            QVERIFY(c.columns.first() != QLatin1String("price") && c.columns.first() != QLatin1String("quantity"));
            QVERIFY(c.table != QLatin1String("instruments")); // 50 rows: read whole, never indexed
        }

        int lastDone = -1, lastTotal = -1, calls = 0;
        std::atomic_bool cancel {false};
        QElapsedTimer t;
        t.start();
        const AdvisorResult r = adviseIndexes(conn, entries, &cancel, [&](int done, int total) {
            QVERIFY(done >= lastDone && done <= total);
            lastDone = done;
            lastTotal = total;
            ++calls;
        });
        const qint64 ms = t.elapsed();
        dump(r, ms);
        QVERIFY2(r.ok, qPrintable(r.error));
        QVERIFY(r.statementsAnalyzed >= 3);
        QVERIFY(r.candidatesTried >= 3);
        QVERIFY(calls > 1);
        QCOMPARE(lastDone, lastTotal);
        checkWellFormed(r);

        const IndexRecommendation* sym = leading(r, QStringLiteral("symbol"));
        QVERIFY2(sym, "no index leading with symbol");
        const IndexRecommendation* acct = find(r, {QStringLiteral("account_id"), QStringLiteral("created_at")});
        QVERIFY2(acct, "no (account_id, created_at)");
        // 'PENDING' is ~3 % of trades: HypoPG's plan uses an index on status.
        const IndexRecommendation* st = leading(r, QStringLiteral("status"));
        QVERIFY2(st, "no index leading with status");
        pg::Connection app;
        QVERIFY(app.open(opts(QStringLiteral("advisor-test-app"))));
        // The join key of the inner side, found from JOIN ... ON.
        const IndexRecommendation* join = leading(r, QStringLiteral("order_id"));
        QVERIFY2(join, "no index leading with order_id for the join");
        QVERIFY2(join->reason.contains(QLatin1String("JOIN ON order_id")), qPrintable(join->reason));
        for (const IndexRecommendation* rec : {sym, acct, st, join}) {
            QVERIFY(rec->estimatedImprovementPct > 50);
            // The detail pane's plans: the heaviest served statement, before and with the
            // hypothetical index (HypoPG names it "<oid>btree_...").
            QVERIFY(!rec->sampleSql.isEmpty() && rec->affectedQueryIds.contains(rec->sampleQueryId));
            QVERIFY2(!rec->planBefore.contains(QLatin1String("btree_")), qPrintable(rec->planBefore));
            QVERIFY2(rec->planAfter.contains(QLatin1String("btree_")), qPrintable(rec->planAfter));
            QVERIFY(rec->planBefore.contains(QLatin1String("cost=")));
            QCOMPARE(rec->sql.count(QLatin1Char('"')), 6 + 2 * int(rec->columns.size()));
            checkSqlRuns(app, *rec);
        }

        // lower(symbol) = $1: no candidate serves it and its plan reads all of trades.
        const IndexRecommendation* qo = nullptr;
        for (const IndexRecommendation& rec : r.recommendations)
            if (rec.type == QLatin1String("QUERY_OPTIMIZATION")
                && rec.sampleSql.contains(QLatin1String("lower(symbol)")))
                qo = &rec;
        QVERIFY2(qo, "no QUERY_OPTIMIZATION for the seq scan over trades");
        QCOMPARE(qo->table, QStringLiteral("public.trades"));
        QVERIFY(qo->costBefore > 10000); // measured: a whole-table read of 1,000,000 rows
        QVERIFY2(qo->reason.contains(QLatin1String("Seq Scan on public.trades")), qPrintable(qo->reason));
        QVERIFY(qo->planBefore.contains(QLatin1String("Seq Scan on trades")));

        // The session is left as it was found: no hypothetical index, not read-only, no statement.
        QCOMPARE(conn.exec(QStringLiteral("SELECT count(*) FROM hypopg_list_indexes")).toInt64(0, 0), 0);
        QCOMPARE(conn.exec(QStringLiteral("SHOW default_transaction_read_only")).text(0, 0), QStringLiteral("off"));
        QCOMPARE(conn.exec(QStringLiteral("SHOW plan_cache_mode")).text(0, 0), QStringLiteral("auto"));
        QCOMPARE(conn.exec(QStringLiteral("SELECT count(*) FROM pg_prepared_statements")).toInt64(0, 0), 0);
    }

    void cancelStopsEarly()
    {
        pg::Connection monitor;
        QVERIFY(monitor.open(opts(QStringLiteral("vigil"))));
        const QList<StatementEntry> entries = workload(monitor);
        pg::Connection conn;
        QVERIFY(conn.open(opts(QStringLiteral("vigil"))));
        std::atomic_bool cancel {false};
        int steps = 0;
        const AdvisorResult r = adviseIndexes(conn, entries, &cancel, [&](int done, int) {
            if (done >= 2)
                cancel = true;
            ++steps;
        });
        QVERIFY(!r.ok);
        QCOMPARE(r.error, QStringLiteral("cancelled"));
        QVERIFY(r.recommendations.isEmpty());
        QVERIFY(steps <= 4);
        QCOMPARE(conn.exec(QStringLiteral("SELECT count(*) FROM hypopg_list_indexes")).toInt64(0, 0), 0);
    }

    void existingIndexCoversSymbol()
    {
        pg::Connection app;
        QVERIFY(app.open(opts(QStringLiteral("advisor-test-app"))));
        QElapsedTimer t;
        t.start();
        QVERIFY(app.exec(QStringLiteral("CREATE INDEX %1 ON trades (symbol)").arg(kRealIndex)).ok());
        qInfo("real index on trades(symbol) built in %lld ms", t.elapsed());

        pg::Connection monitor;
        QVERIFY(monitor.open(opts(QStringLiteral("vigil"))));
        const QList<StatementEntry> entries = workload(monitor);
        pg::Connection conn;
        QVERIFY(conn.open(opts(QStringLiteral("vigil"))));
        QString error;
        const QList<IndexCandidate> cands = indexCandidates(conn, entries, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(!hasCandidate(cands, {QStringLiteral("symbol")})); // covered: not even tried
        QVERIFY(hasCandidate(cands, {QStringLiteral("symbol"), QStringLiteral("created_at")})); // not covered
        t.restart();
        const AdvisorResult r = adviseIndexes(conn, entries, nullptr, {});
        dump(r, t.elapsed());
        QVERIFY2(r.ok, qPrintable(r.error));
        checkWellFormed(r);
        QVERIFY2(!find(r, {QStringLiteral("symbol")}), "(symbol) recommended although a valid index has it");
        // The other advice does not depend on it.
        QVERIFY(find(r, {QStringLiteral("account_id"), QStringLiteral("created_at")}));
        QVERIFY(app.exec(QStringLiteral("DROP INDEX %1").arg(kRealIndex)).ok());
    }

    void missingHypopgIsExplained()
    {
        // The `postgres` database has no HypoPG: a clear error, not an empty result.
        pg::ConnectOptions o = opts(QStringLiteral("vigil"));
        o.database = QStringLiteral("postgres");
        pg::Connection conn;
        QVERIFY(conn.open(o));
        if (conn.exec(QStringLiteral("SELECT 1 FROM pg_extension WHERE extname = 'hypopg'")).rows() > 0)
            QSKIP("hypopg is installed in postgres too");
        const AdvisorResult r = adviseIndexes(conn, {}, nullptr, {});
        QVERIFY(!r.ok);
        QVERIFY2(r.error.contains(QLatin1String("CREATE EXTENSION hypopg")), qPrintable(r.error));
    }
};

QTEST_GUILESS_MAIN(TestIndexAdvisor)
#include "tst_indexadvisor.moc"
