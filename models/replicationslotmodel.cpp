#include "replicationslotmodel.h"
#include "statuscolors.h"

#include <QBrush>

namespace vigil {

namespace {
const FlatTableModel::ColumnText kColumns[] = {
    {QT_TRANSLATE_NOOP("vigil::ReplicationSlotModel", "Node"),
     QT_TRANSLATE_NOOP("vigil::ReplicationSlotModel", "PostgreSQL node the slot lives on")},
    {QT_TRANSLATE_NOOP("vigil::ReplicationSlotModel", "Slot"),
     QT_TRANSLATE_NOOP("vigil::ReplicationSlotModel", "pg_replication_slots.slot_name")},
    {QT_TRANSLATE_NOOP("vigil::ReplicationSlotModel", "Type"),
     QT_TRANSLATE_NOOP("vigil::ReplicationSlotModel", "physical or logical")},
    {QT_TRANSLATE_NOOP("vigil::ReplicationSlotModel", "Active"),
     QT_TRANSLATE_NOOP("vigil::ReplicationSlotModel",
                       "Whether a consumer is connected; an inactive slot still keeps WAL for it")},
    {QT_TRANSLATE_NOOP("vigil::ReplicationSlotModel", "Restart LSN"),
     QT_TRANSLATE_NOOP("vigil::ReplicationSlotModel", "Oldest WAL the slot's consumer may still need")},
    {QT_TRANSLATE_NOOP("vigil::ReplicationSlotModel", "WAL retained"),
     QT_TRANSLATE_NOOP("vigil::ReplicationSlotModel",
                       "pg_wal_lsn_diff(current LSN, restart_lsn): WAL kept on disk for this slot (on a standby, "
                       "against the last received LSN); flagged when above max_wal_size")},
    {QT_TRANSLATE_NOOP("vigil::ReplicationSlotModel", "WAL status"),
     QT_TRANSLATE_NOOP("vigil::ReplicationSlotModel",
                       "pg_replication_slots.wal_status: reserved, extended, unreserved (past "
                       "max_slot_wal_keep_size), lost")},
    {QT_TRANSLATE_NOOP("vigil::ReplicationSlotModel", "Safe WAL size"),
     QT_TRANSLATE_NOOP("vigil::ReplicationSlotModel",
                       "WAL that can still be written before the slot is lost; unlimited when "
                       "max_slot_wal_keep_size = -1")},
};
static_assert(std::size(kColumns) == ReplicationSlotModel::ColumnCount, "one header per column");
} // namespace

ReplicationSlotModel::ReplicationSlotModel(QObject* parent)
    : KeyedTableModel(kColumns, parent)
{
}

QStringList ReplicationSlotModel::retainingTooMuch() const
{
    QStringList out;
    for (const PgSlotRow& r : allRows())
        if (r.retainsTooMuch())
            out << tr("%1/%2 keeps %3 of WAL (max_wal_size %4, wal_status %5)")
                       .arg(r.node, r.slot.name, replfmt::bytes(r.slot.retainedBytes),
                            replfmt::bytes(double(r.maxWalSizeBytes)), r.slot.walStatus);
    return out;
}

QVariant ReplicationSlotModel::cell(const PgSlotRow& r, int column, int role) const
{
    const PgSlot& s = r.slot;
    if (role == Qt::DisplayRole || role == SortRole) {
        const bool sort = role == SortRole;
        switch (column) {
        case NodeColumn:
            return r.node;
        case SlotColumn:
            return s.name;
        case TypeColumn:
            return s.type;
        case ActiveColumn:
            return sort ? QVariant(s.active) : QVariant(s.active ? tr("yes") : tr("no"));
        case RestartLsnColumn:
            return s.restartLsn;
        case RetainedColumn:
            return sort ? QVariant(hasValue(s.retainedBytes) ? s.retainedBytes : -1.0)
                        : QVariant(replfmt::bytes(s.retainedBytes));
        case WalStatusColumn:
            return s.walStatus;
        case SafeWalSizeColumn:
            if (sort)
                return hasValue(s.safeWalSize) ? s.safeWalSize : std::numeric_limits<double>::max();
            return hasValue(s.safeWalSize) ? replfmt::bytes(s.safeWalSize) : tr("unlimited");
        default:
            return {};
        }
    }
    if (role == AttentionRole)
        return r.retainsTooMuch();
    if (role == Qt::ForegroundRole && (column == RetainedColumn || column == WalStatusColumn) && r.retainsTooMuch())
        return statusBrush(StatusLevel::Fail);
    if (role == Qt::TextAlignmentRole && (column == RetainedColumn || column == SafeWalSizeColumn))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

} // namespace vigil
