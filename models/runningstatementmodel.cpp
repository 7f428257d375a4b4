#include "runningstatementmodel.h"

#include <QLocale>

namespace vigil {

namespace {
const FlatTableModel::ColumnText kColumns[] = {
    {QT_TRANSLATE_NOOP("vigil::RunningStatementModel", "PID"),
     QT_TRANSLATE_NOOP("vigil::RunningStatementModel", "Backend process id (pg_stat_activity.pid)")},
    {QT_TRANSLATE_NOOP("vigil::RunningStatementModel", "Running for"),
     QT_TRANSLATE_NOOP("vigil::RunningStatementModel",
                       "Time since the statement started (query_start), at the last poll")},
    {QT_TRANSLATE_NOOP("vigil::RunningStatementModel", "Database"),
     QT_TRANSLATE_NOOP("vigil::RunningStatementModel", "Database")},
    {QT_TRANSLATE_NOOP("vigil::RunningStatementModel", "User"),
     QT_TRANSLATE_NOOP("vigil::RunningStatementModel", "Role")},
    {QT_TRANSLATE_NOOP("vigil::RunningStatementModel", "Application"),
     QT_TRANSLATE_NOOP("vigil::RunningStatementModel", "application_name of the session")},
    {QT_TRANSLATE_NOOP("vigil::RunningStatementModel", "Client"),
     QT_TRANSLATE_NOOP("vigil::RunningStatementModel", "Client address (empty: Unix socket)")},
    {QT_TRANSLATE_NOOP("vigil::RunningStatementModel", "Waiting on"),
     QT_TRANSLATE_NOOP("vigil::RunningStatementModel", "wait_event_type:wait_event, empty when running on CPU")},
    {QT_TRANSLATE_NOOP("vigil::RunningStatementModel", "Blocked by"),
     QT_TRANSLATE_NOOP("vigil::RunningStatementModel",
                       "Backends holding the locks this one waits for (pg_blocking_pids)")},
    {QT_TRANSLATE_NOOP("vigil::RunningStatementModel", "Query"),
     QT_TRANSLATE_NOOP("vigil::RunningStatementModel",
                       "Statement text as pg_stat_activity shows it (track_activity_query_size may cut it)")},
};
static_assert(std::size(kColumns) == RunningStatementModel::ColumnCount, "one header per column");
} // namespace

RunningStatementModel::RunningStatementModel(QObject* parent)
    : FlatTableModel(kColumns, parent)
{
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

} // namespace vigil
