// The Drills tab offscreen on the live sandbox: a PostgreSQL failover drill started from the tab
// fills the timeline step by step while the probe chart fills live, the topology follows the new
// primary from the polls with no user action, the result card gives RTO and RPO against the
// targets with a verdict, the JSON and HTML exports carry the same figures, the drill is listed in
// Past drills and can be shown again from there; a planned switchover moves the primary back (the
// layout later tests expect); Repair on a healthy sandbox changes nothing. A read-only profile
// cannot start a drill. Screenshots before, during and after a drill.
#include "drills/drillresult.h"
#include "drills/pgfailoverdrill.h"
#include "models/drillrunmodel.h"
#include "models/drillstepmodel.h"
#include "monitor/clustermonitor.h"
#include "monitor/insightmonitor.h"
#include "sandbox/failover.h"
#include "sandbox/repair.h"
#include "store/auditlog.h"
#include "testsupport.h"
#include "ui/drillhistorypanel.h"
#include "ui/drillspage.h"
#include "ui/mainwindow.h"
#include "ui/probechart.h"
#include "ui/topologyview.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
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
        QAbstractItemModelTester pastTester(page->history()->model(),
                                            QAbstractItemModelTester::FailureReportingMode::QtTest);
        QTRY_VERIFY_WITH_TIMEOUT(page->topology()->redisMaster().size() > 0, 10000);
        QTest::qWait(300);
        QVERIFY(w.grab().save(test::outputDir() + QStringLiteral("/drills-before.png")));

        drills::DrillResult first;
        for (int round = 0; round < 2; ++round) {
            const QString before = page->topology()->pgPrimary();
            QSignalSpy finished(page, &ui::DrillsPage::drillFinished);
            QSignalSpy rows(page->steps(), &QAbstractItemModel::rowsInserted);
            page->startDrill(round == 0 ? ui::DrillsPage::Kind::PgFailover : ui::DrillsPage::Kind::PgSwitchover);
            QVERIFY(!page->startButton()->isEnabled()); // one drill at a time
            QVERIFY(!page->repairButton()->isEnabled());
            if (round == 0) {
                // Live: the chart has probe buckets and the timeline has passed the fault while the
                // drill is still running.
                QTRY_VERIFY_WITH_TIMEOUT(page->steps()->rowCount() >= 5 && page->probeChart()->pointCount() >= 10,
                                         60000);
                QVERIFY(finished.isEmpty());
                QVERIFY(w.grab().save(test::outputDir() + QStringLiteral("/drills-during.png")));
            }
            QVERIFY(finished.wait(90000));
            const auto r = finished.first().first().value<drills::DrillResult>();
            QVERIFY2(r.ok, qPrintable(r.abortReason));
            QCOMPARE(r.oldPrimary, before);
            const int stepCount = round == 0 ? 8 : 9; // the switchover waits for the standby to catch up
            QCOMPARE(rows.count(), stepCount); // the timeline grew one step at a time
            QCOMPARE(page->steps()->rowCount(), stepCount);
            QCOMPARE(page->history()->model()->rowCount(), round + 1);
            QVERIFY(page->probeChart()->pointCount() > 0);
            for (int i = 0; i < stepCount; ++i) {
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
                // The rejoined old primary shows as a replica in the picture before it is taken.
                QTRY_VERIFY_WITH_TIMEOUT(w.monitor()->latest(r.oldPrimary).has_value()
                                             && w.monitor()->latest(r.oldPrimary)->reachable
                                             && w.monitor()->latest(r.oldPrimary)->role == NodeRole::Replica,
                                         15000);
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
                const QString html = m_dir.filePath(QStringLiteral("drill.html"));
                QVERIFY2(page->exportHtml(html, &error), qPrintable(error));
                QFile h(html);
                QVERIFY(h.open(QIODevice::ReadOnly));
                const QString text = QString::fromUtf8(h.readAll());
                VERIFY_CONTAINS(text, "<svg");
                VERIFY_CONTAINS(text, QStringLiteral("%1 ms").arg(r.rtoMs));
                first = r;
                // Every step is on record in the audit log, with its outcome.
                int stepsOnRecord = 0;
                for (const store::AuditRecord& rec : store::AuditLog(w.store()).list(50))
                    if (rec.entry.action == QLatin1String("drill-step") && rec.state == store::AuditRecord::State::Ok)
                        ++stepsOnRecord;
                QCOMPARE(stepsOnRecord, 8);
            }
        }
        QCOMPARE(page->topology()->pgPrimary(), QStringLiteral("pg1"));

        // The first drill again, from the store.
        page->history()->table()->selectRow(page->history()->table()->model()->rowCount() - 1);
        QCOMPARE(page->lastResult().runId, first.runId);
        QCOMPARE(page->lastResult().rtoMs, first.rtoMs);
        VERIFY_CONTAINS(page->resultCard()->text(), QStringLiteral("RTO %1 ms").arg(first.rtoMs));
        QCOMPARE(page->steps()->rowCount(), 8);

        // Repair on a healthy sandbox finds nothing to do.
        QSignalSpy repaired(page, &ui::DrillsPage::repairFinished);
        page->startRepair();
        QVERIFY(repaired.wait(60000));
        QVERIFY2(repaired.first().at(0).toBool(), qPrintable(repaired.first().at(1).toString()));
        VERIFY_CONTAINS(repaired.first().at(1).toString(), "Nothing to repair");
        w.insight()->shutdown();
        w.monitor()->shutdown();
    }

    // A profile that is not a sandbox (a real cluster as far as the tab knows): only the planned
    // switchover is offered, it runs through SQL alone and says what the old primary's host needs.
    // The test then does what the operator would, and moves the primary back to pg1.
    void realClusterOffersOnlySwitchover()
    {
        ui::MainWindow w(nullptr, m_dir.filePath(QStringLiteral("vigil.sqlite")));
        ui::DrillsPage* page = w.drills();
        Profile real = test::sandboxProfile();
        real.sandboxDir.clear();
        real.name = QStringLiteral("cluster");
        w.connectTo(real, {}, 500);
        w.tabs()->setCurrentWidget(page);
        QTRY_VERIFY_WITH_TIMEOUT(!page->topology()->pgPrimary().isEmpty(), 10000);
        QVERIFY(!page->repairButton()->isEnabled());
        page->kind()->setCurrentIndex(page->kind()->findData(int(ui::DrillsPage::Kind::PgFailover)));
        QVERIFY(!page->startButton()->isEnabled());
        page->kind()->setCurrentIndex(page->kind()->findData(int(ui::DrillsPage::Kind::PgSwitchover)));
        QVERIFY(page->startButton()->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(w.monitor()->latest(QStringLiteral("pg2")).has_value()
                                     && w.monitor()->latest(QStringLiteral("pg2"))->role == NodeRole::Replica,
                                 10000);

        QSignalSpy finished(page, &ui::DrillsPage::drillFinished);
        page->startDrill(ui::DrillsPage::Kind::PgSwitchover);
        QVERIFY(finished.wait(90000));
        const auto r = finished.first().first().value<drills::DrillResult>();
        QVERIFY2(r.ok, qPrintable(r.abortReason));
        QCOMPARE(r.oldPrimary, QStringLiteral("pg1"));
        QCOMPARE(r.newPrimary, QStringLiteral("pg2"));
        QCOMPARE(r.rpoLostWrites, 0);
        QCOMPARE(page->steps()->rowCount(), 7);
        VERIFY_CONTAINS(page->resultCard()->text(), "pg_rewind");
        QCOMPARE(page->history()->model()->rowCount(), 1); // this profile's own history
        w.insight()->shutdown();
        w.monitor()->shutdown();

        QString error;
        QVERIFY2(sandbox::repointPgbouncer(test::sandboxDir(), QStringLiteral("pg2"), &error), qPrintable(error));
        sandbox::RepairReport repair;
        QVERIFY2(sandbox::repair(test::sandboxDir(), &repair, &error), qPrintable(error));
        QCOMPARE(repair.pgPrimary, QStringLiteral("pg2"));
        drills::PgFailoverDrill::Options back;
        back.sandboxDir = test::sandboxDir();
        back.mode = drills::PgFailoverDrill::Mode::Planned;
        const drills::DrillResult b = drills::PgFailoverDrill(back).run();
        QVERIFY2(b.ok && b.newPrimary == QLatin1String("pg1"), qPrintable(b.abortReason));
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
