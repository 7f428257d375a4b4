#include "pgwriteprobe.h"

#include "pg/pgconnection.h"

#include <QSet>
#include <QThread>

namespace vigil::drills {

PgWriteProbe::PgWriteProbe(QString conninfo, QString runId, std::chrono::steady_clock::time_point origin,
                           int intervalMs)
    : WriteProbe(std::move(runId), origin, intervalMs)
{
    m_options.conninfo = std::move(conninfo);
    m_options.applicationName = QStringLiteral("vigil-drill-probe");
    m_options.connectTimeoutSec = 1;
    m_options.statementTimeoutMs = 1000;
}

PgWriteProbe::~PgWriteProbe()
{
    stop(); // the thread uses m_conn: it ends before the members go
}

QString PgWriteProbe::tableSql()
{
    return QStringLiteral("/* vigil */ CREATE TABLE IF NOT EXISTS vigil_drill_probe (run_id text NOT NULL, seq bigint "
                          "NOT NULL, written_at timestamptz NOT NULL DEFAULT clock_timestamp(), PRIMARY KEY (run_id, "
                          "seq))");
}

bool PgWriteProbe::warmUp(int ms, const std::atomic_bool& abort, const QString& node, QString* detail) const
{
    const qint64 until = now() + ms;
    while (now() < until && !abort)
        QThread::msleep(20);
    if (acknowledged() == 0) {
        *detail = QStringLiteral("no probe write was acknowledged by %1").arg(node);
        return false;
    }
    *detail = QStringLiteral("%1 writes acknowledged by %2 in %3 ms (run %4)")
                  .arg(acknowledged())
                  .arg(node)
                  .arg(ms)
                  .arg(runId());
    return true;
}

qint64 PgWriteProbe::countMissing(pg::Connection& server, QString* error) const
{
    const pg::Result rows
        = server.exec(QStringLiteral("/* vigil */ SELECT seq FROM vigil_drill_probe WHERE run_id = $1"), {runId()});
    if (!rows.ok()) {
        *error = rows.errorMessage();
        return -1;
    }
    QSet<qint64> present;
    for (int i = 0; i < rows.rows(); ++i)
        present.insert(rows.toInt64(i, 0));
    qint64 lost = 0;
    for (const Write& w : writes())
        if (w.ackMs >= 0 && !present.contains(w.seq))
            ++lost;
    return lost;
}

void PgWriteProbe::writeOnce(Write& w)
{
    if (!m_conn.isOpen() && m_conn.open(m_options, &stopping()))
        // The server's "terminating connection due to immediate shutdown" is what the drill
        // causes; it is counted as a failed write, not printed.
        PQsetNoticeProcessor(
            m_conn.raw(), [](void*, const char*) {}, nullptr);
    if (!m_conn.isOpen())
        return;
    const pg::Result r = m_conn.exec(QStringLiteral("/* vigil */ INSERT INTO vigil_drill_probe (run_id, seq) "
                                                    "VALUES ($1, $2) RETURNING pg_current_wal_insert_lsn()::text"),
                                     {runId(), w.seq});
    if (r.ok() && r.rows() == 1) {
        w.ackMs = now();
        w.lsn = r.text(0, 0);
        w.port = QByteArray(PQport(m_conn.raw())).toInt();
        w.server = QString::fromUtf8(PQhost(m_conn.raw())) + QLatin1Char(':') + QString::number(w.port);
    } else {
        m_conn.close(); // the server went away or is read-only now: find the writable one again
    }
}

} // namespace vigil::drills
