#pragma once

#include "target.h"

#include <QJsonObject>

namespace vigil::cli {

struct ReportOptions
{
    int thresholdMs = -1; // -1: the profile's slow threshold
    QString storePath; // local store with the slow-query history; empty: the default
};

// The optimization report of a target as one JSON object: "query_stats", "patterns" (all
// patterns of the target database by total time, Vigil's own excluded), "slow" (running now and
// history), "cache". Later capabilities add their own sections. Blocking: for the CLI.
bool buildReport(const Target& target, const ReportOptions& options, QJsonObject* report, QString* error);

// The same report for people: a summary, the top patterns, slow statements, cache figures.
QString reportText(const QJsonObject& report);

} // namespace vigil::cli
