#pragma once

#include "loadresult.h"

#include <QJsonObject>
#include <QString>

namespace vigil::loadtest {

// The CLI's --json shape: {"requests", "errors", "rps", "latency_ms": {avg, p50, p95, p99, max},
// "errors_by_sqlstate", "breaking_point"} plus the run's context, per-second series and
// per-statement figures. "requests" are completed script runs (transactions), "rps" is
// transactions per second (pgbench's tps); failed runs are "errors".
QJsonObject resultToJson(const RunResult& r);
// A self-contained HTML page (no external resources): summary, chart (inline SVG), per-second
// table, per-statement table, errors.
QString resultToHtml(const RunResult& r);
// A few lines for a terminal.
QString resultToText(const RunResult& r);

} // namespace vigil::loadtest
