#include "redispoller.h"

#include "replicationread.h"

#include <QElapsedTimer>

namespace vigil {

bool RedisPoller::connect(const std::atomic_bool& stop, QString* error)
{
    if (stop.load())
        return false;
    redis::Endpoint ep;
    if (!redis::Endpoint::parse(m_spec.address, &ep)) {
        *error = QStringLiteral("\"%1\" is not HOST:PORT").arg(m_spec.address);
        return false;
    }
    if (!m_conn.open(ep, m_spec.connectTimeoutSec * 1000, m_spec.username, m_spec.password)) {
        *error = m_conn.lastError();
        return false;
    }
    m_commands.reset();
    m_prevHits = m_prevMisses = -1;
    return true;
}

bool RedisPoller::poll(NodeSnapshot* s, QString* error)
{
    QElapsedTimer rtt;
    rtt.start();
    const redis::Reply reply = m_conn.command({"INFO"});
    if (reply.isError()) {
        *error = reply.text();
        if (reply.text().startsWith(QLatin1String("NOAUTH")))
            m_conn.close();
        return false;
    }
    s->rttMs = double(rtt.nsecsElapsed()) / 1e6;
    const auto info = redis::parseInfo(reply.str);
    s->version = (m_spec.kind == NodeKind::Sentinel ? QStringLiteral("Sentinel ") : QStringLiteral("Redis "))
        + info.value(QStringLiteral("redis_version"));
    s->uptimeSec = info.value(QStringLiteral("uptime_in_seconds"), QStringLiteral("-1")).toLongLong();
    s->clients = info.value(QStringLiteral("connected_clients"), QStringLiteral("-1")).toInt();
    // Our own INFO adds one command per poll; the rate says so honestly rather than hiding it.
    s->opsPerSec = m_commands.update(info.value(QStringLiteral("total_commands_processed")).toDouble(),
                                     s->sampledAt.toMSecsSinceEpoch() * 1000000LL);

    if (m_spec.kind == NodeKind::Sentinel)
        return pollSentinel(s, error);

    s->usedMemory = info.value(QStringLiteral("used_memory"), QStringLiteral("-1")).toLongLong();
    s->maxMemory = info.value(QStringLiteral("maxmemory"), QStringLiteral("-1")).toLongLong();
    s->maxmemoryPolicy = info.value(QStringLiteral("maxmemory_policy"));
    s->keyspaceHits = info.value(QStringLiteral("keyspace_hits"), QStringLiteral("-1")).toLongLong();
    s->keyspaceMisses = info.value(QStringLiteral("keyspace_misses"), QStringLiteral("-1")).toLongLong();
    s->evictedKeys = info.value(QStringLiteral("evicted_keys"), QStringLiteral("-1")).toLongLong();
    s->expiredKeys = info.value(QStringLiteral("expired_keys"), QStringLiteral("-1")).toLongLong();
    if (m_prevHits >= 0 && s->keyspaceHits >= m_prevHits && s->keyspaceMisses >= m_prevMisses) {
        const qint64 dh = s->keyspaceHits - m_prevHits, dm = s->keyspaceMisses - m_prevMisses;
        if (dh + dm > 0)
            s->keyspaceHitPct = 100.0 * double(dh) / double(dh + dm);
    }
    m_prevHits = s->keyspaceHits;
    m_prevMisses = s->keyspaceMisses;
    if (info.value(QStringLiteral("role")) == QLatin1String("master")) {
        s->role = NodeRole::Master;
        s->redisReplicas = info.value(QStringLiteral("connected_slaves")).toInt();
    } else {
        s->role = NodeRole::Replica;
        s->masterLink = info.value(QStringLiteral("master_link_status"));
        s->masterAddress
            = info.value(QStringLiteral("master_host")) + QLatin1Char(':') + info.value(QStringLiteral("master_port"));
    }
    readRedisReplication(info, s);
    return true;
}

bool RedisPoller::pollSentinel(NodeSnapshot* s, QString* error)
{
    s->role = NodeRole::Sentinel;
    const QByteArray master = m_spec.masterName.toUtf8();
    const QByteArray sentinel("SENTINEL");
    // One round trip for everything this Sentinel knows about the master name.
    const std::vector<redis::Reply> r = m_conn.pipeline({{sentinel, "get-master-addr-by-name", master},
                                                         {sentinel, "CKQUORUM", master},
                                                         {sentinel, "SENTINELS", master},
                                                         {sentinel, "MASTER", master},
                                                         {sentinel, "REPLICAS", master},
                                                         {sentinel, "MASTERS"}});
    const redis::Reply& addr = r[0];
    if (addr.isError()) {
        *error = addr.text();
        return false;
    }
    if (addr.type == redis::Reply::Type::Nil || addr.elements.size() < 2) {
        // The server answers, but it does not monitor that name: the node is up, the profile is wrong.
        s->diagnosis
            = diagnoseRedis(m_spec.name, QStringLiteral("No such master with name '%1'").arg(m_spec.masterName));
        s->lastError = s->diagnosis.why;
        s->findings.append({s->diagnosis.toText(), QStringLiteral("SENTINEL MASTERS")});
        return true;
    }
    s->masterAddress = addr.elements[0].text() + QLatin1Char(':') + addr.elements[1].text();
    const redis::Reply& quorum = r[1];
    s->quorumOk = !quorum.isError();
    if (quorum.isError())
        s->lastError = quorum.text();
    const redis::Reply& sentinels = r[2];
    if (sentinels.type == redis::Reply::Type::Array)
        s->sentinelsKnown = int(sentinels.elements.size()) + 1;
    readSentinelView(r[3], r[4], sentinels, quorum, m_spec.masterName, &s->sentinel);
    readSentinelMasters(r[5], &s->sentinel);
    return true;
}

} // namespace vigil
