#pragma once

#include "monitor/statements.h"

#include "flattablemodel.h"
#include <QHash>

namespace vigil {

// pg_stat_statements patterns keyed by (user, database, queryid). Each poll is merged as a keyed
// diff: changed rows emit dataChanged, new patterns are inserted, vanished ones removed, so
// selection and scroll position survive every poll.
class QueryPatternModel : public FlatTableModel
{
    Q_OBJECT
public:
    enum Column {
        TypeColumn,
        QueryColumn,
        CallsColumn,
        CallsPerSecColumn,
        TotalColumn,
        MeanColumn,
        MinColumn,
        MaxColumn,
        StddevColumn,
        MsPerSecColumn,
        RowsColumn,
        RowsPerCallColumn,
        HitColumn,
        DatabaseColumn,
        UserColumn,
        CacheColumn,
        ColumnCount
    };
    enum Role {
        SortRole = Qt::UserRole,
        KindRole, // StatementKind as int
        DatabaseRole,
        UserRole,
        VigilRole, // one of Vigil's own statements
        SlowRole, // mean over the slow threshold
        FullTextRole,
    };

    explicit QueryPatternModel(QObject* parent = nullptr);

    void merge(const StatementsSnapshot& snapshot);
    void clear();
    void setSlowThresholdMs(int ms);
    int slowThresholdMs() const { return m_thresholdMs; }
    const StatementEntry* entryAt(int row) const;
    int rowOf(const StatementKey& key) const;

    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

private:
    int rows() const override { return int(m_rows.size()); }
    struct Row
    {
        StatementEntry entry;
        QString cacheReason;
    };
    QVariant display(const Row& r, int column) const;
    QVariant sortValue(const Row& r, int column) const;

    QList<Row> m_rows;
    QHash<StatementKey, int> m_index;
    int m_thresholdMs = 1000;
};

} // namespace vigil
