#include "workload.h"

#include "pg/pgconnection.h"
#include "redis/redisconnection.h"
#include "sandbox.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QThread>
#include <cmath>
#include <mutex>
#include <thread>
#include <vector>

namespace vigil::sandbox {

namespace {
struct Instrument
{
    int id = 0;
    QString symbol;
    double price = 0;
};

// Shared by the worker threads: the stop condition, counters and the current topology (re-read
// after a connection loss, so the workload follows a failover).
class Runner
{
public:
    explicit Runner(const WorkloadOptions& o)
        : m_options(o)
    {
        m_timer.start();
    }

    bool stopping() const
    {
        if (m_options.stop && m_options.stop->load())
            return true;
        return m_options.durationSec > 0 && m_timer.elapsed() >= qint64(m_options.durationSec) * 1000;
    }
    // Sleeps in short slices so a signal stops the workload within ~50 ms; false when stopping.
    bool nap(int ms) const
    {
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < ms) {
            if (stopping())
                return false;
            QThread::msleep(qMin<qint64>(50, ms - t.elapsed() + 1));
        }
        return !stopping();
    }
    void say(const QString& m) const
    {
        if (m_options.progress)
            m_options.progress(m);
    }

    bool refresh(QString* error)
    {
        Topology t;
        QJsonObject health;
        if (!status(m_options.dir, &t, &health, error))
            return false;
        std::lock_guard lock(m_mutex);
        m_topology = t;
        return true;
    }
    Topology topology() const
    {
        std::lock_guard lock(m_mutex);
        return m_topology;
    }

