#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace vigil {

// One PostgreSQL server of a cluster. The role (primary or replica) is discovered by polling,
// never trusted from configuration, because failovers move it.
struct PgNode
{
    QString name; // shown in the UI; for a replica also its application_name in pg_stat_replication
    QString conninfo; // conninfo, URI or "service=NAME"; never contains a password (see ProfileStore)
    bool operator==(const PgNode&) const = default;
};

// A named cluster: what an operator connects to. Secrets are not part of it: ProfileStore keeps
// them in the OS keychain under keys derived from the profile and node names.
struct Profile
{
    QString name;
    QList<PgNode> pgNodes;
    QString pgbouncer; // conninfo for application traffic through pgbouncer (optional)
    QString pgbouncerAdmin; // conninfo of pgbouncer's admin console, dbname=pgbouncer (optional)
    QStringList redisNodes; // "host:port"
    QStringList sentinels; // "host:port"
    QString masterName; // Sentinel master name
    QString redisUsername; // ACL user; empty means the default user
    bool redisNeedsPassword = false; // whether to look up / ask for a Redis password
    QStringList healthUrls; // HTTP health endpoints of the application servers
    QString prometheusUrl; // Prometheus server whose active alerts the Alerts tab shows (optional)
    bool readOnly = false; // refuse every action that changes a server
    bool production = false; // actions need the profile name typed
    int slowThresholdMs = 1000;
    QString sandboxDir; // set when the profile describes a Vigil sandbox

    bool operator==(const Profile&) const = default;

    // Empty when usable; otherwise what is wrong, in words an operator can act on.
    QString validate() const;

    // The names its secrets are kept under in the keychain (SecretStore keys "<profile>/<node>"):
    // each PostgreSQL node, "pgbouncer", "pgbouncer-admin" and "redis" where they apply.
    QStringList secretNodes() const;

    QJsonObject toJson() const;
    static Profile fromJson(const QJsonObject& json);
};

} // namespace vigil
