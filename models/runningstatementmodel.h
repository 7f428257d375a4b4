#pragma once

#include "monitor/activity.h"

#include <QAbstractTableModel>

namespace vigil {

// Statements running over the slow threshold, keyed by (pid, query start): a statement keeps its
// row while it runs, its duration ticking up, and leaves when it ends.
class RunningStatementModel : public QAbstractTableModel
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

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    static bool sameStatement(const RunningStatement& a, const RunningStatement& b)
    {
        return a.pid == b.pid && a.queryStart == b.queryStart;
    }
    QList<RunningStatement> m_rows;
};

} // namespace vigil
