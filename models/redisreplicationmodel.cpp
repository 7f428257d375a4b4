#include "redisreplicationmodel.h"
#include "statuscolors.h"

#include <QBrush>
#include <QLocale>

namespace vigil {

namespace {
const FlatTableModel::ColumnText kColumns[] = {
    {QT_TRANSLATE_NOOP("vigil::RedisReplicationModel", "Node"),
     QT_TRANSLATE_NOOP("vigil::RedisReplicationModel", "Redis node of the profile")},
    {QT_TRANSLATE_NOOP("vigil::RedisReplicationModel", "Address"),
     QT_TRANSLATE_NOOP("vigil::RedisReplicationModel", "HOST:PORT")},
    {QT_TRANSLATE_NOOP("vigil::RedisReplicationModel", "Role"),
     QT_TRANSLATE_NOOP("vigil::RedisReplicationModel", "INFO replication role; follows Sentinel failovers")},
    {QT_TRANSLATE_NOOP("vigil::RedisReplicationModel", "Link"),
     QT_TRANSLATE_NOOP("vigil::RedisReplicationModel",
                       "Replica: master_link_status; in brackets the master's view of it (slaveN state)")},
    {QT_TRANSLATE_NOOP("vigil::RedisReplicationModel", "Master"),
     QT_TRANSLATE_NOOP("vigil::RedisReplicationModel", "Replica: master_host:master_port it follows")},
    {QT_TRANSLATE_NOOP("vigil::RedisReplicationModel", "Offset"),
     QT_TRANSLATE_NOOP("vigil::RedisReplicationModel",
                       "Master: master_repl_offset; replica: slave_repl_offset (bytes of replication stream)")},
    {QT_TRANSLATE_NOOP("vigil::RedisReplicationModel", "Lag (offset)"),
     QT_TRANSLATE_NOOP("vigil::RedisReplicationModel",
                       "Master's master_repl_offset minus the offset this replica acknowledged (INFO slaveN "
                       "offset), in bytes")},
    {QT_TRANSLATE_NOOP("vigil::RedisReplicationModel", "Last ACK"),
     QT_TRANSLATE_NOOP("vigil::RedisReplicationModel",
                       "Seconds since the master last heard from this replica (slaveN lag)")},
    {QT_TRANSLATE_NOOP("vigil::RedisReplicationModel", "Clients"),
     QT_TRANSLATE_NOOP("vigil::RedisReplicationModel", "connected_clients")},
    {QT_TRANSLATE_NOOP("vigil::RedisReplicationModel", "Memory"),
     QT_TRANSLATE_NOOP("vigil::RedisReplicationModel", "used_memory")},
    {QT_TRANSLATE_NOOP("vigil::RedisReplicationModel", "Ops/s"),
     QT_TRANSLATE_NOOP("vigil::RedisReplicationModel",
                       "Commands per second between two polls (total_commands_processed delta / measured time)")},
};
static_assert(std::size(kColumns) == RedisReplicationModel::ColumnCount, "one header per column");
} // namespace

RedisReplicationModel::RedisReplicationModel(QObject* parent)
    : KeyedTableModel(kColumns, parent)
{
}

bool RedisReplicationModel::attention(const RedisReplicationRow& r) const
{
    return !r.reachable || (r.role == NodeRole::Replica && r.linkStatus != QLatin1String("up"));
}

QVariant RedisReplicationModel::cell(const RedisReplicationRow& r, int column, int role) const
{
    auto count = [](qint64 v) { return v >= 0 ? QLocale().toString(v) : QString(); };
    if (role == Qt::DisplayRole) {
        switch (column) {
        case NodeColumn:
            return r.node;
        case AddressColumn:
            return r.address;
        case RoleColumn:
            return r.reachable ? roleName(r.role) : tr("down");
        case LinkColumn:
            if (r.role != NodeRole::Replica)
                return {};
            return r.linkState.isEmpty() ? r.linkStatus : tr("%1 (%2)").arg(r.linkStatus, r.linkState);
        case MasterColumn:
            return r.master;
        case OffsetColumn:
            return count(r.offset);
        case LagOffsetColumn:
            return r.lagOffset >= 0 ? tr("%1 B").arg(QLocale().toString(r.lagOffset)) : QString();
        case LastAckColumn:
            return r.lagSec >= 0 ? tr("%1 s").arg(r.lagSec) : QString();
        case ClientsColumn:
            return r.clients >= 0 ? QString::number(r.clients) : QString();
        case MemoryColumn:
            return r.usedMemory >= 0 ? replfmt::bytes(double(r.usedMemory)) : QString();
        case OpsColumn:
            return hasValue(r.opsPerSec) ? QLocale().toString(r.opsPerSec, 'f', 1) : QString();
        default:
            return {};
        }
    }
    if (role == SortRole) {
        switch (column) {
        case OffsetColumn:
            return r.offset;
        case LagOffsetColumn:
            return r.lagOffset;
        case LastAckColumn:
            return r.lagSec;
        case ClientsColumn:
            return r.clients;
        case MemoryColumn:
            return r.usedMemory;
        case OpsColumn:
            return hasValue(r.opsPerSec) ? r.opsPerSec : -1.0;
        default:
            return cell(r, column, Qt::DisplayRole);
        }
    }
    if (role == AttentionRole)
        return attention(r);
    if (role == Qt::ForegroundRole && (column == RoleColumn || column == LinkColumn) && attention(r))
        return statusBrush(StatusLevel::Fail);
    if (role == Qt::TextAlignmentRole && column >= OffsetColumn)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

} // namespace vigil
