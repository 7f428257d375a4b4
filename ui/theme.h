#pragma once

#include <QObject>
#include <QString>

#include <optional>

class QChartView;
class QDBusVariant;

// Light or dark, following the desktop (issue 8 §3). Qt 6.4 has no QStyleHints::colorScheme
// (6.5+), so the preference is read the way the desktops publish it: the XDG desktop portal's
// org.freedesktop.appearance color-scheme, then GTK_THEME and gsettings, then the platform
// palette's own window lightness. Dark means the Fusion style with a dark palette; everything
// Vigil paints itself (charts, topology, status colours) reads the palette, so it follows.
namespace vigil::ui {

enum class ThemeMode { Auto, Light, Dark };

// "auto" | "light" | "dark" (any case); nullopt for anything else.
std::optional<ThemeMode> parseThemeMode(const QString& text);

// The desktop's preference; `source` says which rule decided (for the log and the tests).
bool desktopPrefersDark(QString* source = nullptr);

// Applies the palette for `mode` (Auto: the desktop's preference) to the application and
// returns true when it is dark. Call after the QApplication exists; widgets that exist already
// receive QEvent::ApplicationPaletteChange and repaint.
bool applyTheme(ThemeMode mode);

// The chart follows the palette: ChartThemeDark on a dark palette, ChartThemeLight otherwise,
// now and after every palette change.
void followPalette(QChartView* view);

// In Auto mode, re-applies the theme when the desktop's portal announces a new color-scheme
// (the operator switches the desktop to dark while Vigil runs). Lives on the GUI thread.
class ThemeWatcher : public QObject
{
    Q_OBJECT
public:
    explicit ThemeWatcher(ThemeMode mode, QObject* parent = nullptr);
    bool listening() const { return m_listening; }

private Q_SLOTS:
    void onSettingChanged(const QString& group, const QString& key, const QDBusVariant& value);

private:
    ThemeMode m_mode;
    bool m_listening = false;
};

} // namespace vigil::ui
