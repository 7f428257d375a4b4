#pragma once

#include "monitor/activity.h"

#include "flattablemodel.h"

namespace vigil {

// Statements running over the slow threshold, keyed by (pid, query start): a statement keeps its
// row while it runs, its duration ticking up, and leaves when it ends.
class RunningStatementModel : public FlatTableModel
{
    Q_OBJECT
public:
    enum Column {
        PidColumn,
        DurationColumn,
        DatabaseColumn,
        UserColumn,
        ApplicationColumn,
        ClientColumn,
        WaitColumn,
        BlockedByColumn,
        QueryColumn,
        ColumnCount
    };
    enum Role { SortRole = Qt::UserRole, PidRole, FullTextRole };

    explicit RunningStatementModel(QObject* parent = nullptr);
    void merge(const QList<RunningStatement>& running);
    void clear();
    const RunningStatement* statementAt(int row) const;

    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

private:
    int rows() const override { return int(m_rows.size()); }
    static bool sameStatement(const RunningStatement& a, const RunningStatement& b)
    {
        return a.pid == b.pid && a.queryStart == b.queryStart;
    }
    QList<RunningStatement> m_rows;
};

} // namespace vigil
