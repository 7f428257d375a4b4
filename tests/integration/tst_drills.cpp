// Failover drills on the shared sandbox. The PostgreSQL unplanned drill and the planned
// switchover each run three times in a row
// (pg1 -> pg2 -> pg1 -> pg2): each must pass, measure an RTO within sane bounds, repair the old
// primary into a streaming standby, and report an RPO that equals the test's own count of the
// acknowledged probe rows missing on the new primary; `sandbox status` must follow the moves. A
// fourth drill puts pg1 back as primary, the layout the later tests were written for. The Redis
// drills (paused master and SENTINEL FAILOVER, three times each, alternating) leave the master
// wherever they end: Redis tests ask Sentinel. Forced failures (no streaming standby, promotion
// refused, pg_rewind failing, Sentinel without quorum) end aborted, and `sandbox repair` restores.
#include "drills/pgfailoverdrill.h"
#include "drills/redisfailoverdrill.h"
#include "drills/rediswriteprobe.h"
#include "pg/pgconnection.h"
#include "redis/redisconnection.h"
#include "sandbox/failover.h"
#include "sandbox/repair.h"
#include "sandbox/sandbox.h"
#include "sandbox/state.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <functional>

using namespace vigil;

class TestDrills : public QObject
{
    Q_OBJECT

    static int portOf(const QString& node)
    {
        sandbox::State s;
        sandbox::State::load(test::sandboxDir(), &s, nullptr);
        return node == QLatin1String("pg1") ? s.pg1Port : s.pg2Port;
    }

    static drills::DrillResult runPgDrill(QStringList* seen = nullptr,
                                          drills::PgFailoverDrill::Mode mode = drills::PgFailoverDrill::Mode::Unplanned)
    {
        drills::PgFailoverDrill::Options o;
        o.sandboxDir = test::sandboxDir();
        o.mode = mode;
        drills::PgFailoverDrill drill(o);
        return drill.run([seen](const drills::DrillStep& s) {
            if (seen && s.state != drills::DrillStep::State::Running)
                *seen << s.name;
        });
    }

