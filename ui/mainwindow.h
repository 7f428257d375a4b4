#pragma once

#include "connect/profile.h"

#include <QHash>
#include <QMainWindow>

class QComboBox;
class QLabel;
class QTabWidget;
class QAction;

#include <memory>

namespace vigil {
class ClusterMonitor;
class InsightMonitor;
class NodeTableModel;
class QueryPatternModel;
struct NodeSnapshot;
namespace store {
class AuditLog;
class LocalStore;
class SlowHistory;
} // namespace store
} // namespace vigil

namespace vigil::ui {

class AlertsPage;
class CachePage;
class IndexesPage;
class DrillsPage;
class LoadTestsPage;
class OverviewPage;
class PoolPage;
class QueryPatternsPage;
class ReplicationPage;
class SlowQueriesPage;

// The shell: profile picker, connect / disconnect, one page per tab, node health in the status
// bar. Pages own their widgets; this class only wires them to the monitor.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    // The local store (slow-query history, audit log) lives at `storePath`; empty: the default.
    explicit MainWindow(QWidget* parent = nullptr, const QString& storePath = {});
    ~MainWindow() override;

    ClusterMonitor* monitor() const { return m_monitor; }
    NodeTableModel* nodeModel() const { return m_nodes; }
    OverviewPage* overview() const { return m_overview; }
    InsightMonitor* insight() const { return m_insight; }
    QueryPatternsPage* queryPatterns() const { return m_patternsPage; }
    SlowQueriesPage* slowQueries() const { return m_slowPage; }
    CachePage* cache() const { return m_cachePage; }
    IndexesPage* indexes() const { return m_indexesPage; }
    DrillsPage* drills() const { return m_drillsPage; }
    LoadTestsPage* loadTests() const { return m_loadTestsPage; }
    PoolPage* pool() const { return m_poolPage; }
    ReplicationPage* replication() const { return m_replicationPage; }
    AlertsPage* alerts() const { return m_alertsPage; }
    store::LocalStore* store() const { return m_store.get(); }
    store::AuditLog* auditLog() const { return m_audit.get(); }
    QTabWidget* tabs() const { return m_tabs; }

    // Lists the profiles in the picker; `current` is selected.
    void setProfileNames(const QStringList& names, const QString& current = {});
    // Starts monitoring `profile` (passwords in memory only).
    void connectTo(const Profile& profile, const QHash<QString, QString>& passwords = {}, int periodMs = 1000);
    void disconnectFromCluster();
    // A message in the status bar's left side (sandbox start-up progress and the like).
    void showActivity(const QString& text);

Q_SIGNALS:
    // The operator picked a profile and pressed Connect: the owner loads it and its secrets.
    void connectRequested(const QString& profileName);
    void manageProfilesRequested();
    void closing();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void onSnapshot(const vigil::NodeSnapshot& snapshot);
    void updateStatusBar();

    std::unique_ptr<store::LocalStore> m_store;
    std::unique_ptr<store::SlowHistory> m_history;
    std::unique_ptr<store::AuditLog> m_audit;
    ClusterMonitor* m_monitor;
    InsightMonitor* m_insight;
    NodeTableModel* m_nodes;
    QueryPatternModel* m_patterns;
    QueryPatternsPage* m_patternsPage;
    SlowQueriesPage* m_slowPage;
    CachePage* m_cachePage;
    IndexesPage* m_indexesPage;
    DrillsPage* m_drillsPage = nullptr;
    LoadTestsPage* m_loadTestsPage = nullptr;
    PoolPage* m_poolPage = nullptr;
    ReplicationPage* m_replicationPage = nullptr;
    AlertsPage* m_alertsPage = nullptr;
    QTabWidget* m_tabs;
    OverviewPage* m_overview;
    QComboBox* m_profiles;
    QAction* m_connect;
    QAction* m_disconnect;
    QLabel* m_health;
    QLabel* m_activity;
    bool m_refreshQueued = false;
};

} // namespace vigil::ui
