// The Query patterns, Slow queries and Cache tabs offscreen on the live sandbox: real patterns
// with parser types and filters, a generic plan on demand, a pg_sleep seen live within 2 s of
// crossing the threshold, cancelled through the same code path as the Cancel button, kept in
// the history across a restart, and cache figures. Screenshots are saved to look at.
#include "models/cachetablemodel.h"
#include "models/querypatternmodel.h"
#include "models/querypatternproxy.h"
#include "models/runningstatementmodel.h"
#include "models/slowhistorymodel.h"
#include "monitor/clustermonitor.h"
#include "monitor/insightmonitor.h"
#include "pg/pgconnection.h"
#include "store/auditlog.h"
#include "store/localstore.h"
#include "store/slowhistory.h"
#include "testsupport.h"
#include "ui/cachepage.h"
#include "ui/mainwindow.h"
#include "ui/querypatternspage.h"
#include "ui/slowqueriespage.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QElapsedTimer>
#include <QItemSelectionModel>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QtConcurrent>

using namespace vigil;

class TestInsightPages : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString storePath() const { return m_dir.filePath(QStringLiteral("vigil.sqlite")); }

    static void connectSandbox(ui::MainWindow& w)
    {
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.connectTo(test::sandboxProfile(), {}, 500);
        QTRY_VERIFY_WITH_TIMEOUT(w.insight()->node() == QLatin1String("pg1"), 10000);
    }

