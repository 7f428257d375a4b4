#include "checklistmodel.h"

#include <QCoreApplication>

namespace vigil {

namespace {
const FlatTableModel::ColumnText kColumns[] = {
    {QT_TRANSLATE_NOOP("vigil::ChecklistModel", "Status"),
     QT_TRANSLATE_NOOP("vigil::ChecklistModel",
                       "ok, warn or fail, judged on the figure (thresholds: vigil(1), "
                       "app/checklist)")},
    {QT_TRANSLATE_NOOP("vigil::ChecklistModel", "Check"),
     QT_TRANSLATE_NOOP("vigil::ChecklistModel", "What the runbook's morning check looks at")},
    {QT_TRANSLATE_NOOP("vigil::ChecklistModel", "Figure"),
     QT_TRANSLATE_NOOP("vigil::ChecklistModel", "The measured value the status was judged on")},
    {QT_TRANSLATE_NOOP("vigil::ChecklistModel", "Detail"),
     QT_TRANSLATE_NOOP("vigil::ChecklistModel",
                       "What is behind the figure, or what to do about it (tooltip: all of it)")},
};
static_assert(std::size(kColumns) == ChecklistModel::ColumnCount, "one header per column");

// The core's titles are English (they are also `vigil checklist` output); these are the same
// titles marked for translation, by item id.
const std::pair<const char*, const char*> kTitles[] = {
    {"nodes", QT_TRANSLATE_NOOP("vigil::ChecklistModel", "Every node reachable")},
    {"pg_replication", QT_TRANSLATE_NOOP("vigil::ChecklistModel", "PostgreSQL replication")},
    {"redis_replication", QT_TRANSLATE_NOOP("vigil::ChecklistModel", "Redis replication")},
    {"sentinel_quorum", QT_TRANSLATE_NOOP("vigil::ChecklistModel", "Sentinel quorum")},
    {"connections", QT_TRANSLATE_NOOP("vigil::ChecklistModel", "Connection utilisation")},
    {"pgbouncer_waiting", QT_TRANSLATE_NOOP("vigil::ChecklistModel", "pgbouncer waiting clients")},
    {"slow_patterns", QT_TRANSLATE_NOOP("vigil::ChecklistModel", "Slow query patterns")},
    {"recommendations", QT_TRANSLATE_NOOP("vigil::ChecklistModel", "Top index recommendations")},
    {"invalid_indexes", QT_TRANSLATE_NOOP("vigil::ChecklistModel", "Invalid indexes")},
    {"archiving", QT_TRANSLATE_NOOP("vigil::ChecklistModel", "WAL archiving")},
};

int rank(StatusLevel s)
{
    return s == StatusLevel::Fail ? 2 : s == StatusLevel::Warn ? 1 : 0;
}
} // namespace

ChecklistModel::ChecklistModel(QObject* parent)
    : KeyedTableModel(kColumns, parent)
{
}

int ChecklistModel::count(StatusLevel status) const
{
    return int(std::count_if(m_rows.begin(), m_rows.end(), [status](const checklist::ChecklistItem& i) {
        return statusFromString(i.status) == status;
    }));
}

QString ChecklistModel::title(const checklist::ChecklistItem& item)
{
    for (const auto& [id, text] : kTitles)
        if (item.id == QLatin1String(id))
            return QCoreApplication::translate("vigil::ChecklistModel", text);
    return item.title;
}

QString ChecklistModel::statusText(StatusLevel status)
{
    switch (status) {
    case StatusLevel::Ok:
        return tr("ok");
    case StatusLevel::Warn:
        return tr("warn");
    case StatusLevel::Fail:
        return tr("fail");
    case StatusLevel::Unknown:
        break;
    }
    return tr("unknown");
}

QVariant ChecklistModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const checklist::ChecklistItem& item = m_rows[index.row()];
    const StatusLevel status = statusFromString(item.status);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case StatusColumn:
            return statusText(status);
        case ItemColumn:
            return title(item);
        case FigureColumn:
            return item.figure;
        case DetailColumn:
            // One line in the table; the whole detail is the tooltip.
            return item.detail.section(QLatin1Char('\n'), 0, 0);
        }
        break;
    case SortRole:
        switch (index.column()) {
        case StatusColumn:
            return rank(status);
        case ItemColumn:
            return title(item);
        case FigureColumn:
            return item.figure;
        case DetailColumn:
            return item.detail;
        }
        break;
    case Qt::ToolTipRole:
        return QStringLiteral("%1: %2\n%3").arg(title(item), item.figure, item.detail).trimmed();
    case Qt::DecorationRole:
        if (index.column() == StatusColumn)
            return statusIcon(status);
        break;
    case Qt::ForegroundRole:
        if (index.column() == StatusColumn)
            return statusBrush(status);
        break;
    }
    return {};
}

} // namespace vigil
