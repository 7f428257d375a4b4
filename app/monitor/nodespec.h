#pragma once

#include "nodesnapshot.h"

#include <QString>

namespace vigil {

// What a NodeWorker needs to reach one server. Built by ClusterMonitor from a Profile plus the
// secrets read from the keychain; the password stays in memory only.
struct NodeSpec
{
    QString name;
    NodeKind kind = NodeKind::Postgres;
    QString conninfo; // Postgres, PgBouncer
    QString address; // Redis, Sentinel: HOST:PORT
    QString username; // Redis ACL user
    QString password;
    QString masterName; // Sentinel
    int periodMs = 1000;
    int connectTimeoutSec = 3;
    int statementTimeoutMs = 3000;
};

} // namespace vigil
