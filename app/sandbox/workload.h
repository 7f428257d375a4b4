#pragma once

#include <QString>
#include <atomic>
#include <functional>

namespace vigil::sandbox {

// A modest, CPU-friendly background workload on a sandbox so every monitoring tab has live data:
// lookups without a supporting index (slow on purpose, a few per second), order/trade inserts and
// position upserts through pgbouncer and directly, read-only queries on the replica, and Redis
// price-cache and counter traffic. Sessions use application_name=sandbox-workload and are not
// tagged /* vigil */ (they are the application, not the monitor).
struct WorkloadOptions
{
    QString dir;
    int durationSec = 0; // 0: until *stop becomes true
    const std::atomic_bool* stop = nullptr;
    std::function<void(const QString&)> progress; // called from worker threads
};

struct WorkloadStats
{
    qint64 statements = 0;
    qint64 redisCommands = 0;
    qint64 errors = 0;
};

// Blocks until the duration passes or *stop is set. False (with *error) when the sandbox cannot
// be found; connection losses during the run (a failover drill) are retried, not fatal.
bool runWorkload(const WorkloadOptions& options, WorkloadStats* stats, QString* error);

} // namespace vigil::sandbox
