#pragma once

#include "target.h"

#include <QJsonObject>

namespace vigil::cli {

// The "pool" section of `vigil report`: server connections of the primary (on `conn`) by state,
// max_connections, sessions waiting on locks, pgbouncer pools from the admin console when the
// target names one, and the pool advice. Blocking: for the CLI.
QJsonObject poolReport(const Target& target, pg::Connection& conn);

// Lines for the text report.
QString poolReportText(const QJsonObject& pool);

} // namespace vigil::cli
