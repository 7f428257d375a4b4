#pragma once

#include "nodesnapshot.h"

#include <QHash>

namespace vigil {
namespace pg {
class Result;
}
namespace redis {
class Connection;
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

// SENTINEL MASTER / REPLICAS / SENTINELS / CKQUORUM for `masterName`, sent as one pipeline.
// Returns false (with error) only when the connection failed.
bool readSentinelView(redis::Connection& conn, const QString& masterName, NodeSnapshot* s, QString* error);

} // namespace vigil
