#include "nodetablemodel.h"
#include "statuscolors.h"

#include <QBrush>
#include <QLocale>

namespace vigil {

namespace {
const FlatTableModel::ColumnText kColumns[] = {
    {QT_TRANSLATE_NOOP("vigil::NodeTableModel", "Node"),
     QT_TRANSLATE_NOOP("vigil::NodeTableModel", "Node name from the profile; hover a row for its address")},
    {QT_TRANSLATE_NOOP("vigil::NodeTableModel", "Kind"), QT_TRANSLATE_NOOP("vigil::NodeTableModel", "Server type")},
    {QT_TRANSLATE_NOOP("vigil::NodeTableModel", "Role"),
     QT_TRANSLATE_NOOP("vigil::NodeTableModel",
                       "Role discovered by polling (pg_is_in_recovery, INFO replication); follows failovers")},
    {QT_TRANSLATE_NOOP("vigil::NodeTableModel", "Status"),
     QT_TRANSLATE_NOOP("vigil::NodeTableModel", "Reachability; a down node shows since when and why")},
    {QT_TRANSLATE_NOOP("vigil::NodeTableModel", "Rate"),
     QT_TRANSLATE_NOOP("vigil::NodeTableModel",
                       "PostgreSQL/pgbouncer: transactions per second; Redis/Sentinel: commands per second. Counter "
                       "deltas divided by the measured time between two polls (includes Vigil's own poll)")},
    {QT_TRANSLATE_NOOP("vigil::NodeTableModel", "Connections"),
     QT_TRANSLATE_NOOP("vigil::NodeTableModel",
                       "PostgreSQL: client backends / max_connections; pgbouncer: clients and clients waiting; Redis: "
                       "connected clients")},
    {QT_TRANSLATE_NOOP("vigil::NodeTableModel", "Cache hit"),
     QT_TRANSLATE_NOOP("vigil::NodeTableModel",
                       "Shared-buffer hit ratio over the last poll interval, all databases (blks_hit / (blks_hit + "
                       "blks_read))")},
    {QT_TRANSLATE_NOOP("vigil::NodeTableModel", "Replication"),
     QT_TRANSLATE_NOOP(
         "vigil::NodeTableModel",
         "Primary: streaming replicas; replica: WAL receiver, bytes received but not replayed, time since "
         "the last replayed commit; Redis: link to master; Sentinel: master and quorum")},
    {QT_TRANSLATE_NOOP("vigil::NodeTableModel", "Memory"),
     QT_TRANSLATE_NOOP("vigil::NodeTableModel", "Redis used_memory (of maxmemory when set)")},
    {QT_TRANSLATE_NOOP("vigil::NodeTableModel", "Round trip"),
     QT_TRANSLATE_NOOP("vigil::NodeTableModel", "Time the last poll took on the wire and in the server")},
    {QT_TRANSLATE_NOOP("vigil::NodeTableModel", "Uptime"),
     QT_TRANSLATE_NOOP("vigil::NodeTableModel", "Time since the server started")},
    {QT_TRANSLATE_NOOP("vigil::NodeTableModel", "Version"),
     QT_TRANSLATE_NOOP("vigil::NodeTableModel", "Server version")},
};
static_assert(std::size(kColumns) == NodeTableModel::ColumnCount, "one header per column");
} // namespace

NodeTableModel::NodeTableModel(QObject* parent)
    : FlatTableModel(kColumns, parent)
{
}

int NodeTableModel::rowOf(const QString& node) const
{
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].snap.node == node)
            return i;
    return -1;
}

const NodeSnapshot* NodeTableModel::snapshotAt(int row) const
{
    return row >= 0 && row < m_rows.size() && m_rows[row].seen ? &m_rows[row].snap : nullptr;
}

void NodeTableModel::clear()
{
    if (m_rows.isEmpty())
        return;
    beginRemoveRows({}, 0, int(m_rows.size()) - 1);
    m_rows.clear();
    endRemoveRows();
}

void NodeTableModel::setNodes(const QStringList& names, const QList<NodeKind>& kinds)
{
    // Remove rows whose node is gone (back to front so indexes stay valid).
    for (int i = int(m_rows.size()) - 1; i >= 0; --i) {
        if (!names.contains(m_rows[i].snap.node)) {
            beginRemoveRows({}, i, i);
            m_rows.removeAt(i);
            endRemoveRows();
        }
    }
    for (int i = 0; i < names.size(); ++i) {
        if (rowOf(names[i]) >= 0)
            continue;
        Row r;
        r.snap.node = names[i];
        r.snap.kind = kinds.value(i, NodeKind::Postgres);
        const int at = int(m_rows.size());
        beginInsertRows({}, at, at);
        m_rows.append(r);
        endInsertRows();
    }
}

