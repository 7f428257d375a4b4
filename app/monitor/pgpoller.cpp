#include "pgpoller.h"

#include "replicationread.h"

#include <QElapsedTimer>
#include <QFile>

namespace vigil {

QString bundledSql(const QString& name)
{
    QFile f(QStringLiteral(":/sql/") + name);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing bundled SQL %s", qPrintable(name));
    return QString::fromUtf8(f.readAll());
}

PgPoller::PgPoller(const NodeSpec& spec)
    : Poller(spec)
    , m_sql(bundledSql(QStringLiteral("node_status.sql")))
{
}

bool PgPoller::connect(const std::atomic_bool& stop, QString* error)
{
    pg::ConnectOptions o;
    o.conninfo = m_spec.conninfo;
    o.password = m_spec.password;
    o.connectTimeoutSec = m_spec.connectTimeoutSec;
    o.statementTimeoutMs = m_spec.statementTimeoutMs;
    if (!m_conn.open(o, &stop)) {
        *error = m_conn.lastError();
        return false;
    }
    m_xacts.reset();
    m_prevHit = m_prevRead = -1;
    return true;
}

void PgPoller::disconnect()
{
    m_conn.close();
}

Diagnosis PgPoller::diagnose(const QString& rawError) const
{
    return diagnosePg(m_spec.name, rawError);
}

bool PgPoller::poll(NodeSnapshot* s, QString* error)
{
    QElapsedTimer rtt;
    rtt.start();
    const pg::Result r = m_conn.exec(m_sql);
    if (!r.ok() || r.rows() != 1) {
        *error = r.errorMessage();
        return false;
    }
    s->rttMs = double(rtt.nsecsElapsed()) / 1e6;
    const qint64 now = s->sampledAt.toMSecsSinceEpoch() * 1000000LL;

    s->version = QStringLiteral("PostgreSQL ") + r.text(0, "version");
    s->uptimeSec = r.toInt64(0, "uptime_s", -1);
    const bool inRecovery = r.toBool(0, "in_recovery");
    s->role = inRecovery ? NodeRole::Replica : NodeRole::Primary;
    s->tps = m_xacts.update(r.toDouble(0, "xacts"), now);
    const double hit = r.toDouble(0, "blks_hit");
    const double read = r.toDouble(0, "blks_read");
    // Hit ratio over the last interval; the lifetime ratio hides what is happening now.
    double dHit = hit, dRead = read;
    if (m_prevHit >= 0 && hit >= m_prevHit && read >= m_prevRead) {
        dHit = hit - m_prevHit;
        dRead = read - m_prevRead;
    }
    m_prevHit = hit;
    m_prevRead = read;
    s->cacheHitPct = (dHit + dRead) > 0 ? 100.0 * dHit / (dHit + dRead) : kNoValue;
    s->connections = int(r.toInt64(0, "connections", -1));
    s->maxConnections = int(r.toInt64(0, "max_connections", -1));
    s->replicasStreaming = int(r.toInt64(0, "replicas_streaming", -1));
    s->replicasTotal = int(r.toInt64(0, "replicas_total", -1));
    s->receiverStatus = r.text(0, "receiver_status");
    s->replayLagSec = r.toDouble(0, "replay_lag_s", kNoValue);
    s->replayLagBytes = r.toDouble(0, "replay_lag_bytes", kNoValue);

    if (!r.toBool(0, "can_monitor")) {
        const QString user = r.text(0, "user_name");
        s->findings.append(
            {QStringLiteral("%1: role %2 cannot see other sessions' queries and statistics (no pg_monitor)")
                 .arg(m_spec.name, user),
             QStringLiteral("GRANT pg_monitor TO %1;").arg(m_conn.quoteIdent(user))});
    }
    readPgReplication(r, r.toBool(0, "can_monitor"), s);
    if (!inRecovery && !r.toBool(0, "has_pgss")) {
        const QString preload = r.text(0, "preload");
        if (r.isNull(0, "preload")) {
            s->findings.append({QStringLiteral("%1: pg_stat_statements is not created in this database (and this role "
                                               "cannot read shared_preload_libraries to tell whether it is loaded)")
                                    .arg(m_spec.name),
                                QStringLiteral("CREATE EXTENSION pg_stat_statements;")});
        } else if (preload.contains(QLatin1String("pg_stat_statements"))) {
            s->findings.append(
                {QStringLiteral("%1: pg_stat_statements is loaded but not created in this database").arg(m_spec.name),
                 QStringLiteral("CREATE EXTENSION pg_stat_statements;")});
        } else {
            // Keep whatever the server already preloads; only append ours.
            QString libs = preload.trimmed().isEmpty() ? QStringLiteral("pg_stat_statements")
                                                       : preload.trimmed() + QStringLiteral(", pg_stat_statements");
            libs.replace(QLatin1Char('\''), QStringLiteral("''"));
            s->findings.append(
                {QStringLiteral("%1: pg_stat_statements is not in shared_preload_libraries").arg(m_spec.name),
                 QStringLiteral("ALTER SYSTEM SET shared_preload_libraries = '%1'; -- restart PostgreSQL, then\n"
                                "CREATE EXTENSION pg_stat_statements;")
                     .arg(libs)});
        }
    }
    return true;
}

} // namespace vigil
