#pragma once

#include "drillresult.h"
#include "probetally.h"

#include <QString>
#include <atomic>
#include <functional>
#include <memory>

namespace vigil::drills {

// The Redis Sentinel drills on a sandbox: unplanned (the master paused with SIGSTOP until
// Sentinel fails over, then resumed) or manual (SENTINEL FAILOVER). A probe writes through the
// Sentinel-named master; RTO is fault -> first write acknowledged by the new master, RPO the
// acknowledged writes missing afterwards. In the unplanned drill the resumed old master is still
// a master for a while: a client still connected to it gets writes acknowledged that vanish when
// Sentinel demotes it; the drill measures that window and those writes. Finally the old master
// must be a replica of the new one with its link up. Blocking: run it on a worker thread.
class RedisFailoverDrill
{
public:
    enum class Mode { Unplanned, Manual };
    struct Options
    {
        std::shared_ptr<ProbeTally> tally; // optional: live probe counts for a chart
        QString sandboxDir;
        Mode mode = Mode::Unplanned;
        int probeIntervalMs = 50;
        int warmupMs = 1000;
        int failoverTimeoutMs = 30000;
        int rejoinTimeoutMs = 30000;
    };

    explicit RedisFailoverDrill(Options options);
    DrillResult run(const std::function<void(const DrillStep&)>& stepChanged = {});
    void abort() { m_abort = true; }

private:
    Options m_options;
    std::atomic_bool m_abort {false};
};

} // namespace vigil::drills
