#pragma once

#include "pgresult.h"

#include <QByteArrayList>
#include <QString>
#include <QVariant>
#include <atomic>
#include <chrono>
#include <mutex>

namespace vigil::pg {

struct ConnectOptions
{
    // A conninfo string, a postgresql:// URI or "service=NAME"; PG* variables, .pgpass and
    // pg_service.conf apply as libpq applies them.
    QString conninfo;
    // Taken from the keychain or a prompt; passed as a separate keyword, never spliced into conninfo.
    QString password;
    int connectTimeoutSec = 3;
    // Server-side statement_timeout; the client also gives up (and cancels) a little later.
    int statementTimeoutMs = 5000;
    QString applicationName = QStringLiteral("vigil");
    // Connect to this database instead of the conninfo's (empty: as the conninfo says).
    QString database;
    // pgbouncer's admin console accepts neither startup options nor SET; it gets only the
    // client-side deadline.
    bool pgbouncerAdmin = false;
};

// One libpq connection, used by one thread at a time. Every wait is bounded and abortable:
// connect polls the socket (connect_timeout, abort flag), queries wait on the socket with a
// deadline and send PQcancel when it passes or when cancel() is called from another thread.
class Connection
{
public:
    Connection() = default;
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    bool open(const ConnectOptions& options, const std::atomic_bool* abort = nullptr);
    void close();
    bool isOpen() const;

    // Extended protocol with text parameters ($1, $2 ...). NULL for a null QVariant.
    Result exec(const QString& sql, const QVariantList& params = {});
    // Simple protocol: several statements, or pgbouncer's admin console.
    Result execSimple(const QString& sql);

    // Thread-safe: interrupts the statement that is running now, if any.
    void cancel();

    QString lastError() const { return m_lastError; }
    int serverVersion() const;
    int backendPid() const;
    QString parameter(const char* name) const;
    PGconn* raw() const { return m_conn; }
    const ConnectOptions& options() const { return m_options; }

    // The server's password verifier (SCRAM) computed on the client, as psql's \password does, so
    // CREATE/ALTER ROLE ... PASSWORD never carries the plain password to the server, its logs or
    // pg_stat_statements. Empty on failure.
    QString encryptPassword(const QString& user, const QString& password) const;

    // PQescapeIdentifier, for names that cannot be parameters.
    QString quoteIdent(const QString& name) const;

private:
    Result run(const QString& sql, const QVariantList* params);
    bool waitSocket(bool forWrite, std::chrono::steady_clock::time_point deadline, bool honourAbort = true);

    PGconn* m_conn = nullptr;
    ConnectOptions m_options;
    QString m_lastError;
    const std::atomic_bool* m_abort = nullptr;
    std::mutex m_cancelMutex;
    PGcancel* m_cancel = nullptr;
};

// Validates a conninfo or URI without connecting; returns an empty string when it parses.
QString conninfoError(const QString& conninfo);

} // namespace vigil::pg
