#pragma once

#include "keyedtablemodel.h"
#include "monitor/bouncerstats.h"

namespace vigil {

// pgbouncer's pools (SHOW POOLS) with their database's pool size (SHOW DATABASES) and average
// times (SHOW STATS), keyed by (database, user).
class BouncerPoolModel : public KeyedTableModel<BouncerPool, QString>
{
    Q_OBJECT
public:
    enum Column {
        DatabaseColumn,
        UserColumn,
        ModeColumn,
        ClActiveColumn,
        ClWaitingColumn,
        MaxWaitColumn,
        SvActiveColumn,
        SvIdleColumn,
        SvUsedColumn,
        SvLoginColumn,
        PoolSizeColumn,
        AvgWaitColumn,
        AvgQueryColumn,
        AvgXactColumn,
        XactRateColumn,
        ColumnCount
    };
    enum Role { SortRole = Qt::UserRole };

    explicit BouncerPoolModel(QObject* parent = nullptr);
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

protected:
    QString keyOf(const BouncerPool& p) const override { return p.database + QLatin1Char('\n') + p.user; }
};

} // namespace vigil
