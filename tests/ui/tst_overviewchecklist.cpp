// The daily checklist in the Overview, offscreen on the live sandbox: it runs by itself once
// connected and on F5 (on a pool thread: the GUI thread keeps servicing events), its items carry
// the same ids, statuses and figures as `vigil checklist --json` for the same sandbox, the model passes
// QAbstractItemModelTester, Cancel stops a run and keeps the previous results, the since selector
// parses what the CLI parses, and the section is grabbed as PNGs (light, and dark for the theme).
#include "checklist/checklist.h"
#include "models/checklistmodel.h"
#include "stallmeter.h"
#include "testsupport.h"
#include "ui/checklistpanel.h"
#include "ui/mainwindow.h"
#include "ui/overviewpage.h"
#include "ui/theme.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QChart>
#include <QComboBox>
#include <QGraphicsScene>
#include <QGraphicsView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QProcess>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace vigil;

namespace {
QHash<QString, QJsonObject> cliItems()
{
    QTemporaryDir data; // its own local store, like the console's
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_DATA_HOME"), data.path());
    p.setProcessEnvironment(env);
    p.start(test::vigilBinary(), {"checklist", "--sandbox-dir", test::sandboxDir(), "--json"});
    if (!p.waitForFinished(90000))
        p.kill();
    const QJsonDocument d = QJsonDocument::fromJson(p.readAllStandardOutput());
    QHash<QString, QJsonObject> out;
    for (const QJsonValue& v : d.object().value("items").toArray())
        out.insert(v.toObject().value("id").toString(), v.toObject());
    return out;
}
} // namespace

class TestOverviewChecklist : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

    // Connects `w` to the sandbox and waits for the checklist's first complete run.
    static bool connectAndWait(ui::MainWindow& w)
    {
        ui::ChecklistPanel* panel = w.overview()->checklist();
        QSignalSpy done(panel, &ui::ChecklistPanel::finished);
        w.connectTo(test::sandboxProfile(), {}, 1000);
        // It starts by itself: the Overview is the current tab.
        if (!panel->isRunning())
            return false;
        if (!QTest::qWaitFor([&] { return !done.isEmpty(); }, 90000))
            return false;
        return done.constFirst().constFirst().toBool();
    }

