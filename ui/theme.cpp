#include "theme.h"

#include "models/statuscolors.h"

#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusVariant>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QStyle>
#include <QStyleFactory>

namespace vigil::ui {

namespace {

// The palette the platform gave before Vigil changed anything: the last rule of the desktop
// preference, and what Auto restores when the desktop goes back to light.
const QPalette& platformPalette()
{
    static const QPalette saved = QGuiApplication::palette();
    return saved;
}

// A session bus we may talk to without starting one: libdbus would autolaunch a bus (dbus-x11)
// when none is set, which is not ours to do.
bool haveSessionBus()
{
    if (!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
        return true;
    const QString runtime = qEnvironmentVariable("XDG_RUNTIME_DIR");
    return !runtime.isEmpty() && QFileInfo::exists(runtime + QStringLiteral("/bus"));
}

QVariant unwrap(QVariant v)
{
    // Settings.Read answers a variant holding the variant that holds the value.
    while (v.metaType() == QMetaType::fromType<QDBusVariant>())
        v = v.value<QDBusVariant>().variant();
    return v;
}

// org.freedesktop.appearance color-scheme: 0 no preference, 1 prefer dark, 2 prefer light.
std::optional<bool> portalPrefersDark()
{
    if (!haveSessionBus())
        return std::nullopt;
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected())
        return std::nullopt;
    QDBusMessage call = QDBusMessage::createMethodCall(
        QStringLiteral("org.freedesktop.portal.Desktop"), QStringLiteral("/org/freedesktop/portal/desktop"),
        QStringLiteral("org.freedesktop.portal.Settings"), QStringLiteral("Read"));
    call << QStringLiteral("org.freedesktop.appearance") << QStringLiteral("color-scheme");
    // Local IPC, once at start-up; bounded so a portal that is still activating cannot hold the
    // window back.
    const QDBusMessage reply = bus.call(call, QDBus::Block, 300);
    if (reply.type() != QDBusMessage::ReplyMessage || reply.arguments().isEmpty())
        return std::nullopt;
    const uint scheme = unwrap(reply.arguments().constFirst()).toUInt();
    if (scheme == 1)
        return true;
    if (scheme == 2)
        return false;
    return std::nullopt;
}

// GTK_THEME=Adwaita:dark (or a theme named *-dark) is how GTK apps are told to go dark.
std::optional<bool> gtkThemePrefersDark()
{
    const QString theme = qEnvironmentVariable("GTK_THEME").toLower();
    if (theme.isEmpty())
        return std::nullopt;
    return theme.contains(QLatin1String(":dark")) || theme.endsWith(QLatin1String("-dark"));
}

std::optional<bool> gsettingsPrefersDark(QString* source)
{
    const QString gsettings = QStandardPaths::findExecutable(QStringLiteral("gsettings"));
    if (gsettings.isEmpty() || !haveSessionBus())
        return std::nullopt;
    const auto read = [&gsettings](const QString& key) {
        QProcess p;
        p.start(gsettings, {QStringLiteral("get"), QStringLiteral("org.gnome.desktop.interface"), key});
        // A local read of dconf, once at start-up, bounded.
        if (!p.waitForFinished(500)) {
            p.kill();
            p.waitForFinished(100);
            return QString();
        }
        return QString::fromUtf8(p.readAllStandardOutput()).trimmed().toLower();
    };
    const QString scheme = read(QStringLiteral("color-scheme"));
    if (scheme.contains(QLatin1String("prefer-dark")) || scheme.contains(QLatin1String("prefer-light"))) {
        *source = QStringLiteral("gsettings color-scheme");
        return scheme.contains(QLatin1String("prefer-dark"));
    }
    const QString gtk = read(QStringLiteral("gtk-theme"));
    if (gtk.contains(QLatin1String("-dark"))) {
        *source = QStringLiteral("gsettings gtk-theme");
        return true;
    }
    return std::nullopt;
}

QPalette darkPalette()
{
    const QColor window(0x35, 0x35, 0x35), base(0x2a, 0x2a, 0x2a), text(0xe8, 0xe8, 0xe8);
    const QColor disabled(0x80, 0x80, 0x80), highlight(0x2a, 0x82, 0xda);
    QPalette p;
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x3a, 0x3a, 0x3a));
    p.setColor(QPalette::ToolTipBase, QColor(0x20, 0x20, 0x20));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9a, 0x9a));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xff, 0x7b, 0x72));
    p.setColor(QPalette::Light, QColor(0x4a, 0x4a, 0x4a));
    p.setColor(QPalette::Midlight, QColor(0x3e, 0x3e, 0x3e));
    p.setColor(QPalette::Mid, QColor(0x2c, 0x2c, 0x2c));
    p.setColor(QPalette::Dark, QColor(0x23, 0x23, 0x23));
    p.setColor(QPalette::Shadow, QColor(0x14, 0x14, 0x14));
    p.setColor(QPalette::Link, QColor(0x6c, 0xb4, 0xff));
    p.setColor(QPalette::LinkVisited, QColor(0xb3, 0x9d, 0xff));
    p.setColor(QPalette::Highlight, highlight);
    p.setColor(QPalette::HighlightedText, Qt::white);
    for (const auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabled);
    p.setColor(QPalette::Disabled, QPalette::Highlight, QColor(0x50, 0x50, 0x50));
    return p;
}

