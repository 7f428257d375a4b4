#pragma once

#include "alerts/alertrule.h"

#include <QDialog>

class QTableView;

namespace vigil {
class AlertRuleModel;
}

namespace vigil::ui {

// Edits the alert rules in a table (threshold, comparison, for, keep firing, severity, on/off);
// the caller saves them (AlertMonitor::setRules writes the JSON file).
class AlertRulesDialog : public QDialog
{
    Q_OBJECT
public:
    AlertRulesDialog(const QList<alerts::AlertRule>& rules, const QString& path, QWidget* parent = nullptr);
    QList<alerts::AlertRule> rules() const;
    AlertRuleModel* model() const { return m_model; }
    QTableView* view() const { return m_view; }

private:
    AlertRuleModel* m_model;
    QTableView* m_view;
};

} // namespace vigil::ui
