#pragma once

#include "keyedtablemodel.h"
#include "monitor/replicationview.h"

namespace vigil {

// Redis servers of the profile, keyed by node: role, link, offsets, lag as the master measures
// it, clients, memory, ops/s. Roles move with failovers; rows follow.
class RedisReplicationModel : public KeyedTableModel<RedisReplicationRow>
{
    Q_OBJECT
public:
    enum Column {
        NodeColumn,
        AddressColumn,
        RoleColumn,
        LinkColumn,
        MasterColumn,
        OffsetColumn,
        LagOffsetColumn,
        LastAckColumn,
        ClientsColumn,
        MemoryColumn,
        OpsColumn,
        ColumnCount
    };
    enum Role { SortRole = Qt::UserRole, AttentionRole };

    explicit RedisReplicationModel(QObject* parent = nullptr);

protected:
    QString keyOf(const RedisReplicationRow& row) const override { return row.node; }
    QVariant cell(const RedisReplicationRow& row, int column, int role) const override;

private:
    bool attention(const RedisReplicationRow& row) const;
};

} // namespace vigil
