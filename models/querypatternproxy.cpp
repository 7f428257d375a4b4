#include "querypatternproxy.h"

#include "querypatternmodel.h"

namespace vigil {

QueryPatternProxy::QueryPatternProxy(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(QueryPatternModel::SortRole);
    setDynamicSortFilter(true);
}

void QueryPatternProxy::setText(const QString& text)
{
    m_text = text;
    invalidateFilter();
}

void QueryPatternProxy::setKind(int kind)
{
    m_kind = kind;
    invalidateFilter();
}

void QueryPatternProxy::setDatabase(const QString& database)
{
    m_database = database;
    invalidateFilter();
}

void QueryPatternProxy::setUser(const QString& user)
{
    m_user = user;
    invalidateFilter();
}

void QueryPatternProxy::setShowVigil(bool show)
{
    m_showVigil = show;
    invalidateFilter();
}

void QueryPatternProxy::setSlowOnly(bool slow)
{
    m_slowOnly = slow;
    invalidateFilter();
}

bool QueryPatternProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const QModelIndex i = sourceModel()->index(sourceRow, 0, sourceParent);
    if (!m_showVigil && i.data(QueryPatternModel::VigilRole).toBool())
        return false;
    if (m_slowOnly && !i.data(QueryPatternModel::SlowRole).toBool())
        return false;
    if (m_kind >= 0 && i.data(QueryPatternModel::KindRole).toInt() != m_kind)
        return false;
    if (!m_database.isEmpty() && i.data(QueryPatternModel::DatabaseRole).toString() != m_database)
        return false;
    if (!m_user.isEmpty() && i.data(QueryPatternModel::UserRole).toString() != m_user)
        return false;
    if (!m_text.isEmpty() && !i.data(QueryPatternModel::FullTextRole).toString().contains(m_text, Qt::CaseInsensitive))
        return false;
    return true;
}

} // namespace vigil
