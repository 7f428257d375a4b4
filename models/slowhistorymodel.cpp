#include "slowhistorymodel.h"

#include <QLocale>

namespace vigil {

namespace {
const FlatTableModel::ColumnText kHistoryColumns[] = {
    {QT_TRANSLATE_NOOP("vigil::SlowHistoryModel", "Last seen"),
     QT_TRANSLATE_NOOP("vigil::SlowHistoryModel", "Last poll that saw the statement running")},
    {QT_TRANSLATE_NOOP("vigil::SlowHistoryModel", "Longest seen"),
     QT_TRANSLATE_NOOP("vigil::SlowHistoryModel",
                       "Longest running time seen by a poll (the statement may have run a little longer)")},
    {QT_TRANSLATE_NOOP("vigil::SlowHistoryModel", "PID"),
     QT_TRANSLATE_NOOP("vigil::SlowHistoryModel", "Backend process id")},
    {QT_TRANSLATE_NOOP("vigil::SlowHistoryModel", "Database"),
     QT_TRANSLATE_NOOP("vigil::SlowHistoryModel", "Database")},
    {QT_TRANSLATE_NOOP("vigil::SlowHistoryModel", "User"), QT_TRANSLATE_NOOP("vigil::SlowHistoryModel", "Role")},
    {QT_TRANSLATE_NOOP("vigil::SlowHistoryModel", "Application"),
     QT_TRANSLATE_NOOP("vigil::SlowHistoryModel", "application_name")},
    {QT_TRANSLATE_NOOP("vigil::SlowHistoryModel", "Waiting on"),
     QT_TRANSLATE_NOOP("vigil::SlowHistoryModel", "Wait event at the last sighting")},
    {QT_TRANSLATE_NOOP("vigil::SlowHistoryModel", "Query"),
     QT_TRANSLATE_NOOP("vigil::SlowHistoryModel", "Statement text")},
};
const FlatTableModel::ColumnText kFrequencyColumns[] = {
    {QT_TRANSLATE_NOOP("vigil::SlowFrequencyModel", "Times slow"),
     QT_TRANSLATE_NOOP("vigil::SlowFrequencyModel",
                       "Executions seen over the threshold (one per backend and start, however many polls saw it)")},
    {QT_TRANSLATE_NOOP("vigil::SlowFrequencyModel", "Longest"),
     QT_TRANSLATE_NOOP("vigil::SlowFrequencyModel", "Longest running time seen")},
    {QT_TRANSLATE_NOOP("vigil::SlowFrequencyModel", "Mean"),
     QT_TRANSLATE_NOOP("vigil::SlowFrequencyModel", "Mean of the longest running times seen")},
    {QT_TRANSLATE_NOOP("vigil::SlowFrequencyModel", "Last seen"),
     QT_TRANSLATE_NOOP("vigil::SlowFrequencyModel", "Most recent sighting")},
    {QT_TRANSLATE_NOOP("vigil::SlowFrequencyModel", "Pattern"),
     QT_TRANSLATE_NOOP("vigil::SlowFrequencyModel",
                       "Grouped by query_id when the server reports one, by text otherwise")},
};
static_assert(std::size(kHistoryColumns) == SlowHistoryModel::ColumnCount, "one header per column");
static_assert(std::size(kFrequencyColumns) == SlowFrequencyModel::ColumnCount, "one header per column");

QString when(const QDateTime& t)
{
    return QLocale().toString(t.toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}
QString seconds(double ms)
{
    return QLocale().toString(ms / 1000.0, 'f', 1) + QStringLiteral(" s");
}
} // namespace

SlowHistoryModel::SlowHistoryModel(QObject* parent)
    : FlatTableModel(kHistoryColumns, parent)
{
}

void SlowHistoryModel::setRows(const QList<store::SlowSighting>& rows)
{
    if (rows == m_rows)
        return;
    beginResetModel();
    m_rows = rows;
    endResetModel();
}

QVariant SlowHistoryModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const store::SlowSighting& s = m_rows[index.row()];
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case LastSeenColumn:
            return when(s.lastSeen);
        case DurationColumn:
            return seconds(s.durationMs);
        case PidColumn:
            return s.pid;
        case DatabaseColumn:
            return s.database;
        case UserColumn:
            return s.user;
        case ApplicationColumn:
            return s.application;
        case WaitColumn:
            return s.waitEvent;
        case QueryColumn:
            return s.query.simplified().left(300);
        }
    }
    if (role == SortRole) {
        switch (index.column()) {
        case LastSeenColumn:
            return s.lastSeen.toMSecsSinceEpoch();
        case DurationColumn:
            return s.durationMs;
        case PidColumn:
            return s.pid;
        default:
            return data(index, Qt::DisplayRole);
        }
    }
    if (role == Qt::ToolTipRole && index.column() == QueryColumn)
        return s.query.left(2000);
    return {};
}

SlowFrequencyModel::SlowFrequencyModel(QObject* parent)
    : FlatTableModel(kFrequencyColumns, parent)
{
}

void SlowFrequencyModel::setRows(const QList<store::SlowPattern>& rows)
{
    beginResetModel();
    m_rows = rows;
    endResetModel();
}

QVariant SlowFrequencyModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const store::SlowPattern& p = m_rows[index.row()];
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case CountColumn:
            return p.count;
        case MaxColumn:
            return seconds(p.maxMs);
        case MeanColumn:
            return seconds(p.meanMs);
        case LastSeenColumn:
            return when(p.lastSeen);
        case QueryColumn:
            return p.query.simplified().left(300);
        }
    }
    if (role == SortRole) {
        switch (index.column()) {
        case CountColumn:
            return p.count;
        case MaxColumn:
            return p.maxMs;
        case MeanColumn:
            return p.meanMs;
        case LastSeenColumn:
            return p.lastSeen.toMSecsSinceEpoch();
        default:
            return data(index, Qt::DisplayRole);
        }
    }
    if (role == Qt::ToolTipRole && index.column() == QueryColumn)
        return p.query.left(2000);
    return {};
}

} // namespace vigil
