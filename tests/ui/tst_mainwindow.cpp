// The console shell, offscreen, on the live sandbox: the Overview fills with real figures, the
// banner explains a down node, Ctrl+Tab moves between tabs, and a PNG is saved to look at.
#include "models/nodetablemodel.h"
#include "monitor/clustermonitor.h"
#include "monitor/insightmonitor.h"
#include "testsupport.h"
#include "ui/banner.h"
#include "ui/mainwindow.h"
#include "ui/overviewpage.h"

#include <QChart>

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QChart>
#include <QLineSeries>
#include <QPointer>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

using namespace vigil;

class TestMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // the local store goes to the test location
    }

    // Closing a window that is still connected: the monitors stop while the window's stores and
    // pages are being destroyed, and nothing they emit may reach a destroyed store.
    void destroyWhileConnected()
    {
        auto* w = new ui::MainWindow;
        w->show();
        w->connectTo(test::sandboxProfile(), {}, 500);
        QTRY_VERIFY_WITH_TIMEOUT(!w->insight()->node().isEmpty(), 10000);
        QTest::qWait(600); // a few polls delivered
        QPointer<ui::MainWindow> guard(w);
        delete w;
        QVERIFY(guard.isNull());
    }

    void overviewShowsLiveSandbox()
    {
        ui::MainWindow w;
        QAbstractItemModelTester tester(w.nodeModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester proxyTester(w.overview()->table()->model(),
                                             QAbstractItemModelTester::FailureReportingMode::QtTest);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.windowTitle().contains(QStringLiteral("Vigil")));

        const Profile profile = test::sandboxProfile();
        w.connectTo(profile, {}, 500);
        NodeTableModel* model = w.nodeModel();
        QCOMPARE(model->rowCount(), 8);
        // Every node up, and the PostgreSQL rate column filled (needs two polls).
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (int r = 0; r < model->rowCount(); ++r)
                    if (!model->index(r, 0).data(NodeTableModel::ReachableRole).toBool())
                        return false;
                return !model->index(model->rowOf("pg1"), NodeTableModel::RateColumn).data().toString().isEmpty();
            }(),
            15000);
        const int pg1 = model->rowOf(QStringLiteral("pg1"));
        QCOMPARE(model->index(pg1, NodeTableModel::RoleColumn).data().toString(), QStringLiteral("primary"));
        QVERIFY(model->index(pg1, NodeTableModel::ConnectionsColumn).data().toString().contains('/'));
        QVERIFY(model->index(model->rowOf("pg2"), NodeTableModel::ReplicationColumn)
                    .data()
                    .toString()
                    .startsWith(QStringLiteral("streaming")));
        QVERIFY(!model->index(model->rowOf("redis1"), NodeTableModel::MemoryColumn).data().toString().isEmpty());
        QVERIFY(model->index(model->rowOf("sentinel1"), NodeTableModel::ReplicationColumn)
                    .data()
                    .toString()
                    .contains(QStringLiteral("quorum ok")));
        QVERIFY(!w.overview()->banner()->isVisible());

        // The chart draws what the monitor measured: one series per non-Sentinel node, with points.
        QTRY_VERIFY_WITH_TIMEOUT(w.overview()->chart()->series().size() == 5, 5000);
        auto* series = qobject_cast<QLineSeries*>(w.overview()->chart()->series().first());
        QTRY_VERIFY_WITH_TIMEOUT(series->count() >= 2, 5000);

        // Selection survives polls (keyed updates, no reset).
        QTableView* table = w.overview()->table();
        table->selectRow(2);
        const QString selected = table->selectionModel()->selectedRows().first().data().toString();
        QTest::qWait(1200);
        QCOMPARE(table->selectionModel()->selectedRows().size(), 1);
        QCOMPARE(table->selectionModel()->selectedRows().first().data().toString(), selected);

        const QString png = test::outputDir() + QStringLiteral("/overview.png");
        QVERIFY(w.grab().save(png));
        qInfo("screenshot: %s", qPrintable(png));

        // Ctrl+Tab walks the tabs.
        QCOMPARE(w.tabs()->currentIndex(), 0);
        QTest::keyClick(&w, Qt::Key_Tab, Qt::ControlModifier);
        QCOMPARE(w.tabs()->currentIndex(), 1);
        QTest::keyClick(&w, Qt::Key_Backtab, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(w.tabs()->currentIndex(), 0);
        QCOMPARE(w.tabs()->count(), 10);

        w.disconnectFromCluster();
        QCOMPARE(model->rowCount(), 0);
        w.monitor()->shutdown();
        QCOMPARE(w.monitor()->liveThreads(), 0);
    }

    void bannerExplainsDownNode()
    {
        ui::MainWindow w;
        w.show();
        Profile p = test::sandboxProfile();
        p.name = QStringLiteral("half broken");
        p.pgNodes.append({QStringLiteral("ghost"), QStringLiteral("host=127.0.0.1 port=1 dbname=trading")});
        w.connectTo(p, {}, 500);
        QTRY_VERIFY_WITH_TIMEOUT(w.overview()->banner()->isVisible(), 8000);
        const QString text = w.overview()->banner()->text();
        QVERIFY2(text.contains(QStringLiteral("ghost")) && text.contains(QStringLiteral("nothing is listening")),
                 qPrintable(text));
        const int ghost = w.nodeModel()->rowOf(QStringLiteral("ghost"));
        QTRY_VERIFY_WITH_TIMEOUT(
            w.nodeModel()->index(ghost, NodeTableModel::StatusColumn).data().toString().startsWith("down since"), 5000);
        QVERIFY(w.grab().save(test::outputDir() + QStringLiteral("/overview-down-node.png")));
        w.monitor()->shutdown();
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
