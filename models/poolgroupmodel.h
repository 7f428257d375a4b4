#pragma once

#include "keyedtablemodel.h"
#include "monitor/poolstats.h"

namespace vigil {

// Server connections counted by state, application, user and client address (one row per
// group), keyed by (kind, name). Vigil's own sessions are not counted here.
class PoolGroupModel : public KeyedTableModel<PoolGroup, QString>
{
    Q_OBJECT
public:
    enum Column {
        KindColumn,
        NameColumn,
        TotalColumn,
        ActiveColumn,
        IdleColumn,
        IdleInTransactionColumn,
        WaitingOnLockColumn,
        OldestXactColumn,
        ColumnCount
    };
    enum Role { SortRole = Qt::UserRole };

    explicit PoolGroupModel(QObject* parent = nullptr);
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

protected:
    QString keyOf(const PoolGroup& g) const override { return g.kind + QLatin1Char('\n') + g.name; }
};

} // namespace vigil
