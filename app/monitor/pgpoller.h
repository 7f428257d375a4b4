#pragma once

#include "pg/pgconnection.h"
#include "poller.h"

namespace vigil {

class PgPoller final : public Poller
{
public:
    explicit PgPoller(const NodeSpec& spec);

    bool connect(const std::atomic_bool& stop, QString* error) override;
    bool connected() const override { return m_conn.isOpen(); }
    void disconnect() override;
    bool poll(NodeSnapshot* s, QString* error) override;
    void cancel() override { m_conn.cancel(); }
    Diagnosis diagnose(const QString& rawError) const override;

private:
    pg::Connection m_conn;
    QString m_sql;
    CounterRate m_xacts;
    double m_prevHit = -1;
    double m_prevRead = -1;
};

// Reads a SQL file compiled into the binary (resources/sql/NAME).
QString bundledSql(const QString& name);

} // namespace vigil
