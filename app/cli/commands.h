#pragma once

#include <QStringList>

// One function per subcommand; each takes the arguments after its name and returns the exit
// code. Errors go to stderr, --json output to stdout only.
namespace vigil::cli {
int sandboxCommand(const QStringList& args);
int profileCommand(const QStringList& args);
int statusCommand(const QStringList& args);
int reportCommand(const QStringList& args);
int adviseCommand(const QStringList& args);
int applyIndexCommand(const QStringList& args);
int drillCommand(const QStringList& args);
int loadtestCommand(const QStringList& args);
int checklistCommand(const QStringList& args);
} // namespace vigil::cli
