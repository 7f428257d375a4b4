#pragma once

#include "connect/diagnosis.h"
#include "replicationstats.h"

#include <QDateTime>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <cmath>
#include <limits>

namespace vigil {

enum class NodeKind { Postgres, PgBouncer, Redis, Sentinel };
// Discovered by polling; a failover changes it and the UI follows.
enum class NodeRole { Unknown, Primary, Replica, Master, Sentinel, PgBouncer };

QString kindName(NodeKind kind);
QString roleName(NodeRole role);

// A missing extension or privilege: a state to show with the SQL that fixes it.
struct Finding
{
    QString message;
    QString fixSql;
    bool operator==(const Finding&) const = default;
};

inline constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();
inline bool hasValue(double v)
{
    return !std::isnan(v);
}

// One poll of one server, immutable once emitted by its NodeWorker. Figures that do not apply to
// the node's kind, or that need two samples, are NaN / -1.
struct NodeSnapshot
{
    QString node;
    NodeKind kind = NodeKind::Postgres;
    QString address;
    quint64 generation = 0; // ClusterMonitor drops snapshots from a previous connection
    quint64 sequence = 0;

    bool reachable = false;
    NodeRole role = NodeRole::Unknown;
    QString version;
    qint64 uptimeSec = -1;
    QDateTime sampledAt;
    QDateTime downSince; // invalid while reachable
    QString lastError;
    Diagnosis diagnosis;
    double rttMs = kNoValue;

    // PostgreSQL
    double tps = kNoValue; // commits + rollbacks per second, all databases
    int connections = -1; // client backends
    int maxConnections = -1;
    double cacheHitPct = kNoValue; // shared buffers, over the last interval
    int replicasStreaming = -1; // primary: streaming walsenders
    int replicasTotal = -1;
    QString receiverStatus; // replica: pg_stat_wal_receiver.status
    double replayLagSec = kNoValue; // replica: now() - last replayed commit
    double replayLagBytes = kNoValue; // replica: received minus replayed
    QList<Finding> findings;

    // Redis / Sentinel
    double opsPerSec = kNoValue;
    qint64 usedMemory = -1;
    qint64 maxMemory = -1;
    int clients = -1;
    double keyspaceHitPct = kNoValue; // GETs that found their key, over the last interval
    qint64 keyspaceHits = -1, keyspaceMisses = -1; // lifetime counters
    qint64 evictedKeys = -1, expiredKeys = -1; // lifetime counters
    QString maxmemoryPolicy;
    QString masterLink; // replica: master_link_status
    QString masterAddress; // Redis replica: its master; Sentinel: the master it names
    int redisReplicas = -1; // master: connected_slaves
    bool quorumOk = false; // Sentinel: CKQUORUM
    int sentinelsKnown = -1; // Sentinel: including itself

    // pgbouncer
    int clientsWaiting = -1;
    int serverConnections = -1;

    // Replication details (Replication tab, topology, `report` "replication"); see replicationstats.h
    QList<PgWalSender> walSenders; // PostgreSQL primary: pg_stat_replication
    QList<PgSlot> replicationSlots; // PostgreSQL: pg_replication_slots
    bool replicationDetailsHidden = false; // walsender rows present but LSNs hidden (no pg_monitor)
    QString receiveLsn, replayLsn; // PostgreSQL replica: pg_last_wal_receive_lsn / replay_lsn
    QString senderAddress; // PostgreSQL replica: host:port its WAL receiver streams from
    QString receiverSlot; // PostgreSQL replica: the slot it streams through
    qint64 maxWalSizeBytes = -1; // PostgreSQL: max_wal_size, the yardstick for WAL a slot retains
    qint64 replOffset = -1; // Redis: master_repl_offset (master) or slave_repl_offset (replica)
    qint64 masterLastIoSec = -1; // Redis replica: master_last_io_seconds_ago
    QList<RedisReplicaLink> replicaLinks; // Redis master: INFO replication slaveN lines
    SentinelView sentinel; // Sentinel: its view of the profile's master name

    // A one-line summary of the replication state for tables and tooltips.
    QString replicationText() const;
};

} // namespace vigil

Q_DECLARE_METATYPE(vigil::NodeSnapshot)
