// `vigil sandbox up|down|status|repair|workload`: the local topology from the command line.
#include "commands.h"

#include "sandbox/repair.h"
#include "sandbox/sandbox.h"
#include "sandbox/workload.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTextStream>
#include <atomic>
#include <csignal>

namespace vigil::cli {

namespace {
struct Args
{
    QString verb;
    QString dir;
    bool json = false;
    qint64 trades = 1000000;
    int durationSec = 0;
    QString error;
};

Args parse(const QStringList& args)
{
    Args a;
    for (int i = 0; i < args.size(); ++i) {
        const QString& w = args[i];
        auto value = [&](const char* flag) -> QString {
            if (i + 1 >= args.size()) {
                a.error = QStringLiteral("%1 needs a value").arg(QLatin1String(flag));
                return {};
            }
            return args[++i];
        };
        if (w == QLatin1String("--dir")) {
            a.dir = value("--dir");
        } else if (w == QLatin1String("--json")) {
            a.json = true;
        } else if (w == QLatin1String("--trades")) {
            bool ok = false;
            a.trades = value("--trades").toLongLong(&ok);
            if (!ok || a.trades < 1000)
                a.error = QStringLiteral("--trades needs a number of at least 1000");
        } else if (w == QLatin1String("--duration")) {
            bool ok = false;
            a.durationSec = value("--duration").toInt(&ok);
            if (!ok || a.durationSec < 0)
                a.error = QStringLiteral("--duration needs a number of seconds");
        } else if (a.verb.isEmpty() && !w.startsWith(QLatin1String("--"))) {
            a.verb = w;
        } else {
            a.error = QStringLiteral("unknown argument '%1'").arg(w);
        }
    }
    return a;
}

int usage(QTextStream& err)
{
    err << "usage: vigil sandbox up [--dir D] [--trades N] [--json]\n"
           "       vigil sandbox down [--dir D]\n"
           "       vigil sandbox status [--dir D] [--json]\n"
           "       vigil sandbox repair [--dir D] [--json]   (after a drill or crash left it half broken)\n"
           "       vigil sandbox workload [--dir D] [--duration SECONDS]\n"
           "D defaults to "
        << sandbox::defaultDir() << "\n";
    return 2;
}

void printSummary(QTextStream& out, const sandbox::Topology& t)
{
    out << "sandbox in " << t.dir << "\n"
        << "  PostgreSQL primary   psql \"" << t.primary << "\"\n";
    for (const QString& r : t.replicas)
        out << "  PostgreSQL replica   psql \"" << r << "\"\n";
    out << "  pgbouncer            psql \"" << t.pgbouncer << "\"\n"
        << "  pgbouncer admin      psql \"" << t.pgbouncerAdmin << "\"\n"
        << "  Redis master         redis-cli -h " << t.redisMaster.section(QLatin1Char(':'), 0, 0) << " -p "
        << t.redisMaster.section(QLatin1Char(':'), 1) << "\n";
    for (const QString& r : t.redisReplicas)
        out << "  Redis replica        " << r << "\n";
    out << "  Sentinels (" << t.masterName << ")   " << t.sentinels.join(QStringLiteral(", ")) << "\n";
}

std::atomic_bool g_stop {false};
extern "C" void onSignal(int)
{
    g_stop.store(true);
}
} // namespace

int sandboxCommand(const QStringList& argList)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    const Args a = parse(argList);
    if (!a.error.isEmpty()) {
        err << "vigil sandbox: " << a.error << "\n";
        return usage(err);
    }
    const QString dir = a.dir.isEmpty() ? sandbox::defaultDir() : a.dir;
    QString error;

    if (a.verb == QLatin1String("up")) {
        sandbox::UpOptions o;
        o.dir = dir;
        o.trades = a.trades;
        o.progress = [&err](const QString& m) {
            err << "sandbox: " << m << "\n";
            err.flush();
        };
        sandbox::Topology t;
        qint64 elapsed = 0;
        if (!sandbox::up(o, &t, &error, &elapsed)) {
            err << "vigil sandbox up: " << error << "\n";
            return 1;
        }
        if (a.json) {
            QJsonObject json = t.toJson();
            json.insert(QStringLiteral("elapsed_ms"), elapsed);
            out << QJsonDocument(json).toJson(QJsonDocument::Compact) << "\n";
        } else {
            printSummary(out, t);
            out << "up in " << elapsed << " ms; stop it with: vigil sandbox down --dir " << t.dir << "\n";
        }
        return 0;
    }
    if (a.verb == QLatin1String("down")) {
        if (!sandbox::down(dir, &error)) {
            err << "vigil sandbox down: " << error << "\n";
            return 1;
        }
        return 0;
    }
    if (a.verb == QLatin1String("status")) {
        sandbox::Topology t;
        QJsonObject health;
        if (!sandbox::status(dir, &t, &health, &error)) {
            err << "vigil sandbox status: " << error << "\n";
            return 1;
        }
        if (a.json) {
            QJsonObject json = t.toJson();
            json.insert(QStringLiteral("health"), health);
            out << QJsonDocument(json).toJson(QJsonDocument::Compact) << "\n";
        } else {
            printSummary(out, t);
            for (auto it = health.begin(); it != health.end(); ++it) {
                const QJsonObject h = it.value().toObject();
                out << "  " << (h.value(QStringLiteral("ok")).toBool() ? "ok    " : "FAIL  ") << it.key() << ": "
                    << h.value(QStringLiteral("detail")).toString() << "\n";
            }
        }
        return 0;
    }
    if (a.verb == QLatin1String("repair")) {
        sandbox::RepairReport report;
        const bool ok = sandbox::repair(dir, &report, &error, [&err](const QString& m) {
            err << "repair: " << m << "\n";
            err.flush();
        });
        if (a.json) {
            QJsonObject json {{QStringLiteral("ok"), ok},
                              {QStringLiteral("actions"), QJsonArray::fromStringList(report.actions)},
                              {QStringLiteral("pg_primary"), report.pgPrimary},
                              {QStringLiteral("pg_standby"), report.pgStandby}};
            if (!ok)
                json.insert(QStringLiteral("error"), error);
            out << QJsonDocument(json).toJson(QJsonDocument::Compact) << "\n";
        } else if (ok) {
            out << (report.actions.isEmpty() ? QStringLiteral("nothing to repair")
                                             : QStringLiteral("repaired: ") + report.actions.join(QStringLiteral("; ")))
                << "\nPostgreSQL primary " << report.pgPrimary << ", standby " << report.pgStandby << "\n";
        }
        if (!ok)
            err << "vigil sandbox repair: " << error << "\n";
        return ok ? 0 : 1;
    }
    if (a.verb == QLatin1String("workload")) {
        std::signal(SIGINT, onSignal);
        std::signal(SIGTERM, onSignal);
        sandbox::WorkloadOptions o;
        o.dir = dir;
        o.durationSec = a.durationSec;
        o.stop = &g_stop;
        o.progress = [](const QString& m) {
            QTextStream e(stderr);
            e << "workload: " << m << "\n";
        };
        sandbox::WorkloadStats stats;
        if (!sandbox::runWorkload(o, &stats, &error)) {
            err << "vigil sandbox workload: " << error << "\n";
            return 1;
        }
        err << "workload: " << stats.statements << " SQL statements, " << stats.redisCommands << " Redis commands, "
            << stats.errors << " errors\n";
        return 0;
    }
    if (!a.verb.isEmpty())
        err << "vigil sandbox: unknown action '" << a.verb << "'\n";
    return usage(err);
}

} // namespace vigil::cli
