#pragma once

#include "pg/pgconnection.h"
#include "poller.h"

namespace vigil {

// pgbouncer's admin console (dbname=pgbouncer): simple protocol only, no SET, no parameters.
class BouncerPoller final : public Poller
{
public:
    explicit BouncerPoller(const NodeSpec& spec)
        : Poller(spec)
    {
    }

    bool connect(const std::atomic_bool& stop, QString* error) override;
    bool connected() const override { return m_conn.isOpen(); }
    void disconnect() override { m_conn.close(); }
    bool poll(NodeSnapshot* s, QString* error) override;
    void cancel() override { m_conn.cancel(); }
    Diagnosis diagnose(const QString& rawError) const override { return diagnosePg(m_spec.name, rawError); }

private:
    pg::Connection m_conn;
    CounterRate m_xacts;
};

} // namespace vigil
