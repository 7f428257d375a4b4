#pragma once

#include "loadoptions.h"
#include "loadresult.h"
#include "pgbenchscript.h"

#include <QObject>
#include <atomic>
#include <functional>
#include <memory>
#include <thread>

namespace vigil::loadtest {

struct RunShared;

// The native load engine: virtual users on a few threads (LoadWorker), a collector that turns the
// workers' per-second histograms into LoadSecond snapshots, checks stop conditions and the
// breaking point, and builds the RunResult.
//
// Failures during a run are figures, not exceptions: a failed statement fails its script run
// (counted by SQLSTATE) and the user starts the next run; a lost connection or a failed connect
// counts one error and the user reconnects with a backoff doubling from 100 ms to 2 s; a script
// that cannot evaluate stops that user (as pgbench aborts a client). The run always ends at its
// duration, at stop(), at a stop condition, or when every user has stopped.
class LoadEngine : public QObject
{
    Q_OBJECT
public:
    LoadEngine(EngineOptions options, Script script, QObject* parent = nullptr);
    ~LoadEngine() override; // stops a running run and joins its thread

    // Blocking: runs in the calling thread (the CLI, tests). onSecond is called from this thread.
    RunResult run(const std::function<void(const LoadSecond&)>& onSecond = {});
    // Non-blocking: runs on its own thread and delivers secondReady / finished (queued to the
    // receiver's thread), for the GUI.
    void start();
    // Thread-safe; the run ends within ~250 ms (statements in flight are given 200 ms, then
    // cancelled), every connection closed.
    void stop();
    bool isRunning() const { return m_running.load(); }

    const EngineOptions& options() const { return m_options; }

    // When user `index` (0-based) starts, in seconds after the run's start (ramp, steps, spike).
    static double spawnOffset(const EngineOptions& o, int index);
    // Users the scenario wants running `sec` seconds into the run.
    static int targetUsers(const EngineOptions& o, double sec);

Q_SIGNALS:
    void secondReady(const vigil::loadtest::LoadSecond& second);
    void finished(const vigil::loadtest::RunResult& result);

private:
    bool prepare(RunShared* shared, QString* error);

    EngineOptions m_options;
    Script m_script;
    std::atomic_bool m_stopRequested {false};
    std::atomic_bool m_running {false};
    std::thread m_thread;
};

} // namespace vigil::loadtest
