// The polling core against the live sandbox: every node reports its real role and figures, a
// stopped replica turns "down" within two poll periods while the GUI thread keeps servicing
// events, it comes back by itself, and bad targets say what is wrong without hanging.
#include "monitor/clustermonitor.h"
#include "monitor/meanquerytime.h"
#include "monitor/nodeworker.h"
#include "pg/pgconnection.h"
#include "redis/redisconnection.h"
#include "sandbox/sandbox.h"
#include "stallmeter.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>
#include <QtConcurrent>

using namespace vigil;

class TestMonitor : public QObject
{
    Q_OBJECT
private:
    static constexpr int kPeriodMs = 1000;

    static std::optional<NodeSnapshot> waitFor(ClusterMonitor& m, const QString& node,
                                               const std::function<bool(const NodeSnapshot&)>& pred, int timeoutMs)
    {
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < timeoutMs) {
            if (auto s = m.latest(node); s && pred(*s))
                return s;
            QTest::qWait(10);
        }
        return std::nullopt;
    }

    // Starts a monitor on a one-node profile and returns its first snapshot.
    static NodeSnapshot firstSnapshot(const Profile& p, const QHash<QString, QString>& passwords = {})
    {
        ClusterMonitor m;
        QSignalSpy spy(&m, &ClusterMonitor::snapshotArrived);
        QElapsedTimer t;
        t.start();
        m.start(p, passwords, kPeriodMs);
        // connect_timeout is 3 s: nothing may take longer than that plus a margin.
        if (!spy.wait(5000))
            qFatal("no snapshot within 5 s");
        const NodeSnapshot s = spy.first().first().value<NodeSnapshot>();
        m.shutdown();
        return s;
    }

