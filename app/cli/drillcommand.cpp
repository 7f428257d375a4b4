// `vigil drill pg --sandbox-dir D [--json]`: a failover drill with its steps on stderr as they run
// and the result (RTO, RPO, steps) on stdout. Unplanned drills break servers on purpose, so they
// run only on a sandbox; every drill is gated by the profile and audited.
#include "commands.h"
#include "target.h"

#include "actions/actiongate.h"
#include "drills/pgfailoverdrill.h"
#include "store/auditlog.h"
#include "store/localstore.h"

#include <QJsonDocument>
#include <QTextStream>

namespace vigil::cli {

int drillCommand(const QStringList& argsIn)
{
    QStringList args = argsIn;
    QTextStream err(stderr);
    if (args.isEmpty() || args.first() != QLatin1String("pg")) {
        err << "usage: vigil drill pg --sandbox-dir D [--json]\n"
               "  pg   unplanned PostgreSQL failover: crash the primary, promote the replica, measure RTO and "
               "RPO, rejoin the old primary with pg_rewind\n";
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
    if (!args.isEmpty()) {
        err << "vigil drill: unexpected argument " << args.first() << "\n";
        return 2;
    }
    if (target.profile.sandboxDir.isEmpty()) {
        err << "vigil drill: the unplanned " << kind
            << " drill crashes a server on purpose and runs only on a sandbox (--sandbox-dir D); against a real "
               "cluster only a planned switchover is offered\n";
        return 2;
    }
    store::LocalStore local;
    store::AuditLog audit(&local);
    store::AuditEntry entry;
    entry.profile = target.profile.name;
    entry.node = QStringLiteral("pg1,pg2");
    entry.action = QStringLiteral("drill");
    entry.command = QStringLiteral("vigil drill %1 --sandbox-dir %2").arg(kind, target.profile.sandboxDir);
    const actions::GateDecision gate = actions::gate(target.profile, entry.action);
    if (!gate.allowed) {
        audit.refused(entry, gate.reason);
        err << "vigil drill: refused: " << gate.reason << "\n";
        return 1;
    }
    const qint64 auditId = audit.begin(entry);
    drills::PgFailoverDrill::Options o;
    o.sandboxDir = target.profile.sandboxDir;
    drills::PgFailoverDrill drill(o);
    const drills::DrillResult r = drill.run([&err](const drills::DrillStep& s) {
        if (s.state == drills::DrillStep::State::Running)
            err << "… " << s.name << "\n";
        else
            err << (s.ok() ? "✔ " : "✘ ") << s.name << " (" << s.ms << " ms): " << s.detail << "\n";
        err.flush();
    });
    audit.finish(auditId, r.ok,
                 r.ok ? QStringLiteral("RTO %1 ms, %2 acknowledged writes lost, %3 WAL bytes lost")
                            .arg(r.rtoMs)
                            .arg(r.rpoLostWrites)
                            .arg(r.rpoLostBytes)
                      : r.abortReason);
    QTextStream out(stdout);
    if (json) {
        out << QJsonDocument(r.toJson()).toJson(QJsonDocument::Indented);
    } else {
        out << (r.ok ? "Drill passed" : "Drill aborted") << ": " << r.oldPrimary << " -> " << r.newPrimary << ", RTO "
            << r.rtoMs << " ms, RPO " << r.rpoLostWrites << " acknowledged writes and " << r.rpoLostBytes
            << " WAL bytes lost, " << r.probeAcknowledged << " probe writes acknowledged, "
            << (r.repaired ? "old primary rejoined as a standby" : "old primary NOT rejoined") << "\n";
        if (!r.ok)
            out << "Next: " << r.nextAction << "\n";
    }
    return r.ok ? 0 : 1;
}

} // namespace vigil::cli
