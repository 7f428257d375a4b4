#include "failover.h"

#include "configs.h"
#include "pg/pgconnection.h"
#include "processes.h"
#include "state.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QThread>

namespace vigil::sandbox {

namespace {

const QString kPgBin = QStringLiteral("/usr/lib/postgresql/15/bin/");

int portIn(const State& s, const QString& node)
{
    return node == QLatin1String("pg1") ? s.pg1Port : node == QLatin1String("pg2") ? s.pg2Port : 0;
}

bool pgNode(const QString& node, QString* error)
{
    if (node == QLatin1String("pg1") || node == QLatin1String("pg2"))
        return true;
    *error = QStringLiteral("%1 is not a PostgreSQL node of the sandbox (pg1 or pg2)").arg(node);
    return false;
}

// Waits until `standby` shows as streaming in the primary's pg_stat_replication.
bool waitStreaming(pg::Connection& primary, const State& s, const QString& standby, const QString& primaryName,
                   int timeoutMs, QString* error)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeoutMs) {
        const pg::Result r = primary.exec(
            QStringLiteral("/* vigil */ SELECT state FROM pg_stat_replication WHERE application_name = $1"), {standby});
        if (r.ok() && r.rows() > 0 && r.text(0, 0) == QLatin1String("streaming"))
            return true;
        QThread::msleep(100);
    }
    *error = QStringLiteral("%1 started as a standby but is not streaming from %2 after %3 s\n%4")
                 .arg(standby, primaryName)
                 .arg(timeoutMs / 1000)
                 .arg(proc::tail(s.logFile(standby)));
    return false;
}

} // namespace

bool openDrillSession(int port, pg::Connection* c, QString* error, const QString& db)
{
    pg::ConnectOptions o;
    o.conninfo = State::pgConninfo(port, db);
    o.applicationName = QStringLiteral("vigil-drill");
    o.connectTimeoutSec = 3;
    o.statementTimeoutMs = 60000; // pg_promote(true, 30) and CHECKPOINT fit in it
    if (c->open(o)) {
        PQsetNoticeProcessor(
            c->raw(), [](void*, const char*) {}, nullptr);
        return true;
    }
    *error = c->lastError();
    return false;
}

int nodePort(const QString& dir, const QString& node)
{
    State s;
    return State::load(dir, &s, nullptr) ? portIn(s, node) : 0;
}

bool crashPostgres(const QString& dir, const QString& node, QString* error)
{
    State s;
    if (!State::load(dir, &s, error) || !pgNode(node, error))
        return false;
    return proc::run(kPgBin + QStringLiteral("pg_ctl"),
                     {QStringLiteral("stop"), QStringLiteral("-D"), s.path(node), QStringLiteral("-m"),
                      QStringLiteral("immediate"), QStringLiteral("-w"), QStringLiteral("-t"), QStringLiteral("20"),
                      QStringLiteral("-s")},
                     25000, error, nullptr, s.dir);
}

QString lastCheckpointLsn(const QString& dir, const QString& node, QString* error)
{
    State s;
    if (!State::load(dir, &s, error) || !pgNode(node, error))
        return {};
    QString output;
    if (!proc::run(kPgBin + QStringLiteral("pg_controldata"), {s.path(node)}, 10000, error, &output, s.dir))
        return {};
    for (const QString& line : output.split(QLatin1Char('\n')))
        if (line.startsWith(QLatin1String("Latest checkpoint location:")))
            return line.section(QLatin1Char(':'), 1).trimmed();
    *error = QStringLiteral("pg_controldata printed no checkpoint location for %1").arg(node);
    return {};
}

bool repointPgbouncer(const QString& dir, const QString& node, QString* error)
{
    State s;
    if (!State::load(dir, &s, error) || !pgNode(node, error))
        return false;
    s.pgbouncerBackend = node;
    if (!s.save(error)
        || !configs::writeFile(s.path(QStringLiteral("pgbouncer")) + QStringLiteral("/pgbouncer.ini"),
                               configs::pgbouncerIni(s), error))
        return false;
    pg::Connection admin;
    pg::ConnectOptions o;
    o.conninfo = QStringLiteral("host=127.0.0.1 port=%1 dbname=pgbouncer user=postgres").arg(s.pgbouncerPort);
    o.pgbouncerAdmin = true;
    o.connectTimeoutSec = 3;
    if (!admin.open(o)) {
        *error = QStringLiteral("pgbouncer admin console: %1").arg(admin.lastError());
        return false;
    }
    // RELOAD re-reads [databases]; RECONNECT closes server connections to the old primary as soon as
    // they are released, so no client keeps reaching it.
    for (const char* cmd : {"RELOAD", "RECONNECT"}) {
        const pg::Result r = admin.execSimple(QLatin1String(cmd));
        if (!r.ok()) {
            *error = QStringLiteral("pgbouncer %1: %2").arg(QLatin1String(cmd), r.errorMessage());
            return false;
        }
    }
    return true;
}

