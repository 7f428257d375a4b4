#include "bouncerstats.h"

#include "pg/pgconnection.h"

#include <QHash>

namespace vigil {

int BouncerSnapshot::clientsActive() const
{
    int n = 0;
    for (const BouncerPool& p : pools)
        n += p.clActive;
    return n;
}

int BouncerSnapshot::clientsWaiting() const
{
    int n = 0;
    for (const BouncerPool& p : pools)
        n += p.clWaiting;
    return n;
}

int BouncerSnapshot::serversActive() const
{
    int n = 0;
    for (const BouncerPool& p : pools)
        n += p.svActive;
    return n;
}

int BouncerSnapshot::serversIdle() const
{
    int n = 0;
    for (const BouncerPool& p : pools)
        n += p.svIdle + p.svUsed;
    return n;
}

double BouncerSnapshot::maxWaitMs() const
{
    double m = 0;
    for (const BouncerPool& p : pools)
        m = std::max(m, p.maxWaitMs);
    return m;
}

namespace {
// Columns differ between pgbouncer versions: a missing one reads as `fallback`.
qint64 intOr(const pg::Result& r, int row, const char* name, qint64 fallback = 0)
{
    return r.column(name) < 0 ? fallback : r.toInt64(row, name, fallback);
}
} // namespace

std::shared_ptr<TaskResult> BouncerStatsTask::run(pg::Connection& conn)
{
    auto out = std::make_shared<BouncerSnapshot>();
    out->sampledAt = QDateTime::currentDateTimeUtc();
    const pg::Result pools = conn.execSimple(QStringLiteral("SHOW POOLS"));
    if (!pools.ok()) {
        out->error = pools.errorMessage();
        return out;
    }
    for (int i = 0; i < pools.rows(); ++i) {
        BouncerPool p;
        p.database = pools.text(i, "database");
        if (p.database == QLatin1String("pgbouncer"))
            continue; // the admin console itself
        p.user = pools.text(i, "user");
        p.clActive = int(intOr(pools, i, "cl_active"));
        p.clWaiting = int(intOr(pools, i, "cl_waiting"));
        p.svActive = int(intOr(pools, i, "sv_active"));
        p.svIdle = int(intOr(pools, i, "sv_idle"));
        p.svUsed = int(intOr(pools, i, "sv_used"));
        p.svTested = int(intOr(pools, i, "sv_tested"));
        p.svLogin = int(intOr(pools, i, "sv_login"));
        p.maxWaitMs = double(intOr(pools, i, "maxwait")) * 1000.0 + double(intOr(pools, i, "maxwait_us")) / 1000.0;
        p.poolMode = pools.text(i, "pool_mode");
        out->pools.append(p);
    }

    // The rest enriches the pools; a console that refuses one of them still gives SHOW POOLS.
    const pg::Result dbs = conn.execSimple(QStringLiteral("SHOW DATABASES"));
    QHash<QString, std::pair<int, int>> sizes; // database -> (pool_size, reserve_pool)
    if (dbs.ok())
        for (int i = 0; i < dbs.rows(); ++i)
            sizes.insert(dbs.text(i, "name"),
                         {int(intOr(dbs, i, "pool_size", -1)), int(intOr(dbs, i, "reserve_pool", -1))});
    const pg::Result stats = conn.execSimple(QStringLiteral("SHOW STATS"));
    for (BouncerPool& p : out->pools) {
        const auto size = sizes.value(p.database, {-1, -1});
        p.poolSize = size.first;
        p.reservePool = size.second;
        if (!stats.ok())
            continue;
        for (int i = 0; i < stats.rows(); ++i) {
            if (stats.text(i, "database") != p.database)
                continue;
            p.avgWaitMs = stats.toDouble(i, "avg_wait_time") / 1000.0;
            p.avgQueryMs = stats.toDouble(i, "avg_query_time") / 1000.0;
            p.avgXactMs = stats.toDouble(i, "avg_xact_time") / 1000.0;
            p.avgXactPerSec = stats.toDouble(i, "avg_xact_count");
            p.avgQueryPerSec = stats.toDouble(i, "avg_query_count");
        }
    }
    const pg::Result config = conn.execSimple(QStringLiteral("SHOW CONFIG"));
    if (config.ok())
        for (int i = 0; i < config.rows(); ++i) {
            const QString key = config.text(i, "key");
            if (key == QLatin1String("max_client_conn"))
                out->maxClientConn = config.text(i, "value").toInt();
            else if (key == QLatin1String("default_pool_size"))
                out->defaultPoolSize = config.text(i, "value").toInt();
            else if (key == QLatin1String("reserve_pool_size"))
                out->reservePoolSize = config.text(i, "value").toInt();
            else if (key == QLatin1String("pool_mode"))
                out->poolMode = config.text(i, "value");
        }
    const pg::Result lists = conn.execSimple(QStringLiteral("SHOW LISTS"));
    if (lists.ok())
        for (int i = 0; i < lists.rows(); ++i) {
            const QString list = lists.text(i, "list");
            const int items = int(lists.toInt64(i, "items"));
            if (list == QLatin1String("used_clients"))
                out->usedClients = items;
            else if (list == QLatin1String("login_clients"))
                out->loginClients = items;
            else if (list == QLatin1String("used_servers"))
                out->usedServers = items;
        }
    out->ok = true;
    return out;
}

} // namespace vigil