void NodeTableModel::applySnapshot(const NodeSnapshot& snapshot)
{
    int row = rowOf(snapshot.node);
    if (row < 0) {
        row = int(m_rows.size());
        beginInsertRows({}, row, row);
        m_rows.append({snapshot, true});
        endInsertRows();
        return;
    }
    m_rows[row] = {snapshot, true};
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

QString NodeTableModel::formatBytes(double bytes)
{
    return QLocale().formattedDataSize(qint64(bytes), 1, QLocale::DataSizeTraditionalFormat);
}

QString NodeTableModel::formatDuration(qint64 s)
{
    if (s < 0)
        return {};
    if (s < 60)
        return QStringLiteral("%1 s").arg(s);
    if (s < 3600)
        return QStringLiteral("%1 min").arg(s / 60);
    if (s < 86400)
        return QStringLiteral("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
    return QStringLiteral("%1 d %2 h").arg(s / 86400).arg((s % 86400) / 3600);
}

QVariant NodeTableModel::display(const Row& row, int column) const
{
    const NodeSnapshot& s = row.snap;
    auto num = [](double v, int decimals) { return hasValue(v) ? QLocale().toString(v, 'f', decimals) : QString(); };
    switch (column) {
    case NodeColumn:
        return s.node;
    case KindColumn:
        return kindName(s.kind);
    case RoleColumn:
        return row.seen && s.reachable ? roleName(s.role) : QString();
    case StatusColumn:
        if (!row.seen)
            return tr("connecting…");
        if (s.reachable)
            return s.diagnosis.what.isEmpty() ? tr("up") : tr("up, %1").arg(s.diagnosis.what);
        return tr("down since %1 — %2")
            .arg(QLocale().toString(s.downSince.toLocalTime().time(), QLocale::ShortFormat),
                 s.diagnosis.what.isEmpty() ? s.lastError : s.diagnosis.what);
    case RateColumn:
        if (s.kind == NodeKind::Postgres || s.kind == NodeKind::PgBouncer)
            return hasValue(s.tps) ? tr("%1 tps").arg(num(s.tps, 1)) : QString();
        return hasValue(s.opsPerSec) ? tr("%1 ops/s").arg(num(s.opsPerSec, 1)) : QString();
    case ConnectionsColumn:
        if (s.kind == NodeKind::Postgres && s.connections >= 0)
            return QStringLiteral("%1 / %2").arg(s.connections).arg(s.maxConnections);
        if (s.kind == NodeKind::PgBouncer && s.clients >= 0)
            return tr("%1 clients, %2 waiting").arg(s.clients).arg(s.clientsWaiting);
        return s.clients >= 0 ? QString::number(s.clients) : QString();
    case CacheHitColumn:
        return hasValue(s.cacheHitPct) ? num(s.cacheHitPct, 2) + QStringLiteral(" %") : QString();
    case ReplicationColumn:
        return s.replicationText();
    case MemoryColumn:
        if (s.usedMemory < 0)
            return {};
        return s.maxMemory > 0 ? tr("%1 of %2").arg(formatBytes(double(s.usedMemory)), formatBytes(double(s.maxMemory)))
                               : formatBytes(double(s.usedMemory));
    case RttColumn:
        return s.reachable && hasValue(s.rttMs) ? num(s.rttMs, 1) + QStringLiteral(" ms") : QString();
    case UptimeColumn:
        return s.reachable ? formatDuration(s.uptimeSec) : QString();
    case VersionColumn:
        return s.version;
    default:
        return {};
    }
}

QVariant NodeTableModel::sortValue(const Row& row, int column) const
{
    const NodeSnapshot& s = row.snap;
    auto val = [](double v) { return hasValue(v) ? v : -1.0; };
    switch (column) {
    case StatusColumn:
        return row.seen ? (s.reachable ? 1 : 0) : -1;
    case RateColumn:
        return val(s.kind == NodeKind::Postgres || s.kind == NodeKind::PgBouncer ? s.tps : s.opsPerSec);
    case ConnectionsColumn:
        return s.kind == NodeKind::Postgres ? s.connections : s.clients;
    case CacheHitColumn:
        return val(s.cacheHitPct);
    case MemoryColumn:
        return double(s.usedMemory);
    case RttColumn:
        return val(s.rttMs);
    case UptimeColumn:
        return double(s.uptimeSec);
    default:
        return display(row, column);
    }
}

QVariant NodeTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        return display(row, index.column());
    case SortRole:
        return sortValue(row, index.column());
    case ReachableRole:
        return row.seen && row.snap.reachable;
    case NodeNameRole:
        return row.snap.node;
    case Qt::ToolTipRole:
        if (index.column() == StatusColumn && row.seen && !row.snap.diagnosis.what.isEmpty())
            return row.snap.diagnosis.toText();
        if (index.column() == NodeColumn)
            return row.snap.address;
        return {};
    case Qt::ForegroundRole:
        if (index.column() == StatusColumn && row.seen)
            return statusBrush(row.snap.reachable ? StatusLevel::Ok : StatusLevel::Fail);
        return {};
    case Qt::TextAlignmentRole:
        switch (index.column()) {
        case RateColumn:
        case CacheHitColumn:
        case RttColumn:
        case MemoryColumn:
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        default:
            return {};
        }
    default:
        return {};
    }
}

} // namespace vigil
