#include "timechart.h"

#include "loadtest/axisscale.h"
#include "theme.h"

#include <QChart>
#include <QDateTime>
#include <QLineSeries>
#include <QValueAxis>

namespace vigil::ui {

TimeChart::TimeChart(const QString& title, const QString& unit, QWidget* parent)
    : QChartView(new QChart, parent)
    , m_title(title)
    , m_unit(unit)
    , m_x(new QValueAxis)
    , m_y(new QValueAxis)
{
    chart()->setTitle(title);
    chart()->legend()->setAlignment(Qt::AlignRight);
    m_x->setLabelFormat(QStringLiteral("%.0f"));
    // Ticks on whole, round seconds counted back from now (0, -5, -10, ...): evenly split, a 30 s
    // window put them on -22.5 and -7.5, printed as -23 and -8.
    m_x->setTickType(QValueAxis::TicksDynamic);
    m_x->setTickAnchor(0);
    m_x->setTitleText(tr("seconds, relative to now"));
    m_y->setTitleText(unit);
    chart()->addAxis(m_x, Qt::AlignBottom);
    chart()->addAxis(m_y, Qt::AlignLeft);
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(180);
    followPalette(this);
}

void TimeChart::setCompact(bool compact)
{
    m_x->setTitleVisible(!compact);
    m_y->setTitleVisible(!compact);
    const bool addUnit = compact && !m_unit.isEmpty() && !m_title.contains(m_unit);
    chart()->setTitle(addUnit ? tr("%1 [%2]").arg(m_title, m_unit) : m_title);
    QFont f = chart()->titleFont();
    f.setPointSizeF(compact ? f.pointSizeF() * 0.9 : f.pointSizeF());
    chart()->setTitleFont(f);
    chart()->setMargins(compact ? QMargins(2, 2, 2, 2) : QMargins(10, 10, 10, 10));
}

int TimeChart::seriesCount() const
{
    return int(chart()->series().size());
}

int TimeChart::pointCount(int series) const
{
    const auto all = chart()->series();
    return series < all.size() ? int(static_cast<QLineSeries*>(all[series])->count()) : 0;
}

void TimeChart::setSeries(const QList<std::pair<QString, QList<QPointF>>>& series)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const double windowStart = double(now - qint64(m_windowSec) * 1000);
    qint64 earliest = now;
    double maxY = 0;
    QStringList names;
    for (const auto& [name, points] : series) {
        names << name;
        QLineSeries* line = nullptr;
        for (QAbstractSeries* a : chart()->series())
            if (a->name() == name)
                line = static_cast<QLineSeries*>(a);
        if (!line) {
            line = new QLineSeries;
            line->setName(name);
            chart()->addSeries(line);
            line->attachAxis(m_x);
            line->attachAxis(m_y);
        }
        QList<QPointF> shown;
        for (const QPointF& p : points) {
            if (p.x() < windowStart)
                continue;
            shown.append(QPointF((p.x() - double(now)) / 1000.0, p.y()));
            earliest = std::min(earliest, qint64(p.x()));
            maxY = std::max(maxY, p.y());
        }
        line->replace(shown);
    }
    for (QAbstractSeries* a : chart()->series())
        if (!names.contains(a->name())) {
            chart()->removeSeries(a);
            delete a;
        }
    const qint64 from = std::min(earliest, now - 30 * 1000);
    const double span = double(now - from) / 1000.0;
    m_x->setTickInterval(loadtest::secondsTickStep(span));
    m_x->setRange(-span, 0);
    if (m_fixedMax > 0) {
        m_y->setRange(0, m_fixedMax);
        return;
    }
    m_y->setRange(0, maxY > 0 ? maxY * 1.1 : 1);
    m_y->applyNiceNumbers();
}

} // namespace vigil::ui
