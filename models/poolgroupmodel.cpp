#include "poolgroupmodel.h"

#include <QLocale>

namespace vigil {

namespace {
const FlatTableModel::ColumnText kColumns[] = {
    {QT_TRANSLATE_NOOP("vigil::PoolGroupModel", "By"),
     QT_TRANSLATE_NOOP("vigil::PoolGroupModel",
                       "What the row groups by: state (waiting on lock, client and IO are active sessions waiting "
                       "on that), application_name, user or client address")},
    {QT_TRANSLATE_NOOP("vigil::PoolGroupModel", "Name"),
     QT_TRANSLATE_NOOP("vigil::PoolGroupModel", "The state, application, user or client address")},
    {QT_TRANSLATE_NOOP("vigil::PoolGroupModel", "Connections"),
     QT_TRANSLATE_NOOP("vigil::PoolGroupModel", "Client backends in this group (Vigil's own sessions not counted)")},
    {QT_TRANSLATE_NOOP("vigil::PoolGroupModel", "Active"),
     QT_TRANSLATE_NOOP("vigil::PoolGroupModel", "Sessions running a statement now")},
    {QT_TRANSLATE_NOOP("vigil::PoolGroupModel", "Idle"),
     QT_TRANSLATE_NOOP("vigil::PoolGroupModel", "Sessions connected and waiting for the client's next statement")},
    {QT_TRANSLATE_NOOP("vigil::PoolGroupModel", "Idle in transaction"),
     QT_TRANSLATE_NOOP("vigil::PoolGroupModel",
                       "Sessions inside an open transaction doing nothing: they hold a connection, their locks and "
                       "the vacuum horizon")},
    {QT_TRANSLATE_NOOP("vigil::PoolGroupModel", "Waiting on lock"),
     QT_TRANSLATE_NOOP("vigil::PoolGroupModel", "Sessions whose wait event type is Lock (blocked by another)")},
    {QT_TRANSLATE_NOOP("vigil::PoolGroupModel", "Oldest transaction (s)"),
     QT_TRANSLATE_NOOP("vigil::PoolGroupModel", "Age of the oldest open transaction in the group (xact_start)")},
};
static_assert(std::size(kColumns) == PoolGroupModel::ColumnCount, "one header per column");
} // namespace

PoolGroupModel::PoolGroupModel(QObject* parent)
    : KeyedTableModel(kColumns, parent)
{
}

QVariant PoolGroupModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const PoolGroup& g = m_rows[index.row()];
    const int counts[] = {g.total, g.active, g.idle, g.idleInTransaction, g.waitingOnLock};
    if (role == Qt::DisplayRole || role == SortRole) {
        switch (index.column()) {
        case KindColumn:
            return g.kind;
        case NameColumn:
            return g.name;
        case OldestXactColumn:
            if (role == SortRole)
                return g.oldestXactMs;
            return g.oldestXactMs < 0 ? QString() : QLocale().toString(g.oldestXactMs / 1000.0, 'f', 1);
        default:
            return role == SortRole ? QVariant(double(counts[index.column() - TotalColumn]))
                                    : QVariant(counts[index.column() - TotalColumn]);
        }
    }
    if (role == Qt::TextAlignmentRole && index.column() >= TotalColumn)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

} // namespace vigil
