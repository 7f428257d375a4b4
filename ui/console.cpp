#include "console.h"

#include "connect/profilestore.h"
#include "mainwindow.h"
#include "monitor/clustermonitor.h"
#include "monitor/insightmonitor.h"
#include "overviewpage.h"
#include "profileconnector.h"
#include "profiledialog.h"
#include "sandboxsession.h"
#include "theme.h"
#include "unixsignals.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFutureWatcher>
#include <QTabWidget>
#include <QTextStream>
#include <QTimer>
#include <QtConcurrent>

namespace vigil::ui {

namespace {
struct Options
{
    bool startSandbox = false;
    QString sandboxDir;
    QString profile;
    QString screenshot;
    int screenshotDelayMs = 8000;
    QString tab;
    int periodMs = 1000;
    ThemeMode theme = ThemeMode::Auto;
};

bool parse(const QStringList& args, Options* o, QString* error)
{
    QCommandLineParser p;
    p.setApplicationDescription(QCoreApplication::translate("vigil::ui::Console", "Vigil operations console"));
    p.addOptions({
        {QStringLiteral("sandbox"),
         QCoreApplication::translate("vigil::ui::Console", "Start a local sandbox, watch it, stop it on exit.")},
        {QStringLiteral("sandbox-dir"),
         QCoreApplication::translate("vigil::ui::Console",
                                     "Sandbox directory (watch a running one, or where --sandbox starts it)."),
         QStringLiteral("dir")},
        {QStringLiteral("profile"), QCoreApplication::translate("vigil::ui::Console", "Connect to this saved profile."),
         QStringLiteral("name")},
        {QStringLiteral("screenshot"),
         QCoreApplication::translate("vigil::ui::Console", "Save a PNG of the window, then quit."),
         QStringLiteral("file")},
        {QStringLiteral("screenshot-delay-ms"),
         QCoreApplication::translate("vigil::ui::Console", "Wait before the screenshot (default 8000)."),
         QStringLiteral("ms")},
        {QStringLiteral("tab"), QCoreApplication::translate("vigil::ui::Console", "Open this tab first."),
         QStringLiteral("title")},
        {QStringLiteral("period-ms"), QCoreApplication::translate("vigil::ui::Console", "Poll period (default 1000)."),
         QStringLiteral("ms")},
        {QStringLiteral("theme"),
         QCoreApplication::translate("vigil::ui::Console",
                                     "light, dark or auto (follow the desktop; the default, or VIGIL_THEME when set)."),
         QStringLiteral("mode")},
    });
    p.addHelpOption();
    if (!p.parse(QStringList {QStringLiteral("vigil")} + args)) {
        *error = p.errorText();
        return false;
    }
    if (p.isSet(QStringLiteral("help"))) {
        *error = p.helpText();
        return false;
    }
    o->startSandbox = p.isSet(QStringLiteral("sandbox"));
    o->sandboxDir = p.value(QStringLiteral("sandbox-dir"));
    o->profile = p.value(QStringLiteral("profile"));
    o->screenshot = p.value(QStringLiteral("screenshot"));
    if (p.isSet(QStringLiteral("screenshot-delay-ms")))
        o->screenshotDelayMs = p.value(QStringLiteral("screenshot-delay-ms")).toInt();
    o->tab = p.value(QStringLiteral("tab"));
    if (p.isSet(QStringLiteral("period-ms")))
        o->periodMs = std::max(100, p.value(QStringLiteral("period-ms")).toInt());
    const QString theme
        = p.isSet(QStringLiteral("theme")) ? p.value(QStringLiteral("theme")) : qEnvironmentVariable("VIGIL_THEME");
    const std::optional<ThemeMode> mode = parseThemeMode(theme);
    if (!mode) {
        *error = QCoreApplication::translate("vigil::ui::Console",
                                             "--theme (or VIGIL_THEME) takes light, dark or auto, not \"%1\"")
                     .arg(theme);
        return false;
    }
    o->theme = *mode;
    return true;
}
} // namespace

int runConsole(const QStringList& args)
{
    Options o;
    QString error;
    if (!parse(args, &o, &error)) {
        QTextStream(stderr) << error << "\n";
        return 2;
    }
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/vigil.svg")));
    QApplication::setDesktopFileName(QStringLiteral("vigil"));
    // Before the first widget, so nothing paints twice; the watcher follows later desktop changes.
    applyTheme(o.theme);
    ThemeWatcher themeWatcher(o.theme);

    MainWindow window;
    UnixSignals unixSignals;
    QObject::connect(&unixSignals, &UnixSignals::terminateRequested, &window, &QWidget::close);

    // Saved profiles, connected through the keychain without blocking the GUI thread.
    auto* connector = new ProfileConnector(&window, &window);
    auto refreshProfiles
        = [&window](const QString& current) { window.setProfileNames(ProfileStore().names(), current); };
    refreshProfiles(o.profile);
    QObject::connect(&window, &MainWindow::connectRequested, connector, &ProfileConnector::connectProfile);
    QObject::connect(
        connector, &ProfileConnector::ready, &window,
        [&window, &o](const Profile& p, const QHash<QString, QString>& pw) { window.connectTo(p, pw, o.periodMs); });
    QObject::connect(connector, &ProfileConnector::failed, &window, &MainWindow::showActivity);
    QObject::connect(connector, &ProfileConnector::notice, &window, &MainWindow::showActivity);
    QObject::connect(&window, &MainWindow::manageProfilesRequested, &window, [&window, connector, refreshProfiles] {
        auto* dialog = new ProfileDialog(&window);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        QObject::connect(dialog, &QDialog::accepted, &window, [dialog, connector, refreshProfiles] {
            const QString chosen = dialog->selectedProfile();
            refreshProfiles(chosen);
            if (!chosen.isEmpty())
                connector->connectProfile(chosen);
        });
        QObject::connect(dialog, &QDialog::rejected, &window, [refreshProfiles] { refreshProfiles({}); });
        dialog->open();
    });
    if (!o.profile.isEmpty())
        connector->connectProfile(o.profile);

    SandboxSession* session = nullptr;
    if (o.startSandbox) {
        session = new SandboxSession(o.sandboxDir, &window);
        QObject::connect(session, &SandboxSession::progress, &window, &MainWindow::showActivity);
        QObject::connect(session, &SandboxSession::failed, &window, [&window](const QString& e) {
            window.showActivity(QObject::tr("Sandbox failed to start: %1").arg(e));
        });
        QObject::connect(
            session, &SandboxSession::ready, &window, [&window, &o](const sandbox::Topology& topo, qint64 ms) {
                window.showActivity(QObject::tr("Sandbox up in %1 s (%2); its workload runs in the background")
                                        .arg(double(ms) / 1000.0, 0, 'f', 1)
                                        .arg(topo.dir));
                window.connectTo(sandbox::toProfile(topo), {}, o.periodMs);
            });
        window.showActivity(QObject::tr("Starting the sandbox…"));
        session->start();
    } else if (!o.sandboxDir.isEmpty()) {
        // Read the live topology off the GUI thread, then connect.
        auto* watcher = new QFutureWatcher<std::pair<bool, sandbox::Topology>>(&window);
        QObject::connect(watcher, &QFutureWatcherBase::finished, &window, [watcher, &window, &o] {
            const auto [ok, topo] = watcher->result();
            if (ok)
                window.connectTo(sandbox::toProfile(topo), {}, o.periodMs);
            else
                window.showActivity(QObject::tr("No running sandbox in %1: start one with `vigil sandbox up --dir "
                                                "%1`")
                                        .arg(o.sandboxDir));
        });
        const QString dir = o.sandboxDir;
        watcher->setFuture(QtConcurrent::run([dir] {
            sandbox::Topology topo;
            QJsonObject health;
            QString err;
            const bool ok = sandbox::status(dir, &topo, &health, &err);
            return std::make_pair(ok, topo);
        }));
    }

    if (!o.tab.isEmpty())
        for (int i = 0; i < window.tabs()->count(); ++i)
            if (window.tabs()->tabText(i).compare(o.tab, Qt::CaseInsensitive) == 0)
                window.tabs()->setCurrentIndex(i);

    window.show();
    if (!o.screenshot.isEmpty()) {
        QTimer::singleShot(o.screenshotDelayMs, &window, [&window, &o] {
            window.grab().save(o.screenshot);
            window.close();
        });
    }
    const int rc = QApplication::exec();
    window.insight()->shutdown();
    window.monitor()->shutdown();
    if (session)
        session->stop();
    return rc;
}

} // namespace vigil::ui
