// The query-insight models under QAbstractItemModelTester: keyed merges that insert, update and
// remove exactly what changed, numeric sort roles, filters, and the cache-candidate rule.
#include "analysis/cachecandidate.h"
#include "models/cachetablemodel.h"
#include "models/querypatternmodel.h"
#include "models/querypatternproxy.h"
#include "models/runningstatementmodel.h"
#include "models/slowhistorymodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace vigil;

namespace {
StatementEntry entry(qint64 id, StatementKind kind, qint64 calls, double meanMs, const QString& text, qint64 rows = 1,
                     double callsPerSec = kNoValue)
{
    StatementEntry e;
    e.key = {10, 20, id};
    e.kind = kind;
    e.calls = calls;
    e.meanMs = meanMs;
    e.totalMs = meanMs * double(calls);
    e.rows = rows;
    e.callsPerSec = callsPerSec;
    e.database = QStringLiteral("trading");
    e.user = QStringLiteral("app");
    e.text = std::make_shared<const QString>(text);
    e.vigil = text.contains(QLatin1String("/* vigil */"));
    return e;
}

StatementsSnapshot snapshot(const QList<StatementEntry>& entries)
{
    StatementsSnapshot s;
    s.ok = true;
    s.entries = entries;
    return s;
}
} // namespace

