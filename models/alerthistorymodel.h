#pragma once

#include "keyedtablemodel.h"
#include "store/alerthistory.h"

namespace vigil {

// The alert history of the current profile from the local store: one row per episode, newest
// change first, reloaded (keyed merge) when an alert changes state.
class AlertHistoryModel : public KeyedTableModel<store::AlertEpisode>
{
    Q_OBJECT
public:
    enum Column {
        StartedColumn,
        FiredColumn,
        ResolvedColumn,
        StateColumn,
        SeverityColumn,
        SourceColumn,
        NameColumn,
        SubjectColumn,
        ValueColumn,
        AcknowledgedColumn,
        DetailColumn,
        ColumnCount
    };
    enum Role { SortRole = Qt::UserRole };

    explicit AlertHistoryModel(QObject* parent = nullptr);
    void setEpisodes(const QList<store::AlertEpisode>& episodes) { merge(episodes); }

protected:
    QString keyOf(const store::AlertEpisode& e) const override
    {
        return e.key + QLatin1Char('@') + QString::number(e.startedAt.toMSecsSinceEpoch());
    }
    QVariant cell(const store::AlertEpisode& e, int column, int role) const override;
};

} // namespace vigil
