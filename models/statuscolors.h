#pragma once

#include <QBrush>
#include <QColor>
#include <QIcon>
#include <QPalette>
#include <QString>

// Status colours that stay readable on the light and the dark palette (issue 8 §3). Each pair
// was chosen for a contrast of at least 4.5:1 against its palette's base colour (WCAG AA), so
// green, amber and red text read as well on white as on the dark Fusion palette.
namespace vigil {

enum class StatusLevel { Ok, Warn, Fail, Unknown };

// "ok" | "warn" | "fail" (the checklist's words); anything else is Unknown.
StatusLevel statusFromString(const QString& status);

// True when the palette's window colour is dark (lightness under half).
bool isDarkPalette(const QPalette& palette);

// The colour for `status` on `palette` (default: the application's current palette).
QColor statusColor(StatusLevel status, const QPalette& palette);
QColor statusColor(StatusLevel status);
// A ForegroundRole brush for models.
QBrush statusBrush(StatusLevel status);

// A filled circle in the status colour, at 16, 24, 32 and 48 px (crisp at any device pixel ratio:
// QIcon picks the size nearest to size × ratio).
QIcon statusIcon(StatusLevel status);

} // namespace vigil