// Re-themes one chart on every palette change of its view (a platform theme change, a palette
// set on a parent). applyTheme() also calls it directly: a widget that is not shown may hear of
// an application palette change only later.
class ChartFollower : public QObject
{
public:
    explicit ChartFollower(QChartView* view)
        : QObject(view)
        , m_view(view)
    {
        view->installEventFilter(this);
        apply(view->palette());
        all().append(this);
    }
    ~ChartFollower() override { all().removeOne(this); }

    // Every follower alive (GUI thread only).
    static QList<ChartFollower*>& all()
    {
        static QList<ChartFollower*> followers;
        return followers;
    }

    bool eventFilter(QObject* watched, QEvent* event) override
    {
        // PaletteChange reaches the filter after the view's palette was resolved again.
        if (watched == m_view && event->type() == QEvent::PaletteChange)
            apply(m_view->palette());
        return false;
    }

    void apply(const QPalette& palette)
    {
        QChart* chart = m_view->chart();
        const QChart::ChartTheme theme = isDarkPalette(palette) ? QChart::ChartThemeDark : QChart::ChartThemeLight;
        if (!chart || chart->theme() == theme)
            return;
        // setTheme also resets what the charts tuned on purpose: keep those.
        const bool shadow = chart->isDropShadowEnabled();
        const qreal roundness = chart->backgroundRoundness();
        const QFont titleFont = chart->titleFont();
        const QMargins margins = chart->margins();
        chart->setTheme(theme);
        chart->setDropShadowEnabled(shadow);
        chart->setBackgroundRoundness(roundness);
        chart->setTitleFont(titleFont);
        chart->setMargins(margins);
    }

    QChartView* view() const { return m_view; }

private:
    QChartView* m_view;
};

} // namespace

std::optional<ThemeMode> parseThemeMode(const QString& text)
{
    const QString t = text.trimmed().toLower();
    if (t == QLatin1String("auto") || t.isEmpty())
        return ThemeMode::Auto;
    if (t == QLatin1String("light"))
        return ThemeMode::Light;
    if (t == QLatin1String("dark"))
        return ThemeMode::Dark;
    return std::nullopt;
}

bool desktopPrefersDark(QString* source)
{
    QString unused;
    QString& why = source ? *source : unused;
    if (const auto portal = portalPrefersDark()) {
        why = QStringLiteral("portal color-scheme");
        return *portal;
    }
    if (const auto gtk = gtkThemePrefersDark()) {
        why = QStringLiteral("GTK_THEME");
        return *gtk;
    }
    if (const auto gs = gsettingsPrefersDark(&why))
        return *gs;
    why = QStringLiteral("platform palette");
    return isDarkPalette(platformPalette());
}

bool applyTheme(ThemeMode mode)
{
    platformPalette(); // saved before anything below changes it
    const bool dark = mode == ThemeMode::Dark || (mode == ThemeMode::Auto && desktopPrefersDark());
    if (dark) {
        // Fusion draws every control from the palette; native styles may ignore parts of it.
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(darkPalette());
    } else if (mode == ThemeMode::Light) {
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(QApplication::style()->standardPalette());
    } else {
        QApplication::setPalette(platformPalette());
    }
    for (ChartFollower* follower : std::as_const(ChartFollower::all()))
        follower->apply(QApplication::palette(follower->view()));
    return dark;
}

void followPalette(QChartView* view)
{
    new ChartFollower(view);
}

ThemeWatcher::ThemeWatcher(ThemeMode mode, QObject* parent)
    : QObject(parent)
    , m_mode(mode)
{
    if (mode != ThemeMode::Auto || !haveSessionBus())
        return;
    m_listening = QDBusConnection::sessionBus().connect(
        {}, QStringLiteral("/org/freedesktop/portal/desktop"), QStringLiteral("org.freedesktop.portal.Settings"),
        QStringLiteral("SettingChanged"), this, SLOT(onSettingChanged(QString, QString, QDBusVariant)));
}

void ThemeWatcher::onSettingChanged(const QString& group, const QString& key, const QDBusVariant& value)
{
    Q_UNUSED(value);
    if (group == QLatin1String("org.freedesktop.appearance") && key == QLatin1String("color-scheme"))
        applyTheme(m_mode);
}

} // namespace vigil::ui
