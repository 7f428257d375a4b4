#pragma once

#include "probetally.h"

#include <QList>
#include <QString>
#include <QThread>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>

namespace vigil::drills {

// What a client experiences during a failover, for any server kind: a thread that makes one
// numbered write every `intervalMs` and records for each whether and when it was acknowledged and
// by which server ("host:port"). The subclass says how one write is made (writeOnce, called on the
// probe's thread only, so the connections it keeps need no lock) and must call stop() in its own
// destructor, before its members go. `Write` has seq, sentMs, ackMs (-1: not acknowledged) and
// server; times are ms since the drill's origin, the clock of its timeline.
template <class Write> class WriteProbe
{
public:
    WriteProbe(QString runId, std::chrono::steady_clock::time_point origin, int intervalMs)
        : m_runId(std::move(runId))
        , m_origin(origin)
        , m_intervalMs(intervalMs)
    {
    }
    virtual ~WriteProbe() = default;
    WriteProbe(const WriteProbe&) = delete;
    WriteProbe& operator=(const WriteProbe&) = delete;

    // Optional: every write is also counted here as it completes (the live chart). Before start().
    void setTally(std::shared_ptr<ProbeTally> tally) { m_tally = std::move(tally); }
    void start()
    {
        if (!m_thread.joinable())
            m_thread = std::thread([this] { loop(); });
    }
    // Joins the thread; bounded by the subclass's connect and command timeouts.
    void stop()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
    }

    QList<Write> writes() const
    {
        const std::lock_guard lock(m_mutex);
        return m_writes;
    }
    qint64 acknowledged() const { return m_acked.load(); }
    qint64 failed() const { return m_failed.load(); }

    // First acknowledgement at or after `ms` by `server` (-1: none yet).
    qint64 firstAckAfter(qint64 ms, const QString& server) const
    {
        const std::lock_guard lock(m_mutex);
        for (const Write& w : m_writes)
            if (w.ackMs >= ms && w.server == server)
                return w.ackMs;
        return -1;
    }
    // The same, waiting up to `timeoutMs` (or until `abort`) for it to happen.
    qint64 waitForAck(qint64 ms, const QString& server, qint64 timeoutMs, const std::atomic_bool& abort) const
    {
        const qint64 until = now() + timeoutMs;
        qint64 ack = -1;
        while ((ack = firstAckAfter(ms, server)) < 0 && now() < until && !abort)
            QThread::msleep(10);
        return ack;
    }

protected:
    // One write attempt on the probe's thread: sets w.ackMs (now()) and w.server when acknowledged.
    virtual void writeOnce(Write& w) = 0;
    // On the probe's thread when it stops: the connections go with it, not with the object.
    virtual void closeConnections() = 0;

    qint64 now() const
    {
        return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - m_origin)
            .count();
    }
    const QString& runId() const { return m_runId; }
    const std::atomic_bool& stopping() const { return m_stop; }

private:
    void loop()
    {
        qint64 seq = 0;
        auto next = std::chrono::steady_clock::now();
        while (!m_stop) {
            next += std::chrono::milliseconds(m_intervalMs);
            Write w;
            w.seq = ++seq;
            w.sentMs = now();
            writeOnce(w);
            (w.ackMs >= 0 ? m_acked : m_failed)++;
            if (m_tally)
                m_tally->record(w.sentMs, w.ackMs >= 0);
            {
                const std::lock_guard lock(m_mutex);
                m_writes.append(w);
            }
            // A slow write delays the next one rather than sending a burst to catch up.
            const auto wake = std::max(next, std::chrono::steady_clock::now());
            while (!m_stop && std::chrono::steady_clock::now() < wake)
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            next = wake;
        }
        closeConnections();
    }

    QString m_runId;
    std::chrono::steady_clock::time_point m_origin;
    int m_intervalMs;
    std::atomic_bool m_stop {false};
    std::atomic<qint64> m_acked {0}, m_failed {0};
    mutable std::mutex m_mutex;
    QList<Write> m_writes;
    std::thread m_thread;
    std::shared_ptr<ProbeTally> m_tally;
};

} // namespace vigil::drills
