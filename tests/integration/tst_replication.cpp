// Replication figures against the live sandbox, compared with what the servers say when asked
// directly: pg_stat_replication, pg_replication_slots and the standby's own positions; INFO
// replication on the Redis master; SENTINEL MASTER / REPLICAS / SENTINELS / CKQUORUM; and the
// "replication" section of `vigil report --json`.
#include "monitor/clustermonitor.h"
#include "pg/pgconnection.h"
#include "redis/redisconnection.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace vigil;

class TestReplication : public QObject
{
    Q_OBJECT
private:
    static constexpr int kPeriodMs = 500;

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
    // The first snapshot of `node` sampled after `after`: its statement ran later than that.
    static NodeSnapshot nextSnapshot(ClusterMonitor& m, const QString& node, const QDateTime& after)
    {
        const auto s = waitFor(
            m, node, [&](const NodeSnapshot& s) { return s.reachable && s.sampledAt > after; }, 10000);
        if (!s)
            qFatal("no fresh snapshot of %s", qPrintable(node));
        return *s;
    }
    static void open(const QString& conninfo, pg::Connection* c)
    {
        pg::ConnectOptions o;
        o.conninfo = conninfo;
        if (!c->open(o))
            qFatal("cannot open %s: %s", qPrintable(conninfo), qPrintable(c->lastError()));
    }
    static void openRedis(const QString& address, redis::Connection* c)
    {
        redis::Endpoint ep;
        redis::Endpoint::parse(address, &ep);
        if (!c->open(ep, 2000))
            qFatal("cannot open %s", qPrintable(address));
    }

private Q_SLOTS:
    void postgresMatchesPgStatReplication()
    {
        const Profile profile = test::sandboxProfile();
        const PgNode primaryNode = test::primaryNode();
        const QList<PgNode> replicas = test::replicaNodes();
        QVERIFY(!replicas.isEmpty());
        pg::Connection primary, replica;
        open(primaryNode.conninfo, &primary);
        open(replicas.first().conninfo, &replica);
        // Some WAL, so positions and lags are not all at their resting values.
        for (const QString& sql :
             {QStringLiteral("CREATE TABLE IF NOT EXISTS vigil_repl_probe (id bigserial PRIMARY KEY, at timestamptz "
                             "DEFAULT now())"),
              QStringLiteral("INSERT INTO vigil_repl_probe (at) SELECT now() FROM generate_series(1, 5000)")}) {
            const pg::Result res = primary.exec(sql);
            QVERIFY2(res.ok(), qPrintable(res.errorMessage()));
        }

        ClusterMonitor m;
        m.start(profile, {}, kPeriodMs);
        const QString p = primaryNode.name, r = replicas.first().name;
        QVERIFY(waitFor(
            m, p, [](const NodeSnapshot& s) { return s.reachable && !s.walSenders.isEmpty(); }, 10000));

        const QString senders = QStringLiteral(
            "SELECT application_name, state, sync_state, sent_lsn::text, write_lsn::text, flush_lsn::text, "
            "replay_lsn::text, pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::float8, "
            "pg_wal_lsn_diff(pg_current_wal_lsn(), flush_lsn)::float8, replay_lag IS NULL, s.slot_name "
            "FROM pg_stat_replication LEFT JOIN pg_replication_slots s ON s.active_pid = pid ORDER BY 1");
        const QString slotSql = QStringLiteral("SELECT slot_name, slot_type, active, restart_lsn::text, "
                                               "pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::float8, wal_status "
                                               "FROM pg_replication_slots ORDER BY 1");
        const QString standby
            = QStringLiteral("SELECT pg_last_wal_receive_lsn()::text, pg_last_wal_replay_lsn()::text, "
                             "(SELECT status FROM pg_stat_wal_receiver)");
        auto rowsOf = [](const pg::Result& res) {
            QList<QStringList> out;
            for (int i = 0; i < res.rows(); ++i) {
                QStringList row;
                for (int c = 0; c < res.columns(); ++c)
                    row << res.text(i, c);
                out << row;
            }
            return out;
        };
        // Compare when the servers' own answers are the same before and after Vigil's poll, so
        // both describe one moment (autovacuum or a checkpoint may write WAL in between).
        bool compared = false;
        for (int attempt = 0; attempt < 20 && !compared; ++attempt) {
            const auto d1 = rowsOf(primary.exec(senders));
            const auto s1 = rowsOf(primary.exec(slotSql));
            const auto r1 = rowsOf(replica.exec(standby));
            const QDateTime t = QDateTime::currentDateTimeUtc();
            const NodeSnapshot ps = nextSnapshot(m, p, t);
            const NodeSnapshot rs = nextSnapshot(m, r, t);
            if (d1 != rowsOf(primary.exec(senders)) || s1 != rowsOf(primary.exec(slotSql))
                || r1 != rowsOf(replica.exec(standby)))
                continue;
            compared = true;
            QCOMPARE(int(ps.walSenders.size()), int(d1.size()));
            for (int i = 0; i < d1.size(); ++i) {
                const PgWalSender& w = ps.walSenders[i];
                QCOMPARE(w.name, d1[i][0]);
                QCOMPARE(w.state, d1[i][1]);
                QCOMPARE(w.syncState, d1[i][2]);
                QCOMPARE(w.sentLsn, d1[i][3]);
                QCOMPARE(w.writeLsn, d1[i][4]);
                QCOMPARE(w.flushLsn, d1[i][5]);
                QCOMPARE(w.replayLsn, d1[i][6]);
                QCOMPARE(w.replayLagBytes, d1[i][7].toDouble());
                QCOMPARE(w.flushLagBytes, d1[i][8].toDouble());
                QCOMPARE(!hasValue(w.replayLagSec), d1[i][9] == QLatin1String("t")); // NULL stays NULL
                QCOMPARE(w.slotName, d1[i][10]);
                qInfo("%s: %s, replay lag %s, %.0f bytes behind (pg_stat_replication says the same)",
                      qPrintable(w.name), qPrintable(w.state),
                      hasValue(w.replayLagSec) ? qPrintable(QString::number(w.replayLagSec * 1000) + " ms") : "NULL",
                      w.replayLagBytes);
            }
            QCOMPARE(int(ps.replicationSlots.size()), int(s1.size()));
            for (int i = 0; i < s1.size(); ++i) {
                const PgSlot& s = ps.replicationSlots[i];
                QCOMPARE(s.name, s1[i][0]);
                QCOMPARE(s.type, s1[i][1]);
                QCOMPARE(s.active, s1[i][2] == QLatin1String("t"));
                QCOMPARE(s.restartLsn, s1[i][3]);
                QCOMPARE(s.retainedBytes, s1[i][4].toDouble());
                QCOMPARE(s.walStatus, s1[i][5]);
            }
            QCOMPARE(rs.receiveLsn, r1[0][0]);
            QCOMPARE(rs.replayLsn, r1[0][1]);
            QCOMPARE(rs.receiverStatus, r1[0][2]);
        }
        QVERIFY2(compared, "the servers' answers never held still for one poll");
        // The sandbox streams to pg2 through slot pg2.
        const auto ps = m.latest(p);
        QCOMPARE(ps->walSenders.first().name, r);
        QCOMPARE(ps->walSenders.first().slotName, r);
        QVERIFY(ps->maxWalSizeBytes > 0);
        QVERIFY(primary.exec(QStringLiteral("DROP TABLE vigil_repl_probe")).ok());
        m.shutdown();
    }

