#include "stallmeter.h"

namespace vigil::test {

namespace {
constexpr int kIntervalMs = 2;
}

StallMeter::StallMeter(QObject* parent)
    : QObject(parent)
{
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(kIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        const qint64 now = m_clock.nsecsElapsed();
        const qint64 gap = now - m_lastNs - qint64(kIntervalMs) * 1000000;
        m_longestNs = std::max(m_longestNs, gap);
        m_lastNs = now;
        ++m_ticks;
    });
}

void StallMeter::start()
{
    m_longestNs = 0;
    m_ticks = 0;
    m_clock.start();
    m_lastNs = 0;
    m_timer.start();
}

} // namespace vigil::test
