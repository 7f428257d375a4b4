#pragma once

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariantList>
#include <memory>

namespace vigil::store {

// Vigil's local SQLite database (slow-query history, audit log, ...).
//
// QSqlDatabase connections may only be used by the thread that opened them, and both the GUI
// thread and workers (action threads, QtConcurrent) write here. So every thread gets its own
// connection, opened lazily on first use, and removed when that thread ends or when the store is
// destroyed, whichever comes first. WAL lets readers run while one writer writes; busy_timeout
// makes a second writer wait instead of failing with "database is locked".
//
// Calls are synchronous and cheap (well under a millisecond on local disk); callers pick the
// thread. A LocalStore must outlive the calls made through it from any thread.
class LocalStore
{
public:
    // Schema version written to PRAGMA user_version; migrate() steps up to it.
    static constexpr int SchemaVersion = 4;

    // QStandardPaths::AppDataLocation + "/vigil.sqlite".
    static QString defaultPath();

    // Opens (creating the directory and the file) and migrates the schema on the calling thread
    // so errors surface here rather than at the first write.
    explicit LocalStore(const QString& path = defaultPath());
    ~LocalStore();
    LocalStore(const LocalStore&) = delete;
    LocalStore& operator=(const LocalStore&) = delete;

    QString path() const { return m_path; }
    // False when the file could not be opened or migrated on the constructing thread.
    bool isOk() const { return m_ok; }
    // The last failure seen on the calling thread, in SQLite's words.
    QString lastError() const;

    // The calling thread's connection (opened and migrated on first use). Invalid on failure.
    QSqlDatabase database() const;

    // Prepares `sql`, binds `params` positionally (? placeholders) and executes it. On failure
    // the returned query is inactive and lastError() says why.
    QSqlQuery exec(const QString& sql, const QVariantList& params = {}) const;

    // A write transaction taken with BEGIN IMMEDIATE: the write lock is acquired up front (and
    // waited for under busy_timeout), because a deferred transaction that upgrades from reader to
    // writer fails at once with SQLITE_BUSY when another connection wrote in between.
    bool beginWrite() const;
    bool commit() const;
    void rollback() const;

    // The driver binds a null QString as SQL NULL; text columns here are NOT NULL with '' for
    // "none", so every optional string goes through this.
    static QString text(const QString& value) { return value.isNull() ? QStringLiteral("") : value; }

    // Closes the calling thread's connection now (it reopens on next use).
    void closeThreadConnection() const;

private:
    struct Shared;

    bool migrate(QSqlDatabase& db) const;
    void setError(const QString& error) const;

    QString m_path;
    std::shared_ptr<Shared> m_shared;
    bool m_ok = false;
};

} // namespace vigil::store
