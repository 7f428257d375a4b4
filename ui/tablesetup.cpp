#include "tablesetup.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QFile>
#include <QFileDialog>
#include <QHeaderView>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QTableView>
#include <QTimer>

namespace vigil::ui {

TableProxy::TableProxy(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(Qt::UserRole);
    setFilterKeyColumn(-1);
    setFilterCaseSensitivity(Qt::CaseInsensitive);
    setDynamicSortFilter(true);
}

namespace {
QString csvField(const QString& v)
{
    if (!v.contains(QLatin1Char(',')) && !v.contains(QLatin1Char('"')) && !v.contains(QLatin1Char('\n')))
        return v;
    QString q = v;
    q.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + q + QLatin1Char('"');
}

QList<int> rowsOf(const QTableView* view, bool selectedOnly)
{
    QList<int> rows;
    if (selectedOnly && view->selectionModel()) {
        for (const QModelIndex& i : view->selectionModel()->selectedRows())
            rows << i.row();
        std::sort(rows.begin(), rows.end());
    } else {
        for (int r = 0; r < view->model()->rowCount(); ++r)
            rows << r;
    }
    return rows;
}

QString joinRows(const QTableView* view, bool selectedOnly, const QString& sep, bool csv)
{
    const QAbstractItemModel* m = view->model();
    QStringList lines;
    QStringList header;
    for (int c = 0; c < m->columnCount(); ++c)
        if (!view->isColumnHidden(c))
            header << (csv ? csvField(m->headerData(c, Qt::Horizontal).toString())
                           : m->headerData(c, Qt::Horizontal).toString());
    lines << header.join(sep);
    for (int r : rowsOf(view, selectedOnly)) {
        QStringList cells;
        for (int c = 0; c < m->columnCount(); ++c)
            if (!view->isColumnHidden(c)) {
                const QString v = m->index(r, c).data().toString();
                cells << (csv ? csvField(v) : v);
            }
        lines << cells.join(sep);
    }
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}
} // namespace

QString tableToCsv(const QTableView* view, bool selectedOnly)
{
    return joinRows(view, selectedOnly, QStringLiteral(","), true);
}

TableProxy* setupTable(QTableView* view, QAbstractItemModel* model, QLineEdit* filter)
{
    auto* proxy = new TableProxy(view);
    proxy->setSourceModel(model);
    setupView(view, proxy, filter);
    return proxy;
}

void setupView(QTableView* view, QSortFilterProxyModel* proxy, QLineEdit* filter)
{
    view->setModel(proxy);
    view->setSortingEnabled(true);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setAlternatingRowColors(true);
    view->verticalHeader()->hide();
    view->horizontalHeader()->setStretchLastSection(true);
    view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    view->setWordWrap(false);

    if (filter) {
        // Debounced so typing does not refilter a large table on every key.
        auto* debounce = new QTimer(view);
        debounce->setSingleShot(true);
        debounce->setInterval(300);
        QObject::connect(filter, &QLineEdit::textChanged, debounce, qOverload<>(&QTimer::start));
        QObject::connect(debounce, &QTimer::timeout, proxy,
                         [proxy, filter] { proxy->setFilterFixedString(filter->text()); });
        filter->setClearButtonEnabled(true);
        filter->setPlaceholderText(QObject::tr("Filter (Ctrl+F)"));
    }

    auto* copy = new QAction(QObject::tr("Copy"), view);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetShortcut);
    QObject::connect(copy, &QAction::triggered, view,
                     [view] { QApplication::clipboard()->setText(joinRows(view, true, QStringLiteral("\t"), false)); });
    auto* exportCsv = new QAction(QObject::tr("Export CSV…"), view);
    QObject::connect(exportCsv, &QAction::triggered, view, [view] {
        const QString path = QFileDialog::getSaveFileName(view, QObject::tr("Export CSV"), QString(),
                                                          QObject::tr("CSV files (*.csv)"));
        if (path.isEmpty())
            return;
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
            QMessageBox::warning(view, QObject::tr("Export CSV"),
                                 QObject::tr("Cannot write %1: %2. Choose another folder.").arg(path, f.errorString()));
            return;
        }
        f.write(tableToCsv(view, false).toUtf8());
    });
    view->addAction(copy);
    view->addAction(exportCsv);
    view->setContextMenuPolicy(Qt::ActionsContextMenu);
}

} // namespace vigil::ui
