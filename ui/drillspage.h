#pragma once

#include "drills/drillresult.h"
#include "monitor/nodesnapshot.h"

#include <QFutureWatcher>
#include <QWidget>
#include <functional>

class QChartView;
class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTableView;

namespace vigil {
class ClusterMonitor;
class DrillStepModel;
namespace store {
class AuditLog;
}
} // namespace vigil

namespace vigil::ui {

class TopologyView;

// Failover drills on the sandbox, visibly: choose a drill, set the RTO and RPO targets, Start.
// The timeline fills step by step, the topology view (fed by the cluster's polls) shows the
// fault, the promotion and the rejoin as they happen, the probe chart shows acknowledged and
// failed writes per 100 ms, and the result card gives RTO and RPO against the targets with a
// verdict. The drill runs on a worker thread (drills::PgFailoverDrill / RedisFailoverDrill);
// Abort stops it at its next check with a clear state; every drill is gated and audited.
class DrillsPage : public QWidget
{
    Q_OBJECT
public:
    DrillsPage(ClusterMonitor* monitor, store::AuditLog* audit, QWidget* parent = nullptr);
    ~DrillsPage() override;

    enum class Kind { PgFailover, RedisPaused, RedisManual };
    DrillStepModel* steps() const { return m_steps; }
    TopologyView* topology() const { return m_topology; }
    QComboBox* kind() const { return m_kind; }
    QSpinBox* rtoTarget() const { return m_rtoTarget; }
    QSpinBox* rpoTarget() const { return m_rpoTarget; }
    QPushButton* startButton() const { return m_start; }
    QLabel* resultCard() const { return m_card; }
    QTableView* table() const { return m_table; }
    const drills::DrillResult& lastResult() const { return m_result; }
    bool exportJson(const QString& path, QString* error) const;

    // What Start runs once the operator confirmed (tests call it too).
    void startDrill(Kind kind);
    void abortDrill();

Q_SIGNALS:
    void drillFinished(const vigil::drills::DrillResult& result);

private:
    void onStep(const drills::DrillStep& step);
    void onFinished();
    void askStart();
    void updateButtons();
    void showProbe(const QList<drills::ProbeBucket>& buckets);
    QString otherNode(const QString& node, NodeKind kind) const;

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
    QLabel* m_preflight;
    QLabel* m_card;
    QLabel* m_why;
    QTableView* m_table;
    QChartView* m_chart;
    QString m_oldNode, m_newNode;
    qint64 m_auditId = -1;
    std::function<void()> m_abortDrill; // thread-safe abort of the running drill
    QFutureWatcher<drills::DrillResult> m_run;
    drills::DrillResult m_result;
};

} // namespace vigil::ui
