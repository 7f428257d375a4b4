#pragma once

#include "monitor/cachestats.h"

#include "flattablemodel.h"

namespace vigil {

// Buffer-cache figures of databases, tables or indexes, keyed by (table, name).
class CacheTableModel : public FlatTableModel
{
    Q_OBJECT
public:
    enum Column {
        NameColumn,
        TableColumn,
        IntervalHitColumn,
        HitColumn,
        ReadsPerSecColumn,
        HitsColumn,
        ReadsColumn,
        ColumnCount
    };
    enum Role { SortRole = Qt::UserRole };

    explicit CacheTableModel(const QString& nameHeader, QObject* parent = nullptr);
    void merge(const QList<CacheRow>& rows);
    const CacheRow* rowAt(int row) const;

    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    int rows() const override { return int(m_rows.size()); }
    QString m_nameHeader;
    QList<CacheRow> m_rows;
};

} // namespace vigil
