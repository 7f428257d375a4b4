#include "tradingdataset.h"

#include "configs.h"
#include "pg/pgconnection.h"
#include "state.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QStandardPaths>
#include <thread>

namespace vigil::sandbox::dataset {

namespace {
QByteArray resource(const QString& name)
{
    QFile f(QStringLiteral(":/sandbox/") + name);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool step(pg::Connection& c, const QString& sql, const QString& what, QString* error, const QVariantList& params = {})
{
    const pg::Result r = params.isEmpty() ? c.execSimple(sql) : c.exec(sql, params);
    if (!r.ok()) {
        if (error)
            *error = QStringLiteral("%1 failed: %2").arg(what, r.errorMessage());
        return false;
    }
    return true;
}

pg::ConnectOptions options(int port, const QString& dbname)
{
    pg::ConnectOptions o;
    o.conninfo = State::pgConninfo(port, dbname);
    o.applicationName = QStringLiteral("vigil-sandbox-setup");
    o.statementTimeoutMs = 600000; // seeding a large data set takes a while
    return o;
}

// seed.sql split at its "-- @part NAME" lines (text before the first one is left out).
QHash<QString, QString> seedParts(const QByteArray& seed)
{
    QHash<QString, QString> parts;
    QString name;
    for (const QString& line : QString::fromUtf8(seed).split(QLatin1Char('\n'))) {
        if (line.startsWith(QLatin1String("-- @part ")))
            name = line.mid(9).trimmed();
        else if (!name.isEmpty())
            parts[name] += line + QLatin1Char('\n');
    }
    return parts;
}

// One part of the seed in a transaction of its own.
bool runPart(pg::Connection& c, const QString& sql, const QString& part, QString* error)
{
    return step(c, QStringLiteral("BEGIN"), QStringLiteral("seeding %1").arg(part), error)
        && step(c, sql, QStringLiteral("seeding %1").arg(part), error)
        && step(c, QStringLiteral("COMMIT"), QStringLiteral("seeding %1").arg(part), error);
}
} // namespace

qint64 ordersFor(qint64 trades)
{
    return qMax<qint64>(1000, trades / 5);
}

bool create(int port, qint64 trades, const std::function<void(const QString&)>& progress, QString* error)
{
    const QByteArray schema = resource(QStringLiteral("schema.sql"));
    const QByteArray seed = resource(QStringLiteral("seed.sql"));
    if (schema.isEmpty() || seed.isEmpty()) {
        *error = QStringLiteral(
            "the sandbox schema is missing from the executable's resources (:/sandbox/): rebuild vigil");
        return false;
    }
    {
        pg::Connection admin;
        if (!admin.open(options(port, QStringLiteral("postgres")))) {
            *error = QStringLiteral("could not connect to the new primary: %1").arg(admin.lastError());
            return false;
        }
        // vigil_password_users: tests create a scram role inside it (pg_hba asks it for a password);
        // vigil_rejected: pg_hba rejects it, so tests see a rejection that comes from the server.
        if (!step(admin, QStringLiteral("CREATE ROLE vigil_password_users NOLOGIN; CREATE ROLE vigil_rejected LOGIN"),
                  QStringLiteral("creating roles"), error))
            return false;
        // Its own statement: CREATE DATABASE cannot run in the implicit transaction of a batch.
        if (!step(admin, QStringLiteral("CREATE DATABASE trading"), QStringLiteral("creating database trading"), error))
            return false;
    }
    pg::Connection db;
    if (!db.open(options(port, QStringLiteral("trading")))) {
        *error = QStringLiteral("could not connect to database trading: %1").arg(db.lastError());
        return false;
    }
    // Extensions are per database.
    if (!step(db,
              QStringLiteral(
                  "CREATE EXTENSION pg_stat_statements; CREATE EXTENSION hypopg; CREATE EXTENSION pg_qualstats"),
              QStringLiteral("creating extensions pg_stat_statements, hypopg, pg_qualstats"), error))
        return false;
    if (!step(db, QString::fromUtf8(schema), QStringLiteral("creating the trading schema"), error))
        return false;
    const QHash<QString, QString> parts = seedParts(seed);
    for (const char* part : {"orders", "trades", "positions", "finish"})
        if (!parts.contains(QLatin1String(part))) {
            *error = QStringLiteral("the sandbox seed (:/sandbox/seed.sql) has no part %1: rebuild vigil")
                         .arg(QLatin1String(part));
            return false;
        }
    if (progress)
        progress(QStringLiteral("seeding %1 trades, %2 orders, 10000 accounts").arg(trades).arg(ordersFor(trades)));
    QElapsedTimer t;
    t.start();
    // Trades and positions are seeded at the same time, on two connections.
    pg::Connection db2;
    if (!db2.open(options(port, QStringLiteral("trading")))) {
        *error = QStringLiteral("could not connect to database trading: %1").arg(db2.lastError());
        return false;
    }
    // Both sessions put the same "now" into the data (seed.sql's view must give both the same rows).
    const pg::Result now = db.exec(QStringLiteral("SELECT extract(epoch FROM now())::text"));
    if (!now.ok()) {
        *error = QStringLiteral("preparing the seed failed: %1").arg(now.errorMessage());
        return false;
    }
    // Session settings for a bulk load: JIT compiles take longer than they save here, and neither
    // pg_stat_statements nor pg_qualstats (which instruments every plan node) should watch the seed.
    // synchronous_commit = on: VACUUM sets no hint bit for a transaction whose commit record could
    // still be lost, which with the server's "off" is the seed's until the WAL writer next flushes.
    for (pg::Connection* c : {&db, &db2})
        if (!step(*c,
                  QStringLiteral("SELECT set_config('vigil.seed_trades', $1, false), "
                                 "set_config('vigil.seed_orders', $2, false), "
                                 "set_config('vigil.seed_now', $3, false), "
                                 "set_config('work_mem', '64MB', false), "
                                 "set_config('maintenance_work_mem', '256MB', false), "
                                 "set_config('jit', 'off', false), "
                                 "set_config('synchronous_commit', 'on', false), "
                                 "set_config('pg_stat_statements.track', 'none', false), "
                                 "set_config('pg_qualstats.enabled', 'off', false)"),
                  QStringLiteral("preparing the seed"), error,
                  {QString::number(trades), QString::number(ordersFor(trades)), now.text(0, 0)}))
            return false;
    if (!runPart(db, parts[QStringLiteral("orders")], QStringLiteral("orders"), error))
        return false;
    QString tradesError;
    bool tradesOk = false;
    std::thread tradesThread(
        [&] { tradesOk = runPart(db2, parts[QStringLiteral("trades")], QStringLiteral("trades"), &tradesError); });
    const bool positionsOk = runPart(db, parts[QStringLiteral("positions")], QStringLiteral("positions"), error);
    if (!positionsOk)
        db2.cancel(); // no point finishing the trades
    tradesThread.join();
    if (!positionsOk)
        return false;
    if (!tradesOk) {
        *error = tradesError;
        return false;
    }
    db2.close();
    if (!step(db, parts[QStringLiteral("finish")], QStringLiteral("finishing the seed"), error))
        return false;
    // The first reader of a row sets its hint bits, and with wal_log_hints = on every page it dirties
    // that way goes to the WAL as a full-page image: over 100 MB right after `up` (and after every
    // cached up). VACUUM does it now, under configs::postgresSeeding(), and sets the visibility map too.
    if (!step(db, QStringLiteral("VACUUM"), QStringLiteral("vacuuming the trading data"), error))
        return false;
    // A clean slate for the statistics the workload and the advisor will read. No CHECKPOINT: the
    // caller restarts the server, and the shutdown checkpoint writes everything out.
    if (!step(db, QStringLiteral("SELECT pg_stat_statements_reset(); SELECT pg_qualstats_reset()"),
              QStringLiteral("resetting statistics"), error))
        return false;
    if (progress)
        progress(QStringLiteral("seeded in %1 ms").arg(t.elapsed()));
    return true;
}

QString templateDir(qint64 trades)
{
    if (qEnvironmentVariable("VIGIL_SANDBOX_NO_CACHE") == QLatin1String("1"))
        return {};
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(resource(QStringLiteral("schema.sql")));
    h.addData(resource(QStringLiteral("seed.sql")));
    h.addData(configs::postgresShared().toUtf8());
    h.addData(configs::postgresSeeding().toUtf8());
    h.addData(configs::pgHba().toUtf8());
    h.addData(QByteArray::number(trades));
    // v2: seeded at wal_level = minimal and vacuumed (hint bits and visibility map set).
    h.addData(QByteArrayLiteral("template-v2"));
    QString base = qEnvironmentVariable("XDG_CACHE_HOME");
    if (base.isEmpty())
        base = QDir::homePath() + QStringLiteral("/.cache");
    return base + QStringLiteral("/vigil/sandbox-template-") + QString::fromLatin1(h.result().toHex().left(16));
}

} // namespace vigil::sandbox::dataset
