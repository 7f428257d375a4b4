#pragma once

#include "connect/profile.h"

#include <QHash>
#include <QMainWindow>

class QComboBox;
class QLabel;
class QTabWidget;
class QAction;

namespace vigil {
class ClusterMonitor;
class NodeTableModel;
struct NodeSnapshot;
} // namespace vigil

namespace vigil::ui {

class OverviewPage;

// The shell: profile picker, connect / disconnect, one page per tab, node health in the status
// bar. Pages own their widgets; this class only wires them to the monitor.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    ClusterMonitor* monitor() const { return m_monitor; }
    NodeTableModel* nodeModel() const { return m_nodes; }
    OverviewPage* overview() const { return m_overview; }
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
    void addPlaceholderTabs();

    ClusterMonitor* m_monitor;
    NodeTableModel* m_nodes;
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
