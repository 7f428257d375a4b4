#include "overviewpage.h"

#include "banner.h"
#include "monitor/clustermonitor.h"
#include "models/nodetablemodel.h"
#include "tablesetup.h"

#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QShortcut>
#include <QSplitter>
#include <QTableView>
#include <QValueAxis>
#include <QVBoxLayout>

namespace vigil::ui {

namespace {
    constexpr int kChartWindowSec = 300;
}

OverviewPage::OverviewPage(ClusterMonitor* monitor, NodeTableModel* model, QWidget* parent)
    : QWidget(parent)
    , m_monitor(monitor)
    , m_model(model)
    , m_banner(new Banner(this))
    , m_filter(new QLineEdit(this))
    , m_table(new QTableView(this))
    , m_chart(new QChart)
    , m_chartView(new QChartView(m_chart, this))
    , m_timeAxis(new QDateTimeAxis)
    , m_valueAxis(new QValueAxis)
{
    m_proxy = setupTable(m_table, model, m_filter);
    m_table->sortByColumn(-1, Qt::AscendingOrder); // profile order until the operator sorts
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    auto* find = new QShortcut(QKeySequence::Find, this);
    connect(find, &QShortcut::activated, m_filter, [this] { m_filter->setFocus(); });

    m_chart->setTitle(tr("Transactions per second (PostgreSQL, pgbouncer) and commands per second (Redis), last 5 min"));
    m_chart->legend()->setAlignment(Qt::AlignRight);
    m_timeAxis->setFormat(QStringLiteral("HH:mm:ss"));
    m_timeAxis->setTickCount(6);
    m_valueAxis->setLabelFormat(QStringLiteral("%.0f"));
    m_valueAxis->setTitleText(tr("per second"));
    m_chart->addAxis(m_timeAxis, Qt::AlignBottom);
    m_chart->addAxis(m_valueAxis, Qt::AlignLeft);
    m_chartView->setRenderHint(QPainter::Antialiasing);
    m_chartView->setMinimumHeight(220);
    m_chartView->setToolTip(tr("Counter deltas divided by the measured time between polls, per node"));

    auto* top = new QWidget(this);
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(m_filter);
    topLayout->addWidget(m_table);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(top);
    split->addWidget(m_chartView);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_banner);
    layout->addWidget(split, 1);
}

void OverviewPage::refresh()
{
    QList<Banner::Item> items;
    for (const NodeSnapshot& s : m_monitor->latestAll()) {
        if (!s.reachable)
            items.append({ s.diagnosis.toText(), {}, true });
        for (const Finding& f : s.findings)
            items.append({ f.message, f.fixSql, false });
    }
    m_banner->setItems(items);
    if (isVisible())
        updateChart();
}

void OverviewPage::updateChart()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    double maxY = 1;
    QStringList wanted;
    for (const NodeSnapshot& s : m_monitor->latestAll()) {
        const Metric metric = s.kind == NodeKind::Redis ? Metric::OpsPerSec : Metric::Tps;
        if (s.kind == NodeKind::Sentinel)
            continue;
        wanted << s.node;
        QLineSeries* series = nullptr;
        for (QAbstractSeries* a : m_chart->series())
            if (a->name() == s.node)
                series = static_cast<QLineSeries*>(a);
        if (!series) {
            series = new QLineSeries;
            series->setName(s.node);
            m_chart->addSeries(series);
            series->attachAxis(m_timeAxis);
            series->attachAxis(m_valueAxis);
        }
        QList<QPointF> points;
        if (const TimeSeries* ts = m_monitor->series(s.node, metric))
            for (const QPointF& p : ts->points())
                if (p.x() >= double(now - kChartWindowSec * 1000)) {
                    points.append(p);
                    maxY = std::max(maxY, p.y());
                }
        series->replace(points);
    }
    for (QAbstractSeries* a : m_chart->series())
        if (!wanted.contains(a->name()))
            m_chart->removeSeries(a), delete a;
    m_timeAxis->setRange(QDateTime::fromMSecsSinceEpoch(now - kChartWindowSec * 1000), QDateTime::fromMSecsSinceEpoch(now));
    m_valueAxis->setRange(0, maxY * 1.1);
}

} // namespace vigil::ui
