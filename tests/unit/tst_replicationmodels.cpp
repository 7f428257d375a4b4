// The Replication tab's models over replication rows built from snapshots: keyed diffs (rows stay
// put, vanish and appear by key), NULL lag shown as idle rather than 0, a standby stuck in
// startup and a slot that keeps too much WAL flagged, the event log de-duplicated by id.
#include "models/pgreplicamodel.h"
#include "models/redisreplicationmodel.h"
#include "models/replicationhistory.h"
#include "models/replicationslotmodel.h"
#include "models/sentineleventmodel.h"
#include "models/sentinelmodel.h"
#include "monitor/replicationview.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace vigil;

class TestReplicationModels : public QObject
{
    Q_OBJECT
private:
    static NodeSnapshot pg(const QString& name, NodeRole role, bool up = true)
    {
        NodeSnapshot s;
        s.node = name;
        s.kind = NodeKind::Postgres;
        s.reachable = up;
        s.role = role;
        s.sampledAt = QDateTime::currentDateTimeUtc();
        s.maxWalSizeBytes = 1024 * 1024 * 1024;
        if (!up)
            s.diagnosis = diagnosePg(name, QStringLiteral("connection to server failed: Connection refused"));
        return s;
    }
    static PgWalSender sender(const QString& name, const QString& state, double lagSec, double lagBytes)
    {
        PgWalSender w;
        w.name = name;
        w.state = state;
        w.syncState = QStringLiteral("async");
        w.sentLsn = w.writeLsn = w.flushLsn = w.replayLsn = QStringLiteral("0/3000000");
        w.writeLagSec = w.flushLagSec = w.replayLagSec = lagSec;
        w.writeLagBytes = w.flushLagBytes = w.replayLagBytes = lagBytes;
        return w;
    }

private Q_SLOTS:
    void pgReplicasJoinBothViews()
    {
        NodeSnapshot primary = pg(QStringLiteral("pg1"), NodeRole::Primary);
        primary.walSenders = {sender(QStringLiteral("pg2"), QStringLiteral("streaming"), kNoValue, 0)};
        NodeSnapshot replica = pg(QStringLiteral("pg2"), NodeRole::Replica);
        replica.receiverStatus = QStringLiteral("streaming");
        replica.receiveLsn = replica.replayLsn = QStringLiteral("0/3000000");
        replica.replayLagBytes = 0;
        NodeSnapshot down = pg(QStringLiteral("pg3"), NodeRole::Unknown, false);

        const auto rows = pgReplicaRows({primary, replica, down});
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows[0].name, QStringLiteral("pg2"));
        QVERIFY(rows[0].hasSender);
        QCOMPARE(rows[0].primary, QStringLiteral("pg1"));
        QCOMPARE(rows[0].receiveLsn, QStringLiteral("0/3000000"));
        QVERIFY(!rows[1].hasSender);
        QVERIFY2(rows[1].stateText().contains(QStringLiteral("pg3 is down")), qPrintable(rows[1].stateText()));

        PgReplicaModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.update(rows);
        QCOMPARE(model.rowCount(), 2);
        // NULL lag is "idle", not 0 ms; the byte lag is a real 0.
        QCOMPARE(model.index(0, PgReplicaModel::ReplayLagColumn).data().toString(), QStringLiteral("idle"));
        QCOMPARE(model.index(0, PgReplicaModel::ReplayLagColumn).data(PgReplicaModel::SortRole).toDouble(), -1.0);
        QVERIFY(!model.index(0, PgReplicaModel::ReplayBytesColumn).data().toString().isEmpty());
        QCOMPARE(model.index(0, PgReplicaModel::StateColumn).data().toString(), QStringLiteral("streaming"));
        QVERIFY(!model.index(0, PgReplicaModel::StateColumn).data(PgReplicaModel::AttentionRole).toBool());
        QVERIFY(model.index(1, PgReplicaModel::StateColumn).data(PgReplicaModel::AttentionRole).toBool());
        for (int c = 0; c < PgReplicaModel::ColumnCount; ++c)
            QVERIFY(!model.headerData(c, Qt::Horizontal, Qt::ToolTipRole).toString().isEmpty());

