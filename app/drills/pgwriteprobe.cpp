#include "pgwriteprobe.h"

#include "pg/pgconnection.h"

#include <QSet>
#include <QThread>

namespace vigil::drills {

PgWriteProbe::PgWriteProbe(QString conninfo, QString runId, std::chrono::steady_clock::time_point origin,
                           int intervalMs)
    : m_conninfo(std::move(conninfo))
    , m_runId(std::move(runId))
    , m_origin(origin)
    , m_intervalMs(intervalMs)
{
}

PgWriteProbe::~PgWriteProbe()
{
    stop();
}

QString PgWriteProbe::tableSql()
{
    return QStringLiteral("/* vigil */ CREATE TABLE IF NOT EXISTS vigil_drill_probe (run_id text NOT NULL, seq bigint "
                          "NOT NULL, written_at timestamptz NOT NULL DEFAULT clock_timestamp(), PRIMARY KEY (run_id, "
                          "seq))");
}

void PgWriteProbe::start()
{
    if (!m_thread.joinable())
        m_thread = std::thread([this] { loop(); });
}

void PgWriteProbe::stop()
{
    m_stop = true;
    if (m_thread.joinable())
        m_thread.join();
}

qint64 PgWriteProbe::now() const
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - m_origin).count();
}

QList<PgWriteProbe::Write> PgWriteProbe::writes() const
{
    std::lock_guard lock(m_mutex);
    return m_writes;
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
                  .arg(m_runId);
    return true;
}

qint64 PgWriteProbe::countMissing(pg::Connection& server, QString* error) const
{
    const pg::Result rows
        = server.exec(QStringLiteral("/* vigil */ SELECT seq FROM vigil_drill_probe WHERE run_id = $1"), {m_runId});
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

qint64 PgWriteProbe::firstAckAfter(qint64 ms, int port) const
{
    std::lock_guard lock(m_mutex);
    for (const Write& w : m_writes)
        if (w.ackMs >= ms && w.port == port)
            return w.ackMs;
    return -1;
}

qint64 PgWriteProbe::firstAckAfter(qint64 ms, const QString& server) const
{
    std::lock_guard lock(m_mutex);
    for (const Write& w : m_writes)
        if (w.ackMs >= ms && w.server == server)
            return w.ackMs;
    return -1;
}

void PgWriteProbe::loop()
{
    pg::Connection conn;
    pg::ConnectOptions o;
    o.conninfo = m_conninfo;
    o.password = m_password;
    o.applicationName = QStringLiteral("vigil-drill-probe");
    o.connectTimeoutSec = 1;
    o.statementTimeoutMs = 1000;
    qint64 seq = 0;
    auto next = std::chrono::steady_clock::now();
    while (!m_stop) {
        next += std::chrono::milliseconds(m_intervalMs);
        Write w;
        w.seq = ++seq;
        w.sentMs = now();
        if (!conn.isOpen() && conn.open(o, &m_stop))
            // The server's "terminating connection due to immediate shutdown" is what the drill
            // causes; it is counted as a failed write, not printed.
            PQsetNoticeProcessor(
                conn.raw(), [](void*, const char*) {}, nullptr);
        if (conn.isOpen()) {
            const pg::Result r
                = conn.exec(QStringLiteral("/* vigil */ INSERT INTO vigil_drill_probe (run_id, seq) "
                                           "VALUES ($1, $2) RETURNING pg_current_wal_insert_lsn()::text"),
                            {m_runId, w.seq});
            if (r.ok() && r.rows() == 1) {
                w.ackMs = now();
                w.lsn = r.text(0, 0);
                w.port = QByteArray(PQport(conn.raw())).toInt();
                w.server = QString::fromUtf8(PQhost(conn.raw())) + QLatin1Char(':') + QString::number(w.port);
            } else {
                conn.close(); // the server went away or is read-only now: find the writable one again
            }
        }
        (w.ackMs >= 0 ? m_acked : m_failed)++;
        if (m_tally)
            m_tally->record(w.sentMs, w.ackMs >= 0);
        {
            std::lock_guard lock(m_mutex);
            m_writes.append(w);
        }
        const auto wake = std::max(next, std::chrono::steady_clock::now());
        while (!m_stop && std::chrono::steady_clock::now() < wake)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        next = wake;
    }
}

} // namespace vigil::drills