    void redisMatchesInfoReplication()
    {
        const Profile profile = test::sandboxProfile();
        ClusterMonitor m;
        m.start(profile, {}, kPeriodMs);
        // Which node is master now (a failover test may have moved it).
        QString masterNode, masterAddr, replicaNode, replicaAddr;
        for (int i = 0; i < profile.redisNodes.size(); ++i) {
            redis::Connection c;
            openRedis(profile.redisNodes[i], &c);
            const auto info = redis::parseInfo(c.command({"INFO", "replication"}).str);
            const QString name = QStringLiteral("redis%1").arg(i + 1);
            if (info.value(QStringLiteral("role")) == QLatin1String("master")) {
                masterNode = name;
                masterAddr = profile.redisNodes[i];
            } else {
                replicaNode = name;
                replicaAddr = profile.redisNodes[i];
            }
        }
        QVERIFY(!masterNode.isEmpty() && !replicaNode.isEmpty());
        redis::Connection master, replica;
        openRedis(masterAddr, &master);
        openRedis(replicaAddr, &replica);

        // Offsets grow all the time (Sentinel hellos are replicated), so bracket Vigil's poll
        // between two direct reads: its figures must lie between them.
        const auto before = redis::parseInfo(master.command({"INFO", "replication"}).str);
        const auto replicaBefore = redis::parseInfo(replica.command({"INFO", "replication"}).str);
        const QDateTime t = QDateTime::currentDateTimeUtc();
        const NodeSnapshot ms = nextSnapshot(m, masterNode, t);
        const NodeSnapshot rs = nextSnapshot(m, replicaNode, t);
        const auto after = redis::parseInfo(master.command({"INFO", "replication"}).str);
        const auto replicaAfter = redis::parseInfo(replica.command({"INFO", "replication"}).str);

        QCOMPARE(ms.role, NodeRole::Master);
        QCOMPARE(rs.role, NodeRole::Replica);
        QCOMPARE(rs.masterLink, replicaAfter.value(QStringLiteral("master_link_status")));
        QVERIFY(ms.replOffset >= before.value(QStringLiteral("master_repl_offset")).toLongLong());
        QVERIFY(ms.replOffset <= after.value(QStringLiteral("master_repl_offset")).toLongLong());
        QVERIFY(rs.replOffset >= replicaBefore.value(QStringLiteral("slave_repl_offset")).toLongLong());
        QVERIFY(rs.replOffset <= replicaAfter.value(QStringLiteral("slave_repl_offset")).toLongLong());
        QCOMPARE(int(ms.replicaLinks.size()), after.value(QStringLiteral("connected_slaves")).toInt());
        for (int i = 0; i < ms.replicaLinks.size(); ++i) {
            QHash<QString, QString> f;
            for (const QString& kv : after.value(QStringLiteral("slave%1").arg(i)).split(QLatin1Char(',')))
                f.insert(kv.section(QLatin1Char('='), 0, 0), kv.section(QLatin1Char('='), 1));
            const RedisReplicaLink& l = ms.replicaLinks[i];
            QCOMPARE(l.address, f.value(QStringLiteral("ip")) + QLatin1Char(':') + f.value(QStringLiteral("port")));
            QCOMPARE(l.state, f.value(QStringLiteral("state")));
            QCOMPARE(l.lagOffset, ms.replOffset - l.offset);
            QVERIFY(l.lagOffset >= 0);
            QVERIFY(l.offset <= f.value(QStringLiteral("offset")).toLongLong());
            qInfo("%s: offset lag %lld B, last ACK %lld s ago", qPrintable(l.address), l.lagOffset, l.lagSec);
        }
        QCOMPARE(ms.replicaLinks.first().address, replicaAddr);
        m.shutdown();
    }

