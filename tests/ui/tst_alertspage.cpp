// The Alerts tab offscreen on the live sandbox: last of the ten tabs; its models pass
// QAbstractItemModelTester while live alerts feed them; a real INVALID index (a failed CREATE
// UNIQUE INDEX CONCURRENTLY) fires Vigil's invalid-index rule and a fake Prometheus adds the
// team's alerts, so the tab title counts them ("Alerts (2)"); Acknowledge and Silence from the
// page bring the count down; a desktop notification is raised for the firing alerts (throttled);
// the rule editor edits and saves the JSON; the history shows the episodes. Screenshot saved.
#include "alerts/alertmonitor.h"
#include "alerts/alertrule.h"
#include "fakeprometheus.h"
#include "models/alerthistorymodel.h"
#include "models/alertmodel.h"
#include "models/alertrulemodel.h"
#include "pg/pgconnection.h"
#include "testsupport.h"
#include "ui/alertrulesdialog.h"
#include "ui/alertspage.h"
#include "ui/alerttray.h"
#include "ui/mainwindow.h"

#include <QAbstractItemModelTester>
#include <QMenu>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace vigil;

namespace {
const char kIndex[] = "vigil_alerts_test_invalid";

int rowOf(const QAbstractItemModel* m, int column, const QString& text)
{
    for (int r = 0; r < m->rowCount(); ++r)
        if (m->index(r, column).data().toString() == text)
            return r;
    return -1;
}

bool exec(const QString& sql)
{
    pg::Connection c;
    pg::ConnectOptions o;
    o.conninfo = test::primaryNode().conninfo;
    o.applicationName = QStringLiteral("alerts-page-test");
    return c.open(o) && c.exec(sql).ok();
}
} // namespace

class TestAlertsPage : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