private Q_SLOTS:
    void itemsMatchTheCli()
    {
        ui::MainWindow w(nullptr, m_dir.filePath(QStringLiteral("vigil.sqlite")));
        ui::ChecklistPanel* panel = w.overview()->checklist();
        QAbstractItemModelTester tester(panel->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        for (int c = 0; c < panel->model()->columnCount(); ++c)
            QVERIFY(!panel->model()->headerData(c, Qt::Horizontal, Qt::ToolTipRole).toString().isEmpty());
        QCOMPARE(panel->sinceBox()->currentText(), QStringLiteral("last 24 hours"));
        w.resize(1400, 1000);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));

        QElapsedTimer clock;
        clock.start();
        QVERIFY(connectAndWait(w));
        qInfo("checklist in the console, from connect: %lld ms", clock.elapsed());
        // Refresh (F5) while the monitor polls: the GUI thread keeps servicing events. Run on the
        // GUI thread, the checklist would stall it for its whole duration (0.4-2 s measured).
        {
            QSignalSpy done(panel, &ui::ChecklistPanel::finished);
            test::StallMeter meter;
            meter.start();
            clock.restart();
            // F5 is the Refresh button's shortcut while the Overview is the current tab.
            w.activateWindow();
            QVERIFY(QTest::qWaitForWindowActive(&w));
            QTest::keyClick(&w, Qt::Key_F5); // a button shortcut clicks after its 100 ms animation
            QTRY_VERIFY_WITH_TIMEOUT(!done.isEmpty(), 90000);
            meter.stop();
            QVERIFY(done.constFirst().constFirst().toBool());
            qInfo("refresh: %lld ms; longest GUI-thread stall meanwhile %.1f ms", clock.elapsed(),
                  meter.longestStallMs());
            QVERIFY2(meter.longestStallMs() < 250 * test::kStallBudgetFactor,
                     qPrintable(QString::number(meter.longestStallMs())));
        }

        const ChecklistModel* model = panel->model();
        QVERIFY(model->rowCount() >= 10);
        clock.restart();
        const QHash<QString, QJsonObject> cli = cliItems();
        qInfo("vigil checklist --json: %lld ms", clock.elapsed());
        QCOMPARE(model->rowCount(), int(cli.size()));
        for (const checklist::ChecklistItem& item : model->allRows()) {
            QVERIFY2(cli.contains(item.id), qPrintable(item.id));
            const QJsonObject c = cli.value(item.id);
            QVERIFY2(!item.figure.isEmpty(), qPrintable(item.id));
            // Items about topology and the catalog describe the same state in both runs; load
            // figures (lag, connections, advisor time) move between two runs and are only
            // required to be there.
            static const QStringList stable {"nodes",           "redis_replication", "sentinel_quorum",
                                             "invalid_indexes", "archiving",         "pgbouncer_waiting"};
            if (stable.contains(item.id)) {
                QCOMPARE(item.figure, c.value("figure").toString());
                QCOMPARE(item.status, c.value("status").toString());
            }
            // What the table shows is that item.
            const int row = model->rowOf(item.id);
            QCOMPARE(model->index(row, ChecklistModel::FigureColumn).data().toString(), item.figure);
            QCOMPARE(model->index(row, ChecklistModel::StatusColumn).data().toString(),
                     ChecklistModel::statusText(statusFromString(item.status)));
            QVERIFY(!model->index(row, ChecklistModel::StatusColumn).data(Qt::DecorationRole).value<QIcon>().isNull());
            VERIFY_CONTAINS(model->index(row, ChecklistModel::ItemColumn).data(Qt::ToolTipRole).toString(),
                            item.figure);
        }
        QCOMPARE(model->rowOf("nodes") >= 0 ? model->allRows()[model->rowOf("nodes")].figure : QString(),
                 QStringLiteral("8 of 8 up"));
        // The verdict counts what the table holds.
        const QString verdict = panel->verdict()->text();
        QVERIFY2(verdict.contains(QString::number(model->count(StatusLevel::Ok))), qPrintable(verdict));
        // Sorting on the status column puts the worst first (numeric sort role).
        panel->table()->sortByColumn(ChecklistModel::StatusColumn, Qt::DescendingOrder);
        const QString worst = panel->table()->model()->index(0, ChecklistModel::StatusColumn).data().toString();
        QVERIFY(worst == QLatin1String("fail") || worst == QLatin1String("warn"));
        panel->table()->sortByColumn(-1, Qt::AscendingOrder);

        const QString png = test::outputDir() + QStringLiteral("/checklist.png");
        QVERIFY(w.grab().save(png));
        qInfo("screenshot: %s", qPrintable(png));
    }

    void cancelKeepsTheLastResults()
    {
        ui::MainWindow w(nullptr, m_dir.filePath(QStringLiteral("vigil2.sqlite")));
        ui::ChecklistPanel* panel = w.overview()->checklist();
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(connectAndWait(w));
        const int rows = panel->model()->rowCount();
        QVERIFY(rows > 0);

        QSignalSpy done(panel, &ui::ChecklistPanel::finished);
        QElapsedTimer clock;
        clock.start();
        panel->refresh();
        QVERIFY(panel->isRunning());
        panel->cancel();
        QTRY_VERIFY_WITH_TIMEOUT(!done.isEmpty(), 30000);
        qInfo("cancelled run returned after %lld ms", clock.elapsed());
        QCOMPARE(done.constFirst().constFirst().toBool(), false);
        QCOMPARE(panel->model()->rowCount(), rows);
        VERIFY_CONTAINS(panel->verdict()->text(), "cancelled");

        // The since selector takes what `vigil checklist --since` takes; a wrong one runs nothing.
        panel->sinceBox()->setEditText(QStringLiteral("90m"));
        const qint64 ago = panel->since().secsTo(QDateTime::currentDateTimeUtc());
        QVERIFY2(ago >= 90 * 60 - 5 && ago <= 90 * 60 + 5, qPrintable(QString::number(ago)));
        panel->sinceBox()->setEditText(QStringLiteral("yesterday-ish"));
        QVERIFY(!panel->since().isValid());
        panel->refresh();
        QVERIFY(!panel->isRunning());
        VERIFY_CONTAINS(panel->verdict()->text(), "not a time");
    }

    void darkPaletteFollowsEverywhere()
    {
        ui::MainWindow w(nullptr, m_dir.filePath(QStringLiteral("vigil3.sqlite")));
        w.resize(1400, 1000);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QCOMPARE(w.overview()->chart()->theme(), QChart::ChartThemeLight);
        // After the window exists: every widget gets the palette change and follows it.
        QVERIFY(ui::applyTheme(ui::ThemeMode::Dark));
        QVERIFY(QApplication::palette().color(QPalette::Window).lightness() < 80);
        // Widgets hear of the new palette through events: wait for them, never for time.
        QTRY_COMPARE(w.overview()->chart()->theme(), QChart::ChartThemeDark);
        // What the chart paints, not only its setting: a background pixel of the view is dark.
        QGraphicsView* chartView = w.overview()->chart()->scene()->views().constFirst();
        QTRY_VERIFY(chartView->grab().toImage().pixelColor(4, 4).lightness() < 100);
        QVERIFY(connectAndWait(w));
        const QImage shot = w.grab().toImage();
        // The window really is dark: the pixel in the middle of the status bar is.
        QVERIFY(shot.pixelColor(shot.width() / 2, shot.height() - 4).lightness() < 100);
        const QString png = test::outputDir() + QStringLiteral("/overview-dark.png");
        QVERIFY(shot.save(png));
        qInfo("screenshot: %s", qPrintable(png));
        QVERIFY(!ui::applyTheme(ui::ThemeMode::Light));
        QTRY_COMPARE(w.overview()->chart()->theme(), QChart::ChartThemeLight);
    }
};

QTEST_MAIN(TestOverviewChecklist)
#include "tst_overviewchecklist.moc"
