#include "probechart.h"

#include "models/statuscolors.h"
#include "theme.h"

#include <QChart>
#include <QLineSeries>
#include <QPen>
#include <QValueAxis>
#include <algorithm>

namespace vigil::ui {

ProbeChart::ProbeChart(QWidget* parent)
    : QChartView(parent)
    , m_acked(new QLineSeries)
    , m_failed(new QLineSeries)
    , m_fault(new QLineSeries)
    , m_x(new QValueAxis)
    , m_y(new QValueAxis)
{
    // The view's own default chart is used: setChart() would release (not delete) it.
    QChart* c = chart();
    c->setTitle(tr("Probe writes per 100 ms"));
    c->legend()->setAlignment(Qt::AlignBottom);
    m_acked->setName(tr("acknowledged"));
    m_acked->setColor(statusColor(StatusLevel::Ok));
    m_failed->setName(tr("failed"));
    m_failed->setColor(statusColor(StatusLevel::Fail));
    m_fault->setName(tr("fault"));
    QPen faultPen(QColor(0xef, 0x6c, 0x00));
    faultPen.setStyle(Qt::DashLine);
    faultPen.setWidth(2);
    m_fault->setPen(faultPen);
    m_x->setTitleText(tr("seconds since the drill started"));
    m_x->setLabelFormat(QStringLiteral("%.1f"));
    m_x->setRange(0, 1);
    m_y->setLabelFormat(QStringLiteral("%.0f"));
    m_y->setRange(0, 2);
    m_y->setTickCount(3);
    c->addAxis(m_x, Qt::AlignBottom);
    c->addAxis(m_y, Qt::AlignLeft);
    for (QLineSeries* s : {m_acked, m_failed, m_fault}) {
        c->addSeries(s);
        s->attachAxis(m_x);
        s->attachAxis(m_y);
    }
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(180);
    followPalette(this);
    setToolTip(tr("Probe writes per 100 ms bucket: acknowledged (green) and failed (red); the dashed line is "
                  "the moment the fault was injected"));
}

void ProbeChart::show(const QList<drills::ProbeBucket>& buckets, qint64 faultMs)
{
    QList<QPointF> acked, failed;
    acked.reserve(buckets.size());
    failed.reserve(buckets.size());
    int maxY = 1;
    double endS = 1;
    for (const drills::ProbeBucket& b : buckets) {
        const double t = double(b.atMs) / 1000.0;
        acked << QPointF(t, b.acknowledged);
        failed << QPointF(t, b.failed);
        maxY = std::max({maxY, b.acknowledged, b.failed});
        endS = std::max(endS, t + 0.1);
    }
    m_acked->replace(acked);
    m_failed->replace(failed);
    if (faultMs >= 0)
        m_fault->replace({QPointF(double(faultMs) / 1000.0, 0), QPointF(double(faultMs) / 1000.0, maxY + 1)});
    else
        m_fault->clear();
    m_x->setRange(0, endS);
    m_y->setRange(0, maxY + 1);
    m_y->setTickCount(std::min(maxY + 2, 6)); // whole writes on every tick
}

int ProbeChart::pointCount() const
{
    return int(m_acked->count());
}

} // namespace vigil::ui
