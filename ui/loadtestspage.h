#pragma once

#include "loadtest/loadoptions.h"
#include "loadtest/loadresult.h"
#include "loadtest/loadrunner.h"
#include "store/loadrunstore.h"

#include <QDateTime>
#include <QHash>
#include <QPointer>
#include <QWidget>
#include <functional>
#include <memory>

class QComboBox;
class QHBoxLayout;
class QToolButton;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableView;

namespace vigil {
class ClusterMonitor;
class LoadRunModel;
class MeanQueryTimeProbe;
namespace store {
class AuditLog;
class LocalStore;
} // namespace store
} // namespace vigil

namespace vigil::ui {

class LoadChart;

// A load run from the GUI: pick the runner (native engine, pgbench, or Locust against an HTTP
// target), a scenario, a workload and a target, Start (gated
// and confirmed like the CLI's `vigil loadtest`, audited), watch RPS, latency percentiles, errors
// and users second by second, and get a summary card when the run ends. Finished runs are kept in
// the local store; one can be chosen as the baseline the card compares with. The engine runs on
// its own threads; the page only receives one LoadSecond a second and the RunResult (queued
// signals), so the GUI thread never waits on the network.
class LoadTestsPage : public QWidget
{
    Q_OBJECT
public:
    enum class Target { Primary, Pgbouncer };

    LoadTestsPage(ClusterMonitor* monitor, store::AuditLog* audit, store::LocalStore* local, QWidget* parent = nullptr);
    ~LoadTestsPage() override;

    QComboBox* runner() const { return m_runner; }
    QComboBox* locustfile() const { return m_locustfile; }
    QLineEdit* host() const { return m_host; }
    QSpinBox* workers() const { return m_workers; }
    QComboBox* scenario() const { return m_scenario; }
    QComboBox* workload() const { return m_workload; }
    QComboBox* target() const { return m_target; }
    QSpinBox* users() const { return m_users; }
    QSpinBox* duration() const { return m_duration; }
    QPushButton* startButton() const { return m_start; }
    QPushButton* stopButton() const { return m_stop; }
    QLabel* summaryCard() const { return m_card; }
    QLabel* reason() const { return m_why; }
    LoadChart* rpsChart() const { return m_rpsChart; }
    LoadChart* latencyChart() const { return m_latencyChart; }
    LoadChart* usersChart() const { return m_usersChart; }
    // Replica lag, pool waiting and the primary's mean query time over the run's seconds.
    LoadChart* databaseChart() const { return m_dbChart; }
    MeanQueryTimeProbe* meanQueryProbe() const { return m_meanQuery; }
    LoadRunModel* pastRuns() const { return m_runs; }
    QTableView* pastRunsView() const { return m_table; }
    // A run is going from startRun() until its result has been handled (audit, store, card).
    bool isRunning() const { return m_active; }
    // Passwords keyed as the monitor's (PG node name, "pgbouncer"); memory only, for the engine.
    void setPasswords(const QHash<QString, QString>& passwords) { m_passwords = passwords; }
    const loadtest::RunResult& lastResult() const { return m_result; }
    qint64 lastRunId() const { return m_lastRunId; }

    // The `vigil loadtest ...` command equivalent to the current choices (shown when confirming).
    QString equivalentCommand() const;
    // The runner of the current (or last) run, with its exact command (pgbench / locust).
    loadtest::LoadRunner* currentRunner() const { return m_engine.get(); }
    // What Start runs once the operator confirmed (tests call it too). False with *error when
    // nothing could start (no profile, unknown workload, a run already going).
    bool startRun(QString* error = nullptr);
    void stopRun();
    // The run the summary card compares with (a stored run's id; 0: none).
    void setBaseline(qint64 runId);
    qint64 baseline() const { return m_baselineId; }
    // Removes a stored run from the local store (and the list); the baseline goes with it. The
    // button and the Delete key ask first; tests call this directly.
    bool deleteRun(qint64 runId);
    // Lists the presets and the operator's saved scenarios again, keeping `select` chosen.
    void reloadScenarios(const QString& select = {});
    QToolButton* editScenarioButton() const { return m_editScenario; }
    QPushButton* deleteRunButton() const { return m_deleteRun; }

    bool exportHtml(const QString& path, QString* error) const;
    // The per-second series: second, users, target users, requests, errors, p50, p95, p99, max.
    bool exportCsv(const QString& path, QString* error) const;
    static QString secondsCsv(const loadtest::RunResult& r);

Q_SIGNALS:
    void secondArrived(const vigil::loadtest::LoadSecond& second);
    void runFinished(const vigil::loadtest::RunResult& result);

private:
    void askStart();
    void onSecond(const loadtest::LoadSecond& s);
    void onFinished(const loadtest::RunResult& r);
    void overlayDatabase(double second);
    void startMeanQueryProbe();
    void runNextStep();
    void applyScenario();
    void reloadRuns();
    void askDeleteRun();
    void editScenario();
    void updateButtons();
    void showCard();
    bool buildOptions(loadtest::EngineOptions* o, QString* error) const;
    // Builds the runner for the current choices (not started); Start confirms its exact command.
    bool prepareRunner(QString* error);
    loadtest::RunnerKind runnerKind() const;
    void updateRunnerFields();

    ClusterMonitor* m_monitor;
    store::AuditLog* m_audit;
    std::unique_ptr<store::LoadRunStore> m_store;
    QList<loadtest::DatabaseSecond> m_database; // the overlay's seconds of the current run
    LoadRunModel* m_runs;
    QFormLayout* m_form = nullptr;
    QComboBox* m_runner;
    QToolButton* m_editScenario;
    QComboBox* m_locustfile;
    QToolButton* m_locustBrowse;
    QHBoxLayout* m_locustRow = nullptr;
    QLineEdit* m_host;
    QSpinBox* m_workers;
    QComboBox* m_scenario;
    QComboBox* m_workload;
    QComboBox* m_target;
    QSpinBox* m_users;
    QSpinBox* m_duration;
    QPushButton* m_start;
    QPushButton* m_stop;
    QPushButton* m_exportHtml;
    QPushButton* m_exportCsv;
    QPushButton* m_compare;
    QPushButton* m_deleteRun;
    QLabel* m_why;
    QLabel* m_card;
    LoadChart* m_rpsChart;
    LoadChart* m_latencyChart;
    LoadChart* m_usersChart;
    LoadChart* m_dbChart;
    QTableView* m_table;
    QString m_workloadFile; // chosen with "File…"
    std::unique_ptr<loadtest::LoadRunner> m_engine;
    bool m_prepared = false; // m_engine was built by prepareRunner() and not started yet
    QString m_targetName;
    double m_plannedSec = 0;
    MeanQueryTimeProbe* m_meanQuery;
    loadtest::RunResult m_result;
    QDateTime m_startedAt;
    qint64 m_auditId = -1;
    qint64 m_lastRunId = 0;
    qint64 m_baselineId = 0;
    bool m_active = false;
    QHash<QString, QString> m_passwords;
    QList<std::function<void()>> m_pendingSteps; // chart updates spread over event-loop turns
};

} // namespace vigil::ui
