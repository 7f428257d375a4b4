#pragma once

#include <QString>

namespace vigil::test {

// How busy the machine is apart from the test: the share of all cores' time spent busy during a
// window in which the test itself runs nothing. Timing benchmarks use it to tell a result about
// Vigil from a result about other people's builds on the same cores.
struct MachineLoad
{
    double busyFraction = 0; // 0..1 over every core, during the window
    double loadAverage1 = 0; // /proc/loadavg, at the end of the window
    int cores = 1;
    bool contended() const { return busyFraction > kContendedBusyFraction; }
    QString describe() const;

    // Above this the figures are reported but not asserted: a quarter of the cores busy while the
    // test is idle means other work takes the CPU the measured programs would otherwise get.
    static constexpr double kContendedBusyFraction = 0.25;
};

// Samples /proc/stat over `ms` milliseconds; the caller runs nothing meanwhile.
MachineLoad sampleMachineLoad(int ms);

} // namespace vigil::test
