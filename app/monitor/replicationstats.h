#pragma once

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <limits>

namespace vigil {

// The replication figures carried by NodeSnapshot. Plain values, filled by the pollers in their
// one round trip per period; NaN (kNoValue) / -1 where the server reports nothing.

// One row of pg_stat_replication on a primary (a WAL sender serving one standby).
struct PgWalSender
{
    QString name; // application_name: the standby's node name in a profile
    QString clientAddress;
    QString state; // startup, catchup, streaming, backup, stopping
    QString syncState; // async, potential, sync, quorum
    QString sentLsn, writeLsn, flushLsn, replayLsn;
    // As pg_stat_replication reports them: NULL (NaN here) once the standby has caught up and the
    // primary is idle, which is "idle", not zero.
    double writeLagSec = kNaN, flushLagSec = kNaN, replayLagSec = kNaN;
    // pg_wal_lsn_diff(pg_current_wal_lsn(), ...) computed by the server.
    double sentLagBytes = kNaN, writeLagBytes = kNaN, flushLagBytes = kNaN, replayLagBytes = kNaN;
    QString slotName; // the slot the standby uses, when one of the primary's slots is active for it
    QDateTime backendStart;
    static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
};

// One row of pg_replication_slots.
struct PgSlot
{
    QString name;
    QString type; // physical, logical
    bool active = false;
    QString restartLsn;
    double retainedBytes = std::numeric_limits<double>::quiet_NaN(); // WAL the slot keeps on disk: current (or
                                                                     // received) LSN minus restart_lsn
    QString walStatus; // reserved, extended, unreserved, lost
    double safeWalSize = std::numeric_limits<double>::quiet_NaN(); // NaN: max_slot_wal_keep_size = -1
};

// A Redis master's view of one replica (INFO replication "slaveN:" line).
struct RedisReplicaLink
{
    QString address; // ip:port as the replica announced it
    QString state; // online, wait_bgsave, send_bulk ...
    qint64 offset = -1; // replica's acknowledged offset
    qint64 lagOffset = -1; // master_repl_offset - offset
    qint64 lagSec = -1; // seconds since the last ACK
    bool operator==(const RedisReplicaLink&) const = default;
};

// What one Sentinel says about one monitored instance (SENTINEL REPLICAS / SENTINELS entries).
struct SentinelPeer
{
    QString address; // ip:port
    QString flags; // master, slave, sentinel, s_down, o_down, disconnected ...
    QString linkStatus; // replicas: master-link-status as the Sentinel sees it
    bool operator==(const SentinelPeer&) const = default;
};

// A Sentinel's view of the profile's master name.
struct SentinelView
{
    QString masterName;
    QStringList knownMasters; // SENTINEL MASTERS: every master name this Sentinel monitors, as name@ip:port
    QString masterFlags; // SENTINEL MASTER "flags"
    int quorum = -1; // configured quorum
    QString ckquorum; // CKQUORUM answer: "OK 3 usable Sentinels..." or the error
    QList<SentinelPeer> replicas;
    QList<SentinelPeer> sentinels; // the other Sentinels (not this one)
    bool operator==(const SentinelView&) const = default;
};

} // namespace vigil
