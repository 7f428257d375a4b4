#include "profile.h"

#include "pg/pgconnection.h"
#include "redis/redisconnection.h"

#include <QJsonArray>

namespace vigil {

namespace {
QJsonArray toArray(const QStringList& list)
{
    return QJsonArray::fromStringList(list);
}
QStringList toList(const QJsonValue& v)
{
    QStringList out;
    for (const QJsonValue& e : v.toArray())
        out << e.toString();
    return out;
}
} // namespace

QString Profile::validate() const
{
    if (name.trimmed().isEmpty())
        return QStringLiteral("The profile needs a name.");
    if (pgNodes.isEmpty() && redisNodes.isEmpty() && sentinels.isEmpty())
        return QStringLiteral("Add at least one PostgreSQL node, Redis node or Sentinel.");
    for (const PgNode& n : pgNodes) {
        if (n.name.trimmed().isEmpty())
            return QStringLiteral("Every PostgreSQL node needs a name.");
        if (const QString err = pg::conninfoError(n.conninfo); !err.isEmpty())
            return QStringLiteral("PostgreSQL node \"%1\": the connection string does not parse (%2). "
                                  "Use key=value pairs, a postgresql:// URI or service=NAME.")
                .arg(n.name, err);
    }
    for (const QString& c : {pgbouncer, pgbouncerAdmin}) {
        if (c.isEmpty())
            continue;
        if (const QString err = pg::conninfoError(c); !err.isEmpty())
            return QStringLiteral("pgbouncer: the connection string does not parse (%1).").arg(err);
    }
    for (const QString& addr : redisNodes + sentinels) {
        redis::Endpoint ep;
        if (!redis::Endpoint::parse(addr, &ep))
            return QStringLiteral("\"%1\" is not a Redis address; write HOST:PORT, for example 127.0.0.1:6379.")
                .arg(addr);
    }
    if (!sentinels.isEmpty() && masterName.trimmed().isEmpty())
        return QStringLiteral("Sentinels are listed but the master name is empty; Sentinel needs it (e.g. trading).");
    return {};
}

QStringList Profile::secretNodes() const
{
    QStringList nodes;
    for (const PgNode& n : pgNodes)
        nodes << n.name;
    if (!pgbouncer.isEmpty())
        nodes << QStringLiteral("pgbouncer");
    if (!pgbouncerAdmin.isEmpty())
        nodes << QStringLiteral("pgbouncer-admin");
    if (redisNeedsPassword)
        nodes << QStringLiteral("redis");
    return nodes;
}

QJsonObject Profile::toJson() const
{
    QJsonArray nodes;
    for (const PgNode& n : pgNodes)
        nodes.append(QJsonObject {{"name", n.name}, {"conninfo", n.conninfo}});
    return QJsonObject {
        {"name", name},
        {"postgres", nodes},
        {"pgbouncer", pgbouncer},
        {"pgbouncer_admin", pgbouncerAdmin},
        {"redis", toArray(redisNodes)},
        {"sentinels", toArray(sentinels)},
        {"master_name", masterName},
        {"redis_username", redisUsername},
        {"redis_needs_password", redisNeedsPassword},
        {"health_urls", toArray(healthUrls)},
        {"prometheus_url", prometheusUrl},
        {"read_only", readOnly},
        {"production", production},
        {"slow_threshold_ms", slowThresholdMs},
        {"sandbox_dir", sandboxDir},
    };
}

Profile Profile::fromJson(const QJsonObject& json)
{
    Profile p;
    p.name = json.value("name").toString();
    for (const QJsonValue& v : json.value("postgres").toArray()) {
        const QJsonObject o = v.toObject();
        p.pgNodes.append({o.value("name").toString(), o.value("conninfo").toString()});
    }
    p.pgbouncer = json.value("pgbouncer").toString();
    p.pgbouncerAdmin = json.value("pgbouncer_admin").toString();
    p.redisNodes = toList(json.value("redis"));
    p.sentinels = toList(json.value("sentinels"));
    p.masterName = json.value("master_name").toString();
    p.redisUsername = json.value("redis_username").toString();
    p.redisNeedsPassword = json.value("redis_needs_password").toBool();
    p.healthUrls = toList(json.value("health_urls"));
    p.prometheusUrl = json.value("prometheus_url").toString();
    p.readOnly = json.value("read_only").toBool();
    p.production = json.value("production").toBool();
    p.slowThresholdMs = json.value("slow_threshold_ms").toInt(1000);
    p.sandboxDir = json.value("sandbox_dir").toString();
    return p;
}

} // namespace vigil
