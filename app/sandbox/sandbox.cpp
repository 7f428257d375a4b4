#include "sandbox.h"

#include "configs.h"
#include "healthserver.h"
#include "probes.h"
#include "processes.h"
#include "state.h"
#include "tradingdataset.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QThread>
#include <csignal>
#include <unistd.h>

namespace vigil::sandbox {

namespace {
const QString kPgBin = QStringLiteral("/usr/lib/postgresql/15/bin/");
const QString kPgbouncer = QStringLiteral("/usr/sbin/pgbouncer");
const QString kRedisServer = QStringLiteral("/usr/bin/redis-server");
const QString kRedisSentinel = QStringLiteral("/usr/bin/redis-sentinel");
const QStringList kComponents {QStringLiteral("pg1"),       QStringLiteral("pg2"),      QStringLiteral("pgbouncer"),
                               QStringLiteral("redis1"),    QStringLiteral("redis2"),   QStringLiteral("sentinel1"),
                               QStringLiteral("sentinel2"), QStringLiteral("sentinel3")};

using Say = std::function<void(const QString&)>;

QString pgBin(const QString& name)
{
    return kPgBin + name;
}

QString missingBinaries()
{
    const QList<QPair<QString, QString>> bins {
        {pgBin(QStringLiteral("initdb")), QStringLiteral("postgresql-15")},
        {pgBin(QStringLiteral("pg_ctl")), QStringLiteral("postgresql-15")},
        {pgBin(QStringLiteral("postgres")), QStringLiteral("postgresql-15")},
        {pgBin(QStringLiteral("pg_basebackup")), QStringLiteral("postgresql-15")},
        {kPgbouncer, QStringLiteral("pgbouncer")},
        {kRedisServer, QStringLiteral("redis-server")},
        {kRedisSentinel, QStringLiteral("redis-sentinel")},
    };
    for (const auto& [path, package] : bins)
        if (const QString e = proc::checkBinary(path, package); !e.isEmpty())
            return e;
    for (const char* ext : {"hypopg.control", "pg_qualstats.control", "pg_stat_statements.control"})
        if (!QFile::exists(QStringLiteral("/usr/share/postgresql/15/extension/") + QLatin1String(ext)))
            return QStringLiteral("PostgreSQL extension %1 is not installed: install postgresql-15-hypopg and "
                                  "postgresql-15-pg-qualstats (./dev installs them)")
                .arg(QLatin1String(ext));
    return {};
}

int portOf(const State& s, const QString& component)
{
    if (component == QLatin1String("pg1"))
        return s.pg1Port;
    if (component == QLatin1String("pg2"))
        return s.pg2Port;
    if (component == QLatin1String("pgbouncer"))
        return s.pgbouncerPort;
    if (component == QLatin1String("redis1"))
        return s.redis1Port;
    if (component == QLatin1String("redis2"))
        return s.redis2Port;
    if (component.startsWith(QLatin1String("sentinel")))
        return s.sentinelPorts.value(component.mid(8).toInt() - 1);
    return 0;
}

QString pidFile(const State& s, const QString& component)
{
    if (component.startsWith(QLatin1String("pg")) && component != QLatin1String("pgbouncer"))
        return s.path(component) + QStringLiteral("/postmaster.pid");
    if (component == QLatin1String("pgbouncer"))
        return s.path(component) + QStringLiteral("/pgbouncer.pid");
    if (component.startsWith(QLatin1String("redis")))
        return s.path(component) + QStringLiteral("/redis.pid");
    return s.path(component) + QStringLiteral("/sentinel.pid");
}

// pg_ctl start -w: returns once the server accepts connections (a standby once consistent).
bool startPostgres(const State& s, const QString& node, QString* error)
{
    if (proc::run(pgBin(QStringLiteral("pg_ctl")),
                  {QStringLiteral("start"), QStringLiteral("-D"), s.path(node), QStringLiteral("-l"), s.logFile(node),
                   QStringLiteral("-w"), QStringLiteral("-t"), QStringLiteral("60"), QStringLiteral("-s")},
                  70000, error, nullptr, s.dir))
        return true;
    *error = QStringLiteral("starting PostgreSQL %1 failed: %2\n%3").arg(node, *error, proc::tail(s.logFile(node)));
    return false;
}

bool stopPostgres(const State& s, const QString& node, QString* error)
{
    return proc::run(pgBin(QStringLiteral("pg_ctl")),
                     {QStringLiteral("stop"), QStringLiteral("-D"), s.path(node), QStringLiteral("-m"),
                      QStringLiteral("fast"), QStringLiteral("-w"), QStringLiteral("-t"), QStringLiteral("20"),
                      QStringLiteral("-s")},
                     25000, error, nullptr, s.dir);
}

// Stops every server the sandbox may have started, by PID (pid files first, then the PIDs
// `up` recorded). A postmaster gets SIGINT, which is what `pg_ctl stop -m fast` sends; signalling
// both nodes at once instead of running pg_ctl twice keeps `down` well under a second.
void stopServers(const State& s)
{
    QList<proc::StopTarget> targets;
    QSet<qint64> seen;
    auto add = [&](qint64 pid, const QString& component) {
        if (pid <= 0 || seen.contains(pid))
            return;
        seen.insert(pid);
        proc::StopTarget t;
        t.pid = pid;
        if (component == QLatin1String("pgbouncer")) {
            t.expectedName = QStringLiteral("pgbouncer");
        } else if (component == QLatin1String(healthserver::kComponent)) {
            t.expectedName = QStringLiteral("python");
        } else if (component.startsWith(QLatin1String("pg"))) {
            t.signal = SIGINT;
            t.expectedName = QStringLiteral("postgres");
            t.killChildren = true;
        } else {
            t.expectedName = QStringLiteral("redis");
        }
        targets << t;
    };
    for (const QString& c : kComponents)
        add(proc::readPidFile(pidFile(s, c)), c);
    add(proc::readPidFile(healthserver::pidFile(s)), QString::fromLatin1(healthserver::kComponent));
    for (auto it = s.pids.begin(); it != s.pids.end(); ++it)
        add(it.value(), it.key());
    proc::stopAll(targets, 2500);
    // Whatever survived (orphaned backends of a killed postmaster, servers without a pid file).
    if (const QList<proc::StopTarget> left = proc::strays(s.dir); !left.isEmpty())
        proc::stopAll(left, 0);
}

Topology topologyFromState(const State& s)
{
    Topology t;
    t.dir = s.dir;
    t.primary = State::pgConninfo(s.pg1Port);
    t.replicas = QStringList {State::pgConninfo(s.pg2Port)};
    t.pgbouncer = State::pgConninfo(s.pgbouncerPort);
    t.pgbouncerAdmin = State::pgConninfo(s.pgbouncerPort, QStringLiteral("pgbouncer"));
    t.redisMaster = State::hostPort(s.redis1Port);
    t.redisReplicas = QStringList {State::hostPort(s.redis2Port)};
    for (int p : s.sentinelPorts)
        t.sentinels << State::hostPort(p);
    if (s.healthPort > 0)
        t.healthUrl = healthserver::url(s.healthPort);
    return t;
}

bool makeDirs(const State& s, QString* error)
{
    QDir d;
    for (const QString& sub : {QStringLiteral("run"), QStringLiteral("log"), QStringLiteral("pgbouncer"),
                               QStringLiteral("redis1"), QStringLiteral("redis2"), QStringLiteral("sentinel1"),
                               QStringLiteral("sentinel2"), QStringLiteral("sentinel3")})
        if (!d.mkpath(s.path(sub))) {
            *error = QStringLiteral("could not create %1: check that its parent is writable").arg(s.path(sub));
            return false;
        }
    // Enterable by the server user (mktemp-style 0700 directories are not).
    QFile::setPermissions(s.dir,
                          QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadGroup | QFile::ExeGroup
                              | QFile::ReadOther | QFile::ExeOther);
    return true;
}

bool startRedis(const State& s, QString* error)
{
    for (int i = 1; i <= 2; ++i) {
        const QString conf = s.path(QStringLiteral("redis%1").arg(i)) + QStringLiteral("/redis.conf");
        if (!configs::writeFile(conf, configs::redis(s, i), error))
            return false;
    }
    for (int i = 1; i <= 3; ++i) {
        const QString conf = s.path(QStringLiteral("sentinel%1").arg(i)) + QStringLiteral("/sentinel.conf");
        if (!configs::writeFile(conf, configs::sentinel(s, i), error))
            return false;
    }
    // Sentinel rewrites its config file (and the directory must take its temp file).
    if (!proc::handOver(s.dir, error))
        return false;
    for (int i = 1; i <= 2; ++i) {
        const QString name = QStringLiteral("redis%1").arg(i);
        if (!proc::run(kRedisServer, {s.path(name) + QStringLiteral("/redis.conf")}, 10000, error, nullptr, s.dir)) {
            *error = QStringLiteral("starting Redis %1 failed: %2\n%3").arg(name, *error, proc::tail(s.logFile(name)));
            return false;
        }
    }
    for (int i = 1; i <= 3; ++i) {
        const QString name = QStringLiteral("sentinel%1").arg(i);
        if (!proc::run(kRedisSentinel, {s.path(name) + QStringLiteral("/sentinel.conf")}, 10000, error, nullptr,
                       s.dir)) {
            *error
                = QStringLiteral("starting Sentinel %1 failed: %2\n%3").arg(name, *error, proc::tail(s.logFile(name)));
            return false;
        }
    }
    return true;
}

// After a clean shutdown only the segment holding the shutdown checkpoint is needed; the rest
// of pg_wal is recycled segments from seeding (hundreds of MB that every cached up would copy).
void trimWal(const State& s, const QString& copy)
{
    QString out;
    QString error;
    if (!proc::run(pgBin(QStringLiteral("pg_controldata")), {s.path(QStringLiteral("pg1"))}, 10000, &error, &out, s.dir)
        || !out.contains(QLatin1String("Database cluster state:               shut down")))
        return;
    QString keep;
    for (const QString& line : out.split(QLatin1Char('\n')))
        if (line.startsWith(QLatin1String("Latest checkpoint's REDO WAL file:")))
            keep = line.section(QLatin1Char(':'), 1).trimmed();
    if (keep.size() != 24)
        return;
    QDir wal(copy + QStringLiteral("/pg_wal"));
    for (const QString& f : wal.entryList(QDir::Files))
        if (f.size() == 24 && f != keep)
            wal.remove(f);
}

// Saves the stopped, seeded primary as the template later ups copy; failures only cost speed.
// Each template is ~200 MB and a schema or setting change makes a new one: keep the few most
// recently made, so the cache does not grow without bound.
void pruneTemplates(const QString& keep)
{
    constexpr int kKeep = 3;
    const QFileInfo info(keep);
    QDir parent = info.dir();
    const QFileInfoList all
        = parent.entryInfoList({QStringLiteral("sandbox-template-*")}, QDir::Dirs | QDir::NoDotAndDotDot, QDir::Time);
    int kept = 0;
    for (const QFileInfo& t : all) {
        if (t.fileName().contains(QLatin1String(".tmp-")))
            continue; // another up is still writing it
        if (t.absoluteFilePath() == info.absoluteFilePath() || ++kept < kKeep)
            continue;
        QDir(t.absoluteFilePath()).removeRecursively();
    }
}

void saveTemplate(const State& s, const QString& templ, const Say& say)
{
    QString error;
    const QString tmp = templ + QStringLiteral(".tmp-%1").arg(::getpid());
    QDir(tmp).removeRecursively();
    if (!QDir().mkpath(QFileInfo(templ).path())
        || !proc::run(QStringLiteral("/bin/cp"), {QStringLiteral("-a"), s.path(QStringLiteral("pg1")), tmp}, 60000,
                      &error, nullptr, {}, proc::As::Self)) {
        say(QStringLiteral("not caching the seeded data directory: %1").arg(error));
        QDir(tmp).removeRecursively();
        return;
    }
    // The template carries no port: every copy appends its own.
    configs::writeFile(tmp + QStringLiteral("/postgresql.auto.conf"), configs::postgresAuto(), &error);
    QFile::remove(tmp + QStringLiteral("/postmaster.opts"));
    trimWal(s, tmp);
    if (::rename(QFile::encodeName(tmp).constData(), QFile::encodeName(templ).constData()) != 0)
        QDir(tmp).removeRecursively(); // another up cached the same template first
    else
        say(QStringLiteral("cached the seeded data directory in %1").arg(templ));
    pruneTemplates(templ);
}

bool createPrimary(const State& s, qint64 trades, const Say& say, QString* error)
{
    const QString pg1 = s.path(QStringLiteral("pg1"));
    const QString templ = dataset::templateDir(trades);
    const bool cached = !templ.isEmpty() && QFileInfo::exists(templ + QStringLiteral("/PG_VERSION"));
    if (cached) {
        say(QStringLiteral("copying the seeded primary from %1").arg(templ));
        if (!proc::run(QStringLiteral("/bin/cp"), {QStringLiteral("-a"), templ, pg1}, 60000, error, nullptr, {},
                       proc::As::Self))
            return false;
        if (!proc::handOver(pg1, error))
            return false;
    } else {
        say(QStringLiteral("initdb pg1"));
        if (!proc::run(pgBin(QStringLiteral("initdb")),
                       {QStringLiteral("-D"), pg1, QStringLiteral("-U"), QStringLiteral("postgres"),
                        QStringLiteral("--auth=trust"), QStringLiteral("--no-locale"), QStringLiteral("-E"),
                        QStringLiteral("UTF8"), QStringLiteral("--no-sync"), QStringLiteral("--no-instructions")},
                       60000, error, nullptr, s.dir))
            return false;
        if (!configs::writeFile(pg1 + QStringLiteral("/postgresql.conf"), configs::postgresShared(), error, true)
            || !configs::writeFile(pg1 + QStringLiteral("/pg_hba.conf"), configs::pgHba(), error))
            return false;
    }
    // A new primary is seeded at wal_level = minimal (configs::postgresSeeding()), then restarted
    // with the shared settings alone: the restart takes about 0.3 s, logging the seed to the WAL
    // took over a second.
    const QString autoConf = pg1 + QStringLiteral("/postgresql.auto.conf");
    const QString node = configs::postgresNode(s, s.pg1Port);
    if (!configs::writeFile(autoConf, cached ? node : node + configs::postgresSeeding(), error, true))
        return false;
    say(QStringLiteral("starting pg1 on port %1").arg(s.pg1Port));
    if (!startPostgres(s, QStringLiteral("pg1"), error))
        return false;
    if (cached)
        return true;
    if (!dataset::create(s.pg1Port, trades, say, error))
        return false;
    say(QStringLiteral("restarting pg1 with wal_level = replica"));
    if (!stopPostgres(s, QStringLiteral("pg1"), error)
        || !configs::writeFile(autoConf, configs::postgresAuto(node), error))
        return false;
    if (!templ.isEmpty())
        saveTemplate(s, templ, say);
    return startPostgres(s, QStringLiteral("pg1"), error);
}

bool createReplica(const State& s, const Say& say, QString* error)
{
    const QString pg2 = s.path(QStringLiteral("pg2"));
    say(QStringLiteral("pg_basebackup pg2 (slot pg2)"));
    // application_name=pg2 makes pg_stat_replication name the node.
    const QString source = QStringLiteral("host=127.0.0.1 port=%1 user=postgres application_name=pg2").arg(s.pg1Port);
    if (!proc::run(pgBin(QStringLiteral("pg_basebackup")),
                   {QStringLiteral("-d"), source, QStringLiteral("-D"), pg2, QStringLiteral("-R"), QStringLiteral("-C"),
                    QStringLiteral("-S"), QStringLiteral("pg2"), QStringLiteral("-X"), QStringLiteral("stream"),
                    QStringLiteral("--checkpoint=fast")},
                   120000, error, nullptr, s.dir))
        return false;
    // -R wrote a primary_conninfo with every libpq default spelled out; a short one reads better
    // in a drill report. postgresql.auto.conf is read last, so these lines win.
    const QString extra = configs::postgresNode(s, s.pg2Port)
        + QStringLiteral("primary_conninfo = '%1'\nprimary_slot_name = 'pg2'\n").arg(source);
    if (!configs::writeFile(pg2 + QStringLiteral("/postgresql.auto.conf"), extra, error, true))
        return false;
    say(QStringLiteral("starting pg2 on port %1").arg(s.pg2Port));
    return startPostgres(s, QStringLiteral("pg2"), error);
}

bool startPgbouncer(const State& s, const Say& say, QString* error)
{
    const QString dir = s.path(QStringLiteral("pgbouncer"));
    if (!configs::writeFile(dir + QStringLiteral("/pgbouncer.ini"), configs::pgbouncerIni(s), error)
        || !configs::writeFile(dir + QStringLiteral("/userlist.txt"), configs::pgbouncerUsers(), error)
        || !proc::handOver(dir, error))
        return false;
    say(QStringLiteral("starting pgbouncer on port %1").arg(s.pgbouncerPort));
    if (!proc::run(kPgbouncer, {QStringLiteral("-d"), QStringLiteral("-q"), dir + QStringLiteral("/pgbouncer.ini")},
                   10000, error, nullptr, s.dir)) {
        *error = QStringLiteral("starting pgbouncer failed: %1\n%2")
                     .arg(*error, proc::tail(s.logFile(QStringLiteral("pgbouncer"))));
        return false;
    }
    return true;
}

// Polls until the replica streams, pgbouncer answers, the Redis replica is linked and every
// Sentinel sees a quorum. Sentinels need a couple of hello rounds (~2 s) to find each other.
bool waitHealthy(const State& s, int timeoutMs, QString* error)
{
    QElapsedTimer t;
    t.start();
    QHash<QString, QString> pending;
    for (const QString& c : {QStringLiteral("replication"), QStringLiteral("pgbouncer"), QStringLiteral("redis2"),
                             QStringLiteral("sentinel1"), QStringLiteral("sentinel2"), QStringLiteral("sentinel3")})
        pending.insert(c, QStringLiteral("not checked yet"));
    while (true) {
        const QStringList keys = pending.keys();
        for (const QString& c : keys) {
            QString detail;
            bool ok = false;
            if (c == QLatin1String("replication")) {
                const auto reps = probes::replication(s.pg1Port, &detail);
                ok = reps.value(QStringLiteral("pg2")).state == QLatin1String("streaming");
                if (!ok && detail.isEmpty())
                    detail = QStringLiteral("pg2 is not streaming yet");
            } else if (c == QLatin1String("pgbouncer")) {
                ok = !probes::pgbouncerVersion(s.pgbouncerPort, &detail).isEmpty();
            } else if (c == QLatin1String("redis2")) {
                const redis::Reply r = probes::redisCommand(s.redis2Port, {"INFO", "replication"});
                ok = !r.isError()
                    && redis::parseInfo(r.str).value(QStringLiteral("master_link_status")) == QLatin1String("up");
                detail = r.isError() ? r.text() : QStringLiteral("master_link_status is not up");
            } else {
                const redis::Reply r = probes::redisCommand(portOf(s, c), {"SENTINEL", "CKQUORUM", "trading"});
                ok = !r.isError();
                detail = r.text();
            }
            if (ok)
                pending.remove(c);
            else
                pending[c] = detail;
        }
        if (pending.isEmpty())
            return true;
        if (t.elapsed() > timeoutMs) {
            QStringList what;
            for (auto it = pending.begin(); it != pending.end(); ++it)
                what << QStringLiteral("%1: %2").arg(it.key(), it.value());
            *error = QStringLiteral("the sandbox did not become healthy within %1 s (%2)")
                         .arg(timeoutMs / 1000)
                         .arg(what.join(QStringLiteral("; ")));
            return false;
        }
        QThread::msleep(100);
    }
}

bool allHealthy(const QJsonObject& health)
{
    for (auto it = health.begin(); it != health.end(); ++it)
        if (!it.value().toObject().value(QStringLiteral("ok")).toBool())
            return false;
    return !health.isEmpty();
}

QJsonObject healthEntry(bool ok, const QString& detail)
{
    return QJsonObject {{QStringLiteral("ok"), ok}, {QStringLiteral("detail"), detail}};
}
} // namespace

QJsonObject Topology::toJson() const
{
    return QJsonObject {
        {QStringLiteral("dir"), dir},
        {QStringLiteral("postgres"),
         QJsonObject {{QStringLiteral("primary"), primary},
                      {QStringLiteral("replicas"), QJsonArray::fromStringList(replicas)},
                      {QStringLiteral("pgbouncer"), pgbouncer},
                      {QStringLiteral("pgbouncer_admin"), pgbouncerAdmin}}},
        {QStringLiteral("redis"),
         QJsonObject {{QStringLiteral("master"), redisMaster},
                      {QStringLiteral("replicas"), QJsonArray::fromStringList(redisReplicas)},
                      {QStringLiteral("sentinels"), QJsonArray::fromStringList(sentinels)},
                      {QStringLiteral("master_name"), masterName}}},
        {QStringLiteral("health_url"), healthUrl},
    };
}

QString defaultDir()
{
    // As root the servers run as an unprivileged user, who cannot enter root's 0700 runtime dir.
    const QString runtime = qEnvironmentVariable("XDG_RUNTIME_DIR");
    if (!runtime.isEmpty() && !proc::isRoot() && QFileInfo(runtime).isDir())
        return runtime + QStringLiteral("/vigil-sandbox");
    return QStringLiteral("/tmp/vigil-sandbox-%1").arg(::getuid());
}

bool exists(const QString& dir)
{
    return !dir.isEmpty() && QFileInfo::exists(State::fileName(dir));
}

bool up(const UpOptions& options, Topology* topology, QString* error, qint64* elapsedMs)
{
    QElapsedTimer timer;
    timer.start();
    QString scratch;
    QString* err = error ? error : &scratch;
    const Say say = [&](const QString& m) {
        if (options.progress)
            options.progress(m);
    };
    const QString dir = QDir::cleanPath(QDir(options.dir.isEmpty() ? defaultDir() : options.dir).absolutePath());

    if (const QString missing = missingBinaries(); !missing.isEmpty()) {
        *err = missing;
        return false;
    }
    if (const QString problem = proc::serverUserProblem(); !problem.isEmpty()) {
        *err = problem;
        return false;
    }
    // A Unix socket path holds at most 107 bytes.
    if ((dir + QStringLiteral("/run/.s.PGSQL.65535.lock")).toUtf8().size() > 107) {
        *err = QStringLiteral("the sandbox directory path %1 is too long for Unix sockets (107 bytes at most): use a "
                              "shorter --dir")
                   .arg(dir);
        return false;
    }

    if (exists(dir)) {
        Topology current;
        QJsonObject health;
        if (status(dir, &current, &health, nullptr) && allHealthy(health)) {
            say(QStringLiteral("a healthy sandbox is already running in %1").arg(dir));
            if (topology)
                *topology = current;
            if (elapsedMs)
                *elapsedMs = timer.elapsed();
            return true;
        }
        say(QStringLiteral("removing the stopped or unhealthy sandbox in %1").arg(dir));
        if (!down(dir, err))
            return false;
    } else if (QDir(dir).exists() && !QDir(dir).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden)) {
        *err = QStringLiteral("%1 exists, is not empty and holds no sandbox: pick another --dir or empty it").arg(dir);
        return false;
    }

