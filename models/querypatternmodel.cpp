#include "querypatternmodel.h"
#include "statuscolors.h"

#include "analysis/cachecandidate.h"

#include <QBrush>
#include <QFont>
#include <QLocale>
#include <QSet>

namespace vigil {

namespace {
const FlatTableModel::ColumnText kColumns[] = {
    {QT_TRANSLATE_NOOP("vigil::QueryPatternModel", "Type"),
     QT_TRANSLATE_NOOP("vigil::QueryPatternModel",
                       "Statement type from the PostgreSQL parser (a leading comment or a CTE does not fool it)")},
    {QT_TRANSLATE_NOOP("vigil::QueryPatternModel", "Query"),
     QT_TRANSLATE_NOOP("vigil::QueryPatternModel",
                       "Normalized statement text ($1, $2 for constants), as pg_stat_statements keeps it")},
    {QT_TRANSLATE_NOOP("vigil::QueryPatternModel", "Calls"),
     QT_TRANSLATE_NOOP("vigil::QueryPatternModel",
                       "Executions since pg_stat_statements last saw this pattern reset (Vigil never resets it)")},
    {QT_TRANSLATE_NOOP("vigil::QueryPatternModel", "Calls/s"),
     QT_TRANSLATE_NOOP("vigil::QueryPatternModel",
                       "Executions per second between the last two polls, over the measured elapsed time")},
    {QT_TRANSLATE_NOOP("vigil::QueryPatternModel", "Total ms"),
     QT_TRANSLATE_NOOP("vigil::QueryPatternModel", "Total execution time, milliseconds")},
    {QT_TRANSLATE_NOOP("vigil::QueryPatternModel", "Mean ms"),
     QT_TRANSLATE_NOOP("vigil::QueryPatternModel", "Mean execution time per call; red when over the slow threshold")},
    {QT_TRANSLATE_NOOP("vigil::QueryPatternModel", "Min ms"),
     QT_TRANSLATE_NOOP("vigil::QueryPatternModel", "Fastest execution")},
    {QT_TRANSLATE_NOOP("vigil::QueryPatternModel", "Max ms"),
     QT_TRANSLATE_NOOP("vigil::QueryPatternModel", "Slowest execution")},
    {QT_TRANSLATE_NOOP("vigil::QueryPatternModel", "Stddev ms"),
     QT_TRANSLATE_NOOP("vigil::QueryPatternModel", "Standard deviation of the execution time")},
    {QT_TRANSLATE_NOOP("vigil::QueryPatternModel", "ms/s"),
     QT_TRANSLATE_NOOP("vigil::QueryPatternModel",
                       "Execution milliseconds spent per second of wall time between the last two polls: the share of "
                       "the server this pattern takes now")},
    {QT_TRANSLATE_NOOP("vigil::QueryPatternModel", "Rows"),
     QT_TRANSLATE_NOOP("vigil::QueryPatternModel", "Rows returned or affected, total")},
    {QT_TRANSLATE_NOOP("vigil::QueryPatternModel", "Rows/call"),
     QT_TRANSLATE_NOOP("vigil::QueryPatternModel", "Rows per call")},
    {QT_TRANSLATE_NOOP("vigil::QueryPatternModel", "Hit %"),
     QT_TRANSLATE_NOOP("vigil::QueryPatternModel",
                       "Shared-buffer hit ratio of this pattern: shared_blks_hit / (hit + read)")},
    {QT_TRANSLATE_NOOP("vigil::QueryPatternModel", "Database"),
     QT_TRANSLATE_NOOP("vigil::QueryPatternModel", "Database")},
    {QT_TRANSLATE_NOOP("vigil::QueryPatternModel", "User"),
     QT_TRANSLATE_NOOP("vigil::QueryPatternModel", "Role that ran it")},
    {QT_TRANSLATE_NOOP("vigil::QueryPatternModel", "Cache"),
     QT_TRANSLATE_NOOP("vigil::QueryPatternModel",
                       "Marked when the pattern is frequent, cheap and returns few rows, so a Redis cache would remove "
                       "load; the tooltip says why")},
};
static_assert(std::size(kColumns) == QueryPatternModel::ColumnCount, "one header per column");
} // namespace

QueryPatternModel::QueryPatternModel(QObject* parent)
    : FlatTableModel(kColumns, parent)
{
}

const StatementEntry* QueryPatternModel::entryAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows[row].entry : nullptr;
}

int QueryPatternModel::rowOf(const StatementKey& key) const
{
    return m_index.value(key, -1);
}

void QueryPatternModel::clear()
{
    if (m_rows.isEmpty())
        return;
    beginResetModel();
    m_rows.clear();
    m_index.clear();
    endResetModel();
}

void QueryPatternModel::setSlowThresholdMs(int ms)
{
    m_thresholdMs = ms;
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
}