    // One primary (`primary`), the other node streaming from it, pgbouncer reaching the primary,
    // and `sandbox status` saying so.
    static void verifyHealthyPair(const QString& primary)
    {
        const QString standby = primary == QLatin1String("pg1") ? QStringLiteral("pg2") : QStringLiteral("pg1");
        pg::Connection c;
        QVERIFY(c.open(pg::ConnectOptions {sandbox::State::pgConninfo(portOf(primary))}));
        QCOMPARE(c.exec(QStringLiteral("SELECT pg_is_in_recovery()")).toBool(0, 0), false);
        QTRY_COMPARE_WITH_TIMEOUT(c.exec(QStringLiteral("SELECT count(*) FROM pg_stat_replication WHERE "
                                                        "application_name = $1 AND state = 'streaming'"),
                                         {standby})
                                      .toInt64(0, 0),
                                  qint64(1), 20000);
        sandbox::State st;
        QVERIFY(sandbox::State::load(test::sandboxDir(), &st, nullptr));
        pg::Connection via;
        QVERIFY(via.open(pg::ConnectOptions {sandbox::State::pgConninfo(st.pgbouncerPort)}));
        QCOMPARE(via.execSimple(QStringLiteral("SELECT inet_server_port()")).toInt64(0, 0), qint64(portOf(primary)));
        sandbox::Topology t;
        QJsonObject health;
        QString error;
        QVERIFY2(sandbox::status(test::sandboxDir(), &t, &health, &error), qPrintable(error));
        QCOMPARE(t.primary, sandbox::State::pgConninfo(portOf(primary)));
        QCOMPARE(t.replicas, QStringList {sandbox::State::pgConninfo(portOf(standby))});
    }

private Q_SLOTS:
    void pgUnplannedThreeTimes()
    {
        for (int round = 1; round <= 3; ++round) {
            QStringList steps;
            const drills::DrillResult r = runPgDrill(&steps);
            for (const drills::DrillStep& s : r.steps)
                qInfo("round %d: %s %s (%lld ms): %s", round, s.ok() ? "ok" : "FAILED", qPrintable(s.name), s.ms,
                      qPrintable(s.detail));
            QVERIFY2(r.ok, qPrintable(r.abortReason));
            QCOMPARE(steps.size(), 8);
            QVERIFY(r.oldPrimary != r.newPrimary);
            // Sane bounds: promotion plus a reconnect; the probe writes every 50 ms.
            QVERIFY2(r.rtoMs > 0 && r.rtoMs < 10000, qPrintable(QString::number(r.rtoMs)));
            QVERIFY(r.probeAcknowledged >= 15);
            QVERIFY(r.repaired);

            // The independent count: acknowledged sequence numbers present on the new primary.
            pg::Connection c;
            pg::ConnectOptions o {sandbox::State::pgConninfo(portOf(r.newPrimary))};
            QVERIFY(c.open(o));
            QStringList acked;
            for (qint64 seq : r.acknowledgedSeqs)
                acked << QString::number(seq);
            const pg::Result present
                = c.exec(QStringLiteral("SELECT count(*) FROM vigil_drill_probe WHERE run_id = $1 AND seq = ANY($2)"),
                         {r.runId, QLatin1Char('{') + acked.join(QLatin1Char(',')) + QLatin1Char('}')});
            QVERIFY(present.ok());
            QCOMPARE(qint64(r.acknowledgedSeqs.size()), r.probeAcknowledged);
            QCOMPARE(r.rpoLostWrites, r.probeAcknowledged - present.toInt64(0, 0));
            QVERIFY(r.rpoLostBytes >= 0);
            QCOMPARE(c.exec(QStringLiteral("SELECT pg_is_in_recovery()")).toBool(0, 0), false);
            qInfo("round %d: %s -> %s, RTO %lld ms, RPO %lld writes / %lld bytes, %lld acknowledged", round,
                  qPrintable(r.oldPrimary), qPrintable(r.newPrimary), r.rtoMs, r.rpoLostWrites, r.rpoLostBytes,
                  r.probeAcknowledged);

            // The sandbox's own view follows the move.
            sandbox::Topology t;
            QJsonObject health;
            QString error;
            QVERIFY2(sandbox::status(test::sandboxDir(), &t, &health, &error), qPrintable(error));
            QCOMPARE(t.primary, sandbox::State::pgConninfo(portOf(r.newPrimary)));
            QCOMPARE(t.replicas, QStringList {sandbox::State::pgConninfo(portOf(r.oldPrimary))});
            QVERIFY2(health.value(r.oldPrimary).toObject().value(QStringLiteral("ok")).toBool(),
                     qPrintable(health.value(r.oldPrimary).toObject().value(QStringLiteral("detail")).toString()));
        }
    }

    // The planned switchover: clean stop, the standby replays the shutdown checkpoint, promote.
    // Nothing acknowledged may be lost, by the drill's count and by the test's.
    void pgSwitchoverThreeTimes()
    {
        for (int round = 1; round <= 3; ++round) {
            const drills::DrillResult r = runPgDrill(nullptr, drills::PgFailoverDrill::Mode::Planned);
            QVERIFY2(r.ok, qPrintable(r.abortReason));
            QCOMPARE(r.kind, QStringLiteral("pg-switchover"));
            QCOMPARE(r.steps.size(), 9);
            QCOMPARE(r.rpoLostWrites, 0);
            QCOMPARE(r.rpoLostBytes, 0);
            QVERIFY(r.rtoMs > 0 && r.rtoMs < 10000);
            pg::Connection c;
            QVERIFY(c.open(pg::ConnectOptions {sandbox::State::pgConninfo(portOf(r.newPrimary))}));
            const pg::Result present
                = c.exec(QStringLiteral("SELECT count(*) FROM vigil_drill_probe WHERE run_id = $1 AND seq <= $2"),
                         {r.runId, r.acknowledgedSeqs.isEmpty() ? 0 : r.acknowledgedSeqs.last()});
            QVERIFY(present.toInt64(0, 0) >= qint64(r.acknowledgedSeqs.size()));
            qInfo("switchover %d: %s -> %s, RTO %lld ms, %lld acknowledged, none lost", round, qPrintable(r.oldPrimary),
                  qPrintable(r.newPrimary), r.rtoMs, r.probeAcknowledged);
        }
    }

