#include "rediswriteprobe.h"

namespace vigil::drills {

QString sentinelMaster(const QStringList& sentinels, const QString& masterName, int timeoutMs)
{
    for (const QString& s : sentinels) {
        redis::Endpoint e;
        if (!redis::Endpoint::parse(s, &e))
            continue;
        redis::Connection c;
        if (!c.open(e, timeoutMs))
            continue;
        const redis::Reply r = c.command(QByteArrayList {"SENTINEL", "get-master-addr-by-name", masterName.toUtf8()});
        if (r.type == redis::Reply::Type::Array && r.elements.size() == 2)
            return r.elements[0].text() + QLatin1Char(':') + r.elements[1].text();
    }
    return {};
}

RedisWriteProbe::RedisWriteProbe(QStringList sentinels, QString masterName, QString runId,
                                 std::chrono::steady_clock::time_point origin, int intervalMs, int timeoutMs)
    : WriteProbe(std::move(runId), origin, intervalMs)
    , m_sentinels(std::move(sentinels))
    , m_masterName(std::move(masterName))
    , m_timeoutMs(timeoutMs)
{
}

RedisWriteProbe::~RedisWriteProbe()
{
    stop(); // the thread uses the connections: it ends before the members go
}

QByteArray RedisWriteProbe::key(const QString& runId, qint64 seq)
{
    return QByteArrayLiteral("vigil:drill:") + runId.toUtf8() + ':' + QByteArray::number(seq);
}

// On a kept-open Sentinel connection (another Sentinel when that one fails), asked before every
// write, as a Sentinel-aware client that follows +switch-master would, so the probe never writes
// to a master Sentinel has replaced.
QString RedisWriteProbe::currentMaster()
{
    for (int attempt = 0; attempt <= m_sentinels.size(); ++attempt) {
        if (!m_sentinel.isOpen()) {
            redis::Endpoint e;
            if (!redis::Endpoint::parse(m_sentinels.value(attempt % std::max<qsizetype>(1, m_sentinels.size())), &e)
                || !m_sentinel.open(e, m_timeoutMs))
                continue;
        }
        const redis::Reply r
            = m_sentinel.command(QByteArrayList {"SENTINEL", "get-master-addr-by-name", m_masterName.toUtf8()});
        if (r.type == redis::Reply::Type::Array && r.elements.size() == 2)
            return r.elements[0].text() + QLatin1Char(':') + r.elements[1].text();
        m_sentinel.close();
    }
    return {};
}

void RedisWriteProbe::writeOnce(Write& w)
{
    const QString named = currentMaster();
    if (!named.isEmpty() && named != m_master) {
        m_conn.close();
        m_master = named;
    }
    if (!m_conn.isOpen()) {
        redis::Endpoint e;
        if (redis::Endpoint::parse(m_master, &e))
            m_conn.open(e, m_timeoutMs);
    }
    if (!m_conn.isOpen())
        return;
    const redis::Reply r = m_conn.command(QByteArrayList {"SET", key(runId(), w.seq), "1"});
    if (r.type == redis::Reply::Type::Status) {
        w.ackMs = now();
        w.server = m_master;
    } else {
        m_conn.close(); // timed out (paused), READONLY (demoted) or gone
    }
}

void RedisWriteProbe::closeConnections()
{
    m_conn.close();
    m_sentinel.close();
}

} // namespace vigil::drills
