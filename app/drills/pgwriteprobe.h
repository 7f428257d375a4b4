#pragma once

#include "probetally.h"

#include <QList>
#include <QString>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>

namespace vigil::pg {
class Connection;
}

namespace vigil::drills {

// What a client of the database experiences during a failover: a thread that writes numbered
// rows (run id, sequence) every `intervalMs` to whichever node accepts writes, through a
// multi-host conninfo with target_session_attrs=read-write, and records for each write whether
// and when it was acknowledged, by which server port, and the WAL position after it. A failed
// write or connect is recorded too and the probe reconnects on the next tick.
class PgWriteProbe
{
public:
    struct Write
    {
        qint64 seq = 0;
        qint64 sentMs = 0; // since the drill's origin
        qint64 ackMs = -1; // -1: not acknowledged
        int port = 0; // server that acknowledged it
        QString server; // the same as "host:port" (ports alone repeat across hosts in real clusters)
        // pg_current_wal_insert_lsn() as the insert saw it (RETURNING runs before the commit record,
        // so WAL loss counted from it misses at most that last commit record, ~30 bytes).
        QString lsn;
    };

    // `conninfo` names every candidate node (multi-host); the table must exist (ensureTable).
    PgWriteProbe(QString conninfo, QString runId, std::chrono::steady_clock::time_point origin, int intervalMs = 50);
    ~PgWriteProbe();
    PgWriteProbe(const PgWriteProbe&) = delete;
    PgWriteProbe& operator=(const PgWriteProbe&) = delete;

    static QString tableSql();

    // Optional: every write is also counted here as it completes (the live chart). Before start().
    void setTally(std::shared_ptr<ProbeTally> tally) { m_tally = std::move(tally); }
    void start();
    void stop(); // joins the thread; bounded by the connect and statement timeouts (~1 s)

    QList<Write> writes() const;
    // Lets the probe write for `ms` (stopping early on `abort`): true when `node` acknowledged at
    // least one write; *detail says how many (or that none was).
    bool warmUp(int ms, const std::atomic_bool& abort, const QString& node, QString* detail) const;
    // Acknowledged writes whose rows are missing on `server` (-1 with *error when it cannot tell).
    qint64 countMissing(pg::Connection& server, QString* error) const;
    qint64 acknowledged() const { return m_acked.load(); }
    qint64 failed() const { return m_failed.load(); }
    // First acknowledgement at or after `ms` by a server listening on `port` (-1: none yet).
    qint64 firstAckAfter(qint64 ms, int port) const;
    // The same for a server named "host:port".
    qint64 firstAckAfter(qint64 ms, const QString& server) const;
    // A password for every host of the conninfo (kept in memory, passed as a keyword). Before start().
    void setPassword(const QString& password) { m_password = password; }

private:
    void loop();
    qint64 now() const;

    QString m_conninfo, m_runId, m_password;
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
