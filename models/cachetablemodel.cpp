#include "cachetablemodel.h"

#include <QLocale>

namespace vigil {

namespace {
const FlatTableModel::ColumnText kColumns[] = {
    {nullptr, nullptr},
    {QT_TRANSLATE_NOOP("vigil::CacheTableModel", "Table"),
     QT_TRANSLATE_NOOP("vigil::CacheTableModel", "The index's table")},
    {QT_TRANSLATE_NOOP("vigil::CacheTableModel", "Hit % now"),
     QT_TRANSLATE_NOOP("vigil::CacheTableModel",
                       "Shared-buffer hit ratio between the last two polls (empty: no block was accessed)")},
    {QT_TRANSLATE_NOOP("vigil::CacheTableModel", "Hit % lifetime"),
     QT_TRANSLATE_NOOP("vigil::CacheTableModel", "Hit ratio since the statistics were last reset")},
    {QT_TRANSLATE_NOOP("vigil::CacheTableModel", "Reads/s"),
     QT_TRANSLATE_NOOP(
         "vigil::CacheTableModel",
         "Blocks read from outside shared buffers (OS cache or disk) per second, between the last two polls")},
    {QT_TRANSLATE_NOOP("vigil::CacheTableModel", "Blocks hit"),
     QT_TRANSLATE_NOOP("vigil::CacheTableModel", "Blocks found in shared buffers, lifetime")},
    {QT_TRANSLATE_NOOP("vigil::CacheTableModel", "Blocks read"),
     QT_TRANSLATE_NOOP("vigil::CacheTableModel", "Blocks read into shared buffers, lifetime")},
};
static_assert(std::size(kColumns) == CacheTableModel::ColumnCount, "one header per column");
} // namespace

CacheTableModel::CacheTableModel(const QString& nameHeader, QObject* parent)
    : FlatTableModel(kColumns, parent)
    , m_nameHeader(nameHeader)
{
}

const CacheRow* CacheTableModel::rowAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows[row] : nullptr;
}

void CacheTableModel::merge(const QList<CacheRow>& rows)
{
    auto same = [](const CacheRow& a, const CacheRow& b) { return a.name == b.name && a.table == b.table; };
    for (int i = int(m_rows.size()) - 1; i >= 0; --i) {
        if (std::none_of(rows.begin(), rows.end(), [&](const CacheRow& r) { return same(r, m_rows[i]); })) {
            beginRemoveRows({}, i, i);
            m_rows.removeAt(i);
            endRemoveRows();
        }
    }
    for (const CacheRow& r : rows) {
        const auto it = std::find_if(m_rows.begin(), m_rows.end(), [&](const CacheRow& x) { return same(x, r); });
        if (it != m_rows.end()) {
            *it = r;
            const int row = int(it - m_rows.begin());
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        } else {
            beginInsertRows({}, int(m_rows.size()), int(m_rows.size()));
            m_rows.append(r);
            endInsertRows();
        }
    }
}

QVariant CacheTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const CacheRow& r = m_rows[index.row()];
    const QLocale loc;
    auto pct = [&](double v) { return hasValue(v) ? loc.toString(v, 'f', 2) + QStringLiteral(" %") : QString(); };
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case NameColumn:
            return r.name;
        case TableColumn:
            return r.table;
        case IntervalHitColumn:
            return pct(r.intervalHitPct);
        case HitColumn:
            return pct(r.hitPct);
        case ReadsPerSecColumn:
            return hasValue(r.readsPerSec) ? loc.toString(r.readsPerSec, 'f', 1) : QString();
        case HitsColumn:
            return loc.toString(r.hit);
        case ReadsColumn:
            return loc.toString(r.read);
        }
    }
    if (role == SortRole) {
        auto val = [](double v) { return hasValue(v) ? v : -1.0; };
        switch (index.column()) {
        case IntervalHitColumn:
            return val(r.intervalHitPct);
        case HitColumn:
            return val(r.hitPct);
        case ReadsPerSecColumn:
            return val(r.readsPerSec);
        case HitsColumn:
            return double(r.hit);
        case ReadsColumn:
            return double(r.read);
        default:
            return data(index, Qt::DisplayRole);
        }
    }
    if (role == Qt::TextAlignmentRole && index.column() >= IntervalHitColumn)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant CacheTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    // The first column is named by the owner (database, table or index).
    if (orientation == Qt::Horizontal && section == NameColumn && (role == Qt::DisplayRole || role == Qt::ToolTipRole))
        return m_nameHeader;
    return FlatTableModel::headerData(section, orientation, role);
}

} // namespace vigil
