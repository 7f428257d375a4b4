#pragma once

#include "drillresult.h"

#include <QList>
#include <QMap>
#include <mutex>

namespace vigil::drills {

// Probe writes per 100 ms as they happen, for the live chart while a drill runs: the probe's
// thread records every write, the GUI takes a copy a few times per second. The final figures
// still come from the probe's own list (DrillResult::takeProbe).
class ProbeTally
{
public:
    void record(qint64 sentMs, bool acknowledged)
    {
        const std::lock_guard lock(m_mutex);
        ProbeBucket& b = m_buckets[sentMs / 100];
        b.atMs = (sentMs / 100) * 100;
        (acknowledged ? b.acknowledged : b.failed)++;
    }
    QList<ProbeBucket> snapshot() const
    {
        const std::lock_guard lock(m_mutex);
        return m_buckets.values();
    }

private:
    mutable std::mutex m_mutex;
    QMap<qint64, ProbeBucket> m_buckets;
};

} // namespace vigil::drills