    // A forced failure after the fault: at the moment the drill promotes the standby, something
    // else (here the test) has promoted it already, so the drill's pg_promote is refused. The drill
    // ends aborted with the cause and the next action; `sandbox repair` then keeps the promoted
    // node, rewinds the crashed one into its standby and points pgbouncer at the new primary.
    void pgPromoteRefusedAborts()
    {
        QString promotedByTest, error;
        drills::PgFailoverDrill::Options o;
        o.sandboxDir = test::sandboxDir();
        const drills::DrillResult r = drills::PgFailoverDrill(o).run([&](const drills::DrillStep& s) {
            if (s.name != QLatin1String("Promote replica") || s.state != drills::DrillStep::State::Running)
                return;
            for (const QString& node : {QStringLiteral("pg1"), QStringLiteral("pg2")}) {
                pg::Connection c;
                if (c.open(pg::ConnectOptions {sandbox::State::pgConninfo(portOf(node))})
                    && c.exec(QStringLiteral("SELECT pg_is_in_recovery()")).toBool(0, 0)
                    && c.exec(QStringLiteral("SELECT pg_promote(true, 30)")).toBool(0, 0))
                    promotedByTest = node;
            }
        });
        QVERIFY(!promotedByTest.isEmpty());
        QVERIFY(!r.ok && r.aborted);
        QCOMPARE(r.steps.last().name, QStringLiteral("Promote replica"));
        QCOMPARE(r.steps.last().state, drills::DrillStep::State::Failed);
        qInfo("aborted: %s\nnext: %s", qPrintable(r.abortReason), qPrintable(r.nextAction));
        VERIFY_CONTAINS(r.abortReason, "recovery is not in progress");
        VERIFY_CONTAINS(r.abortReason, "promoted outside this drill");
        VERIFY_CONTAINS(r.nextAction, "vigil sandbox repair");
        QCOMPARE(r.rtoMs, -1);
        QVERIFY(!r.repaired);

        sandbox::RepairReport repair;
        QVERIFY2(sandbox::repair(test::sandboxDir(), &repair, &error), qPrintable(error));
        qInfo("repair after a refused promotion: %s", qPrintable(repair.actions.join(QStringLiteral("; "))));
        QCOMPARE(repair.pgPrimary, promotedByTest);
        VERIFY_CONTAINS(repair.actions.join(QLatin1Char(';')), "rejoined " + repair.pgStandby);
        VERIFY_CONTAINS(repair.actions.join(QLatin1Char(';')), "pointed pgbouncer at " + promotedByTest);
        verifyHealthyPair(promotedByTest);
    }

