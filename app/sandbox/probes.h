#pragma once

#include "redis/redisconnection.h"

#include <QString>

// Short, bounded health probes of the sandbox servers. Vigil's own statements carry /* vigil */.
namespace vigil::sandbox::probes {

struct PgProbe
{
    bool reachable = false;
    bool inRecovery = false;
    QString version;
    QString error;
};
PgProbe postgres(int port);

// application_name -> state ("streaming", ...) and replay lag in bytes, read on the primary.
struct ReplicaState
{
    QString state;
    qint64 lagBytes = -1;
};
QHash<QString, ReplicaState> replication(int primaryPort, QString* error);

// SHOW VERSION on pgbouncer's admin console; the version text, or empty with *error set.
QString pgbouncerVersion(int port, QString* error);

// One command on a fresh connection to 127.0.0.1:port.
redis::Reply redisCommand(int port, const QByteArrayList& args, int timeoutMs = 1000);

} // namespace vigil::sandbox::probes
