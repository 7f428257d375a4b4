#pragma once

#include "pgtask.h"

#include <QList>

namespace vigil {

// One pgbouncer pool (database, user) from SHOW POOLS, with its database's SHOW STATS averages
// and SHOW DATABASES pool size joined in.
struct BouncerPool
{
    QString database, user, poolMode;
    int clActive = 0, clWaiting = 0, svActive = 0, svIdle = 0, svUsed = 0, svTested = 0, svLogin = 0;
    double maxWaitMs = 0; // the oldest waiting client's wait (maxwait + maxwait_us)
    int poolSize = -1; // SHOW DATABASES pool_size of its database (-1 unknown)
    int reservePool = -1;
    // SHOW STATS of its database, averages over pgbouncer's stats_period (µs converted to ms).
    double avgWaitMs = kNoValue, avgQueryMs = kNoValue, avgXactMs = kNoValue;
    double avgXactPerSec = kNoValue, avgQueryPerSec = kNoValue;

    int servers() const { return svActive + svIdle + svUsed + svTested + svLogin; }
    int clients() const { return clActive + clWaiting; }
};

struct BouncerSnapshot : TaskResult
{
    QList<BouncerPool> pools; // the admin console's own "pgbouncer" pool left out
    int maxClientConn = -1;
    int defaultPoolSize = -1;
    int reservePoolSize = -1;
    QString poolMode;
    int usedClients = -1, loginClients = -1, usedServers = -1; // SHOW LISTS

    int clientsActive() const;
    int clientsWaiting() const;
    int serversActive() const;
    int serversIdle() const; // idle + used (connected, not serving a client)
    double maxWaitMs() const;
};

// pgbouncer's admin console (simple protocol, no parameters): SHOW POOLS, STATS, DATABASES,
// CONFIG and LISTS in one round of the worker. Its connection is opened with pgbouncerAdmin.
class BouncerStatsTask final : public PgTask
{
public:
    explicit BouncerStatsTask(int periodMs = 2000)
        : PgTask(periodMs)
    {
    }
    QString name() const override { return QStringLiteral("pgbouncer"); }
    std::shared_ptr<TaskResult> run(pg::Connection& conn) override;
    std::shared_ptr<TaskResult> emptyResult() const override { return std::make_shared<BouncerSnapshot>(); }
};

} // namespace vigil
