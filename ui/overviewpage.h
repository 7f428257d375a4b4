#pragma once

#include <QWidget>

class QTableView;
class QLineEdit;
class QChart;

namespace vigil {
class ClusterMonitor;
class NodeTableModel;
struct NodeSnapshot;
} // namespace vigil

namespace vigil::ui {

class Banner;
class ChecklistPanel;
class TableProxy;
class TimeChart;

// Every node of the profile with its live figures, the banner for down nodes and missing
// extensions or privileges, the daily checklist, and a chart of transaction / command rates.
class OverviewPage : public QWidget
{
    Q_OBJECT
public:
    OverviewPage(ClusterMonitor* monitor, NodeTableModel* model, QWidget* parent = nullptr);

    QTableView* table() const { return m_table; }
    Banner* banner() const { return m_banner; }
    QChart* chart() const;
    ChecklistPanel* checklist() const { return m_checklist; }

    // Rebuild banner and chart from the monitor's latest state (called once per poll round).
    void refresh();

private:
    void updateChart();

    ClusterMonitor* m_monitor;
    NodeTableModel* m_model;
    Banner* m_banner;
    QLineEdit* m_filter;
    QTableView* m_table;
    TableProxy* m_proxy;
    ChecklistPanel* m_checklist;
    TimeChart* m_rates;
};

} // namespace vigil::ui
