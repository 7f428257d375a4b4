#include "nodesnapshot.h"

namespace vigil {

QString kindName(NodeKind kind)
{
    switch (kind) {
    case NodeKind::Postgres:
        return QStringLiteral("PostgreSQL");
    case NodeKind::PgBouncer:
        return QStringLiteral("pgbouncer");
    case NodeKind::Redis:
        return QStringLiteral("Redis");
    case NodeKind::Sentinel:
        return QStringLiteral("Sentinel");
    }
    return {};
}

QString roleName(NodeRole role)
{
    switch (role) {
    case NodeRole::Unknown:
        return QStringLiteral("unknown");
    case NodeRole::Primary:
        return QStringLiteral("primary");
    case NodeRole::Replica:
        return QStringLiteral("replica");
    case NodeRole::Master:
        return QStringLiteral("master");
    case NodeRole::Sentinel:
        return QStringLiteral("sentinel");
    case NodeRole::PgBouncer:
        return QStringLiteral("pgbouncer");
    }
    return {};
}

QString NodeSnapshot::replicationText() const
{
    if (!reachable)
        return {};
    switch (role) {
    case NodeRole::Primary:
        return QStringLiteral("%1 of %2 replicas streaming").arg(replicasStreaming).arg(replicasTotal);
    case NodeRole::Replica:
        if (kind == NodeKind::Postgres) {
            QString s = receiverStatus.isEmpty() ? QStringLiteral("no WAL receiver") : receiverStatus;
            if (hasValue(replayLagBytes))
                s += QStringLiteral(", %1 B behind").arg(qint64(replayLagBytes));
            if (hasValue(replayLagSec))
                s += QStringLiteral(", last replay %1 s ago").arg(replayLagSec, 0, 'f', 1);
            return s;
        }
        return QStringLiteral("link %1 to %2").arg(masterLink, masterAddress);
    case NodeRole::Master:
        return QStringLiteral("%1 replicas connected").arg(redisReplicas);
    case NodeRole::Sentinel:
        return QStringLiteral("master %1, quorum %2")
            .arg(masterAddress, quorumOk ? QStringLiteral("ok") : QStringLiteral("NOT reached"));
    default:
        return {};
    }
}

} // namespace vigil