private Q_SLOTS:
    void queryPatternsShowRealPatterns()
    {
        ui::MainWindow w(nullptr, storePath());
        auto* page = w.queryPatterns();
        QAbstractItemModelTester proxyTester(page->proxy(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        connectSandbox(w);
        w.tabs()->setCurrentWidget(page);
        // Some statements of our own, typed by the parser.
        pg::Connection app;
        pg::ConnectOptions o;
        o.conninfo = test::sandboxProfile().pgNodes.first().conninfo;
        o.applicationName = QStringLiteral("pages-test");
        o.statementTimeoutMs = 30000;
        QVERIFY(app.open(o));
        for (int i = 0; i < 5; ++i)
            QVERIFY(
                app.exec(QStringLiteral("/* ui */ UPDATE accounts SET status = status WHERE id = $1"), {i + 1}).ok());
        QVERIFY(app.exec(QStringLiteral("SELECT count(*) AS vigil_pages_symbol FROM trades WHERE symbol = $1"),
                         {QStringLiteral("TCS")})
                    .ok());
        auto shown = [page](const QString& needle) {
            for (int r = 0; r < page->proxy()->rowCount(); ++r)
                if (page->proxy()->index(r, 0).data(QueryPatternModel::FullTextRole).toString().contains(needle))
                    return r;
            return -1;
        };
        w.insight()->refreshStatementsNow();
        QTRY_VERIFY_WITH_TIMEOUT(shown(QStringLiteral("/* ui */")) >= 0, 15000);
        QVERIFY(page->summaryText().contains(QStringLiteral("statements executed")));

        // Type filter: only UPDATEs remain, and the commented one is among them.
        page->kindFilter()->setCurrentIndex(page->kindFilter()->findData(int(StatementKind::Update)));
        QVERIFY(page->proxy()->rowCount() >= 1);
        bool commented = false;
        for (int r = 0; r < page->proxy()->rowCount(); ++r) {
            QCOMPARE(page->proxy()->index(r, QueryPatternModel::TypeColumn).data().toString(),
                     QStringLiteral("UPDATE"));
            commented
                |= page->proxy()->index(r, 0).data(QueryPatternModel::FullTextRole).toString().startsWith("/* ui */");
        }
        QVERIFY(commented);
        page->kindFilter()->setCurrentIndex(0);

        // Select the symbol lookup; the detail pane shows its text and its generic plan.
        const int row = shown(QStringLiteral("vigil_pages_symbol"));
        QVERIFY(row >= 0);
        page->table()->selectRow(row);
        QSignalSpy planned(page, &ui::QueryPatternsPage::planShown);
        page->showPlanForSelection();
        QVERIFY(planned.wait(10000));
        const QString plan = page->planView()->toPlainText();
        QVERIFY2(plan.contains(QStringLiteral("Scan")) && plan.contains(QStringLiteral("trades")), qPrintable(plan));

        // Selection survives the next poll.
        w.insight()->refreshStatementsNow();
        QSignalSpy polled(w.insight(), &InsightMonitor::statementsUpdated);
        QVERIFY(polled.wait(10000));
        QCOMPARE(page->table()->selectionModel()->selectedRows().size(), 1);
        QVERIFY(page->table()
                    ->selectionModel()
                    ->selectedRows()
                    .first()
                    .data(QueryPatternModel::FullTextRole)
                    .toString()
                    .contains("vigil_pages_symbol"));
        QVERIFY(w.grab().save(test::outputDir() + QStringLiteral("/query-patterns.png")));
        w.insight()->shutdown();
        w.monitor()->shutdown();
    }

    void slowStatementSeenCancelledAndKept()
    {
        qint64 pid = 0;
        {
            ui::MainWindow w(nullptr, storePath());
            auto* page = w.slowQueries();
            QAbstractItemModelTester tester(page->runningModel(),
                                            QAbstractItemModelTester::FailureReportingMode::QtTest);
            connectSandbox(w);
            w.tabs()->setCurrentWidget(page);
            QCOMPARE(w.insight()->thresholdMs(), 1000);

            const QString conninfo = test::sandboxProfile().pgNodes.first().conninfo;
            std::atomic_int sleeperPid {0};
            QElapsedTimer started;
            started.start();
            auto sleeper = QtConcurrent::run([conninfo, &sleeperPid] {
                pg::Connection c;
                pg::ConnectOptions o;
                o.conninfo = conninfo;
                o.applicationName = QStringLiteral("slow-ui-test");
                o.statementTimeoutMs = 20000;
                if (!c.open(o))
                    return QStringLiteral("connect failed");
                sleeperPid = c.backendPid();
                const pg::Result r = c.exec(QStringLiteral("SELECT pg_sleep(8)"));
                return r.ok() ? QStringLiteral("finished") : r.sqlState();
            });
            // Over the threshold after 1 s; it must be on screen within 2 s of that.
            QTRY_VERIFY_WITH_TIMEOUT(
                page->runningModel()->rowCount() > 0
                    && page->runningModel()->index(0, 0).data(RunningStatementModel::PidRole).toInt() == sleeperPid,
                3000);
            const qint64 seenAfter = started.elapsed();
            qInfo("pg_sleep on screen %lld ms after it started (threshold 1000 ms)", seenAfter);
            QVERIFY(seenAfter < 3000);
            pid = sleeperPid;
            QVERIFY(w.grab().save(test::outputDir() + QStringLiteral("/slow-queries.png")));

            // The Cancel button's code path, after the confirmation.
            QSignalSpy done(page, &ui::SlowQueriesPage::backendActionFinished);
            page->runBackendAction(int(pid), false, false);
            QVERIFY(done.wait(5000));
            const auto result = done.first().first().value<actions::BackendActionResult>();
            QVERIFY2(result.ok, qPrintable(result.message));
            QCOMPARE(sleeper.result(), QStringLiteral("57014")); // query_canceled
            QVERIFY(started.elapsed() < 7000);
            QTRY_COMPARE_WITH_TIMEOUT(page->runningModel()->rowCount(), 0, 3000);

            // Audited with the exact SQL.
            const auto audit = w.auditLog()->list(5);
            QVERIFY(!audit.isEmpty());
            QCOMPARE(audit.first().entry.action, QStringLiteral("cancel"));
            QVERIFY(audit.first().entry.command.contains(QStringLiteral("pg_cancel_backend")));
            QCOMPARE(audit.first().state, store::AuditRecord::State::Ok);

            // In the history now.
            QTRY_VERIFY_WITH_TIMEOUT(page->historyModel()->rowCount() > 0, 3000);
            w.insight()->shutdown();
            w.monitor()->shutdown();
        }
        // A restart: a new store on the same file still has it.
        store::LocalStore again(storePath());
        store::SlowHistory history(&again);
        bool kept = false;
        for (const store::SlowSighting& s : history.recent(QStringLiteral("sandbox")))
            kept |= s.pid == pid && s.query.contains(QStringLiteral("pg_sleep")) && s.durationMs >= 1000;
        QVERIFY(kept);
        QVERIFY(!history.frequency(QStringLiteral("sandbox")).isEmpty());
    }

    void readOnlyProfileRefusesCancel()
    {
        ui::MainWindow w(nullptr, storePath());
        Profile p = test::sandboxProfile();
        p.readOnly = true;
        w.show();
        w.connectTo(p, {}, 500);
        QTRY_VERIFY_WITH_TIMEOUT(w.insight()->node() == QLatin1String("pg1"), 10000);
        QSignalSpy done(w.slowQueries(), &ui::SlowQueriesPage::backendActionFinished);
        w.slowQueries()->runBackendAction(999999, true, false);
        QVERIFY(done.wait(5000));
        const auto result = done.first().first().value<actions::BackendActionResult>();
        QVERIFY(!result.ok);
        QVERIFY(result.refused);
        QVERIFY2(result.message.contains(QStringLiteral("read-only")), qPrintable(result.message));
        w.insight()->shutdown();
        w.monitor()->shutdown();
    }

    void cacheTabShowsFigures()
    {
        ui::MainWindow w(nullptr, storePath());
        QAbstractItemModelTester tester(w.cache()->databases(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        connectSandbox(w);
        w.tabs()->setCurrentWidget(w.cache());
        QTRY_VERIFY_WITH_TIMEOUT(w.cache()->databases()->rowCount() > 0, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(w.cache()->tables()->rowCount() > 0, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(w.cache()->summaryText().contains(QStringLiteral("keyspace hit")), 5000);
        QVERIFY(w.cache()->summaryText().contains(QStringLiteral("database trading")));
        QVERIFY(w.grab().save(test::outputDir() + QStringLiteral("/cache.png")));
        w.insight()->shutdown();
        w.monitor()->shutdown();
    }
};

QTEST_MAIN(TestInsightPages)
#include "tst_insightpages.moc"