    // pg_rewind fails (the crashed primary's control file is gone, as after a disk fault): the
    // drill ends aborted at the rejoin with pg_rewind's error; the new primary keeps serving, and
    // `sandbox repair` falls back to a fresh pg_basebackup of the broken node.
    void pgRewindFailingAborts()
    {
        QString broken;
        drills::PgFailoverDrill::Options o;
        o.sandboxDir = test::sandboxDir();
        const drills::DrillResult r = drills::PgFailoverDrill(o).run([&](const drills::DrillStep& s) {
            if (s.name != QLatin1String("Rejoin old primary") || s.state != drills::DrillStep::State::Running)
                return;
            for (const QString& node : {QStringLiteral("pg1"), QStringLiteral("pg2")})
                if (sandbox::componentPid(test::sandboxDir(), node) == 0) {
                    const QString control = test::sandboxDir() + '/' + node + QStringLiteral("/global/pg_control");
                    if (QFile::rename(control, control + QStringLiteral(".moved-by-test")))
                        broken = node;
                }
        });
        QVERIFY(!broken.isEmpty());
        QCOMPARE(r.oldPrimary, broken);
        QVERIFY(!r.ok && r.aborted);
        QCOMPARE(r.steps.last().name, QStringLiteral("Rejoin old primary"));
        qInfo("aborted: %s\nnext: %s", qPrintable(r.abortReason), qPrintable(r.nextAction));
        VERIFY_CONTAINS(r.abortReason, "pg_rewind of " + broken + " failed");
        VERIFY_CONTAINS(r.nextAction, "vigil sandbox repair");
        // Everything before the rejoin was measured.
        QVERIFY(r.rtoMs > 0);
        QVERIFY(r.rpoLostWrites >= 0);
        QVERIFY(!r.repaired);

        sandbox::RepairReport repair;
        QString error;
        QVERIFY2(sandbox::repair(test::sandboxDir(), &repair, &error), qPrintable(error));
        qInfo("repair after a failed pg_rewind: %s", qPrintable(repair.actions.join(QStringLiteral("; "))));
        QCOMPARE(repair.pgPrimary, r.newPrimary);
        VERIFY_CONTAINS(repair.actions.join(QLatin1Char(';')), "re-cloned " + broken);
        verifyHealthyPair(r.newPrimary);
    }

    // The planned switchover as it runs on a real cluster, where Vigil reaches the servers through
    // SQL alone: `vigil drill pg-switchover --pg A --pg-replica B` (no sandbox directory) fences
    // the primary read-only, waits for the standby, promotes it and loses nothing; the old primary
    // is left up and read-only, and the result says what to run on its host. The test then does
    // what the operator would, through `sandbox repair` (rejoin and pgbouncer).
    void pgSwitchoverRealCluster()
    {
        const PgNode primary = test::primaryNode(), standby = test::replicaNodes().value(0);
        QProcess p;
        QTemporaryDir data;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_DATA_HOME"), data.path());
        p.setProcessEnvironment(env);
        p.start(test::vigilBinary(),
                {QStringLiteral("drill"), QStringLiteral("pg-switchover"), QStringLiteral("--pg"), primary.conninfo,
                 QStringLiteral("--pg-replica"), standby.conninfo, QStringLiteral("--json")});
        QVERIFY(p.waitForFinished(90000));
        const QByteArray err = p.readAllStandardError();
        const QJsonObject r = QJsonDocument::fromJson(p.readAllStandardOutput()).object();
        QVERIFY2(p.exitCode() == 0 && r.value("ok").toBool(), err.constData());
        QCOMPARE(r.value("kind").toString(), QStringLiteral("pg-switchover"));
        QCOMPARE(r.value("rpo_lost_writes").toInteger(), 0);
        QVERIFY(r.value("rto_ms").toInteger() > 0 && r.value("rto_ms").toInteger() < 10000);
        QCOMPARE(r.value("repaired").toBool(), false);
        VERIFY_CONTAINS(r.value("next_action").toString(), "pg_rewind");
        QStringList names;
        for (const QJsonValue& v : r.value("steps").toArray())
            names << v.toObject().value("name").toString();
        QCOMPARE(names,
                 (QStringList {"Pre-flight", "Start write probe", "Fence writes on primary", "Standby caught up",
                               "Promote replica", "Writes resume", "Measure RPO"}));
        // The independent count: every acknowledged probe row is on the new primary.
        pg::Connection promoted, fenced;
        QVERIFY(promoted.open(pg::ConnectOptions {standby.conninfo}));
        QVERIFY(fenced.open(pg::ConnectOptions {primary.conninfo}));
        QCOMPARE(promoted.exec(QStringLiteral("SELECT pg_is_in_recovery()")).toBool(0, 0), false);
        QCOMPARE(promoted
                     .exec(QStringLiteral("SELECT count(*) FROM vigil_drill_probe WHERE run_id = $1"),
                           {r.value("run_id").toString()})
                     .toInt64(0, 0),
                 r.value("probe_acknowledged").toInteger());
        // The old primary is fenced: up, not a standby, refusing writes.
        QCOMPARE(fenced.exec(QStringLiteral("SHOW default_transaction_read_only")).text(0, 0), QStringLiteral("on"));
        QVERIFY(!fenced.exec(QStringLiteral("CREATE TEMP TABLE t (x int)")).ok());

        // Two primaries now, pgbouncer still on the old one: repair keeps the later promotion.
        QString error;
        sandbox::RepairReport repair;
        QVERIFY2(sandbox::repair(test::sandboxDir(), &repair, &error), qPrintable(error));
        qInfo("switchover RTO %lld ms; then repair: %s", r.value("rto_ms").toInteger(),
              qPrintable(repair.actions.join(QStringLiteral("; "))));
        QCOMPARE(repair.pgPrimary, standby.name);
        VERIFY_CONTAINS(repair.actions.join(QLatin1Char(';')), "stopped " + primary.name);
        verifyHealthyPair(standby.name);
        pg::Connection rejoined;
        QVERIFY(rejoined.open(pg::ConnectOptions {primary.conninfo}));
        QCOMPARE(rejoined.exec(QStringLiteral("SHOW default_transaction_read_only")).text(0, 0), QStringLiteral("off"));
    }

