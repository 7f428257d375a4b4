#include "pgreplicamodel.h"
#include "statuscolors.h"

#include <QBrush>

namespace vigil {

namespace {
#define C "vigil::PgReplicaModel"
const FlatTableModel::ColumnText kColumns[] = {
    {QT_TRANSLATE_NOOP(C, "Replica"),
     QT_TRANSLATE_NOOP(C,
                       "Standby name: application_name in the primary's pg_stat_replication, matched to the "
                       "profile's node of that name")},
    {QT_TRANSLATE_NOOP(C, "State"),
     QT_TRANSLATE_NOOP(C,
                       "pg_stat_replication.state (startup, catchup, streaming, backup, stopping); without a WAL "
                       "sender, why: the standby is down or not connected")},
    {QT_TRANSLATE_NOOP(C, "Sync"),
     QT_TRANSLATE_NOOP(C, "pg_stat_replication.sync_state: async, potential, sync, quorum")},
    {QT_TRANSLATE_NOOP(C, "Client"), QT_TRANSLATE_NOOP(C, "Address the standby connects from (client_addr)")},
    {QT_TRANSLATE_NOOP(C, "Write lag"),
     QT_TRANSLATE_NOOP(C,
                       "pg_stat_replication.write_lag: time until recent WAL was written on the standby; \"idle\" "
                       "when PostgreSQL reports NULL (caught up, no new WAL)")},
    {QT_TRANSLATE_NOOP(C, "Flush lag"),
     QT_TRANSLATE_NOOP(C,
                       "pg_stat_replication.flush_lag: time until recent WAL was flushed on the standby; \"idle\" "
                       "when NULL")},
    {QT_TRANSLATE_NOOP(C, "Replay lag"),
     QT_TRANSLATE_NOOP(C,
                       "pg_stat_replication.replay_lag: time until recent WAL was replayed and visible to "
                       "queries on the standby; \"idle\" when NULL")},
    {QT_TRANSLATE_NOOP(C, "Write behind"),
     QT_TRANSLATE_NOOP(C, "pg_wal_lsn_diff(pg_current_wal_lsn(), write_lsn) on the primary")},
    {QT_TRANSLATE_NOOP(C, "Flush behind"),
     QT_TRANSLATE_NOOP(C, "pg_wal_lsn_diff(pg_current_wal_lsn(), flush_lsn) on the primary")},
    {QT_TRANSLATE_NOOP(C, "Replay behind"),
     QT_TRANSLATE_NOOP(C, "pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) on the primary")},
    {QT_TRANSLATE_NOOP(C, "Slot"), QT_TRANSLATE_NOOP(C, "Replication slot the standby streams through (active_pid)")},
    {QT_TRANSLATE_NOOP(C, "Received (standby)"),
     QT_TRANSLATE_NOOP(C, "pg_last_wal_receive_lsn() asked on the standby itself")},
    {QT_TRANSLATE_NOOP(C, "Replayed (standby)"),
     QT_TRANSLATE_NOOP(C, "pg_last_wal_replay_lsn() asked on the standby itself")},
    {QT_TRANSLATE_NOOP(C, "Replay delay"),
     QT_TRANSLATE_NOOP(C,
                       "On the standby: now() - pg_last_xact_replay_timestamp(), the age of the last replayed "
                       "commit (grows while the primary is idle), and received-but-not-replayed bytes")},
};
#undef C
static_assert(std::size(kColumns) == PgReplicaModel::ColumnCount, "one header per column");

double orMinus(double v)
{
    return hasValue(v) ? v : -1.0;
}
} // namespace

PgReplicaModel::PgReplicaModel(QObject* parent)
    : KeyedTableModel(kColumns, parent)
{
}

void PgReplicaModel::update(const QList<PgReplicaRow>& rows, const QDateTime& now)
{
    m_now = now;
    QHash<QString, QDateTime> since;
    for (const PgReplicaRow& r : rows)
        if (r.hasSender && r.sender.state == QLatin1String("startup"))
            since.insert(r.name, m_startupSince.value(r.name, now));
    m_startupSince = since;
    merge(rows);
}

QStringList PgReplicaModel::stuckInStartup(const QDateTime& now) const
{
    QStringList out;
    for (auto it = m_startupSince.cbegin(); it != m_startupSince.cend(); ++it) {
        const qint64 sec = it.value().secsTo(now);
        if (sec >= m_stuckAfterSec)
            out << tr("%1 (%2 s)").arg(it.key()).arg(sec);
    }
    out.sort();
    return out;
}

bool PgReplicaModel::attention(const PgReplicaRow& row) const
{
    return !row.hasSender || row.sender.state != QLatin1String("streaming");
}

QVariant PgReplicaModel::display(const PgReplicaRow& r, int column) const
{
    const PgWalSender& w = r.sender;
    switch (column) {
    case ReplicaColumn:
        return r.name;
    case StateColumn: {
        QString s = r.stateText();
        if (m_startupSince.contains(r.name) && m_now.isValid())
            s += tr(" for %1 s").arg(m_startupSince.value(r.name).secsTo(m_now));
        return s;
    }
    case SyncColumn:
        return w.syncState;
    case ClientColumn:
        return w.clientAddress;
    case WriteLagColumn:
        return r.hasSender ? replfmt::lagTime(w.writeLagSec) : QString();
    case FlushLagColumn:
        return r.hasSender ? replfmt::lagTime(w.flushLagSec) : QString();
    case ReplayLagColumn:
        return r.hasSender ? replfmt::lagTime(w.replayLagSec) : QString();
    case WriteBytesColumn:
        return replfmt::bytes(w.writeLagBytes);
    case FlushBytesColumn:
        return replfmt::bytes(w.flushLagBytes);
    case ReplayBytesColumn:
        return replfmt::bytes(w.replayLagBytes);
    case SlotColumn:
        return w.slotName;
    case ReceiveLsnColumn:
        return r.receiveLsn;
    case ReplayLsnColumn:
        return r.replayLsn;
    case ReplayDelayColumn:
        if (!r.nodeReachable)
            return {};
        return tr("%1, %2 not replayed")
            .arg(hasValue(r.replayDelaySec) ? replfmt::lagTime(r.replayDelaySec) : tr("nothing replayed yet"),
                 hasValue(r.receivedNotReplayedBytes) ? replfmt::bytes(r.receivedNotReplayedBytes) : tr("–"));
    default:
        return {};
    }
}

QVariant PgReplicaModel::sortValue(const PgReplicaRow& r, int column) const
{
    const PgWalSender& w = r.sender;
    switch (column) {
    case WriteLagColumn:
        return orMinus(w.writeLagSec);
    case FlushLagColumn:
        return orMinus(w.flushLagSec);
    case ReplayLagColumn:
        return orMinus(w.replayLagSec);
    case WriteBytesColumn:
        return orMinus(w.writeLagBytes);
    case FlushBytesColumn:
        return orMinus(w.flushLagBytes);
    case ReplayBytesColumn:
        return orMinus(w.replayLagBytes);
    case ReplayDelayColumn:
        return orMinus(r.replayDelaySec);
    default:
        return display(r, column);
    }
}

QVariant PgReplicaModel::cell(const PgReplicaRow& r, int column, int role) const
{
    switch (role) {
    case Qt::DisplayRole:
        return display(r, column);
    case SortRole:
        return sortValue(r, column);
    case AttentionRole:
        return attention(r);
    case Qt::ForegroundRole:
        if (column == StateColumn)
            return statusBrush(attention(r) ? StatusLevel::Fail : StatusLevel::Ok);
        return {};
    case Qt::ToolTipRole:
        if (column == ReplicaColumn && r.hasSender)
            return tr("sent %1, written %2, flushed %3, replayed %4 (primary's view); connected since %5")
                .arg(r.sender.sentLsn, r.sender.writeLsn, r.sender.flushLsn, r.sender.replayLsn,
                     r.sender.backendStart.toLocalTime().toString(Qt::ISODate));
        if (column == ReceiveLsnColumn && !r.senderAddress.isEmpty())
            return tr("WAL receiver %1 from %2").arg(r.receiverStatus, r.senderAddress);
        return {};
    case Qt::TextAlignmentRole:
        if (column >= WriteLagColumn && column <= ReplayBytesColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    default:
        return {};
    }
}

} // namespace vigil
