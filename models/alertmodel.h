#pragma once

#include "alerts/alertengine.h"
#include "keyedtablemodel.h"

namespace vigil {

// The Alerts tab's list: Vigil's own alerts and the Prometheus server's, one row per alert key,
// merged by key on every change (selection survives). Handling (acknowledged, silenced until)
// is read against the current time at each merge.
class AlertModel : public KeyedTableModel<alerts::Alert>
{
    Q_OBJECT
public:
    enum Column {
        StateColumn,
        SeverityColumn,
        SourceColumn,
        NameColumn,
        SubjectColumn,
        ValueColumn,
        ConditionColumn,
        PendingColumn,
        FiredColumn,
        ResolvedColumn,
        HandlingColumn,
        DetailColumn,
        ColumnCount
    };
    enum Role { SortRole = Qt::UserRole, KeyRole, StateRole };

    explicit AlertModel(QObject* parent = nullptr);
    void setAlerts(const QList<alerts::Alert>& alerts, const QDateTime& now = QDateTime::currentDateTimeUtc());
    QString keyAt(int row) const;

protected:
    QString keyOf(const alerts::Alert& a) const override { return a.key; }
    QVariant cell(const alerts::Alert& a, int column, int role) const override;

private:
    QDateTime m_now;
};

} // namespace vigil
