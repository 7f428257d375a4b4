#pragma once

#include <QAbstractTableModel>
#include <span>

namespace vigil {

// What Vigil's table models share: a flat list of rows, and a column table with each header's
// name and the tooltip that explains the column. Subclasses hold the rows and format cells.
class FlatTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    struct ColumnText
    {
        const char* name; // marked with QT_TR_NOOP, translated in the subclass's context
        const char* tip;
    };

    int rowCount(const QModelIndex& parent = {}) const final;
    int columnCount(const QModelIndex& parent = {}) const final;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

protected:
    FlatTableModel(std::span<const ColumnText> columns, QObject* parent);
    virtual int rows() const = 0;

private:
    std::span<const ColumnText> m_columns;
};

} // namespace vigil
