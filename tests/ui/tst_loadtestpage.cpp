// The Load tests tab offscreen on the live sandbox: a short trading run started from the tab
// delivers one update a second to the charts, ends with a summary card holding the RunResult's
// figures, is audited, stored and listed in Past runs, and exports HTML and CSV with the same
// figures; a second run stopped mid-way ends cleanly and compares with the first as baseline; a
// read-only profile cannot start. Screenshot of a live run saved. The same tab drives pgbench
// (its exact command audited, mean query time of the primary overlaid; loadtest-live.png and an
// HTML report saved) and Locust against the sandbox's health server: one run model, one store.
// The GUI stall with 300 users is measured in tests/bench/tst_bench_loadtestpage.cpp (timing
// depends on the machine's load).
#include "loadtest/loadresult.h"
#include "loadtest/loadrunner.h"
#include "loadtest/scenario.h"
#include "models/loadrunmodel.h"
#include "monitor/clustermonitor.h"
#include "monitor/insightmonitor.h"
#include "monitor/meanquerytime.h"
#include "store/auditlog.h"
#include "store/loadrunstore.h"
#include "store/localstore.h"
#include "testsupport.h"
#include "ui/loadchart.h"
#include "ui/loadtestspage.h"
#include "ui/mainwindow.h"
#include "ui/scenariodialog.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace vigil;
using loadtest::LoadSecond;
using loadtest::RunResult;

class TestLoadTestPage : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

    static void choose(ui::LoadTestsPage* page, ui::LoadTestsPage::Target target, int users, int seconds)
    {
        page->scenario()->setCurrentIndex(0);
        page->workload()->setCurrentIndex(page->workload()->findData(QStringLiteral("trading")));
        page->target()->setCurrentIndex(page->target()->findData(int(target)));
        page->users()->setValue(users);
        page->duration()->setValue(seconds);
    }

    static QString readAll(const QString& path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
    }

    // The overlay's seconds go with the result: stored, and charted in the report.
    static void verifyStoredOverlay(ui::LoadTestsPage* page, const RunResult& r, const store::LoadRunStore& runs)
    {
        QVERIFY(!r.database.isEmpty());
        QVERIFY(r.database.size() >= page->databaseChart()->pointCount(QStringLiteral("replica lag s")));
        const QJsonArray stored = runs.resultJson(page->lastRunId()).value("database_per_second").toArray();
        QCOMPARE(stored.size(), r.database.size());
        QVERIFY(std::any_of(stored.begin(), stored.end(),
                            [](const QJsonValue& v) { return v.toObject().value("mean_query_ms").toDouble() > 0; }));
    }

