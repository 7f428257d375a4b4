#include "runningstatementmodel.h"

#include <QLocale>

namespace vigil {

RunningStatementModel::RunningStatementModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

int RunningStatementModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RunningStatementModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

const RunningStatement* RunningStatementModel::statementAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows[row] : nullptr;
}

void RunningStatementModel::clear()
{
    if (m_rows.isEmpty())
        return;
    beginRemoveRows({}, 0, int(m_rows.size()) - 1);
    m_rows.clear();
    endRemoveRows();
}

void RunningStatementModel::merge(const QList<RunningStatement>& running)
{
    for (int i = int(m_rows.size()) - 1; i >= 0; --i) {
        const bool still = std::any_of(running.begin(), running.end(),
                                       [&](const RunningStatement& r) { return sameStatement(r, m_rows[i]); });
        if (!still) {
            beginRemoveRows({}, i, i);
            m_rows.removeAt(i);
            endRemoveRows();
        }
    }
    for (const RunningStatement& r : running) {
        const auto it = std::find_if(m_rows.begin(), m_rows.end(),
                                     [&](const RunningStatement& x) { return sameStatement(x, r); });
        if (it != m_rows.end()) {
            *it = r;
            const int row = int(it - m_rows.begin());
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        } else {
            const int at = int(m_rows.size());
            beginInsertRows({}, at, at);
            m_rows.append(r);
            endInsertRows();
        }
    }
}

QVariant RunningStatementModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const RunningStatement& s = m_rows[index.row()];
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case PidColumn:
            return s.pid;
        case DurationColumn:
            return QLocale().toString(s.durationMs / 1000.0, 'f', 1) + QStringLiteral(" s");
        case DatabaseColumn:
            return s.database;
        case UserColumn:
            return s.user;
        case ApplicationColumn:
            return s.application;
        case ClientColumn:
            return s.client.isEmpty() ? tr("local socket") : s.client;
        case WaitColumn:
            return s.waitEventType.isEmpty() ? QString() : s.waitEventType + QLatin1Char(':') + s.waitEvent;
        case BlockedByColumn: {
            QStringList pids;
            for (int p : s.blockedBy)
                pids << QString::number(p);
            return pids.join(QStringLiteral(", "));
        }
        case QueryColumn:
            return s.query.simplified().left(300);
        }
    }
    if (role == SortRole) {
        switch (index.column()) {
        case PidColumn:
            return s.pid;
        case DurationColumn:
            return s.durationMs;
        case BlockedByColumn:
            return int(s.blockedBy.size());
        default:
            return data(index, Qt::DisplayRole);
        }
    }
    if (role == PidRole)
        return s.pid;
    if (role == FullTextRole)
        return s.query;
    if (role == Qt::ToolTipRole && index.column() == QueryColumn)
        return s.query.left(2000);
    if (role == Qt::TextAlignmentRole && (index.column() == DurationColumn || index.column() == PidColumn))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant RunningStatementModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return {};
    static const char* const names[ColumnCount]
        = {QT_TR_NOOP("PID"),        QT_TR_NOOP("Running for"), QT_TR_NOOP("Database"),
           QT_TR_NOOP("User"),       QT_TR_NOOP("Application"), QT_TR_NOOP("Client"),
           QT_TR_NOOP("Waiting on"), QT_TR_NOOP("Blocked by"),  QT_TR_NOOP("Query")};
    static const char* const tips[ColumnCount]
        = {QT_TR_NOOP("Backend process id (pg_stat_activity.pid)"),
           QT_TR_NOOP("Time since the statement started (query_start), at the last poll"),
           QT_TR_NOOP("Database"),
           QT_TR_NOOP("Role"),
           QT_TR_NOOP("application_name of the session"),
           QT_TR_NOOP("Client address (empty: Unix socket)"),
           QT_TR_NOOP("wait_event_type:wait_event, empty when running on CPU"),
           QT_TR_NOOP("Backends holding the locks this one waits for (pg_blocking_pids)"),
           QT_TR_NOOP("Statement text as pg_stat_activity shows it (track_activity_query_size may cut it)")};
    if (role == Qt::DisplayRole)
        return tr(names[section]);
    if (role == Qt::ToolTipRole)
        return tr(tips[section]);
    return {};
}

} // namespace vigil
