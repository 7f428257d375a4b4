#include "alerthistorymodel.h"

#include <QLocale>

namespace vigil {

namespace {
const FlatTableModel::ColumnText kColumns[] = {
    {QT_TRANSLATE_NOOP("vigil::AlertHistoryModel", "Started"),
     QT_TRANSLATE_NOOP("vigil::AlertHistoryModel", "When the episode went pending (local time)")},
    {QT_TRANSLATE_NOOP("vigil::AlertHistoryModel", "Fired"),
     QT_TRANSLATE_NOOP("vigil::AlertHistoryModel", "When it started firing; empty when it cleared before")},
    {QT_TRANSLATE_NOOP("vigil::AlertHistoryModel", "Resolved"),
     QT_TRANSLATE_NOOP("vigil::AlertHistoryModel", "When it resolved")},
    {QT_TRANSLATE_NOOP("vigil::AlertHistoryModel", "State"),
     QT_TRANSLATE_NOOP("vigil::AlertHistoryModel",
                       "The latest state: pending, firing, resolved, inactive (cleared before firing) or unwatched "
                       "(Vigil disconnected while it was open)")},
    {QT_TRANSLATE_NOOP("vigil::AlertHistoryModel", "Severity"),
     QT_TRANSLATE_NOOP("vigil::AlertHistoryModel", "critical, warning or info")},
    {QT_TRANSLATE_NOOP("vigil::AlertHistoryModel", "Source"),
     QT_TRANSLATE_NOOP("vigil::AlertHistoryModel", "vigil or prometheus")},
    {QT_TRANSLATE_NOOP("vigil::AlertHistoryModel", "Alert"), QT_TRANSLATE_NOOP("vigil::AlertHistoryModel", "The rule")},
    {QT_TRANSLATE_NOOP("vigil::AlertHistoryModel", "Subject"),
     QT_TRANSLATE_NOOP("vigil::AlertHistoryModel", "What it was about")},
    {QT_TRANSLATE_NOOP("vigil::AlertHistoryModel", "Value"),
     QT_TRANSLATE_NOOP("vigil::AlertHistoryModel", "The value at the last change")},
    {QT_TRANSLATE_NOOP("vigil::AlertHistoryModel", "Acknowledged"),
     QT_TRANSLATE_NOOP("vigil::AlertHistoryModel", "When an operator acknowledged it")},
    {QT_TRANSLATE_NOOP("vigil::AlertHistoryModel", "Detail"),
     QT_TRANSLATE_NOOP("vigil::AlertHistoryModel", "What the value was about")},
};
static_assert(std::size(kColumns) == AlertHistoryModel::ColumnCount, "one header per column");

QString time(const QDateTime& t)
{
    return t.isValid() ? t.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) : QString();
}
qint64 sortTime(const QDateTime& t)
{
    return t.isValid() ? t.toMSecsSinceEpoch() : 0;
}
} // namespace

AlertHistoryModel::AlertHistoryModel(QObject* parent)
    : KeyedTableModel(kColumns, parent)
{
}

QVariant AlertHistoryModel::cell(const store::AlertEpisode& e, int column, int role) const
{
    if (role == Qt::DisplayRole) {
        switch (column) {
        case StartedColumn:
            return time(e.startedAt);
        case FiredColumn:
            return time(e.firedAt);
        case ResolvedColumn:
            return time(e.resolvedAt);
        case StateColumn:
            return e.stateText;
        case SeverityColumn:
            return alerts::severityName(e.severity);
        case SourceColumn:
            return e.source;
        case NameColumn:
            return e.name;
        case SubjectColumn:
            return e.subject;
        case ValueColumn:
            return QLocale().toString(e.value, 'g', 6);
        case AcknowledgedColumn:
            return time(e.acknowledgedAt);
        case DetailColumn:
            return e.detail;
        default:
            return {};
        }
    }
    if (role == SortRole) {
        switch (column) {
        case StartedColumn:
            return sortTime(e.startedAt);
        case FiredColumn:
            return sortTime(e.firedAt);
        case ResolvedColumn:
            return sortTime(e.resolvedAt);
        case AcknowledgedColumn:
            return sortTime(e.acknowledgedAt);
        case SeverityColumn:
            return int(e.severity);
        case ValueColumn:
            return e.value;
        default:
            return cell(e, column, Qt::DisplayRole);
        }
    }
    if (role == Qt::ToolTipRole && column == DetailColumn)
        return e.detail;
    return {};
}

} // namespace vigil
