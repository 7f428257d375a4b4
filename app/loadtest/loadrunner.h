#pragma once

#include "loadoptions.h"
#include "loadresult.h"

#include <QObject>
#include <functional>
#include <memory>

namespace vigil::loadtest {

struct Script;

// Which program generates the load. Native is Vigil's own engine (LoadEngine); pgbench and Locust
// are the operators' usual tools, launched as child processes and followed live. All of them
// deliver the same LoadSecond / RunResult, so charts, the store, reports and the audit log do not
// care which one ran.
enum class RunnerKind { Native, Pgbench, Locust };

QString runnerName(RunnerKind kind);
bool runnerFromName(const QString& name, RunnerKind* out);

// Locust's own inputs: an HTTP target, not a database. The users, spawn rate and duration come
// from EngineOptions like every runner's.
struct LocustOptions
{
    QString locustfile; // a Locust test file (resources/locust/*.py ships two)
    QString host; // base URL, e.g. http://127.0.0.1:8080
    int workers = 0; // 0: one process; N: a master and N local worker processes (distributed mode)
};

// The small common face of every runner. start() returns at once; one secondReady per second of
// the run, then exactly one finished (also when the run could not start: RunResult::ok false).
// Signals are emitted on the runner's thread (the GUI's, for the process runners), so receivers
// never wait on the network.
class LoadRunner : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    virtual RunnerKind kind() const = 0;
    virtual void start() = 0;
    // Ends the run within a few seconds; the result still arrives through finished.
    virtual void stop() = 0;
    virtual bool isRunning() const = 0;
    // The exact command that generates the load (for the confirmation and the audit log); never
    // holds a password.
    virtual QString command() const = 0;

    // For the CLI and tests: starts, runs a local event loop until finished, returns the result.
    RunResult runBlocking(const std::function<void(const LoadSecond&)>& onSecond = {});

Q_SIGNALS:
    void secondReady(const vigil::loadtest::LoadSecond& second);
    void finished(const vigil::loadtest::RunResult& result);

protected:
    // For the external runners: the scenario's stop conditions (error rate or p95 over the limit
    // for 3 seconds in a row, as the native engine) and its breaking point, judged on each
    // delivered second; a condition that holds calls stop(). With a stepped ramp the step's p95 is
    // the highest of its seconds' p95 (the engine merges the step's histograms instead).
    void watchScenario(const EngineOptions& options);
    // Sets the result's breaking point and, when a condition ended the run, its stop reason.
    void applyScenario(RunResult* result) const;

private:
    void judge(const LoadSecond& s);

    EngineOptions m_watched;
    int m_badErrorSeconds = 0, m_badP95Seconds = 0;
    qint64 m_stepTx = 0, m_stepErrors = 0;
    double m_stepP95 = 0;
    BreakingPoint m_breakingPoint;
    QString m_conditionReason;
};

// Builds a runner. Native needs the script; pgbench takes the workload by name (built-in or file);
// Locust needs LocustOptions. Null with *error when the inputs do not fit the runner.
std::unique_ptr<LoadRunner> makeRunner(RunnerKind kind, const EngineOptions& options, const Script& script,
                                       const LocustOptions& locust, QString* error);

} // namespace vigil::loadtest
