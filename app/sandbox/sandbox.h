#pragma once

#include "connect/profile.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <functional>

namespace vigil::sandbox {

// Where each server of a sandbox is now. Roles move after a failover drill, so this is read from
// the live servers (status), not only from what `up` wrote.
struct Topology
{
    QString dir;
    QString primary; // conninfo of the current PostgreSQL primary (database trading)
    QStringList replicas; // conninfos of the PostgreSQL replicas
    QString pgbouncer; // conninfo through pgbouncer (database trading)
    QString pgbouncerAdmin; // conninfo of pgbouncer's admin console (dbname=pgbouncer)
    QString redisMaster; // "127.0.0.1:PORT"
    QStringList redisReplicas;
    QStringList sentinels;
    QString masterName = QStringLiteral("trading");
    QString healthUrl; // the stand-in application server's health URL (empty: none)

    // The JSON shape of `vigil sandbox up --json` (see issue 2 section 2).
    QJsonObject toJson() const;
};

struct UpOptions
{
    QString dir; // empty: defaultDir()
    qint64 trades = 1000000; // rows seeded into trades
    std::function<void(const QString&)> progress; // step messages, called on the calling thread
};

// Blocking calls: run them off the GUI thread.
QString defaultDir();
bool up(const UpOptions& options, Topology* topology, QString* error, qint64* elapsedMs = nullptr);
bool down(const QString& dir, QString* error);
// Current topology plus per-component health ("health": {component: {"ok", "detail"}}).
bool status(const QString& dir, Topology* topology, QJsonObject* health, QString* error);
// True when `dir` holds a sandbox that `up` created (its state file exists).
bool exists(const QString& dir);

// Stops or starts one server of a running sandbox by component name (pg1, pg2, pgbouncer,
// redis1, redis2, sentinel1..3, health), for tests and drills that break and repair the topology.
// PostgreSQL stops with a fast shutdown and starts with pg_ctl -w (as a standby if it was one).
bool stopNode(const QString& dir, const QString& node, QString* error);
bool startNode(const QString& dir, const QString& node, QString* error);

// Every component `up` starts (pg1, pg2, pgbouncer, redis1, redis2, sentinel1..3; not health).
QStringList componentNames();
// The component's process per its pid file: 0 when it is not running; *paused when it is stopped
// by a signal (SIGSTOP, as the Redis drill pauses a master).
qint64 componentPid(const QString& dir, const QString& component, bool* paused = nullptr);

// The sandbox as a connection profile named "sandbox": nodes pg1/pg2 (conninfos with
// dbname=trading), pgbouncer + admin, redis1/redis2, three sentinels, master name trading.
Profile toProfile(const Topology& topology);

} // namespace vigil::sandbox
