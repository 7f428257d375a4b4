#include "slowhistorymodel.h"

#include <QLocale>

namespace vigil {

namespace {
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
    : QAbstractTableModel(parent)
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

int SlowHistoryModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int SlowHistoryModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
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

QVariant SlowHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return {};
    static const char* const names[ColumnCount]
        = {QT_TR_NOOP("Last seen"), QT_TR_NOOP("Longest seen"), QT_TR_NOOP("PID"),        QT_TR_NOOP("Database"),
           QT_TR_NOOP("User"),      QT_TR_NOOP("Application"),  QT_TR_NOOP("Waiting on"), QT_TR_NOOP("Query")};
    static const char* const tips[ColumnCount]
        = {QT_TR_NOOP("Last poll that saw the statement running"),
           QT_TR_NOOP("Longest running time seen by a poll (the statement may have run a little longer)"),
           QT_TR_NOOP("Backend process id"),
           QT_TR_NOOP("Database"),
           QT_TR_NOOP("Role"),
           QT_TR_NOOP("application_name"),
           QT_TR_NOOP("Wait event at the last sighting"),
           QT_TR_NOOP("Statement text")};
    if (role == Qt::DisplayRole)
        return tr(names[section]);
    if (role == Qt::ToolTipRole)
        return tr(tips[section]);
    return {};
}

SlowFrequencyModel::SlowFrequencyModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void SlowFrequencyModel::setRows(const QList<store::SlowPattern>& rows)
{
    beginResetModel();
    m_rows = rows;
    endResetModel();
}

int SlowFrequencyModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int SlowFrequencyModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
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

QVariant SlowFrequencyModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return {};
    static const char* const names[ColumnCount] = {QT_TR_NOOP("Times slow"), QT_TR_NOOP("Longest"), QT_TR_NOOP("Mean"),
                                                   QT_TR_NOOP("Last seen"), QT_TR_NOOP("Pattern")};
    static const char* const tips[ColumnCount]
        = {QT_TR_NOOP("Executions seen over the threshold (one per backend and start, however many polls saw it)"),
           QT_TR_NOOP("Longest running time seen"), QT_TR_NOOP("Mean of the longest running times seen"),
           QT_TR_NOOP("Most recent sighting"),
           QT_TR_NOOP("Grouped by query_id when the server reports one, by text otherwise")};
    if (role == Qt::DisplayRole)
        return tr(names[section]);
    if (role == Qt::ToolTipRole)
        return tr(tips[section]);
    return {};
}

} // namespace vigil