void QueryPatternModel::merge(const StatementsSnapshot& snapshot)
{
    if (!snapshot.ok)
        return; // keep the last good figures; the page shows the error
    QSet<StatementKey> incoming;
    incoming.reserve(snapshot.entries.size());
    for (const StatementEntry& e : snapshot.entries)
        incoming.insert(e.key);

    // Vanished patterns (deallocated by pg_stat_statements), removed in contiguous runs.
    for (int i = int(m_rows.size()) - 1; i >= 0;) {
        if (incoming.contains(m_rows[i].entry.key)) {
            --i;
            continue;
        }
        int first = i;
        while (first > 0 && !incoming.contains(m_rows[first - 1].entry.key))
            --first;
        beginRemoveRows({}, first, i);
        m_rows.remove(first, i - first + 1);
        endRemoveRows();
        i = first - 1;
    }
    m_index.clear();
    m_index.reserve(m_rows.size());
    for (int i = 0; i < m_rows.size(); ++i)
        m_index.insert(m_rows[i].entry.key, i);

    int firstChanged = -1, lastChanged = -1;
    QList<Row> added;
    for (const StatementEntry& e : snapshot.entries) {
        const auto it = m_index.constFind(e.key);
        if (it == m_index.constEnd()) {
            added.append({e, analysis::cacheCandidateReason(e)});
            continue;
        }
        Row& r = m_rows[*it];
        if (r.entry.calls == e.calls && r.entry.callsPerSec == e.callsPerSec && r.entry.text == e.text)
            continue; // nothing moved for this pattern
        r.entry = e;
        r.cacheReason = analysis::cacheCandidateReason(e);
        firstChanged = firstChanged < 0 ? *it : std::min(firstChanged, *it);
        lastChanged = std::max(lastChanged, *it);
    }
    if (firstChanged >= 0)
        Q_EMIT dataChanged(index(firstChanged, 0), index(lastChanged, ColumnCount - 1));
    if (!added.isEmpty()) {
        const int at = int(m_rows.size());
        beginInsertRows({}, at, at + int(added.size()) - 1);
        for (Row& r : added) {
            m_index.insert(r.entry.key, int(m_rows.size()));
            m_rows.append(std::move(r));
        }
        endInsertRows();
    }
}

QVariant QueryPatternModel::display(const Row& r, int column) const
{
    const StatementEntry& e = r.entry;
    const QLocale loc;
    auto ms = [&](double v) { return loc.toString(v, 'f', v < 10 ? 2 : 1); };
    auto opt = [&](double v, int decimals) { return hasValue(v) ? loc.toString(v, 'f', decimals) : QString(); };
    switch (column) {
    case TypeColumn:
        return statementKindName(e.kind);
    case QueryColumn:
        return e.text ? e.text->simplified().left(300) : tr("(text not available)");
    case CallsColumn:
        return loc.toString(e.calls);
    case CallsPerSecColumn:
        return opt(e.callsPerSec, 2);
    case TotalColumn:
        return ms(e.totalMs);
    case MeanColumn:
        return ms(e.meanMs);
    case MinColumn:
        return ms(e.minMs);
    case MaxColumn:
        return ms(e.maxMs);
    case StddevColumn:
        return ms(e.stddevMs);
    case MsPerSecColumn:
        return opt(e.msPerSec, 1);
    case RowsColumn:
        return loc.toString(e.rows);
    case RowsPerCallColumn:
        return opt(e.rowsPerCall(), 1);
    case HitColumn:
        return hasValue(e.hitPct) ? loc.toString(e.hitPct, 'f', 2) + QStringLiteral(" %") : QString();
    case DatabaseColumn:
        return e.database;
    case UserColumn:
        return e.user;
    case CacheColumn:
        return r.cacheReason.isEmpty() ? QString() : tr("cache candidate");
    default:
        return {};
    }
}

QVariant QueryPatternModel::sortValue(const Row& r, int column) const
{
    const StatementEntry& e = r.entry;
    auto val = [](double v) { return hasValue(v) ? v : -1.0; };
    switch (column) {
    case CallsColumn:
        return double(e.calls);
    case CallsPerSecColumn:
        return val(e.callsPerSec);
    case TotalColumn:
        return e.totalMs;
    case MeanColumn:
        return e.meanMs;
    case MinColumn:
        return e.minMs;
    case MaxColumn:
        return e.maxMs;
    case StddevColumn:
        return e.stddevMs;
    case MsPerSecColumn:
        return val(e.msPerSec);
    case RowsColumn:
        return double(e.rows);
    case RowsPerCallColumn:
        return val(e.rowsPerCall());
    case HitColumn:
        return val(e.hitPct);
    case CacheColumn:
        return r.cacheReason.isEmpty() ? 0 : 1;
    default:
        return display(r, column);
    }
}

QVariant QueryPatternModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& r = m_rows[index.row()];
    const StatementEntry& e = r.entry;
    switch (role) {
    case Qt::DisplayRole:
        return display(r, index.column());
    case SortRole:
        return sortValue(r, index.column());
    case KindRole:
        return int(e.kind);
    case DatabaseRole:
        return e.database;
    case UserRole:
        return e.user;
    case VigilRole:
        return e.vigil;
    case SlowRole:
        return e.meanMs > m_thresholdMs;
    case FullTextRole:
        return e.text ? *e.text : QString();
    case Qt::ToolTipRole:
        if (index.column() == QueryColumn && e.text)
            return e.text->left(2000);
        if (index.column() == CacheColumn && !r.cacheReason.isEmpty())
            return r.cacheReason;
        if (index.column() == MeanColumn && e.meanMs > m_thresholdMs)
            return tr("Mean %1 ms is over the slow threshold of %2 ms").arg(e.meanMs, 0, 'f', 1).arg(m_thresholdMs);
        return {};
    case Qt::ForegroundRole:
        if (index.column() == MeanColumn && e.meanMs > m_thresholdMs)
            return statusBrush(StatusLevel::Fail);
        return {};
    case Qt::TextAlignmentRole:
        switch (index.column()) {
        case TypeColumn:
        case QueryColumn:
        case DatabaseColumn:
        case UserColumn:
        case CacheColumn:
            return {};
        default:
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        }
    default:
        return {};
    }
}

} // namespace vigil
