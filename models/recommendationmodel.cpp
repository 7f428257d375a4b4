#include "recommendationmodel.h"
#include "statuscolors.h"

#include "analysis/advice.h"

#include <QBrush>
#include <QLocale>

namespace vigil {

namespace {
const FlatTableModel::ColumnText kColumns[] = {
    {QT_TRANSLATE_NOOP("vigil::RecommendationModel", "Priority"),
     QT_TRANSLATE_NOOP("vigil::RecommendationModel",
                       "INDEX: HIGH when the index removes at least 20 % of the analysed workload's weighted plan cost "
                       "(cost x calls), MEDIUM from 5 %, LOW below. Other types: from size or share of the workload")},
    {QT_TRANSLATE_NOOP("vigil::RecommendationModel", "Type"),
     QT_TRANSLATE_NOOP("vigil::RecommendationModel",
                       "INDEX: create it; UNUSED_INDEX / DUPLICATE_INDEX: consider dropping it; QUERY_OPTIMIZATION: "
                       "rewrite the statement; CACHING: serve it from Redis")},
    {QT_TRANSLATE_NOOP("vigil::RecommendationModel", "Table"),
     QT_TRANSLATE_NOOP("vigil::RecommendationModel", "Schema-qualified table")},
    {QT_TRANSLATE_NOOP("vigil::RecommendationModel", "Columns"),
     QT_TRANSLATE_NOOP("vigil::RecommendationModel",
                       "Index key columns in order: equality columns first, then one range or sort column")},
    {QT_TRANSLATE_NOOP("vigil::RecommendationModel", "Est. improvement"),
     QT_TRANSLATE_NOOP("vigil::RecommendationModel",
                       "Cut in the weighted generic-plan cost of the statements the planner used the hypothetical "
                       "index for (HypoPG), cost x calls")},
    {QT_TRANSLATE_NOOP("vigil::RecommendationModel", "Cost before → after"),
     QT_TRANSLATE_NOOP("vigil::RecommendationModel",
                       "Planner cost per call of the affected statements, averaged over their calls, without and with "
                       "the hypothetical index")},
    {QT_TRANSLATE_NOOP("vigil::RecommendationModel", "Est. size"),
     QT_TRANSLATE_NOOP("vigil::RecommendationModel",
                       "INDEX: hypopg_relation_size() of the hypothetical index; others: the existing index's size")},
    {QT_TRANSLATE_NOOP("vigil::RecommendationModel", "Statements"),
     QT_TRANSLATE_NOOP("vigil::RecommendationModel", "Statements (pg_stat_statements query ids) the advice is about")},
    {QT_TRANSLATE_NOOP("vigil::RecommendationModel", "Measured mean"),
     QT_TRANSLATE_NOOP("vigil::RecommendationModel",
                       "After Apply: mean execution time of the affected statements before the index (lifetime, from "
                       "pg_stat_statements) and over the calls since it was built")},
    {QT_TRANSLATE_NOOP("vigil::RecommendationModel", "Reason"),
     QT_TRANSLATE_NOOP("vigil::RecommendationModel", "Why, with the measured figures")},
};
static_assert(std::size(kColumns) == RecommendationModel::ColumnCount, "one header per column");

int priorityRank(const QString& p)
{
    return p == QLatin1String("HIGH") ? 3 : p == QLatin1String("MEDIUM") ? 2 : p == QLatin1String("LOW") ? 1 : 0;
}
} // namespace

RecommendationModel::RecommendationModel(QObject* parent)
    : FlatTableModel(kColumns, parent)
{
}

QString RecommendationModel::keyOf(const analysis::IndexRecommendation& r)
{
    return QStringList {r.type, r.table, r.columns.join(QChar(0x1f)), r.indexName, QString::number(r.sampleQueryId)}
        .join(QChar(0x1e));
}

int RecommendationModel::rowOf(const QString& key) const
{
    for (int i = 0; i < m_rows.size(); ++i)
        if (keyOf(m_rows.at(i)) == key)
            return i;
    return -1;
}

const analysis::IndexRecommendation* RecommendationModel::recommendationAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows[row] : nullptr;
}

