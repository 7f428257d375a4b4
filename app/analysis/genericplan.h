#pragma once

#include "pg/pgconnection.h"

#include <QString>

namespace vigil::analysis {

// Number of $n parameters a normalized statement needs (the highest n).
int parameterCount(const QString& sql);

// The planner's generic plan for a normalized pg_stat_statements text ($1, $2 ...), on an open
// connection: PostgreSQL 15 has no EXPLAIN (GENERIC_PLAN), so PREPARE under
// plan_cache_mode = force_generic_plan and EXPLAIN EXECUTE with NULLs. Nothing is executed.
// `format` is "text" or "json". Returns the plan, or an empty string with *error set.
QString genericPlan(pg::Connection& conn, const QString& sql, const QString& format, QString* error);

} // namespace vigil::analysis
