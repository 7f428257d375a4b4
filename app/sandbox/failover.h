#pragma once

#include "pg/pgconnection.h"

#include <QString>
#include <functional>

namespace vigil::sandbox {

// The sandbox operations a PostgreSQL failover drill needs beyond stopNode/startNode. Blocking;
// run them off the GUI thread. `node` is "pg1" or "pg2".

// The port a component listens on (0 when unknown).
int nodePort(const QString& dir, const QString& node);

// A drill's session to a sandbox node (application_name vigil-drill, notices silenced: they are
// what a drill causes or expects, and its steps report what matters).
bool openDrillSession(int port, pg::Connection* c, QString* error, const QString& db = QStringLiteral("postgres"));

// An unplanned failure: `pg_ctl stop -m immediate` (no checkpoint, clients cut off at once).
bool crashPostgres(const QString& dir, const QString& node, QString* error);

// "Latest checkpoint location" of a stopped node's control file (pg_controldata): after a clean
// shutdown, the shutdown checkpoint every standby must have replayed before it is promoted.
QString lastCheckpointLsn(const QString& dir, const QString& node, QString* error);

// Points pgbouncer's databases at `node`, remembers it in sandbox.json (so a later start of
// pgbouncer keeps it) and makes the running pgbouncer RELOAD its configuration.
bool repointPgbouncer(const QString& dir, const QString& node, QString* error);

// Brings a failed-over old primary back as a standby of `newPrimary`: CHECKPOINT on the new
// primary (pg_rewind reads its timeline from the control file), a physical slot named after the
// old node, pg_rewind, then the settings pg_rewind copied from the source put right (port,
// primary_conninfo, slot), standby.signal, start, and wait until it streams. `say` reports steps.
bool rejoinAsStandby(const QString& dir, const QString& oldPrimary, const QString& newPrimary, QString* error,
                     const std::function<void(const QString&)>& say = {});

// Waits up to `timeoutMs` until `standby` streams from `primary` (pg_stat_replication on the
// primary); *error says why not, with the standby's log.
bool waitUntilStreaming(const QString& dir, const QString& primary, const QString& standby, int timeoutMs,
                        QString* error);

// The last resort when pg_rewind cannot bring `node` back (its data directory is damaged, or its
// timeline cannot be rewound): stops it, deletes its data directory, takes a fresh pg_basebackup
// from `primary` through a slot named after the node, configures it as a standby and waits until
// it streams.
bool recloneStandby(const QString& dir, const QString& node, const QString& primary, QString* error,
                    const std::function<void(const QString&)>& say = {});

} // namespace vigil::sandbox
