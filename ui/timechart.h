#pragma once

#include <QChartView>
#include <QList>
#include <QPointF>

class QValueAxis;

namespace vigil::ui {

// A line chart of measured points over time; x is seconds relative to now, so the axis reads as
// "how long ago". The window is the last `windowSec` seconds, but never wider than the data.
class TimeChart : public QChartView
{
    Q_OBJECT
public:
    explicit TimeChart(const QString& title, const QString& unit, QWidget* parent = nullptr);

    // Points are (ms since epoch, value). A name not given again is removed.
    void setSeries(const QList<std::pair<QString, QList<QPointF>>>& series);
    void setWindowSec(int sec) { m_windowSec = sec; }
    // A fixed top for the value axis (100 for percentages); 0 scales to the data.
    void setFixedMax(double max) { m_fixedMax = max; }
    // For small charts in side panes: no axis titles and a smaller title, so tick labels fit;
    // the value axis's unit then goes into the title, so the numbers still say what they are.
    void setCompact(bool compact);
    int seriesCount() const;
    int pointCount(int series) const;

private:
    QString m_title, m_unit;
    QValueAxis* m_x;
    QValueAxis* m_y;
    int m_windowSec = 300;
    double m_fixedMax = 0;
};

} // namespace vigil::ui