    void sentinelMatchesSentinelCommands()
    {
        const Profile profile = test::sandboxProfile();
        ClusterMonitor m;
        m.start(profile, {}, kPeriodMs);
        const QByteArray name = profile.masterName.toUtf8();
        for (int i = 0; i < profile.sentinels.size(); ++i) {
            const QString node = QStringLiteral("sentinel%1").arg(i + 1);
            const NodeSnapshot s = nextSnapshot(m, node, QDateTime::currentDateTimeUtc());
            redis::Connection c;
            openRedis(profile.sentinels[i], &c);
            const redis::Reply master = c.command({QByteArray("SENTINEL"), QByteArray("MASTER"), name});
            QHash<QString, QString> kv;
            for (size_t k = 0; k + 1 < master.elements.size(); k += 2)
                kv.insert(master.elements[k].text(), master.elements[k + 1].text());
            QCOMPARE(s.sentinel.masterName, profile.masterName);
            QCOMPARE(s.sentinel.quorum, kv.value(QStringLiteral("quorum")).toInt());
            QCOMPARE(s.masterAddress,
                     kv.value(QStringLiteral("ip")) + QLatin1Char(':') + kv.value(QStringLiteral("port")));
            QCOMPARE(s.sentinel.masterFlags, kv.value(QStringLiteral("flags")));
            const redis::Reply quorum = c.command({QByteArray("SENTINEL"), QByteArray("CKQUORUM"), name});
            QVERIFY2(s.sentinel.ckquorum.startsWith(QStringLiteral("OK")), qPrintable(s.sentinel.ckquorum));
            QCOMPARE(s.sentinel.ckquorum, quorum.text());
            auto addresses = [&](const char* what) {
                QStringList out;
                for (const redis::Reply& e : c.command({QByteArray("SENTINEL"), QByteArray(what), name}).elements) {
                    QHash<QString, QString> f;
                    for (size_t k = 0; k + 1 < e.elements.size(); k += 2)
                        f.insert(e.elements[k].text(), e.elements[k + 1].text());
                    out << f.value(QStringLiteral("ip")) + QLatin1Char(':') + f.value(QStringLiteral("port"));
                }
                out.sort();
                return out;
            };
            auto mine = [](const QList<SentinelPeer>& peers) {
                QStringList out;
                for (const SentinelPeer& p : peers)
                    out << p.address;
                return out;
            };
            QCOMPARE(mine(s.sentinel.replicas), addresses("REPLICAS"));
            QCOMPARE(mine(s.sentinel.sentinels), addresses("SENTINELS"));
            QCOMPARE(s.sentinel.sentinels.size(), profile.sentinels.size() - 1);
            QStringList masters;
            for (const redis::Reply& e : c.command({"SENTINEL", "MASTERS"}).elements) {
                QHash<QString, QString> f;
                for (size_t k = 0; k + 1 < e.elements.size(); k += 2)
                    f.insert(e.elements[k].text(), e.elements[k + 1].text());
                masters << f.value(QStringLiteral("name")) + QLatin1Char('@') + f.value(QStringLiteral("ip"))
                        + QLatin1Char(':') + f.value(QStringLiteral("port"));
            }
            masters.sort();
            QCOMPARE(s.sentinel.knownMasters, masters);
            QVERIFY(s.sentinel.knownMasters.contains(profile.masterName + QLatin1Char('@') + s.masterAddress));
        }
        m.shutdown();
    }

