#include "pooladvice.h"

#include "monitor/bouncerstats.h"
#include "monitor/poolstats.h"

#include <QLocale>
#include <algorithm>

namespace vigil::analysis {

namespace {
QString ms(double v)
{
    return QLocale::c().toString(v, 'f', v < 10 ? 1 : 0) + QStringLiteral(" ms");
}
QString secs(double msValue)
{
    return QLocale::c().toString(msValue / 1000.0, 'f', 1) + QStringLiteral(" s");
}
// pgbouncer's averages cover its last stats_period (60 s by default) and read 0 before one has passed.
QString measured(double avgMs)
{
    return hasValue(avgMs) && avgMs > 0 ? ms(avgMs) : QStringLiteral("not measured yet");
}
QString pct(double v)
{
    return QLocale::c().toString(v, 'f', 0) + QStringLiteral(" %");
}

void adviseBouncer(const BouncerSnapshot& b, const PoolServerSnapshot* server, QList<PoolAdvice>* out)
{
    int poolCapacity = 0; // what pgbouncer may open towards the server, over all pools
    for (const BouncerPool& p : b.pools) {
        const int size = p.poolSize >= 0 ? p.poolSize : b.defaultPoolSize;
        poolCapacity += std::max(0, size) + std::max(0, p.reservePool >= 0 ? p.reservePool : b.reservePoolSize);
        if (p.clWaiting <= 0)
            continue;
        const QString pool = p.database + QLatin1Char('/') + p.user;
        const bool full = size > 0 && p.svActive >= size;
        if (full) {
            out->append(
                {PoolAdvice::Kind::PoolTooSmall, PoolAdvice::Severity::Critical,
                 QStringLiteral("pgbouncer pool %1 is too small for its clients: %2 waiting")
                     .arg(pool)
                     .arg(p.clWaiting),
                 QStringLiteral("%1 clients wait for a server connection (oldest %2, average wait %3) while all %4 "
                                "server connections of the pool are active (pool_size %5%9, %6 clients active). Either "
                                "the transactions hold their server connection too long (average transaction %7) or "
                                "the pool is too small: raise pool_size / default_pool_size for %8 if PostgreSQL has "
                                "room (max_connections), or shorten the transactions.")
                     .arg(p.clWaiting)
                     .arg(ms(p.maxWaitMs), measured(p.avgWaitMs))
                     .arg(p.svActive)
                     .arg(size)
                     .arg(p.clActive)
                     .arg(measured(p.avgXactMs), p.database,
                          // Past reserve_pool_timeout pgbouncer adds reserve_pool connections: say so.
                          p.svActive > size ? QStringLiteral(", %1 more from reserve_pool").arg(p.svActive - size)
                                            : QString())});
        } else {
            out->append(
                {PoolAdvice::Kind::ClientsWaitingIdleServers, PoolAdvice::Severity::Warning,
                 QStringLiteral("pgbouncer pool %1: %2 clients waiting with the pool not full")
                     .arg(pool)
                     .arg(p.clWaiting),
                 QStringLiteral("%1 clients wait (oldest %2) but only %3 of %4 server connections are active and %5 "
                                "are logging in: pgbouncer cannot open server connections fast enough or is held by "
                                "max_db_connections / max_user_connections or the server's max_connections; check "
                                "the pgbouncer log for login failures.")
                     .arg(p.clWaiting)
                     .arg(ms(p.maxWaitMs))
                     .arg(p.svActive)
                     .arg(size)
                     .arg(p.svLogin)});
        }
    }
    if (b.maxClientConn > 0) {
        const int clients = b.usedClients >= 0 ? b.usedClients : b.clientsActive() + b.clientsWaiting();
        const double used = 100.0 * clients / b.maxClientConn;
        if (used >= 80)
            out->append({PoolAdvice::Kind::ClientConnNearlyExhausted,
                         used >= 95 ? PoolAdvice::Severity::Critical : PoolAdvice::Severity::Warning,
                         QStringLiteral("pgbouncer max_client_conn %1 used").arg(pct(used)),
                         QStringLiteral("%1 of max_client_conn %2 client connections are in use; new clients are "
                                        "refused once it is reached. Raise max_client_conn (and the open-files "
                                        "limit) or find the clients that do not close their connections.")
                             .arg(clients)
                             .arg(b.maxClientConn)});
    }
    if (server && server->ok && server->availableToUsers() > 0 && poolCapacity > server->availableToUsers())
        out->append({PoolAdvice::Kind::PoolsExceedMaxConnections, PoolAdvice::Severity::Info,
                     QStringLiteral("pgbouncer may open %1 server connections, PostgreSQL allows %2")
                         .arg(poolCapacity)
                         .arg(server->availableToUsers()),
                     QStringLiteral("The pools' pool_size + reserve_pool add up to %1, more than max_connections %2 "
                                    "minus %3 superuser-reserved slots. Under load pgbouncer will meet \"too many "
                                    "clients\"; set max_db_connections or smaller pools.")
                         .arg(poolCapacity)
                         .arg(server->maxConnections)
                         .arg(server->superuserReserved)});
}

void adviseServer(const PoolServerSnapshot& s, const PoolAdviceLimits& limits, QList<PoolAdvice>* out)
{
    const double used = s.utilisationPct();
    if (hasValue(used) && used >= limits.utilisationWarnPct)
        out->append(
            {PoolAdvice::Kind::MaxConnectionsNearlyExhausted,
             used >= limits.utilisationCriticalPct ? PoolAdvice::Severity::Critical : PoolAdvice::Severity::Warning,
             QStringLiteral("max_connections close to exhaustion: %1 used").arg(pct(used)),
             QStringLiteral("%1 client backends of %2 slots available to ordinary roles (max_connections %3 "
                            "minus %4 reserved for superusers). New sessions fail with \"too many clients\" "
                            "once they are gone: put the applications behind pgbouncer, close idle "
                            "sessions, or raise max_connections (restart).")
                 .arg(s.clientBackends)
                 .arg(s.availableToUsers())
                 .arg(s.maxConnections)
                 .arg(s.superuserReserved)});

    QList<const PoolSession*> old;
    for (const PoolSession& p : s.idleInTransaction)
        if (p.stateMs >= limits.idleInTransactionWarnMs)
            old << &p;
    if (!old.isEmpty()) {
        const PoolSession* worst = old.first(); // idleInTransaction is longest first
        QStringList who;
        for (int i = 0; i < std::min<qsizetype>(3, old.size()); ++i)
            who << QStringLiteral("pid %1 (%2, %3, %4)")
                       .arg(old[i]->pid)
                       .arg(old[i]->user,
                            old[i]->application.isEmpty() ? QStringLiteral("no application") : old[i]->application,
                            secs(old[i]->stateMs));
        out->append({PoolAdvice::Kind::IdleInTransaction,
                     worst->stateMs >= limits.idleInTransactionCriticalMs ? PoolAdvice::Severity::Critical
                                                                          : PoolAdvice::Severity::Warning,
                     QStringLiteral("%1 idle-in-transaction session(s) holding server connections, longest %2")
                         .arg(old.size())
                         .arg(secs(worst->stateMs)),
                     QStringLiteral("Each one keeps a server connection (through pgbouncer in transaction mode the "
                                    "pool loses it too), its locks and the xmin horizon that vacuum needs: %1. Fix "
                                    "the application to commit or roll back; set "
                                    "idle_in_transaction_session_timeout as a safety net.")
                         .arg(who.join(QStringLiteral(", ")))});
    }

    if (!s.blocked.isEmpty()) {
        const BlockedSession& b = s.blocked.first();
        out->append({PoolAdvice::Kind::BlockedSessions,
                     b.session.stateMs >= 10000 ? PoolAdvice::Severity::Critical : PoolAdvice::Severity::Warning,
                     QStringLiteral("%1 session(s) waiting on locks, longest %2")
                         .arg(s.blocked.size())
                         .arg(secs(b.session.stateMs)),
                     QStringLiteral("Head of the chain: pid %1 (%2, %3, state %4). Waiting pid %5 is %6 level(s) "
                                    "below it. Finish or cancel the head of the chain (Slow queries tab) rather "
                                    "than the waiters.")
                         .arg(b.rootBlocker)
                         .arg(b.root.user, b.root.application,
                              b.root.state.isEmpty() ? QStringLiteral("unknown") : b.root.state)
                         .arg(b.session.pid)
                         .arg(b.depth)});
    }
}
} // namespace

QString severityName(PoolAdvice::Severity s)
{
    switch (s) {
    case PoolAdvice::Severity::Critical:
        return QStringLiteral("critical");
    case PoolAdvice::Severity::Warning:
        return QStringLiteral("warning");
    case PoolAdvice::Severity::Info:
        break;
    }
    return QStringLiteral("info");
}

QList<PoolAdvice> advisePool(const PoolServerSnapshot* server, const BouncerSnapshot* bouncer,
                             const PoolAdviceLimits& limits)
{
    QList<PoolAdvice> out;
    if (bouncer && bouncer->ok)
        adviseBouncer(*bouncer, server, &out);
    if (server && server->ok)
        adviseServer(*server, limits, &out);
    std::stable_sort(out.begin(), out.end(),
                     [](const PoolAdvice& a, const PoolAdvice& b) { return int(a.severity) > int(b.severity); });
    return out;
}

} // namespace vigil::analysis
