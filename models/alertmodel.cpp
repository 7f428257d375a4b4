#include "alertmodel.h"

#include <QBrush>
#include <QColor>
#include <QLocale>

namespace vigil {

using alerts::AlertState;
using alerts::Severity;

namespace {
const FlatTableModel::ColumnText kColumns[] = {
    {QT_TRANSLATE_NOOP("vigil::AlertModel", "State"),
     QT_TRANSLATE_NOOP("vigil::AlertModel",
                       "pending: the condition holds, not yet for the rule's `for` duration; firing: it held that "
                       "long; resolved: it cleared (kept in the list for 15 minutes, for ever in the history)")},
    {QT_TRANSLATE_NOOP("vigil::AlertModel", "Severity"),
     QT_TRANSLATE_NOOP("vigil::AlertModel",
                       "critical, warning or info, from the rule (Prometheus: its severity label)")},
    {QT_TRANSLATE_NOOP("vigil::AlertModel", "Source"),
     QT_TRANSLATE_NOOP("vigil::AlertModel",
                       "vigil: a rule Vigil evaluates over what it polls; prometheus: an active alert of the "
                       "profile's Prometheus server (GET /api/v1/alerts)")},
    {QT_TRANSLATE_NOOP("vigil::AlertModel", "Alert"), QT_TRANSLATE_NOOP("vigil::AlertModel", "The rule's name")},
    {QT_TRANSLATE_NOOP("vigil::AlertModel", "Subject"),
     QT_TRANSLATE_NOOP("vigil::AlertModel",
                       "What the alert is about: a node, a standby, a slot, an index, a session; Prometheus: the "
                       "alert's labels")},
    {QT_TRANSLATE_NOOP("vigil::AlertModel", "Value"),
     QT_TRANSLATE_NOOP("vigil::AlertModel",
                       "The measured value (the latest while it breaches, the breaching one after)")},
    {QT_TRANSLATE_NOOP("vigil::AlertModel", "Condition"),
     QT_TRANSLATE_NOOP("vigil::AlertModel", "The rule's comparison and threshold, with its `for` duration")},
    {QT_TRANSLATE_NOOP("vigil::AlertModel", "Pending since"),
     QT_TRANSLATE_NOOP(
         "vigil::AlertModel",
         "When the condition started to hold (Prometheus: activeAt); local time, the date when not today")},
    {QT_TRANSLATE_NOOP("vigil::AlertModel", "Fired"),
     QT_TRANSLATE_NOOP("vigil::AlertModel", "When it turned firing (Prometheus: when Vigil first saw it firing)")},
    {QT_TRANSLATE_NOOP("vigil::AlertModel", "Resolved"),
     QT_TRANSLATE_NOOP("vigil::AlertModel", "When the condition cleared (after keep_firing_for)")},
    {QT_TRANSLATE_NOOP("vigil::AlertModel", "Handling"),
     QT_TRANSLATE_NOOP("vigil::AlertModel",
                       "acknowledged (this episode; the next one alerts again), silenced until a time (no "
                       "notification), flapping (fired 3 times in 15 minutes: notified once)")},
    {QT_TRANSLATE_NOOP("vigil::AlertModel", "Detail"),
     QT_TRANSLATE_NOOP("vigil::AlertModel",
                       "What the value is about, or what to do (e.g. the DROP INDEX for an INVALID index); "
                       "Prometheus: the description annotation")},
};
static_assert(std::size(kColumns) == AlertModel::ColumnCount, "one header per column");

// Today's times as HH:mm:ss (most alerts are recent); older ones with their date.
QString time(const QDateTime& t)
{
    if (!t.isValid())
        return {};
    const QDateTime local = t.toLocalTime();
    return local.toString(local.date() == QDate::currentDate() ? QStringLiteral("HH:mm:ss")
                                                               : QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

qint64 sortTime(const QDateTime& t)
{
    return t.isValid() ? t.toMSecsSinceEpoch() : 0;
}

int stateRank(AlertState s)
{
    return s == AlertState::Firing ? 3 : s == AlertState::Pending ? 2 : s == AlertState::Resolved ? 1 : 0;
}

QColor severityColor(Severity s)
{
    return s == Severity::Critical ? QColor(0xd0, 0x3b, 0x3b)
        : s == Severity::Warning   ? QColor(0xc0, 0x6a, 0x00)
                                   : QColor(0x3a, 0x6e, 0xa5);
}
} // namespace

AlertModel::AlertModel(QObject* parent)
    : KeyedTableModel(kColumns, parent)
{
}

void AlertModel::setAlerts(const QList<alerts::Alert>& alerts, const QDateTime& now)
{
    m_now = now;
    merge(alerts);
}

QString AlertModel::keyAt(int row) const
{
    const alerts::Alert* a = rowAt(row);
    return a ? a->key : QString();
}

QVariant AlertModel::cell(const alerts::Alert& a, int column, int role) const
{
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case StateColumn:
            return alerts::stateName(a.state);
        case SeverityColumn:
            return alerts::severityName(a.severity);
        case SourceColumn:
            return a.source;
        case NameColumn:
            return a.name;
        case SubjectColumn:
            return a.subject;
        case ValueColumn:
            return QLocale().toString(a.value, 'g', 6);
        case ConditionColumn:
            return a.condition;
        case PendingColumn:
            return time(a.pendingSince);
        case FiredColumn:
            return time(a.firedAt);
        case ResolvedColumn:
            return time(a.resolvedAt);
        case HandlingColumn: {
            QStringList parts;
            if (a.isAcknowledged())
                parts << tr("acknowledged %1").arg(time(a.acknowledgedAt));
            if (a.isSilenced(m_now))
                parts << tr("silenced until %1").arg(time(a.silencedUntil));
            if (a.flapping)
                parts << tr("flapping");
            return parts.join(QStringLiteral(", "));
        }
        case DetailColumn:
            return a.detail;
        default:
            return {};
        }
    case SortRole:
        switch (column) {
        case StateColumn:
            return stateRank(a.state);
        case SeverityColumn:
            return int(a.severity);
        case ValueColumn:
            return a.value;
        case PendingColumn:
            return sortTime(a.pendingSince);
        case FiredColumn:
            return sortTime(a.firedAt);
        case ResolvedColumn:
            return sortTime(a.resolvedAt);
        default:
            return cell(a, column, Qt::DisplayRole);
        }
    case KeyRole:
        return a.key;
    case StateRole:
        return int(a.state);
    case Qt::ToolTipRole: {
        QString tip = QStringLiteral("<b>%1</b> (%2)<br>%3")
                          .arg(a.name.toHtmlEscaped(), a.subject.toHtmlEscaped(), a.description.toHtmlEscaped());
        if (!a.detail.isEmpty())
            tip += QStringLiteral("<br>") + a.detail.toHtmlEscaped();
        for (auto it = a.labels.cbegin(); it != a.labels.cend(); ++it)
            tip += QStringLiteral("<br>%1=%2").arg(it.key().toHtmlEscaped(), it.value().toHtmlEscaped());
        return tip;
    }
    case Qt::ForegroundRole:
        if (column == SeverityColumn || (column == StateColumn && a.state == AlertState::Firing))
            return QBrush(severityColor(a.severity));
        if (a.state == AlertState::Resolved)
            return QBrush(QColor(0x80, 0x80, 0x80));
        return {};
    default:
        return {};
    }
}

} // namespace vigil
