#include "poolstats.h"

#include "analysis/redact.h"
#include "pg/pgconnection.h"
#include "pgpoller.h"

#include <QHash>
#include <QSet>
#include <algorithm>

namespace vigil {

double PoolServerSnapshot::utilisationPct() const
{
    const int usable = availableToUsers();
    return usable > 0 ? 100.0 * double(clientBackends) / double(usable) : kNoValue;
}

void summarisePoolSessions(const QList<PoolSession>& sessions, PoolServerSnapshot* out)
{
    QHash<QString, int> index; // "kind\nname" -> position in out->groups
    auto add = [&](const QString& kind, const QString& name, const PoolSession& s) {
        const QString key = kind + QLatin1Char('\n') + name;
        auto it = index.constFind(key);
        if (it == index.constEnd()) {
            it = index.insert(key, int(out->groups.size()));
            out->groups.append(PoolGroup {kind, name});
        }
        PoolGroup& g = out->groups[*it];
        ++g.total;
        g.active += s.state == QLatin1String("active");
        g.idle += s.state == QLatin1String("idle");
        g.idleInTransaction += s.state.startsWith(QLatin1String("idle in transaction"));
        g.waitingOnLock += s.waitEventType == QLatin1String("Lock");
        g.oldestXactMs = std::max(g.oldestXactMs, s.xactMs);
    };
    QHash<int, const PoolSession*> byPid;
    for (const PoolSession& s : sessions) {
        byPid.insert(s.pid, &s);
        ++out->clientBackends;
        if (s.vigil) {
            ++out->vigilSessions;
            continue;
        }
        out->byState[s.category] += 1;
        add(QStringLiteral("state"), s.category, s);
        add(QStringLiteral("application"), s.application.isEmpty() ? QStringLiteral("(none)") : s.application, s);
        add(QStringLiteral("user"), s.user, s);
        add(QStringLiteral("client"), s.client.isEmpty() ? QStringLiteral("(none)") : s.client, s);
        if (s.state.startsWith(QLatin1String("idle in transaction")))
            out->idleInTransaction.append(s);
    }
    std::sort(out->idleInTransaction.begin(), out->idleInTransaction.end(),
              [](const PoolSession& a, const PoolSession& b) { return a.stateMs > b.stateMs; });
    if (out->idleInTransaction.size() > PoolServerTask::kIdleInTransactionRows)
        out->idleInTransaction.resize(PoolServerTask::kIdleInTransactionRows);

    for (const PoolSession& s : sessions) {
        if (s.blockedBy.isEmpty() || s.vigil)
            continue;
        BlockedSession b;
        b.session = s;
        // Follow the first blocker until one that is not blocked itself (cycles: deadlock detector's job).
        int pid = s.blockedBy.first();
        QSet<int> seen {s.pid};
        while (!seen.contains(pid)) {
            seen.insert(pid);
            const PoolSession* p = byPid.value(pid);
            if (!p || p->blockedBy.isEmpty())
                break;
            pid = p->blockedBy.first();
            ++b.depth;
        }
        b.rootBlocker = pid;
        if (const PoolSession* r = byPid.value(pid))
            b.root = *r;
        out->blocked.append(b);
    }
    std::sort(out->blocked.begin(), out->blocked.end(),
              [](const BlockedSession& a, const BlockedSession& b) { return a.session.stateMs > b.session.stateMs; });
}

std::shared_ptr<TaskResult> PoolServerTask::run(pg::Connection& conn)
{
    auto out = std::make_shared<PoolServerSnapshot>();
    out->sampledAt = QDateTime::currentDateTimeUtc();
    const pg::Result settings = conn.exec(bundledSql(QStringLiteral("pool_settings.sql")));
    if (!settings.ok()) {
        out->error = settings.errorMessage();
        return out;
    }
    out->maxConnections = int(settings.toInt64(0, "max_connections"));
    out->superuserReserved = int(settings.toInt64(0, "superuser_reserved"));
    out->otherBackends = int(settings.toInt64(0, "other_backends"));

    const pg::Result r = conn.exec(bundledSql(QStringLiteral("pool_sessions.sql")));
    if (!r.ok()) {
        out->error = r.errorMessage();
        return out;
    }
    QList<PoolSession> sessions;
    sessions.reserve(r.rows());
    for (int i = 0; i < r.rows(); ++i) {
        PoolSession s;
        s.pid = int(r.toInt64(i, "pid"));
        s.database = r.text(i, "datname");
        s.user = r.text(i, "usename");
        s.application = r.text(i, "application_name");
        s.client = r.text(i, "client");
        s.state = r.text(i, "state");
        s.category = r.text(i, "category");
        s.waitEventType = r.text(i, "wait_event_type");
        s.waitEvent = r.text(i, "wait_event");
        s.xactMs = r.toDouble(i, "xact_ms");
        s.stateMs = r.toDouble(i, "state_ms");
        for (const QString& p : r.text(i, "blocked_by").split(QLatin1Char(','), Qt::SkipEmptyParts))
            s.blockedBy << p.toInt();
        s.query = analysis::redactSecrets(r.text(i, "query"));
        s.vigil = r.toBool(i, "is_vigil");
        sessions.append(s);
    }
    summarisePoolSessions(sessions, out.get());
    // Privilege check: without pg_read_all_stats other roles' rows have no state (shown as "").
    int hidden = 0;
    for (const PoolSession& s : sessions)
        hidden += s.state.isEmpty();
    if (hidden > 0)
        out->findings.append(Finding {
            QStringLiteral("%1 session(s) of other roles are hidden from this role (no state in pg_stat_activity): "
                           "grant pg_monitor to see them")
                .arg(hidden),
            QStringLiteral("GRANT pg_monitor TO %1;").arg(conn.quoteIdent(conn.parameter("session_authorization")))});
    out->ok = true;
    return out;
}

} // namespace vigil
