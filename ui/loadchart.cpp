#include "loadchart.h"

#include <QChart>
#include <QLineSeries>
#include <QValueAxis>
#include <cmath>

namespace vigil::ui {

LoadChart::LoadChart(const QString& title, const QString& unit, const QStringList& names, QWidget* parent)
    : QChartView(new QChart, parent)
    , m_x(new QValueAxis)
    , m_y(new QValueAxis)
{
    chart()->setTitle(title);
    chart()->legend()->setAlignment(Qt::AlignBottom);
    chart()->setMargins(QMargins(4, 4, 4, 4));
    m_x->setLabelFormat(QStringLiteral("%.0f"));
    m_x->setTitleText(tr("seconds into the run"));
    m_y->setTitleText(unit);
    m_y->setLabelFormat(QStringLiteral("%.4g"));
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
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(160);
    clear();
}

void LoadChart::clear()
{
    for (QLineSeries* l : std::as_const(m_lines))
        l->clear();
    m_maxX = 0;
    m_maxY = 0;
    m_x->setRange(0, m_planned);
    m_y->setRange(0, 1);
}

void LoadChart::setPlannedSeconds(double seconds)
{
    m_planned = std::max(1.0, seconds);
    m_x->setRange(0, std::max(m_planned, m_maxX));
}

void LoadChart::append(const QString& name, double second, double value)
{
    QLineSeries* line = m_lines.value(name);
    if (!line || !std::isfinite(value))
        return;
    line->append(second, value);
    if (second > m_maxX) {
        m_maxX = second;
        m_x->setRange(0, std::max(m_planned, m_maxX));
    }
    if (value > m_maxY) {
        m_maxY = value;
        // 10 % headroom so the top line does not sit on the frame.
        m_y->setRange(0, m_maxY * 1.1);
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
