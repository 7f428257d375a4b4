// Vigil: one executable, two faces. A known subcommand runs the CLI over the core with no GUI
// libraries touched; anything else opens the console.
#include "cli/cli.h"
#include "ui/console.h"

#include <QApplication>
#include <QCoreApplication>

int main(int argc, char** argv)
{
    QCoreApplication::setOrganizationName(QStringLiteral("Vigil"));
    QCoreApplication::setApplicationName(QStringLiteral("vigil"));
    QCoreApplication::setApplicationVersion(QStringLiteral(VIGIL_VERSION));
    if (argc > 1 && vigil::cli::isSubcommand(QString::fromLocal8Bit(argv[1]))) {
        QCoreApplication app(argc, argv);
        return vigil::cli::run(QCoreApplication::arguments().mid(1));
    }
    // Fractional scale factors (1.25, 1.5) as the screen asks, not rounded: Qt 6 scales by
    // default, and every icon is an SVG or drawn per device pixel ratio, so text and icons stay
    // sharp. Must be set before the QApplication exists.
    QGuiApplication::setHighDpiScaleFactorRoundingPolicy(Qt::HighDpiScaleFactorRoundingPolicy::PassThrough);
    QApplication app(argc, argv);
    // Matches packaging/io.github.vigil_console.Vigil.desktop: Wayland compositors find the icon
    // and name of the running window through it.
    QGuiApplication::setDesktopFileName(QStringLiteral("io.github.vigil_console.Vigil"));
    return vigil::ui::runConsole(QCoreApplication::arguments().mid(1));
}
