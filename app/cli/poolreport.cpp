#include "poolreport.h"

#include "analysis/pooladvice.h"
#include "monitor/bouncerstats.h"
#include "monitor/poolstats.h"

#include <QJsonArray>
#include <QLocale>

namespace vigil::cli {

QJsonObject poolReport(const Target& target, pg::Connection& conn)
{
    PoolServerTask serverTask;
    const auto server = std::static_pointer_cast<const PoolServerSnapshot>(serverTask.run(conn));
    QJsonObject out;
    if (!server->ok) {
        out.insert("error", server->error);
    } else {
        QJsonObject byState;
        for (auto it = server->byState.begin(); it != server->byState.end(); ++it)
            byState.insert(it.key(), it.value());
        out.insert("max_connections", server->maxConnections);
        out.insert("superuser_reserved", server->superuserReserved);
        out.insert("client_backends", server->clientBackends);
        out.insert("vigil_sessions", server->vigilSessions);
        out.insert("utilisation_pct",
                   hasValue(server->utilisationPct()) ? QJsonValue(server->utilisationPct())
                                                      : QJsonValue(QJsonValue::Null));
        out.insert("by_state", byState);
        // Sessions waiting on a lock held by another (pg_blocking_pids), Vigil's own excluded.
        out.insert("waiting", int(server->blocked.size()));
        QJsonArray idle;
        for (const PoolSession& s : server->idleInTransaction)
            idle.append(QJsonObject {{"pid", s.pid},
                                     {"user", s.user},
                                     {"application", s.application},
                                     {"client", s.client},
                                     {"idle_ms", s.stateMs},
                                     {"xact_ms", s.xactMs}});
        out.insert("idle_in_transaction", idle);
    }

    std::shared_ptr<const BouncerSnapshot> bouncer;
    if (!target.profile.pgbouncerAdmin.isEmpty()) {
        pg::Connection admin;
        pg::ConnectOptions o;
        o.conninfo = target.profile.pgbouncerAdmin;
        o.password = target.passwords.value(QStringLiteral("pgbouncer-admin"));
        o.pgbouncerAdmin = true;
        o.statementTimeoutMs = 3000;
        BouncerStatsTask task;
        if (admin.open(o)) {
            bouncer = std::static_pointer_cast<const BouncerSnapshot>(task.run(admin));
            if (!bouncer->ok)
                out.insert("pgbouncer_error", bouncer->error);
        } else {
            out.insert("pgbouncer_error", admin.lastError());
        }
        QJsonArray pools;
        if (bouncer && bouncer->ok)
            for (const BouncerPool& p : bouncer->pools)
                pools.append(QJsonObject {{"database", p.database},
                                          {"user", p.user},
                                          {"cl_active", p.clActive},
                                          {"cl_waiting", p.clWaiting},
                                          {"sv_active", p.svActive},
                                          {"sv_idle", p.svIdle},
                                          {"sv_used", p.svUsed},
                                          {"maxwait_ms", p.maxWaitMs},
                                          {"pool_size", p.poolSize}});
        out.insert("pgbouncer", pools);
    } else {
        out.insert("pgbouncer", QJsonValue(QJsonValue::Null)); // the target names no admin console
    }

    QJsonArray advice;
    for (const analysis::PoolAdvice& a : analysis::advisePool(server.get(), bouncer.get()))
        advice.append(
            QJsonObject {{"severity", analysis::severityName(a.severity)}, {"title", a.title}, {"detail", a.detail}});
    out.insert("advice", advice);
    return out;
}

QString poolReportText(const QJsonObject& pool)
{
    const QLocale c = QLocale::c();
    QString out = QStringLiteral("\nConnections:\n");
    if (pool.contains("error"))
        return out + QStringLiteral("  %1\n").arg(pool.value("error").toString());
    out += QStringLiteral("  %1 of max_connections %2 (%3 reserved for superusers), %4 %; waiting on locks: %5\n")
               .arg(pool.value("client_backends").toInt())
               .arg(pool.value("max_connections").toInt())
               .arg(pool.value("superuser_reserved").toInt())
               .arg(c.toString(pool.value("utilisation_pct").toDouble(), 'f', 1))
               .arg(pool.value("waiting").toInt());
    const QJsonObject byState = pool.value("by_state").toObject();
    QStringList states;
    for (auto it = byState.begin(); it != byState.end(); ++it)
        states << QStringLiteral("%1 %2").arg(it.key()).arg(it.value().toInt());
    out += QStringLiteral("  by state: %1\n").arg(states.join(QStringLiteral(", ")));
    for (const QJsonValue& v : pool.value("pgbouncer").toArray()) {
        const QJsonObject p = v.toObject();
        out += QStringLiteral("  pgbouncer %1/%2: %3 clients active, %4 waiting (max wait %5 ms), %6 servers "
                              "active, %7 idle\n")
                   .arg(p.value("database").toString(), p.value("user").toString())
                   .arg(p.value("cl_active").toInt())
                   .arg(p.value("cl_waiting").toInt())
                   .arg(c.toString(p.value("maxwait_ms").toDouble(), 'f', 0))
                   .arg(p.value("sv_active").toInt())
                   .arg(p.value("sv_idle").toInt());
    }
    if (pool.contains("pgbouncer_error"))
        out += QStringLiteral("  pgbouncer admin console: %1\n").arg(pool.value("pgbouncer_error").toString());
    for (const QJsonValue& v : pool.value("advice").toArray())
        out += QStringLiteral("  [%1] %2\n")
                   .arg(v.toObject().value("severity").toString(), v.toObject().value("title").toString());
    return out;
}

} // namespace vigil::cli
