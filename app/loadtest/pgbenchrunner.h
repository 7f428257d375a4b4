#pragma once

#include "latencyhistogram.h"
#include "loadrunner.h"

#include <QElapsedTimer>
#include <QHash>
#include <QProcess>
#include <QTemporaryDir>
#include <map>
#include <memory>
#include <optional>

namespace vigil::loadtest {

// pgbench itself as the load generator: `pgbench -n -c N -j J -T S -P 1 -M PROTOCOL -l
// --log-prefix DIR/tx (-b BUILTIN | -f FILE) CONNINFO`. The -P 1 progress lines on stderr give
// each second live (pgbench's own tps); the per-transaction logs (-l) are read as they grow and
// give the latency percentiles per second and, once pgbench has exited, the exact per-second
// counts, percentiles and totals of the RunResult (pgbench's log is the ground truth).
//
// The password, when the profile has one, goes to the child in its environment (PGPASSWORD),
// never on the command line (which any local user can read in /proc) and never into a file; the
// sandbox needs none (trust on 127.0.0.1). pgbench starts all clients at once and has no think
// time: a scenario's spawn rate, steps and think time are not applied (the result says so).
class PgbenchRunner : public LoadRunner
{
    Q_OBJECT
public:
    static std::unique_ptr<PgbenchRunner> create(const EngineOptions& options, QString* error);
    ~PgbenchRunner() override;

    RunnerKind kind() const override { return RunnerKind::Pgbench; }
    void start() override;
    void stop() override;
    bool isRunning() const override;
    QString command() const override;

    // Keep pgbench's transaction logs in this directory instead of a temporary one.
    void setLogDir(const QString& dir);
    QString logDir() const { return m_logDir; }
    // What pgbench printed at the end: "number of transactions actually processed" (-1: none).
    qint64 reportedTransactions() const { return m_reportedTx; }

    struct Progress
    {
        double elapsedSec = 0, tps = 0, latencyMs = 0;
        qint64 failed = 0;
    };
    // "progress: 5.0 s, 1234.5 tps, lat 8.1 ms stddev 2.0, 0 failed"
    static bool parseProgress(const QString& line, Progress* out);
    struct LogRecord
    {
        qint64 endUs = 0; // time_epoch * 1e6 + time_us
        qint64 latencyUs = 0;
        bool failed = false, skipped = false;
    };
    // "client_id transaction_no time script_no time_epoch time_us [schedule_lag]"; time may be
    // "failed", "serialization", "deadlock" (PG15: a failed transaction) or "skipped".
    static bool parseLogLine(const QByteArray& line, LogRecord* out);

private:
    explicit PgbenchRunner(const EngineOptions& options);
    void onStderr();
    void onFinished();
    void readLogs();
    void add(const LogRecord& r);
    RunResult buildResult();

    // A second's transactions. Its histogram (~37 KB) is summarised and dropped once the second
    // is kFoldAfterSec behind the progress, so an hour's run does not keep 3,600 of them; a log
    // line arriving later than that still counts, without changing the percentiles.
    struct Second
    {
        std::optional<LatencyHistogram> latency;
        LatencySummary folded;
        qint64 count = 0, failed = 0;
    };
    static constexpr int kFoldAfterSec = 30;

    EngineOptions m_options;
    QString m_program;
    QStringList m_args;
    QTemporaryDir m_tmp;
    QString m_logDir;
    QProcess* m_process = nullptr;
    QByteArray m_stderr;
    QElapsedTimer m_wall;
    qint64 m_startUs = -1; // pgbench's start as epoch microseconds, from its first progress line
    QList<LogRecord> m_early; // records read before the start was known
    QHash<QString, qint64> m_offsets; // per log file: bytes parsed
    std::map<int, Second> m_seconds;
    LatencyHistogram m_total;
    double m_lastElapsed = 0;
    int m_aborted = 0;
    std::map<int, qint64> m_abortsBySecond;
    qint64 m_reportedTx = -1;
    double m_reportedTps = -1;
    bool m_stopRequested = false;
    bool m_running = false;
    QStringList m_messages;
};

} // namespace vigil::loadtest
