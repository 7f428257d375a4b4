#pragma once

#include <QString>
#include <vector>

typedef struct pg_conn PGconn;

namespace vigil::test {

// More clients through pgbouncer than its pool has server connections: each client connects
// (blocking, fast) and sends `SELECT pg_sleep(sec)` without waiting, so pool_size of them hold a
// server connection and the rest wait in pgbouncer (cl_waiting, maxwait). The destructor closes
// every client.
class BouncerLoad
{
public:
    BouncerLoad() = default;
    ~BouncerLoad();
    BouncerLoad(const BouncerLoad&) = delete;
    BouncerLoad& operator=(const BouncerLoad&) = delete;

    // False with *error when a client could not connect or send.
    bool start(const QString& conninfo, int clients, double sleepSec, QString* error,
               const QString& applicationName = QStringLiteral("tst-pool-load"));
    int clients() const { return int(m_conns.size()); }
    // Reads what the finished sleeps returned; the number of clients whose statement completed.
    int finished();

private:
    std::vector<PGconn*> m_conns;
};

} // namespace vigil::test
