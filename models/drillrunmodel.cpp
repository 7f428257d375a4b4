#include "drillrunmodel.h"

#include "statuscolors.h"

#include <QBrush>
#include <QColor>
#include <QLocale>

namespace vigil {

namespace {
#define TR(text) QT_TRANSLATE_NOOP("vigil::DrillRunModel", text)
const FlatTableModel::ColumnText kColumns[] = {
    {TR("Started"), TR("When the drill started (local time)")},
    {TR("Drill"), TR("Which drill: pg (primary crashes), pg-switchover, redis (master paused), redis-manual")},
    {TR("Outcome"), TR("PASS or FAIL against the RTO and RPO targets set for that drill; aborted when a step failed")},
    {TR("Move"), TR("Old primary → new primary")},
    {TR("RTO"), TR("Fault to the first write acknowledged by the new primary")},
    {TR("RPO"), TR("Acknowledged probe writes missing afterwards")},
    {TR("Acknowledged"), TR("Probe writes acknowledged during the drill")},
    {TR("Repaired"), TR("Whether the old primary came back as a replica")},
};
#undef TR
static_assert(std::size(kColumns) == DrillRunModel::ColumnCount, "one header per column");
} // namespace

DrillRunModel::DrillRunModel(QObject* parent)
    : KeyedTableModel(kColumns, parent)
{
}

QString DrillRunModel::outcome(const store::DrillRecord& r)
{
    if (!r.ok)
        return QStringLiteral("aborted");
    const bool rto = r.rtoTargetMs < 0 || (r.rtoMs >= 0 && r.rtoMs <= r.rtoTargetMs);
    const bool rpo = r.rpoTargetWrites < 0 || (r.rpoLostWrites >= 0 && r.rpoLostWrites <= r.rpoTargetWrites);
    return rto && rpo ? QStringLiteral("PASS") : QStringLiteral("FAIL");
}

QVariant DrillRunModel::cell(const store::DrillRecord& r, int column, int role) const
{
    if (role == IdRole)
        return r.id;
    if (role == Qt::TextAlignmentRole)
        return column >= RtoColumn && column <= AcknowledgedColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                                                   : QVariant();
    if (role == Qt::ToolTipRole) {
        if (!r.ok)
            return r.abortReason;
        return tr("Targets: RTO ≤ %1 ms, RPO ≤ %2 writes").arg(r.rtoTargetMs).arg(r.rpoTargetWrites);
    }
    if (role == Qt::ForegroundRole && column == OutcomeColumn) {
        const QString o = outcome(r);
        return QBrush(statusColor(o == QLatin1String("PASS") ? StatusLevel::Ok : StatusLevel::Fail));
    }
    if (role == SortRole) {
        switch (column) {
        case StartedColumn:
            return r.startedAt.toMSecsSinceEpoch();
        case RtoColumn:
            return r.rtoMs;
        case RpoColumn:
            return r.rpoLostWrites;
        case AcknowledgedColumn:
            return r.probeAcknowledged;
        default:
            return cell(r, column, Qt::DisplayRole);
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    const auto num = [](qint64 v) { return v < 0 ? QStringLiteral("–") : QLocale().toString(v); };
    switch (column) {
    case StartedColumn:
        return QLocale().toString(r.startedAt.toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    case KindColumn:
        return r.kind;
    case OutcomeColumn:
        return outcome(r) == QLatin1String("aborted") ? tr("aborted") : outcome(r);
    case MoveColumn:
        return r.newPrimary.isEmpty() ? r.oldPrimary : tr("%1 → %2").arg(r.oldPrimary, r.newPrimary);
    case RtoColumn:
        return r.rtoMs < 0 ? num(-1) : tr("%1 ms").arg(num(r.rtoMs));
    case RpoColumn:
        return num(r.rpoLostWrites);
    case AcknowledgedColumn:
        return num(r.probeAcknowledged);
    case RepairedColumn:
        return r.repaired ? tr("yes") : tr("no");
    default:
        return {};
    }
}

} // namespace vigil
