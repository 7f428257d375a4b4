#include "cachecandidate.h"

#include <QLocale>

namespace vigil::analysis {

QString cacheCandidateReason(const StatementEntry& e, const CacheCandidateRules& rules)
{
    if (e.kind != StatementKind::Select || e.vigil || e.calls <= 0)
        return {};
    const bool frequent = hasValue(e.callsPerSec) ? e.callsPerSec >= rules.minCallsPerSec : e.calls >= rules.minCalls;
    const double rowsPerCall = e.rowsPerCall();
    if (!frequent || e.meanMs > rules.maxMeanMs || rowsPerCall > rules.maxRowsPerCall)
        return {};
    const QLocale c = QLocale::c();
    const QString freq = hasValue(e.callsPerSec) ? QStringLiteral("%1 calls/s").arg(c.toString(e.callsPerSec, 'f', 1))
                                                 : QStringLiteral("%1 calls").arg(e.calls);
    return QStringLiteral("read-only, frequent (%1), cheap (%2 ms mean) and small (%3 rows per call): a Redis "
                          "cache with a short TTL would take these reads off PostgreSQL")
        .arg(freq, c.toString(e.meanMs, 'f', 2), c.toString(rowsPerCall, 'f', 1));
}

} // namespace vigil::analysis
