#pragma once

#include "alertengine.h"
#include "monitor/nodesnapshot.h"

#include <QHash>
#include <QSet>

namespace vigil {
struct BouncerSnapshot;
struct PoolServerSnapshot;
} // namespace vigil

// The metrics alert rules can name, and the pure functions that turn what Vigil already polls
// (node snapshots, pool figures, pgbouncer pools) into observations for the AlertEngine.
namespace vigil::alerts {

namespace metric {
inline constexpr char kNodeUp[] = "node.up"; // 1 reachable, 0 not; per node
inline constexpr char kAvgQueryMs[] = "pg.avg_query_ms"; // primary: mean of the calls between two polls
inline constexpr char kConnectionUtilisationPct[] = "pg.connection_utilisation_pct"; // primary
inline constexpr char kIdleInTransactionSec[] = "pg.idle_in_transaction_s"; // per session (pid)
inline constexpr char kReplicaLagSec[] = "pg.replica_lag_s"; // per standby
inline constexpr char kReplicaStreaming[] = "pg.replica_streaming"; // per standby: 1 streaming, 0 not
inline constexpr char kStandbyStartupSec[] = "pg.standby_startup_s"; // per standby
inline constexpr char kSlotRetainedBytes[] = "pg.slot_retained_bytes"; // per node/slot
inline constexpr char kInvalidIndex[] = "pg.invalid_index"; // per index: 1 while INVALID
inline constexpr char kArchiverFailing[] = "pg.archiver_failing"; // primary: 1 while failing
inline constexpr char kBouncerClientsWaiting[] = "pgbouncer.clients_waiting"; // all pools
inline constexpr char kRedisLinkUp[] = "redis.link_up"; // per Redis replica: 1 link up, 0 not
inline constexpr char kSentinelQuorumOk[] = "sentinel.quorum_ok"; // per Sentinel: 1 CKQUORUM OK
} // namespace metric

// Every metric above; the unit shown after thresholds ("" when none). A null string for a metric
// Vigil does not know (a typo in a rule file).
QStringList knownMetrics();
QString metricUnit(const QString& metric);

// What the cluster feed remembers between two rounds: when each standby was last seen
// streaming (its lag keeps growing while it is not), since when it has been connected without
// streaming, and which Redis nodes were replicas (a replica that vanished has its link down).
struct FeedMemory
{
    QDateTime started; // the first round: the lag of a standby never seen streaming counts from it
    QHash<QString, QDateTime> lastStreaming;
    QHash<QString, QDateTime> notStreamingSince;
    QSet<QString> redisReplicas;
};

// Observations per metric from the latest snapshot of every node of the profile (one round).
// Metrics whose source is unknown this round (no reachable primary for replication) are left out,
// so the engine holds their alerts instead of resolving them.
QHash<QString, QList<Observation>> clusterObservations(const QList<NodeSnapshot>& snaps, FeedMemory* memory,
                                                       const QDateTime& now);
QHash<QString, QList<Observation>> poolObservations(const PoolServerSnapshot& s, const QString& node);
QHash<QString, QList<Observation>> bouncerObservations(const BouncerSnapshot& s);

} // namespace vigil::alerts
