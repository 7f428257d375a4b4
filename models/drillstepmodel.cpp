#include "drillstepmodel.h"
#include "statuscolors.h"

#include <QBrush>
#include <QLocale>

namespace vigil {

namespace {
const FlatTableModel::ColumnText kColumns[] = {
    {QT_TRANSLATE_NOOP("vigil::DrillStepModel", "Step"),
     QT_TRANSLATE_NOOP("vigil::DrillStepModel", "The drill's steps in the order they run")},
    {QT_TRANSLATE_NOOP("vigil::DrillStepModel", "State"),
     QT_TRANSLATE_NOOP("vigil::DrillStepModel", "running, ok or failed (the first failure ends the drill)")},
    {QT_TRANSLATE_NOOP("vigil::DrillStepModel", "Start"),
     QT_TRANSLATE_NOOP("vigil::DrillStepModel", "When the step started, in ms since the drill started")},
    {QT_TRANSLATE_NOOP("vigil::DrillStepModel", "Duration"),
     QT_TRANSLATE_NOOP("vigil::DrillStepModel", "How long the step took, ms")},
    {QT_TRANSLATE_NOOP("vigil::DrillStepModel", "What it saw"),
     QT_TRANSLATE_NOOP("vigil::DrillStepModel", "The step's measurements, or why it failed")},
};
static_assert(std::size(kColumns) == DrillStepModel::ColumnCount, "one header per column");

QString stateText(drills::DrillStep::State s)
{
    switch (s) {
    case drills::DrillStep::State::Pending:
        return DrillStepModel::tr("pending");
    case drills::DrillStep::State::Running:
        return DrillStepModel::tr("running…");
    case drills::DrillStep::State::Ok:
        return DrillStepModel::tr("ok");
    case drills::DrillStep::State::Failed:
        return DrillStepModel::tr("FAILED");
    case drills::DrillStep::State::Skipped:
        return DrillStepModel::tr("skipped");
    }
    return {};
}
} // namespace

DrillStepModel::DrillStepModel(QObject* parent)
    : KeyedTableModel(kColumns, parent)
{
}

void DrillStepModel::apply(const drills::DrillStep& step)
{
    const int row = rowOf(step.name);
    if (row >= 0)
        replaceRow(row, step);
    else
        appendRow(step);
}

QVariant DrillStepModel::cell(const drills::DrillStep& s, int column, int role) const
{
    const QLocale loc;
    const bool running = s.state == drills::DrillStep::State::Running;
    if (role == Qt::DisplayRole) {
        switch (column) {
        case StepColumn:
            return s.name;
        case StateColumn:
            return stateText(s.state);
        case StartColumn:
            return s.startMs >= 0 ? loc.toString(s.startMs) + QStringLiteral(" ms") : QString();
        case DurationColumn:
            return running ? QString() : loc.toString(s.ms) + QStringLiteral(" ms");
        case DetailColumn:
            return s.detail;
        }
    }
    if (role == Qt::UserRole) {
        switch (column) {
        case StartColumn:
            return s.startMs;
        case DurationColumn:
            return s.ms;
        case StateColumn:
            return int(s.state);
        default:
            return cell(s, column, Qt::DisplayRole);
        }
    }
    if (role == Qt::ToolTipRole && column == DetailColumn)
        return s.detail;
    if (role == Qt::ForegroundRole && column == StateColumn) {
        if (s.state == drills::DrillStep::State::Failed)
            return statusBrush(StatusLevel::Fail);
        if (s.state == drills::DrillStep::State::Ok)
            return statusBrush(StatusLevel::Ok);
    }
    if (role == Qt::TextAlignmentRole && (column == StartColumn || column == DurationColumn))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

} // namespace vigil
