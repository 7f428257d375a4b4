#pragma once

#include "nodesnapshot.h"

#include <QList>

namespace vigil {

// The cluster-wide replication picture assembled from the latest snapshot of every node: who
// streams from whom and how far behind. Pure functions over snapshots, shared by the Replication
// tab's models, the topology view and `vigil report`.

// One PostgreSQL standby: the primary's pg_stat_replication row for it (when it has one) joined
// with the standby's own view (receive / replay positions) by node name = application_name.
struct PgReplicaRow
{
    QString name;
    QString primary; // node name of the primary it streams from; empty when none is reachable
    bool hasSender = false; // the primary has a WAL sender for it
    PgWalSender sender;
    bool nodeKnown = false; // a PostgreSQL node of the profile carries this name
    bool nodeReachable = false;
    QString nodeError;
    QString receiverStatus, receiveLsn, replayLsn, senderAddress;
    double replayDelaySec = kNoValue; // now() - pg_last_xact_replay_timestamp() on the standby
    double receivedNotReplayedBytes = kNoValue;

    // "streaming", or why there is no WAL sender ("not connected: pg2 is down (...)").
    QString stateText() const;
};

struct PgSlotRow
{
    QString node; // where the slot lives
    PgSlot slot;
    qint64 maxWalSizeBytes = -1;
    // More WAL kept than max_wal_size (checkpoints can no longer recycle it), or the server
    // already says the slot is past its limit (wal_status unreserved / lost).
    bool retainsTooMuch() const;
};

struct RedisReplicationRow
{
    QString node;
    QString address;
    bool reachable = false;
    NodeRole role = NodeRole::Unknown;
    QString linkStatus; // replica: master_link_status; master: "-"
    QString master; // replica: master it follows
    qint64 offset = -1; // master_repl_offset / slave_repl_offset
    qint64 lagOffset = -1; // replica: master offset minus the replica's acknowledged offset
    qint64 lagSec = -1; // replica: seconds since the master last heard from it
    QString linkState; // master's view: online, wait_bgsave ...
    int clients = -1;
    qint64 usedMemory = -1;
    double opsPerSec = kNoValue;
};

struct SentinelRow
{
    QString node;
    QString address;
    bool reachable = false;
    QString master; // current master address it names
    bool quorumOk = false;
    SentinelView view;
};

QString pgPrimaryName(const QList<NodeSnapshot>& snaps);
QList<PgReplicaRow> pgReplicaRows(const QList<NodeSnapshot>& snaps);
QList<PgSlotRow> pgSlotRows(const QList<NodeSnapshot>& snaps);
// The Redis node currently master (a reachable node with role master), or empty.
QString redisMasterName(const QList<NodeSnapshot>& snaps);
QList<RedisReplicationRow> redisReplicationRows(const QList<NodeSnapshot>& snaps);
QList<SentinelRow> sentinelRows(const QList<NodeSnapshot>& snaps);

} // namespace vigil
