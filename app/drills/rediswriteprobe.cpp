#include "rediswriteprobe.h"

#include "redis/redisconnection.h"

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
    : m_sentinels(std::move(sentinels))
    , m_masterName(std::move(masterName))
    , m_runId(std::move(runId))
    , m_origin(origin)
    , m_intervalMs(intervalMs)
    , m_timeoutMs(timeoutMs)
{
}

RedisWriteProbe::~RedisWriteProbe()
{
    stop();
}

QByteArray RedisWriteProbe::key(const QString& runId, qint64 seq)
{
    return QByteArrayLiteral("vigil:drill:") + runId.toUtf8() + ':' + QByteArray::number(seq);
}

void RedisWriteProbe::start()
{
    if (!m_thread.joinable())
        m_thread = std::thread([this] { loop(); });
}

void RedisWriteProbe::stop()
{
    m_stop = true;
    if (m_thread.joinable())
        m_thread.join();
}

qint64 RedisWriteProbe::now() const
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - m_origin).count();
}

QList<RedisWriteProbe::Write> RedisWriteProbe::writes() const
{
    std::lock_guard lock(m_mutex);
    return m_writes;
}

qint64 RedisWriteProbe::firstAckAfter(qint64 ms, const QString& master) const
{
    std::lock_guard lock(m_mutex);
    for (const Write& w : m_writes)
        if (w.ackMs >= ms && w.master == master)
            return w.ackMs;
    return -1;
}

void RedisWriteProbe::loop()
{
    redis::Connection conn, sentinel;
    QString master;
    qint64 seq = 0;
    auto next = std::chrono::steady_clock::now();
    // Which master Sentinel names now, on a kept-open Sentinel connection (another Sentinel when
    // that one fails): asked before every write, as a Sentinel-aware client that follows
    // +switch-master would, so the probe never writes to a master Sentinel has replaced.
    const auto currentMaster = [&]() -> QString {
        for (int attempt = 0; attempt <= m_sentinels.size(); ++attempt) {
            if (!sentinel.isOpen()) {
                redis::Endpoint e;
                if (!redis::Endpoint::parse(m_sentinels.value(attempt % std::max<qsizetype>(1, m_sentinels.size())), &e)
                    || !sentinel.open(e, m_timeoutMs))
                    continue;
            }
            const redis::Reply r
                = sentinel.command(QByteArrayList {"SENTINEL", "get-master-addr-by-name", m_masterName.toUtf8()});
            if (r.type == redis::Reply::Type::Array && r.elements.size() == 2)
                return r.elements[0].text() + QLatin1Char(':') + r.elements[1].text();
            sentinel.close();
        }
        return {};
    };
    while (!m_stop) {
        next += std::chrono::milliseconds(m_intervalMs);
        Write w;
        w.seq = ++seq;
        w.sentMs = now();
        const QString named = currentMaster();
        if (!named.isEmpty() && named != master) {
            conn.close();
            master = named;
        }
        if (!conn.isOpen()) {
            redis::Endpoint e;
            if (redis::Endpoint::parse(master, &e))
                conn.open(e, m_timeoutMs);
        }
        if (conn.isOpen()) {
            const redis::Reply r = conn.command(QByteArrayList {"SET", key(m_runId, w.seq), "1"});
            if (r.type == redis::Reply::Type::Status) {
                w.ackMs = now();
                w.master = master;
            } else {
                conn.close(); // timed out (paused), READONLY (demoted) or gone
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