class TestInsightModels : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void patternMergeIsKeyed()
    {
        QueryPatternModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QueryPatternProxy proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);

        model.merge(snapshot({entry(1, StatementKind::Select, 10, 2.0, "SELECT 1"),
                              entry(2, StatementKind::Update, 5, 1500.0, "UPDATE t SET a = $1"),
                              entry(3, StatementKind::Select, 7, 1.0, "/* vigil */ SELECT now()")}));
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(proxy.rowCount(), 2); // Vigil's own hidden by default

        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        // id 1 unchanged, id 2 called again, id 3 gone (deallocated), id 4 new.
        model.merge(snapshot({entry(1, StatementKind::Select, 10, 2.0, "SELECT 1"),
                              entry(2, StatementKind::Update, 6, 1400.0, "UPDATE t SET a = $1"),
                              entry(4, StatementKind::Delete, 1, 3.0, "DELETE FROM t WHERE id = $1")}));
        QCOMPARE(reset.count(), 0);
        QCOMPARE(removed.count(), 1);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(model.rowCount(), 3);
        const int r2 = model.rowOf({10, 20, 2});
        QCOMPARE(model.index(r2, QueryPatternModel::CallsColumn).data(QueryPatternModel::SortRole).toDouble(), 6.0);
        QCOMPARE(model.index(r2, QueryPatternModel::TypeColumn).data().toString(), QStringLiteral("UPDATE"));
        QVERIFY(model.index(r2, 0).data(QueryPatternModel::SlowRole).toBool()); // 1400 ms > 1000 ms
        QCOMPARE(model.rowOf({10, 20, 3}), -1);

        // A failed poll keeps the last figures.
        StatementsSnapshot failed;
        failed.ok = false;
        model.merge(failed);
        QCOMPARE(model.rowCount(), 3);

        // Filters.
        proxy.setKind(int(StatementKind::Delete));
        QCOMPARE(proxy.rowCount(), 1);
        proxy.setKind(-1);
        proxy.setSlowOnly(true);
        QCOMPARE(proxy.rowCount(), 1);
        model.setSlowThresholdMs(2000);
        proxy.invalidate();
        QCOMPARE(proxy.rowCount(), 0);
        proxy.setSlowOnly(false);
        proxy.setText(QStringLiteral("set a"));
        QCOMPARE(proxy.rowCount(), 1);
        proxy.setText({});
        proxy.setDatabase(QStringLiteral("other"));
        QCOMPARE(proxy.rowCount(), 0);
        proxy.setDatabase({});

        // Numeric sort on the sort role, not the formatted text ("10" sorts after "6").
        proxy.setSortRole(QueryPatternModel::SortRole);
        proxy.sort(QueryPatternModel::CallsColumn, Qt::DescendingOrder);
        QCOMPARE(proxy.index(0, QueryPatternModel::CallsColumn).data().toString(), QStringLiteral("10"));
        for (int c = 0; c < QueryPatternModel::ColumnCount; ++c)
            QVERIFY(!model.headerData(c, Qt::Horizontal, Qt::ToolTipRole).toString().isEmpty());
    }

    void cacheCandidate_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<qint64>("calls");
        QTest::addColumn<double>("callsPerSec");
        QTest::addColumn<double>("meanMs");
        QTest::addColumn<qint64>("rows");
        QTest::addColumn<bool>("candidate");
        QTest::newRow("hot cheap small select")
            << int(StatementKind::Select) << qint64(5000) << 25.0 << 0.4 << qint64(5000) << true;
        QTest::newRow("no rate yet, many calls")
            << int(StatementKind::Select) << qint64(5000) << kNoValue << 0.4 << qint64(5000) << true;
        QTest::newRow("rare") << int(StatementKind::Select) << qint64(50) << 0.1 << 0.4 << qint64(50) << false;
        QTest::newRow("expensive") << int(StatementKind::Select) << qint64(5000) << 25.0 << 120.0 << qint64(5000)
                                   << false;
        QTest::newRow("many rows") << int(StatementKind::Select) << qint64(5000) << 25.0 << 0.4 << qint64(500000)
                                   << false;
        QTest::newRow("write") << int(StatementKind::Insert) << qint64(5000) << 25.0 << 0.4 << qint64(5000) << false;
    }
    void cacheCandidate()
    {
        QFETCH(int, kind);
        QFETCH(qint64, calls);
        QFETCH(double, callsPerSec);
        QFETCH(double, meanMs);
        QFETCH(qint64, rows);
        QFETCH(bool, candidate);
        const QString why = analysis::cacheCandidateReason(
            entry(1, StatementKind(kind), calls, meanMs, QStringLiteral("SELECT x"), rows, callsPerSec));
        QCOMPARE(!why.isEmpty(), candidate);
        if (candidate)
            QVERIFY2(why.contains(QStringLiteral("ms mean")) && why.contains(QStringLiteral("rows per call")),
                     qPrintable(why));
    }

    void runningStatements()
    {
        RunningStatementModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        RunningStatement a;
        a.pid = 100;
        a.queryStart = QDateTime::fromMSecsSinceEpoch(1000, Qt::UTC);
        a.durationMs = 1500;
        a.query = QStringLiteral("SELECT pg_sleep(5)");
        RunningStatement b = a;
        b.pid = 200;
        model.merge({a, b});
        QCOMPARE(model.rowCount(), 2);
        a.durationMs = 2500;
        RunningStatement a2 = a;
        a2.queryStart = QDateTime::fromMSecsSinceEpoch(9000, Qt::UTC); // same pid, a new statement
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        model.merge({a});
        QCOMPARE(removed.count(), 1);
        QCOMPARE(model.index(0, RunningStatementModel::DurationColumn).data(RunningStatementModel::SortRole).toDouble(),
                 2500.0);
        model.merge({a2});
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.statementAt(0)->queryStart, a2.queryStart);
    }

    void historyAndFrequency()
    {
        SlowHistoryModel history;
        QAbstractItemModelTester t1(&history, QAbstractItemModelTester::FailureReportingMode::QtTest);
        store::SlowSighting s;
        s.pid = 7;
        s.durationMs = 4200;
        s.lastSeen = QDateTime::currentDateTimeUtc();
        s.query = QStringLiteral("SELECT pg_sleep(5)");
        history.setRows({s, s});
        QCOMPARE(history.rowCount(), 2);
        QCOMPARE(history.index(0, SlowHistoryModel::DurationColumn).data(SlowHistoryModel::SortRole).toDouble(),
                 4200.0);
        history.setRows({});
        QCOMPARE(history.rowCount(), 0);

        SlowFrequencyModel freq;
        QAbstractItemModelTester t2(&freq, QAbstractItemModelTester::FailureReportingMode::QtTest);
        store::SlowPattern p;
        p.count = 3;
        p.maxMs = 5000;
        p.meanMs = 4000;
        p.query = QStringLiteral("SELECT pg_sleep($1)");
        freq.setRows({p});
        QCOMPARE(freq.index(0, SlowFrequencyModel::CountColumn).data().toInt(), 3);
    }

    void cacheRows()
    {
        CacheTableModel model(QStringLiteral("Table"));
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        CacheRow a {QStringLiteral("trades"), {}, 900, 100, 90.0, 99.0, 2.0};
        CacheRow b {QStringLiteral("orders"), {}, 50, 50, 50.0, kNoValue, 0.0};
        model.merge({a, b});
        QCOMPARE(model.rowCount(), 2);
        QVERIFY(model.index(1, CacheTableModel::IntervalHitColumn).data().toString().isEmpty()); // idle: blank
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        model.merge({a});
        QCOMPARE(removed.count(), 1);
        QCOMPARE(model.index(0, CacheTableModel::HitColumn).data(CacheTableModel::SortRole).toDouble(), 90.0);
    }
};

QTEST_GUILESS_MAIN(TestInsightModels)
#include "tst_insightmodels.moc"
