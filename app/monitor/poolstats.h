#pragma once

#include "pgtask.h"

#include <QList>
#include <QMap>

namespace vigil {

// One client backend as the Pool tab sees it (pg_stat_activity).
struct PoolSession
{
    int pid = 0;
    QString database, user, application, client, state, waitEventType, waitEvent, query;
    QString category; // the "by state" bucket: a state, or "waiting on lock", "client", "IO"
    double xactMs = -1; // age of the open transaction; -1 outside one
    double stateMs = -1; // time in the current state
    QList<int> blockedBy; // pg_blocking_pids
    bool vigil = false; // Vigil's own session (counted apart, never mixed into the figures)
};

// Connections grouped by one attribute (state, application, user or client address).
struct PoolGroup
{
    QString kind; // "state", "application", "user", "client"
    QString name;
    int total = 0, active = 0, idle = 0, idleInTransaction = 0, waitingOnLock = 0;
    double oldestXactMs = -1;
    bool operator==(const PoolGroup&) const = default;
};

// A session waiting on a lock, with whom it waits for and the head of its chain.
struct BlockedSession
{
    PoolSession session;
    int rootBlocker = 0; // the blocker that is not itself blocked (first one found)
    PoolSession root; // that session as pg_stat_activity shows it (pid 0 if it vanished)
    int depth = 1; // 1: blocked directly by the root
};

struct PoolServerSnapshot : TaskResult
{
    int maxConnections = -1;
    int superuserReserved = -1;
    int clientBackends = 0; // every client backend, Vigil's included (they hold slots too)
    int vigilSessions = 0;
    int otherBackends = 0; // walsenders, autovacuum ...: own slots, outside max_connections
    QMap<QString, int> byState; // category -> sessions (Vigil's excluded)
    QList<PoolGroup> groups; // state, application, user, client; Vigil's excluded
    QList<PoolSession> idleInTransaction; // longest first, Vigil's excluded
    QList<BlockedSession> blocked; // longest waiting first

    // Share of the slots ordinary roles may use (max_connections minus the superuser reserve).
    double utilisationPct() const;
    int availableToUsers() const { return maxConnections < 0 ? -1 : maxConnections - superuserReserved; }
};

// Groups sessions into the "by" tables and blocked chains; shared by the task and tests.
void summarisePoolSessions(const QList<PoolSession>& sessions, PoolServerSnapshot* out);

// Server-side connection figures of the primary: pg_stat_activity grouped, max_connections with
// the superuser reserve, the longest idle-in-transaction sessions, and pg_blocking_pids chains.
class PoolServerTask final : public PgTask
{
public:
    explicit PoolServerTask(int periodMs = 2000)
        : PgTask(periodMs)
    {
    }
    QString name() const override { return QStringLiteral("pool"); }
    std::shared_ptr<TaskResult> run(pg::Connection& conn) override;
    std::shared_ptr<TaskResult> emptyResult() const override { return std::make_shared<PoolServerSnapshot>(); }

    static constexpr int kIdleInTransactionRows = 50;
};

} // namespace vigil
