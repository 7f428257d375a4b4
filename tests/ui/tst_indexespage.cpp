// The Indexes tab offscreen on the live sandbox, end to end: a table of its own with a lookup the
// planner can only answer with a sequential scan; the tab analyses by itself when shown, lists the
// HypoPG-validated index with plans before and after, exports the SQL; Apply builds it (progress
// to 100 %, valid index, audited) and the lookup's measured mean time drops; a read-only profile
// disables Apply and says why. Screenshot saved to look at.
#include "models/recommendationmodel.h"
#include "monitor/clustermonitor.h"
#include "monitor/insightmonitor.h"
#include "pg/pgconnection.h"
#include "store/auditlog.h"
#include "store/localstore.h"
#include "testsupport.h"
#include "ui/banner.h"
#include "ui/indexespage.h"
#include "ui/mainwindow.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QFile>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace vigil;

namespace {
const QString kTable = QStringLiteral("vigil_ui_orders");
const QString kIndex = QStringLiteral("vigil_vigil_ui_orders_ref");
const QString kLookup = QStringLiteral("SELECT id, note FROM vigil_ui_orders WHERE ref = $1");
} // namespace

class TestIndexesPage : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    pg::Connection m_admin;
    QString storePath() const { return m_dir.filePath(QStringLiteral("vigil.sqlite")); }

    // The application's lookup, `n` times with different values.
    void runLookups(int n, int offset)
    {
        for (int i = 0; i < n; ++i)
            QVERIFY(m_admin.exec(kLookup, {QString::number((offset + i) * 37 % 50000)}).ok());
    }

    void connectAndShow(ui::MainWindow& w, const Profile& profile)
    {
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.connectTo(profile, {}, 500);
        QTRY_VERIFY_WITH_TIMEOUT(!w.insight()->node().isEmpty(), 10000);
    }

    // Row of the recommendation for (ref) on our table, -1 when absent.
    static int ourRow(const RecommendationModel* m)
    {
        for (int i = 0; i < m->rowCount(); ++i) {
            const auto* r = m->recommendationAt(i);
            if (r->type == QLatin1String("INDEX") && r->table == QLatin1String("public.") + kTable
                && r->columns == QStringList {QStringLiteral("ref")})
                return i;
        }
        return -1;
    }

    static void selectSourceRow(ui::IndexesPage* page, int sourceRow)
    {
        auto* proxy = qobject_cast<QSortFilterProxyModel*>(page->table()->model());
        page->table()->selectionModel()->select(proxy->mapFromSource(page->model()->index(sourceRow, 0)),
                                                QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        pg::ConnectOptions o {test::primaryNode().conninfo};
        o.applicationName = QStringLiteral("indexes-page-test-app");
        o.statementTimeoutMs = 120000;
        QVERIFY2(m_admin.open(o), qPrintable(m_admin.lastError()));
        PQsetNoticeProcessor(
            m_admin.raw(), [](void*, const char*) {}, nullptr);
        // 300,000 rows, ref spread over 50,000 values: ~6 rows per lookup, found only by reading
        // the whole table until an index exists.
        QVERIFY(
            m_admin
                .execSimple(QStringLiteral("DROP TABLE IF EXISTS %1; CREATE TABLE %1 (id bigint PRIMARY KEY, "
                                           "ref int NOT NULL, note text NOT NULL); INSERT INTO %1 SELECT g, "
                                           "(g::bigint * 7919) % 50000, md5(g::text) FROM generate_series(1, 300000) "
                                           "g; ANALYZE %1")
                                .arg(kTable))
                .ok());
        runLookups(20, 0);
    }

    void cleanupTestCase()
    {
        if (m_admin.isOpen())
            m_admin.execSimple(QStringLiteral("DROP TABLE IF EXISTS %1").arg(kTable));
    }

    void analysesWhenShownAndExplains()
    {
        ui::MainWindow w(nullptr, storePath());
        ui::IndexesPage* page = w.indexes();
        QAbstractItemModelTester tester(page->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester proxyTester(page->table()->model(),
                                             QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy done(page, &ui::IndexesPage::analysisFinished);
        connectAndShow(w, test::sandboxProfile());
        QElapsedTimer t;
        t.start();
        w.tabs()->setCurrentWidget(page); // first look: analyses by itself
        QVERIFY(done.wait(60000));
        qInfo("analysis shown after %lld ms: %s", t.elapsed(), qPrintable(page->summary()->text()));
        QVERIFY2(done.first().first().toBool(), qPrintable(page->banner()->text()));
        QVERIFY(page->lastAdvice().statementsAnalyzed > 0);
        VERIFY_CONTAINS(page->summary()->text(), "statements planned");

        const int row = ourRow(page->model());
        QVERIFY2(row >= 0, "no INDEX (ref) on vigil_ui_orders");
        const analysis::IndexRecommendation rec = *page->model()->recommendationAt(row);
        QVERIFY(rec.costBefore > rec.costAfter * 10); // a 300,000-row scan against a few index probes
        QCOMPARE(rec.indexName, kIndex);
        // Every cell of the row is filled from the advice.
        for (int c : {RecommendationModel::PriorityColumn, RecommendationModel::ImprovementColumn,
                      RecommendationModel::CostColumn, RecommendationModel::SizeColumn,
                      RecommendationModel::StatementsColumn, RecommendationModel::ReasonColumn})
            QVERIFY(!page->model()->index(row, c).data().toString().isEmpty());

        selectSourceRow(page, row);
        VERIFY_CONTAINS(page->detail()->toPlainText(), rec.sql);
        VERIFY_CONTAINS(page->detail()->toPlainText(), "WHERE ref = $1");
        VERIFY_CONTAINS(page->planBefore()->toPlainText(), "Seq Scan on vigil_ui_orders");
        VERIFY_CONTAINS(page->planAfter()->toPlainText(), "btree_vigil_ui_orders_ref");
        QVERIFY(page->applyButton()->isEnabled());

        const QString path = m_dir.filePath(QStringLiteral("advice.sql"));
        QString error;
        QVERIFY2(page->exportSql(path, &error), qPrintable(error));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString script = QString::fromUtf8(f.readAll());
        VERIFY_CONTAINS(script, rec.sql + QLatin1Char(';'));
        QVERIFY(script.startsWith(QLatin1String("-- Vigil index advice")));

        QVERIFY(w.grab().save(test::outputDir() + QStringLiteral("/indexes.png")));
        w.insight()->shutdown();
        w.monitor()->shutdown();
    }

    void applyBuildsAndMeanTimeDrops()
    {
        ui::MainWindow w(nullptr, storePath());
        ui::IndexesPage* page = w.indexes();
        QAbstractItemModelTester tester(page->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy done(page, &ui::IndexesPage::analysisFinished);
        connectAndShow(w, test::sandboxProfile());
        w.tabs()->setCurrentWidget(page);
        QVERIFY(done.wait(60000));
        const int row = ourRow(page->model());
        QVERIFY(row >= 0);
        const analysis::IndexRecommendation rec = *page->model()->recommendationAt(row);
        const QString key = RecommendationModel::keyOf(rec);

        QSignalSpy progress(page, &ui::IndexesPage::applyProgress);
        QSignalSpy finished(page, &ui::IndexesPage::applyFinished);
        page->applyRecommendation(rec, false);
        QVERIFY(!page->applyButton()->isEnabled()); // one build at a time
        QVERIFY(finished.wait(120000));
        const auto result = finished.first().first().value<actions::IndexBuildResult>();
        QVERIFY2(result.ok, qPrintable(result.message));
        QVERIFY(result.auditId > 0);
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.last().first().toDouble(), 100.0);
        QCOMPARE(page->status()->text().contains(QLatin1String("valid")), true);
        const pg::Result valid = m_admin.exec(QStringLiteral("SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON "
                                                             "c.oid = i.indexrelid WHERE c.relname = $1"),
                                              {kIndex});
        QCOMPARE(valid.rows(), 1);
        QVERIFY(valid.toBool(0, 0));
        const pg::Result plan
            = m_admin.execSimple(QStringLiteral("EXPLAIN SELECT id, note FROM %1 WHERE ref = 42").arg(kTable));
        QString planText;
        for (int i = 0; i < plan.rows(); ++i)
            planText += plan.text(i, 0) + u'\n';
        VERIFY_CONTAINS(planText, kIndex);

        const RecommendationModel::Measured before = page->model()->measured(key);
        QVERIFY2(before.meanBeforeMs > 0, qPrintable(before.state));
        // The application keeps running its lookup; the next polls show the new mean.
        runLookups(20, 1000);
        QSignalSpy measured(page, &ui::IndexesPage::measuredUpdated);
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                w.insight()->refreshStatementsNow();
                return page->model()->measured(key).callsAfter >= 20;
            }(),
            20000);
        const RecommendationModel::Measured after = page->model()->measured(key);
        qInfo("measured mean: %.3f ms before, %.3f ms after over %lld calls", after.meanBeforeMs, after.meanAfterMs,
              after.callsAfter);
        QVERIFY(after.meanAfterMs >= 0);
        QVERIFY(after.meanAfterMs < after.meanBeforeMs);
        VERIFY_CONTAINS(
            page->model()->index(page->model()->rowOf(key), RecommendationModel::MeasuredColumn).data().toString(),
            "calls since");
        QVERIFY(w.grab().save(test::outputDir() + QStringLiteral("/indexes-applied.png")));
        w.insight()->shutdown();
        w.monitor()->shutdown();
        QVERIFY(m_admin.execSimple(QStringLiteral("DROP INDEX CONCURRENTLY %1").arg(kIndex)).ok());
    }

    void readOnlyProfileDisablesApply()
    {
        ui::MainWindow w(nullptr, storePath());
        ui::IndexesPage* page = w.indexes();
        QSignalSpy done(page, &ui::IndexesPage::analysisFinished);
        Profile ro = test::sandboxProfile();
        ro.readOnly = true;
        connectAndShow(w, ro);
        w.tabs()->setCurrentWidget(page);
        QVERIFY(done.wait(60000));
        const int row = ourRow(page->model());
        QVERIFY(row >= 0);
        selectSourceRow(page, row);
        QVERIFY(!page->applyButton()->isEnabled());
        VERIFY_CONTAINS(page->applyButton()->toolTip(), "read-only");
        w.insight()->shutdown();
        w.monitor()->shutdown();
    }
};

QTEST_MAIN(TestIndexesPage)
#include "tst_indexespage.moc"
