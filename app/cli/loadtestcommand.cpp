// `vigil loadtest TARGET (--scenario NAME | --users N --duration S [--spawn-rate R])
//  (--workload FILE | --builtin select-only|tpcb-like|trading) [--json] [--report FILE.html]
//  [--runner native|pgbench|locust]`: a load run from the command line, by the native engine
// (default), pgbench itself, or Locust against an HTTP target (--locustfile F --host URL
// [--workers N] for its master/worker mode). Progress (one line a second) goes to stderr; the
// result (text or JSON) to stdout. A load test changes a server's load, so the profile gate
// applies (read-only refused; production needs --confirm-profile NAME) and the run is audited.
// Ctrl+C stops the run cleanly and still prints the result.
#include "commands.h"
#include "target.h"

#include "actions/actiongate.h"
#include "loadtest/loadengine.h"
#include "loadtest/loadreport.h"
#include "loadtest/loadrunner.h"
#include "loadtest/scenario.h"
#include "loadtest/workloads.h"
#include "store/auditlog.h"
#include "store/localstore.h"

#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>
#include <QTextStream>
#include <QTimer>
#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>

namespace vigil::cli {

namespace {
std::atomic_bool g_interrupted {false};
void onSignal(int)
{
    g_interrupted.store(true);
}

const char* const kUsage
    = "usage: vigil loadtest TARGET (--scenario NAME|FILE.json | --users N --duration S [--spawn-rate R])\n"
      "         (--workload FILE | --builtin select-only|tpcb-like|trading) [--via pgbouncer|NODE]\n"
      "         [--protocol prepared|extended|simple] [--threads N] [--scale N] [--think-ms MS]\n"
      "         [--dbname NAME] [--confirm-profile NAME] [--json] [--report FILE.html] [--quiet]\n"
      "         [--runner native|pgbench|locust] [--locustfile FILE --host URL [--workers N]]\n"
      "       vigil loadtest --list-scenarios\n";

bool toNumber(const QStringList& values, const char* name, double* out, QString* error)
{
    if (values.isEmpty())
        return true;
    bool ok = false;
    const double v = values.last().toDouble(&ok);
    if (!ok || v < 0) {
        *error = QStringLiteral("--%1 needs a non-negative number, not %2").arg(QLatin1String(name), values.last());
        return false;
    }
    *out = v;
    return true;
}
} // namespace

int loadtestCommand(const QStringList& argsIn)
{
    using namespace loadtest;
    QStringList args = argsIn;
    QTextStream err(stderr);
    QTextStream out(stdout);
    if (takeFlag(&args, QStringLiteral("list-scenarios"))) {
        for (const Scenario& s : availableScenarios())
            out << s.name << "\t" << s.users << " users, " << s.durationSec << " s, " << s.workload << "\t"
                << s.description << "\n";
        return 0;
    }
    QString error;
    Target target;
    if (!takeTarget(&args, &target, &error)) {
        err << "vigil loadtest: " << error << "\n" << kUsage;
        return 2;
    }
    const bool json = takeFlag(&args, QStringLiteral("json"));
    const bool quiet = takeFlag(&args, QStringLiteral("quiet"));
    const QStringList scenarioName = takeOption(&args, QStringLiteral("scenario"), &error);
    const QStringList users = takeOption(&args, QStringLiteral("users"), &error);
    const QStringList duration = takeOption(&args, QStringLiteral("duration"), &error);
    const QStringList spawnRate = takeOption(&args, QStringLiteral("spawn-rate"), &error);
    const QStringList workloadFile = takeOption(&args, QStringLiteral("workload"), &error);
    const QStringList builtin = takeOption(&args, QStringLiteral("builtin"), &error);
    const QStringList via = takeOption(&args, QStringLiteral("via"), &error);
    const QStringList protocol = takeOption(&args, QStringLiteral("protocol"), &error);
    const QStringList threads = takeOption(&args, QStringLiteral("threads"), &error);
    const QStringList scale = takeOption(&args, QStringLiteral("scale"), &error);
    const QStringList think = takeOption(&args, QStringLiteral("think-ms"), &error);
    const QStringList dbname = takeOption(&args, QStringLiteral("dbname"), &error);
    const QStringList report = takeOption(&args, QStringLiteral("report"), &error);
    const QStringList confirm = takeOption(&args, QStringLiteral("confirm-profile"), &error);
    const QStringList runnerName = takeOption(&args, QStringLiteral("runner"), &error);
    const QStringList locustfile = takeOption(&args, QStringLiteral("locustfile"), &error);
    const QStringList host = takeOption(&args, QStringLiteral("host"), &error);
    const QStringList workers = takeOption(&args, QStringLiteral("workers"), &error);
    RunnerKind runner = RunnerKind::Native;
    if (error.isEmpty() && !runnerName.isEmpty() && !runnerFromName(runnerName.last(), &runner))
        error = QStringLiteral("--runner is native, pgbench or locust");
    if (error.isEmpty() && runner == RunnerKind::Locust && (locustfile.isEmpty() || host.isEmpty()))
        error = QStringLiteral("--runner locust needs --locustfile FILE and --host URL");
    if (error.isEmpty() && !args.isEmpty())
        error = QStringLiteral("unexpected argument ") + args.first();
    if (error.isEmpty() && scenarioName.isEmpty() && (users.isEmpty() || duration.isEmpty()))
        error = QStringLiteral("give --scenario NAME, or --users N and --duration S");
    if (error.isEmpty() && !workloadFile.isEmpty() && !builtin.isEmpty())
        error = QStringLiteral("give --workload FILE or --builtin NAME, not both");
    if (!error.isEmpty()) {
        err << "vigil loadtest: " << error << "\n" << kUsage;
        return 2;
    }

    // Scenario first, then the explicit options over it.
    Scenario scenario;
    scenario.name = QString();
    if (!scenarioName.isEmpty() && !findScenario(scenarioName.last(), &scenario, &error)) {
        err << "vigil loadtest: " << error << "\n";
        return 2;
    }
    EngineOptions options;
    if (!scenarioName.isEmpty())
        scenario.applyTo(&options);
    double number = 0;
    if (!users.isEmpty()) {
        number = 0;
        if (!toNumber(users, "users", &number, &error) || number < 1) {
            err << "vigil loadtest: " << (error.isEmpty() ? QStringLiteral("--users must be at least 1") : error)
                << "\n";
            return 2;
        }
        options.users = int(number);
    }
    if (!duration.isEmpty()) {
        number = 0;
        if (!toNumber(duration, "duration", &number, &error) || number <= 0) {
            err << "vigil loadtest: " << (error.isEmpty() ? QStringLiteral("--duration must be positive") : error)
                << "\n";
            return 2;
        }
        options.durationSec = number;
    }
    if (!toNumber(spawnRate, "spawn-rate", &options.spawnRate, &error)) {
        err << "vigil loadtest: " << error << "\n";
        return 2;
    }
    double value = options.thinkTimeMs;
    if (!toNumber(think, "think-ms", &value, &error)) {
        err << "vigil loadtest: " << error << "\n";
        return 2;
    }
    options.thinkTimeMs = int(value);
    value = 0;
    if (!toNumber(threads, "threads", &value, &error)) {
        err << "vigil loadtest: " << error << "\n";
        return 2;
    }
    options.threads = int(value);
    value = 0;
    if (!toNumber(scale, "scale", &value, &error)) {
        err << "vigil loadtest: " << error << "\n";
        return 2;
    }
    options.scale = qint64(value);
    if (!dbname.isEmpty())
        options.database = dbname.last();

    // The workload: explicit, else the scenario's.
    const QString workloadName = !builtin.isEmpty() ? builtin.last()
        : !workloadFile.isEmpty()                   ? workloadFile.last()
                                                    : scenario.workload;
    if (!builtin.isEmpty() && !builtinWorkloads().contains(builtin.last())) {
        err << "vigil loadtest: no built-in workload " << builtin.last()
            << " (built in: " << builtinWorkloads().join(QStringLiteral(", ")) << ")\n";
        return 2;
    }
    Script script;
    if (runner != RunnerKind::Locust && !loadWorkload(workloadName, &script, &error)) {
        err << "vigil loadtest: " << error << "\n";
        return 2;
    }
    options.workloadName = workloadName;
    LocustOptions locust;
    if (runner == RunnerKind::Locust) {
        locust.locustfile = locustfile.last();
        locust.host = host.last();
        double n = 0;
        if (!toNumber(workers, "workers", &n, &error)) {
            err << "vigil loadtest: " << error << "\n";
            return 2;
        }
        locust.workers = int(n);
    }

    // Where the load goes: the primary by default, pgbouncer or a named node on request.
    // (Locust loads its HTTP host instead: no database node is looked up.)
    const QString where = via.isEmpty() ? QStringLiteral("primary") : via.last();
    PgNode node;
    bool throughBouncer = false;
    if (runner == RunnerKind::Locust) {
        node.name = locust.host;
    } else if (where == QLatin1String("pgbouncer")) {
        if (target.profile.pgbouncer.isEmpty()) {
            err << "vigil loadtest: the target has no pgbouncer\n";
            return 2;
        }
        node = PgNode {QStringLiteral("pgbouncer"), target.profile.pgbouncer};
        throughBouncer = true;
    } else if (where == QLatin1String("primary")) {
        if (target.profile.pgNodes.isEmpty()) {
            err << "vigil loadtest: the target has no PostgreSQL node\n";
            return 2;
        }
        node = target.profile.pgNodes.first();
        if (target.profile.pgNodes.size() > 1) {
            pg::Connection probe;
            QString primary;
            if (!openPrimary(target, &probe, &primary, &error)) {
                err << "vigil loadtest: " << error << "\n";
                return 1;
            }
            for (const PgNode& n : target.profile.pgNodes)
                if (n.name == primary)
                    node = n;
        }
    } else {
        bool found = false;
        for (const PgNode& n : target.profile.pgNodes)
            if (n.name == where) {
                node = n;
                found = true;
            }
        if (!found) {
            err << "vigil loadtest: no node " << where << " in the target (use primary, pgbouncer or a node name)\n";
            return 2;
        }
    }
    options.conninfo = node.conninfo;
    options.password = target.passwords.value(node.name);
    options.targetName = node.name;
    // pgbouncer in transaction mode cannot keep prepared statements: simple protocol there.
    options.protocol = throughBouncer ? Protocol::Simple : Protocol::Prepared;
    if (!protocol.isEmpty() && !protocolFromName(protocol.last(), &options.protocol)) {
        err << "vigil loadtest: --protocol is prepared, extended or simple\n";
        return 2;
    }

    // An external runner: its exact command line (no password) is what gets audited.
    std::unique_ptr<LoadRunner> external;
    if (runner != RunnerKind::Native) {
        external = makeRunner(runner, options, script, locust, &error);
        if (!external) {
            err << "vigil loadtest: " << error << "\n";
            return 2;
        }
    }

    // The gate and the audit log, before anything reaches the server.
    store::LocalStore local;
    store::AuditLog audit(&local);
    const QString nativeCommand
        = QStringLiteral("loadtest workload=%1 users=%2 duration=%3s spawn-rate=%4 think-ms=%5 protocol=%6%7")
              .arg(workloadName)
              .arg(options.users)
              .arg(options.durationSec)
              .arg(options.spawnRate)
              .arg(options.thinkTimeMs)
              .arg(protocolName(options.protocol))
              .arg(options.scenarioName.isEmpty() ? QString() : QStringLiteral(" scenario=") + options.scenarioName);
    const QString command = external ? external->command() : nativeCommand;
    const store::AuditEntry entry {
        QDateTime::currentDateTimeUtc(), target.profile.name, node.name, QStringLiteral("loadtest"), command, {}};
    const actions::GateDecision decision = actions::gate(target.profile, QStringLiteral("loadtest"));
    QString refusal;
    if (!decision.allowed)
        refusal = decision.reason;
    else if (decision.needsTypedName
             && (confirm.isEmpty() || !actions::confirmTypedName(target.profile, confirm.last())))
        refusal = QStringLiteral("profile %1 is production: a load test needs --confirm-profile %1")
                      .arg(target.profile.name);
    if (!refusal.isEmpty()) {
        audit.refused(entry, refusal);
        err << "vigil loadtest: refused: " << refusal << "\n";
        return 1;
    }
    const qint64 auditId = audit.begin(entry);
    if (auditId < 0) {
        err << "vigil loadtest: the audit log could not be written, so nothing was run\n";
        return 1;
    }

    g_interrupted.store(false);
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    const auto progress = [&](const LoadSecond& s) {
        if (quiet)
            return;
        err << QStringLiteral("%1 s  users %2/%3  %4 tps  p50 %5 ms  p95 %6 ms  errors %7\n")
                   .arg(s.second, 4)
                   .arg(s.activeUsers)
                   .arg(s.targetUsers)
                   .arg(s.transactions)
                   .arg(s.latency.p50Ms, 0, 'f', 2)
                   .arg(s.latency.p95Ms, 0, 'f', 2)
                   .arg(s.errors)
            << Qt::flush;
    };
    RunResult r;
    if (external) {
        if (!quiet)
            err << "running: " << external->command() << "\n" << Qt::flush;
        // The runner lives on this thread (child processes): Ctrl+C is checked from its event loop.
        QTimer interrupt;
        QObject::connect(&interrupt, &QTimer::timeout, [&] {
            if (g_interrupted.exchange(false))
                external->stop();
        });
        interrupt.start(50);
        r = external->runBlocking(progress);
    } else {
        LoadEngine engine(options, script);
        std::atomic_bool done {false};
        std::thread watcher([&] {
            while (!done.load()) {
                if (g_interrupted.exchange(false))
                    engine.stop();
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            }
        });
        r = engine.run(progress);
        done.store(true);
        watcher.join();
    }
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (!r.ok) {
        audit.finish(auditId, false, QStringLiteral("not run: ") + r.error);
        err << "vigil loadtest: " << r.error << "\n";
        return 1;
    }
    audit.finish(auditId, true,
                 QStringLiteral("%1 transactions, %2 errors, %3 tps, p95 %4 ms, ended by %5")
                     .arg(r.transactions)
                     .arg(r.errors)
                     .arg(r.tps, 0, 'f', 1)
                     .arg(r.latency.p95Ms, 0, 'f', 2)
                     .arg(r.stopReason));
    if (!report.isEmpty()) {
        QSaveFile f(report.last());
        if (!f.open(QIODevice::WriteOnly) || f.write(resultToHtml(r).toUtf8()) < 0 || !f.commit())
            err << "vigil loadtest: cannot write " << report.last() << ": " << f.errorString() << "\n";
    }
    if (json)
        out << QJsonDocument(resultToJson(r)).toJson(QJsonDocument::Indented);
    else
        out << resultToText(r);
    return 0;
}

} // namespace vigil::cli
