#pragma once

#include "store/loadrunstore.h"

#include "keyedtablemodel.h"

namespace vigil {

// Past load runs of the connected profile, newest first, keyed by the store's id so a reload
// after a new run inserts one row and keeps the selection (the chosen baseline) in place.
class LoadRunModel : public KeyedTableModel<store::LoadRunRecord, qint64>
{
    Q_OBJECT
public:
    enum Column {
        StartedColumn,
        ScenarioColumn,
        WorkloadColumn,
        TargetColumn,
        UsersColumn,
        RequestsColumn,
        SuccessColumn,
        TpsColumn,
        AvgColumn,
        P95Column,
        P99Column,
        ColumnCount
    };
    enum Role { SortRole = Qt::UserRole, IdRole = Qt::UserRole + 1 };

    explicit LoadRunModel(QObject* parent = nullptr);

protected:
    qint64 keyOf(const store::LoadRunRecord& row) const override { return row.id; }
    QVariant cell(const store::LoadRunRecord& row, int column, int role) const override;
};

} // namespace vigil
