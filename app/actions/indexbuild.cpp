#include "indexbuild.h"

#include "actions/actiongate.h"
#include "analysis/pgquery.h"
#include "connect/diagnosis.h"
#include "store/auditlog.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace vigil::actions {

namespace {
const QString Action = QStringLiteral("create-index");

// Bands of the overall percent per phase, in the order PostgreSQL 15 goes through them for
// CREATE INDEX CONCURRENTLY. The table scans dominate, so they get the widest bands; within a band
// the blocks (or tuples) counters move the bar.
struct Band
{
    const char* phase;
    double from, to;
};
constexpr Band Bands[] = {
    {"initializing", 0, 2},
    {"waiting for writers before build", 2, 5},
    {"building index", 5, 8}, // access methods without subphases
    {"building index: scanning table", 8, 55},
    {"building index: sorting live tuples", 55, 60},
    {"building index: sorting dead tuples", 60, 62},
    {"building index: loading tuples in tree", 62, 75},
    {"waiting for writers before validation", 75, 78},
    {"index validation: scanning index", 78, 84},
    {"index validation: sorting tuples", 84, 86},
    {"index validation: scanning table", 86, 95},
    {"waiting for old snapshots", 95, 97},
    {"waiting for readers before marking dead", 97, 98},
    {"waiting for readers before dropping", 98, 99},
};

QString quotedRelation(const pg::Connection& conn, const QString& schema, const QString& name)
{
    return schema.isEmpty() ? conn.quoteIdent(name) : conn.quoteIdent(schema) + u'.' + conn.quoteIdent(name);
}

// The relation named like the index in the table's schema (an index is always created there).
struct Existing
{
    bool found = false;
    bool isIndex = false;
    bool valid = false;
    QString schema;
    QString error;
};

Existing lookUp(pg::Connection& conn, const QString& indexName, const QString& quotedTable)
{
    Existing e;
    const pg::Result r = conn.exec(QStringLiteral("/* vigil */ SELECT n.nspname, c.relkind, i.indisvalid "
                                                  "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                                  "LEFT JOIN pg_index i ON i.indexrelid = c.oid "
                                                  "WHERE c.relname = $1 AND c.relnamespace = "
                                                  "(SELECT relnamespace FROM pg_class WHERE oid = to_regclass($2))"),
                                   {indexName, quotedTable});
    if (!r.ok()) {
        e.error = r.errorMessage();
        return e;
    }
    if (r.rows() == 0)
        return e;
    e.found = true;
    e.schema = r.text(0, 0);
    e.isIndex = r.text(0, 1) == QLatin1String("i");
    e.valid = e.isIndex && r.toBool(0, 2);
    return e;
}
} // namespace

IndexBuild::IndexBuild(pg::ConnectOptions target, QString sql, Profile profile, QString node, store::AuditLog* audit,
                       bool typedNameConfirmed, int lockTimeoutMs)
    : m_target(std::move(target))
    , m_sql(std::move(sql))
    , m_profile(std::move(profile))
    , m_node(std::move(node))
    , m_audit(audit)
    , m_typedNameConfirmed(typedNameConfirmed)
    , m_lockTimeoutMs(lockTimeoutMs)
{
}

void IndexBuild::cancel()
{
    m_cancelRequested = true;
    // Connection::cancel is a no-op without a statement in flight; the abort flag covers the gaps.
    m_build.cancel();
}

bool IndexBuild::validate(const QString& sql, QString* indexName, QString* error, QString* schema, QString* table)
{
    auto fail = [&](const QString& why) {
        if (error)
            *error = why;
        return false;
    };
    const analysis::ParsedSql parsed = analysis::parseSql(sql);
    if (!parsed.ok)
        return fail(QStringLiteral("the statement does not parse: %1").arg(parsed.error));
    const QJsonArray stmts = QJsonDocument::fromJson(parsed.json).object().value(QLatin1String("stmts")).toArray();
    if (stmts.size() != 1)
        return fail(QStringLiteral("expected exactly one CREATE INDEX CONCURRENTLY statement, got %1 statements")
                        .arg(stmts.size()));
    const QJsonObject stmt = stmts.first().toObject().value(QLatin1String("stmt")).toObject();
    if (!stmt.contains(QLatin1String("IndexStmt")))
        return fail(
            QStringLiteral("not a CREATE INDEX statement (%1)").arg(stmt.keys().value(0, QStringLiteral("empty"))));
    const QJsonObject index = stmt.value(QLatin1String("IndexStmt")).toObject();
    // Without CONCURRENTLY the build holds a SHARE lock that blocks every write for its duration.
    if (!index.value(QLatin1String("concurrent")).toBool())
        return fail(QStringLiteral("CREATE INDEX without CONCURRENTLY blocks writes to the table while it builds; "
                                   "only CREATE INDEX CONCURRENTLY is run"));
    const QString name = index.value(QLatin1String("idxname")).toString();
    // The name is how a failed build's INVALID leftover is found and dropped again.
    if (name.isEmpty())
        return fail(QStringLiteral("the index needs an explicit name"));
    const QJsonObject relation = index.value(QLatin1String("relation")).toObject();
    if (indexName)
        *indexName = name;
    if (schema)
        *schema = relation.value(QLatin1String("schemaname")).toString();
    if (table)
        *table = relation.value(QLatin1String("relname")).toString();
    if (error)
        error->clear();
    return true;
}

