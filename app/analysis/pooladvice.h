#pragma once

#include <QList>
#include <QString>

namespace vigil {
struct PoolServerSnapshot;
struct BouncerSnapshot;
} // namespace vigil

namespace vigil::analysis {

// One piece of pool advice, computed from the figures of one poll, with those figures in the text.
struct PoolAdvice
{
    enum class Severity { Info, Warning, Critical };
    enum class Kind {
        PoolTooSmall, // pgbouncer clients wait and every server connection of the pool is busy
        ClientsWaitingIdleServers, // clients wait although the pool is not full (login failures, limits)
        IdleInTransaction, // sessions hold a server connection (and locks) doing nothing
        MaxConnectionsNearlyExhausted,
        BlockedSessions, // lock chains
        ClientConnNearlyExhausted, // pgbouncer max_client_conn
        PoolsExceedMaxConnections, // pgbouncer may open more server connections than PostgreSQL allows
    };
    Kind kind;
    Severity severity;
    QString title; // short, with the key number
    QString detail; // the figures and what to do
};

struct PoolAdviceLimits
{
    double idleInTransactionWarnMs = 5000; // an idle transaction older than this is reported
    double idleInTransactionCriticalMs = 60000;
    double utilisationWarnPct = 80;
    double utilisationCriticalPct = 95;
    double clientConnWarnPct = 80;
};

// Either snapshot may be null (no pgbouncer, or the primary not polled yet). Most severe first.
QList<PoolAdvice> advisePool(const PoolServerSnapshot* server, const BouncerSnapshot* bouncer,
                             const PoolAdviceLimits& limits = {});

QString severityName(PoolAdvice::Severity s);

} // namespace vigil::analysis
