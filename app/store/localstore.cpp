#include "localstore.h"

#include <QAtomicInteger>
#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QSqlError>
#include <QStandardPaths>
#include <QThread>
#include <functional>
#include <mutex>
#include <vector>

namespace vigil::store {

namespace {
// How long a writer waits for another connection's write lock before SQLite gives up. Writes here
// are tiny, so waiting this long only happens when something is badly wrong.
constexpr int BusyTimeoutMs = 5000;

// Cleanups to run when the current thread ends: one per connection this thread opened in a
// store that may still be alive. thread_local destructors run before Qt's own per-thread data
// goes away, and for every kind of thread (QThread, QThreadPool workers, std::thread).
struct ThreadExitHooks
{
    std::vector<std::function<void()>> hooks;
    ~ThreadExitHooks()
    {
        for (auto& hook : hooks)
            hook();
    }
};
thread_local ThreadExitHooks t_exitHooks;

// Schema steps; step N takes user_version from N-1 to N. Never edit a released step: add one.
const char* const Migrations[] = {
    // 1: slow-query history. One row per statement execution (profile, node, pid, query_start);
    // times are UTC milliseconds since the epoch so they sort and compare as integers.
    R"(CREATE TABLE slow_query (
        id INTEGER PRIMARY KEY,
        profile TEXT NOT NULL,
        node TEXT NOT NULL,
        pid INTEGER NOT NULL,
        query_start INTEGER NOT NULL,
        last_seen INTEGER NOT NULL,
        duration_ms REAL NOT NULL,
        database TEXT NOT NULL DEFAULT '',
        user_name TEXT NOT NULL DEFAULT '',
        application TEXT NOT NULL DEFAULT '',
        client TEXT NOT NULL DEFAULT '',
        wait_event TEXT NOT NULL DEFAULT '',
        query TEXT NOT NULL DEFAULT '',
        query_id INTEGER NOT NULL DEFAULT 0,
        UNIQUE (profile, node, pid, query_start));
    CREATE INDEX slow_query_recent ON slow_query (profile, last_seen DESC, id DESC);)",
    // 2: audit log of server-changing actions. state: running (begun, no outcome yet), ok, failed,
    // refused (gated before anything reached the server).
    R"(CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        profile TEXT NOT NULL DEFAULT '',
        node TEXT NOT NULL DEFAULT '',
        action TEXT NOT NULL,
        command TEXT NOT NULL DEFAULT '',
        os_user TEXT NOT NULL DEFAULT '',
        state TEXT NOT NULL DEFAULT 'running',
        finished_at INTEGER,
        detail TEXT NOT NULL DEFAULT '');
    CREATE INDEX audit_log_at ON audit_log (at DESC, id DESC);)",
    // 3: alert history. One row per episode of an alert (key = source:rule:subject, started when
    // it went pending); state is the latest (pending, firing, resolved, inactive = cleared before
    // it fired). Times in UTC milliseconds; fired_at / resolved_at / acknowledged_at NULL until then.
    R"(CREATE TABLE alert_history (
        id INTEGER PRIMARY KEY,
        profile TEXT NOT NULL,
        alert_key TEXT NOT NULL,
        source TEXT NOT NULL DEFAULT 'vigil',
        rule_id TEXT NOT NULL DEFAULT '',
        name TEXT NOT NULL DEFAULT '',
        subject TEXT NOT NULL DEFAULT '',
        severity TEXT NOT NULL DEFAULT 'warning',
        state TEXT NOT NULL,
        value REAL,
        detail TEXT NOT NULL DEFAULT '',
        started_at INTEGER NOT NULL,
        fired_at INTEGER,
        resolved_at INTEGER,
        acknowledged_at INTEGER,
        updated_at INTEGER NOT NULL,
        UNIQUE (profile, alert_key, started_at));
    CREATE INDEX alert_history_recent ON alert_history (profile, updated_at DESC, id DESC);)",
    // 4: stored load-test runs and failover drills (the figures the lists show, and the whole
    // result as JSON for its report). Times in UTC milliseconds. IF NOT EXISTS: builds before this
    // step created both tables on first use, outside the migrations.
    R"(CREATE TABLE IF NOT EXISTS load_run (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        profile TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        target TEXT NOT NULL,
        scenario TEXT NOT NULL,
        workload TEXT NOT NULL,
        users INTEGER NOT NULL,
        duration_s REAL NOT NULL,
        requests INTEGER NOT NULL,
        errors INTEGER NOT NULL,
        tps REAL NOT NULL,
        avg_ms REAL NOT NULL,
        p50_ms REAL NOT NULL,
        p95_ms REAL NOT NULL,
        p99_ms REAL NOT NULL,
        stop_reason TEXT NOT NULL,
        result_json TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS drill_run (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        profile TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        kind TEXT NOT NULL,
        ok INTEGER NOT NULL,
        old_primary TEXT NOT NULL,
        new_primary TEXT NOT NULL,
        rto_ms INTEGER,
        rpo_lost_writes INTEGER,
        probe_acknowledged INTEGER NOT NULL,
        rto_target_ms INTEGER,
        rpo_target_writes INTEGER,
        repaired INTEGER NOT NULL,
        abort_reason TEXT NOT NULL,
        result_json TEXT NOT NULL);)",
};
static_assert(std::size(Migrations) == LocalStore::SchemaVersion);

