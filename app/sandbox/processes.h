#pragma once

#include <QList>
#include <QString>
#include <QStringList>

// Process plumbing for the sandbox: running the server binaries (as the unprivileged server user
// when we are root), finding free ports, and stopping servers by PID.
namespace vigil::sandbox::proc {

// initdb, postgres and pgbouncer refuse to run as root; as root every server runs as this user.
inline constexpr const char* kServerUser = "postgres";

bool isRoot();
// Empty when servers can run: not root, or root and kServerUser exists; else what to do.
QString serverUserProblem();

enum class As { ServerUser, Self };

// Runs program with args (as kServerUser when root, unless As::Self) and waits up to timeoutMs.
// On failure *error says what ran and what it printed. *output (optional) gets stdout+stderr.
bool run(const QString& program, const QStringList& args, int timeoutMs, QString* error, QString* output = nullptr,
         const QString& workingDir = {}, As as = As::ServerUser);

// Empty when the binary is there; otherwise an actionable message.
QString checkBinary(const QString& path, const QString& package);

// n distinct free TCP ports on 127.0.0.1 (all bound at once, then released).
QList<int> freePorts(int n, QString* error);

// Gives path (recursively) to kServerUser when root; a no-op otherwise.
bool handOver(const QString& path, QString* error);

bool pidAlive(qint64 pid);
// True when the process is stopped by a signal (state T in /proc/PID/stat).
bool pidStopped(qint64 pid);
// The kernel's short name of a process (/proc/PID/comm), empty when it is gone.
QString processName(qint64 pid);
// First line of a pid file (postmaster.pid, redis.pid ...) as a number, 0 when unreadable.
qint64 readPidFile(const QString& path);

struct StopTarget
{
    qint64 pid = 0;
    int signal = 15; // SIGTERM; SIGINT for a postmaster (fast shutdown)
    QString expectedName; // substring of processName(); guards against a recycled PID
    bool killChildren = false; // postgres backends die with the postmaster, but SIGKILL leaves them
};

// Signals every target, waits up to graceMs for all of them, then SIGKILLs what is left (and the
// children of killChildren targets). Returns the PIDs that had to be killed.
QList<qint64> stopAll(const QList<StopTarget>& targets, int graceMs);

// Server processes (postgres, redis, pgbouncer) whose working directory is dir or below it: the
// backends a SIGKILLed postmaster left behind, or servers whose pid file is gone.
QList<StopTarget> strays(const QString& dir);

// Last lines of a log file, for error messages.
QString tail(const QString& path, int lines = 8);

} // namespace vigil::sandbox::proc
