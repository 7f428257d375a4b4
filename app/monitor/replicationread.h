#pragma once

#include "nodesnapshot.h"

#include <QHash>

namespace vigil {
namespace pg {
class Result;
}
namespace redis {
struct Reply;
}

// Fill NodeSnapshot's replication details from what the pollers already fetched, so each poller
// keeps its one round trip and this parsing stays in one place.

// node_status.sql columns wal_senders, slots (JSON arrays), receive_lsn, replay_lsn, sender,
// receiver_slot, max_wal_size_b. `canMonitor`: without pg_monitor the LSNs of other roles'
// walsenders come back NULL, which is a state to show, not a lag of zero.
void readPgReplication(const pg::Result& r, bool canMonitor, NodeSnapshot* s);

// INFO replication of a Redis server: master_repl_offset and the slaveN lines on a master,
// slave_repl_offset and master_last_io_seconds_ago on a replica.
void readRedisReplication(const QHash<QString, QString>& info, NodeSnapshot* s);

// The replies to SENTINEL MASTER / REPLICAS / SENTINELS / CKQUORUM for `masterName` (the
// Sentinel poller sends them in its one pipelined round trip).
void readSentinelView(const redis::Reply& master, const redis::Reply& replicas, const redis::Reply& sentinels,
                      const redis::Reply& ckquorum, const QString& masterName, SentinelView* view);
// SENTINEL MASTERS: the names of every master the Sentinel monitors (a Sentinel may watch
// several; the profile names one).
void readSentinelMasters(const redis::Reply& masters, SentinelView* view);

} // namespace vigil