    std::vector<Instrument> instruments;
    std::atomic<qint64> statements {0};
    std::atomic<qint64> redisCommands {0};
    std::atomic<qint64> errors {0};

private:
    WorkloadOptions m_options;
    QElapsedTimer m_timer;
    mutable std::mutex m_mutex;
    Topology m_topology;
};

enum class Target { Primary, Pgbouncer, Replica };

QString conninfoFor(const Topology& t, Target target)
{
    switch (target) {
    case Target::Primary:
        return t.primary;
    case Target::Pgbouncer:
        return t.pgbouncer;
    case Target::Replica:
        return t.replicas.value(0, t.primary);
    }
    return t.primary;
}

// Hot symbols are much busier than the tail, as in the seed.
const Instrument& pickInstrument(const Runner& r)
{
    const double u = QRandomGenerator::global()->generateDouble();
    const auto n = r.instruments.size();
    return r.instruments[qMin<size_t>(n - 1, size_t(std::floor(double(n) * std::pow(u, 2.2))))];
}

qint64 pickAccount()
{
    return 1 + qint64(std::floor(10000.0 * std::pow(QRandomGenerator::global()->generateDouble(), 1.6)));
}

QString iso(const QDateTime& t)
{
    return t.toUTC().toString(Qt::ISODateWithMs);
}

// One loop on one connection: step() runs a few statements; a failure reconnects after a pause.
template <typename Step> void sqlLoop(Runner& r, Target target, const QString& name, int periodMs, Step step)
{
    pg::Connection c;
    while (!r.stopping()) {
        if (!c.isOpen()) {
            pg::ConnectOptions o;
            o.conninfo = conninfoFor(r.topology(), target);
            o.applicationName = QStringLiteral("sandbox-workload");
            o.statementTimeoutMs = 30000;
            if (!c.open(o)) {
                r.errors++;
                r.say(QStringLiteral("%1: cannot connect (%2); retrying").arg(name, c.lastError()));
                if (!r.nap(1000))
                    return;
                r.refresh(nullptr);
                continue;
            }
        }
        auto exec = [&](const QString& sql, const QVariantList& params) {
            const pg::Result res = c.exec(sql, params);
            r.statements++;
            if (!res.ok())
                r.errors++;
            return res;
        };
        step(exec);
        if (!c.isOpen() || PQstatus(c.raw()) != CONNECTION_OK)
            c.close();
        if (!r.nap(periodMs))
            return;
    }
}

using Exec = std::function<pg::Result(const QString&, const QVariantList&)>;

// Lookups with no supporting index: each is a full scan of trades, kept to about two per second.
void expensiveLookups(const Exec& exec, const Runner& r)
{
    const int kind = QRandomGenerator::global()->bounded(5);
    if (kind < 2) {
        exec(QStringLiteral("SELECT id, account_id, side, quantity, price, status, created_at FROM trades "
                            "WHERE symbol = $1 ORDER BY created_at DESC LIMIT 50"),
             {pickInstrument(r).symbol});
    } else if (kind < 4) {
        const QDateTime from
            = QDateTime::currentDateTimeUtc().addSecs(-qint64(QRandomGenerator::global()->bounded(29 * 24)) * 3600);
        exec(QStringLiteral("SELECT id, symbol, side, quantity, price, status FROM trades "
                            "WHERE account_id = $1 AND created_at >= $2 AND created_at < $3 ORDER BY created_at"),
             {QString::number(pickAccount()), iso(from), iso(from.addDays(1))});
    } else {
        static const char* statuses[] = {"PENDING", "REJECTED", "CANCELLED"};
        exec(QStringLiteral("SELECT id, account_id, symbol, quantity, price, created_at FROM trades "
                            "WHERE status = $1 ORDER BY created_at DESC LIMIT 100"),
             {QString::fromLatin1(statuses[QRandomGenerator::global()->bounded(3)])});
    }
}

// An order, its fill and the position it moves: the write path of the trading backend.
void placeOrder(const Exec& exec, const Runner& r)
{
    const Instrument& ins = pickInstrument(r);
    auto* rng = QRandomGenerator::global();
    const QString account = QString::number(pickAccount());
    const bool buy = rng->bounded(100) < 52;
    const int qty = 1 + rng->bounded(200);
    const QString price = QString::number(ins.price * (0.98 + rng->generateDouble() * 0.04), 'f', 2);
    const int roll = rng->bounded(100);
    const QString status = roll < 94 ? QStringLiteral("FILLED")
        : roll < 97                  ? QStringLiteral("PENDING")
        : roll < 99                  ? QStringLiteral("REJECTED")
                                     : QStringLiteral("CANCELLED");
    const pg::Result o = exec(
        QStringLiteral("INSERT INTO orders (account_id, instrument_id, symbol, side, order_type, status, quantity, "
                       "price) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id"),
        {account, QString::number(ins.id), ins.symbol, buy ? QStringLiteral("BUY") : QStringLiteral("SELL"),
         rng->bounded(10) < 7 ? QStringLiteral("LIMIT") : QStringLiteral("MARKET"), status, QString::number(qty),
         price});
    if (!o.ok() || o.rows() != 1)
        return;
    exec(QStringLiteral("INSERT INTO trades (order_id, account_id, instrument_id, symbol, side, quantity, price, "
                        "status, filled_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
                        "CASE WHEN $8 = 'FILLED' THEN now() END)"),
         {o.text(0, 0), account, QString::number(ins.id), ins.symbol,
          buy ? QStringLiteral("BUY") : QStringLiteral("SELL"), QString::number(qty), price, status});
    if (status != QLatin1String("FILLED"))
        return;
    exec(QStringLiteral("INSERT INTO positions (account_id, instrument_id, quantity, avg_price) "
                        "VALUES ($1, $2, $3, $4) ON CONFLICT (account_id, instrument_id) DO UPDATE SET "
                        "quantity = positions.quantity + EXCLUDED.quantity, "
                        "avg_price = round((positions.avg_price + EXCLUDED.avg_price) / 2, 4), updated_at = now()"),
         {account, QString::number(ins.id), QString::number(buy ? qty : -qty), price});
}

void replicaReads(const Exec& exec, const Runner& r, int* tick)
{
    const QString account = QString::number(pickAccount());
    exec(QStringLiteral("SELECT p.instrument_id, i.symbol, p.quantity, p.avg_price FROM positions p "
                        "JOIN instruments i ON i.id = p.instrument_id WHERE p.account_id = $1"),
         {account});
    exec(QStringLiteral("SELECT id, name, status, balance FROM accounts WHERE id = $1"), {account});
    exec(QStringLiteral("SELECT id, status, quantity, price FROM orders WHERE id = $1"),
         {QString::number(1 + QRandomGenerator::global()->bounded(100000))});
    // Every ~10 s a report-style aggregate: another full scan, on the replica.
    if (++*tick % 100 == 0)
        exec(QStringLiteral("SELECT symbol, count(*), sum(quantity * price) FROM trades "
                            "WHERE created_at >= now() - $1::interval GROUP BY symbol ORDER BY 2 DESC"),
             {QStringLiteral("1 hour")});
    Q_UNUSED(r);
}

void redisLoop(Runner& r)
{
    redis::Connection c;
    while (!r.stopping()) {
        if (!c.isOpen()) {
            redis::Endpoint e;
            redis::Endpoint::parse(r.topology().redisMaster, &e);
            if (!c.open(e, 1000)) {
                r.errors++;
                r.say(QStringLiteral("redis: cannot connect to %1 (%2); retrying").arg(e.toString(), c.lastError()));
                if (!r.nap(1000))
                    return;
                r.refresh(nullptr);
                continue;
            }
        }
        const Instrument& ins = pickInstrument(r);
        const QByteArray key = "price:" + ins.symbol.toUtf8();
        auto cmd = [&](const QByteArrayList& args) {
            const redis::Reply reply = c.command(args);
            r.redisCommands++;
            if (reply.isError())
                r.errors++;
            return reply;
        };
        const redis::Reply cached = cmd({"GET", key});
        if (cached.type == redis::Reply::Type::Nil) {
            const double p = ins.price * (0.98 + QRandomGenerator::global()->generateDouble() * 0.04);
            cmd({"SET", key, QByteArray::number(p, 'f', 2), "EX", "5"});
        }
        cmd({"INCR", "counter:quotes"});
        if (QRandomGenerator::global()->bounded(4) == 0)
            cmd({"INCR", "counter:orders:" + ins.symbol.toUtf8()});
        if (!c.isOpen())
            continue; // the reply above was a transport error; reconnect
        if (!r.nap(20))
            return;
    }
}
} // namespace

