#include "flattablemodel.h"

#include <QCoreApplication>

namespace vigil {

FlatTableModel::FlatTableModel(std::span<const ColumnText> columns, QObject* parent)
    : QAbstractTableModel(parent)
    , m_columns(columns)
{
}

int FlatTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : rows();
}

int FlatTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_columns.size());
}

QVariant FlatTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= int(m_columns.size()))
        return {};
    // tr() in the subclass's context, where the strings were marked.
    const char* context = metaObject()->className();
    if (role == Qt::DisplayRole)
        return QCoreApplication::translate(context, m_columns[section].name);
    if (role == Qt::ToolTipRole)
        return QCoreApplication::translate(context, m_columns[section].tip);
    return {};
}

} // namespace vigil
