#pragma once

#include "flattablemodel.h"

#include <QHash>
#include <QList>

namespace vigil {

// A FlatTableModel over rows identified by a key, merged by key (hotspot's mergeProcesses): rows
// whose key is gone are removed, known keys are updated in place (dataChanged), new keys are
// appended. Selection and scroll position survive every poll; nothing is reset. Subclasses give
// the key and either cell() or their own data().
template <typename Row, typename Key = QString> class KeyedTableModel : public FlatTableModel
{
public:
    void merge(const QList<Row>& incoming)
    {
        QHash<Key, int> wanted;
        wanted.reserve(incoming.size());
        for (int i = 0; i < incoming.size(); ++i)
            wanted.insert(keyOf(incoming[i]), i);
        // Back to front so the indexes still to visit stay valid.
        for (int i = int(m_rows.size()) - 1; i >= 0; --i) {
            if (!wanted.contains(keyOf(m_rows[i]))) {
                beginRemoveRows({}, i, i);
                m_rows.removeAt(i);
                endRemoveRows();
            }
        }
        QHash<Key, int> at;
        at.reserve(m_rows.size());
        for (int i = 0; i < m_rows.size(); ++i)
            at.insert(keyOf(m_rows[i]), i);
        for (const Row& r : incoming) {
            const auto it = at.constFind(keyOf(r));
            if (it != at.constEnd()) {
                m_rows[*it] = r;
                Q_EMIT dataChanged(index(*it, 0), index(*it, columnCount() - 1));
            } else {
                const int end = int(m_rows.size());
                beginInsertRows({}, end, end);
                m_rows.append(r);
                endInsertRows();
                at.insert(keyOf(r), end);
            }
        }
    }

    void clear()
    {
        if (m_rows.isEmpty())
            return;
        beginRemoveRows({}, 0, int(m_rows.size()) - 1);
        m_rows.clear();
        endRemoveRows();
    }

    int rowOf(const Key& key) const
    {
        for (int i = 0; i < m_rows.size(); ++i)
            if (keyOf(m_rows[i]) == key)
                return i;
        return -1;
    }
    const Row* rowAt(int row) const { return row >= 0 && row < m_rows.size() ? &m_rows[row] : nullptr; }
    const QList<Row>& allRows() const { return m_rows; }

    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override
    {
        if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
            return {};
        return cell(m_rows[index.row()], index.column(), role);
    }

protected:
    KeyedTableModel(std::span<const ColumnText> columns, QObject* parent)
        : FlatTableModel(columns, parent)
    {
    }
    virtual Key keyOf(const Row& row) const = 0;
    // Qt::DisplayRole, Qt::UserRole (numeric sort value), tooltips, colours; models that format in
    // their own data() leave it alone.
    virtual QVariant cell(const Row& row, int column, int role) const
    {
        Q_UNUSED(row);
        Q_UNUSED(column);
        Q_UNUSED(role);
        return {};
    }
    // Single-row edits for append-mostly logs, where a full merge per event would be wasteful.
    void appendRow(const Row& row)
    {
        const int end = int(m_rows.size());
        beginInsertRows({}, end, end);
        m_rows.append(row);
        endInsertRows();
    }
    void replaceRow(int at, const Row& row)
    {
        m_rows[at] = row;
        Q_EMIT dataChanged(index(at, 0), index(at, columnCount() - 1));
    }
    void removeFirstRow()
    {
        beginRemoveRows({}, 0, 0);
        m_rows.removeFirst();
        endRemoveRows();
    }
    int rows() const override { return int(m_rows.size()); }

    QList<Row> m_rows;
};

// Shared cell formatting for the replication tables.
namespace replfmt {
// A lag as pg_stat_replication reports it; NaN means NULL, which PostgreSQL uses for "caught up
// and idle", so it reads "idle", never 0.
QString lagTime(double seconds);
QString bytes(double bytes);
} // namespace replfmt

} // namespace vigil