    // Forced failures end in a clear aborted state with what to do next, and change nothing.
    void pgWithoutStreamingStandbyAborts()
    {
        const PgNode standby = test::replicaNodes().value(0);
        QVERIFY(!standby.name.isEmpty());
        QString error;
        QVERIFY2(sandbox::stopNode(test::sandboxDir(), standby.name, &error), qPrintable(error));
        const drills::DrillResult r = runPgDrill();
        QVERIFY2(sandbox::startNode(test::sandboxDir(), standby.name, &error), qPrintable(error));
        QVERIFY(!r.ok && r.aborted);
        QCOMPARE(r.steps.size(), 1);
        QCOMPARE(r.steps.first().name, QStringLiteral("Pre-flight"));
        VERIFY_CONTAINS(r.abortReason, standby.name);
        VERIFY_CONTAINS(r.nextAction, "Nothing was changed");
        QCOMPARE(r.rtoMs, -1);
        // Streaming again before the next test.
        pg::Connection primary;
        QVERIFY(primary.open(pg::ConnectOptions {test::primaryNode().conninfo}));
        QTRY_VERIFY_WITH_TIMEOUT(
            primary.exec(QStringLiteral("SELECT 1 FROM pg_stat_replication WHERE application_name = "
                                        "$1 AND state = 'streaming'"),
                         {standby.name})
                    .rows()
                == 1,
            20000);
    }

    void redisWithoutQuorumAborts()
    {
        QString error;
        sandbox::State st;
        QVERIFY(sandbox::State::load(test::sandboxDir(), &st, &error));
        const auto quorumOk = [&] {
            redis::Endpoint e;
            redis::Endpoint::parse(sandbox::State::hostPort(st.sentinelPorts.first()), &e);
            redis::Connection c;
            return c.open(e, 500) && !c.command(QByteArrayList {"SENTINEL", "CKQUORUM", "trading"}).isError();
        };
        // Whatever happens below, the two Sentinels come back and agree before the next test.
        struct Restore
        {
            std::function<void()> fn;
            ~Restore() { fn(); }
        } restore {[&] {
            QString e;
            for (const char* s : {"sentinel2", "sentinel3"})
                sandbox::startNode(test::sandboxDir(), QLatin1String(s), &e);
            QElapsedTimer t;
            t.start();
            while (!quorumOk() && t.elapsed() < 30000)
                QTest::qWait(200);
        }};
        for (const char* s : {"sentinel2", "sentinel3"})
            QVERIFY2(sandbox::stopNode(test::sandboxDir(), QLatin1String(s), &error), qPrintable(error));
        // Sentinel needs down-after-milliseconds to see its peers gone.
        QTRY_VERIFY_WITH_TIMEOUT(!quorumOk(), 15000);
        drills::RedisFailoverDrill::Options o;
        o.sandboxDir = test::sandboxDir();
        const drills::DrillResult r = drills::RedisFailoverDrill(o).run();
        QVERIFY(!r.ok && r.aborted);
        QCOMPARE(r.steps.size(), 1);
        VERIFY_CONTAINS(r.abortReason, "quorum");
        VERIFY_CONTAINS(r.nextAction, "Nothing was changed");
    }

