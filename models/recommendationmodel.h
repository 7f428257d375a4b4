#pragma once

#include "analysis/indexadvisor.h"

#include "flattablemodel.h"

#include <QHash>

namespace vigil {

// The advisor's recommendations (every type), keyed by type, table, columns, index name and
// sample statement so a new analysis updates rows in place and keeps the selection. After an
// index is applied, the row also shows the affected statements' measured mean time before and
// after (setMeasured), from pg_stat_statements deltas.
class RecommendationModel : public FlatTableModel
{
    Q_OBJECT
public:
    enum Column {
        PriorityColumn,
        TypeColumn,
        TableColumn,
        ColumnsColumn,
        ImprovementColumn,
        CostColumn,
        SizeColumn,
        StatementsColumn,
        MeasuredColumn,
        ReasonColumn,
        ColumnCount
    };
    enum Role { SortRole = Qt::UserRole };

    struct Measured
    {
        QString state; // "building…", "applied", "failed: …"
        double meanBeforeMs = -1; // lifetime mean of the affected statements when the build finished
        double meanAfterMs = -1; // mean of the calls since then (-1: none yet)
        qint64 callsAfter = 0;
    };

    explicit RecommendationModel(QObject* parent = nullptr);
    void setRecommendations(const QList<analysis::IndexRecommendation>& recs);
    const analysis::IndexRecommendation* recommendationAt(int row) const;
    int rowOf(const QString& key) const;
    static QString keyOf(const analysis::IndexRecommendation& r);

    void setMeasured(const QString& key, const Measured& m);
    Measured measured(const QString& key) const { return m_measured.value(key); }
    QList<analysis::IndexRecommendation> recommendations() const { return m_rows; }

    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

private:
    int rows() const override { return int(m_rows.size()); }
    QList<analysis::IndexRecommendation> m_rows;
    QHash<QString, Measured> m_measured;
};

} // namespace vigil
