#pragma once

#include "monitor/nodesnapshot.h"
#include "monitor/timeseries.h"

#include <QHash>
#include <QStringList>

namespace vigil {

// Lag per replica over time, for the Replication tab's charts. ClusterMonitor keeps history per
// polled node; replica lag is measured on the primary / master, keyed by the replica, so it is
// kept here. Only measured values are recorded: a NULL replay_lag (idle) leaves a gap.
class ReplicationHistory
{
public:
    enum class Series { PgReplayLagSec, PgReplayLagBytes, RedisLagOffset };

    explicit ReplicationHistory(int capacity = 3600)
        : m_capacity(capacity)
    {
    }
    // `redisNodeByAddress` maps "host:port" to a Redis node name so the master's slaveN lines
    // land under the replica's name.
    void record(const NodeSnapshot& s, const QHash<QString, QString>& redisNodeByAddress);
    void clear() { m_series.clear(); }
    // Replica names with data for `series`, sorted.
    QStringList names(Series series) const;
    const TimeSeries* series(Series series, const QString& replica) const;

private:
    void append(Series series, const QString& name, qint64 t, double v);
    int m_capacity;
    QHash<Series, QHash<QString, TimeSeries>> m_series;
};

} // namespace vigil
