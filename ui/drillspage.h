#pragma once

#include "drills/drillreport.h"
#include "drills/probetally.h"
#include "monitor/nodesnapshot.h"
#include "sandbox/repair.h"

#include <QDateTime>
#include <QFutureWatcher>
#include <QHash>
#include <QTimer>
#include <QWidget>
#include <functional>
#include <memory>

class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QTableView;

namespace vigil {
class ClusterMonitor;
class DrillStepModel;
namespace store {
class AuditLog;
class LocalStore;
} // namespace store
} // namespace vigil

namespace vigil::drills {
class DrillAudit;
}

namespace vigil::ui {

class DrillHistoryPanel;
class ProbeChart;
class TopologyView;

// Failover drills on the sandbox, visibly: choose a drill, set the RTO and RPO targets, Start.
// The timeline fills step by step, the topology view (fed by the cluster's polls) shows the
// fault, the promotion and the rejoin as they happen, the probe chart shows acknowledged and
// failed writes per 100 ms live, and the result card gives RTO and RPO against the targets with a
// verdict; HTML and JSON export; past drills from the local store can be shown again. The drill
// runs on a worker thread (drills::PgFailoverDrill / RedisFailoverDrill); Abort stops it at its
// next check with a clear state; Repair puts a half-broken sandbox right (sandbox::repair);
// every drill and repair is gated and audited.
class DrillsPage : public QWidget
{
    Q_OBJECT
public:
    DrillsPage(ClusterMonitor* monitor, store::AuditLog* audit, store::LocalStore* local, QWidget* parent = nullptr);
    ~DrillsPage() override;

    enum class Kind { PgFailover, PgSwitchover, RedisPaused, RedisManual };
    DrillStepModel* steps() const { return m_steps; }
    TopologyView* topology() const { return m_topology; }
    QComboBox* kind() const { return m_kind; }
    QSpinBox* rtoTarget() const { return m_rtoTarget; }
    QSpinBox* rpoTarget() const { return m_rpoTarget; }
    QPushButton* startButton() const { return m_start; }
    QLabel* resultCard() const { return m_card; }
    QTableView* table() const { return m_table; }
    ProbeChart* probeChart() const { return m_chart; }
    DrillHistoryPanel* history() const { return m_history; }
    QPushButton* repairButton() const { return m_repair; }
    // The drill shown: the last one run, or a past one chosen in the history.
    const drills::DrillResult& lastResult() const { return m_result; }
    bool exportJson(const QString& path, QString* error) const;
    bool exportHtml(const QString& path, QString* error) const;

    // Memory only, keyed by node name as the keychain keys them (a real cluster's switchover).
    void setPasswords(const QHash<QString, QString>& passwords) { m_passwords = passwords; }
    // What Start runs once the operator confirmed (tests call it too).
    void startDrill(Kind kind);
    void abortDrill();
    // What Repair runs once the operator confirmed.
    void startRepair();

Q_SIGNALS:
    void drillFinished(const vigil::drills::DrillResult& result);
    void repairFinished(bool ok, const QString& summary);

private:
    void onStep(const drills::DrillStep& step);
    void onFinished();
    void askStart();
    void askRepair();
    void updateButtons();
    void showResult(const drills::DrillResult& result, const drills::DrillTargets& targets);
    QString otherNode(const QString& node, NodeKind kind) const;
    drills::DrillTargets targets() const;

    ClusterMonitor* m_monitor;
    store::AuditLog* m_audit;
    DrillStepModel* m_steps;
    TopologyView* m_topology;
    QComboBox* m_kind;
    QSpinBox* m_rtoTarget;
    QSpinBox* m_rpoTarget;
    QPushButton* m_start;
    QPushButton* m_abort;
    QPushButton* m_export;
    QPushButton* m_exportHtml;
    QPushButton* m_repair;
    QLabel* m_preflight;
    QLabel* m_card;
    QLabel* m_why;
    QTableView* m_table;
    ProbeChart* m_chart;
    DrillHistoryPanel* m_history;
    QTabWidget* m_bottomTabs;
    QString m_oldNode, m_newNode;
    QHash<QString, QString> m_passwords;
    qint64 m_auditId = -1;
    std::unique_ptr<drills::DrillAudit> m_stepAudit; // every step of the running drill on record
    std::function<void()> m_abortDrill; // thread-safe abort of the running drill
    QFutureWatcher<drills::DrillResult> m_run;
    std::shared_ptr<drills::ProbeTally> m_tally; // live probe counts of the running drill
    QTimer m_live; // refreshes the probe chart while a drill runs
    qint64 m_faultMs = -1;
    QDateTime m_startedAt;
    drills::DrillResult m_result;
    drills::DrillTargets m_resultTargets;
    QDateTime m_resultStartedAt;
    struct RepairOutcome
    {
        bool ok = false;
        sandbox::RepairReport report;
        QString error;
    };
    QFutureWatcher<RepairOutcome> m_repairRun;
    qint64 m_repairAuditId = -1;
};

} // namespace vigil::ui
