#pragma once

#include <QString>

namespace vigil::loadtest {

// How statements go to the server. Prepared (PQsendPrepare once per connection, then
// PQsendQueryPrepared) is pgbench -M prepared and the default. pgbouncer in transaction mode
// cannot keep a connection's prepared statements (the next transaction may run on another server
// connection), so a pgbouncer target uses Simple (pgbench -M simple: values substituted as text).
enum class Protocol { Simple, Extended, Prepared };

QString protocolName(Protocol p);
bool protocolFromName(const QString& name, Protocol* out);

// Everything a run needs besides the script. Times in seconds unless the name says otherwise.
struct EngineOptions
{
    QString conninfo; // conninfo or URI; never carries the password
    QString database; // instead of the conninfo's database (empty: as the conninfo says)
    QString password; // memory only (keychain, prompt or PGPASSWORD); empty: libpq's own lookup
    QString targetName; // for reports ("pg1", "pgbouncer")
    Protocol protocol = Protocol::Prepared;
    int users = 10;
    int threads = 0; // 0: the number of cores, at least 2, at most users
    double durationSec = 60;
    double spawnRate = 0; // users started per second; 0 = all at once (a spike)
    int stepUsers = 0; // stepped ramp (stress): this many more users every stepSec
    int stepSec = 0;
    int thinkTimeMs = 0; // pause between two runs of the script (not counted in latency)
    int connectTimeoutSec = 5;
    // The engine's threads run at a lower CPU priority (nice 10) so a GUI in the same process
    // keeps its share of the cores however many users run; the load still gets every idle cycle.
    bool lowPriority = false;
    // Users that start at once are connected (and their statements prepared) before the run's
    // clock starts, as pgbench connects its clients before its -T starts: the run's tps and
    // latencies then cover the workload only, comparable to pgbench's "tps (without initial
    // connection time)". Off by default: a spike's connection storm is part of what it tests.
    bool connectFirst = false;
    qint64 scale = 0; // :scale; 0 = count(*) FROM pgbench_branches when the script uses it, else 1
    quint64 seed = 0; // 0 = random
    // Stop conditions, checked each second; 0 = off. A condition must hold for 3 seconds in a row
    // so one slow second (a checkpoint) does not end a run.
    double stopErrorRatePct = 0;
    double stopP95Ms = 0;
    // Breaking point: first step (stepSec, or each second without steps) where the error rate
    // passes breakErrorRatePct or p95 passes sloP95Ms.
    double breakErrorRatePct = 5;
    double sloP95Ms = 0;
    bool stopAtBreakingPoint = false;
    QString scenarioName, workloadName;
};

} // namespace vigil::loadtest
