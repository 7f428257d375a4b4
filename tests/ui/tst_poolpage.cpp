// The Pool tab offscreen on the live sandbox: in its place among the ten tabs, its models
// pass QAbstractItemModelTester while live polls feed them, it shows what pg_stat_activity and
// SHOW POOLS say, and with more clients through pgbouncer than the pool holds, cl_waiting and
// maxwait appear in the table and the advice names the cause. The health URL shows up with
// HTTP 200. A screenshot is saved to look at.
#include "bouncerload.h"
#include "models/bouncerpoolmodel.h"
#include "models/healthcheckmodel.h"
#include "models/poolgroupmodel.h"
#include "models/poolsessionmodel.h"
#include "monitor/clustermonitor.h"
#include "monitor/healthchecker.h"
#include "monitor/poolmonitor.h"
#include "pg/pgconnection.h"
#include "testsupport.h"
#include "ui/banner.h"
#include "ui/mainwindow.h"
#include "ui/poolpage.h"

#include <QAbstractItemModelTester>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace vigil;

namespace {
int rowOf(const QAbstractItemModel* m, int column, const QString& text, int column2 = -1, const QString& text2 = {})
{
    for (int r = 0; r < m->rowCount(); ++r)
        if (m->index(r, column).data().toString() == text
            && (column2 < 0 || m->index(r, column2).data().toString() == text2))
            return r;
    return -1;
}
} // namespace

