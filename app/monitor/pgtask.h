#pragma once

#include "taskresult.h"

#include <atomic>

namespace vigil::pg {
class Connection;
}

namespace vigil {

// One periodic query job on a PgTaskWorker's connection. run() is called on the worker thread;
// the period may be changed from any thread (a hidden tab slows its task down).
class PgTask
{
public:
    explicit PgTask(int periodMs)
        : m_periodMs(periodMs)
    {
    }
    virtual ~PgTask() = default;

    virtual QString name() const = 0;
    // Fills and returns a result; on a failed statement sets ok=false and error (the worker then
    // reconnects). Must not throw.
    virtual std::shared_ptr<TaskResult> run(pg::Connection& conn) = 0;
    // An empty result of the task's own type, for failures reported by the worker (no
    // connection), so consumers can rely on the type of a task's results.
    virtual std::shared_ptr<TaskResult> emptyResult() const = 0;
    // The connection was re-established: forget counters that need two samples from one server.
    virtual void reset() { }

    int periodMs() const { return m_periodMs.load(); }
    void setPeriodMs(int ms) { m_periodMs.store(std::max(100, ms)); }

private:
    std::atomic_int m_periodMs;
};

} // namespace vigil
