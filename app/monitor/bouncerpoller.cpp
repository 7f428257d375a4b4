#include "bouncerpoller.h"

#include <QElapsedTimer>

namespace vigil {

bool BouncerPoller::connect(const std::atomic_bool& stop, QString* error)
{
    pg::ConnectOptions o;
    o.conninfo = m_spec.conninfo;
    o.password = m_spec.password;
    o.connectTimeoutSec = m_spec.connectTimeoutSec;
    o.statementTimeoutMs = m_spec.statementTimeoutMs;
    o.pgbouncerAdmin = true;
    if (!m_conn.open(o, &stop)) {
        *error = m_conn.lastError();
        return false;
    }
    m_xacts.reset();
    return true;
}

bool BouncerPoller::poll(NodeSnapshot* s, QString* error)
{
    QElapsedTimer rtt;
    rtt.start();
    const pg::Result version = m_conn.execSimple(QStringLiteral("SHOW VERSION"));
    if (!version.ok()) {
        *error = version.errorMessage();
        return false;
    }
    s->rttMs = double(rtt.nsecsElapsed()) / 1e6;
    s->role = NodeRole::PgBouncer;
    s->version = version.text(0, 0);

    const pg::Result pools = m_conn.execSimple(QStringLiteral("SHOW POOLS"));
    if (!pools.ok()) {
        *error = pools.errorMessage();
        return false;
    }
    int clients = 0, waiting = 0, servers = 0;
    for (int i = 0; i < pools.rows(); ++i) {
        if (pools.text(i, "database") == QLatin1String("pgbouncer"))
            continue; // the admin console itself
        clients += int(pools.toInt64(i, "cl_active") + pools.toInt64(i, "cl_waiting"));
        waiting += int(pools.toInt64(i, "cl_waiting"));
        servers += int(pools.toInt64(i, "sv_active") + pools.toInt64(i, "sv_idle") + pools.toInt64(i, "sv_used"));
    }
    s->clients = clients;
    s->clientsWaiting = waiting;
    s->serverConnections = servers;

    const pg::Result stats = m_conn.execSimple(QStringLiteral("SHOW STATS"));
    if (stats.ok()) {
        double xacts = 0;
        for (int i = 0; i < stats.rows(); ++i)
            xacts += stats.toDouble(i, "total_xact_count");
        s->tps = m_xacts.update(xacts, s->sampledAt.toMSecsSinceEpoch() * 1000000LL);
    }
    return true;
}

} // namespace vigil
