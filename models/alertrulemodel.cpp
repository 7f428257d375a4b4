#include "alertrulemodel.h"

#include <QLocale>
#include <cmath>

namespace vigil {

using alerts::AlertRule;

namespace {
const FlatTableModel::ColumnText kColumns[] = {
    {QT_TRANSLATE_NOOP("vigil::AlertRuleModel", "On"),
     QT_TRANSLATE_NOOP("vigil::AlertRuleModel", "Whether the rule is evaluated (unchecked: its alerts go away)")},
    {QT_TRANSLATE_NOOP("vigil::AlertRuleModel", "Rule"), QT_TRANSLATE_NOOP("vigil::AlertRuleModel", "The rule's name")},
    {QT_TRANSLATE_NOOP("vigil::AlertRuleModel", "Metric"),
     QT_TRANSLATE_NOOP("vigil::AlertRuleModel", "What Vigil measures for it (see the description)")},
    {QT_TRANSLATE_NOOP("vigil::AlertRuleModel", "Comparison"),
     QT_TRANSLATE_NOOP("vigil::AlertRuleModel", "One of > >= < <= == !=")},
    {QT_TRANSLATE_NOOP("vigil::AlertRuleModel", "Threshold"),
     QT_TRANSLATE_NOOP("vigil::AlertRuleModel", "The limit, in the metric's unit")},
    {QT_TRANSLATE_NOOP("vigil::AlertRuleModel", "For (s)"),
     QT_TRANSLATE_NOOP(
         "vigil::AlertRuleModel",
         "How long the condition must hold before the alert fires (pending until then); 0 fires at once")},
    {QT_TRANSLATE_NOOP("vigil::AlertRuleModel", "Keep firing (s)"),
     QT_TRANSLATE_NOOP("vigil::AlertRuleModel",
                       "How long the condition must stay clear before a firing alert resolves: one alert per "
                       "episode instead of one per swing around the threshold")},
    {QT_TRANSLATE_NOOP("vigil::AlertRuleModel", "Severity"),
     QT_TRANSLATE_NOOP("vigil::AlertRuleModel", "info, warning or critical")},
    {QT_TRANSLATE_NOOP("vigil::AlertRuleModel", "Description"),
     QT_TRANSLATE_NOOP("vigil::AlertRuleModel", "What the rule measures and why it matters")},
};
static_assert(std::size(kColumns) == AlertRuleModel::ColumnCount, "one header per column");
} // namespace

AlertRuleModel::AlertRuleModel(QObject* parent)
    : FlatTableModel(kColumns, parent)
{
}

void AlertRuleModel::setRules(const QList<AlertRule>& rules)
{
    // The editor loads its rules once when opened: a reset is right here.
    beginResetModel();
    m_rules = rules;
    endResetModel();
}

QVariant AlertRuleModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const AlertRule& r = m_rules[index.row()];
    const int c = index.column();
    if (role == Qt::CheckStateRole && c == EnabledColumn)
        return r.enabled ? Qt::Checked : Qt::Unchecked;
    if (role == Qt::DisplayRole || role == Qt::EditRole) {
        switch (c) {
        case NameColumn:
            return r.name;
        case MetricColumn:
            return r.metric;
        case ComparisonColumn:
            return alerts::comparisonSymbol(r.comparison);
        case ThresholdColumn:
            return role == Qt::EditRole ? QVariant(r.threshold) : QVariant(QLocale().toString(r.threshold, 'g', 12));
        case ForColumn:
            return r.forSec;
        case KeepFiringColumn:
            return r.keepFiringSec;
        case SeverityColumn:
            return alerts::severityName(r.severity);
        case DescriptionColumn:
            return r.description;
        default:
            return {};
        }
    }
    if (role == SortRole) {
        switch (c) {
        case EnabledColumn:
            return int(r.enabled);
        case ThresholdColumn:
            return r.threshold;
        case SeverityColumn:
            return int(r.severity);
        default:
            return data(index, Qt::DisplayRole);
        }
    }
    if (role == Qt::ToolTipRole)
        return r.description;
    return {};
}

Qt::ItemFlags AlertRuleModel::flags(const QModelIndex& index) const
{
    Qt::ItemFlags f = FlatTableModel::flags(index);
    if (!index.isValid())
        return f;
    switch (index.column()) {
    case EnabledColumn:
        return f | Qt::ItemIsUserCheckable;
    case ComparisonColumn:
    case ThresholdColumn:
    case ForColumn:
    case KeepFiringColumn:
    case SeverityColumn:
        return f | Qt::ItemIsEditable;
    default:
        return f;
    }
}

bool AlertRuleModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    AlertRule& r = m_rules[index.row()];
    bool ok = false;
    if (role == Qt::CheckStateRole && index.column() == EnabledColumn) {
        r.enabled = value.value<Qt::CheckState>() == Qt::Checked;
        ok = true;
    } else if (role == Qt::EditRole) {
        switch (index.column()) {
        case ComparisonColumn: {
            const auto c = alerts::comparisonFromSymbol(value.toString().trimmed(), &ok);
            if (ok)
                r.comparison = c;
            break;
        }
        case ThresholdColumn: {
            const double v = value.toDouble(&ok);
            ok = ok && std::isfinite(v);
            if (ok)
                r.threshold = v;
            break;
        }
        case ForColumn:
        case KeepFiringColumn: {
            const int v = value.toInt(&ok);
            ok = ok && v >= 0;
            if (ok)
                (index.column() == ForColumn ? r.forSec : r.keepFiringSec) = v;
            break;
        }
        case SeverityColumn: {
            const auto s = alerts::severityFromName(value.toString().trimmed().toLower(), &ok);
            if (ok)
                r.severity = s;
            break;
        }
        default:
            break;
        }
    }
    if (ok)
        Q_EMIT dataChanged(index, index, {role, Qt::DisplayRole});
    return ok;
}

} // namespace vigil