    State s;
    s.dir = dir;
    s.trades = options.trades;
    s.phase = QStringLiteral("starting");
    if (!QDir().mkpath(dir)) {
        *err = QStringLiteral("could not create %1: check that its parent exists and is writable").arg(dir);
        return false;
    }
    const QList<int> ports = proc::freePorts(9, err);
    if (ports.size() != 9)
        return false;
    s.pg1Port = ports[0];
    s.pg2Port = ports[1];
    s.pgbouncerPort = ports[2];
    s.redis1Port = ports[3];
    s.redis2Port = ports[4];
    s.sentinelPorts = ports.mid(5, 3);
    s.healthPort = healthserver::available() ? ports[8] : 0;
    // The state file comes first, so that `down` can clean up whatever a failed `up` started.
    if (!makeDirs(s, err) || !s.save(err))
        return false;

    auto fail = [&] {
        say(QStringLiteral("up failed; stopping what was started"));
        stopServers(s);
        s.phase = QStringLiteral("failed");
        s.save(nullptr);
        *err += QStringLiteral("\nLogs are in %1/log; run `vigil sandbox down --dir %1` to remove the directory.")
                    .arg(dir);
        return false;
    };

    say(QStringLiteral("starting Redis %1 + %2 and Sentinels %3")
            .arg(s.redis1Port)
            .arg(s.redis2Port)
            .arg(QStringLiteral("%1,%2,%3").arg(s.sentinelPorts[0]).arg(s.sentinelPorts[1]).arg(s.sentinelPorts[2])));
    if (!startRedis(s, err))
        return fail();
    // Running as root, the server user must be able to reach the directory (all its parents too).
    if (proc::isRoot()
        && !proc::run(QStringLiteral("/usr/bin/test"), {QStringLiteral("-w"), dir}, 5000, err, nullptr,
                      QStringLiteral("/"))) {
        *err = QStringLiteral(
                   "user %1 cannot write %2: choose a --dir whose parents are world-enterable (e.g. under /tmp)")
                   .arg(QString::fromLatin1(proc::kServerUser), dir);
        return fail();
    }
    if (!createPrimary(s, options.trades, say, err) || !createReplica(s, say, err) || !startPgbouncer(s, say, err))
        return fail();
    if (s.healthPort > 0) {
        say(QStringLiteral("starting the health server on %1").arg(healthserver::url(s.healthPort)));
        if (!healthserver::start(s, err))
            return fail();
    } else {
        say(QStringLiteral("no /usr/bin/python3: the sandbox has no health URL"));
    }
    say(QStringLiteral("waiting for replication, pgbouncer and Sentinel quorum"));
    if (!waitHealthy(s, 30000, err))
        return fail();

