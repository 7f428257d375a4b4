#pragma once

// One engine thread: a set of virtual users, each with its own nonblocking PGconn, multiplexed
// with ppoll(2) over their sockets (as pgbench -j does). Internal to LoadEngine.
#include "latencyhistogram.h"
#include "loadoptions.h"
#include "pgbenchscript.h"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <poll.h>

typedef struct pg_conn PGconn;

namespace vigil::loadtest {

using Clock = std::chrono::steady_clock;

// SQLSTATE packed into an integer (5 characters of [0-9A-Z]) so errors are counted without strings.
uint32_t packSqlstate(const char* state);
std::string unpackSqlstate(uint32_t code);
// Lowers the calling thread's CPU priority (nice 10; Linux nice values are per thread).
void lowerThreadPriority();

// Vigil's own codes for failures that have no server SQLSTATE.
inline constexpr const char* kConnectFailed = "08001"; // could not connect
inline constexpr const char* kConnectionLost = "08006"; // the connection broke mid-run
inline constexpr const char* kScriptError = "VLS01"; // the script failed to evaluate (pgbench aborts)

// What happened in one second on one thread, merged by the collector.
struct IntervalStats
{
    LatencyHistogram transactions;
    int64_t statements = 0;
    int64_t errors = 0;
    int activeUsers = 0;
    std::vector<std::pair<uint32_t, int64_t>> errorsBySqlstate; // few distinct codes: a flat list

    void addError(uint32_t code, int64_t n = 1);
    void merge(const IntervalStats& other);
    void reset();
};

// Shared between the engine (collector) and its workers.
struct RunShared
{
    const Script* script = nullptr;
    const EngineOptions* options = nullptr;
    std::vector<std::string> connectKeywords, connectValues; // for PQconnectStartParams
    int64_t scale = 1;
    uint64_t seed = 0;
    Clock::time_point start, deadline;
    std::atomic_bool stop {false};

    std::mutex mutex; // guards seconds, messages
    // Second of the run (0-based) -> what the workers flushed for it; the collector takes each
    // second out once every worker is past it, so memory stays flat on hour-long runs.
    std::map<int, IntervalStats> seconds;
    std::vector<std::string> messages; // first distinct error messages
    void addMessage(const std::string& message);
};

class LoadWorker
{
public:
    // userIds: the global ids (client_id) of this thread's users; spawnOffsetsSec their start times.
    LoadWorker(RunShared* shared, std::vector<int> userIds, std::vector<double> spawnOffsetsSec);
    ~LoadWorker();
    LoadWorker(const LoadWorker&) = delete;
    LoadWorker& operator=(const LoadWorker&) = delete;

    // Before run(), with RunShared::start not yet set: connects (blocking) every user that starts
    // at once and prepares its statements (EngineOptions::connectFirst). A user that fails here
    // is left to run(), which connects it again and counts the error.
    void connectFirst();
    void run(); // the thread body; returns when the run ends, every connection closed

    // Seconds this worker has flushed into RunShared::seconds (the collector waits for it).
    std::atomic_int flushedSeconds {0};
    std::atomic_bool finished {false};

    // After run(): per-statement figures over the whole run.
    std::vector<LatencyHistogram> statementLatency;
    std::vector<int64_t> statementErrors;

private:
    enum class State : uint8_t { NotStarted, Backoff, Connecting, Preparing, Ready, Sleeping, Busy, RollingBack, Done };
    struct User
    {
        int id = 0;
        PGconn* conn = nullptr;
        State state = State::NotStarted;
        Clock::time_point wakeAt; // spawn, backoff, think time or \sleep end
        Clock::duration spawnOffset {}; // start, relative to RunShared::start
        Clock::time_point connectDeadline;
        Clock::time_point txStart, stmtStart;
        int cmd = 0;
        int preparing = 0; // next SQL command to prepare
        bool wantWrite = false; // poll for POLLOUT (connecting, or output not flushed)
        bool connected = false; // counted in m_active
        uint32_t failure = 0; // SQLSTATE of the first error of the statement in flight
        int backoffMs = 0;
        std::vector<Value> vars;
        std::vector<uint8_t> defined;
        Rng rng;
    };

    void startConnect(User& u, Clock::time_point now);
    void continueConnect(User& u, Clock::time_point now);
    void onConnected(User& u, Clock::time_point now);
    void sendNextPrepare(User& u, Clock::time_point now);
    void beginRun(User& u, Clock::time_point now);
    void advance(User& u, Clock::time_point now); // run commands until one has to wait
    bool sendSql(User& u, const ScriptCommand& c, Clock::time_point now);
    void onReadable(User& u, bool consume = true);
    void onStatementDone(User& u, Clock::time_point now);
    void failRun(User& u, uint32_t code, const std::string& message, Clock::time_point now);
    void dropConnection(User& u, uint32_t code, const std::string& message, Clock::time_point now);
    void finishRun(User& u, Clock::time_point now);
    void roll(Clock::time_point now); // flushes the interval at each second boundary passed
    void flushInterval();
    void close(User& u);
    void scriptError(User& u, const ScriptCommand& c, Clock::time_point now);
    void pollOnce(Clock::time_point now);

    RunShared* m_shared;
    const Script& m_script;
    const EngineOptions& m_options;
    std::vector<User> m_users;
    std::vector<const char*> m_keywords, m_values;
    std::vector<std::string> m_statementNames;
    IntervalStats m_interval;
    int m_second = 0; // the second m_interval covers
    Clock::time_point m_nextBoundary;
    int m_active = 0; // connected users
    bool m_draining = false;
    Clock::time_point m_drainUntil;
    std::vector<int> m_commandOfSql; // SQL index -> command index
    // Reused on every statement: the hot path allocates nothing.
    std::vector<std::array<char, 40>> m_paramText;
    std::vector<const char*> m_paramPtr;
    std::string m_query;
    std::vector<struct pollfd> m_pollfds;
    std::vector<int> m_pollUsers;
    // Users whose reply was complete right after sending (see advance()): handled without a poll.
    std::vector<int> m_answered, m_answeredNow;
    std::string m_error;
};

} // namespace vigil::loadtest
