#pragma once

#include "drills/drillresult.h"

#include "keyedtablemodel.h"

namespace vigil {

// A drill's timeline: one row per step, in the order they ran, updated as each starts and ends.
class DrillStepModel : public KeyedTableModel<drills::DrillStep>
{
    Q_OBJECT
public:
    enum Column { StepColumn, StateColumn, StartColumn, DurationColumn, DetailColumn, ColumnCount };

    explicit DrillStepModel(QObject* parent = nullptr);
    // A step started or ended: its row is added or updated in place.
    void apply(const drills::DrillStep& step);
    void reset() { clear(); }

protected:
    QString keyOf(const drills::DrillStep& s) const override { return s.name; }
    QVariant cell(const drills::DrillStep& s, int column, int role) const override;
};

} // namespace vigil
