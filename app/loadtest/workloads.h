#pragma once

#include "pgbenchscript.h"

#include <QString>
#include <QStringList>

namespace vigil::loadtest {

// Built-in workloads (resources/workloads/NAME.sql): pgbench's select-only and tpcb-like, and the
// trading mix against the sandbox schema.
QStringList builtinWorkloads();
// A built-in name or a script file. On failure *error says what, with file and line for syntax.
bool loadWorkload(const QString& nameOrPath, Script* out, QString* error);
// The script text of a built-in (empty when unknown).
QString builtinWorkloadText(const QString& name);

} // namespace vigil::loadtest
