#pragma once

#include "redis/redisconnection.h"
#include "writeprobe.h"

#include <QStringList>

namespace vigil::drills {

struct RedisWriteProbeWrite
{
    qint64 seq = 0;
    qint64 sentMs = 0;
    qint64 ackMs = -1;
    QString server; // the master ("host:port") that acknowledged it
};

// A Redis client as an application writes through Sentinel: every `intervalMs` a SET of key
// "vigil:drill:<run>:<seq>" to the master Sentinel names at that moment (asked before each
// write), so it follows a failover as soon as Sentinel announces it and never writes to a node
// Sentinel no longer names as master. Clients that keep a connection to the old master are
// what the drill's demoted-master step measures.
class RedisWriteProbe : public WriteProbe<RedisWriteProbeWrite>
{
public:
    using Write = RedisWriteProbeWrite;

    RedisWriteProbe(QStringList sentinels, QString masterName, QString runId,
                    std::chrono::steady_clock::time_point origin, int intervalMs = 50, int timeoutMs = 200);
    ~RedisWriteProbe() override;

    static QByteArray key(const QString& runId, qint64 seq);

private:
    void writeOnce(Write& w) override;
    void closeConnections() override;
    // Which master Sentinel names now (empty when no Sentinel answers).
    QString currentMaster();

    QStringList m_sentinels;
    QString m_masterName;
    int m_timeoutMs;
    // The probe thread's only.
    redis::Connection m_conn, m_sentinel;
    QString m_master;
};

// The master address the first answering Sentinel names ("host:port"), empty if none answers.
QString sentinelMaster(const QStringList& sentinels, const QString& masterName, int timeoutMs);

} // namespace vigil::drills
