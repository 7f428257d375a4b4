#include "connectioncheck.h"

#include "pg/pgconnection.h"
#include "redis/redisconnection.h"

#include <QElapsedTimer>
#include <functional>
#include <future>

namespace vigil {

namespace {
QString msText(qint64 ms)
{
    return QStringLiteral("%1 ms").arg(ms);
}

CheckResult fail(CheckResult r, const Diagnosis& d, const QElapsedTimer& t)
{
    r.ok = false;
    r.diagnosis = d;
    r.ms = t.elapsed();
    r.summary = d.what;
    return r;
}

// "PostgreSQL 15.18 (Debian 15.18-0+deb12u1) on x86_64-pc-linux-gnu, ..." -> "PostgreSQL 15.18"
QString shortVersion(const QString& version)
{
    const QStringList words = version.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    return words.size() >= 2 ? words[0] + QLatin1Char(' ') + words[1] : version;
}

QString replyError(const redis::Reply& r, const redis::Connection& c)
{
    if (r.isError())
        return r.text();
    return c.lastError();
}
} // namespace

CheckResult checkPostgres(const QString& node, const QString& conninfo, const QString& password, int timeoutSec)
{
    QElapsedTimer t;
    t.start();
    CheckResult r {node, QStringLiteral("postgres")};
    pg::Connection c;
    pg::ConnectOptions o;
    o.conninfo = conninfo;
    o.password = password;
    o.connectTimeoutSec = timeoutSec;
    o.statementTimeoutMs = timeoutSec * 1000;
    if (!c.open(o))
        return fail(r, diagnosePg(node, c.lastError()), t);
    const pg::Result res = c.exec(QStringLiteral("/* vigil */ SELECT version(), pg_is_in_recovery()"));
    if (!res.ok() || res.rows() != 1)
        return fail(r, diagnosePg(node, res.errorMessage()), t);
    r.ok = true;
    r.ms = t.elapsed();
    r.summary = QStringLiteral("%1, %2, %3")
                    .arg(shortVersion(res.text(0, 0)),
                         res.toBool(0, 1) ? QStringLiteral("replica") : QStringLiteral("primary"), msText(r.ms));
    return r;
}

// pgbouncer's application port speaks the PostgreSQL protocol but has no pg_is_in_recovery()
// worth reporting (it is whatever the pool points at); one SELECT proves the path works.
static CheckResult checkPgbouncerApp(const QString& conninfo, const QString& password, int timeoutSec)
{
    QElapsedTimer t;
    t.start();
    const QString node = QStringLiteral("pgbouncer");
    CheckResult r {node, QStringLiteral("pgbouncer")};
    pg::Connection c;
    pg::ConnectOptions o;
    o.conninfo = conninfo;
    o.password = password;
    o.connectTimeoutSec = timeoutSec;
    o.statementTimeoutMs = timeoutSec * 1000;
    if (!c.open(o))
        return fail(r, diagnosePg(node, c.lastError()), t);
    const pg::Result res = c.exec(QStringLiteral("/* vigil */ SELECT version()"));
    if (!res.ok())
        return fail(r, diagnosePg(node, res.errorMessage()), t);
    r.ok = true;
    r.ms = t.elapsed();
    r.summary = QStringLiteral("pool to %1, %2").arg(shortVersion(res.text(0, 0)), msText(r.ms));
    return r;
}

CheckResult checkPgbouncerAdmin(const QString& node, const QString& conninfo, const QString& password, int timeoutSec)
{
    QElapsedTimer t;
    t.start();
    CheckResult r {node, QStringLiteral("pgbouncer")};
    pg::Connection c;
    pg::ConnectOptions o;
    o.conninfo = conninfo;
    o.password = password;
    o.connectTimeoutSec = timeoutSec;
    o.statementTimeoutMs = timeoutSec * 1000;
    o.pgbouncerAdmin = true;
    if (!c.open(o))
        return fail(r, diagnosePg(node, c.lastError()), t);
    const pg::Result res = c.execSimple(QStringLiteral("SHOW VERSION"));
    if (!res.ok() || res.rows() < 1)
        return fail(r, diagnosePg(node, res.errorMessage()), t);
    r.ok = true;
    r.ms = t.elapsed();
    r.summary = QStringLiteral("%1, admin console, %2").arg(res.text(0, 0), msText(r.ms));
    return r;
}

CheckResult checkRedis(const QString& address, const QString& username, const QString& password, int timeoutSec)
{
    QElapsedTimer t;
    t.start();
    CheckResult r {address, QStringLiteral("redis")};
    redis::Endpoint ep;
    if (!redis::Endpoint::parse(address, &ep))
        return fail(r,
                    {QStringLiteral("%1: not a Redis address").arg(address),
                     {},
                     QStringLiteral("Write HOST:PORT, for example 127.0.0.1:6379")},
                    t);
    redis::Connection c;
    if (!c.open(ep, timeoutSec * 1000, username, password))
        return fail(r, diagnoseRedis(address, c.lastError()), t);
    const redis::Reply pong = c.command({"PING"});
    if (pong.isError() || !c.isOpen())
        return fail(r, diagnoseRedis(address, replyError(pong, c)), t);
    const redis::Reply role = c.command({"ROLE"});
    if (role.isError() || role.type != redis::Reply::Type::Array || role.elements.empty())
        return fail(r, diagnoseRedis(address, replyError(role, c)), t);
    QString roleText = role.elements[0].text();
    if (roleText == QLatin1String("slave") && role.elements.size() >= 3)
        roleText = QStringLiteral("replica of %1:%2").arg(role.elements[1].text()).arg(role.elements[2].integer);
    // The version is a nicety: a user without +info still passes the check.
    QString version = QStringLiteral("Redis");
    const redis::Reply info = c.command({"INFO", "server"});
    if (!info.isError() && info.type == redis::Reply::Type::String)
        if (const QString v = redis::parseInfo(info.str).value(QStringLiteral("redis_version")); !v.isEmpty())
            version = QStringLiteral("Redis %1").arg(v);
    r.ok = true;
    r.ms = t.elapsed();
    r.summary = QStringLiteral("%1, %2, %3").arg(version, roleText, msText(r.ms));
    return r;
}

CheckResult checkSentinel(const QString& address, const QString& masterName, int timeoutSec)
{
    QElapsedTimer t;
    t.start();
    CheckResult r {address, QStringLiteral("sentinel")};
    redis::Endpoint ep;
    if (!redis::Endpoint::parse(address, &ep))
        return fail(r,
                    {QStringLiteral("%1: not a Sentinel address").arg(address),
                     {},
                     QStringLiteral("Write HOST:PORT, for example 127.0.0.1:26379")},
                    t);
    redis::Connection c;
    if (!c.open(ep, timeoutSec * 1000))
        return fail(r, diagnoseRedis(address, c.lastError()), t);
    const QByteArray name = masterName.toUtf8();
    const redis::Reply addr = c.command(QByteArrayList {"SENTINEL", "get-master-addr-by-name", name});
    if (addr.isError() || !c.isOpen())
        return fail(r, diagnoseRedis(address, replyError(addr, c)), t);
    if (addr.type == redis::Reply::Type::Nil || addr.elements.size() < 2) {
        // A nil reply is how Sentinel says it monitors no master of that name; listing the
        // names it does know turns the diagnosis into a fix.
        QStringList known;
        const redis::Reply masters = c.command({"SENTINEL", "MASTERS"});
        for (const redis::Reply& m : masters.elements)
            for (size_t i = 0; i + 1 < m.elements.size(); i += 2)
                if (m.elements[i].str == "name")
                    known << m.elements[i + 1].text();
        Diagnosis d = diagnoseRedis(address, QStringLiteral("unknown master name %1").arg(masterName));
        d.what = QStringLiteral("%1: Sentinel does not know master name %2").arg(address, masterName);
        d.why = QStringLiteral("SENTINEL get-master-addr-by-name %1 returned nil").arg(masterName);
        if (!known.isEmpty())
            d.todo = QStringLiteral("Set the master name to one this Sentinel monitors: %1").arg(known.join(", "));
        return fail(r, d, t);
    }
    const QString master = addr.elements[0].text() + QLatin1Char(':') + addr.elements[1].text();
    const redis::Reply quorum = c.command(QByteArrayList {"SENTINEL", "CKQUORUM", name});
    if (quorum.isError() || !c.isOpen())
        return fail(r, diagnoseRedis(address, replyError(quorum, c)), t);
    r.ok = true;
    r.ms = t.elapsed();
    // "OK 3 usable Sentinels. Quorum and failover authorization can be reached" -> the first sentence
    const QString quorumText = quorum.text().section(QLatin1Char('.'), 0, 0).trimmed();
    r.summary = QStringLiteral("master %1 at %2, quorum %3, %4").arg(masterName, master, quorumText, msText(r.ms));
    return r;
}

QList<CheckResult> checkProfile(const Profile& profile, const QHash<QString, QString>& passwords, int timeoutSec)
{
    timeoutSec = qMax(1, timeoutSec);
    std::vector<std::function<CheckResult()>> checks;
    for (const PgNode& n : profile.pgNodes)
        checks.push_back([n, pw = passwords.value(n.name), timeoutSec] {
            return checkPostgres(n.name, n.conninfo, pw, timeoutSec);
        });
    if (!profile.pgbouncer.isEmpty())
        checks.push_back([c = profile.pgbouncer, pw = passwords.value(QStringLiteral("pgbouncer")), timeoutSec] {
            return checkPgbouncerApp(c, pw, timeoutSec);
        });
    if (!profile.pgbouncerAdmin.isEmpty())
        checks.push_back(
            [c = profile.pgbouncerAdmin,
             pw = passwords.value(QStringLiteral("pgbouncer-admin"), passwords.value(QStringLiteral("pgbouncer"))),
             timeoutSec] { return checkPgbouncerAdmin(QStringLiteral("pgbouncer-admin"), c, pw, timeoutSec); });
    for (const QString& a : profile.redisNodes)
        checks.push_back([a, u = profile.redisUsername, pw = passwords.value(QStringLiteral("redis")), timeoutSec] {
            return checkRedis(a, u, pw, timeoutSec);
        });
    for (const QString& a : profile.sentinels)
        checks.push_back([a, m = profile.masterName, timeoutSec] { return checkSentinel(a, m, timeoutSec); });

    // One thread per server: a cluster has a handful, and waiting for them in turn would make a
    // check of several dead nodes take several timeouts.
    std::vector<std::future<CheckResult>> running;
    running.reserve(checks.size());
    for (auto& check : checks)
        running.push_back(std::async(std::launch::async, check));
    QList<CheckResult> results;
    for (auto& f : running)
        results << f.get();
    return results;
}

} // namespace vigil
