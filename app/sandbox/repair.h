#pragma once

#include <QString>
#include <QStringList>
#include <functional>

namespace vigil::sandbox {

// What `repair` found and did.
struct RepairReport
{
    QStringList actions; // what was done, in order (empty: the sandbox was healthy)
    QString pgPrimary; // the PostgreSQL primary afterwards
    QString pgStandby; // the standby streaming from it afterwards
};

// Puts a sandbox that a drill, a test or a crash left half broken back into one working topology,
// keeping whatever data the current primary has: resumes paused servers and starts stopped ones;
// for PostgreSQL, keeps the single primary (with two, the later promotion: the higher
// timeline), brings the
// other node back as its streaming standby (pg_rewind, or a fresh pg_basebackup when pg_rewind
// fails), and points pgbouncer at the primary. Blocking: run it off the GUI thread.
bool repair(const QString& dir, RepairReport* report, QString* error,
            const std::function<void(const QString&)>& say = {});

} // namespace vigil::sandbox
