#pragma once

#include "diagnosis.h"
#include "profile.h"

#include <QHash>
#include <QList>
#include <QString>

namespace vigil {

// The outcome of checking one server of a profile.
struct CheckResult
{
    QString node; // PG node name, "pgbouncer", "pgbouncer-admin", or the HOST:PORT of a Redis node or Sentinel
    QString kind; // postgres | pgbouncer | redis | sentinel
    bool ok = false;
    QString summary; // "PostgreSQL 15.18, primary, 3 ms"; on failure the diagnosis in one line
    Diagnosis diagnosis; // empty when ok
    qint64 ms = 0; // wall time of this check
};

// Connects to every server of the profile and runs one cheap identifying query on each:
// PostgreSQL `SELECT version(), pg_is_in_recovery()`, pgbouncer's admin console SHOW VERSION,
// Redis PING + ROLE, Sentinel get-master-addr-by-name + CKQUORUM. The checks run in parallel and
// each is bounded by timeoutSec (connect and every round trip), so the whole call returns in about
// timeoutSec even when servers hang. Blocking: call it from a worker thread, never the GUI thread.
// passwords are keyed like SecretStore: PG node name, "pgbouncer", "pgbouncer-admin", "redis".
QList<CheckResult> checkProfile(const Profile& profile, const QHash<QString, QString>& passwords = {},
                                int timeoutSec = 3);

// The individual checks, for callers that test one node.
CheckResult checkPostgres(const QString& node, const QString& conninfo, const QString& password, int timeoutSec);
CheckResult checkPgbouncerAdmin(const QString& node, const QString& conninfo, const QString& password, int timeoutSec);
CheckResult checkRedis(const QString& address, const QString& username, const QString& password, int timeoutSec);
CheckResult checkSentinel(const QString& address, const QString& masterName, int timeoutSec);

} // namespace vigil
