#pragma once

#include <QWidget>
#include <memory>

class QLabel;
class QLineEdit;
class QMenu;
class QPushButton;
class QTabWidget;
class QTableView;
class QTimer;

namespace vigil {
class AlertHistoryModel;
class AlertModel;
class ClusterMonitor;
class InsightMonitor;
class PoolMonitor;
namespace alerts {
class AlertMonitor;
}
namespace store {
class AlertHistory;
class LocalStore;
} // namespace store
} // namespace vigil

namespace vigil::ui {

class AlertTray;
class TableProxy;

// The Alerts tab: Vigil's alerts and the profile's Prometheus alerts in one list (state,
// severity, since, handling), Acknowledge and Silence (1 h, 4 h, 24 h, custom) on the selection,
// the history from the local store, and the rule editor. It owns the AlertMonitor, the history
// and the tray icon; its tab title carries the count of firing alerts not yet handled.
class AlertsPage : public QWidget
{
    Q_OBJECT
public:
    AlertsPage(ClusterMonitor* cluster, InsightMonitor* insight, PoolMonitor* pool, store::LocalStore* store,
               QWidget* parent = nullptr);
    ~AlertsPage() override;

    alerts::AlertMonitor* monitor() const { return m_monitor; }
    AlertModel* model() const { return m_model; }
    AlertHistoryModel* historyModel() const { return m_historyModel; }
    AlertTray* tray() const { return m_tray; }
    QTableView* view() const { return m_view; }
    QTabWidget* tables() const { return m_tables; }
    QPushButton* acknowledgeButton() const { return m_ack; }
    QMenu* silenceMenu() const { return m_silenceMenu; }
    QString summaryText() const;
    // "Alerts" or "Alerts (N)", N = firing and neither acknowledged nor silenced.
    QString tabTitle() const;

    // Acts on the selected rows (what the buttons do).
    void acknowledgeSelected();
    void silenceSelected(int seconds); // 0 lifts the silence
    // Opens the rule editor; saves the rules when accepted.
    void editRules();

    // Before the store goes: the history is closed and no longer written.
    void shutdown();

Q_SIGNALS:
    void tabTitleChanged(const QString& title);
    // The tray icon or a notification was clicked.
    void showRequested();

private:
    void refresh();
    void refreshHistory();
    QStringList selectedKeys() const;

    alerts::AlertMonitor* m_monitor;
    std::unique_ptr<store::AlertHistory> m_history;
    AlertModel* m_model;
    AlertHistoryModel* m_historyModel;
    AlertTray* m_tray;
    QLabel* m_summary;
    QLineEdit* m_filter;
    QTableView* m_view;
    QTableView* m_historyView;
    QTabWidget* m_tables;
    QPushButton* m_ack;
    QPushButton* m_silence;
    QMenu* m_silenceMenu;
    QTimer* m_refresh;
    ClusterMonitor* m_cluster;
    QString m_title;
};

} // namespace vigil::ui
