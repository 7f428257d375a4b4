#include "timeseries.h"

#include <cmath>

namespace vigil {

void TimeSeries::append(qint64 msecs, double value)
{
    if (std::isnan(value))
        return; // a gap is better than an invented zero
    const QPointF p(double(msecs), value);
    if (m_points.size() < m_capacity) {
        m_points.append(p);
        return;
    }
    m_points[m_head] = p;
    m_head = (m_head + 1) % m_capacity;
}

QList<QPointF> TimeSeries::points() const
{
    if (m_points.size() < m_capacity || m_head == 0)
        return m_points;
    QList<QPointF> out;
    out.reserve(m_points.size());
    out.append(m_points.mid(m_head));
    out.append(m_points.mid(0, m_head));
    return out;
}

QPointF TimeSeries::last() const
{
    if (m_points.isEmpty())
        return {};
    if (m_points.size() < m_capacity || m_head == 0)
        return m_points.last();
    return m_points[(m_head + m_capacity - 1) % m_capacity];
}

double TimeSeries::max() const
{
    double m = 0;
    for (const QPointF& p : m_points)
        m = std::max(m, p.y());
    return m;
}

} // namespace vigil
