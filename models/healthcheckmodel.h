#pragma once

#include "keyedtablemodel.h"
#include "monitor/healthchecker.h"

namespace vigil {

// The profile's health URLs: up or down, HTTP status, response time, since when. Keyed by URL.
class HealthCheckModel : public KeyedTableModel<HealthStatus, QString>
{
    Q_OBJECT
public:
    enum Column { UrlColumn, StateColumn, CodeColumn, ResponseColumn, SinceColumn, DetailColumn, ColumnCount };
    enum Role { SortRole = Qt::UserRole };

    explicit HealthCheckModel(QObject* parent = nullptr);
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

protected:
    QString keyOf(const HealthStatus& s) const override { return s.url; }
};

} // namespace vigil
