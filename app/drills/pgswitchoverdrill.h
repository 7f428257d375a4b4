#pragma once

#include "drillresult.h"
#include "pg/pgconnection.h"
#include "probetally.h"

#include <QString>
#include <atomic>
#include <functional>
#include <memory>

namespace vigil::drills {

// The planned switchover for a real cluster, where Vigil reaches the servers only through SQL
// (no pg_ctl, no files): pre-flight, write probe, fence writes on the primary
// (default_transaction_read_only through ALTER SYSTEM + reload, sessions still holding a write
// transaction ended), wait until the standby has replayed everything the primary wrote, promote it,
// writes resume there (RTO), RPO (expected 0). The old primary stays up, fenced read-only: putting
// it back as a standby needs its host (pg_rewind), so the result says exactly what to run there,
// and pgbouncer's [databases] line likewise. An abort before the promotion lifts the fence, so the
// old primary takes writes again and nothing changed. Blocking: run it on a worker thread.
class PgSwitchoverDrill
{
public:
    struct Options
    {
        std::shared_ptr<ProbeTally> tally;
        QString primaryName, replicaName; // as the profile names the nodes
        pg::ConnectOptions primary, replica; // conninfo (+ password from the keychain, in memory)
        qint64 maxLagBytes = 16LL * 1024 * 1024;
        int probeIntervalMs = 50;
        int warmupMs = 1000;
        int settleMs = 500;
        int drainMs = 2000; // write transactions get this long to finish after the fence
        int catchUpTimeoutMs = 30000;
        int resumeTimeoutMs = 30000;
    };

    explicit PgSwitchoverDrill(Options options);
    DrillResult run(const std::function<void(const DrillStep&)>& stepChanged = {});
    void abort() { m_abort = true; }

    // Two conninfos as one multi-host conninfo with target_session_attrs=read-write (what a
    // client that follows the primary uses); empty with *error when one does not parse.
    static QString multiHost(const QString& first, const QString& second, QString* error);

private:
    Options m_options;
    std::atomic_bool m_abort {false};
};

} // namespace vigil::drills
