#pragma once

#include "loadrunner.h"

#include <QElapsedTimer>
#include <QList>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>
#include <memory>

namespace vigil::loadtest {

// Locust (Debian's python3-locust 2.12) headless as the load generator for HTTP targets:
// `locust -f FILE --headless -u N -r R -t S --host URL --csv DIR/run --csv-full-history`, through
// Vigil's small launcher (resources/locust/vigil_locust.py: same arguments, CSV rows flushed each
// second, exact final figures written as JSON on quit). Each second the runner reads the new
// "Aggregated" rows of run_stats_history.csv: requests and failures per second come from the
// differences of the cumulative counts, users from "User Count", and p50/p95/p99 from Locust's
// current percentiles (over the last 1-2 s: the launcher narrows Locust's 10 s window to 2 s).
// With workers > 0 it runs distributed as Locust does across machines, here on this one: a
// master (--master --expect-workers N) and N --worker processes connected to it on 127.0.0.1.
class LocustRunner : public LoadRunner
{
    Q_OBJECT
public:
    static std::unique_ptr<LocustRunner> create(const EngineOptions& options, const LocustOptions& locust,
                                                QString* error);
    ~LocustRunner() override;

    RunnerKind kind() const override { return RunnerKind::Locust; }
    void start() override;
    void stop() override;
    bool isRunning() const override { return m_running; }
    QString command() const override;

    // Workers the master said were connected (distributed mode; 0 otherwise).
    int workersConnected() const { return m_workersConnected; }
    // The shipped locustfiles (resources/locust), by file name.
    static QStringList builtinLocustfiles();

    struct HistoryRow
    {
        qint64 timestamp = 0;
        int users = 0;
        QString name;
        double p50 = -1, p95 = -1, p99 = -1, p100 = -1; // -1: "N/A"
        qint64 totalRequests = 0, totalFailures = 0;
        double totalAvgMs = 0;
    };
    // One line of LOCUST_stats_history.csv (2.12 columns).
    static bool parseHistoryRow(const QString& line, HistoryRow* out);
    static QStringList splitCsv(const QString& line);

private:
    LocustRunner(const EngineOptions& options, const LocustOptions& locust);
    void poll();
    void onMasterFinished();
    void onMasterStderr();
    RunResult buildResult(QString* error);
    QProcess* launch(const QStringList& args);

    EngineOptions m_options;
    LocustOptions m_locust;
    QString m_python, m_launcher, m_locustfile, m_prefix;
    QStringList m_masterArgs;
    QList<QStringList> m_workerArgs;
    QTemporaryDir m_tmp;
    QProcess* m_master = nullptr;
    QList<QProcess*> m_workers;
    QTimer m_poll;
    QElapsedTimer m_wall;
    qint64 m_offset = 0; // bytes of the history file parsed
    HistoryRow m_prev;
    bool m_seenRows = false;
    QList<LoadSecond> m_seconds;
    QByteArray m_stderr;
    QStringList m_log;
    int m_workersConnected = 0;
    bool m_running = false;
    bool m_stopRequested = false;
};

} // namespace vigil::loadtest