    void reportHasReplicationSection()
    {
        QTemporaryDir data;
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_DATA_HOME"), data.path());
        p.setProcessEnvironment(env);
        p.start(
            test::vigilBinary(),
            {QStringLiteral("report"), QStringLiteral("--sandbox-dir"), test::sandboxDir(), QStringLiteral("--json")});
        QVERIFY(p.waitForFinished(60000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        const QJsonObject repl
            = QJsonDocument::fromJson(p.readAllStandardOutput()).object().value("replication").toObject();
        QVERIFY(!repl.isEmpty());

        const Profile profile = test::sandboxProfile();
        pg::Connection primary;
        open(test::primaryNode().conninfo, &primary);
        const pg::Result direct = primary.exec(
            QStringLiteral("SELECT application_name, state, sync_state FROM pg_stat_replication ORDER BY 1"));
        const QJsonArray pgRows = repl.value("postgres").toArray();
        QCOMPARE(int(pgRows.size()), direct.rows());
        for (int i = 0; i < direct.rows(); ++i) {
            const QJsonObject o = pgRows[i].toObject();
            QCOMPARE(o.value("name").toString(), direct.text(i, 0));
            QCOMPARE(o.value("state").toString(), direct.text(i, 1));
            QCOMPARE(o.value("sync_state").toString(), direct.text(i, 2));
            for (const char* key : {"write_lag_ms", "flush_lag_ms", "replay_lag_ms"})
                QVERIFY(o.contains(key) && (o.value(key).isNull() || o.value(key).toDouble() >= 0));
            QVERIFY(o.value("lag_bytes").toDouble() >= 0);
        }
        const QJsonArray redisRows = repl.value("redis").toArray();
        QCOMPARE(redisRows.size(), profile.redisNodes.size());
        QString master;
        for (const QJsonValue& v : redisRows) {
            const QJsonObject o = v.toObject();
            redis::Connection c;
            openRedis(o.value("addr").toString(), &c);
            const auto info = redis::parseInfo(c.command({"INFO", "replication"}).str);
            const bool isMaster = info.value(QStringLiteral("role")) == QLatin1String("master");
            QCOMPARE(o.value("role").toString(), isMaster ? QStringLiteral("master") : QStringLiteral("replica"));
            if (isMaster) {
                master = o.value("addr").toString();
                QVERIFY(o.value("link_status").isNull());
            } else {
                QCOMPARE(o.value("link_status").toString(), info.value(QStringLiteral("master_link_status")));
                QVERIFY(o.value("lag_offset").toDouble() >= 0);
            }
        }
        const QJsonObject sentinel = repl.value("sentinel").toObject();
        QCOMPARE(sentinel.value("master_name").toString(), profile.masterName);
        QCOMPARE(sentinel.value("master").toString(), master);
        QVERIFY(sentinel.value("quorum_ok").toBool());
        QStringList expected = profile.sentinels;
        expected.sort();
        QStringList got;
        for (const QJsonValue& v : sentinel.value("sentinels").toArray())
            got << v.toString();
        QCOMPARE(got, expected);
    }
};

QTEST_GUILESS_MAIN(TestReplication)
#include "tst_replication.moc"