private Q_SLOTS:
    void alertsTabCountsAcknowledgesAndSilences()
    {
        ui::MainWindow w(nullptr, m_dir.filePath(QStringLiteral("vigil.sqlite")));
        QCOMPARE(w.tabs()->count(), 10);
        ui::AlertsPage* page = w.alerts();
        QCOMPARE(w.tabs()->indexOf(page), 9);
        QCOMPARE(w.tabs()->tabText(9), QStringLiteral("Alerts"));
        using Mode = QAbstractItemModelTester::FailureReportingMode;
        QAbstractItemModelTester t1(page->model(), Mode::QtTest);
        QAbstractItemModelTester t2(page->historyModel(), Mode::QtTest);
        for (QAbstractItemModel* m : std::initializer_list<QAbstractItemModel*> {page->model(), page->historyModel()})
            for (int c = 0; c < m->columnCount(); ++c)
                QVERIFY2(!m->headerData(c, Qt::Horizontal, Qt::ToolTipRole).toString().isEmpty(),
                         qPrintable(m->headerData(c, Qt::Horizontal).toString()));

        // The shipped rules, with the invalid-index check polled every 300 ms; rules file of its own.
        alerts::AlertMonitor* monitor = page->monitor();
        const QString rulesPath = m_dir.filePath(QStringLiteral("alert-rules.json"));
        QVERIFY(monitor->loadRules(rulesPath));
        QCOMPARE(monitor->rules(), alerts::defaultRules());
        monitor->setChecksPeriodMs(300);
        monitor->setPrometheusPeriodMs(300);
        page->tray()->setMinGapMs(1000);
        QSignalSpy messages(page->tray(), &ui::AlertTray::messageShown);

        // A real INVALID index: the unique build fails on duplicates and leaves it behind.
        QVERIFY(!exec(QStringLiteral("CREATE UNIQUE INDEX CONCURRENTLY %1 ON instruments (exchange)").arg(kIndex)));
        test::FakePrometheus prometheus;
        QVERIFY(prometheus.start());
        Profile profile = test::sandboxProfile();
        profile.prometheusUrl = prometheus.url();

        w.resize(1500, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.connectTo(profile, {}, 1000);
        w.tabs()->setCurrentWidget(page);

        // Firing: the invalid index (for 0) and Prometheus's HighCPUUsage; MaxDrawdownExceeded pending.
        QTRY_COMPARE_WITH_TIMEOUT(w.tabs()->tabText(9), QStringLiteral("Alerts (2)"), 10000);
        AlertModel* model = page->model();
        const int invalid = rowOf(model, AlertModel::NameColumn, QStringLiteral("INVALID index present"));
        QVERIFY(invalid >= 0);
        QCOMPARE(model->index(invalid, AlertModel::StateColumn).data().toString(), QStringLiteral("firing"));
        VERIFY_CONTAINS(model->index(invalid, AlertModel::SubjectColumn).data().toString(), kIndex);
        VERIFY_CONTAINS(model->index(invalid, AlertModel::DetailColumn).data().toString(),
                        QStringLiteral("DROP INDEX CONCURRENTLY \"public\".\"%1\"").arg(kIndex));
        const int cpu = rowOf(model, AlertModel::NameColumn, QStringLiteral("HighCPUUsage"));
        QVERIFY(cpu >= 0);
        QCOMPARE(model->index(cpu, AlertModel::SourceColumn).data().toString(), QStringLiteral("prometheus"));
        const int drawdown = rowOf(model, AlertModel::NameColumn, QStringLiteral("MaxDrawdownExceeded"));
        QVERIFY(drawdown >= 0);
        QCOMPARE(model->index(drawdown, AlertModel::StateColumn).data().toString(), QStringLiteral("pending"));
        VERIFY_CONTAINS(page->summaryText(), "2 firing");

        // A notification for what fired (one message, or two when the second came after the gap).
        QTRY_VERIFY_WITH_TIMEOUT(!messages.isEmpty(), 5000);
        QString notified;
        for (const QList<QVariant>& m : messages)
            notified += m.at(0).toString() + QLatin1Char('\n') + m.at(1).toString() + QLatin1Char('\n');
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                notified.clear();
                for (const QList<QVariant>& m : messages)
                    notified += m.at(0).toString() + QLatin1Char('\n') + m.at(1).toString() + QLatin1Char('\n');
                return notified.contains("INVALID index present") && notified.contains("HighCPUUsage");
            }(),
            5000);
        qInfo("notifications: %s", qPrintable(notified.simplified()));
        VERIFY_CONTAINS(page->tray()->toolTip(), "2 alert(s) firing");

        // Screenshot with the firing alerts, before they are handled.
        QTest::qWait(300); // let the 200 ms redraw debounce settle
        const QString png = test::outputDir() + QStringLiteral("/alerts.png");
        QVERIFY(w.grab().save(png));
        qInfo("screenshot: %s", qPrintable(png));

        // Acknowledge the invalid index from the page: the title counts one.
        QTableView* view = page->view();
        const auto select = [&](const QString& name) {
            view->clearSelection();
            for (int r = 0; r < view->model()->rowCount(); ++r)
                if (view->model()->index(r, AlertModel::NameColumn).data().toString() == name)
                    view->selectRow(r);
            QCOMPARE(view->selectionModel()->selectedRows().size(), 1);
        };
        select(QStringLiteral("INVALID index present"));
        QTest::mouseClick(page->acknowledgeButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(w.tabs()->tabText(9), QStringLiteral("Alerts (1)"), 2000);
        const int ackRow = rowOf(model, AlertModel::NameColumn, QStringLiteral("INVALID index present"));
        VERIFY_CONTAINS(model->index(ackRow, AlertModel::HandlingColumn).data().toString(), "acknowledged");

        // Silence the Prometheus alert for 1 hour from the menu: nothing left to handle.
        select(QStringLiteral("HighCPUUsage"));
        const QList<QAction*> actions = page->silenceMenu()->actions();
        QCOMPARE(actions.first()->text(), QStringLiteral("1 hour"));
        actions.first()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(w.tabs()->tabText(9), QStringLiteral("Alerts"), 2000);
        const int silencedRow = rowOf(model, AlertModel::NameColumn, QStringLiteral("HighCPUUsage"));
        VERIFY_CONTAINS(model->index(silencedRow, AlertModel::HandlingColumn).data().toString(), "silenced until");
        QCOMPARE(monitor->firingCount(), 2); // handled, still firing and listed

        // Dropping the index resolves its alert; the history keeps the episode with its times.
        QVERIFY(exec(QStringLiteral("DROP INDEX CONCURRENTLY %1").arg(kIndex)));
        QTRY_COMPARE_WITH_TIMEOUT(
            model->index(rowOf(model, AlertModel::NameColumn, "INVALID index present"), AlertModel::StateColumn)
                .data()
                .toString(),
            QStringLiteral("resolved"), 5000);
        AlertHistoryModel* history = page->historyModel();
        QTRY_VERIFY_WITH_TIMEOUT(rowOf(history, AlertHistoryModel::StateColumn, "resolved") >= 0, 3000);
        const int h = rowOf(history, AlertHistoryModel::StateColumn, "resolved");
        QCOMPARE(history->index(h, AlertHistoryModel::NameColumn).data().toString(),
                 QStringLiteral("INVALID index present"));
        QVERIFY(!history->index(h, AlertHistoryModel::AcknowledgedColumn).data().toString().isEmpty());
        QVERIFY(!history->index(h, AlertHistoryModel::FiredColumn).data().toString().isEmpty());

        w.disconnectFromCluster();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 0, 2000);
    }

    void ruleEditorEditsAndSaves()
    {
        ui::AlertRulesDialog dialog(alerts::defaultRules(), m_dir.filePath("rules.json"));
        AlertRuleModel* m = dialog.model();
        QAbstractItemModelTester tester(m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(m->rowCount(), int(alerts::defaultRules().size()));
        const int row = 0; // slow_queries
        QVERIFY(m->setData(m->index(row, AlertRuleModel::ThresholdColumn), 250.0));
        QVERIFY(m->setData(m->index(row, AlertRuleModel::ForColumn), 5));
        QVERIFY(m->setData(m->index(row, AlertRuleModel::SeverityColumn), QStringLiteral("critical")));
        QVERIFY(m->setData(m->index(row, AlertRuleModel::ComparisonColumn), QStringLiteral(">=")));
        QVERIFY(m->setData(m->index(row, AlertRuleModel::EnabledColumn), Qt::Unchecked, Qt::CheckStateRole));
        // Refused: not a comparison, a negative duration, an unknown severity.
        QVERIFY(!m->setData(m->index(row, AlertRuleModel::ComparisonColumn), QStringLiteral("=>")));
        QVERIFY(!m->setData(m->index(row, AlertRuleModel::ForColumn), -1));
        QVERIFY(!m->setData(m->index(row, AlertRuleModel::SeverityColumn), QStringLiteral("panic")));
        QVERIFY(!(m->flags(m->index(row, AlertRuleModel::NameColumn)) & Qt::ItemIsEditable));
        const alerts::AlertRule r = dialog.rules().first();
        QCOMPARE(r.threshold, 250.0);
        QCOMPARE(r.forSec, 5);
        QCOMPARE(r.severity, alerts::Severity::Critical);
        QCOMPARE(r.comparison, alerts::Comparison::GreaterOrEqual);
        QVERIFY(!r.enabled);
        QString error;
        QVERIFY(alerts::saveRules(m_dir.filePath("rules.json"), dialog.rules(), &error));
        QList<alerts::AlertRule> back;
        QVERIFY(alerts::loadRules(m_dir.filePath("rules.json"), &back, &error));
        QCOMPARE(back, dialog.rules());
    }

    void cleanupTestCase() { exec(QStringLiteral("DROP INDEX CONCURRENTLY IF EXISTS %1").arg(kIndex)); }
};

QTEST_MAIN(TestAlertsPage)
#include "tst_alertspage.moc"
