#include "alertfeed.h"

#include "monitor/bouncerstats.h"
#include "monitor/poolstats.h"
#include "monitor/replicationview.h"

namespace vigil::alerts {

namespace {
const std::pair<const char*, const char*> kMetrics[] = {
    {metric::kNodeUp, ""},
    {metric::kAvgQueryMs, "ms"},
    {metric::kConnectionUtilisationPct, "%"},
    {metric::kIdleInTransactionSec, "s"},
    {metric::kReplicaLagSec, "s"},
    {metric::kReplicaStreaming, ""},
    {metric::kStandbyStartupSec, "s"},
    {metric::kSlotRetainedBytes, "bytes"},
    {metric::kInvalidIndex, ""},
    {metric::kArchiverFailing, ""},
    {metric::kBouncerClientsWaiting, ""},
    {metric::kRedisLinkUp, ""},
    {metric::kSentinelQuorumOk, ""},
};

double secondsSince(const QDateTime& t, const QDateTime& now)
{
    return double(t.msecsTo(now)) / 1000.0;
}
} // namespace

QStringList knownMetrics()
{
    QStringList out;
    for (const auto& [m, unit] : kMetrics)
        out << QLatin1String(m);
    return out;
}

QString metricUnit(const QString& metric)
{
    for (const auto& [m, unit] : kMetrics)
        if (metric == QLatin1String(m))
            return QLatin1String(unit); // "" for unitless, never null
    return QString();
}

QHash<QString, QList<Observation>> clusterObservations(const QList<NodeSnapshot>& snaps, FeedMemory* memory,
                                                       const QDateTime& now)
{
    QHash<QString, QList<Observation>> out;
    if (!memory->started.isValid())
        memory->started = now;
    for (const NodeSnapshot& s : snaps)
        out[metric::kNodeUp].append({s.node, s.reachable ? 1.0 : 0.0,
                                     s.reachable ? s.address : s.address + QStringLiteral(": ") + s.lastError});

    // PostgreSQL standbys, judged from the primary's pg_stat_replication joined with each standby.
    const QString primary = pgPrimaryName(snaps);
    if (!primary.isEmpty()) {
        auto& lag = out[metric::kReplicaLagSec];
        auto& streaming = out[metric::kReplicaStreaming];
        auto& startup = out[metric::kStandbyStartupSec];
        for (const PgReplicaRow& r : pgReplicaRows(snaps)) {
            if (r.name == primary || !r.nodeKnown)
                continue;
            const bool isStreaming = r.hasSender && r.sender.state == QLatin1String("streaming");
            if (isStreaming) {
                memory->lastStreaming.insert(r.name, now);
                // NULL replay_lag is PostgreSQL's "caught up and idle": no lag, not unknown.
                const double l = hasValue(r.sender.replayLagSec) ? r.sender.replayLagSec : 0.0;
                lag.append({r.name, l, QStringLiteral("streaming from %1, replay lag %2 s").arg(primary).arg(l)});
            } else {
                const QDateTime since = memory->lastStreaming.value(r.name, memory->started);
                lag.append({r.name, secondsSince(since, now),
                            QStringLiteral("not streaming (%1); last seen streaming %2")
                                .arg(r.stateText(),
                                     memory->lastStreaming.contains(r.name)
                                         ? since.toLocalTime().toString(QStringLiteral("HH:mm:ss"))
                                         : QStringLiteral("never since Vigil connected"))});
            }
            streaming.append({r.name, isStreaming ? 1.0 : 0.0, r.stateText()});
            // Connected without streaming: a WAL sender in startup / catchup / backup, or a
            // reachable standby whose WAL receiver is not streaming.
            const bool connecting = (r.hasSender && !isStreaming)
                || (r.nodeReachable && !r.receiverStatus.isEmpty() && r.receiverStatus != QLatin1String("streaming"));
            if (connecting) {
                const QDateTime since = memory->notStreamingSince.value(r.name, now);
                memory->notStreamingSince.insert(r.name, since);
                startup.append({r.name, secondsSince(since, now),
                                QStringLiteral("WAL sender %1, WAL receiver %2")
                                    .arg(r.hasSender ? r.sender.state : QStringLiteral("none"),
                                         r.receiverStatus.isEmpty() ? QStringLiteral("none") : r.receiverStatus)});
            } else {
                memory->notStreamingSince.remove(r.name);
                startup.append({r.name, 0.0, {}});
            }
        }
    }

    auto& slotObs = out[metric::kSlotRetainedBytes];
    for (const PgSlotRow& r : pgSlotRows(snaps))
        slotObs.append({r.node + QLatin1Char('/') + r.slot.name, r.slot.retainedBytes,
                        QStringLiteral("%1 slot, %2, wal_status %3")
                            .arg(r.slot.type, r.slot.active ? QStringLiteral("active") : QStringLiteral("inactive"),
                                 r.slot.walStatus)});

    auto& links = out[metric::kRedisLinkUp];
    auto& quorum = out[metric::kSentinelQuorumOk];
    for (const NodeSnapshot& s : snaps) {
        if (s.kind == NodeKind::Redis) {
            if (s.reachable && s.role == NodeRole::Replica) {
                memory->redisReplicas.insert(s.node);
                links.append({s.node, s.masterLink == QLatin1String("up") ? 1.0 : 0.0,
                              QStringLiteral("master_link_status %1, master %2").arg(s.masterLink, s.masterAddress)});
            } else if (s.reachable) {
                memory->redisReplicas.remove(s.node); // promoted: no link to judge
            } else if (memory->redisReplicas.contains(s.node)) {
                links.append({s.node, 0.0, QStringLiteral("replica unreachable: %1").arg(s.lastError)});
            }
        } else if (s.kind == NodeKind::Sentinel && s.reachable) {
            quorum.append({s.node, s.quorumOk ? 1.0 : 0.0, s.sentinel.ckquorum});
        }
    }
    return out;
}

QHash<QString, QList<Observation>> poolObservations(const PoolServerSnapshot& s, const QString& node)
{
    QHash<QString, QList<Observation>> out;
    if (!s.ok)
        return out;
    out[metric::kConnectionUtilisationPct].append(
        {node, s.utilisationPct(),
         QStringLiteral("%1 client backends of %2 available to ordinary roles")
             .arg(s.clientBackends)
             .arg(s.availableToUsers())});
    auto& idle = out[metric::kIdleInTransactionSec];
    for (const PoolSession& p : s.idleInTransaction) {
        if (p.state != QLatin1String("idle in transaction")
            && p.state != QLatin1String("idle in transaction (aborted)"))
            continue;
        idle.append({QStringLiteral("%1 pid %2").arg(node).arg(p.pid), p.stateMs / 1000.0,
                     QStringLiteral("%1@%2 (%3) from %4: %5")
                         .arg(p.user, p.database, p.application, p.client, p.query.simplified().left(200))});
    }
    return out;
}

QHash<QString, QList<Observation>> bouncerObservations(const BouncerSnapshot& s)
{
    QHash<QString, QList<Observation>> out;
    if (!s.ok)
        return out;
    QStringList pools;
    for (const BouncerPool& p : s.pools)
        if (p.clWaiting > 0)
            pools << QStringLiteral("%1/%2: %3 waiting").arg(p.database, p.user).arg(p.clWaiting);
    out[metric::kBouncerClientsWaiting].append(
        {QStringLiteral("pgbouncer"), double(s.clientsWaiting()),
         pools.isEmpty() ? QStringLiteral("no client waiting")
                         : pools.join(QStringLiteral("; ")) + QStringLiteral(", longest %1 ms").arg(s.maxWaitMs())});
    return out;
}

} // namespace vigil::alerts
