#pragma once

#include "keyedtablemodel.h"
#include "monitor/replicationview.h"

namespace vigil {

// Each Sentinel's view of the profile's master name: current master, its flags, CKQUORUM, the
// replicas and other Sentinels it knows. Disagreement between rows is itself a finding.
class SentinelModel : public KeyedTableModel<SentinelRow>
{
    Q_OBJECT
public:
    enum Column {
        SentinelColumn,
        AddressColumn,
        KnownMastersColumn,
        MasterColumn,
        FlagsColumn,
        QuorumColumn,
        ReplicasColumn,
        SentinelsColumn,
        ColumnCount
    };
    enum Role { SortRole = Qt::UserRole, AttentionRole };

    explicit SentinelModel(QObject* parent = nullptr);

protected:
    QString keyOf(const SentinelRow& row) const override { return row.node; }
    QVariant cell(const SentinelRow& row, int column, int role) const override;
};

} // namespace vigil