QAtomicInteger<quint64> s_storeSerial;
} // namespace

struct LocalStore::Shared
{
    struct ThreadConnection
    {
        QString name;
        QMetaObject::Connection onFinished;
    };
    std::mutex mutex;
    QHash<Qt::HANDLE, ThreadConnection> connections; // thread -> its connection
    QHash<Qt::HANDLE, QString> errors; // thread -> last error

    // Forgets and closes `thread`'s connection if it is still `name` (the store's destructor, the
    // QThread's finished signal and the thread's exit may race; whoever comes first closes it).
    void release(Qt::HANDLE thread, const QString& name)
    {
        QMetaObject::Connection onFinished;
        {
            std::lock_guard lock(mutex);
            const auto it = connections.constFind(thread);
            if (it == connections.cend() || it->name != name)
                return;
            onFinished = it->onFinished;
            connections.erase(it);
            errors.remove(thread);
        }
        QObject::disconnect(onFinished);
        QSqlDatabase::removeDatabase(name);
    }
};

QString LocalStore::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/vigil.sqlite");
}

LocalStore::LocalStore(const QString& path)
    : m_path(QFileInfo(path).absoluteFilePath())
    , m_shared(std::make_shared<Shared>())
{
    if (!QFileInfo(m_path).absoluteDir().mkpath(QStringLiteral("."))) {
        setError(QStringLiteral("cannot create the directory of %1").arg(m_path));
        return;
    }
    m_ok = database().isOpen();
}

LocalStore::~LocalStore()
{
    QList<Shared::ThreadConnection> open;
    {
        std::lock_guard lock(m_shared->mutex);
        open = m_shared->connections.values();
        m_shared->connections.clear();
        m_shared->errors.clear();
    }
    for (const Shared::ThreadConnection& c : std::as_const(open)) {
        QObject::disconnect(c.onFinished);
        QSqlDatabase::removeDatabase(c.name);
    }
}

QString LocalStore::lastError() const
{
    std::lock_guard lock(m_shared->mutex);
    return m_shared->errors.value(QThread::currentThreadId());
}

void LocalStore::setError(const QString& error) const
{
    std::lock_guard lock(m_shared->mutex);
    m_shared->errors.insert(QThread::currentThreadId(), error);
}

