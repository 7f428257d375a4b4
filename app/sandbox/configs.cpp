#include "configs.h"

#include <QFile>

namespace vigil::sandbox::configs {

QString postgresShared()
{
    return QStringLiteral(R"(
# --- Vigil sandbox settings ---
listen_addresses = '127.0.0.1'
max_connections = 300                  # load tests open many sessions
shared_buffers = 128MB
shared_preload_libraries = 'pg_stat_statements,pg_qualstats'
pg_stat_statements.track = top
pg_qualstats.sample_rate = 1           # the default samples ~0.5 % of statements
pg_qualstats.max = 20000
track_io_timing = on
wal_level = replica
hot_standby = on
wal_log_hints = on                     # pg_rewind needs it after a failover drill
max_wal_senders = 10
max_replication_slots = 10
min_wal_size = 32MB                    # keeps the data directory (and its cached template) small
max_wal_size = 1GB
# Throwaway data: fsync and synchronous_commit off make seeding and `up` several seconds faster.
# Never copy these two lines to a server whose data matters.
fsync = off
synchronous_commit = off
logging_collector = off
log_min_duration_statement = -1
log_line_prefix = '%m [%p] %q%u@%d '
)");
}

QString postgresNode(const State& state, int port)
{
    return QStringLiteral("port = %1\nunix_socket_directories = '%2'\n").arg(port).arg(state.socketDir());
}

QString pgHba()
{
    // No password is ever written to disk: loopback is trusted, except for the two roles tests use
    // to see a rejection by pg_hba and a scram-sha-256 password check (they set a password in SQL).
    return QStringLiteral(R"(# Vigil sandbox: 127.0.0.1 only, trust on loopback (a local throwaway cluster).
# TYPE  DATABASE     USER                    ADDRESS        METHOD
local   all          all                                    trust
host    all          vigil_rejected          127.0.0.1/32   reject
host    all          +vigil_password_users   127.0.0.1/32   scram-sha-256
host    all          all                     127.0.0.1/32   trust
host    replication  all                     127.0.0.1/32   trust
)");
}

QString pgbouncerIni(const State& state)
{
    const QString pb = state.path(QStringLiteral("pgbouncer"));
    return QStringLiteral(R"([databases]
trading = host=127.0.0.1 port=%1 dbname=trading
postgres = host=127.0.0.1 port=%1 dbname=postgres

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = %2
unix_socket_dir = %3
auth_type = trust
auth_file = %4/userlist.txt
admin_users = postgres
stats_users = postgres
pool_mode = transaction
max_client_conn = 1000
default_pool_size = 20
reserve_pool_size = 5
ignore_startup_parameters = extra_float_digits,options
logfile = %5
pidfile = %4/pgbouncer.pid
)")
        .arg(state.pg1Port)
        .arg(state.pgbouncerPort)
        .arg(state.socketDir(), pb, state.logFile(QStringLiteral("pgbouncer")));
}

QString pgbouncerUsers()
{
    // auth_type = trust still needs the user listed; the password field stays empty.
    return QStringLiteral("\"postgres\" \"\"\n");
}

QString redis(const State& state, int index)
{
    const QString name = QStringLiteral("redis%1").arg(index);
    QString text = QStringLiteral(R"(bind 127.0.0.1
port %1
protected-mode no
daemonize yes
pidfile %2/redis.pid
logfile %3
dir %2
save ""
appendonly no
# The default waits 5 s before a full sync; the sandbox wants its replica up now.
repl-diskless-sync-delay 0
# Redis 7 waits up to 10 s for replicas on SIGTERM; `down` must be quick.
shutdown-timeout 0
)")
                       .arg(index == 1 ? state.redis1Port : state.redis2Port)
                       .arg(state.path(name), state.logFile(name));
    if (index != 1)
        text += QStringLiteral("replicaof 127.0.0.1 %1\n").arg(state.redis1Port);
    return text;
}

QString sentinel(const State& state, int index)
{
    // Written fresh each time (never copied): Sentinel adds its own `myid` line on first start,
    // and two sentinels sharing a myid would not count as two votes.
    const QString name = QStringLiteral("sentinel%1").arg(index);
    return QStringLiteral(R"(bind 127.0.0.1
port %1
protected-mode no
daemonize yes
pidfile %2/sentinel.pid
logfile %3
dir %2
sentinel monitor trading 127.0.0.1 %4 2
sentinel down-after-milliseconds trading 2000
sentinel failover-timeout trading 10000
sentinel parallel-syncs trading 1
)")
        .arg(state.sentinelPorts.value(index - 1))
        .arg(state.path(name), state.logFile(name))
        .arg(state.redis1Port);
}

bool writeFile(const QString& path, const QString& text, QString* error, bool append)
{
    QFile f(path);
    const auto mode
        = append ? (QIODevice::WriteOnly | QIODevice::Append) : (QIODevice::WriteOnly | QIODevice::Truncate);
    if (!f.open(mode) || f.write(text.toUtf8()) < 0) {
        if (error)
            *error = QStringLiteral("could not write %1: %2").arg(path, f.errorString());
        return false;
    }
    return true;
}

} // namespace vigil::sandbox::configs
