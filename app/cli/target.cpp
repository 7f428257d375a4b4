#include "target.h"

#include "connect/diagnosis.h"
#include "connect/profilestore.h"
#include "connect/secretstore.h"
#include "sandbox/sandbox.h"

#include <QJsonObject>

namespace vigil::cli {

QStringList takeOption(QStringList* args, const QString& name, QString* error)
{
    QStringList values;
    const QString flag = QStringLiteral("--") + name;
    for (int i = 0; i < args->size();) {
        const QString& a = args->at(i);
        if (a == flag) {
            if (i + 1 >= args->size()) {
                *error = QStringLiteral("%1 needs a value").arg(flag);
                return {};
            }
            values << args->at(i + 1);
            args->remove(i, 2);
        } else if (a.startsWith(flag + QLatin1Char('='))) {
            values << a.mid(flag.size() + 1);
            args->removeAt(i);
        } else {
            ++i;
        }
    }
    return values;
}

bool takeFlag(QStringList* args, const QString& name)
{
    return args->removeAll(QStringLiteral("--") + name) > 0;
}

namespace {
// The CLI may block: it has no GUI thread. Nodes without a stored secret connect without one
// (.pgpass, trust or peer may still let them in); a keychain that does not answer is said once.
QHash<QString, QString> readSecrets(const Profile& profile)
{
    QHash<QString, QString> out;
    for (const QString& node : profile.secretNodes()) {
        QString secret, message;
        const auto status = SecretStore::readBlocking(profile.name, node, &secret, &message);
        if (status == SecretStore::Status::Ok)
            out.insert(node, secret);
        else if (status == SecretStore::Status::Unavailable) {
            qWarning("vigil: %s; connecting without stored passwords", qPrintable(message));
            break;
        }
    }
    return out;
}
} // namespace

bool takeTarget(QStringList* args, Target* target, QString* error)
{
    const QStringList sandboxDir = takeOption(args, QStringLiteral("sandbox-dir"), error);
    const QStringList profile = takeOption(args, QStringLiteral("profile"), error);
    const QStringList pg = takeOption(args, QStringLiteral("pg"), error);
    const QStringList replicas = takeOption(args, QStringLiteral("pg-replica"), error);
    const QStringList bouncer = takeOption(args, QStringLiteral("pgbouncer"), error);
    const QStringList bouncerAdmin = takeOption(args, QStringLiteral("pgbouncer-admin"), error);
    const QStringList redis = takeOption(args, QStringLiteral("redis"), error);
    const QStringList sentinels = takeOption(args, QStringLiteral("sentinel"), error);
    const QStringList masterName = takeOption(args, QStringLiteral("master-name"), error);
    if (!error->isEmpty())
        return false;

    const bool explicitTarget = !pg.isEmpty() || !replicas.isEmpty() || !bouncer.isEmpty() || !bouncerAdmin.isEmpty()
        || !redis.isEmpty() || !sentinels.isEmpty();
    const int kinds = int(!sandboxDir.isEmpty()) + int(!profile.isEmpty()) + int(explicitTarget);
    if (kinds == 0) {
        *error
            = QStringLiteral("no target: give --sandbox-dir D, --profile NAME, or --pg CONNINFO / --redis HOST:PORT");
        return false;
    }
    if (kinds > 1) {
        *error
            = QStringLiteral("give one target: --sandbox-dir, --profile, or explicit --pg/--redis/--sentinel options");
        return false;
    }

    if (!sandboxDir.isEmpty()) {
        sandbox::Topology topo;
        QJsonObject health;
        QString err;
        if (!sandbox::status(sandboxDir.last(), &topo, &health, &err)) {
            *error = QStringLiteral("no usable sandbox in %1: %2 (start one with `vigil sandbox up --dir %1`)")
                         .arg(sandboxDir.last(), err);
            return false;
        }
        target->profile = sandbox::toProfile(topo);
    } else if (!profile.isEmpty()) {
        ProfileStore store;
        const auto p = store.load(profile.last());
        if (!p) {
            *error = QStringLiteral("no profile named \"%1\" (see `vigil profile list`)").arg(profile.last());
            return false;
        }
        target->profile = *p;
        target->passwords = readSecrets(*p);
    } else {
        Profile& p = target->profile;
        p.name = QStringLiteral("command line");
        if (pg.size() > 1) {
            *error = QStringLiteral("--pg names the primary once; add replicas with --pg-replica");
            return false;
        }
        if (!pg.isEmpty())
            p.pgNodes.append({QStringLiteral("primary"), pg.first()});
        for (int i = 0; i < replicas.size(); ++i)
            p.pgNodes.append({QStringLiteral("replica%1").arg(i + 1), replicas[i]});
        p.pgbouncer = bouncer.value(0);
        p.pgbouncerAdmin = bouncerAdmin.value(0);
        p.redisNodes = redis;
        for (const QString& s : sentinels)
            p.sentinels += s.split(QLatin1Char(','), Qt::SkipEmptyParts);
        p.masterName = masterName.value(0);
        if (const QString v = p.validate(); !v.isEmpty()) {
            *error = v;
            return false;
        }
    }
    return true;
}

// The profile's current primary: roles move with failovers, so ask each node.
bool openPrimary(const Target& t, pg::Connection* conn, QString* node, QString* error)
{
    QStringList problems;
    for (const PgNode& n : t.profile.pgNodes) {
        pg::ConnectOptions o;
        o.conninfo = n.conninfo;
        o.password = t.passwords.value(n.name);
        o.statementTimeoutMs = 15000;
        if (!conn->open(o)) {
            problems << diagnosePg(n.name, conn->lastError()).toText();
            continue;
        }
        const pg::Result r = conn->exec(QStringLiteral("/* vigil */ SELECT pg_is_in_recovery()"));
        if (r.ok() && !r.toBool(0, 0)) {
            *node = n.name;
            return true;
        }
        conn->close();
    }
    *error = problems.isEmpty() ? QStringLiteral("no PostgreSQL primary among the target's nodes")
                                : QStringLiteral("no reachable primary: ") + problems.join(QStringLiteral("; "));
    return false;
}

} // namespace vigil::cli
