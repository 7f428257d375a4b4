#pragma once

#include "keyedtablemodel.h"
#include "monitor/sentinelevents.h"

namespace vigil {

// The Sentinel event log: one row per event (de-duplicated across Sentinels), time of receipt
// to the millisecond. Bounded like the feed; the oldest rows go first.
class SentinelEventModel : public KeyedTableModel<SentinelEvent>
{
    Q_OBJECT
public:
    enum Column { ReceivedColumn, EventColumn, DetailsColumn, ReportedByColumn, ColumnCount };
    enum Role { SortRole = Qt::UserRole, AttentionRole };

    explicit SentinelEventModel(QObject* parent = nullptr);
    // A new event or one more Sentinel reporting a known one.
    void apply(const SentinelEvent& event);
    void setMaxRows(int rows) { m_maxRows = rows; }

protected:
    QString keyOf(const SentinelEvent& e) const override { return QString::number(e.id); }
    QVariant cell(const SentinelEvent& e, int column, int role) const override;

private:
    int m_maxRows = SentinelEventFeed::kMaxEvents;
};

} // namespace vigil
