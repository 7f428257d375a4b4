#include "replicationview.h"

#include <QCoreApplication>
#include <QHash>

namespace vigil {

QString PgReplicaRow::stateText() const
{
    if (hasSender)
        return sender.state.isEmpty() ? QCoreApplication::translate("vigil::Replication", "hidden (no pg_monitor)")
                                      : sender.state;
    if (primary.isEmpty())
        return QCoreApplication::translate("vigil::Replication", "unknown: no reachable primary");
    if (nodeKnown && !nodeReachable)
        return QCoreApplication::translate("vigil::Replication", "not connected: %1 is down (%2)").arg(name, nodeError);
    if (!receiverStatus.isEmpty())
        return QCoreApplication::translate("vigil::Replication", "not connected to %1: WAL receiver %2")
            .arg(primary, receiverStatus);
    return QCoreApplication::translate("vigil::Replication", "not connected to %1").arg(primary);
}

bool PgSlotRow::retainsTooMuch() const
{
    if (slot.walStatus == QLatin1String("unreserved") || slot.walStatus == QLatin1String("lost"))
        return true;
    return maxWalSizeBytes > 0 && hasValue(slot.retainedBytes) && slot.retainedBytes > double(maxWalSizeBytes);
}

QString pgPrimaryName(const QList<NodeSnapshot>& snaps)
{
    for (const NodeSnapshot& s : snaps)
        if (s.kind == NodeKind::Postgres && s.reachable && s.role == NodeRole::Primary)
            return s.node;
    return {};
}

QList<PgReplicaRow> pgReplicaRows(const QList<NodeSnapshot>& snaps)
{
    QList<PgReplicaRow> rows;
    const QString primary = pgPrimaryName(snaps);
    auto rowFor = [&rows](const QString& name) -> PgReplicaRow& {
        for (PgReplicaRow& r : rows)
            if (r.name == name)
                return r;
        rows.append(PgReplicaRow {});
        rows.last().name = name;
        return rows.last();
    };
    for (const NodeSnapshot& s : snaps) {
        if (s.node != primary)
            continue;
        for (const PgWalSender& w : s.walSenders) {
            PgReplicaRow& r = rowFor(w.name);
            r.hasSender = true;
            r.sender = w;
        }
    }
    // Every other PostgreSQL node of the profile is a standby, or should be: a stopped one keeps
    // its row and says why it has no WAL sender.
    for (const NodeSnapshot& s : snaps) {
        if (s.kind != NodeKind::Postgres || s.node == primary)
            continue;
        if (s.reachable && s.role == NodeRole::Primary)
            continue; // a second primary (split brain) is not a replica of this one
        PgReplicaRow& r = rowFor(s.node);
        r.nodeKnown = true;
        r.nodeReachable = s.reachable;
        r.nodeError = s.reachable ? QString() : (s.diagnosis.what.isEmpty() ? s.lastError : s.diagnosis.what);
        if (s.reachable) {
            r.receiverStatus = s.receiverStatus;
            r.receiveLsn = s.receiveLsn;
            r.replayLsn = s.replayLsn;
            r.senderAddress = s.senderAddress;
            r.replayDelaySec = s.replayLagSec;
            r.receivedNotReplayedBytes = s.replayLagBytes;
        }
    }
    for (PgReplicaRow& r : rows)
        r.primary = primary;
    return rows;
}

QList<PgSlotRow> pgSlotRows(const QList<NodeSnapshot>& snaps)
{
    QList<PgSlotRow> rows;
    for (const NodeSnapshot& s : snaps)
        if (s.kind == NodeKind::Postgres && s.reachable)
            for (const PgSlot& slot : s.replicationSlots)
                rows.append({s.node, slot, s.maxWalSizeBytes});
    return rows;
}

QString redisMasterName(const QList<NodeSnapshot>& snaps)
{
    // A demoted master keeps saying "master" until Sentinel reconfigures it (about 10 s after it
    // comes back), so the master the Sentinels name wins over what a server says of itself.
    QHash<QString, int> named;
    for (const NodeSnapshot& s : snaps)
        if (s.kind == NodeKind::Sentinel && s.reachable && !s.masterAddress.isEmpty())
            ++named[s.masterAddress];
    QString best;
    int votes = 0;
    for (const NodeSnapshot& s : snaps) {
        if (s.kind != NodeKind::Redis || !s.reachable || s.role != NodeRole::Master)
            continue;
        if (best.isEmpty() || named.value(s.address) > votes) {
            best = s.node;
            votes = named.value(s.address);
        }
    }
    return best;
}

QList<RedisReplicationRow> redisReplicationRows(const QList<NodeSnapshot>& snaps)
{
    const QString masterName = redisMasterName(snaps);
    const NodeSnapshot* master = nullptr;
    for (const NodeSnapshot& s : snaps)
        if (s.node == masterName)
            master = &s;
    QList<RedisReplicationRow> rows;
    for (const NodeSnapshot& s : snaps) {
        if (s.kind != NodeKind::Redis)
            continue;
        RedisReplicationRow r;
        r.node = s.node;
        r.address = s.address;
        r.reachable = s.reachable;
        if (s.reachable) {
            r.role = s.role;
            r.offset = s.replOffset;
            r.clients = s.clients;
            r.usedMemory = s.usedMemory;
            r.opsPerSec = s.opsPerSec;
            if (s.role == NodeRole::Replica) {
                r.linkStatus = s.masterLink;
                r.master = s.masterAddress;
            }
        }
        // Lag as the master measures it: its offset minus what this replica acknowledged.
        if (master && &s != master) {
            for (const RedisReplicaLink& l : master->replicaLinks) {
                if (l.address == s.address) {
                    r.lagOffset = l.lagOffset;
                    r.lagSec = l.lagSec;
                    r.linkState = l.state;
                }
            }
        }
        rows.append(r);
    }
    return rows;
}

QList<SentinelRow> sentinelRows(const QList<NodeSnapshot>& snaps)
{
    QList<SentinelRow> rows;
    for (const NodeSnapshot& s : snaps) {
        if (s.kind != NodeKind::Sentinel)
            continue;
        rows.append({s.node, s.address, s.reachable, s.reachable ? s.masterAddress : QString(),
                     s.reachable && s.quorumOk, s.sentinel});
    }
    return rows;
}

} // namespace vigil
