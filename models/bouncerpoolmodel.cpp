#include "bouncerpoolmodel.h"
#include "statuscolors.h"

#include <QBrush>
#include <QLocale>

namespace vigil {

namespace {
const FlatTableModel::ColumnText kColumns[] = {
    {QT_TRANSLATE_NOOP("vigil::BouncerPoolModel", "Database"),
     QT_TRANSLATE_NOOP("vigil::BouncerPoolModel", "pgbouncer database (an entry of [databases])")},
    {QT_TRANSLATE_NOOP("vigil::BouncerPoolModel", "User"),
     QT_TRANSLATE_NOOP("vigil::BouncerPoolModel", "The user the pool connects as")},
    {QT_TRANSLATE_NOOP("vigil::BouncerPoolModel", "Mode"),
     QT_TRANSLATE_NOOP("vigil::BouncerPoolModel", "pool_mode: session, transaction or statement")},
    {QT_TRANSLATE_NOOP("vigil::BouncerPoolModel", "cl_active"),
     QT_TRANSLATE_NOOP("vigil::BouncerPoolModel",
                       "Client connections linked to a server connection or idle with no query waiting")},
    {QT_TRANSLATE_NOOP("vigil::BouncerPoolModel", "cl_waiting"),
     QT_TRANSLATE_NOOP("vigil::BouncerPoolModel",
                       "Client connections that sent a query and wait for a free server connection: above 0 for "
                       "long means the pool is too small or transactions hold servers too long")},
    {QT_TRANSLATE_NOOP("vigil::BouncerPoolModel", "Max wait (ms)"),
     QT_TRANSLATE_NOOP("vigil::BouncerPoolModel",
                       "How long the oldest waiting client has waited (maxwait + maxwait_us)")},
    {QT_TRANSLATE_NOOP("vigil::BouncerPoolModel", "sv_active"),
     QT_TRANSLATE_NOOP("vigil::BouncerPoolModel", "Server connections linked to a client")},
    {QT_TRANSLATE_NOOP("vigil::BouncerPoolModel", "sv_idle"),
     QT_TRANSLATE_NOOP("vigil::BouncerPoolModel", "Server connections unused and ready for a client")},
    {QT_TRANSLATE_NOOP("vigil::BouncerPoolModel", "sv_used"),
     QT_TRANSLATE_NOOP("vigil::BouncerPoolModel",
                       "Server connections idle for longer than server_check_delay, to be checked before reuse")},
    {QT_TRANSLATE_NOOP("vigil::BouncerPoolModel", "sv_login"),
     QT_TRANSLATE_NOOP("vigil::BouncerPoolModel", "Server connections logging in")},
    {QT_TRANSLATE_NOOP("vigil::BouncerPoolModel", "Pool size"),
     QT_TRANSLATE_NOOP("vigil::BouncerPoolModel",
                       "pool_size of the database (SHOW DATABASES): server connections the pool may open, plus "
                       "reserve_pool under pressure")},
    {QT_TRANSLATE_NOOP("vigil::BouncerPoolModel", "Avg wait (ms)"),
     QT_TRANSLATE_NOOP("vigil::BouncerPoolModel",
                       "SHOW STATS avg_wait_time of the database: average time clients waited for a server, over "
                       "pgbouncer's stats_period")},
    {QT_TRANSLATE_NOOP("vigil::BouncerPoolModel", "Avg query (ms)"),
     QT_TRANSLATE_NOOP("vigil::BouncerPoolModel", "SHOW STATS avg_query_time of the database")},
    {QT_TRANSLATE_NOOP("vigil::BouncerPoolModel", "Avg transaction (ms)"),
     QT_TRANSLATE_NOOP("vigil::BouncerPoolModel", "SHOW STATS avg_xact_time of the database")},
    {QT_TRANSLATE_NOOP("vigil::BouncerPoolModel", "Transactions/s"),
     QT_TRANSLATE_NOOP("vigil::BouncerPoolModel", "SHOW STATS avg_xact_count of the database")},
};
static_assert(std::size(kColumns) == BouncerPoolModel::ColumnCount, "one header per column");
} // namespace

BouncerPoolModel::BouncerPoolModel(QObject* parent)
    : KeyedTableModel(kColumns, parent)
{
}

QVariant BouncerPoolModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const BouncerPool& p = m_rows[index.row()];
    const QLocale loc;
    auto dbl = [&](double v, int decimals) -> QVariant {
        if (role == SortRole)
            return hasValue(v) ? v : -1.0;
        return hasValue(v) ? loc.toString(v, 'f', decimals) : QString();
    };
    auto count = [&](int v) -> QVariant { return role == SortRole ? QVariant(double(v)) : QVariant(v); };
    if (role == Qt::DisplayRole || role == SortRole) {
        switch (index.column()) {
        case DatabaseColumn:
            return p.database;
        case UserColumn:
            return p.user;
        case ModeColumn:
            return p.poolMode;
        case ClActiveColumn:
            return count(p.clActive);
        case ClWaitingColumn:
            return count(p.clWaiting);
        case MaxWaitColumn:
            return dbl(p.maxWaitMs, 0);
        case SvActiveColumn:
            return count(p.svActive);
        case SvIdleColumn:
            return count(p.svIdle);
        case SvUsedColumn:
            return count(p.svUsed);
        case SvLoginColumn:
            return count(p.svLogin);
        case PoolSizeColumn:
            if (p.poolSize < 0)
                return role == SortRole ? QVariant(-1.0) : QVariant(QString());
            return role == SortRole
                ? QVariant(double(p.poolSize))
                : QVariant(p.reservePool > 0 ? tr("%1 + %2 reserve").arg(p.poolSize).arg(p.reservePool)
                                             : QString::number(p.poolSize));
        case AvgWaitColumn:
            return dbl(p.avgWaitMs, 2);
        case AvgQueryColumn:
            return dbl(p.avgQueryMs, 2);
        case AvgXactColumn:
            return dbl(p.avgXactMs, 2);
        case XactRateColumn:
            return dbl(p.avgXactPerSec, 0);
        }
    }
    // Waiting clients are what the operator must see first.
    if (role == Qt::ForegroundRole && (index.column() == ClWaitingColumn || index.column() == MaxWaitColumn)
        && p.clWaiting > 0)
        return statusBrush(StatusLevel::Fail);
    if (role == Qt::TextAlignmentRole && index.column() >= ClActiveColumn)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

} // namespace vigil
