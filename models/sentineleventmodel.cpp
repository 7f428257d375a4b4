#include "sentineleventmodel.h"
#include "statuscolors.h"

#include <QBrush>

namespace vigil {

namespace {
const FlatTableModel::ColumnText kColumns[] = {
    {QT_TRANSLATE_NOOP("vigil::SentinelEventModel", "Received"),
     QT_TRANSLATE_NOOP("vigil::SentinelEventModel",
                       "When Vigil received the event from the first Sentinel (local time, ms)")},
    {QT_TRANSLATE_NOOP("vigil::SentinelEventModel", "Event"),
     QT_TRANSLATE_NOOP("vigil::SentinelEventModel",
                       "Sentinel Pub/Sub channel: +sdown / -sdown (one Sentinel thinks an instance is down / back), "
                       "+odown (quorum agrees), +switch-master (new master), +failover-end, +slave, "
                       "+convert-to-slave ...")},
    {QT_TRANSLATE_NOOP("vigil::SentinelEventModel", "Details"),
     QT_TRANSLATE_NOOP("vigil::SentinelEventModel", "The message as published: instance type, name, address, master")},
    {QT_TRANSLATE_NOOP("vigil::SentinelEventModel", "Reported by"),
     QT_TRANSLATE_NOOP("vigil::SentinelEventModel", "The Sentinels that published the same event")},
};
static_assert(std::size(kColumns) == SentinelEventModel::ColumnCount, "one header per column");

bool important(const QString& type)
{
    return type == QLatin1String("+switch-master") || type == QLatin1String("+odown")
        || type == QLatin1String("+failover-end") || type == QLatin1String("-failover-abort-no-good-slave");
}
} // namespace

SentinelEventModel::SentinelEventModel(QObject* parent)
    : KeyedTableModel(kColumns, parent)
{
}

void SentinelEventModel::apply(const SentinelEvent& event)
{
    // Updates hit recent rows; search from the end.
    for (int i = rowCount() - 1; i >= 0; --i) {
        if (rowAt(i)->id == event.id) {
            replaceRow(i, event);
            return;
        }
    }
    appendRow(event);
    while (rowCount() > m_maxRows)
        removeFirstRow();
}

QVariant SentinelEventModel::cell(const SentinelEvent& e, int column, int role) const
{
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case ReceivedColumn:
            return e.receivedAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
        case EventColumn:
            return e.type;
        case DetailsColumn:
            return e.message;
        case ReportedByColumn:
            return e.reportedBy.join(QStringLiteral(", "));
        default:
            return {};
        }
    case SortRole:
        if (column == ReceivedColumn)
            return e.receivedAt.toMSecsSinceEpoch();
        if (column == ReportedByColumn)
            return int(e.reportedBy.size());
        return cell(e, column, Qt::DisplayRole);
    case AttentionRole:
        return important(e.type);
    case Qt::ForegroundRole:
        if (column == EventColumn && important(e.type))
            return statusBrush(StatusLevel::Warn);
        return {};
    default:
        return {};
    }
}

} // namespace vigil
