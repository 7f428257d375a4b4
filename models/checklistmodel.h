#pragma once

#include "checklist/checklist.h"
#include "keyedtablemodel.h"
#include "statuscolors.h"

namespace vigil {

// The daily checklist's items (issue 8 §2) for the Overview: status with its colour and icon,
// title, the figure it was judged on, and the detail (also the row's tooltip). Keyed by item id,
// so a refresh updates rows in place and the selection survives it.
class ChecklistModel : public KeyedTableModel<checklist::ChecklistItem, QString>
{
    Q_OBJECT
public:
    enum Column { StatusColumn, ItemColumn, FigureColumn, DetailColumn, ColumnCount };
    enum Role { SortRole = Qt::UserRole };

    explicit ChecklistModel(QObject* parent = nullptr);

    void setItems(const QList<checklist::ChecklistItem>& items) { merge(items); }
    int count(StatusLevel status) const;

    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

    // The title in the operator's language; the core's own (English) title for an unknown id.
    static QString title(const checklist::ChecklistItem& item);
    static QString statusText(StatusLevel status);

protected:
    QString keyOf(const checklist::ChecklistItem& item) const override { return item.id; }
};

} // namespace vigil