    for (const QString& c : kComponents)
        s.pids.insert(c, proc::readPidFile(pidFile(s, c)));
    if (s.healthPort > 0)
        s.pids.insert(QString::fromLatin1(healthserver::kComponent), proc::readPidFile(healthserver::pidFile(s)));
    s.phase = QStringLiteral("up");
    if (!s.save(err))
        return fail();
    if (topology)
        *topology = topologyFromState(s);
    if (elapsedMs)
        *elapsedMs = timer.elapsed();
    say(QStringLiteral("sandbox up in %1 ms").arg(timer.elapsed()));
    return true;
}

bool down(const QString& dirIn, QString* error)
{
    if (dirIn.isEmpty())
        return true;
    const QString dir = QDir::cleanPath(QDir(dirIn).absolutePath());
    if (!QDir(dir).exists())
        return true;
    State s;
    const bool ours = State::load(dir, &s, nullptr);
    if (!ours) {
        // A directory without a state file: stop what its pid files name, but delete nothing.
        s = State();
        s.dir = dir;
    }
    stopServers(s);
    if (ours && !QDir(dir).removeRecursively()) {
        if (error)
            *error = QStringLiteral("the servers are stopped but %1 could not be removed completely: remove it by hand")
                         .arg(dir);
        return false;
    }
    return true;
}