private Q_SLOTS:
    void meanQueryTimeLeavesOutVigilsOwn()
    {
        // Vigil's own (tagged) statements are learnt by queryid and left out of the mean, so a
        // slow poll of ours does not show as the workload getting slower.
        pg::Connection c;
        pg::ConnectOptions o;
        o.conninfo = test::sandboxProfile().pgNodes[0].conninfo;
        QVERIFY2(c.open(o), qPrintable(c.lastError()));
        // pg_stat_statements keys by the statement's structure, comments aside, and keeps the text
        // it saw first: a shape no other test runs, so the first text seen is this tagged one.
        const auto ownSlow = [&c] {
            QVERIFY(c.exec(QStringLiteral("/* vigil */ SELECT pg_sleep(0.3) FROM generate_series(1, 1)")).ok());
        };
        ownSlow(); // known to pg_stat_statements before the task learns the set
        MeanQueryTimeTask task;
        const auto first = std::static_pointer_cast<MeanQueryTimeSample>(task.run(c));
        QVERIFY2(first->ok, qPrintable(first->error));
        const pg::Result id = c.exec(QStringLiteral("SELECT queryid::text FROM pg_stat_statements "
                                                    "WHERE query = '/* vigil */ SELECT pg_sleep($1) FROM "
                                                    "generate_series($2, $3)'"));
        QVERIFY(id.ok() && id.rows() >= 1);
        VERIFY_CONTAINS(task.excludedQueryIds(), id.text(0, 0));
        for (int i = 0; i < 3; ++i)
            ownSlow();
        for (int i = 0; i < 30; ++i)
            QVERIFY(c.exec(QStringLiteral("SELECT $1::int + 1"), {i}).ok());
        const auto second = std::static_pointer_cast<MeanQueryTimeSample>(task.run(c));
        QVERIFY2(second->ok, qPrintable(second->error));
        // With our 3 x 300 ms counted the mean comes out at ~26 ms (checked by breaking the filter).
        QVERIFY2(second->calls >= 30, qPrintable(QString::number(second->calls)));
        QVERIFY2(second->meanMs < 10, qPrintable(QString::number(second->meanMs)));
    }

    void everyNodeReportsRealFigures()
    {
        const Profile profile = test::sandboxProfile();
        ClusterMonitor m;
        m.start(profile, {}, kPeriodMs);
        QCOMPARE(m.nodeNames().size(), 2 + 1 + 2 + 3);
        // Two rounds, so rates have two samples.
        for (const QString& n : m.nodeNames())
            QVERIFY2(waitFor(
                         m, n, [](const NodeSnapshot& s) { return s.reachable && s.sequence >= 2; }, 10000),
                     qPrintable(n + QStringLiteral(" did not report twice")));

        // Compare with what the servers say when asked directly.
        pg::Connection direct;
        pg::ConnectOptions o;
        o.conninfo = profile.pgNodes[0].conninfo;
        QVERIFY(direct.open(o));
        const pg::Result r
            = direct.exec(QStringLiteral("SELECT pg_is_in_recovery(), current_setting('max_connections')::int, "
                                         "(SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming')"));
        QVERIFY(r.ok());
        auto pg1 = m.latest(QStringLiteral("pg1"));
        QCOMPARE(pg1->role, r.toBool(0, 0) ? NodeRole::Replica : NodeRole::Primary);
        QCOMPARE(pg1->maxConnections, int(r.toInt64(0, 1)));
        QCOMPARE(pg1->replicasStreaming, int(r.toInt64(0, 2)));
        QVERIFY(pg1->version.startsWith(QStringLiteral("PostgreSQL 15")));
        // Commit 200 transactions of our own: the rate must show them.
        for (int i = 0; i < 200; ++i)
            QVERIFY(direct.exec(QStringLiteral("SELECT 1")).ok());
        QVERIFY2(waitFor(
                     m, QStringLiteral("pg1"), [](const NodeSnapshot& s) { return hasValue(s.tps) && s.tps > 20; },
                     15000), // PostgreSQL 15 flushes an idle backend's counters up to 10 s late
                 "the transactions did not show in the tps rate");
        pg1 = m.latest(QStringLiteral("pg1"));
        QVERIFY(pg1->connections >= 1);
        QVERIFY(pg1->uptimeSec >= 0);
        const auto pg2 = m.latest(QStringLiteral("pg2"));
        QCOMPARE(pg2->role, NodeRole::Replica);
        QCOMPARE(pg2->receiverStatus, QStringLiteral("streaming"));

        const auto redis1 = m.latest(QStringLiteral("redis1"));
        const auto redis2 = m.latest(QStringLiteral("redis2"));
        QVERIFY(redis1->role == NodeRole::Master || redis2->role == NodeRole::Master);
        const auto& replica = redis1->role == NodeRole::Master ? redis2 : redis1;
        QCOMPARE(replica->masterLink, QStringLiteral("up"));
        QVERIFY(redis1->usedMemory > 0);
        QVERIFY(hasValue(redis1->opsPerSec));

        const auto bouncer = m.latest(QStringLiteral("pgbouncer"));
        QCOMPARE(bouncer->role, NodeRole::PgBouncer);
        QVERIFY(bouncer->version.contains(QStringLiteral("PgBouncer")));

        for (const QString& n :
             {QStringLiteral("sentinel1"), QStringLiteral("sentinel2"), QStringLiteral("sentinel3")}) {
            const auto s = m.latest(n);
            QCOMPARE(s->role, NodeRole::Sentinel);
            QVERIFY(s->quorumOk);
            QCOMPARE(s->sentinelsKnown, 3);
            QCOMPARE(s->masterAddress,
                     (redis1->role == NodeRole::Master ? profile.redisNodes[0] : profile.redisNodes[1]));
        }
        // Vigil's sessions are tagged.
        const pg::Result mine
            = direct.exec(QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'vigil'"));
        QVERIFY(mine.toInt64(0, 0) >= 1);
        m.shutdown();
        QCOMPARE(m.liveThreads(), 0);
    }

    void stoppedReplicaGoesDownAndComesBack()
    {
        const QString dir = test::sandboxDir();
        const Profile profile = test::sandboxProfile();
        ClusterMonitor m;
        m.start(profile, {}, kPeriodMs);
        QVERIFY(waitFor(
            m, QStringLiteral("pg2"), [](const NodeSnapshot& s) { return s.reachable; }, 10000));

        test::StallMeter stall;
        stall.start();
        QString error;
        // Stopping happens on a helper thread so the measured loop is the monitor's alone.
        QElapsedTimer sinceStop;
        auto stopped = QtConcurrent::run([dir] {
            QString e;
            return sandbox::stopNode(dir, QStringLiteral("pg2"), &e) ? QString() : e;
        });
        while (!stopped.isFinished())
            QTest::qWait(5);
        QVERIFY2(stopped.result().isEmpty(), qPrintable(stopped.result()));
        sinceStop.start();
        const auto down = waitFor(
            m, QStringLiteral("pg2"), [](const NodeSnapshot& s) { return !s.reachable; }, 2 * kPeriodMs + 500);
        QVERIFY2(down, "pg2 not reported down within two poll periods");
        const qint64 detectMs = sinceStop.elapsed();
        QVERIFY(down->downSince.isValid());
        QVERIFY2(!down->diagnosis.what.isEmpty(), "a down node says why");
        qInfo("replica down detected after %lld ms", detectMs);

        // The outage continues for a while: reconnect attempts must not stall the GUI thread.
        QTest::qWait(3 * kPeriodMs);
        QVERIFY(!m.latest(QStringLiteral("pg2"))->reachable);
        QVERIFY(m.latest(QStringLiteral("pg1"))->reachable);

        auto started = QtConcurrent::run([dir] {
            QString e;
            return sandbox::startNode(dir, QStringLiteral("pg2"), &e) ? QString() : e;
        });
        while (!started.isFinished())
            QTest::qWait(5);
        QVERIFY2(started.result().isEmpty(), qPrintable(started.result()));
        QElapsedTimer sinceStart;
        sinceStart.start();
        const auto up = waitFor(
            m, QStringLiteral("pg2"), [](const NodeSnapshot& s) { return s.reachable; },
            NodeWorker::kMaxBackoffMs + 3 * kPeriodMs);
        QVERIFY2(up, "pg2 did not come back without user action");
        QCOMPARE(up->role, NodeRole::Replica);
        qInfo("replica up again %lld ms after its start", sinceStart.elapsed());
        stall.stop();
        qInfo("longest event-loop stall during the outage: %.1f ms over %d ticks", stall.longestStallMs(),
              stall.ticks());
        QVERIFY2(stall.longestStallMs() < 100.0 * test::kStallBudgetFactor,
                 qPrintable(QString::number(stall.longestStallMs())));
        QVERIFY(stall.ticks() > 100);
        // Leave the replica streaming for the next tests.
        QVERIFY(waitFor(
            m, QStringLiteral("pg2"),
            [](const NodeSnapshot& s) { return s.reachable && s.receiverStatus == QLatin1String("streaming"); },
            15000));
        m.shutdown();
    }

    void badTargetsSayWhy_data()
    {
        QTest::addColumn<QString>("conninfo");
        QTest::addColumn<QString>("expect");
        QTest::newRow("malformed") << "host=127.0.0.1 port"
                                   << "malformed";
        QTest::newRow("refused") << "host=127.0.0.1 port=1 dbname=trading connect_timeout=2"
                                 << "nothing is listening";
        QTest::newRow("hba") << QStringLiteral("%PRIMARY% user=vigil_rejected") << "pg_hba.conf rejects";
    }
    void badTargetsSayWhy()
    {
        QFETCH(QString, conninfo);
        QFETCH(QString, expect);
        conninfo.replace(QStringLiteral("%PRIMARY%"), test::sandboxProfile().pgNodes[0].conninfo);
        Profile p;
        p.name = QStringLiteral("bad");
        p.pgNodes.append({QStringLiteral("db"), conninfo});
        QElapsedTimer t;
        t.start();
        const NodeSnapshot s = firstSnapshot(p);
        QVERIFY(t.elapsed() < 4500);
        QVERIFY(!s.reachable);
        QVERIFY2(s.diagnosis.what.contains(expect), qPrintable(s.diagnosis.toText()));
        QVERIFY(!s.diagnosis.todo.isEmpty());
    }

    void silentServerTimesOut()
    {
        // A listener that accepts and never answers: the connect must give up at connect_timeout.
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost));
        Profile p;
        p.name = QStringLiteral("silent");
        p.pgNodes.append(
            {QStringLiteral("db"), QStringLiteral("host=127.0.0.1 port=%1 dbname=x").arg(silent.serverPort())});
        QElapsedTimer t;
        t.start();
        const NodeSnapshot s = firstSnapshot(p);
        QVERIFY2(t.elapsed() < 4500, qPrintable(QString::number(t.elapsed())));
        QVERIFY(!s.reachable);
        QVERIFY2(s.diagnosis.what.contains(QStringLiteral("did not answer in time")), qPrintable(s.diagnosis.toText()));
    }

    void wrongPasswordSaysSo()
    {
        const Profile sandbox = test::sandboxProfile();
        pg::Connection admin;
        pg::ConnectOptions o;
        o.conninfo = sandbox.pgNodes[0].conninfo;
        QVERIFY(admin.open(o));
        QVERIFY(admin.exec(QStringLiteral("DROP ROLE IF EXISTS vigil_monitor_pw")).ok());
        const QString secret = QString::number(QRandomGenerator::global()->generate64(), 36);
        QVERIFY(
            admin
                .exec(QStringLiteral("CREATE ROLE vigil_monitor_pw LOGIN IN ROLE vigil_password_users PASSWORD '%1'")
                          .arg(admin.encryptPassword(QStringLiteral("vigil_monitor_pw"), secret)))
                .ok());
        Profile p;
        p.name = QStringLiteral("pw");
        p.pgNodes.append(
            {QStringLiteral("db"), sandbox.pgNodes[0].conninfo + QStringLiteral(" user=vigil_monitor_pw")});
        const NodeSnapshot wrong = firstSnapshot(p, {{QStringLiteral("db"), QStringLiteral("not-it")}});
        QVERIFY(!wrong.reachable);
        QVERIFY2(wrong.diagnosis.what.contains(QStringLiteral("password was rejected")),
                 qPrintable(wrong.diagnosis.toText()));
        const NodeSnapshot right = firstSnapshot(p, {{QStringLiteral("db"), secret}});
        QVERIFY2(right.reachable, qPrintable(right.lastError));
        // Without pg_monitor the node still works and says what it cannot see, with the fix.
        bool found = false;
        QStringList all;
        for (const Finding& f : right.findings) {
            found |= f.fixSql == QStringLiteral("GRANT pg_monitor TO \"vigil_monitor_pw\";");
            all << f.message + QStringLiteral(" / ") + f.fixSql;
        }
        QVERIFY2(found, qPrintable(all.join(QStringLiteral("; "))));
        QVERIFY(admin.exec(QStringLiteral("DROP ROLE vigil_monitor_pw")).ok());
    }

    void unknownSentinelMasterName()
    {
        Profile p;
        p.name = QStringLiteral("sentinel");
        p.sentinels = {test::sandboxProfile().sentinels.first()};
        p.masterName = QStringLiteral("no-such-master");
        const NodeSnapshot s = firstSnapshot(p);
        QVERIFY(s.reachable); // the Sentinel answers; the profile is what is wrong
        QVERIFY2(s.diagnosis.what.contains(QStringLiteral("does not know that master name")),
                 qPrintable(s.diagnosis.toText()));
        QCOMPARE(s.findings.size(), 1);
    }

    void redisAuthFailure()
    {
        const Profile sandbox = test::sandboxProfile();
        // Find the master, add an ACL user there, then log in with a wrong password.
        QString master;
        for (const QString& addr : sandbox.redisNodes) {
            redis::Connection c;
            redis::Endpoint ep;
            QVERIFY(redis::Endpoint::parse(addr, &ep));
            QVERIFY(c.open(ep, 2000));
            if (redis::parseInfo(c.command({"INFO", "replication"}).str).value("role") == QLatin1String("master"))
                master = addr;
        }
        QVERIFY(!master.isEmpty());
        redis::Connection admin;
        redis::Endpoint ep;
        redis::Endpoint::parse(master, &ep);
        QVERIFY(admin.open(ep, 2000));
        QVERIFY(!admin.command({"ACL", "SETUSER", "vigil_monitor_acl", "on", ">right-one", "~*", "+@all"}).isError());
        Profile p;
        p.name = QStringLiteral("acl");
        p.redisNodes = {master};
        p.redisUsername = QStringLiteral("vigil_monitor_acl");
        const NodeSnapshot s = firstSnapshot(p, {{QStringLiteral("redis"), QStringLiteral("wrong-one")}});
        QVERIFY(!s.reachable);
        QVERIFY2(s.diagnosis.what.contains(QStringLiteral("AUTH was rejected")), qPrintable(s.diagnosis.toText()));
        const NodeSnapshot ok = firstSnapshot(p, {{QStringLiteral("redis"), QStringLiteral("right-one")}});
        QVERIFY2(ok.reachable, qPrintable(ok.lastError));
        admin.command({"ACL", "DELUSER", "vigil_monitor_acl"});
    }
};

QTEST_GUILESS_MAIN(TestMonitor)
#include "tst_monitor.moc"
