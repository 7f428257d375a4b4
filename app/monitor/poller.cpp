#include "poller.h"

#include "bouncerpoller.h"
#include "pgpoller.h"
#include "redispoller.h"

namespace vigil {

std::unique_ptr<Poller> Poller::create(const NodeSpec& spec)
{
    switch (spec.kind) {
    case NodeKind::Postgres:
        return std::make_unique<PgPoller>(spec);
    case NodeKind::PgBouncer:
        return std::make_unique<BouncerPoller>(spec);
    case NodeKind::Redis:
    case NodeKind::Sentinel:
        return std::make_unique<RedisPoller>(spec);
    }
    return nullptr;
}

double CounterRate::update(double value, qint64 nowNs)
{
    const bool had = m_hasPrev;
    const double prev = m_prev;
    const qint64 prevNs = m_prevNs;
    m_hasPrev = true;
    m_prev = value;
    m_prevNs = nowNs;
    if (!had || value < prev || nowNs <= prevNs)
        return kNoValue;
    return (value - prev) / (double(nowNs - prevNs) / 1e9);
}

} // namespace vigil