bool status(const QString& dirIn, Topology* topology, QJsonObject* health, QString* error)
{
    const QString dir = QDir::cleanPath(QDir(dirIn.isEmpty() ? defaultDir() : dirIn).absolutePath());
    State s;
    if (!State::load(dir, &s, error))
        return false;
    Topology t = topologyFromState(s);
    QJsonObject h;

    // PostgreSQL: the node that is not in recovery is the primary, whatever `up` started it as.
    const QList<QPair<QString, int>> pgNodes {{QStringLiteral("pg1"), s.pg1Port}, {QStringLiteral("pg2"), s.pg2Port}};
    QHash<QString, probes::PgProbe> pg;
    QString primaryName;
    for (const auto& [name, port] : pgNodes) {
        pg.insert(name, probes::postgres(port));
        if (pg[name].reachable && !pg[name].inRecovery && primaryName.isEmpty())
            primaryName = name;
    }
    QHash<QString, probes::ReplicaState> reps;
    QString repError;
    if (!primaryName.isEmpty())
        reps = probes::replication(primaryName == QLatin1String("pg1") ? s.pg1Port : s.pg2Port, &repError);
    const QString effectivePrimary = primaryName.isEmpty() ? QStringLiteral("pg1") : primaryName;
    t.replicas.clear();
    for (const auto& [name, port] : pgNodes) {
        const probes::PgProbe& p = pg[name];
        if (name == effectivePrimary)
            t.primary = State::pgConninfo(port);
        else
            t.replicas << State::pgConninfo(port);
        if (!p.reachable) {
            h.insert(name, healthEntry(false, QStringLiteral("unreachable: %1").arg(p.error)));
        } else if (!p.inRecovery) {
            QStringList streaming;
            for (auto it = reps.begin(); it != reps.end(); ++it)
                streaming << QStringLiteral("%1 %2").arg(it.key(), it.value().state);
            h.insert(name,
                     healthEntry(true,
                                 QStringLiteral("primary, PostgreSQL %1, replicas: %2")
                                     .arg(p.version,
                                          streaming.isEmpty() ? QStringLiteral("none")
                                                              : streaming.join(QStringLiteral(", ")))));
        } else {
            const probes::ReplicaState r = reps.value(name);
            const bool ok = r.state == QLatin1String("streaming");
            h.insert(name,
                     healthEntry(ok,
                                 ok ? QStringLiteral("replica, streaming, replay lag %1 bytes").arg(r.lagBytes)
                                    : QStringLiteral("replica, not streaming from the primary (%1)")
                                          .arg(r.state.isEmpty() ? QStringLiteral("no walsender") : r.state)));
        }
    }

    QString pbError;
    const QString pbVersion = probes::pgbouncerVersion(s.pgbouncerPort, &pbError);
    h.insert(QStringLiteral("pgbouncer"),
             healthEntry(!pbVersion.isEmpty(),
                         pbVersion.isEmpty() ? QStringLiteral("unreachable: %1").arg(pbError) : pbVersion));

    // Redis: Sentinel's word on the master (majority of those that answer), INFO as a fallback.
    QHash<QString, int> votes;
    for (int i = 0; i < s.sentinelPorts.size(); ++i) {
        const QString name = QStringLiteral("sentinel%1").arg(i + 1);
        const int port = s.sentinelPorts[i];
        const redis::Reply q = probes::redisCommand(port, {"SENTINEL", "CKQUORUM", "trading"});
        h.insert(name, healthEntry(!q.isError(), q.text()));
        const redis::Reply m = probes::redisCommand(port, {"SENTINEL", "GET-MASTER-ADDR-BY-NAME", "trading"});
        if (!m.isError() && m.elements.size() == 2)
            votes[m.elements[0].text() + QLatin1Char(':') + m.elements[1].text()] += 1;
    }
    const QStringList redisNodes {State::hostPort(s.redis1Port), State::hostPort(s.redis2Port)};
    QString master;
    int best = 0;
    for (auto it = votes.begin(); it != votes.end(); ++it)
        if (it.value() > best) {
            best = it.value();
            master = it.key();
        }
    QHash<QString, QHash<QString, QString>> infos;
    for (int i = 0; i < 2; ++i) {
        const QString name = QStringLiteral("redis%1").arg(i + 1);
        const redis::Reply r = probes::redisCommand(i == 0 ? s.redis1Port : s.redis2Port, {"INFO", "replication"});
        if (r.isError()) {
            h.insert(name, healthEntry(false, QStringLiteral("unreachable: %1").arg(r.text())));
            continue;
        }
        const auto info = redis::parseInfo(r.str);
        infos.insert(redisNodes[i], info);
        const QString role = info.value(QStringLiteral("role"));
        if (master.isEmpty() && role == QLatin1String("master"))
            master = redisNodes[i];
        if (role == QLatin1String("master"))
            h.insert(name,
                     healthEntry(true,
                                 QStringLiteral("master, %1 connected replica(s)")
                                     .arg(info.value(QStringLiteral("connected_slaves")))));
        else {
            const bool up = info.value(QStringLiteral("master_link_status")) == QLatin1String("up");
            h.insert(name,
                     healthEntry(up,
                                 QStringLiteral("replica of %1:%2, link %3")
                                     .arg(info.value(QStringLiteral("master_host")),
                                          info.value(QStringLiteral("master_port")),
                                          info.value(QStringLiteral("master_link_status")))));
        }
    }
    if (master.isEmpty())
        master = redisNodes[0];
    t.redisMaster = master;
    t.redisReplicas.clear();
    for (const QString& n : redisNodes)
        if (n != master)
            t.redisReplicas << n;

    if (s.healthPort > 0) {
        QString detail;
        const bool ok = healthserver::probe(s.healthPort, &detail);
        h.insert(QString::fromLatin1(healthserver::kComponent), healthEntry(ok, detail));
    }

    if (topology)
        *topology = t;
    if (health)
        *health = h;
    return true;
}

