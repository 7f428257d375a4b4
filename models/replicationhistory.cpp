#include "replicationhistory.h"

namespace vigil {

void ReplicationHistory::append(Series series, const QString& name, qint64 t, double v)
{
    if (!hasValue(v))
        return;
    auto& byName = m_series[series];
    auto it = byName.find(name);
    if (it == byName.end())
        it = byName.insert(name, TimeSeries(m_capacity));
    it->append(t, v);
}

void ReplicationHistory::record(const NodeSnapshot& s, const QHash<QString, QString>& redisNodeByAddress)
{
    if (!s.reachable)
        return;
    const qint64 t = s.sampledAt.toMSecsSinceEpoch();
    if (s.kind == NodeKind::Postgres && s.role == NodeRole::Primary) {
        for (const PgWalSender& w : s.walSenders) {
            append(Series::PgReplayLagSec, w.name, t, w.replayLagSec);
            append(Series::PgReplayLagBytes, w.name, t, w.replayLagBytes);
        }
    } else if (s.kind == NodeKind::Redis && s.role == NodeRole::Master) {
        for (const RedisReplicaLink& l : s.replicaLinks)
            if (l.lagOffset >= 0)
                append(Series::RedisLagOffset, redisNodeByAddress.value(l.address, l.address), t, double(l.lagOffset));
    }
}

QStringList ReplicationHistory::names(Series series) const
{
    QStringList out = m_series.value(series).keys();
    out.sort();
    return out;
}

const TimeSeries* ReplicationHistory::series(Series series, const QString& replica) const
{
    const auto s = m_series.constFind(series);
    if (s == m_series.constEnd())
        return nullptr;
    const auto it = s->constFind(replica);
    return it == s->constEnd() ? nullptr : &*it;
}

} // namespace vigil
