#pragma once

#include "actions/backendcontrol.h"

#include <QFutureWatcher>
#include <QWidget>

class QLabel;
class QPushButton;
class QSpinBox;
class QTableView;

namespace vigil {
class InsightMonitor;
class QueryPatternModel;
class QueryPatternProxy;
class RunningStatementModel;
class SlowFrequencyModel;
class SlowHistoryModel;
namespace store {
class AuditLog;
}
} // namespace vigil

namespace vigil::ui {

class Banner;

// Statements over the slow threshold: running now (with cancel and terminate), patterns whose
// mean is over it, and the persisted history with how often each pattern was slow.
class SlowQueriesPage : public QWidget
{
    Q_OBJECT
public:
    SlowQueriesPage(InsightMonitor* insight, QueryPatternModel* patterns, store::AuditLog* audit,
                    QWidget* parent = nullptr);

    RunningStatementModel* runningModel() const { return m_running; }
    SlowHistoryModel* historyModel() const { return m_history; }
    SlowFrequencyModel* frequencyModel() const { return m_frequency; }
    QTableView* runningTable() const { return m_runningTable; }
    QTableView* slowPatternsTable() const { return m_patternsTable; }
    QSpinBox* threshold() const { return m_threshold; }
    QLabel* status() const { return m_status; }
    Banner* banner() const { return m_banner; }

    // What the Cancel and Terminate buttons run once the operator confirmed (tests call it too):
    // off the GUI thread, audited, gated by the profile.
    void runBackendAction(int pid, bool terminate, bool typedNameConfirmed);
    void reloadHistory();

Q_SIGNALS:
    void backendActionFinished(const vigil::actions::BackendActionResult& result);

private:
    void onActivity();
    void askBackendAction(bool terminate);

    InsightMonitor* m_insight;
    store::AuditLog* m_audit;
    Banner* m_banner;
    QSpinBox* m_threshold;
    QSpinBox* m_keep;
    RunningStatementModel* m_running;
    QueryPatternProxy* m_slowPatterns;
    SlowHistoryModel* m_history;
    SlowFrequencyModel* m_frequency;
    QTableView* m_runningTable;
    QTableView* m_patternsTable;
    QTableView* m_historyTable;
    QTableView* m_frequencyTable;
    QPushButton* m_cancel;
    QPushButton* m_terminate;
    QLabel* m_status;
    QLabel* m_live;
    QFutureWatcher<actions::BackendActionResult> m_action;
};

} // namespace vigil::ui
