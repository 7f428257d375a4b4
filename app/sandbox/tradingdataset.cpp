#include "tradingdataset.h"

#include "configs.h"
#include "pg/pgconnection.h"
#include "state.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QStandardPaths>

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
    if (progress)
        progress(QStringLiteral("seeding %1 trades, %2 orders, 10000 accounts").arg(trades).arg(ordersFor(trades)));
    QElapsedTimer t;
    t.start();
    if (!step(db,
              QStringLiteral(
                  "SELECT set_config('vigil.seed_trades', $1, false), set_config('vigil.seed_orders', $2, false), "
                  "set_config('work_mem', '64MB', false), set_config('maintenance_work_mem', '256MB', false)"),
              QStringLiteral("preparing the seed"), error,
              {QString::number(trades), QString::number(ordersFor(trades))}))
        return false;
    if (!step(db, QString::fromUtf8(seed), QStringLiteral("seeding the trading data"), error))
        return false;
    // A clean slate for the statistics the workload and the advisor will read.
    if (!step(db, QStringLiteral("SELECT pg_stat_statements_reset(); SELECT pg_qualstats_reset(); CHECKPOINT"),
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
    h.addData(configs::pgHba().toUtf8());
    h.addData(QByteArray::number(trades));
    h.addData(QByteArrayLiteral("template-v1"));
    QString base = qEnvironmentVariable("XDG_CACHE_HOME");
    if (base.isEmpty())
        base = QDir::homePath() + QStringLiteral("/.cache");
    return base + QStringLiteral("/vigil/sandbox-template-") + QString::fromLatin1(h.result().toHex().left(16));
}

} // namespace vigil::sandbox::dataset
