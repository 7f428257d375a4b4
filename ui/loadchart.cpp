#include "loadchart.h"

#include "loadtest/axisscale.h"
#include "theme.h"

#include <QChart>
#include <QLineSeries>
#include <QPen>
#include <QValueAxis>
#include <cmath>

namespace vigil::ui {

namespace {
constexpr int kYTicks = 6; // five intervals: see append()
} // namespace

LoadChart::LoadChart(const QString& title, const QString& unit, const QStringList& names, QWidget* parent)
    : QChartView(new QChart, parent)
    , m_x(new QValueAxis)
    , m_y(new QValueAxis)
{
    chart()->setTitle(title);
    chart()->legend()->setAlignment(Qt::AlignBottom);
    chart()->setMargins(QMargins(4, 4, 4, 4));
    // Plain flat background: the shadow and rounded frame are repainted with every update.
    chart()->setDropShadowEnabled(false);
    chart()->setBackgroundRoundness(0);
    m_x->setLabelFormat(QStringLiteral("%.0f"));
    m_x->setTitleText(tr("seconds into the run"));
    m_y->setTitleText(unit);
    m_y->setLabelFormat(QStringLiteral("%.3g"));
    m_y->setTickCount(kYTicks);
    chart()->addAxis(m_x, Qt::AlignBottom);
    chart()->addAxis(m_y, Qt::AlignLeft);
    for (const QString& name : names) {
        auto* line = new QLineSeries;
        line->setName(name);
        chart()->addSeries(line);
        line->attachAxis(m_x);
        line->attachAxis(m_y);
        m_lines.insert(name, line);
    }
    // No antialiasing: a live chart repaints every second while hundreds of users compete for the
    // same cores, and software antialiasing was the largest part of the GUI thread's work.
    setRenderHint(QPainter::Antialiasing, false);
    // Whole seconds on the x axis, whatever the duration.
    m_x->setTickType(QValueAxis::TicksDynamic);
    m_x->setTickAnchor(0);
    setMinimumHeight(160);
    followPalette(this);
    clear();
}

void LoadChart::clear()
{
    for (QLineSeries* l : std::as_const(m_lines))
        l->clear();
    m_maxX = 0;
    m_maxY = 0;
    setXRange(m_planned);
    m_y->setRange(0, 1);
}

void LoadChart::setLineStyle(const QString& name, double width, Qt::PenStyle style)
{
    if (QLineSeries* line = m_lines.value(name)) {
        QPen pen = line->pen();
        pen.setWidthF(width);
        pen.setStyle(style);
        line->setPen(pen);
    }
}

void LoadChart::setPlannedSeconds(double seconds)
{
    m_planned = std::max(1.0, seconds);
    setXRange(std::max(m_planned, m_maxX));
}

void LoadChart::setXRange(double top)
{
    m_x->setTickInterval(loadtest::secondsTickStep(top));
    m_x->setRange(0, top);
}

void LoadChart::append(const QString& name, double second, double value)
{
    QLineSeries* line = m_lines.value(name);
    if (!line || !std::isfinite(value))
        return;
    line->append(second, value);
    if (second > m_maxX) {
        m_maxX = second;
        if (m_maxX > m_planned)
            setXRange(loadtest::niceAxisTop(m_maxX));
    }
    if (value > m_maxY) {
        m_maxY = value;
        // 10 % headroom so the top line does not sit on the frame; a round top means the axis
        // (and the chart's layout, the costly part of an update) changes a few times per run
        // instead of every time the peak creeps up.
        const double top = loadtest::niceAxisTop(m_maxY * 1.1);
        if (top != m_y->max()) {
            // Five intervals of a 1/2/5 top are 0.2, 0.4 or 1 times a power of ten, so each tick
            // prints exactly with the decimals its interval needs (four intervals of 10 put ticks
            // on 2.5 and 7.5, which "%.0f" printed as 3 and 8); %g would print 1500 as 1.5e+03.
            const double interval = top / (kYTicks - 1);
            const int decimals = std::max(0, -int(std::floor(std::log10(interval) + 1e-9)));
            m_y->setLabelFormat(QStringLiteral("%.%1f").arg(decimals));
            m_y->setRange(0, top);
        }
    }
}

int LoadChart::pointCount(const QString& name) const
{
    const QLineSeries* l = m_lines.value(name);
    return l ? int(l->count()) : 0;
}

double LoadChart::lastValue(const QString& name) const
{
    const QLineSeries* l = m_lines.value(name);
    return l && l->count() > 0 ? l->at(l->count() - 1).y() : 0;
}

} // namespace vigil::ui
