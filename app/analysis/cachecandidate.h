#pragma once

#include "monitor/statements.h"

#include <QString>

namespace vigil::analysis {

// Thresholds for marking a pattern as worth caching in Redis: frequent, cheap per call (so the
// load is in the count, not the plan) and returning few rows (so a cache entry stays small).
struct CacheCandidateRules
{
    double minCallsPerSec = 1.0; // or, before a rate exists, at least minCalls in total
    qint64 minCalls = 1000;
    double maxMeanMs = 10.0;
    double maxRowsPerCall = 10.0;
};

// Empty when the pattern is not a candidate; otherwise the reason, with its numbers.
QString cacheCandidateReason(const StatementEntry& e, const CacheCandidateRules& rules = {});

} // namespace vigil::analysis