bool stopNode(const QString& dir, const QString& node, QString* error)
{
    State s;
    if (!State::load(dir, &s, error))
        return false;
    if (node == QLatin1String(healthserver::kComponent)) {
        const qint64 pid = proc::readPidFile(healthserver::pidFile(s));
        if (pid > 0 && proc::pidAlive(pid))
            proc::stopAll({proc::StopTarget {pid, SIGTERM, QStringLiteral("python"), false}}, 5000);
        return true;
    }
    if (!kComponents.contains(node)) {
        *error = QStringLiteral("no component named %1 (one of %2)").arg(node, kComponents.join(QStringLiteral(", ")));
        return false;
    }
    if (node.startsWith(QLatin1String("pg")) && node != QLatin1String("pgbouncer"))
        return stopPostgres(s, node, error);
    const qint64 pid = proc::readPidFile(pidFile(s, node));
    if (pid <= 0 || !proc::pidAlive(pid))
        return true; // already stopped
    proc::StopTarget t;
    t.pid = pid;
    t.expectedName = node == QLatin1String("pgbouncer") ? QStringLiteral("pgbouncer") : QStringLiteral("redis");
    proc::stopAll({t}, 5000);
    return true;
}

bool startNode(const QString& dir, const QString& node, QString* error)
{
    State s;
    if (!State::load(dir, &s, error))
        return false;
    if (node == QLatin1String("pg1") || node == QLatin1String("pg2"))
        return startPostgres(s, node, error);
    if (node == QLatin1String(healthserver::kComponent) && s.healthPort > 0)
        return healthserver::start(s, error);
    if (node == QLatin1String("pgbouncer"))
        return startPgbouncer(
            s, [](const QString&) {}, error);
    const QString program = node.startsWith(QLatin1String("sentinel")) ? kRedisSentinel : kRedisServer;
    const QString conf = s.path(node)
        + (node.startsWith(QLatin1String("sentinel")) ? QStringLiteral("/sentinel.conf")
                                                      : QStringLiteral("/redis.conf"));
    if (!kComponents.contains(node) || !QFile::exists(conf)) {
        *error = QStringLiteral("no component named %1 in %2").arg(node, dir);
        return false;
    }
    // The config on disk is the current one: Sentinel rewrites it after a failover.
    if (!proc::run(program, {conf}, 10000, error, nullptr, s.dir)) {
        *error = QStringLiteral("starting %1 failed: %2\n%3").arg(node, *error, proc::tail(s.logFile(node)));
        return false;
    }
    return true;
}