bool rejoinAsStandby(const QString& dir, const QString& oldPrimary, const QString& newPrimary, QString* error,
                     const std::function<void(const QString&)>& say)
{
    const auto tell = [&](const QString& m) {
        if (say)
            say(m);
    };
    State s;
    if (!State::load(dir, &s, error) || !pgNode(oldPrimary, error) || !pgNode(newPrimary, error))
        return false;
    const int oldPort = portIn(s, oldPrimary), newPort = portIn(s, newPrimary);
    pg::Connection primary;
    if (!openDrillSession(newPort, &primary, error))
        return false;
    tell(QStringLiteral("CHECKPOINT on %1").arg(newPrimary));
    pg::Result r = primary.exec(QStringLiteral("/* vigil */ CHECKPOINT"));
    if (r.ok())
        r = primary.exec(QStringLiteral("/* vigil */ SELECT pg_create_physical_replication_slot($1) WHERE NOT EXISTS "
                                        "(SELECT 1 FROM pg_replication_slots WHERE slot_name = $1)"),
                         {oldPrimary});
    if (!r.ok()) {
        *error = QStringLiteral("%1: %2").arg(newPrimary, r.errorMessage());
        return false;
    }
    // After an immediate stop the target was not shut down cleanly; pg_rewind (PostgreSQL 13+) runs
    // its crash recovery in single-user mode first by itself. That recovery ends with a checkpoint
    // which removes the WAL segments before it, and with them, when the last checkpoint before the
    // divergence lies in an older segment (seen after CREATE DATABASE and pgbench -i: "could not
    // open file .../pg_wal/..."), the WAL pg_rewind reads next. For that one run the target keeps
    // all its WAL; pg_rewind then copies the new primary's configuration over this line.
    const QString data = s.path(oldPrimary);
    if (!configs::writeFile(data + QStringLiteral("/postgresql.auto.conf"), QStringLiteral("wal_keep_size = '1TB'\n"),
                            error, true))
        return false;
    tell(QStringLiteral("pg_rewind %1 from %2").arg(oldPrimary, newPrimary));
    QString output;
    const QString source
        = QStringLiteral("host=127.0.0.1 port=%1 user=postgres dbname=postgres application_name=vigil-drill")
              .arg(newPort);
    if (!proc::run(kPgBin + QStringLiteral("pg_rewind"),
                   {QStringLiteral("--target-pgdata=") + data, QStringLiteral("--source-server=") + source,
                    QStringLiteral("--progress")},
                   300000, error, &output, s.dir)) {
        *error = QStringLiteral("pg_rewind of %1 failed: %2").arg(oldPrimary, *error);
        return false;
    }
    // pg_rewind copied the new primary's configuration, port and standby settings included.
    tell(QStringLiteral("configuring %1 as a standby of %2").arg(oldPrimary, newPrimary));
    const QString conninfo
        = QStringLiteral("host=127.0.0.1 port=%1 user=postgres application_name=%2").arg(newPort).arg(oldPrimary);
    if (!configs::writeFile(
            data + QStringLiteral("/postgresql.auto.conf"),
            configs::postgresAuto(
                configs::postgresNode(s, oldPort)
                + QStringLiteral("primary_conninfo = '%1'\nprimary_slot_name = '%2'\n").arg(conninfo, oldPrimary)),
            error)
        || !configs::writeFile(data + QStringLiteral("/standby.signal"), QString(), error)
        || !proc::handOver(data, error))
        return false;
    QFile::remove(data + QStringLiteral("/postmaster.pid")); // left by the immediate stop, if any
    tell(QStringLiteral("starting %1 as a standby").arg(oldPrimary));
    if (!proc::run(kPgBin + QStringLiteral("pg_ctl"),
                   {QStringLiteral("start"), QStringLiteral("-D"), data, QStringLiteral("-l"), s.logFile(oldPrimary),
                    QStringLiteral("-w"), QStringLiteral("-t"), QStringLiteral("60"), QStringLiteral("-s")},
                   70000, error, nullptr, s.dir)) {
        *error = QStringLiteral("starting %1 as a standby failed: %2\n%3")
                     .arg(oldPrimary, *error, proc::tail(s.logFile(oldPrimary)));
        return false;
    }
    // A slot of the old topology (the one the old standby used) would keep WAL on this standby.
    pg::Connection standby;
    if (openDrillSession(oldPort, &standby, error))
        standby.exec(QStringLiteral("/* vigil */ SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                                    "WHERE slot_type = 'physical' AND NOT active"));
    tell(QStringLiteral("waiting until %1 streams from %2").arg(oldPrimary, newPrimary));
    return waitStreaming(primary, s, oldPrimary, newPrimary, 30000, error);
}

bool waitUntilStreaming(const QString& dir, const QString& primary, const QString& standby, int timeoutMs,
                        QString* error)
{
    State s;
    pg::Connection c;
    return State::load(dir, &s, error) && pgNode(primary, error) && openDrillSession(portIn(s, primary), &c, error)
        && waitStreaming(c, s, standby, primary, timeoutMs, error);
}

bool recloneStandby(const QString& dir, const QString& node, const QString& primaryName, QString* error,
                    const std::function<void(const QString&)>& say)
{
    const auto tell = [&](const QString& m) {
        if (say)
            say(m);
    };
    State s;
    if (!State::load(dir, &s, error) || !pgNode(node, error) || !pgNode(primaryName, error))
        return false;
    const int port = portIn(s, node), primaryPort = portIn(s, primaryName);
    const QString data = s.path(node);
    if (QFile::exists(data + QStringLiteral("/postmaster.pid"))) {
        QString ignored; // a damaged node may refuse a clean stop; immediate is enough before a delete
        if (!proc::run(kPgBin + QStringLiteral("pg_ctl"),
                       {QStringLiteral("stop"), QStringLiteral("-D"), data, QStringLiteral("-m"),
                        QStringLiteral("immediate"), QStringLiteral("-w"), QStringLiteral("-t"), QStringLiteral("20"),
                        QStringLiteral("-s")},
                       25000, &ignored, nullptr, s.dir))
            tell(QStringLiteral("pg_ctl stop of %1: %2").arg(node, ignored));
    }
    pg::Connection primary;
    if (!openDrillSession(primaryPort, &primary, error))
        return false;
    const pg::Result slot
        = primary.exec(QStringLiteral("/* vigil */ SELECT pg_create_physical_replication_slot($1) WHERE NOT EXISTS "
                                      "(SELECT 1 FROM pg_replication_slots WHERE slot_name = $1)"),
                       {node});
    if (!slot.ok()) {
        *error = QStringLiteral("%1: %2").arg(primaryName, slot.errorMessage());
        return false;
    }
    tell(QStringLiteral("deleting %1's data directory").arg(node));
    if (!QDir(data).removeRecursively()) {
        *error = QStringLiteral("could not delete %1").arg(data);
        return false;
    }
    tell(QStringLiteral("pg_basebackup %1 from %2 (slot %1)").arg(node, primaryName));
    const QString source
        = QStringLiteral("host=127.0.0.1 port=%1 user=postgres application_name=%2").arg(primaryPort).arg(node);
    if (!proc::run(kPgBin + QStringLiteral("pg_basebackup"),
                   {QStringLiteral("-d"), source, QStringLiteral("-D"), data, QStringLiteral("-R"),
                    QStringLiteral("-S"), node, QStringLiteral("-X"), QStringLiteral("stream"),
                    QStringLiteral("--checkpoint=fast")},
                   300000, error, nullptr, s.dir)) {
        *error = QStringLiteral("pg_basebackup of %1 failed: %2").arg(node, *error);
        return false;
    }
    // The copy carries the primary's settings (port included); these lines come last and win.
    const QString extra = configs::postgresNode(s, port)
        + QStringLiteral("primary_conninfo = '%1'\nprimary_slot_name = '%2'\n").arg(source, node);
    if (!configs::writeFile(data + QStringLiteral("/postgresql.auto.conf"), extra, error, true)
        || !proc::handOver(data, error))
        return false;
    tell(QStringLiteral("starting %1 as a standby").arg(node));
    if (!proc::run(kPgBin + QStringLiteral("pg_ctl"),
                   {QStringLiteral("start"), QStringLiteral("-D"), data, QStringLiteral("-l"), s.logFile(node),
                    QStringLiteral("-w"), QStringLiteral("-t"), QStringLiteral("60"), QStringLiteral("-s")},
                   70000, error, nullptr, s.dir)) {
        *error
            = QStringLiteral("starting %1 as a standby failed: %2\n%3").arg(node, *error, proc::tail(s.logFile(node)));
        return false;
    }
    tell(QStringLiteral("waiting until %1 streams from %2").arg(node, primaryName));
    return waitStreaming(primary, s, node, primaryName, 30000, error);
}

} // namespace vigil::sandbox