private Q_SLOTS:
    void runFromTheTab()
    {
        ui::MainWindow w(nullptr, m_dir.filePath(QStringLiteral("vigil.sqlite")));
        ui::LoadTestsPage* page = w.loadTests();
        QAbstractItemModelTester tester(page->pastRuns(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(w.tabs()->indexOf(page), 8); // last, after Drills
        QCOMPARE(w.tabs()->tabText(8), QStringLiteral("Load tests"));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.connectTo(test::sandboxProfile(), {}, 500);
        w.tabs()->setCurrentWidget(page);
        QTRY_VERIFY_WITH_TIMEOUT(page->startButton()->isEnabled(), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!w.monitor()->latestAll().isEmpty(), 10000);

        choose(page, ui::LoadTestsPage::Target::Primary, 10, 5);
        VERIFY_CONTAINS(page->equivalentCommand(), "vigil loadtest --sandbox-dir");
        VERIFY_CONTAINS(page->equivalentCommand(), "--users 10 --duration 5 --builtin trading");
        QSignalSpy seconds(page, &ui::LoadTestsPage::secondArrived);
        QSignalSpy finished(page, &ui::LoadTestsPage::runFinished);
        QString error;
        QVERIFY2(page->startRun(&error), qPrintable(error));
        QVERIFY(!page->startButton()->isEnabled()); // one run at a time
        QVERIFY(page->stopButton()->isEnabled());
        QVERIFY(!page->startRun(&error));
        QTRY_VERIFY_WITH_TIMEOUT(seconds.size() >= 3, 10000);
        QVERIFY(page->rpsChart()->pointCount(QStringLiteral("RPS")) >= 3);
        QVERIFY(finished.wait(20000));

        const auto r = finished.first().first().value<RunResult>();
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.stopReason, QStringLiteral("duration"));
        QCOMPARE(r.target, QStringLiteral("pg1"));
        QVERIFY2(r.errors == 0, qPrintable(r.messages.join(QLatin1Char('\n'))));
        QVERIFY(r.transactions > 50);
        QCOMPARE(seconds.size(), r.seconds.size());
        QCOMPARE(page->rpsChart()->pointCount(QStringLiteral("RPS")), int(r.seconds.size()));
        QCOMPARE(page->usersChart()->lastValue(QStringLiteral("active")), double(r.seconds.last().activeUsers));
        // The monitored cluster over the same seconds: the replica's lag and pgbouncer's queue.
        QVERIFY(page->databaseChart()->pointCount(QStringLiteral("replica lag s")) > 0);
        QVERIFY(page->databaseChart()->pointCount(QStringLiteral("pool waiting")) > 0);
        // ...and the primary's mean query time (pg_stat_statements deltas each second) while it ran.
        QVERIFY2(page->databaseChart()->pointCount(QStringLiteral("mean query ms")) >= 2,
                 qPrintable(page->meanQueryProbe()->lastError()));
        QVERIFY(page->databaseChart()->lastValue(QStringLiteral("mean query ms")) > 0);
        QVERIFY(page->startButton()->isEnabled());
        QVERIFY(!page->stopButton()->isEnabled());
        // The summary card carries the RunResult's figures.
        const QString card = page->summaryCard()->text();
        VERIFY_CONTAINS(card, QStringLiteral("Requests: %1").arg(r.transactions));
        VERIFY_CONTAINS(card, QStringLiteral("p95: %1 ms").arg(r.latency.p95Ms, 0, 'f', 2));
        VERIFY_CONTAINS(card, QStringLiteral("p99: %1 ms").arg(r.latency.p99Ms, 0, 'f', 2));
        VERIFY_CONTAINS(card, QStringLiteral("Throughput: %1/s").arg(r.tps, 0, 'f', 1));
        VERIFY_CONTAINS(card, "Success rate: 100.00 %");

        // Audited, stored, listed.
        const auto audit = w.auditLog()->list(5);
        QVERIFY(!audit.isEmpty());
        QCOMPARE(audit.first().entry.action, QStringLiteral("loadtest"));
        QCOMPARE(audit.first().state, store::AuditRecord::State::Ok);
        VERIFY_CONTAINS(audit.first().detail, QStringLiteral("%1 transactions").arg(r.transactions));
        QVERIFY(page->lastRunId() > 0);
        QCOMPARE(page->pastRuns()->rowCount(), 1);
        QCOMPARE(page->pastRuns()->index(0, 0).data(LoadRunModel::IdRole).toLongLong(), page->lastRunId());
        QCOMPARE(page->pastRuns()->index(0, LoadRunModel::RequestsColumn).data(LoadRunModel::SortRole).toLongLong(),
                 r.transactions);
        store::LoadRunStore runs(w.store());
        QCOMPARE(runs.resultJson(page->lastRunId()).value("requests").toInteger(), r.transactions);
        verifyStoredOverlay(page, r, runs);
        if (QTest::currentTestFailed())
            return;

        // Exports.
        const QString html = m_dir.filePath(QStringLiteral("run.html"));
        const QString csv = m_dir.filePath(QStringLiteral("run.csv"));
        QVERIFY2(page->exportHtml(html, &error), qPrintable(error));
        QVERIFY2(page->exportCsv(csv, &error), qPrintable(error));
        const QString htmlText = readAll(html);
        VERIFY_CONTAINS(htmlText, QStringLiteral("<td>%1</td>").arg(r.transactions));
        VERIFY_CONTAINS(htmlText, "<svg");
        for (const char* chart : {">Throughput<", ">Latency<", ">Virtual users<", ">Monitored database<"})
            VERIFY_CONTAINS(htmlText, chart);
        {
            QFile shot(test::outputDir() + QStringLiteral("/loadtest-report-native.html"));
            QVERIFY(shot.open(QIODevice::WriteOnly) && shot.write(htmlText.toUtf8()) > 0);
        }
        const QStringList lines = readAll(csv).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), r.seconds.size() + 1);
        qint64 sum = 0;
        for (int i = 1; i < lines.size(); ++i)
            sum += lines[i].split(QLatin1Char(','))[3].toLongLong();
        QCOMPARE(sum, r.transactions);
        const qint64 firstRun = page->lastRunId();

        // Stop mid-run: ends promptly, stored, compared with the first run.
        choose(page, ui::LoadTestsPage::Target::Primary, 10, 60);
        finished.clear();
        seconds.clear();
        QVERIFY2(page->startRun(&error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(seconds.size() >= 4, 10000);
        // A live run with the first one listed under Past runs.
        const QString live = test::outputDir() + QStringLiteral("/loadtests.png");
        QVERIFY(w.grab().save(live));
        qInfo("screenshot: %s", qPrintable(live));
        page->stopRun();
        QVERIFY(finished.wait(5000));
        const auto stopped = finished.first().first().value<RunResult>();
        QCOMPARE(stopped.stopReason, QStringLiteral("stopped"));
        QVERIFY(stopped.durationSec < 15);
        QCOMPARE(page->pastRuns()->rowCount(), 2);
        QVERIFY(page->startButton()->isEnabled());
        page->setBaseline(firstRun);
        VERIFY_CONTAINS(page->summaryCard()->text(), "Compared with the run of");
        VERIFY_CONTAINS(page->summaryCard()->text(), " %)");

        // Deleting a stored run: only with a row picked; the baseline goes with it, and the
        // store no longer has it (a fresh read of the store lists one run).
        page->pastRunsView()->clearSelection();
        QVERIFY(!page->deleteRunButton()->isEnabled());
        page->pastRunsView()->selectRow(0);
        QVERIFY(page->deleteRunButton()->isEnabled());
        QVERIFY(page->deleteRun(firstRun));
        QCOMPARE(page->pastRuns()->rowCount(), 1);
        QCOMPARE(page->baseline(), 0);
        QVERIFY(!page->summaryCard()->text().contains(QStringLiteral("Compared with")));
        QCOMPARE(page->pastRuns()->rowOf(firstRun), -1);
        {
            store::LocalStore local(m_dir.filePath(QStringLiteral("vigil.sqlite")));
            QCOMPARE(store::LoadRunStore(&local).list(test::sandboxProfile().name).size(), 1);
        }
        w.insight()->shutdown();
        w.monitor()->shutdown();
    }

    void pgbenchFromTheTab()
    {
        ui::MainWindow w(nullptr, m_dir.filePath(QStringLiteral("vigil.sqlite")));
        ui::LoadTestsPage* page = w.loadTests();
        w.resize(1500, 950);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.connectTo(test::sandboxProfile(), {}, 500);
        w.tabs()->setCurrentWidget(page);
        QTRY_VERIFY_WITH_TIMEOUT(page->startButton()->isEnabled(), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!w.monitor()->latestAll().isEmpty(), 10000);
        page->runner()->setCurrentIndex(page->runner()->findData(int(loadtest::RunnerKind::Pgbench)));
        QVERIFY(page->locustfile()->isHidden()); // Locust's fields only for Locust
        choose(page, ui::LoadTestsPage::Target::Primary, 8, 6);
        VERIFY_CONTAINS(page->equivalentCommand(), "--runner pgbench");
        QSignalSpy seconds(page, &ui::LoadTestsPage::secondArrived);
        QSignalSpy finished(page, &ui::LoadTestsPage::runFinished);
        QString error;
        QVERIFY2(page->startRun(&error), qPrintable(error));
        QVERIFY(page->currentRunner());
        VERIFY_CONTAINS(page->currentRunner()->command(), "pgbench -n -c 8");
        QTRY_VERIFY_WITH_TIMEOUT(seconds.size() >= 4, 15000);
        QVERIFY(page->isRunning());
        const QString live = test::outputDir() + QStringLiteral("/loadtest-live.png");
        QVERIFY(w.grab().save(live));
        qInfo("screenshot: %s", qPrintable(live));
        QVERIFY(finished.wait(20000));
        const auto r = finished.first().first().value<RunResult>();
        QVERIFY2(r.ok, qPrintable(r.error + r.messages.join(QLatin1Char('\n'))));
        VERIFY_CONTAINS(r.protocol, "pgbench");
        QVERIFY(r.transactions > 50);
        QVERIFY2(r.errors == 0, qPrintable(r.messages.join(QLatin1Char('\n'))));
        QVERIFY(page->rpsChart()->pointCount(QStringLiteral("RPS")) >= 4);
        QVERIFY2(page->databaseChart()->pointCount(QStringLiteral("mean query ms")) >= 2,
                 qPrintable(page->meanQueryProbe()->lastError()));
        // Audited with the exact pgbench command line; stored like a native run.
        const auto audit = w.auditLog()->list(1);
        QCOMPARE(audit.first().entry.action, QStringLiteral("loadtest"));
        VERIFY_CONTAINS(audit.first().entry.command, "pgbench -n -c 8");
        VERIFY_CONTAINS(audit.first().detail, QStringLiteral("%1 transactions").arg(r.transactions));
        store::LoadRunStore runs(w.store());
        QCOMPARE(runs.resultJson(page->lastRunId()).value("requests").toInteger(), r.transactions);
        verifyStoredOverlay(page, r, runs);
        if (QTest::currentTestFailed())
            return;
        const QString html = test::outputDir() + QStringLiteral("/loadtest-report.html");
        QVERIFY2(page->exportHtml(html, &error), qPrintable(error));
        VERIFY_CONTAINS(readAll(html), QStringLiteral("<td>%1</td>").arg(r.transactions));
        qInfo("pgbench trading from the tab, 8 clients, 6 s: %lld transactions, %.0f tps, p95 %.3f ms; report %s",
              r.transactions, r.tps, r.latency.p95Ms, qPrintable(html));
        w.insight()->shutdown();
        w.monitor()->shutdown();
    }

    void locustFromTheTab()
    {
        ui::MainWindow w(nullptr, m_dir.filePath(QStringLiteral("vigil.sqlite")));
        ui::LoadTestsPage* page = w.loadTests();
        w.connectTo(test::sandboxProfile(), {}, 500);
        QTRY_VERIFY_WITH_TIMEOUT(page->startButton()->isEnabled(), 10000);
        page->runner()->setCurrentIndex(page->runner()->findData(int(loadtest::RunnerKind::Locust)));
        QVERIFY(!page->locustfile()->isHidden());
        QVERIFY(page->workload()->isHidden());
        // The sandbox's application health server is the default HTTP target.
        QVERIFY(page->host()->text().startsWith(QLatin1String("http://127.0.0.1:")));
        QCOMPARE(page->locustfile()->currentText(), QStringLiteral("health.py"));
        page->scenario()->setCurrentIndex(0);
        page->users()->setValue(3);
        page->duration()->setValue(4);
        page->workers()->setValue(0);
        VERIFY_CONTAINS(page->equivalentCommand(), "--runner locust --locustfile health.py --host http://127.0.0.1:");
        QSignalSpy seconds(page, &ui::LoadTestsPage::secondArrived);
        QSignalSpy finished(page, &ui::LoadTestsPage::runFinished);
        QString error;
        QVERIFY2(page->startRun(&error), qPrintable(error));
        VERIFY_CONTAINS(page->currentRunner()->command(), "--headless");
        QVERIFY(finished.wait(30000));
        const auto r = finished.first().first().value<RunResult>();
        QVERIFY2(r.ok, qPrintable(r.error));
        QVERIFY(r.transactions > 0);
        QCOMPARE(r.errors, 0);
        QVERIFY(seconds.size() >= 2);
        QCOMPARE(page->rpsChart()->pointCount(QStringLiteral("RPS")), int(seconds.size()));
        QVERIFY(page->lastRunId() > 0);
        VERIFY_CONTAINS(w.auditLog()->list(1).first().entry.command, "--csv-full-history");
        w.insight()->shutdown();
        w.monitor()->shutdown();
    }

    void readOnlyCannotStart()
    {
        ui::MainWindow w(nullptr, m_dir.filePath(QStringLiteral("vigil.sqlite")));
        Profile ro = test::sandboxProfile();
        ro.readOnly = true;
        w.connectTo(ro, {}, 500);
        QTRY_VERIFY_WITH_TIMEOUT(!w.insight()->node().isEmpty(), 10000);
        QVERIFY(!w.loadTests()->startButton()->isEnabled());
        VERIFY_CONTAINS(w.loadTests()->reason()->text(), "read-only");
        QString error;
        QVERIFY(!w.loadTests()->startRun(&error));
        VERIFY_CONTAINS(error, "read-only");
        // The earlier runs of this profile name are listed all the same (four, one deleted).
        QTRY_COMPARE_WITH_TIMEOUT(w.loadTests()->pastRuns()->rowCount(), 3, 5000);
        w.insight()->shutdown();
        w.monitor()->shutdown();
    }

    // Last: it switches QStandardPaths to test mode for the operator's scenario directory.
    void operatorsEditAndSaveScenarios()
    {
        QStandardPaths::setTestModeEnabled(true);
        QDir(loadtest::userScenarioDir()).removeRecursively();
        loadtest::Scenario baseline;
        QString error;
        QVERIFY(loadtest::findScenario(QStringLiteral("baseline"), &baseline, &error));
        ui::ScenarioDialog d(baseline);
        d.nameEdit()->setText(QStringLiteral("our smoke")); // a space: refused, said why
        QVERIFY(!d.save());
        VERIFY_CONTAINS(d.problem()->text(), "letters, digits");
        d.nameEdit()->setText(QStringLiteral("our-smoke"));
        d.usersEdit()->setValue(3);
        QVERIFY2(d.save(), qPrintable(d.problem()->text()));
        QVERIFY(d.grab().save(test::outputDir() + QStringLiteral("/scenario-editor.png")));
        loadtest::Scenario back;
        QVERIFY2(loadtest::findScenario(QStringLiteral("our-smoke"), &back, &error), qPrintable(error));
        QCOMPARE(back.users, 3);
        QCOMPARE(back.durationSec, baseline.durationSec);
        QCOMPARE(back.workload, baseline.workload);
        // The tab lists it and, chosen, fills the fields from it.
        ui::MainWindow w(nullptr, m_dir.filePath(QStringLiteral("vigil.sqlite")));
        ui::LoadTestsPage* page = w.loadTests();
        page->reloadScenarios(QStringLiteral("our-smoke"));
        QCOMPARE(page->scenario()->currentData().toString(), QStringLiteral("our-smoke"));
        page->scenario()->setCurrentIndex(0);
        page->scenario()->setCurrentIndex(page->scenario()->findData(QStringLiteral("our-smoke")));
        QCOMPARE(page->users()->value(), 3);
        QVERIFY(page->editScenarioButton()->isEnabled());
        QDir(loadtest::userScenarioDir()).removeRecursively();
    }
};

QTEST_MAIN(TestLoadTestPage)
#include "tst_loadtestpage.moc"
