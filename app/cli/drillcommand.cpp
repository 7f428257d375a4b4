// `vigil drill pg --sandbox-dir D [--json] [--report F.html] [--rto-target MS] [--rpo-target N]`: a
// failover drill with its steps on stderr as they run and the result (RTO, RPO, steps) on stdout;
// kept in the local store beside the Drills tab's own. Unplanned drills break servers on purpose, so they
// run only on a sandbox; every drill is gated by the profile and audited.
#include "commands.h"
#include "target.h"

#include "actions/actiongate.h"
#include "drills/drillaudit.h"
#include "drills/drillreport.h"
#include "drills/pgfailoverdrill.h"
#include "drills/pgswitchoverdrill.h"
#include "drills/redisfailoverdrill.h"
#include "store/auditlog.h"
#include "store/drillstore.h"
#include "store/localstore.h"

#include <QFile>
#include <QJsonDocument>
#include <QTextStream>

namespace vigil::cli {

namespace {

// Which of the target's PostgreSQL nodes is the primary and which its standby, asked live.
bool remoteRoles(const Target& target, drills::PgSwitchoverDrill::Options* o, QString* error)
{
    for (const PgNode& n : target.profile.pgNodes) {
        pg::ConnectOptions c;
        c.conninfo = n.conninfo;
        c.password = target.passwords.value(n.name);
        pg::Connection conn;
        if (!conn.open(c)) {
            *error = QStringLiteral("%1: %2").arg(n.name, conn.lastError());
            return false;
        }
        const pg::Result r = conn.exec(QStringLiteral("/* vigil */ SELECT pg_is_in_recovery()"));
        if (!r.ok()) {
            *error = QStringLiteral("%1: %2").arg(n.name, r.errorMessage());
            return false;
        }
        if (r.toBool(0, 0) && o->replicaName.isEmpty()) {
            o->replicaName = n.name;
            o->replica = c;
        } else if (!r.toBool(0, 0) && o->primaryName.isEmpty()) {
            o->primaryName = n.name;
            o->primary = c;
        }
    }
    if (o->primaryName.isEmpty() || o->replicaName.isEmpty()) {
        *error = QStringLiteral("a switchover needs a primary and a standby among the target's PostgreSQL nodes "
                                "(--pg and --pg-replica, or a profile with both); found %1")
                     .arg(o->primaryName.isEmpty() ? QStringLiteral("no primary") : QStringLiteral("no standby"));
        return false;
    }
    return true;
}

} // namespace

int drillCommand(const QStringList& argsIn)
{
    QStringList args = argsIn;
    QTextStream err(stderr);
    const QStringList kinds {QStringLiteral("pg"), QStringLiteral("pg-switchover"), QStringLiteral("redis"),
                             QStringLiteral("redis-manual")};
    if (args.isEmpty() || !kinds.contains(args.first())) {
        err << "usage: vigil drill pg|pg-switchover|redis|redis-manual --sandbox-dir D [--json] [--report FILE.html]\n"
               "                  [--rto-target MS (default 5000)] [--rpo-target WRITES (default 0)]\n"
               "  pg            unplanned PostgreSQL failover: crash the primary, promote the replica, measure RTO "
               "and RPO, rejoin the old primary with pg_rewind\n"
               "  pg-switchover planned: stop the primary cleanly, wait until the standby replayed its shutdown "
               "checkpoint, promote; no acknowledged write may be lost. On a real cluster (--profile P, or --pg "
               "and --pg-replica) it runs through SQL alone: fence writes (default_transaction_read_only), wait for "
               "the standby, promote; the old primary stays up read-only and the result says what to run on its "
               "host\n"
               "  redis         unplanned Redis failover: pause the master (SIGSTOP) until Sentinel fails over, "
               "measure RTO, RPO and the writes a demoted master accepts, wait until it rejoins\n"
               "  redis-manual  SENTINEL FAILOVER with the same measurements\n";
        return 2;
    }
    const QString kind = args.takeFirst();
    QString error;
    Target target;
    if (!takeTarget(&args, &target, &error)) {
        err << "vigil drill: " << error << "\n";
        return 2;
    }
    const bool json = takeFlag(&args, QStringLiteral("json"));
    const QStringList report = takeOption(&args, QStringLiteral("report"), &error);
    const QStringList rtoTarget = takeOption(&args, QStringLiteral("rto-target"), &error);
    const QStringList rpoTarget = takeOption(&args, QStringLiteral("rpo-target"), &error);
    drills::DrillTargets targets;
    bool okNumber = true;
    if (!rtoTarget.isEmpty())
        targets.rtoMs = rtoTarget.last().toLongLong(&okNumber);
    if (okNumber && !rpoTarget.isEmpty())
        targets.rpoWrites = rpoTarget.last().toLongLong(&okNumber);
    if (!error.isEmpty() || !okNumber || targets.rtoMs < 0 || targets.rpoWrites < 0) {
        err << "vigil drill: "
            << (error.isEmpty() ? QStringLiteral("--rto-target and --rpo-target take whole numbers >= 0") : error)
            << "\n";
        return 2;
    }
    if (!args.isEmpty()) {
        err << "vigil drill: unexpected argument " << args.first() << "\n";
        return 2;
    }
    // A real cluster: only the planned switchover, through SQL alone.
    const bool remote = target.profile.sandboxDir.isEmpty();
    if (remote && kind != QLatin1String("pg-switchover")) {
        err << "vigil drill: the " << kind
            << " drill breaks and repairs servers through the sandbox's own control (pg_ctl, pid files, "
               "pgbouncer.ini) and runs only on a sandbox (--sandbox-dir D); on a real cluster only pg-switchover "
               "runs\n";
        return 2;
    }
    drills::PgSwitchoverDrill::Options remoteOptions;
    if (remote && !remoteRoles(target, &remoteOptions, &error)) {
        err << "vigil drill: " << error << "\n";
        return 1;
    }
    store::LocalStore local;
    store::AuditLog audit(&local);
    store::AuditEntry entry;
    entry.profile = target.profile.name;
    entry.node = remote ? remoteOptions.primaryName + QLatin1Char(',') + remoteOptions.replicaName
        : kind.startsWith(QLatin1String("pg")) ? QStringLiteral("pg1,pg2")
                                               : QStringLiteral("redis1,redis2");
    entry.action = QStringLiteral("drill");
    entry.command = remote ? QStringLiteral("vigil drill %1 --profile %2").arg(kind, target.profile.name)
                           : QStringLiteral("vigil drill %1 --sandbox-dir %2").arg(kind, target.profile.sandboxDir);
    const actions::GateDecision gate = actions::gate(target.profile, entry.action);
    if (!gate.allowed) {
        audit.refused(entry, gate.reason);
        err << "vigil drill: refused: " << gate.reason << "\n";
        return 1;
    }
    const qint64 auditId = audit.begin(entry);
    const QDateTime startedAt = QDateTime::currentDateTimeUtc();
    drills::DrillAudit steps(&audit, entry.profile, entry.node);
    const auto show = [&err, &steps](const drills::DrillStep& s) {
        steps.step(s);
        if (s.state == drills::DrillStep::State::Running)
            err << "… " << s.name << "\n";
        else
            err << (s.ok() ? "✔ " : "✘ ") << s.name << " (" << s.ms << " ms): " << s.detail << "\n";
        err.flush();
    };
    drills::DrillResult r;
    if (remote) {
        r = drills::PgSwitchoverDrill(remoteOptions).run(show);
    } else if (kind.startsWith(QLatin1String("pg"))) {
        drills::PgFailoverDrill::Options o;
        o.sandboxDir = target.profile.sandboxDir;
        o.mode = kind == QLatin1String("pg") ? drills::PgFailoverDrill::Mode::Unplanned
                                             : drills::PgFailoverDrill::Mode::Planned;
        r = drills::PgFailoverDrill(o).run(show);
    } else {
        drills::RedisFailoverDrill::Options o;
        o.sandboxDir = target.profile.sandboxDir;
        o.mode = kind == QLatin1String("redis") ? drills::RedisFailoverDrill::Mode::Unplanned
                                                : drills::RedisFailoverDrill::Mode::Manual;
        r = drills::RedisFailoverDrill(o).run(show);
    }
    audit.finish(auditId, r.ok,
                 r.ok ? QStringLiteral("RTO %1 ms, %2 acknowledged writes lost").arg(r.rtoMs).arg(r.rpoLostWrites)
                      : r.abortReason);
    store::DrillStore(&local).save(target.profile.name, startedAt, r, targets.rtoMs, targets.rpoWrites);
    if (!report.isEmpty()) {
        QFile f(report.last());
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)
            || f.write(drills::reportHtml(r, targets, target.profile.name, startedAt).toUtf8()) < 0)
            err << "vigil drill: could not write the report " << report.last() << ": " << f.errorString() << "\n";
    }
    QTextStream out(stdout);
    if (json) {
        out << QJsonDocument(r.toJson()).toJson(QJsonDocument::Indented);
    } else {
        if (r.demotedWritesAccepted >= 0)
            out << "The demoted master acknowledged " << r.demotedWritesAccepted << " writes over " << r.demotedWindowMs
                << " ms after it woke up; " << r.demotedWritesLost << " of them are lost.\n";
        out << (r.ok ? "Drill passed" : "Drill aborted") << ": " << r.oldPrimary << " -> " << r.newPrimary << ", RTO "
            << r.rtoMs << " ms, RPO " << r.rpoLostWrites << " acknowledged writes"
            << (r.rpoLostBytes >= 0 ? QStringLiteral(" and %1 WAL bytes").arg(r.rpoLostBytes) : QString()) << " lost, "
            << r.probeAcknowledged << " probe writes acknowledged, "
            << (r.repaired ? "the old primary rejoined as a replica" : "the old primary did NOT rejoin") << "\n";
        if (!r.nextAction.isEmpty())
            out << "Next: " << r.nextAction << "\n";
        if (r.ok)
            out << "Verdict against RTO <= " << targets.rtoMs << " ms and RPO <= " << targets.rpoWrites
                << " writes: " << (drills::judge(r, targets).pass() ? "PASS" : "FAIL") << "\n";
    }
    return r.ok ? 0 : 1;
}

} // namespace vigil::cli
