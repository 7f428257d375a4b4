#pragma once

#include <QSortFilterProxyModel>

class QAbstractItemModel;
class QLineEdit;
class QTableView;

namespace vigil::ui {

// A proxy that sorts on the model's numeric sort role (Qt::UserRole) and filters every column
// with a case-insensitive substring.
class TableProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit TableProxy(QObject* parent = nullptr);
};

// The shared table behaviour of every page: proxy with numeric sort, debounced (300 ms) filter
// box, Ctrl+C copies the selected rows as tab-separated text, context menu with Copy and
// Export CSV…. Returns the proxy (owned by the view).
TableProxy* setupTable(QTableView* view, QAbstractItemModel* model, QLineEdit* filter = nullptr);

// The same behaviour over a proxy the caller made (for pages with their own filter logic); the
// view shows `proxy` as it is.
void setupView(QTableView* view, QSortFilterProxyModel* proxy, QLineEdit* filter = nullptr);

// Visible rows and columns of a view as CSV (RFC 4180 quoting), header first.
QString tableToCsv(const QTableView* view, bool selectedOnly);

} // namespace vigil::ui
