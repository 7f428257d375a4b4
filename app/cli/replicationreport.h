#pragma once

#include "monitor/nodesnapshot.h"
#include "target.h"

#include <QJsonObject>

namespace vigil::cli {

// One poll of every server of the target through the same pollers the GUI's NodeWorkers use
// (blocking: for the CLI), in profile order.
QList<NodeSnapshot> pollOnce(const Target& target);

// The "replication" section of `vigil report`:
// {"postgres": [{"name", "state", "sync_state", "write_lag_ms", "flush_lag_ms", "replay_lag_ms",
//                "lag_bytes", "detail"}],
//  "redis": [{"addr", "role", "link_status", "lag_offset"}],
//  "sentinel": {"master_name", "master", "quorum_ok", "sentinels": ["HOST:PORT"]}}
// Lags are null where the server reports NULL (idle) or the replica is not connected.
QJsonObject replicationReport(const QList<NodeSnapshot>& snapshots, const QString& masterName);

// The same for people, a few lines.
QString replicationText(const QJsonObject& replication);

} // namespace vigil::cli
