#pragma once

#include "connect/profile.h"
#include "pg/pgconnection.h"

#include <QString>

namespace vigil::store {
class AuditLog;
}

namespace vigil::actions {

struct BackendActionResult
{
    bool ok = false;
    // What happened or why not, in words an operator can act on, e.g. "backend 1234 is not running
    // any more" or "permission denied: your role needs pg_signal_backend (GRANT ...)".
    QString message;
    // True when the gate (or a missing audit log) stopped it: no connection was made.
    bool refused = false;
    // The audit entry written for this attempt (-1 when none could be written).
    qint64 auditId = -1;
};

// Cancel the statement a backend is running (pg_cancel_backend) or end its session
// (pg_terminate_backend) on the server `target` points at.
//
// In order: gate(profile) — a read-only profile, or a production one whose name the operator has
// not typed (typedNameConfirmed false), is refused without touching the server and recorded in
// the audit log as a Refused entry; audit begin with the exact SQL and the pid (no audit log, or
// one that cannot be written, also refuses: nothing changes a server unrecorded); a short
// connection of its own (connect_timeout 3 s, application_name vigil); the call with the pid as a
// parameter; the outcome interpreted (false: the pid is gone or is no backend; SQLSTATE 42501:
// which privilege is missing); audit finish.
//
// Blocking (a connect and one round trip): run it off the GUI thread, e.g. with QtConcurrent.
BackendActionResult cancelBackend(const pg::ConnectOptions& target, int pid, store::AuditLog* audit,
                                  const Profile& profile, const QString& node, bool typedNameConfirmed = false);
BackendActionResult terminateBackend(const pg::ConnectOptions& target, int pid, store::AuditLog* audit,
                                     const Profile& profile, const QString& node, bool typedNameConfirmed = false);

} // namespace vigil::actions

#include <QMetaType>
Q_DECLARE_METATYPE(vigil::actions::BackendActionResult)
