#pragma once

#include "probetally.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>

namespace vigil::drills {

// A Redis client as an application writes through Sentinel: every `intervalMs` a SET of key
// "vigil:drill:<run>:<seq>" to the master Sentinel names at that moment (asked before each
// write), so it follows a failover as soon as Sentinel announces it and never writes to a node
// Sentinel no longer names as master. Clients that keep a connection to the old master are
// what the drill's demoted-master step measures.
class RedisWriteProbe
{
public:
    struct Write
    {
        qint64 seq = 0;
        qint64 sentMs = 0;
        qint64 ackMs = -1;
        QString master; // "host:port" that acknowledged it
    };

    RedisWriteProbe(QStringList sentinels, QString masterName, QString runId,
                    std::chrono::steady_clock::time_point origin, int intervalMs = 50, int timeoutMs = 200);
    ~RedisWriteProbe();
    RedisWriteProbe(const RedisWriteProbe&) = delete;
    RedisWriteProbe& operator=(const RedisWriteProbe&) = delete;

    // Optional: every write is also counted here as it completes (the live chart). Before start().
    void setTally(std::shared_ptr<ProbeTally> tally) { m_tally = std::move(tally); }
    void start();
    void stop();
    QList<Write> writes() const;
    qint64 acknowledged() const { return m_acked.load(); }
    qint64 failed() const { return m_failed.load(); }
    qint64 firstAckAfter(qint64 ms, const QString& master) const;
    static QByteArray key(const QString& runId, qint64 seq);

private:
    void loop();
    qint64 now() const;

    QStringList m_sentinels;
    QString m_masterName, m_runId;
    std::chrono::steady_clock::time_point m_origin;
    int m_intervalMs, m_timeoutMs;
    std::atomic_bool m_stop {false};
    std::atomic<qint64> m_acked {0}, m_failed {0};
    mutable std::mutex m_mutex;
    QList<Write> m_writes;
    std::thread m_thread;
    std::shared_ptr<ProbeTally> m_tally;
};

// The master address the first answering Sentinel names ("host:port"), empty if none answers.
QString sentinelMaster(const QStringList& sentinels, const QString& masterName, int timeoutMs);

} // namespace vigil::drills
