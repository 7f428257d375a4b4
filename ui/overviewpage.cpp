#include "overviewpage.h"

#include "banner.h"
#include "checklistpanel.h"
#include "models/nodetablemodel.h"
#include "monitor/clustermonitor.h"
#include "tablesetup.h"
#include "timechart.h"

#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QShortcut>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace vigil::ui {

OverviewPage::OverviewPage(ClusterMonitor* monitor, NodeTableModel* model, QWidget* parent)
    : QWidget(parent)
    , m_monitor(monitor)
    , m_model(model)
    , m_banner(new Banner(this))
    , m_filter(new QLineEdit(this))
    , m_table(new QTableView(this))
    , m_checklist(new ChecklistPanel(this))
    , m_rates(new TimeChart(tr("Transactions per second (PostgreSQL, pgbouncer) and commands per second (Redis)"),
                            tr("per second"), this))
{
    m_proxy = setupTable(m_table, model, m_filter);
    m_table->sortByColumn(-1, Qt::AscendingOrder); // profile order until the operator sorts
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    auto* find = new QShortcut(QKeySequence::Find, this);
    connect(find, &QShortcut::activated, m_filter, [this] { m_filter->setFocus(); });

    // Compact (no axis titles, small margins) leaves room for the checklist at 1280 x 800.
    m_rates->setCompact(true);
    m_rates->setMinimumHeight(190);
    m_rates->setToolTip(tr("Counter deltas divided by the measured time between polls, per node"));

    auto* top = new QWidget(this);
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(m_filter);
    topLayout->addWidget(m_table);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(top);
    split->addWidget(m_checklist);
    split->addWidget(m_rates);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 4);
    split->setStretchFactor(2, 2);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_banner);
    layout->addWidget(split, 1);
}

void OverviewPage::refresh()
{
    QList<Banner::Item> items;
    for (const NodeSnapshot& s : m_monitor->latestAll()) {
        if (!s.reachable)
            items.append({s.diagnosis.toText(), {}, true});
        for (const Finding& f : s.findings)
            items.append({f.message, f.fixSql, false});
    }
    m_banner->setItems(items);
    if (isVisible())
        updateChart();
}

QChart* OverviewPage::chart() const
{
    return m_rates->chart();
}

void OverviewPage::updateChart()
{
    QList<std::pair<QString, QList<QPointF>>> series;
    for (const NodeSnapshot& s : m_monitor->latestAll()) {
        if (s.kind == NodeKind::Sentinel)
            continue;
        const TimeSeries* ts = m_monitor->series(s.node, s.kind == NodeKind::Redis ? Metric::OpsPerSec : Metric::Tps);
        series.append({s.node, ts ? ts->points() : QList<QPointF>()});
    }
    m_rates->setSeries(series);
}

} // namespace vigil::ui
