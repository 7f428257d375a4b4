#include "backendcontrol.h"

#include "actions/actiongate.h"
#include "connect/diagnosis.h"
#include "store/auditlog.h"

namespace vigil::actions {

namespace {
struct SignalKind
{
    QString action; // audit action name
    QString sql;
    QString verb; // "cancel" / "terminate", for messages
    QString past; // "cancelled" / "terminated"
};

BackendActionResult signalBackend(const SignalKind& kind, const pg::ConnectOptions& target, int pid,
                                  store::AuditLog* audit, const Profile& profile, const QString& node,
                                  bool typedNameConfirmed)
{
    BackendActionResult result;
    // The statement is sent exactly as written; the pid travels as a parameter and is noted after
    // it so the log says which backend was hit.
    const store::AuditEntry entry {QDateTime::currentDateTimeUtc(),
                                   profile.name,
                                   node,
                                   kind.action,
                                   QStringLiteral("%1 -- $1 = %2").arg(kind.sql).arg(pid),
                                   {}};
    auto refuse = [&](const QString& reason) {
        result.refused = true;
        result.message = reason;
        if (audit)
            result.auditId = audit->refused(entry, reason);
        return result;
    };

    const GateDecision decision = gate(profile, kind.action);
    if (!decision.allowed)
        return refuse(decision.reason);
    if (decision.needsTypedName && !typedNameConfirmed)
        return refuse(QStringLiteral("profile %1 is production: %2 of backend %3 needs the profile name typed to "
                                     "confirm, and it was not")
                          .arg(profile.name, kind.verb)
                          .arg(pid));
    if (pid <= 0)
        return refuse(QStringLiteral("%1 is not a process id; nothing was sent").arg(pid));
    if (!audit)
        return refuse(QStringLiteral("no audit log is available, and nothing changes a server unrecorded; backend "
                                     "%1 was not touched")
                          .arg(pid));

    result.auditId = audit->begin(entry);
    if (result.auditId < 0) {
        result.refused = true;
        result.message = QStringLiteral("the audit log could not be written, so backend %1 was not touched; check "
                                        "that Vigil's data directory is writable")
                             .arg(pid);
        return result;
    }
    auto done = [&](bool ok, const QString& message) {
        result.ok = ok;
        result.message = message;
        audit->finish(result.auditId, ok, message);
        return result;
    };

    // A short session of its own: the monitoring connections stay untouched, and a server that
    // does not answer costs the operator at most the connect timeout.
    pg::ConnectOptions options = target;
    options.connectTimeoutSec = 3;
    options.applicationName = QStringLiteral("vigil");
    options.statementTimeoutMs = 5000;
    options.pgbouncerAdmin = false;
    pg::Connection conn;
    if (!conn.open(options))
        return done(false, diagnosePg(node, conn.lastError()).toText());

    // The server answers an unknown pid with a WARNING as well as false; libpq's default prints
    // it to stderr. The result already says it, so keep the notice off the terminal.
    PQsetNoticeProcessor(
        conn.raw(), [](void*, const char*) {}, nullptr);
    const pg::Result r = conn.exec(kind.sql, {pid});
    if (!r.ok()) {
        const QString error = r.errorMessage();
        if (r.sqlState() == QLatin1String("42501") || error.contains(QLatin1String("permission denied"))) {
            const QString role = QString::fromUtf8(PQuser(conn.raw()));
            // Superusers' backends are out of reach of pg_signal_backend; telling someone to grant it
            // would send them on a useless errand.
            if (error.contains(QLatin1String("superuser"), Qt::CaseInsensitive))
                return done(false,
                            QStringLiteral("permission denied: backend %1 belongs to a superuser, and only a "
                                           "superuser can %2 it (role %3 is not one; pg_signal_backend does "
                                           "not extend to superusers' sessions)")
                                .arg(pid)
                                .arg(kind.verb, role));
            return done(false,
                        QStringLiteral("permission denied: your role needs pg_signal_backend (GRANT "
                                       "pg_signal_backend TO %1), or membership in the role that owns "
                                       "backend %2")
                            .arg(role)
                            .arg(pid));
        }
        Diagnosis d {QStringLiteral("%1: could not %2 backend %3").arg(node, kind.verb).arg(pid), error, {}};
        if (r.sqlState().isEmpty()) // client side: timeout or a lost connection
            d.todo = QStringLiteral("Check that %1 is reachable and try again").arg(node);
        return done(false, d.toText());
    }
    // false: the server found no backend with that pid (it ended, or the number is some other
    // process); the function only warns then, so this is the one place to say so.
    if (!r.toBool(0, 0))
        return done(false,
                    QStringLiteral("backend %1 is not running any more (no PostgreSQL backend on %2 has that "
                                   "pid); nothing was %3")
                        .arg(pid)
                        .arg(node, kind.past));
    if (kind.action == QLatin1String("cancel"))
        return done(true,
                    QStringLiteral("backend %1 on %2: cancel sent; its running statement stops with "
                                   "\"canceling statement due to user request\" and the session stays")
                        .arg(pid)
                        .arg(node));
    return done(true,
                QStringLiteral("backend %1 on %2 terminated: its session is closed and any open transaction "
                               "rolled back")
                    .arg(pid)
                    .arg(node));
}
} // namespace

BackendActionResult cancelBackend(const pg::ConnectOptions& target, int pid, store::AuditLog* audit,
                                  const Profile& profile, const QString& node, bool typedNameConfirmed)
{
    return signalBackend({QStringLiteral("cancel"), QStringLiteral("SELECT pg_cancel_backend($1)"),
                          QStringLiteral("cancel"), QStringLiteral("cancelled")},
                         target, pid, audit, profile, node, typedNameConfirmed);
}

BackendActionResult terminateBackend(const pg::ConnectOptions& target, int pid, store::AuditLog* audit,
                                     const Profile& profile, const QString& node, bool typedNameConfirmed)
{
    return signalBackend({QStringLiteral("terminate"), QStringLiteral("SELECT pg_terminate_backend($1)"),
                          QStringLiteral("terminate"), QStringLiteral("terminated")},
                         target, pid, audit, profile, node, typedNameConfirmed);
}

} // namespace vigil::actions
