#pragma once

#include "keyedtablemodel.h"
#include "monitor/poolstats.h"

namespace vigil {

// Sessions the Pool tab lists one by one: the longest idle-in-transaction sessions, or the ones
// waiting on locks with the head of their chain. Keyed by pid.
class PoolSessionModel : public KeyedTableModel<BlockedSession, int>
{
    Q_OBJECT
public:
    enum Column {
        PidColumn,
        UserColumn,
        ApplicationColumn,
        ClientColumn,
        DatabaseColumn,
        StateColumn,
        InStateColumn,
        XactColumn,
        BlockedByColumn,
        ChainHeadColumn,
        QueryColumn,
        ColumnCount
    };
    enum Role { SortRole = Qt::UserRole };

    explicit PoolSessionModel(QObject* parent = nullptr);
    // Idle-in-transaction sessions have no chain: they are wrapped with rootBlocker 0.
    void mergeSessions(const QList<PoolSession>& sessions);
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

protected:
    int keyOf(const BlockedSession& b) const override { return b.session.pid; }
};

} // namespace vigil
