// Light or dark (issue 8 §3): the override parses, the desktop preference is read from GTK_THEME
// when no portal answers, a forced dark theme gives a dark application palette and dark charts
// that go back to light, and the status colours keep a WCAG AA contrast (4.5:1) on both.
#include "models/statuscolors.h"
#include "ui/theme.h"
#include "ui/timechart.h"

#include <QApplication>
#include <QChart>
#include <QStyle>
#include <QTest>

using namespace vigil;

namespace {
double luminance(const QColor& c)
{
    const auto lin = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * lin(c.redF()) + 0.7152 * lin(c.greenF()) + 0.0722 * lin(c.blueF());
}
double contrast(const QColor& a, const QColor& b)
{
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}
} // namespace

class TestTheme : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parsesTheOverride()
    {
        QCOMPARE(ui::parseThemeMode(QStringLiteral("dark")), ui::ThemeMode::Dark);
        QCOMPARE(ui::parseThemeMode(QStringLiteral("Light")), ui::ThemeMode::Light);
        QCOMPARE(ui::parseThemeMode(QStringLiteral("auto")), ui::ThemeMode::Auto);
        QCOMPARE(ui::parseThemeMode(QString()), ui::ThemeMode::Auto);
        QVERIFY(!ui::parseThemeMode(QStringLiteral("purple")).has_value());
    }

    void readsGtkThemeWithoutAPortal()
    {
        // No session bus: neither the portal nor gsettings is asked; GTK_THEME decides.
        const QByteArray bus = qgetenv("DBUS_SESSION_BUS_ADDRESS"), runtime = qgetenv("XDG_RUNTIME_DIR");
        qunsetenv("DBUS_SESSION_BUS_ADDRESS");
        qputenv("XDG_RUNTIME_DIR", "/nonexistent");
        qputenv("GTK_THEME", "Adwaita:dark");
        QString source;
        QVERIFY(ui::desktopPrefersDark(&source));
        QCOMPARE(source, QStringLiteral("GTK_THEME"));
        qputenv("GTK_THEME", "Adwaita");
        QVERIFY(!ui::desktopPrefersDark(&source));
        qunsetenv("GTK_THEME");
        // Last rule: the platform palette (offscreen: light).
        QVERIFY(!ui::desktopPrefersDark(&source));
        QCOMPARE(source, QStringLiteral("platform palette"));
        if (!bus.isEmpty())
            qputenv("DBUS_SESSION_BUS_ADDRESS", bus);
        qputenv("XDG_RUNTIME_DIR", runtime);
    }

    void forcedDarkPaletteAndCharts()
    {
        ui::TimeChart chart(QStringLiteral("t"), QStringLiteral("u"));
        chart.resize(400, 300);
        QCOMPARE(chart.chart()->theme(), QChart::ChartThemeLight);
        QVERIFY(ui::applyTheme(ui::ThemeMode::Dark));
        QVERIFY(QApplication::palette().color(QPalette::Window).lightness() < 80);
        QCOMPARE(QApplication::style()->name().toLower(), QStringLiteral("fusion"));
        // Widgets hear of the new palette through events: wait for them, never for time.
        QTRY_COMPARE(chart.chart()->theme(), QChart::ChartThemeDark);
        QTRY_VERIFY(chart.grab().toImage().pixelColor(4, 4).lightness() < 100);
        // A chart made while dark starts dark.
        ui::TimeChart later(QStringLiteral("t"), QStringLiteral("u"));
        QCOMPARE(later.chart()->theme(), QChart::ChartThemeDark);
        QVERIFY(!ui::applyTheme(ui::ThemeMode::Light));
        QVERIFY(QApplication::palette().color(QPalette::Window).lightness() > 180);
        QTRY_COMPARE(chart.chart()->theme(), QChart::ChartThemeLight);
        QTRY_COMPARE(later.chart()->theme(), QChart::ChartThemeLight);
    }

    void statusColoursReadableOnBoth()
    {
        for (const auto mode : {ui::ThemeMode::Light, ui::ThemeMode::Dark}) {
            ui::applyTheme(mode);
            const QPalette pal = QApplication::palette();
            for (const StatusLevel s : {StatusLevel::Ok, StatusLevel::Warn, StatusLevel::Fail}) {
                const double onBase = contrast(statusColor(s, pal), pal.color(QPalette::Base));
                const double onWindow = contrast(statusColor(s, pal), pal.color(QPalette::Window));
                QVERIFY2(onBase >= 4.5 && onWindow >= 4.0,
                         qPrintable(QStringLiteral("status %1 mode %2: %3 / %4")
                                        .arg(int(s))
                                        .arg(int(mode))
                                        .arg(onBase)
                                        .arg(onWindow)));
            }
        }
        ui::applyTheme(ui::ThemeMode::Light);
    }
};

QTEST_MAIN(TestTheme)
#include "tst_theme.moc"
