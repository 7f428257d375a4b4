#pragma once

#include "drillresult.h"

#include <QDateTime>
#include <QString>

namespace vigil::drills {

// The operator's objectives a drill is judged against.
struct DrillTargets
{
    qint64 rtoMs = 5000;
    qint64 rpoWrites = 0;
};

struct DrillVerdict
{
    bool rtoOk = false;
    bool rpoOk = false;
    bool pass() const { return rtoOk && rpoOk; }
};

// A drill passes when it completed, its RTO is within the target and no more acknowledged writes
// were lost than the target allows; an aborted drill never passes.
DrillVerdict judge(const DrillResult& result, const DrillTargets& targets);

// Probe writes per 100 ms as an SVG bar chart (acknowledged above the axis, failed below), with
// the fault and the RTO window marked: the same picture as the Drills tab's chart, but
// self-contained, so the HTML report needs no script and no network.
QString probeChartSvg(const DrillResult& result, int width = 900, int height = 260);

// A self-contained HTML report of one drill: verdict against the targets, RTO, RPO (writes and
// WAL bytes), the demoted master's lost writes, the probe chart, every step with its timing and
// what it saw, and what to do next when it aborted.
QString reportHtml(const DrillResult& result, const DrillTargets& targets, const QString& profile,
                   const QDateTime& startedAt);

} // namespace vigil::drills