class TestPoolPage : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void poolTabShowsWaitingClientsAndAdvice()
    {
        ui::MainWindow w(nullptr, m_dir.filePath(QStringLiteral("vigil.sqlite")));
        // In its place: same position, same title, ten tabs.
        QCOMPARE(w.tabs()->count(), 10);
        const int index = w.tabs()->indexOf(w.pool());
        QCOMPARE(index, 5);
        QCOMPARE(w.tabs()->tabText(index), QStringLiteral("Pool"));
        ui::PoolPage* page = w.pool();
        using Mode = QAbstractItemModelTester::FailureReportingMode;
        QAbstractItemModelTester t1(page->groups(), Mode::QtTest);
        QAbstractItemModelTester t2(page->idleInTransaction(), Mode::QtTest);
        QAbstractItemModelTester t3(page->blocked(), Mode::QtTest);
        QAbstractItemModelTester t4(page->bouncerPools(), Mode::QtTest);
        QAbstractItemModelTester t5(page->healthModel(), Mode::QtTest);
        for (QAbstractItemModel* m : std::initializer_list<QAbstractItemModel*> {
                 page->groups(), page->idleInTransaction(), page->bouncerPools(), page->healthModel()})
            for (int c = 0; c < m->columnCount(); ++c)
                QVERIFY2(!m->headerData(c, Qt::Horizontal, Qt::ToolTipRole).toString().isEmpty(),
                         qPrintable(m->headerData(c, Qt::Horizontal).toString()));

        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        page->pool()->setPeriodMs(500);
        const Profile profile = test::sandboxProfile();
        w.connectTo(profile, {}, 500);
        w.tabs()->setCurrentWidget(page);
        QTRY_VERIFY_WITH_TIMEOUT(page->pool()->node() == test::primaryNode().name, 10000);

        // Our own idle sessions appear under their application, as pg_stat_activity says.
        std::vector<std::unique_ptr<pg::Connection>> idle;
        for (int i = 0; i < 2; ++i) {
            auto c = std::make_unique<pg::Connection>();
            pg::ConnectOptions o;
            o.conninfo = test::primaryNode().conninfo;
            o.applicationName = QStringLiteral("tst-poolpage-idle");
            QVERIFY(c->open(o));
            idle.push_back(std::move(c));
        }
        QTRY_VERIFY_WITH_TIMEOUT(
            rowOf(page->groups(), PoolGroupModel::NameColumn, QStringLiteral("tst-poolpage-idle")) >= 0, 5000);
        const int g = rowOf(page->groups(), PoolGroupModel::NameColumn, QStringLiteral("tst-poolpage-idle"));
        // The row can first appear from a poll between the two connects: wait for the next one.
        QTRY_COMPARE_WITH_TIMEOUT(page->groups()->index(g, PoolGroupModel::TotalColumn).data().toInt(), 2, 5000);
        QCOMPARE(page->groups()->index(g, PoolGroupModel::IdleColumn).data().toInt(), 2);
        VERIFY_CONTAINS(page->summaryText(), QStringLiteral("max_connections 300"));
        VERIFY_CONTAINS(page->summaryText(), QStringLiteral("pgbouncer"));

        // The health URL of the sandbox: up, HTTP 200, a response time, a point on the chart.
        QTRY_VERIFY_WITH_TIMEOUT(page->healthModel()->rowCount() == 1
                                     && page->healthModel()->index(0, HealthCheckModel::StateColumn).data()
                                         == QStringLiteral("up"),
                                 10000);
        QCOMPARE(page->healthModel()->index(0, HealthCheckModel::CodeColumn).data().toString(), QStringLiteral("200"));
        QVERIFY(
            page->healthModel()->index(0, HealthCheckModel::ResponseColumn).data(HealthCheckModel::SortRole).toDouble()
            > 0);

        // More clients than the pool: cl_waiting and maxwait in the table, the cause in the advice.
        test::BouncerLoad load;
        QString error;
        QVERIFY2(load.start(profile.pgbouncer, 30, 4, &error), qPrintable(error));
        auto poolRow = [page] {
            return rowOf(page->bouncerPools(), BouncerPoolModel::DatabaseColumn, QStringLiteral("trading"),
                         BouncerPoolModel::UserColumn, QStringLiteral("postgres"));
        };
        auto cell = [&](int column) {
            return page->bouncerPools()->index(poolRow(), column).data(BouncerPoolModel::SortRole).toDouble();
        };
        QTRY_VERIFY_WITH_TIMEOUT(poolRow() >= 0 && cell(BouncerPoolModel::ClWaitingColumn) > 0
                                     && cell(BouncerPoolModel::MaxWaitColumn) >= 1000,
                                 5000);
        qInfo("Pool tab: cl_waiting %.0f, maxwait %.0f ms, sv_active %.0f", cell(BouncerPoolModel::ClWaitingColumn),
              cell(BouncerPoolModel::MaxWaitColumn), cell(BouncerPoolModel::SvActiveColumn));
        QCOMPARE(cell(BouncerPoolModel::ClWaitingColumn), 10.0);
        QCOMPARE(cell(BouncerPoolModel::SvActiveColumn), 20.0);
        QTRY_VERIFY_WITH_TIMEOUT(page->adviceText().contains(QStringLiteral("too small")), 3000);
        VERIFY_CONTAINS(page->adviceText(), QStringLiteral("trading/postgres"));
        VERIFY_CONTAINS(page->adviceText(), QStringLiteral("10 waiting"));
        QTRY_VERIFY_WITH_TIMEOUT(page->pool()->series(PoolMonitor::Series::ClientsWaiting).max() >= 10, 3000);
        // The chart's pgbouncer series and the tab switched to pgbouncer for the screenshot.
        page->tables()->setCurrentIndex(6);
        QTest::qWait(600); // one more poll so the chart has the waiting clients on it
        QVERIFY(w.grab().save(test::outputDir() + QStringLiteral("/pool.png")));
        qInfo("advice: %s", qPrintable(page->adviceText()));

        // A hidden tab polls slowly; showing it again brings the fast period back.
        w.tabs()->setCurrentIndex(0);
        QVERIFY(!page->isVisible());
        w.tabs()->setCurrentWidget(page);
        QTRY_COMPARE_WITH_TIMEOUT(load.finished(), 30, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(cell(BouncerPoolModel::ClWaitingColumn) == 0, 5000);

        // Disconnect: the banner and health polling stop; no pgbouncer warning for this profile.
        for (const ui::Banner::Item& item : page->banner()->items())
            QVERIFY2(!item.text.contains(QStringLiteral("pgbouncer")), qPrintable(item.text));
        w.disconnectFromCluster();
        QVERIFY(page->banner()->items().isEmpty());
    }

    void noAdminConsoleIsAStateNotAnError()
    {
        ui::MainWindow w(nullptr, m_dir.filePath(QStringLiteral("vigil2.sqlite")));
        Profile p = test::sandboxProfile();
        p.pgbouncerAdmin.clear();
        p.healthUrls = {QStringLiteral("http://127.0.0.1:1/health")}; // nothing listens on port 1
        w.pool()->pool()->setPeriodMs(500);
        w.connectTo(p, {}, 500);
        w.tabs()->setCurrentWidget(w.pool());
        w.show();
        QTRY_VERIFY_WITH_TIMEOUT(w.pool()->pool()->server() && w.pool()->pool()->server()->ok, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(w.pool()->banner()->text().contains(QStringLiteral("no admin console")), 3000);
        QTRY_VERIFY_WITH_TIMEOUT(w.pool()->banner()->text().contains(QStringLiteral("is down")), 5000);
        QCOMPARE(w.pool()->healthModel()->index(0, HealthCheckModel::StateColumn).data().toString(),
                 QStringLiteral("down"));
        QCOMPARE(w.pool()->bouncerPools()->rowCount(), 0);
        // MainWindow must not be destroyed while connected (its history store goes first).
        w.disconnectFromCluster();
    }
};

QTEST_MAIN(TestPoolPage)
#include "tst_poolpage.moc"
