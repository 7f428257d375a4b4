#include "poolsessionmodel.h"

#include <QLocale>

namespace vigil {

namespace {
const FlatTableModel::ColumnText kColumns[] = {
    {QT_TRANSLATE_NOOP("vigil::PoolSessionModel", "PID"),
     QT_TRANSLATE_NOOP("vigil::PoolSessionModel", "Server process id of the session")},
    {QT_TRANSLATE_NOOP("vigil::PoolSessionModel", "User"), QT_TRANSLATE_NOOP("vigil::PoolSessionModel", "Role")},
    {QT_TRANSLATE_NOOP("vigil::PoolSessionModel", "Application"),
     QT_TRANSLATE_NOOP("vigil::PoolSessionModel", "application_name the client set")},
    {QT_TRANSLATE_NOOP("vigil::PoolSessionModel", "Client"),
     QT_TRANSLATE_NOOP("vigil::PoolSessionModel",
                       "Client address (through pgbouncer: pgbouncer's address, not the application's)")},
    {QT_TRANSLATE_NOOP("vigil::PoolSessionModel", "Database"),
     QT_TRANSLATE_NOOP("vigil::PoolSessionModel", "Database")},
    {QT_TRANSLATE_NOOP("vigil::PoolSessionModel", "State"),
     QT_TRANSLATE_NOOP("vigil::PoolSessionModel", "pg_stat_activity state and wait event")},
    {QT_TRANSLATE_NOOP("vigil::PoolSessionModel", "In state (s)"),
     QT_TRANSLATE_NOOP("vigil::PoolSessionModel",
                       "Seconds since the state last changed: how long it has been idle in its transaction, or "
                       "waiting")},
    {QT_TRANSLATE_NOOP("vigil::PoolSessionModel", "Transaction (s)"),
     QT_TRANSLATE_NOOP("vigil::PoolSessionModel", "Age of the open transaction (xact_start)")},
    {QT_TRANSLATE_NOOP("vigil::PoolSessionModel", "Blocked by"),
     QT_TRANSLATE_NOOP("vigil::PoolSessionModel", "pg_blocking_pids: the sessions it waits for")},
    {QT_TRANSLATE_NOOP("vigil::PoolSessionModel", "Chain head"),
     QT_TRANSLATE_NOOP("vigil::PoolSessionModel",
                       "The blocker at the head of the chain (not blocked itself), its state and how many levels "
                       "down this session is")},
    {QT_TRANSLATE_NOOP("vigil::PoolSessionModel", "Last statement"),
     QT_TRANSLATE_NOOP("vigil::PoolSessionModel",
                       "The running statement, or for an idle session the last one it ran (secrets redacted)")},
};
static_assert(std::size(kColumns) == PoolSessionModel::ColumnCount, "one header per column");
} // namespace

PoolSessionModel::PoolSessionModel(QObject* parent)
    : KeyedTableModel(kColumns, parent)
{
}

void PoolSessionModel::mergeSessions(const QList<PoolSession>& sessions)
{
    QList<BlockedSession> rows;
    rows.reserve(sessions.size());
    for (const PoolSession& s : sessions) {
        BlockedSession b;
        b.session = s;
        b.depth = 0;
        rows.append(b);
    }
    merge(rows);
}

QVariant PoolSessionModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const BlockedSession& b = m_rows[index.row()];
    const PoolSession& s = b.session;
    const QLocale loc;
    auto seconds = [&](double ms) -> QVariant {
        if (role == SortRole)
            return ms;
        return ms < 0 ? QString() : loc.toString(ms / 1000.0, 'f', 1);
    };
    if (role == Qt::DisplayRole || role == SortRole) {
        switch (index.column()) {
        case PidColumn:
            return s.pid;
        case UserColumn:
            return s.user;
        case ApplicationColumn:
            return s.application;
        case ClientColumn:
            return s.client;
        case DatabaseColumn:
            return s.database;
        case StateColumn:
            return s.waitEventType.isEmpty() ? s.state
                                             : s.state + QStringLiteral(" (%1:%2)").arg(s.waitEventType, s.waitEvent);
        case InStateColumn:
            return seconds(s.stateMs);
        case XactColumn:
            return seconds(s.xactMs);
        case BlockedByColumn: {
            QStringList pids;
            for (int p : s.blockedBy)
                pids << QString::number(p);
            return pids.join(QStringLiteral(", "));
        }
        case ChainHeadColumn:
            if (b.rootBlocker == 0)
                return QString();
            if (role == SortRole)
                return b.rootBlocker;
            return tr("pid %1 (%2), %n level(s) down", nullptr, b.depth)
                .arg(b.rootBlocker)
                .arg(b.root.pid == 0 ? tr("gone") : b.root.state);
        case QueryColumn:
            return role == SortRole ? s.query : s.query.simplified().left(300);
        }
    }
    if (role == Qt::ToolTipRole && index.column() == QueryColumn)
        return s.query;
    if (role == Qt::TextAlignmentRole
        && (index.column() == PidColumn || index.column() == InStateColumn || index.column() == XactColumn))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

} // namespace vigil
