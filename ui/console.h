#pragma once

#include <QStringList>

namespace vigil::ui {

// The GUI entry: parses --sandbox / --sandbox-dir / --profile, shows the main window, runs the
// event loop and shuts down cleanly on close or SIGTERM.
int runConsole(const QStringList& args);

} // namespace vigil::ui
