#pragma once

#include "keyedtablemodel.h"
#include "monitor/replicationview.h"

#include <QDateTime>
#include <QHash>

namespace vigil {

// PostgreSQL standbys, one row per replica name: the primary's pg_stat_replication row joined
// with the standby's own receive / replay positions. A standby that stopped keeps its row and
// says why it has no WAL sender.
class PgReplicaModel : public KeyedTableModel<PgReplicaRow>
{
    Q_OBJECT
public:
    enum Column {
        ReplicaColumn,
        StateColumn,
        SyncColumn,
        ClientColumn,
        WriteLagColumn,
        FlushLagColumn,
        ReplayLagColumn,
        WriteBytesColumn,
        FlushBytesColumn,
        ReplayBytesColumn,
        SlotColumn,
        ReceiveLsnColumn,
        ReplayLsnColumn,
        ReplayDelayColumn,
        ColumnCount
    };
    enum Role { SortRole = Qt::UserRole, AttentionRole };

    explicit PgReplicaModel(QObject* parent = nullptr);

    // Merges the rows and notes since when each standby has been in "startup".
    void update(const QList<PgReplicaRow>& rows, const QDateTime& now = QDateTime::currentDateTimeUtc());
    // A WAL sender still in "startup" after this long is stuck (a standby that cannot find the
    // WAL it asks for, or a blocked base backup), not starting.
    void setStuckAfterSec(int sec) { m_stuckAfterSec = sec; }
    // Replicas stuck in startup, with how long ("pg2 (42 s)").
    QStringList stuckInStartup(const QDateTime& now = QDateTime::currentDateTimeUtc()) const;

protected:
    QString keyOf(const PgReplicaRow& row) const override { return row.name; }
    QVariant cell(const PgReplicaRow& row, int column, int role) const override;

private:
    QVariant display(const PgReplicaRow& row, int column) const;
    QVariant sortValue(const PgReplicaRow& row, int column) const;
    bool attention(const PgReplicaRow& row) const;

    QHash<QString, QDateTime> m_startupSince;
    int m_stuckAfterSec = 10;
    QDateTime m_now;
};

} // namespace vigil
