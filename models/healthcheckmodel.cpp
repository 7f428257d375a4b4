#include "healthcheckmodel.h"
#include "statuscolors.h"

#include <QBrush>
#include <QLocale>

namespace vigil {

namespace {
const FlatTableModel::ColumnText kColumns[] = {
    {QT_TRANSLATE_NOOP("vigil::HealthCheckModel", "URL"),
     QT_TRANSLATE_NOOP("vigil::HealthCheckModel", "Health endpoint of an application server (from the profile)")},
    {QT_TRANSLATE_NOOP("vigil::HealthCheckModel", "State"),
     QT_TRANSLATE_NOOP("vigil::HealthCheckModel", "Up: a 2xx answer within the timeout; down otherwise")},
    {QT_TRANSLATE_NOOP("vigil::HealthCheckModel", "HTTP status"),
     QT_TRANSLATE_NOOP("vigil::HealthCheckModel", "Status code of the last answer (empty: none came)")},
    {QT_TRANSLATE_NOOP("vigil::HealthCheckModel", "Response (ms)"),
     QT_TRANSLATE_NOOP("vigil::HealthCheckModel", "Time from sending the GET to the complete answer (or the failure)")},
    {QT_TRANSLATE_NOOP("vigil::HealthCheckModel", "Since"),
     QT_TRANSLATE_NOOP("vigil::HealthCheckModel", "When it last went up or down (local time)")},
    {QT_TRANSLATE_NOOP("vigil::HealthCheckModel", "Detail"),
     QT_TRANSLATE_NOOP("vigil::HealthCheckModel", "Why it is down")},
};
static_assert(std::size(kColumns) == HealthCheckModel::ColumnCount, "one header per column");
} // namespace

HealthCheckModel::HealthCheckModel(QObject* parent)
    : KeyedTableModel(kColumns, parent)
{
}

QVariant HealthCheckModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const HealthStatus& s = m_rows[index.row()];
    if (role == Qt::DisplayRole || role == SortRole) {
        switch (index.column()) {
        case UrlColumn:
            return s.url;
        case StateColumn:
            return !s.checked ? tr("checking…") : s.up ? tr("up") : tr("down");
        case CodeColumn:
            if (role == SortRole)
                return double(s.statusCode);
            return s.statusCode > 0 ? QString::number(s.statusCode) : QString();
        case ResponseColumn:
            if (role == SortRole)
                return s.responseMs;
            return s.responseMs < 0 ? QString() : QLocale().toString(s.responseMs, 'f', 1);
        case SinceColumn: {
            const QDateTime since = s.up ? s.upSince : s.downSince;
            if (role == SortRole)
                return double(since.isValid() ? since.toMSecsSinceEpoch() : 0);
            return since.isValid() ? since.toLocalTime().toString(QStringLiteral("HH:mm:ss")) : QString();
        }
        case DetailColumn:
            return s.error;
        }
    }
    if (role == Qt::ForegroundRole && index.column() == StateColumn && s.checked)
        return statusBrush(s.up ? StatusLevel::Ok : StatusLevel::Fail);
    if (role == Qt::TextAlignmentRole && (index.column() == CodeColumn || index.column() == ResponseColumn))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

} // namespace vigil
