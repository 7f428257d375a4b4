#pragma once

#include <QString>
#include <functional>

// The trading database of the sandbox: roles, database, extensions, schema (resources
// :/sandbox/schema.sql) and seed data (:/sandbox/seed.sql), plus a cache of seeded data
// directories so that only the first `up` pays for seeding.
namespace vigil::sandbox::dataset {

// Runs against a fresh primary (port) that trusts loopback: about three seconds per million
// trades with configs::postgresSeeding() in effect. Does not checkpoint: the caller restarts the
// server (with wal_level = replica) before anything copies its data directory.
bool create(int port, qint64 trades, const std::function<void(const QString&)>& progress, QString* error);

// Where a stopped, seeded primary data directory for this schema, seed, configuration and
// trade count is cached ($XDG_CACHE_HOME or ~/.cache, vigil/sandbox-template-<hash>). The
// directory may not exist yet. Empty when caching is off (VIGIL_SANDBOX_NO_CACHE=1).
QString templateDir(qint64 trades);

// Orders seeded for a given number of trades (about five trades per order).
qint64 ordersFor(qint64 trades);

} // namespace vigil::sandbox::dataset