QString IndexBuild::validateSql(const QString& sql, QString* indexName, QString* error)
{
    QString name;
    if (!validate(sql, &name, error))
        name.clear();
    if (indexName)
        *indexName = name;
    return name;
}

double IndexBuild::percentFor(const QString& phase, qint64 blocksDone, qint64 blocksTotal, qint64 tuplesDone,
                              qint64 tuplesTotal)
{
    for (const Band& band : Bands) {
        if (phase != QLatin1String(band.phase))
            continue;
        double fraction = 0.0;
        if (blocksTotal > 0)
            fraction = double(blocksDone) / double(blocksTotal);
        else if (tuplesTotal > 0)
            fraction = double(tuplesDone) / double(tuplesTotal);
        fraction = qBound(0.0, fraction, 1.0);
        return band.from + (band.to - band.from) * fraction;
    }
    return -1.0; // unknown phase: the caller keeps the last value
}

IndexBuildResult IndexBuild::run(const std::function<void(const IndexBuildProgress&)>& progress)
{
    QElapsedTimer clock;
    clock.start();
    IndexBuildResult result;
    store::AuditEntry entry {QDateTime::currentDateTimeUtc(), m_profile.name, m_node, Action, m_sql, {}};
    auto refuse = [&](const QString& reason) {
        result.refused = true;
        result.message = reason;
        if (m_audit)
            result.auditId = m_audit->refused(entry, reason);
        result.elapsedMs = clock.elapsed();
        return result;
    };

    const GateDecision decision = gate(m_profile, Action);
    if (!decision.allowed)
        return refuse(decision.reason);
    if (decision.needsTypedName && !m_typedNameConfirmed)
        return refuse(QStringLiteral("profile %1 is production: building an index needs the profile name typed to "
                                     "confirm, and it was not")
                          .arg(m_profile.name));
    QString schema, table, error;
    if (!validate(m_sql, &result.indexName, &error, &schema, &table))
        return refuse(QStringLiteral("not run: %1").arg(error));
    if (!m_audit)
        return refuse(QStringLiteral("no audit log is available, and nothing changes a server unrecorded; the index "
                                     "was not built"));
    if (m_cancelRequested)
        return refuse(QStringLiteral("cancelled before the build started; nothing was run"));

    // The build connection: no statement_timeout worth the name (a big table takes hours), and the
    // cancel flag as its abort flag.
    pg::ConnectOptions options = m_target;
    options.connectTimeoutSec = qMax(3, options.connectTimeoutSec);
    options.applicationName = QStringLiteral("vigil index build");
    options.statementTimeoutMs = 24 * 3600 * 1000;
    options.pgbouncerAdmin = false;
    if (!m_build.open(options, &m_cancelRequested)) {
        if (m_cancelRequested)
            return refuse(QStringLiteral("cancelled while connecting; nothing was run"));
        return refuse(diagnosePg(m_node, m_build.lastError()).toText());
    }
    PQsetNoticeProcessor(
        m_build.raw(), [](void*, const char*) {}, nullptr);

    // Where did we land? A replica cannot build, and through a pooler (transaction mode) the
    // statements of one build may run on different server sessions, or share one with other
    // clients, so the CONCURRENTLY waits and the cleanup would hit the wrong session. A pooler is
    // recognised by the server listening on another port than the one we connected to.
    const pg::Result where = m_build.exec(
        QStringLiteral("/* vigil */ SELECT pg_is_in_recovery(), current_setting('port'), to_regclass($1) IS NOT NULL"),
        {quotedRelation(m_build, schema, table)});
    if (!where.ok())
        return refuse(QStringLiteral("%1: could not check the server role: %2").arg(m_node, where.errorMessage()));
    if (where.toBool(0, 0))
        return refuse(QStringLiteral("%1 is a replica (in recovery): indexes can only be built on the primary; "
                                     "connect to the primary and try again. Nothing was run")
                          .arg(m_node));
    const QString serverPort = where.text(0, 1);
    const QString connectedPort = QString::fromUtf8(PQport(m_build.raw()));
    if (!connectedPort.isEmpty() && serverPort != connectedPort)
        return refuse(QStringLiteral("%1 is reached through a connection pooler such as pgbouncer (connected to port "
                                     "%2, the server listens on %3): CREATE INDEX CONCURRENTLY needs one direct "
                                     "session to the primary; use the primary's own conninfo. Nothing was run")
                          .arg(m_node, connectedPort, serverPort));
    const QString quotedTable = quotedRelation(m_build, schema, table);
    if (!where.toBool(0, 2))
        return refuse(QStringLiteral("table %1 does not exist on %2; nothing was run").arg(quotedTable, m_node));

    const Existing before = lookUp(m_build, result.indexName, quotedTable);
    if (!before.error.isEmpty())
        return refuse(QStringLiteral("%1: could not look the index up: %2").arg(m_node, before.error));
    if (before.found && !before.isIndex)
        return refuse(QStringLiteral("a relation that is not an index is already called %1 in schema %2; choose "
                                     "another index name. Nothing was run")
                          .arg(result.indexName, before.schema));
    // IF NOT EXISTS would skip silently and leave the broken index in place; dropping it is the
    // operator's call, since Vigil did not make it.
    if (before.found && !before.valid)
        return refuse(QStringLiteral("an INVALID index %1.%2 is already there (left by an earlier failed build); "
                                     "drop it (DROP INDEX CONCURRENTLY) and try again. Nothing was run")
                          .arg(m_build.quoteIdent(before.schema), m_build.quoteIdent(result.indexName)));
    if (before.found) {
        result.ok = true;
        result.message = QStringLiteral("index %1 already exists and is valid on %2; nothing was built")
                             .arg(result.indexName, m_node);
        if (m_audit)
            result.auditId = m_audit->refused(entry, result.message);
        result.elapsedMs = clock.elapsed();
        return result;
    }

    // The poller: a second session, so progress reads never queue behind the build.
    pg::ConnectOptions pollOptions = m_target;
    pollOptions.applicationName = QStringLiteral("vigil index build progress");
    pollOptions.statementTimeoutMs = 5000;
    pollOptions.pgbouncerAdmin = false;
    pg::Connection poll;
    if (!poll.open(pollOptions))
        return refuse(diagnosePg(m_node, poll.lastError()).toText());

    result.auditId = m_audit->begin(entry);
    if (result.auditId < 0) {
        result.refused = true;
        result.message = QStringLiteral("the audit log could not be written, so the index was not built; check that "
                                        "Vigil's data directory is writable");
        result.elapsedMs = clock.elapsed();
        return result;
    }
    auto finish = [&](bool ok, const QString& message) {
        result.ok = ok;
        result.message = message;
        m_audit->finish(result.auditId, ok, message);
        result.elapsedMs = clock.elapsed();
        return result;
    };

    // SET, not set_config in a transaction: it must hold for the whole session of the build.
    const pg::Result lock
        = m_build.exec(QStringLiteral("/* vigil */ SET lock_timeout = %1").arg(qMax(0, m_lockTimeoutMs)));
    if (!lock.ok()) {
        result.cancelled = m_cancelRequested.load();
        return finish(
            false,
            QStringLiteral("%1: SET lock_timeout failed, nothing was built: %2").arg(m_node, lock.errorMessage()));
    }

    const int buildPid = m_build.backendPid();
    std::mutex mutex;
    std::condition_variable wake;
    bool done = false;
    pg::Result buildResult;
    // The build runs on a thread of its own so progress reaches the caller's thread.
    std::thread builder([&] {
        pg::Result r = m_cancelRequested ? pg::Result() : m_build.execSimple(m_sql);
        std::lock_guard guard(mutex);
        buildResult = r;
        done = true;
        wake.notify_all();
    });

    double percent = 0.0;
    for (;;) {
        {
            std::unique_lock guard(mutex);
            if (wake.wait_for(guard, std::chrono::milliseconds(200), [&] { return done; }))
                break;
        }
        const pg::Result row = poll.exec(QStringLiteral("/* vigil */ SELECT phase, blocks_done, blocks_total, "
                                                        "tuples_done, tuples_total FROM pg_stat_progress_create_index "
                                                        "WHERE pid = $1"),
                                         {buildPid});
        if (!row.ok() || row.rows() == 0)
            continue;
        IndexBuildProgress p {row.text(0, 0),    row.toInt64(0, 1), row.toInt64(0, 2),
                              row.toInt64(0, 3), row.toInt64(0, 4), 0.0};
        const double now = percentFor(p.phase, p.blocksDone, p.blocksTotal, p.tuplesDone, p.tuplesTotal);
        // 99 at most until the statement has returned: 100 means "built".
        percent = qMin(99.0, qMax(percent, now));
        p.percent = percent;
        if (progress)
            progress(p);
    }
    builder.join();

    const bool cancelled = m_cancelRequested.load();
    // A cancel that arrives after the statement returned changes nothing: the index is built.
    if (buildResult.ok()) {
        // Belt and braces: the server reports success only for a valid index, but IF NOT EXISTS could
        // have met one created concurrently by someone else.
        const Existing after = lookUp(poll, result.indexName, quotedTable);
        if (progress)
            progress({QStringLiteral("done"), 0, 0, 0, 0, 100.0});
        return finish(true,
                      QStringLiteral("index %1 built on %2 in %3 s%4")
                          .arg(result.indexName, m_node)
                          .arg(clock.elapsed() / 1000.0, 0, 'f', 1)
                          .arg(after.found && !after.valid ? QStringLiteral(" (but it reads as INVALID)") : QString()));
    }

    // Failed or cancelled: CONCURRENTLY commits the catalog entry early, so a failure leaves an
    // INVALID index behind that still slows every write. Drop it, from a fresh session with room for
    // DROP INDEX CONCURRENTLY's own waits (the build session may be gone or aborted).
    QString cause;
    if (cancelled)
        cause = QStringLiteral("cancelled by the operator");
    else
        cause = QStringLiteral("failed: %1").arg(buildResult.errorMessage());
    if (!cancelled && buildResult.sqlState() == QLatin1String("55P03"))
        cause += QStringLiteral(" (lock_timeout %1 ms: a long transaction holds a conflicting lock on %2; retry "
                                "when it has finished)")
                     .arg(m_lockTimeoutMs)
                     .arg(quotedTable);
    m_build.close();

    QString cleanup;
    pg::ConnectOptions cleanOptions = pollOptions;
    cleanOptions.applicationName = QStringLiteral("vigil index build cleanup");
    cleanOptions.statementTimeoutMs = 120000;
    pg::Connection clean;
    if (!clean.open(cleanOptions)) {
        cleanup = QStringLiteral("; could not check for an INVALID leftover (%1): look for index %2 with "
                                 "pg_index.indisvalid = false and drop it")
                      .arg(clean.lastError(), result.indexName);
    } else {
        const Existing after = lookUp(clean, result.indexName, quotedTable);
        if (!after.error.isEmpty()) {
            cleanup = QStringLiteral("; could not check for an INVALID leftover: %1").arg(after.error);
        } else if (after.found && after.isIndex && !after.valid) {
            const QString qualified = clean.quoteIdent(after.schema) + u'.' + clean.quoteIdent(result.indexName);
            clean.exec(QStringLiteral("SET lock_timeout = 30000"));
            const pg::Result drop
                = clean.execSimple(QStringLiteral("DROP INDEX CONCURRENTLY IF EXISTS %1").arg(qualified));
            if (drop.ok()) {
                result.invalidIndexDropped = true;
                cleanup = QStringLiteral("; the INVALID index %1 it left was dropped").arg(qualified);
            } else {
                cleanup = QStringLiteral("; the INVALID index %1 it left could NOT be dropped (%2): run DROP INDEX "
                                         "CONCURRENTLY IF EXISTS %1")
                              .arg(qualified, drop.errorMessage());
            }
        } else if (after.found && after.valid) {
            // The statement committed but its answer was lost (connection dropped): the index is usable.
            cleanup = QStringLiteral("; yet index %1 is there and valid (the build finished before the error)")
                          .arg(result.indexName);
        } else {
            cleanup = QStringLiteral("; no index was left behind");
        }
    }
    result.cancelled = cancelled;
    return finish(false, QStringLiteral("index build of %1 on %2 %3%4").arg(result.indexName, m_node, cause, cleanup));
}

} // namespace vigil::actions
