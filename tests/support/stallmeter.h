#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace vigil::test {

// Stall budgets are for the optimised builds the figures are about; ASan/UBSan slow the GUI
// thread several times over, so their runs check memory errors against a looser budget.
#ifdef VIGIL_SANITIZED
inline constexpr double kStallBudgetFactor = 4.0;
#else
inline constexpr double kStallBudgetFactor = 1.0;
#endif

// Measures how long the thread's event loop goes without servicing events: a 2 ms timer notes
// the longest gap between its ticks beyond the interval itself.
class StallMeter : public QObject
{
    Q_OBJECT
public:
    explicit StallMeter(QObject* parent = nullptr);
    void start();
    void stop() { m_timer.stop(); }
    double longestStallMs() const { return double(m_longestNs) / 1e6; }
    int ticks() const { return m_ticks; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_lastNs = 0;
    qint64 m_longestNs = 0;
    int m_ticks = 0;
};

} // namespace vigil::test
