#pragma once

#include "store/slowhistory.h"

#include "flattablemodel.h"

namespace vigil {

// The persisted slow-statement history (newest first) or its per-pattern frequency, read from
// the local store. Small (the store keeps the last N rows), so a reload replaces it whole.
class SlowHistoryModel : public FlatTableModel
{
    Q_OBJECT
public:
    enum Column {
        LastSeenColumn,
        DurationColumn,
        PidColumn,
        DatabaseColumn,
        UserColumn,
        ApplicationColumn,
        WaitColumn,
        QueryColumn,
        ColumnCount
    };
    enum Role { SortRole = Qt::UserRole };

    explicit SlowHistoryModel(QObject* parent = nullptr);
    void setRows(const QList<store::SlowSighting>& rows);
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

private:
    int rows() const override { return int(m_rows.size()); }
    QList<store::SlowSighting> m_rows;
};

class SlowFrequencyModel : public FlatTableModel
{
    Q_OBJECT
public:
    enum Column { CountColumn, MaxColumn, MeanColumn, LastSeenColumn, QueryColumn, ColumnCount };
    enum Role { SortRole = Qt::UserRole };

    explicit SlowFrequencyModel(QObject* parent = nullptr);
    void setRows(const QList<store::SlowPattern>& rows);
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

private:
    int rows() const override { return int(m_rows.size()); }
    QList<store::SlowPattern> m_rows;
};

} // namespace vigil