        // Keyed diff: pg3 goes, pg2 updates in place, pg4 arrives.
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        primary.walSenders = {sender(QStringLiteral("pg2"), QStringLiteral("streaming"), 0.25, 4096),
                              sender(QStringLiteral("pg4"), QStringLiteral("catchup"), 1.5, 1 << 20)};
        model.update(pgReplicaRows({primary, replica}));
        QCOMPARE(removed.size(), 1);
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(model.rowOf(QStringLiteral("pg2")), 0);
        QCOMPARE(model.index(0, PgReplicaModel::ReplayLagColumn).data().toString(), QStringLiteral("250.0 ms"));
        QCOMPARE(model.index(0, PgReplicaModel::ReplayBytesColumn).data(PgReplicaModel::SortRole).toDouble(), 4096.0);
    }

    void standbyStuckInStartupIsFlagged()
    {
        NodeSnapshot primary = pg(QStringLiteral("pg1"), NodeRole::Primary);
        primary.walSenders = {sender(QStringLiteral("pg2"), QStringLiteral("startup"), kNoValue, kNoValue)};
        PgReplicaModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setStuckAfterSec(5);
        const QDateTime t0 = QDateTime::currentDateTimeUtc();
        model.update(pgReplicaRows({primary}), t0);
        QVERIFY(model.stuckInStartup(t0).isEmpty());
        model.update(pgReplicaRows({primary}), t0.addSecs(6));
        QCOMPARE(model.stuckInStartup(t0.addSecs(6)), QStringList {QStringLiteral("pg2 (6 s)")});
        QVERIFY(
            model.index(0, PgReplicaModel::StateColumn).data().toString().contains(QStringLiteral("startup for 6 s")));
        // Once it streams, the flag goes.
        primary.walSenders[0].state = QStringLiteral("streaming");
        model.update(pgReplicaRows({primary}), t0.addSecs(7));
        QVERIFY(model.stuckInStartup(t0.addSecs(60)).isEmpty());
    }

    void slotRetainingTooMuchIsFlagged()
    {
        NodeSnapshot primary = pg(QStringLiteral("pg1"), NodeRole::Primary);
        PgSlot ok;
        ok.name = QStringLiteral("pg2");
        ok.type = QStringLiteral("physical");
        ok.active = true;
        ok.retainedBytes = 16 * 1024 * 1024;
        ok.walStatus = QStringLiteral("reserved");
        PgSlot stale = ok;
        stale.name = QStringLiteral("old_standby");
        stale.active = false;
        stale.retainedBytes = 2.0 * 1024 * 1024 * 1024;
        stale.walStatus = QStringLiteral("extended");
        primary.replicationSlots = {ok, stale};
        ReplicationSlotModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.merge(pgSlotRows({primary}));
        QCOMPARE(model.rowCount(), 2);
        QVERIFY(!model.index(0, 0).data(ReplicationSlotModel::AttentionRole).toBool());
        QVERIFY(model.index(1, 0).data(ReplicationSlotModel::AttentionRole).toBool());
        QCOMPARE(model.retainingTooMuch().size(), 1);
        QVERIFY(model.retainingTooMuch().first().startsWith(QStringLiteral("pg1/old_standby")));
        QCOMPARE(model.index(0, ReplicationSlotModel::SafeWalSizeColumn).data().toString(),
                 QStringLiteral("unlimited"));
        // A slot the server itself marks lost is flagged whatever its size.
        primary.replicationSlots[0].walStatus = QStringLiteral("lost");
        model.merge(pgSlotRows({primary}));
        QCOMPARE(model.retainingTooMuch().size(), 2);
    }

    void redisRowsCarryTheMastersView()
    {
        NodeSnapshot master;
        master.node = QStringLiteral("redis1");
        master.kind = NodeKind::Redis;
        master.address = QStringLiteral("127.0.0.1:7001");
        master.reachable = true;
        master.role = NodeRole::Master;
        master.replOffset = 5000;
        master.replicaLinks = {{QStringLiteral("127.0.0.1:7002"), QStringLiteral("online"), 4800, 200, 1}};
        NodeSnapshot replica = master;
        replica.node = QStringLiteral("redis2");
        replica.address = QStringLiteral("127.0.0.1:7002");
        replica.role = NodeRole::Replica;
        replica.masterLink = QStringLiteral("up");
        replica.replicaLinks.clear();
        replica.replOffset = 4800;
        RedisReplicationModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.merge(redisReplicationRows({master, replica}));
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(
            model.index(1, RedisReplicationModel::LagOffsetColumn).data(RedisReplicationModel::SortRole).toLongLong(),
            200);
        QCOMPARE(model.index(1, RedisReplicationModel::LinkColumn).data().toString(), QStringLiteral("up (online)"));
        // Failover: roles swap, rows stay keyed by node.
        std::swap(master.role, replica.role);
        master.masterLink = QStringLiteral("down");
        replica.replicaLinks.clear();
        master.replicaLinks.clear();
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        model.merge(redisReplicationRows({master, replica}));
        QCOMPARE(inserted.size(), 0);
        QCOMPARE(model.index(0, RedisReplicationModel::RoleColumn).data().toString(), QStringLiteral("replica"));
        QVERIFY(model.index(0, 0).data(RedisReplicationModel::AttentionRole).toBool());

        ReplicationHistory history;
        master.role = NodeRole::Master;
        master.replicaLinks = {{QStringLiteral("127.0.0.1:7002"), QStringLiteral("online"), 4800, 200, 1}};
        history.record(master, {{QStringLiteral("127.0.0.1:7002"), QStringLiteral("redis2")}});
        QCOMPARE(history.names(ReplicationHistory::Series::RedisLagOffset), QStringList {QStringLiteral("redis2")});
        QCOMPARE(history.series(ReplicationHistory::Series::RedisLagOffset, QStringLiteral("redis2"))->last().y(),
                 200.0);
    }

    void sentinelsAndEvents()
    {
        NodeSnapshot s;
        s.node = QStringLiteral("sentinel1");
        s.kind = NodeKind::Sentinel;
        s.address = QStringLiteral("127.0.0.1:26379");
        s.reachable = true;
        s.role = NodeRole::Sentinel;
        s.masterAddress = QStringLiteral("127.0.0.1:7001");
        s.quorumOk = true;
        s.sentinel.masterFlags = QStringLiteral("master");
        s.sentinel.quorum = 2;
        s.sentinel.ckquorum = QStringLiteral("OK 3 usable Sentinels");
        s.sentinel.replicas = {{QStringLiteral("127.0.0.1:7002"), QStringLiteral("slave"), QStringLiteral("ok")}};
        s.sentinel.knownMasters = {QStringLiteral("orders@127.0.0.1:7101"), QStringLiteral("trading@127.0.0.1:7001")};
        SentinelModel sentinels;
        QAbstractItemModelTester t1(&sentinels, QAbstractItemModelTester::FailureReportingMode::QtTest);
        sentinels.merge(sentinelRows({s}));
        QCOMPARE(sentinels.index(0, SentinelModel::ReplicasColumn).data().toString(),
                 QStringLiteral("127.0.0.1:7002 (slave, link ok)"));
        QVERIFY(sentinels.index(0, SentinelModel::QuorumColumn).data().toString().contains(QStringLiteral("quorum 2")));
        QCOMPARE(sentinels.index(0, SentinelModel::KnownMastersColumn).data().toString(),
                 QStringLiteral("orders@127.0.0.1:7101, trading@127.0.0.1:7001"));

        SentinelEventModel events;
        QAbstractItemModelTester t2(&events, QAbstractItemModelTester::FailureReportingMode::QtTest);
        events.setMaxRows(3);
        SentinelEvent e;
        e.id = 1;
        e.receivedAt = QDateTime::currentDateTimeUtc();
        e.type = QStringLiteral("+switch-master");
        e.message = QStringLiteral("trading 127.0.0.1 7001 127.0.0.1 7002");
        e.reportedBy = {QStringLiteral("sentinel1")};
        events.apply(e);
        e.reportedBy << QStringLiteral("sentinel2");
        events.apply(e); // another Sentinel, same event: one row
        QCOMPARE(events.rowCount(), 1);
        QCOMPARE(events.index(0, SentinelEventModel::ReportedByColumn).data().toString(),
                 QStringLiteral("sentinel1, sentinel2"));
        QVERIFY(events.index(0, 0).data(SentinelEventModel::AttentionRole).toBool());
        for (quint64 id = 2; id <= 5; ++id) {
            e.id = id;
            events.apply(e);
        }
        QCOMPARE(events.rowCount(), 3); // bounded, oldest gone
        QCOMPARE(events.rowAt(0)->id, quint64(3));
    }
};

QTEST_GUILESS_MAIN(TestReplicationModels)
#include "tst_replicationmodels.moc"
