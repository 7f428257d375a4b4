#include "loadrunmodel.h"

#include <QLocale>

namespace vigil {

namespace {
#define TR(text) QT_TRANSLATE_NOOP("vigil::LoadRunModel", text)
const FlatTableModel::ColumnText kColumns[] = {
    {TR("Started"), TR("When the run started (local time)")},
    {TR("Scenario"), TR("Scenario preset or saved scenario; empty for explicit users and duration")},
    {TR("Workload"), TR("Built-in workload or script file")},
    {TR("Target"), TR("Where the load went: the primary directly or pgbouncer")},
    {TR("Users"), TR("Most virtual users connected at once")},
    {TR("Requests"), TR("Completed script runs (transactions)")},
    {TR("Success"), TR("Completed runs / (completed + failed)")},
    {TR("Throughput"), TR("Transactions per second over the measured duration")},
    {TR("Average"), TR("Mean transaction latency")},
    {TR("p95"), TR("95th percentile of transaction latency")},
    {TR("p99"), TR("99th percentile of transaction latency")},
};
#undef TR
static_assert(std::size(kColumns) == LoadRunModel::ColumnCount, "one header per column");

QString ms(double v)
{
    return QLocale().toString(v, 'f', 2) + QStringLiteral(" ms");
}
} // namespace

LoadRunModel::LoadRunModel(QObject* parent)
    : KeyedTableModel(kColumns, parent)
{
}

QVariant LoadRunModel::cell(const store::LoadRunRecord& r, int column, int role) const
{
    if (role == IdRole)
        return r.id;
    if (role == Qt::TextAlignmentRole)
        return column >= UsersColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    if (role == Qt::ToolTipRole)
        return tr("Ended by %1; %2 errors over %3 s").arg(r.stopReason).arg(r.errors).arg(r.durationSec, 0, 'f', 1);
    if (role == SortRole) {
        switch (column) {
        case StartedColumn:
            return r.startedAt.toMSecsSinceEpoch();
        case UsersColumn:
            return r.users;
        case RequestsColumn:
            return r.requests;
        case SuccessColumn:
            return r.successPct();
        case TpsColumn:
            return r.tps;
        case AvgColumn:
            return r.avgMs;
        case P95Column:
            return r.p95Ms;
        case P99Column:
            return r.p99Ms;
        default:
            return cell(r, column, Qt::DisplayRole);
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (column) {
    case StartedColumn:
        return QLocale().toString(r.startedAt.toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    case ScenarioColumn:
        return r.scenario;
    case WorkloadColumn:
        return r.workload;
    case TargetColumn:
        return r.target;
    case UsersColumn:
        return r.users;
    case RequestsColumn:
        return QLocale().toString(r.requests);
    case SuccessColumn:
        return QLocale().toString(r.successPct(), 'f', 2) + QStringLiteral(" %");
    case TpsColumn:
        return QLocale().toString(r.tps, 'f', 1) + QStringLiteral("/s");
    case AvgColumn:
        return ms(r.avgMs);
    case P95Column:
        return ms(r.p95Ms);
    case P99Column:
        return ms(r.p99Ms);
    }
    return {};
}

} // namespace vigil
