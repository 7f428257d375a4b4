#pragma once

#include "keyedtablemodel.h"
#include "monitor/replicationview.h"

namespace vigil {

// pg_replication_slots of every reachable PostgreSQL node, keyed by node and slot name. A slot
// that keeps more WAL than max_wal_size, or that the server marks unreserved / lost, is flagged.
class ReplicationSlotModel : public KeyedTableModel<PgSlotRow>
{
    Q_OBJECT
public:
    enum Column {
        NodeColumn,
        SlotColumn,
        TypeColumn,
        ActiveColumn,
        RestartLsnColumn,
        RetainedColumn,
        WalStatusColumn,
        SafeWalSizeColumn,
        ColumnCount
    };
    enum Role { SortRole = Qt::UserRole, AttentionRole };

    explicit ReplicationSlotModel(QObject* parent = nullptr);
    // "pg1/pg2 keeps 1.2 GB (max_wal_size 1 GB)" for each flagged slot.
    QStringList retainingTooMuch() const;

protected:
    QString keyOf(const PgSlotRow& row) const override { return row.node + QLatin1Char('/') + row.slot.name; }
    QVariant cell(const PgSlotRow& row, int column, int role) const override;
};

} // namespace vigil
