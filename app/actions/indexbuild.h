#pragma once

#include "connect/profile.h"
#include "pg/pgconnection.h"

#include <QMetaType>
#include <QString>
#include <atomic>
#include <functional>

namespace vigil::store {
class AuditLog;
}

namespace vigil::actions {

struct IndexBuildProgress
{
    // pg_stat_progress_create_index.phase as the server words it ("building index: scanning
    // table", ...), or "done" once the statement returned successfully.
    QString phase;
    qint64 blocksDone = 0, blocksTotal = 0, tuplesDone = 0, tuplesTotal = 0;
    // Whole build, 0..100; never goes down, and is 100 only after success.
    double percent = 0.0;
};

struct IndexBuildResult
{
    bool ok = false;
    bool cancelled = false;
    // Stopped before anything changed the server: gate, invalid SQL, replica, pgbouncer, ...
    bool refused = false;
    QString message;
    QString indexName; // bare name, as parsed from the SQL
    // A failed or cancelled build left an INVALID index, and it was dropped again.
    bool invalidIndexDropped = false;
    qint64 elapsedMs = 0;
    qint64 auditId = -1;
};

// One CREATE INDEX CONCURRENTLY on the primary (DESIGN.md section 6).
//
// run() blocks (call it on a worker thread); the progress callback is called on that thread
// every ~200 ms. cancel() may be called from any thread, also before run() started.
//
// In order: gate(profile) (read-only refuses; production needs typedNameConfirmed); validateSql;
// a connection of its own that must reach a primary directly (a replica or a pooler in between is
// refused: CONCURRENTLY needs one session on a writable server for minutes); the table must exist
// and no other relation may already carry the name; audit begin with the exact SQL; SET
// lock_timeout; the statement outside any transaction while a second connection polls
// pg_stat_progress_create_index; on failure or cancel, an INVALID index it left is dropped with
// DROP INDEX CONCURRENTLY; audit finish.
class IndexBuild
{
public:
    IndexBuild(pg::ConnectOptions target, QString sql, Profile profile, QString node, store::AuditLog* audit,
               bool typedNameConfirmed, int lockTimeoutMs = 5000);
    IndexBuild(const IndexBuild&) = delete;
    IndexBuild& operator=(const IndexBuild&) = delete;

    IndexBuildResult run(const std::function<void(const IndexBuildProgress&)>& progress);
    // Thread-safe: sends PQcancel to the build's backend (and stops a connect still under way).
    void cancel();

    // True when `sql` is exactly one CREATE [UNIQUE] INDEX CONCURRENTLY statement with an explicit
    // index name (parsed with the PostgreSQL grammar, so comments and trailing statements cannot
    // hide anything). Fills the index name, and the table's schema (empty when unqualified) and
    // name; otherwise fills `error`.
    static bool validate(const QString& sql, QString* indexName, QString* error, QString* schema = nullptr,
                         QString* table = nullptr);
    // validate() returning the index name, empty when the statement is refused.
    static QString validateSql(const QString& sql, QString* indexName, QString* error);

    // The overall percent for one progress row (without the never-go-down clamp).
    static double percentFor(const QString& phase, qint64 blocksDone, qint64 blocksTotal, qint64 tuplesDone,
                             qint64 tuplesTotal);

private:
    pg::ConnectOptions m_target;
    QString m_sql;
    Profile m_profile;
    QString m_node;
    store::AuditLog* m_audit;
    bool m_typedNameConfirmed;
    int m_lockTimeoutMs;

    // Doubles as the build connection's abort flag, so a cancel that lands between two statements
    // (or during connect) is not lost.
    std::atomic_bool m_cancelRequested {false};
    pg::Connection m_build;
};

} // namespace vigil::actions
Q_DECLARE_METATYPE(vigil::actions::IndexBuildResult)
