#include "probes.h"

#include "pg/pgconnection.h"
#include "state.h"

namespace vigil::sandbox::probes {

namespace {
pg::ConnectOptions options(const QString& conninfo)
{
    pg::ConnectOptions o;
    o.conninfo = conninfo;
    o.connectTimeoutSec = 2;
    o.statementTimeoutMs = 2000;
    return o;
}
} // namespace

PgProbe postgres(int port)
{
    PgProbe p;
    pg::Connection c;
    if (!c.open(options(State::pgConninfo(port)))) {
        p.error = c.lastError();
        return p;
    }
    const pg::Result r
        = c.exec(QStringLiteral("/* vigil */ SELECT pg_is_in_recovery(), current_setting('server_version')"));
    if (!r.ok() || r.rows() != 1) {
        p.error = r.errorMessage();
        return p;
    }
    p.reachable = true;
    p.inRecovery = r.toBool(0, 0);
    p.version = r.text(0, 1);
    return p;
}

QHash<QString, ReplicaState> replication(int primaryPort, QString* error)
{
    QHash<QString, ReplicaState> out;
    pg::Connection c;
    if (!c.open(options(State::pgConninfo(primaryPort)))) {
        if (error)
            *error = c.lastError();
        return out;
    }
    const pg::Result r = c.exec(QStringLiteral(
        "/* vigil */ SELECT application_name, state, "
        "coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), -1)::bigint FROM pg_stat_replication"));
    if (!r.ok()) {
        if (error)
            *error = r.errorMessage();
        return out;
    }
    for (int i = 0; i < r.rows(); ++i)
        out.insert(r.text(i, 0), ReplicaState {r.text(i, 1), r.toInt64(i, 2, -1)});
    return out;
}

QString pgbouncerVersion(int port, QString* error)
{
    pg::ConnectOptions o = options(State::pgConninfo(port, QStringLiteral("pgbouncer")));
    o.pgbouncerAdmin = true;
    pg::Connection c;
    if (!c.open(o)) {
        if (error)
            *error = c.lastError();
        return {};
    }
    const pg::Result r = c.execSimple(QStringLiteral("SHOW VERSION"));
    if (!r.ok() || r.rows() < 1) {
        if (error)
            *error = r.ok() ? QStringLiteral("SHOW VERSION returned no row") : r.errorMessage();
        return {};
    }
    return r.text(0, 0);
}

redis::Reply redisCommand(int port, const QByteArrayList& args, int timeoutMs)
{
    redis::Connection c;
    if (!c.open(redis::Endpoint {QStringLiteral("127.0.0.1"), port}, timeoutMs)) {
        redis::Reply r;
        r.type = redis::Reply::Type::Error;
        r.str = c.lastError().toUtf8();
        return r;
    }
    return c.command(args);
}

} // namespace vigil::sandbox::probes
