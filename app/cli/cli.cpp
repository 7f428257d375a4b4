#include "cli.h"

#include "commands.h"

#include <QTextStream>

namespace vigil::cli {

namespace {
struct Command
{
    const char* name;
    const char* summary;
    int (*fn)(const QStringList&);
};

const Command kCommands[] = {
    {"sandbox", "up|down|status|workload: the local PostgreSQL + pgbouncer + Redis + Sentinel topology",
     &sandboxCommand},
    {"profile", "list|show|add|remove|import|export|test: connection profiles", &profileCommand},
    {"status", "TARGET [--json]: every node's role, version, health and live figures", &statusCommand},
    {"report",
     "TARGET [--threshold-ms N] [--json]: query patterns, slow statements, cache (the optimization "
     "report)",
     &reportCommand},
    {"advise",
     "TARGET [--json] [--sql-file FILE]: index recommendations checked with HypoPG, unused and duplicate "
     "indexes, statements to rewrite, cache candidates; --sql-file writes every suggested statement",
     &adviseCommand},
    {"apply-index",
     "TARGET --sql \"CREATE INDEX CONCURRENTLY ...\" --yes [--confirm-profile NAME] [--json]: build an "
     "index on the primary with progress, cancel (Ctrl+C) and cleanup",
     &applyIndexCommand},
    {"loadtest",
     "TARGET (--scenario NAME | --users N --duration S [--spawn-rate R]) (--workload FILE | --builtin "
     "select-only|tpcb-like|trading) [--via pgbouncer] [--json] [--report FILE.html]: native load test",
     &loadtestCommand},
};

int usage(QTextStream& out)
{
    out << "usage: vigil [--sandbox | --sandbox-dir D | --profile NAME]   open the console\n"
           "       vigil <subcommand> [options]\n\nsubcommands:\n";
    for (const Command& c : kCommands)
        out << "  " << c.name << "  " << c.summary << "\n";
    out << "\nTARGET is one of --sandbox-dir D, --profile NAME, or --pg CONNINFO [--pg-replica CONNINFO ...]\n"
           "[--pgbouncer CONNINFO] [--pgbouncer-admin CONNINFO] [--redis HOST:PORT ...]\n"
           "[--sentinel HOST:PORT,... --master-name NAME]\n";
    return 2;
}
} // namespace

bool isSubcommand(const QString& word)
{
    if (word == QLatin1String("help") || word == QLatin1String("--help") || word == QLatin1String("--version"))
        return true;
    for (const Command& c : kCommands)
        if (word == QLatin1String(c.name))
            return true;
    return false;
}

int run(const QStringList& args)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    if (args.isEmpty() || args.first() == QLatin1String("help") || args.first() == QLatin1String("--help"))
        return usage(args.isEmpty() ? err : out) == 2 && !args.isEmpty() ? 0 : 2;
    if (args.first() == QLatin1String("--version")) {
        out << "vigil " << VIGIL_VERSION << "\n";
        return 0;
    }
    for (const Command& c : kCommands)
        if (args.first() == QLatin1String(c.name))
            return c.fn(args.mid(1));
    err << "vigil: unknown subcommand '" << args.first() << "'\n";
    return usage(err);
}

} // namespace vigil::cli
