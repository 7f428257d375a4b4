// A drill's result as it is kept and shown again: JSON round trip, the verdict against targets,
// the self-contained HTML report with its SVG chart, the local store's drill_run table and the
// Past drills model (checked with QAbstractItemModelTester).
#include "drills/drillreport.h"
#include "models/drillrunmodel.h"
#include "store/drillstore.h"
#include "store/localstore.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace vigil;

namespace {

drills::DrillResult sample(bool ok)
{
    drills::DrillResult r;
    r.kind = QStringLiteral("pg");
    r.runId = QStringLiteral("run-1");
    r.oldPrimary = QStringLiteral("pg1");
    r.newPrimary = QStringLiteral("pg2");
    r.rtoMs = 231;
    r.rpoLostWrites = 2;
    r.rpoLostBytes = 4096;
    r.probeAcknowledged = 40;
    r.probeFailed = 5;
    r.repaired = ok;
    const QStringList names {QStringLiteral("Pre-flight"), QStringLiteral("Start write probe"),
                             QStringLiteral("Crash primary"), QStringLiteral("Promote replica")};
    qint64 at = 0;
    for (const QString& n : names) {
        drills::DrillStep s;
        s.name = n;
        s.state = drills::DrillStep::State::Ok;
        s.startMs = at;
        s.ms = 100;
        s.detail = n + QStringLiteral(" <detail> & more");
        at += 1000;
        r.steps << s;
    }
    if (!ok)
        r.steps.last().state = drills::DrillStep::State::Failed;
    for (int i = 0; i < 30; ++i)
        r.probe << drills::ProbeBucket {i * 100, i == 20 ? 0 : 2, i == 20 ? 2 : 0};
    r.conclude(QStringLiteral("run `vigil sandbox repair`"));
    return r;
}

} // namespace

class TestDrillReport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void jsonRoundTrip()
    {
        const drills::DrillResult r = sample(true);
        const drills::DrillResult back = drills::DrillResult::fromJson(r.toJson());
        QCOMPARE(back.toJson(), r.toJson());
        QCOMPARE(back.steps.size(), 4);
        QCOMPARE(back.steps.at(2).startMs, 2000);
        QCOMPARE(back.probe.size(), 30);
        QCOMPARE(back.faultAtMs(), 2000);
        const drills::DrillResult failed = drills::DrillResult::fromJson(sample(false).toJson());
        QVERIFY(failed.aborted && !failed.ok);
        QCOMPARE(failed.steps.last().state, drills::DrillStep::State::Failed);
        QCOMPARE(failed.nextAction, QStringLiteral("run `vigil sandbox repair`"));
    }

    void verdict_data()
    {
        QTest::addColumn<qint64>("rtoTarget");
        QTest::addColumn<qint64>("rpoTarget");
        QTest::addColumn<bool>("rtoOk");
        QTest::addColumn<bool>("rpoOk");
        QTest::newRow("both met") << qint64(5000) << qint64(2) << true << true;
        QTest::newRow("rto exactly") << qint64(231) << qint64(5) << true << true;
        QTest::newRow("rto missed") << qint64(230) << qint64(5) << false << true;
        QTest::newRow("rpo zero") << qint64(5000) << qint64(0) << true << false;
    }
    void verdict()
    {
        QFETCH(qint64, rtoTarget);
        QFETCH(qint64, rpoTarget);
        QFETCH(bool, rtoOk);
        QFETCH(bool, rpoOk);
        const drills::DrillVerdict v = drills::judge(sample(true), {rtoTarget, rpoTarget});
        QCOMPARE(v.rtoOk, rtoOk);
        QCOMPARE(v.rpoOk, rpoOk);
        QCOMPARE(v.pass(), rtoOk && rpoOk);
        // An aborted drill never passes, whatever it measured.
        QVERIFY(!drills::judge(sample(false), {rtoTarget, rpoTarget}).pass());
    }

    void htmlReport()
    {
        const QString html = drills::reportHtml(sample(true), {5000, 0}, QStringLiteral("sandbox"),
                                                QDateTime::fromSecsSinceEpoch(1800000000, Qt::UTC));
        QVERIFY(html.startsWith(QLatin1String("<!DOCTYPE html>")));
        QVERIFY(html.contains(QLatin1String("<svg")));
        QVERIFY(html.contains(QLatin1String("231 ms")));
        QVERIFY(html.contains(QLatin1String("4,096")));
        QVERIFY(html.contains(QLatin1String("FAIL"))); // 2 writes lost against an RPO target of 0
        QVERIFY(html.contains(QLatin1String("&lt;detail&gt; &amp; more"))); // escaped, never raw
        QVERIFY(!html.contains(QLatin1String("<detail>")));
        // One green bar per bucket with acknowledged writes, one red bar for the failed bucket.
        QCOMPARE(html.count(QLatin1String("fill='#2e7d32'/>")), 29);
        QCOMPARE(html.count(QLatin1String("fill='#c62828'/>")), 1);
        const QString aborted = drills::reportHtml(sample(false), {}, QStringLiteral("sandbox"), {});
        QVERIFY(aborted.contains(QLatin1String("Drill aborted")));
        QVERIFY(aborted.contains(QLatin1String("vigil sandbox repair")));
    }

    void storeAndModel()
    {
        QTemporaryDir dir;
        store::LocalStore local(dir.filePath(QStringLiteral("v.sqlite")));
        store::DrillStore drills(&local);
        DrillRunModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QDateTime t0 = QDateTime::fromSecsSinceEpoch(1800000000, Qt::UTC);
        const qint64 a = drills.save(QStringLiteral("sandbox"), t0, sample(true), 5000, 2);
        const qint64 b = drills.save(QStringLiteral("sandbox"), t0.addSecs(60), sample(false), 5000, 0);
        drills.save(QStringLiteral("other"), t0, sample(true), 5000, 0);
        QVERIFY(a > 0 && b > a);
        const QList<store::DrillRecord> list = drills.list(QStringLiteral("sandbox"));
        QCOMPARE(list.size(), 2);
        QCOMPARE(list.first().id, b); // newest first
        model.merge(list);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, DrillRunModel::OutcomeColumn).data().toString(), QStringLiteral("aborted"));
        QCOMPARE(model.index(1, DrillRunModel::OutcomeColumn).data().toString(), QStringLiteral("PASS"));
        QCOMPARE(model.index(1, DrillRunModel::RtoColumn).data(DrillRunModel::SortRole).toLongLong(), 231);
        QCOMPARE(model.index(1, DrillRunModel::MoveColumn).data().toString(), QStringLiteral("pg1 → pg2"));
        QCOMPARE(drills.result(a).toJson(), sample(true).toJson());
        QVERIFY(drills.result(9999).kind.isEmpty());
        // A new drill inserts one row and keeps the others in place.
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        drills.save(QStringLiteral("sandbox"), t0.addSecs(120), sample(true), 100, 0);
        model.merge(drills.list(QStringLiteral("sandbox")));
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(removed.count(), 0);
        QCOMPARE(model.index(2, DrillRunModel::OutcomeColumn).data().toString(), QStringLiteral("FAIL"));
    }
};

QTEST_GUILESS_MAIN(TestDrillReport)
#include "tst_drillreport.moc"
