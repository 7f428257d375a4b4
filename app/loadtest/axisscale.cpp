#include "axisscale.h"

#include <cmath>
#include <initializer_list>

namespace vigil::loadtest {

double niceAxisTop(double value)
{
    if (!(value > 0))
        return 1;
    const double power = std::pow(10.0, std::floor(std::log10(value)));
    for (const double m : {1.0, 2.0, 5.0, 10.0})
        if (value <= m * power)
            return m * power;
    return 10 * power;
}

double secondsTickStep(double seconds)
{
    for (const double step : {1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1200.0, 1800.0, 3600.0})
        if (seconds / step <= 6)
            return step;
    return 1; // longer than 6 h: as before, one-second ticks (Qt and the report thin them)
}

} // namespace vigil::loadtest
