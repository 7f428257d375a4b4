#include "machineload.h"

#include <QFile>
#include <QThread>

namespace vigil::test {

namespace {
// Busy and total jiffies of all cores together (the "cpu " line of /proc/stat).
bool cpuTimes(quint64* busy, quint64* total)
{
    QFile f(QStringLiteral("/proc/stat"));
    if (!f.open(QIODevice::ReadOnly))
        return false;
    const QList<QByteArray> fields = f.readLine().simplified().split(' ');
    if (fields.size() < 5 || fields[0] != "cpu")
        return false;
    *busy = *total = 0;
    for (int i = 1; i < fields.size(); ++i) {
        const quint64 v = fields[i].toULongLong();
        *total += v;
        if (i != 4 && i != 5) // idle, iowait
            *busy += v;
    }
    return true;
}
} // namespace

QString MachineLoad::describe() const
{
    return QStringLiteral("%1 % of %2 cores busy while the test was idle, load average %3")
        .arg(busyFraction * 100, 0, 'f', 0)
        .arg(cores)
        .arg(loadAverage1, 0, 'f', 2);
}

MachineLoad sampleMachineLoad(int ms)
{
    MachineLoad m;
    m.cores = std::max(1, QThread::idealThreadCount());
    quint64 busy0 = 0, total0 = 0, busy1 = 0, total1 = 0;
    const bool ok = cpuTimes(&busy0, &total0);
    // A measurement window, not a wait for a condition: the machine is observed for this long.
    QThread::msleep(ulong(ms));
    if (ok && cpuTimes(&busy1, &total1) && total1 > total0)
        m.busyFraction = double(busy1 - busy0) / double(total1 - total0);
    QFile f(QStringLiteral("/proc/loadavg"));
    if (f.open(QIODevice::ReadOnly))
        m.loadAverage1 = f.readAll().split(' ').value(0).toDouble();
    return m;
}

} // namespace vigil::test
