#pragma once

#include "monitor/nodesnapshot.h"

#include "flattablemodel.h"
#include <QList>

namespace vigil {

// One row per server of the connected profile, keyed by node name. Snapshots update their row in
// place (dataChanged); rows are inserted or removed only when the node list changes, so
// selection and scroll position survive every poll.
class NodeTableModel : public FlatTableModel
{
    Q_OBJECT
public:
    enum Column {
        NodeColumn,
        KindColumn,
        RoleColumn,
        StatusColumn,
        RateColumn,
        ConnectionsColumn,
        CacheHitColumn,
        ReplicationColumn,
        MemoryColumn,
        RttColumn,
        UptimeColumn,
        VersionColumn,
        ColumnCount
    };
    enum Role { SortRole = Qt::UserRole, ReachableRole, NodeNameRole };

    explicit NodeTableModel(QObject* parent = nullptr);

    // Declares the nodes (in display order); rows for unknown nodes appear, others go.
    void setNodes(const QStringList& names, const QList<NodeKind>& kinds);
    void applySnapshot(const NodeSnapshot& snapshot);
    void clear();
    int rowOf(const QString& node) const;
    const NodeSnapshot* snapshotAt(int row) const;

    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

    static QString formatBytes(double bytes);
    static QString formatDuration(qint64 seconds);

private:
    int rows() const override { return int(m_rows.size()); }
    struct Row
    {
        NodeSnapshot snap;
        bool seen = false; // no snapshot yet: "connecting"
    };
    QVariant display(const Row& row, int column) const;
    QVariant sortValue(const Row& row, int column) const;
    QList<Row> m_rows;
};

} // namespace vigil