    // Unplanned (master paused) once and manual (SENTINEL FAILOVER) twice: the master moves
    // redis1 -> redis2 -> redis1 -> redis2 and every time the old one must rejoin as a replica.
    void redisDrills_data()
    {
        QTest::addColumn<bool>("unplanned");
        for (int round = 1; round <= 3; ++round) {
            QTest::addRow("paused master %d", round) << true;
            QTest::addRow("manual %d", round) << false;
        }
    }

    void redisDrills()
    {
        QFETCH(bool, unplanned);
        drills::RedisFailoverDrill::Options o;
        o.sandboxDir = test::sandboxDir();
        o.mode = unplanned ? drills::RedisFailoverDrill::Mode::Unplanned : drills::RedisFailoverDrill::Mode::Manual;
        const drills::DrillResult r = drills::RedisFailoverDrill(o).run();
        for (const drills::DrillStep& s : r.steps)
            qInfo("%s %s (%lld ms): %s", s.ok() ? "ok" : "FAILED", qPrintable(s.name), s.ms, qPrintable(s.detail));
        QVERIFY2(r.ok, qPrintable(r.abortReason));
        QVERIFY(r.repaired);
        QVERIFY(r.oldPrimary != r.newPrimary);
        // Sentinel's down-after-milliseconds is 2000 in the sandbox; a manual failover skips it.
        QVERIFY2(r.rtoMs > 0 && r.rtoMs < (unplanned ? 15000 : 8000), qPrintable(QString::number(r.rtoMs)));
        // The test's own count: acknowledged probe keys present on the new master.
        redis::Endpoint e;
        QVERIFY(redis::Endpoint::parse(r.newPrimary, &e));
        redis::Connection c;
        QVERIFY(c.open(e, 1000));
        qint64 present = 0;
        for (qint64 seq : r.acknowledgedSeqs)
            present += c.command(QByteArrayList {"EXISTS", drills::RedisWriteProbe::key(r.runId, seq)}).integer;
        QCOMPARE(r.rpoLostWrites, qint64(r.acknowledgedSeqs.size()) - present);
        if (unplanned) {
            // The paused master wakes up as a master and takes writes until Sentinel demotes it:
            // measured, and none of them survive.
            QVERIFY(r.demotedWritesAccepted >= 0);
            QCOMPARE(r.demotedWritesLost, r.demotedWritesAccepted);
        }
        qInfo("%s: %s -> %s, RTO %lld ms, RPO %lld of %lld acknowledged writes; demoted master took %lld writes "
              "over %lld ms",
              qPrintable(r.kind), qPrintable(r.oldPrimary), qPrintable(r.newPrimary), r.rtoMs, r.rpoLostWrites,
              r.probeAcknowledged, r.demotedWritesAccepted, r.demotedWindowMs);
        sandbox::Topology t;
        QJsonObject health;
        QString error;
        QVERIFY2(sandbox::status(test::sandboxDir(), &t, &health, &error), qPrintable(error));
        QCOMPARE(t.redisMaster, r.newPrimary);
        QCOMPARE(t.redisReplicas, QStringList {r.oldPrimary});
    }

    void cleanupTestCase()
    {
        pg::Connection c;
        pg::ConnectOptions o {sandbox::State::pgConninfo(portOf(QStringLiteral("pg1")))};
        if (c.open(o) && c.exec(QStringLiteral("SELECT pg_is_in_recovery()")).toBool(0, 0)) {
            const drills::DrillResult back = runPgDrill(nullptr, drills::PgFailoverDrill::Mode::Planned);
            QVERIFY2(back.ok && back.newPrimary == QLatin1String("pg1"), qPrintable(back.abortReason));
        }
    }
};

QTEST_GUILESS_MAIN(TestDrills)
#include "tst_drills.moc"
