#pragma once

#include <QChartView>
#include <QHash>
#include <QStringList>

class QLineSeries;
class QValueAxis;

namespace vigil::ui {

// A live chart of a load run: x is seconds into the run (not wall time, so a finished run stays
// put and two runs line up), one line per name. append() adds a point per second; only the axes
// move, so a second's update costs a few microseconds whatever the run's length.
class LoadChart : public QChartView
{
    Q_OBJECT
public:
    LoadChart(const QString& title, const QString& unit, const QStringList& names, QWidget* parent = nullptr);

    void clear();
    void append(const QString& name, double second, double value);
    // The x axis spans at least this many seconds (the planned duration).
    void setPlannedSeconds(double seconds);
    // A line's width and style (dashed: a reference, such as a target, the others are read against).
    void setLineStyle(const QString& name, double width, Qt::PenStyle style = Qt::SolidLine);
    int pointCount(const QString& name) const;
    double lastValue(const QString& name) const;

private:
    void setXRange(double top);

    QHash<QString, QLineSeries*> m_lines;
    QValueAxis* m_x;
    QValueAxis* m_y;
    double m_planned = 10, m_maxX = 0, m_maxY = 0;
};

} // namespace vigil::ui
