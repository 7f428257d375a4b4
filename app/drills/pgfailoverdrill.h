#pragma once

#include "drillresult.h"
#include "probetally.h"

#include <QString>
#include <atomic>
#include <functional>
#include <memory>

namespace vigil::drills {

// The PostgreSQL unplanned failover drill on a sandbox (DESIGN.md section 7), as a sequence of
// visible steps: pre-flight, write probe, crash the primary (immediate stop), promote the
// replica, writes resume (RTO), repoint pgbouncer, RPO (acknowledged probe writes missing on the
// new primary, and WAL bytes acknowledged on the old one beyond what the new one had replayed),
// rejoin the old primary as a standby (pg_rewind). Blocking: run it on a worker thread.
class PgFailoverDrill
{
public:
    // Unplanned: the primary crashes (immediate stop). Planned (switchover): the primary stops
    // cleanly (fast shutdown), the standby must have replayed its shutdown checkpoint before it is
    // promoted, and no acknowledged write may be lost.
    enum class Mode { Unplanned, Planned };
    struct Options
    {
        std::shared_ptr<ProbeTally> tally; // optional: live probe counts for a chart
        QString sandboxDir;
        Mode mode = Mode::Unplanned;
        qint64 maxLagBytes = 16LL * 1024 * 1024; // pre-flight: replica replay lag limit
        int probeIntervalMs = 50; // 20 writes per second
        int warmupMs = 1000; // probe writes before the fault
        int settleMs = 500; // probe writes on the new primary before counting
        int resumeTimeoutMs = 30000;
    };

    explicit PgFailoverDrill(Options options);

    // `stepChanged` is called on the drill's thread whenever a step starts or ends.
    DrillResult run(const std::function<void(const DrillStep&)>& stepChanged = {});
    // Thread-safe: stops at the next check (between steps and inside waits) with a clear state.
    void abort() { m_abort = true; }

private:
    Options m_options;
    std::atomic_bool m_abort {false};
};

} // namespace vigil::drills
