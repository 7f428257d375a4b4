#pragma once

namespace vigil::loadtest {

// Round axis figures, shared by the Load tests tab's live charts and the HTML report's SVG charts
// so both scale and label a run alike.

// The next 1, 2 or 5 times a power of ten at or above `value` (1 when `value` is not positive).
double niceAxisTop(double value);

// Whole, round seconds between labelled ticks on a time axis `seconds` long (1, 2, 5, 10, 20, 30,
// 60, ... s apart): about five ticks.
double secondsTickStep(double seconds);

} // namespace vigil::loadtest