bool runWorkload(const WorkloadOptions& options, WorkloadStats* stats, QString* error)
{
    Runner r(options);
    if (!r.refresh(error))
        return false;
    {
        pg::Connection c;
        pg::ConnectOptions o;
        o.conninfo = r.topology().primary;
        o.applicationName = QStringLiteral("sandbox-workload");
        if (!c.open(o)) {
            if (error)
                *error = QStringLiteral("cannot connect to the sandbox primary: %1 (is it up? `vigil sandbox status`)")
                             .arg(c.lastError());
            return false;
        }
        const pg::Result res = c.exec(QStringLiteral("SELECT id, symbol, base_price FROM instruments ORDER BY id"));
        if (!res.ok() || res.rows() == 0) {
            if (error)
                *error = QStringLiteral("cannot read the instruments of database trading: %1").arg(res.errorMessage());
            return false;
        }
        for (int i = 0; i < res.rows(); ++i)
            r.instruments.push_back({int(res.toInt64(i, 0)), res.text(i, 1), res.toDouble(i, 2)});
    }
    r.say(QStringLiteral("running on %1 (primary, pgbouncer, replica, Redis)").arg(options.dir));

    std::vector<std::thread> threads;
    threads.emplace_back([&] {
        sqlLoop(r, Target::Primary, QStringLiteral("lookups"), 450, [&](const Exec& e) { expensiveLookups(e, r); });
    });
    threads.emplace_back([&] {
        sqlLoop(r, Target::Pgbouncer, QStringLiteral("orders-pgbouncer-1"), 60,
                [&](const Exec& e) { placeOrder(e, r); });
    });
    threads.emplace_back([&] {
        sqlLoop(r, Target::Pgbouncer, QStringLiteral("orders-pgbouncer-2"), 90,
                [&](const Exec& e) { placeOrder(e, r); });
    });
    threads.emplace_back([&] {
        sqlLoop(r, Target::Primary, QStringLiteral("orders-direct"), 120, [&](const Exec& e) { placeOrder(e, r); });
    });
    threads.emplace_back([&] {
        int tick = 0;
        sqlLoop(r, Target::Replica, QStringLiteral("replica"), 100, [&](const Exec& e) { replicaReads(e, r, &tick); });
    });
    threads.emplace_back([&] { redisLoop(r); });
    for (std::thread& t : threads)
        t.join();
    if (stats)
        *stats = WorkloadStats {r.statements.load(), r.redisCommands.load(), r.errors.load()};
    return true;
}

} // namespace vigil::sandbox
