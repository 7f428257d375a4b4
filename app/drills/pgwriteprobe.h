#pragma once

#include "pg/pgconnection.h"
#include "writeprobe.h"

namespace vigil::drills {

struct PgWriteProbeWrite
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

// What a client of the database experiences during a failover: numbered rows (run id, sequence)
// written every `intervalMs` to whichever node accepts writes, through a multi-host conninfo with
// target_session_attrs=read-write, each recorded with whether and when it was acknowledged, by
// which server, and the WAL position after it. A failed write or connect is recorded too and the
// probe reconnects on the next tick.
class PgWriteProbe : public WriteProbe<PgWriteProbeWrite>
{
public:
    using Write = PgWriteProbeWrite;

    // `conninfo` names every candidate node (multi-host); the table must exist (tableSql).
    PgWriteProbe(QString conninfo, QString runId, std::chrono::steady_clock::time_point origin, int intervalMs = 50);
    ~PgWriteProbe() override;

    static QString tableSql();

    // A password for every host of the conninfo (kept in memory, passed as a keyword). Before start().
    void setPassword(const QString& password) { m_options.password = password; }
    // Lets the probe write for `ms` (stopping early on `abort`): true when `node` acknowledged at
    // least one write; *detail says how many (or that none was).
    bool warmUp(int ms, const std::atomic_bool& abort, const QString& node, QString* detail) const;
    // Acknowledged writes whose rows are missing on `server` (-1 with *error when it cannot tell).
    qint64 countMissing(pg::Connection& server, QString* error) const;

private:
    void writeOnce(Write& w) override;
    void closeConnections() override { m_conn.close(); }

    pg::ConnectOptions m_options;
    pg::Connection m_conn; // the probe thread's only
};

} // namespace vigil::drills
