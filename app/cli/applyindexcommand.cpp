// `vigil apply-index TARGET --sql "CREATE INDEX CONCURRENTLY ..." --yes [--json]`: the one-click
// apply for scripts. Progress goes to stderr; the outcome (text or JSON) to stdout. The target
// must be the primary itself (a replica or pgbouncer is refused), the profile gate applies
// (read-only refused; production needs --confirm-profile NAME), and the action is audited.
#include "commands.h"
#include "target.h"

#include "actions/actiongate.h"
#include "actions/indexbuild.h"
#include "store/auditlog.h"
#include "store/localstore.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>
#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>

namespace vigil::cli {

namespace {
// Ctrl+C / SIGTERM only set a flag (a handler may not take locks); a watcher thread turns it
// into IndexBuild::cancel(), which sends PQcancel and drops the INVALID index left behind.
std::atomic_bool g_interrupted {false};
void onSignal(int)
{
    g_interrupted.store(true);
}
} // namespace

int applyIndexCommand(const QStringList& argsIn)
{
    QStringList args = argsIn;
    QTextStream err(stderr);
    QString error;
    Target target;
    if (!takeTarget(&args, &target, &error)) {
        err << "vigil apply-index: " << error << "\n";
        return 2;
    }
    const bool json = takeFlag(&args, QStringLiteral("json"));
    const bool yes = takeFlag(&args, QStringLiteral("yes"));
    const QStringList sql = takeOption(&args, QStringLiteral("sql"), &error);
    const QStringList confirm = takeOption(&args, QStringLiteral("confirm-profile"), &error);
    if (!error.isEmpty() || !args.isEmpty() || sql.size() != 1) {
        err << "vigil apply-index: "
            << (!error.isEmpty() ? error
                    : !args.isEmpty()
                    ? QStringLiteral("unexpected argument ") + args.first()
                    : QStringLiteral("give the statement once: --sql \"CREATE INDEX CONCURRENTLY ...\""))
            << "\n";
        return 2;
    }
    if (!yes) {
        err << "vigil apply-index: this changes the server; add --yes to run:\n  " << sql.first() << "\n";
        return 2;
    }
    // The primary node of the target: never a replica, never through pgbouncer.
    if (target.profile.pgNodes.isEmpty()) {
        err << "vigil apply-index: the target has no PostgreSQL node\n";
        return 2;
    }
    // Several nodes (a sandbox or a profile): the current primary. One node given explicitly: that
    // node, so a replica or pgbouncer named on purpose is refused, not silently replaced.
    PgNode node = target.profile.pgNodes.first();
    if (target.profile.pgNodes.size() > 1) {
        pg::Connection probe;
        QString primary;
        if (!openPrimary(target, &probe, &primary, &error)) {
            err << "vigil apply-index: " << error << "\n";
            return 1;
        }
        for (const PgNode& n : target.profile.pgNodes)
            if (n.name == primary)
                node = n;
    }
    pg::ConnectOptions o;
    o.conninfo = node.conninfo;
    o.password = target.passwords.value(node.name);
    store::LocalStore local;
    store::AuditLog audit(&local);
    const bool typed = !confirm.isEmpty() && actions::confirmTypedName(target.profile, confirm.first());
    actions::IndexBuild build(o, sql.first(), target.profile, node.name, &audit, typed);
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    std::atomic_bool done {false};
    std::thread watcher([&] {
        while (!done.load()) {
            if (g_interrupted.exchange(false))
                build.cancel();
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    });
    int lastPercent = -1;
    const actions::IndexBuildResult r = build.run([&](const actions::IndexBuildProgress& p) {
        if (int(p.percent) != lastPercent) {
            lastPercent = int(p.percent);
            err << QStringLiteral("\r%1 %  %2").arg(lastPercent, 3).arg(p.phase, -60) << Qt::flush;
        }
    });
    done.store(true);
    watcher.join();
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (lastPercent >= 0)
        err << "\n";
    QTextStream out(stdout);
    if (json)
        out << QJsonDocument(QJsonObject {{"ok", r.ok},
                                          {"cancelled", r.cancelled},
                                          {"refused", r.refused},
                                          {"index_name", r.indexName},
                                          {"invalid_index_dropped", r.invalidIndexDropped},
                                          {"elapsed_ms", r.elapsedMs},
                                          {"message", r.message}})
                   .toJson(QJsonDocument::Indented);
    else
        (r.ok ? out : err) << r.message << "\n";
    return r.ok ? 0 : 1;
}

} // namespace vigil::cli
