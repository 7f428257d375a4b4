#pragma once

#include "flattablemodel.h"

#include <QHash>
#include <QList>

namespace vigil {

// A FlatTableModel over a list of rows identified by a key: merge() applies a keyed diff (rows
// gone are removed, new ones appended, the rest updated in place with dataChanged), so views
// keep their selection and scroll position across polls.
template <class Row, class Key> class KeyedTableModel : public FlatTableModel
{
public:
    const Row* rowAt(int row) const { return row >= 0 && row < m_rows.size() ? &m_rows[row] : nullptr; }
    const QList<Row>& allRows() const { return m_rows; }

    void merge(const QList<Row>& next)
    {
        QHash<Key, int> wanted;
        for (int i = 0; i < next.size(); ++i)
            wanted.insert(keyOf(next[i]), i);
        for (int i = int(m_rows.size()) - 1; i >= 0; --i)
            if (!wanted.contains(keyOf(m_rows[i]))) {
                beginRemoveRows({}, i, i);
                m_rows.removeAt(i);
                endRemoveRows();
            }
        QHash<Key, int> present;
        for (int i = 0; i < m_rows.size(); ++i)
            present.insert(keyOf(m_rows[i]), i);
        for (const Row& r : next) {
            const auto it = present.constFind(keyOf(r));
            if (it != present.constEnd()) {
                m_rows[*it] = r;
                Q_EMIT dataChanged(index(*it, 0), index(*it, columnCount() - 1));
            } else {
                const int row = int(m_rows.size());
                beginInsertRows({}, row, row);
                m_rows.append(r);
                endInsertRows();
                present.insert(keyOf(r), row);
            }
        }
    }

    void clear()
    {
        if (m_rows.isEmpty())
            return;
        beginResetModel();
        m_rows.clear();
        endResetModel();
    }

protected:
    using FlatTableModel::FlatTableModel;
    virtual Key keyOf(const Row& row) const = 0;
    int rows() const override { return int(m_rows.size()); }

    QList<Row> m_rows;
};

} // namespace vigil
