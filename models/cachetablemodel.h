#pragma once

#include "monitor/cachestats.h"

#include <QAbstractTableModel>

namespace vigil {

// Buffer-cache figures of databases, tables or indexes, keyed by (table, name).
class CacheTableModel : public QAbstractTableModel
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

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QString m_nameHeader;
    QList<CacheRow> m_rows;
};

} // namespace vigil