void RecommendationModel::setRecommendations(const QList<analysis::IndexRecommendation>& recs)
{
    QSet<QString> keys;
    for (const auto& r : recs)
        keys.insert(keyOf(r));
    for (int i = int(m_rows.size()) - 1; i >= 0; --i) {
        if (!keys.contains(keyOf(m_rows.at(i)))) {
            beginRemoveRows({}, i, i);
            m_rows.removeAt(i);
            endRemoveRows();
        }
    }
    for (const auto& r : recs) {
        const int row = rowOf(keyOf(r));
        if (row >= 0) {
            m_rows[row] = r;
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        } else {
            beginInsertRows({}, int(m_rows.size()), int(m_rows.size()));
            m_rows.append(r);
            endInsertRows();
        }
    }
}

void RecommendationModel::setMeasured(const QString& key, const Measured& m)
{
    m_measured.insert(key, m);
    const int row = rowOf(key);
    if (row >= 0)
        Q_EMIT dataChanged(index(row, MeasuredColumn), index(row, MeasuredColumn));
}

QVariant RecommendationModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const analysis::IndexRecommendation& r = m_rows[index.row()];
    const QLocale loc;
    const bool index_ = r.type == QLatin1String("INDEX");
    const bool costs = analysis::hasCosts(r);
    const auto ms = [&](double v) { return loc.toString(v, 'f', v < 10 ? 2 : 1) + QStringLiteral(" ms"); };
    const auto measuredText = [&]() -> QString {
        const auto it = m_measured.constFind(keyOf(r));
        if (it == m_measured.constEnd())
            return {};
        QString t = it->state;
        if (it->meanBeforeMs >= 0)
            t = ms(it->meanBeforeMs) + QStringLiteral(" → ")
                + (it->meanAfterMs >= 0 ? tr("%1 (%2 calls since)").arg(ms(it->meanAfterMs)).arg(it->callsAfter)
                                        : tr("waiting for calls"));
        return t;
    };
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case PriorityColumn:
            return r.priority;
        case TypeColumn:
            return r.type;
        case TableColumn:
            return r.table;
        case ColumnsColumn:
            return r.columns.join(QStringLiteral(", "));
        case ImprovementColumn:
            return index_ ? loc.toString(r.estimatedImprovementPct, 'f', 1) + QStringLiteral(" %") : QString();
        case CostColumn:
            if (index_)
                return loc.toString(qRound64(r.costBefore)) + QStringLiteral(" → ")
                    + loc.toString(qRound64(r.costAfter));
            return costs ? loc.toString(qRound64(r.costBefore)) : QString();
        case SizeColumn:
            return r.estimatedSizeBytes > 0 ? loc.formattedDataSize(r.estimatedSizeBytes) : QString();
        case StatementsColumn:
            return r.affectedQueryIds.isEmpty() ? QString() : QString::number(r.affectedQueryIds.size());
        case MeasuredColumn:
            return measuredText();
        case ReasonColumn:
            return r.reason;
        }
    }
    if (role == SortRole) {
        switch (index.column()) {
        case PriorityColumn:
            return priorityRank(r.priority);
        case ImprovementColumn:
            return index_ ? r.estimatedImprovementPct : -1.0;
        case CostColumn:
            return costs ? r.costBefore - (index_ ? r.costAfter : 0.0) : -1.0;
        case SizeColumn:
            return double(r.estimatedSizeBytes);
        case StatementsColumn:
            return int(r.affectedQueryIds.size());
        case MeasuredColumn: {
            const Measured m = m_measured.value(keyOf(r));
            return m.meanAfterMs >= 0 && m.meanBeforeMs > 0 ? m.meanAfterMs / m.meanBeforeMs : 2.0;
        }
        default:
            return data(index, Qt::DisplayRole);
        }
    }
    if (role == Qt::ToolTipRole && index.column() == ReasonColumn)
        return r.reason;
    if (role == Qt::ForegroundRole && index.column() == PriorityColumn && r.priority == QLatin1String("HIGH"))
        return statusBrush(StatusLevel::Fail);
    if (role == Qt::TextAlignmentRole
        && (index.column() == ImprovementColumn || index.column() == CostColumn || index.column() == SizeColumn
            || index.column() == StatementsColumn))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

} // namespace vigil
