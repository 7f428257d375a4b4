#pragma once

#include "alerts/alertrule.h"
#include "flattablemodel.h"

namespace vigil {

// The rule editor's table: every rule with its condition, `for`, keep-firing, severity and
// whether it is on. Threshold, durations, comparison, severity and enabled are editable in
// place; setData refuses values that are not valid (a comparison that is not one of the six,
// a negative duration) so the file written afterwards always loads.
class AlertRuleModel : public FlatTableModel
{
    Q_OBJECT
public:
    enum Column {
        EnabledColumn,
        NameColumn,
        MetricColumn,
        ComparisonColumn,
        ThresholdColumn,
        ForColumn,
        KeepFiringColumn,
        SeverityColumn,
        DescriptionColumn,
        ColumnCount
    };
    enum Role { SortRole = Qt::UserRole };

    explicit AlertRuleModel(QObject* parent = nullptr);
    void setRules(const QList<alerts::AlertRule>& rules);
    const QList<alerts::AlertRule>& rules() const { return m_rules; }

    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;

protected:
    int rows() const override { return int(m_rules.size()); }

private:
    QList<alerts::AlertRule> m_rules;
};

} // namespace vigil
