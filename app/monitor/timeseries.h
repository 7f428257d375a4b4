#pragma once

#include <QList>
#include <QPointF>

namespace vigil {

// A bounded ring of (time ms since epoch, value) points; charts read it, the monitor appends.
class TimeSeries
{
public:
    explicit TimeSeries(int capacity = 3600)
        : m_capacity(capacity)
    {
    }

    void append(qint64 msecs, double value);
    int size() const { return int(m_points.size()); }
    bool isEmpty() const { return m_points.isEmpty(); }
    // Oldest first.
    QList<QPointF> points() const;
    QPointF last() const;
    double max() const;

private:
    int m_capacity;
    QList<QPointF> m_points; // ring storage
    int m_head = 0; // index of the oldest point once full
};

} // namespace vigil
