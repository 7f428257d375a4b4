// The Drills tab offscreen on the live sandbox: a PostgreSQL failover drill started from the tab
// fills the timeline step by step, the topology follows the new primary from the polls with no
// user action, the result card gives RTO and RPO against the targets with a verdict, the JSON
// export carries the same figures; a second run moves the primary back (the layout later tests
// expect). A read-only profile cannot start a drill and is told why. Screenshot saved.
#include "drills/drillresult.h"
#include "models/drillstepmodel.h"
#include "monitor/clustermonitor.h"
#include "monitor/insightmonitor.h"
#include "testsupport.h"
#include "ui/drillspage.h"
#include "ui/mainwindow.h"
#include "ui/topologyview.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace vigil;

class TestDrillsPage : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

private Q_SLOTS:
    void pgDrillFromTheTab()
    {
        ui::MainWindow w(nullptr, m_dir.filePath(QStringLiteral("vigil.sqlite")));
        ui::DrillsPage* page = w.drills();
        QAbstractItemModelTester tester(page->steps(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.connectTo(test::sandboxProfile(), {}, 500);
        w.tabs()->setCurrentWidget(page);
        QTRY_VERIFY_WITH_TIMEOUT(!page->topology()->pgPrimary().isEmpty(), 10000);
        QVERIFY(page->startButton()->isEnabled());

        for (int round = 0; round < 2; ++round) {
            const QString before = page->topology()->pgPrimary();
            QSignalSpy finished(page, &ui::DrillsPage::drillFinished);
            QSignalSpy rows(page->steps(), &QAbstractItemModel::rowsInserted);
            page->startDrill(ui::DrillsPage::Kind::PgFailover);
            QVERIFY(!page->startButton()->isEnabled()); // one drill at a time
            QVERIFY(finished.wait(90000));
            const auto r = finished.first().first().value<drills::DrillResult>();
            QVERIFY2(r.ok, qPrintable(r.abortReason));
            QCOMPARE(r.oldPrimary, before);
            QCOMPARE(rows.count(), 8); // the timeline grew one step at a time
            QCOMPARE(page->steps()->rowCount(), 8);
            for (int i = 0; i < 8; ++i) {
                QCOMPARE(page->steps()->index(i, DrillStepModel::StateColumn).data().toString(), QStringLiteral("ok"));
                // Shown in the order the steps ran.
                QCOMPARE(page->table()->model()->index(i, DrillStepModel::StepColumn).data().toString(),
                         r.steps.at(i).name);
            }
            VERIFY_CONTAINS(page->resultCard()->text(), QStringLiteral("RTO %1 ms").arg(r.rtoMs));
            VERIFY_CONTAINS(page->resultCard()->text(), "Verdict");
            // The polls move the primary in the picture by themselves.
            QTRY_COMPARE_WITH_TIMEOUT(page->topology()->pgPrimary(), r.newPrimary, 10000);
            if (round == 0) {
                QTest::qWait(300); // the card and chart lay out before the picture is taken
                QVERIFY(w.grab().save(test::outputDir() + QStringLiteral("/drills.png")));
                const QString path = m_dir.filePath(QStringLiteral("drill.json"));
                QString error;
                QVERIFY2(page->exportJson(path, &error), qPrintable(error));
                QFile f(path);
                QVERIFY(f.open(QIODevice::ReadOnly));
                const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
                QCOMPARE(o.value("rto_ms").toInteger(), r.rtoMs);
                QCOMPARE(o.value("rpo_lost_writes").toInteger(), r.rpoLostWrites);
                QCOMPARE(o.value("kind").toString(), QStringLiteral("pg"));
            }
        }
        QCOMPARE(page->topology()->pgPrimary(), QStringLiteral("pg1"));
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
        QVERIFY(!w.drills()->startButton()->isEnabled());
        w.insight()->shutdown();
        w.monitor()->shutdown();
    }
};

QTEST_MAIN(TestDrillsPage)
#include "tst_drillspage.moc"