QStringList componentNames()
{
    return kComponents;
}

qint64 componentPid(const QString& dir, const QString& component, bool* paused)
{
    if (paused)
        *paused = false;
    State s;
    if (!State::load(dir, &s, nullptr))
        return 0;
    const qint64 pid = proc::readPidFile(pidFile(s, component));
    if (!proc::pidAlive(pid))
        return 0;
    if (paused)
        *paused = proc::pidStopped(pid);
    return pid;
}

Profile toProfile(const Topology& topology)
{
    Profile p;
    p.name = QStringLiteral("sandbox");
    State s;
    if (State::load(topology.dir, &s, nullptr)) {
        // Fixed node names: pg1 is where `up` put the first primary, whatever its role is now.
        p.pgNodes = {PgNode {QStringLiteral("pg1"), State::pgConninfo(s.pg1Port)},
                     PgNode {QStringLiteral("pg2"), State::pgConninfo(s.pg2Port)}};
    } else {
        p.pgNodes = {PgNode {QStringLiteral("pg1"), topology.primary}};
        for (int i = 0; i < topology.replicas.size(); ++i)
            p.pgNodes << PgNode {QStringLiteral("pg%1").arg(i + 2), topology.replicas[i]};
    }
    p.pgbouncer = topology.pgbouncer;
    p.pgbouncerAdmin = topology.pgbouncerAdmin;
    p.redisNodes = QStringList {topology.redisMaster} + topology.redisReplicas;
    p.sentinels = topology.sentinels;
    p.masterName = topology.masterName;
    p.sandboxDir = topology.dir;
    if (!topology.healthUrl.isEmpty())
        p.healthUrls = QStringList {topology.healthUrl};
    return p;
}

} // namespace vigil::sandbox
