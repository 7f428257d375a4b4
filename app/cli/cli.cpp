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
    {"drill",
     "pg|pg-switchover|redis|redis-manual --sandbox-dir D [--json]: failover drill with measured RTO and RPO "
     "(unplanned: sandbox only), repaired afterwards",
     &drillCommand},
    {"loadtest",
     "TARGET (--scenario NAME | --users N --duration S [--spawn-rate R]) (--workload FILE | --builtin "
     "select-only|tpcb-like|trading) [--via pgbouncer] [--json] [--report FILE.html]: native load test",
     &loadtestCommand},
    {"checklist",
     "TARGET [--since 24h|ISO8601] [--json]: the daily checklist, each item ok/warn/fail; exit 1 on a fail",
     &checklistCommand},
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
// troff text is literal except for a leading dot or quote and backslashes; '-' is written \- so
// man renders a real hyphen-minus (options must be copyable).
QString roff(QString text)
{
    text.replace(QLatin1Char('\\'), QStringLiteral("\\e")).replace(QLatin1Char('-'), QStringLiteral("\\-"));
    if (text.startsWith(QLatin1Char('.')) || text.startsWith(QLatin1Char('\'')))
        text.prepend(QStringLiteral("\\&"));
    return text;
}

// The manual page, from the same command table as the usage text so the two never disagree.
// The build writes it with `vigil help --man` and the package installs it.
int manPage(QTextStream& out)
{
    out << ".TH VIGIL 1 \"\" \"vigil " << VIGIL_VERSION << "\" \"User Commands\"\n"
        << ".SH NAME\nvigil \\- operations console for PostgreSQL, pgbouncer, Redis and Sentinel\n"
        << ".SH SYNOPSIS\n.B vigil\n[\\-\\-sandbox | \\-\\-sandbox\\-dir\n.I D\n| \\-\\-profile\n.IR NAME ]\n"
        << ".br\n.B vigil\n.I subcommand\n[options]\n"
        << ".SH DESCRIPTION\nWithout a subcommand, vigil opens the desktop console: query patterns, slow queries, "
           "cache, index advice with one-click apply, pools, replication, failover drills and load tests, fed by "
           "worker threads that poll the servers. With a subcommand it runs the same core from the command line "
           "for scripts and CI: JSON on standard output with \\-\\-json, errors on standard error.\n"
        << ".SH SUBCOMMANDS\n";
    for (const Command& c : kCommands)
        out << ".TP\n.B " << c.name << "\n" << roff(QString::fromUtf8(c.summary)) << "\n";
    out << ".SH TARGETS\nA TARGET is one of \\-\\-sandbox\\-dir D (a sandbox started by vigil sandbox up), "
           "\\-\\-profile NAME (a saved connection profile; its passwords come from the desktop keychain), or "
           "explicit nodes: \\-\\-pg CONNINFO [\\-\\-pg\\-replica CONNINFO ...] [\\-\\-pgbouncer CONNINFO] "
           "[\\-\\-pgbouncer\\-admin CONNINFO] [\\-\\-redis HOST:PORT ...] [\\-\\-sentinel HOST:PORT,... "
           "\\-\\-master\\-name NAME]. Passwords are never taken on the command line: use the keychain, "
           "~/.pgpass or PGPASSWORD.\n"
        << ".SH SAFETY\nEverything that changes a server (index builds, cancel and terminate, drills, load tests) is "
           "refused for read\\-only profiles, needs \\-\\-confirm\\-profile NAME for production profiles, and "
           "is written to the local audit log.\n"
        << ".SH FILES\n.TP\n~/.config/Vigil/vigil.conf\nConnection profiles (no passwords).\n"
        << ".TP\n~/.local/share/Vigil/vigil/vigil.sqlite\nSlow-query history and audit log.\n"
        << ".SH EXIT STATUS\n0 on success, 1 when the work failed or was refused, 2 for bad usage.\n"
        << ".SH SEE ALSO\n.BR psql (1),\n.BR pgbench (1),\n.BR redis\\-cli (1)\n";
    return 0;
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
    if (args.size() == 2 && args.first() == QLatin1String("help") && args.at(1) == QLatin1String("--man"))
        return manPage(out);
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