QSqlDatabase LocalStore::database() const
{
    const Qt::HANDLE thread = QThread::currentThreadId();
    QString name;
    {
        std::lock_guard lock(m_shared->mutex);
        name = m_shared->connections.value(thread).name;
    }
    if (!name.isEmpty())
        return QSqlDatabase::database(name, /*open=*/false);

    // Path hash + store serial + thread: unique even for two stores on one file in one thread.
    const QByteArray pathHash = QCryptographicHash::hash(m_path.toUtf8(), QCryptographicHash::Sha1).toHex().left(12);
    name = QStringLiteral("vigil-store-%1-%2-%3")
               .arg(QString::fromLatin1(pathHash))
               .arg(++s_storeSerial)
               .arg(reinterpret_cast<quintptr>(thread), 0, 16);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(m_path);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(BusyTimeoutMs));
        bool ok = db.open();
        QString error = ok ? QString() : db.lastError().text();
        if (ok) {
            // WAL is a property of the file (it sticks); synchronous=NORMAL is safe with WAL and
            // saves an fsync per commit.
            QSqlQuery q(db);
            for (const char* pragma : {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL"}) {
                if (!q.prepare(QString::fromLatin1(pragma)) || !q.exec()) {
                    ok = false;
                    error = q.lastError().text();
                    break;
                }
            }
            q.finish();
        }
        if (ok && !migrate(db)) {
            ok = false;
            error = lastError();
        }
        if (!ok) {
            db.close();
            db = QSqlDatabase();
            QSqlDatabase::removeDatabase(name);
            setError(QStringLiteral("%1: %2").arg(m_path, error));
            return {};
        }
    }
    const auto release = [weak = std::weak_ptr<Shared>(m_shared), thread, name] {
        if (auto shared = weak.lock())
            shared->release(thread, name);
    };
    // A QThread's finished is emitted in the thread before wait() returns, so whoever waited
    // finds the connection gone; thread_local cleanup runs only after that, but covers every
    // kind of thread (std::thread, threads Qt adopted), so both are used.
    Shared::ThreadConnection entry {name, {}};
    if (QThread* qthread = QThread::currentThread())
        entry.onFinished = QObject::connect(qthread, &QThread::finished, release);
    {
        std::lock_guard lock(m_shared->mutex);
        m_shared->connections.insert(thread, entry);
    }
    t_exitHooks.hooks.push_back(release);
    return QSqlDatabase::database(name, /*open=*/false);
}

bool LocalStore::migrate(QSqlDatabase& db) const
{
    QSqlQuery q(db);
    auto run = [&](const QString& sql) {
        if (q.prepare(sql) && q.exec())
            return true;
        setError(q.lastError().text());
        return false;
    };
    auto version = [&]() -> int {
        if (!run(QStringLiteral("PRAGMA user_version")) || !q.next())
            return -1;
        const int v = q.value(0).toInt();
        q.finish();
        return v;
    };
    const int seen = version();
    if (seen < 0)
        return false;
    if (seen >= SchemaVersion) // a newer Vigil may have added steps; its tables are supersets
        return true;
    // Two threads may open the file at the same moment: take the write lock, then look again.
    if (!run(QStringLiteral("BEGIN IMMEDIATE")))
        return false;
    int current = version();
    bool ok = current >= 0;
    for (; ok && current < SchemaVersion; ++current) {
        // QSqlQuery runs one statement at a time; the steps are written one statement per ';'.
        const QStringList statements = QString::fromLatin1(Migrations[current]).split(u';', Qt::SkipEmptyParts);
        for (const QString& statement : statements) {
            if (statement.trimmed().isEmpty())
                continue;
            if (!run(statement)) {
                ok = false;
                break;
            }
        }
    }
    // PRAGMA takes no bound parameters; the version is a compile-time constant, not input.
    if (ok)
        ok = run(QStringLiteral("PRAGMA user_version = %1").arg(SchemaVersion));
    if (ok)
        ok = run(QStringLiteral("COMMIT"));
    if (!ok) {
        const QString error = lastError();
        run(QStringLiteral("ROLLBACK"));
        setError(error);
    }
    return ok;
}

QSqlQuery LocalStore::exec(const QString& sql, const QVariantList& params) const
{
    QSqlDatabase db = database();
    if (!db.isOpen())
        return QSqlQuery(db);
    QSqlQuery q(db);
    if (!q.prepare(sql)) {
        setError(q.lastError().text());
        return q;
    }
    for (const QVariant& p : params)
        q.addBindValue(p);
    if (!q.exec())
        setError(q.lastError().text());
    return q;
}

bool LocalStore::beginWrite() const
{
    return exec(QStringLiteral("BEGIN IMMEDIATE")).isActive();
}

bool LocalStore::commit() const
{
    return exec(QStringLiteral("COMMIT")).isActive();
}

void LocalStore::rollback() const
{
    exec(QStringLiteral("ROLLBACK"));
}

void LocalStore::closeThreadConnection() const
{
    QString name;
    {
        std::lock_guard lock(m_shared->mutex);
        name = m_shared->connections.value(QThread::currentThreadId()).name;
    }
    if (!name.isEmpty())
        m_shared->release(QThread::currentThreadId(), name);
}

} // namespace vigil::store
