#pragma once

#include "store/drillstore.h"

#include "keyedtablemodel.h"

namespace vigil {

// Past drills of the connected profile, newest first, keyed by the store's id so a reload after a
// new drill inserts one row and keeps the selection.
class DrillRunModel : public KeyedTableModel<store::DrillRecord, qint64>
{
    Q_OBJECT
public:
    enum Column {
        StartedColumn,
        KindColumn,
        OutcomeColumn,
        MoveColumn,
        RtoColumn,
        RpoColumn,
        AcknowledgedColumn,
        RepairedColumn,
        ColumnCount
    };
    enum Role { SortRole = Qt::UserRole, IdRole = Qt::UserRole + 1 };

    explicit DrillRunModel(QObject* parent = nullptr);

    // "PASS", "FAIL" (measured against the targets set for that drill) or "aborted".
    static QString outcome(const store::DrillRecord& r);

protected:
    qint64 keyOf(const store::DrillRecord& row) const override { return row.id; }
    QVariant cell(const store::DrillRecord& row, int column, int role) const override;
};

} // namespace vigil
