#pragma once

#include "drills/drillresult.h"

#include <QChartView>

class QLineSeries;
class QValueAxis;

namespace vigil::ui {

// A drill's probe writes per 100 ms (acknowledged and failed) with the fault marked; fed live
// while the drill runs and with the final figures when it ends. Series and axes are made once
// and refilled, so a refresh several times per second stays cheap.
class ProbeChart : public QChartView
{
    Q_OBJECT
public:
    explicit ProbeChart(QWidget* parent = nullptr);

    // `faultMs` < 0: no fault yet.
    void show(const QList<drills::ProbeBucket>& buckets, qint64 faultMs);
    int pointCount() const;

private:
    QLineSeries* m_acked;
    QLineSeries* m_failed;
    QLineSeries* m_fault;
    QValueAxis* m_x;
    QValueAxis* m_y;
};

} // namespace vigil::ui
