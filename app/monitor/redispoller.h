#pragma once

#include "poller.h"
#include "redis/redisconnection.h"

namespace vigil {

// A Redis server (INFO) or a Sentinel (INFO + SENTINEL commands for the profile's master name).
class RedisPoller final : public Poller
{
public:
    explicit RedisPoller(const NodeSpec& spec)
        : Poller(spec)
    {
    }

    bool connect(const std::atomic_bool& stop, QString* error) override;
    bool connected() const override { return m_conn.isOpen(); }
    void disconnect() override { m_conn.close(); }
    bool poll(NodeSnapshot* s, QString* error) override;
    Diagnosis diagnose(const QString& rawError) const override { return diagnoseRedis(m_spec.name, rawError); }

private:
    bool pollSentinel(NodeSnapshot* s, QString* error);

    redis::Connection m_conn;
    CounterRate m_commands;
    qint64 m_prevHits = -1, m_prevMisses = -1;
};

} // namespace vigil
