#pragma once

#include <QStringList>

namespace vigil::cli {

// True when argv[1] names a CLI subcommand (so main() starts no GUI).
bool isSubcommand(const QString& word);
// Runs `vigil <subcommand> ...` (args without the program name) and returns the exit code.
int run(const QStringList& args);

} // namespace vigil::cli
