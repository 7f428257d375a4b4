#include "pgswitchoverdrill.h"

#include "pgwriteprobe.h"
#include "steptimeline.h"

#include <QLocale>
#include <QThread>
#include <QUuid>
#include <libpq-fe.h>

namespace vigil::drills {

namespace {

QString fmt(qint64 v)
{
    return QLocale(QLocale::English).toString(v);
}

bool open(pg::Connection* c, pg::ConnectOptions o, const QString& name, QString* error)
{
    o.applicationName = QStringLiteral("vigil-drill");
    o.statementTimeoutMs = 60000; // pg_promote(true, 30) fits in it
    if (c->open(o))
        return true;
    *error = QStringLiteral("%1 is not reachable: %2").arg(name, c->lastError());
    return false;
}

// "host:port" of a session, as the probe records the server of each write.
QString serverOf(const pg::Connection& c)
{
    return QString::fromUtf8(PQhost(c.raw())) + QLatin1Char(':') + QString::fromUtf8(PQport(c.raw()));
}

} // namespace

PgSwitchoverDrill::PgSwitchoverDrill(Options options)
    : m_options(std::move(options))
{
}

QString PgSwitchoverDrill::multiHost(const QString& first, const QString& second, QString* error)
{
    QStringList hosts, ports;
    QMap<QString, QString> common;
    for (const QString& conninfo : {first, second}) {
        char* err = nullptr;
        PQconninfoOption* opts = PQconninfoParse(conninfo.toUtf8().constData(), &err);
        if (!opts) {
            *error = err ? QString::fromUtf8(err).trimmed() : QStringLiteral("out of memory");
            PQfreemem(err);
            return {};
        }
        QString host = QStringLiteral("localhost"), port = QStringLiteral("5432");
        for (PQconninfoOption* o = opts; o->keyword; ++o) {
            if (!o->val)
                continue;
            const QString key = QString::fromUtf8(o->keyword), val = QString::fromUtf8(o->val);
            if (key == QLatin1String("host") || key == QLatin1String("hostaddr"))
                host = val;
            else if (key == QLatin1String("port"))
                port = val;
            else if (key != QLatin1String("password") && key != QLatin1String("target_session_attrs")
                     && !common.contains(key))
                common.insert(key, val); // dbname, user, sslmode ... as the first conninfo says
        }
        PQconninfoFree(opts);
        hosts << host;
        ports << port;
    }
    const auto quote = [](QString v) {
        v.replace(QLatin1Char('\\'), QLatin1String("\\\\")).replace(QLatin1Char('\''), QLatin1String("\\'"));
        return QLatin1Char('\'') + v + QLatin1Char('\'');
    };
    QStringList parts {QStringLiteral("host=") + quote(hosts.join(QLatin1Char(','))),
                       QStringLiteral("port=") + quote(ports.join(QLatin1Char(','))),
                       QStringLiteral("target_session_attrs=read-write")};
    for (auto it = common.cbegin(); it != common.cend(); ++it)
        parts << it.key() + QLatin1Char('=') + quote(it.value());
    return parts.join(QLatin1Char(' '));
}

DrillResult PgSwitchoverDrill::run(const std::function<void(const DrillStep&)>& stepChanged)
{
    DrillResult res;
    res.kind = QStringLiteral("pg-switchover");
    const auto origin = std::chrono::steady_clock::now();
    StepTimeline t(&res, origin, stepChanged);
    const QString runId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    res.runId = runId;
    const QString oldNode = m_options.primaryName, newNode = m_options.replicaName;
    res.oldPrimary = oldNode;
    std::unique_ptr<PgWriteProbe> probe;
    pg::Connection primary, replica;
    qint64 faultMs = -1;
    bool fenced = false;
    QString fenceLsn, newServer;
    const auto finish = [&](const QString& next) {
        if (probe) {
            probe->stop();
            res.takeProbe(probe->writes(), probe->acknowledged(), probe->failed());
        }
        res.conclude(next);
        return res;
    };
    // Lifting the fence: the old primary takes writes again (an abort before the promotion).
    const auto unfence = [&]() -> QString {
        pg::Connection c;
        QString e;
        if (!open(&c, m_options.primary, oldNode, &e))
            return e;
        const pg::Result r = c.exec(QStringLiteral("/* vigil */ ALTER SYSTEM RESET default_transaction_read_only"));
        if (!r.ok())
            return r.errorMessage();
        c.exec(QStringLiteral("/* vigil */ SELECT pg_reload_conf()"));
        return {};
    };

    if (!t.step(QStringLiteral("Pre-flight"), [&](QString* d) {
            if (!open(&primary, m_options.primary, oldNode, d) || !open(&replica, m_options.replica, newNode, d))
                return false;
            const pg::Result p = primary.exec(QStringLiteral(
                "/* vigil */ SELECT pg_is_in_recovery(), current_setting('default_transaction_read_only')::bool, "
                "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user), pg_current_wal_lsn()::text"));
            const pg::Result r = replica.exec(QStringLiteral(
                "/* vigil */ SELECT pg_is_in_recovery(), coalesce((SELECT status FROM pg_stat_wal_receiver), 'none'), "
                "has_function_privilege('pg_promote(boolean, integer)', 'execute')"));
            if (!p.ok() || !r.ok()) {
                *d = p.ok() ? r.errorMessage() : p.errorMessage();
                return false;
            }
            if (p.toBool(0, 0)) {
                *d = QStringLiteral("%1 is a standby, not the primary").arg(oldNode);
                return false;
            }
            if (p.toBool(0, 1)) {
                *d = QStringLiteral("%1 is already fenced (default_transaction_read_only = on)").arg(oldNode);
                return false;
            }
            if (!p.toBool(0, 2)) {
                *d = QStringLiteral("fencing %1 needs a superuser (ALTER SYSTEM, pg_terminate_backend)").arg(oldNode);
                return false;
            }
            if (!r.toBool(0, 0) || r.text(0, 1) != QLatin1String("streaming")) {
                *d = QStringLiteral("%1 is not a streaming standby (recovery %2, receiver %3)")
                         .arg(newNode, r.text(0, 0), r.text(0, 1));
                return false;
            }
            if (!r.toBool(0, 2)) {
                *d = QStringLiteral("the role may not run pg_promote on %1").arg(newNode);
                return false;
            }
            const pg::Result lag = replica.exec(
                QStringLiteral("/* vigil */ SELECT pg_wal_lsn_diff($1::pg_lsn, pg_last_wal_replay_lsn())::bigint"),
                {p.text(0, 3)});
            if (lag.ok() && lag.toInt64(0, 0) > m_options.maxLagBytes) {
                *d = QStringLiteral("%1 replays %2 bytes behind (limit %3)")
                         .arg(newNode, fmt(lag.toInt64(0, 0)), fmt(m_options.maxLagBytes));
                return false;
            }
            newServer = serverOf(replica);
            *d = QStringLiteral("primary %1, standby %2 streaming, %3 bytes behind")
                     .arg(oldNode, newNode, fmt(lag.ok() ? lag.toInt64(0, 0) : -1));
            return !m_abort;
        }))
        return finish(QStringLiteral("Nothing was changed; fix what pre-flight reports and start again."));

    if (!t.step(QStringLiteral("Start write probe"), [&](QString* d) {
            const pg::Result r = primary.exec(PgWriteProbe::tableSql());
            if (!r.ok()) {
                *d = r.errorMessage();
                return false;
            }
            const QString conninfo = multiHost(m_options.primary.conninfo, m_options.replica.conninfo, d);
            if (conninfo.isEmpty())
                return false;
            probe = std::make_unique<PgWriteProbe>(conninfo, runId, origin, m_options.probeIntervalMs);
            probe->setPassword(m_options.primary.password);
            probe->setTally(m_options.tally);
            probe->start();
            if (!probe->warmUp(m_options.warmupMs, m_abort, oldNode, d))
                return false;
            return !m_abort;
        }))
        return finish(QStringLiteral("Nothing was changed but the probe table vigil_drill_probe; start again."));

    if (!t.step(QStringLiteral("Fence writes on primary"), [&](QString* d) {
            faultMs = t.now();
            pg::Result r
                = primary.exec(QStringLiteral("/* vigil */ ALTER SYSTEM SET default_transaction_read_only = on"));
            if (r.ok())
                r = primary.exec(QStringLiteral("/* vigil */ SELECT pg_reload_conf()"));
            if (!r.ok()) {
                *d = r.errorMessage();
                return false;
            }
            fenced = true;
            // A session reloads its settings only after its next statement, so an idle one still
            // takes one write with the old setting: a transaction that already holds a write xid
            // finishes (or is ended when the drain time is up), then every other session is ended
            // and reconnects read-only (or, following target_session_attrs, to the new primary).
            qint64 ended = 0;
            const qint64 until = t.now() + m_options.drainMs;
            for (;;) {
                const pg::Result open = primary.exec(QStringLiteral(
                    "/* vigil */ SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' "
                    "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"));
                if (open.ok() && open.toInt64(0, 0) == 0)
                    break;
                if (t.now() >= until) {
                    const pg::Result kill = primary.exec(QStringLiteral(
                        "/* vigil */ SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE backend_type = 'client backend' AND backend_xid IS NOT NULL AND pid <> "
                        "pg_backend_pid()"));
                    ended = kill.ok() ? kill.toInt64(0, 0) : -1;
                    break;
                }
                QThread::msleep(50);
            }
            const pg::Result rest = primary.exec(QStringLiteral(
                "/* vigil */ SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity WHERE "
                "backend_type = 'client backend' AND pid <> pg_backend_pid()"));
            const pg::Result lsn = primary.exec(QStringLiteral("/* vigil */ SELECT pg_current_wal_lsn()::text"));
            fenceLsn = lsn.ok() ? lsn.text(0, 0) : QString();
            *d = QStringLiteral("%1 read-only (ALTER SYSTEM SET default_transaction_read_only = on; reload); %2 "
                                "sessions with a write transaction and %3 other sessions ended; WAL at %4")
                     .arg(oldNode)
                     .arg(ended)
                     .arg(rest.ok() ? rest.toInt64(0, 0) : -1)
                     .arg(fenceLsn);
            return !fenceLsn.isEmpty() && !m_abort;
        })) {
        const QString lifted = fenced ? unfence() : QString();
        return finish(lifted.isEmpty() ? QStringLiteral("%1 takes writes again (the fence was lifted); nothing was "
                                                        "promoted.")
                                             .arg(oldNode)
                                       : QStringLiteral("Lift the fence by hand on %1: ALTER SYSTEM RESET "
                                                        "default_transaction_read_only; SELECT pg_reload_conf(); (%2)")
                                             .arg(oldNode, lifted));
    }

    if (!t.step(QStringLiteral("Standby caught up"), [&](QString* d) {
            const qint64 until = t.now() + m_options.catchUpTimeoutMs;
            while (t.now() < until && !m_abort) {
                // The fenced primary may still write a little WAL of its own (checkpoints, pruning):
                // follow its current position, not only the one at the fence.
                const pg::Result p = primary.exec(QStringLiteral("/* vigil */ SELECT pg_current_wal_lsn()::text"));
                const pg::Result r = replica.exec(
                    QStringLiteral("/* vigil */ SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), $1::pg_lsn) >= 0, "
                                   "pg_last_wal_replay_lsn()::text"),
                    {p.ok() ? p.text(0, 0) : fenceLsn});
                if (r.ok() && r.toBool(0, 0)) {
                    *d = QStringLiteral("%1 replayed up to %2, the primary's position").arg(newNode, r.text(0, 1));
                    return true;
                }
                QThread::msleep(20);
            }
            *d = m_abort ? QStringLiteral("aborted by the operator")
                         : QStringLiteral("%1 did not replay up to %2").arg(newNode, fenceLsn);
            return false;
        })) {
        const QString lifted = unfence();
        return finish(lifted.isEmpty()
                          ? QStringLiteral("%1 takes writes again (the fence was lifted); nothing was promoted. Look "
                                           "at %2's replication.")
                                .arg(oldNode, newNode)
                          : QStringLiteral("Lift the fence by hand on %1: ALTER SYSTEM RESET "
                                           "default_transaction_read_only; SELECT pg_reload_conf(); (%2)")
                                .arg(oldNode, lifted));
    }

    if (!t.step(QStringLiteral("Promote replica"), [&](QString* d) {
            const pg::Result r = replica.exec(QStringLiteral("/* vigil */ SELECT pg_promote(true, 30)"));
            if (!r.ok() || !r.toBool(0, 0)) {
                *d = QStringLiteral("%1 refused the promotion: %2")
                         .arg(newNode, r.ok() ? QStringLiteral("not promoted within 30 s") : r.errorMessage());
                return false;
            }
            res.newPrimary = newNode;
            *d = QStringLiteral("%1 promoted").arg(newNode);
            return true;
        })) {
        const QString lifted = unfence();
        return finish(lifted.isEmpty() ? QStringLiteral("%1 was not promoted; %2 takes writes again (the fence was "
                                                        "lifted).")
                                             .arg(newNode, oldNode)
                                       : QStringLiteral("%1 was not promoted and the fence on %2 could not be lifted "
                                                        "(%3): run ALTER SYSTEM RESET default_transaction_read_only; "
                                                        "SELECT pg_reload_conf(); there.")
                                             .arg(newNode, oldNode, lifted));
    }

    if (!t.step(QStringLiteral("Writes resume"), [&](QString* d) {
            const qint64 ack = probe->waitForAck(faultMs, newServer, m_options.resumeTimeoutMs, m_abort);
            if (ack < 0) {
                *d = QStringLiteral("no write acknowledged by %1 within %2 ms")
                         .arg(newNode)
                         .arg(m_options.resumeTimeoutMs);
                return false;
            }
            res.rtoMs = ack - faultMs;
            *d = QStringLiteral("first write acknowledged by %1 %2 ms after the fence").arg(newNode).arg(res.rtoMs);
            return true;
        }))
        return finish(QStringLiteral("%1 is promoted but takes no writes: look at its log.").arg(newNode));

    if (!t.step(QStringLiteral("Measure RPO"), [&](QString* d) {
            const qint64 until = t.now() + m_options.settleMs;
            while (t.now() < until)
                QThread::msleep(20);
            probe->stop();
            const qint64 lost = probe->countMissing(replica, d);
            if (lost < 0)
                return false;
            res.rpoLostWrites = lost;
            res.rpoLostBytes = 0; // the standby replayed past the fenced primary's last position
            *d = QStringLiteral("%1 of %2 acknowledged writes missing on %3")
                     .arg(fmt(lost), fmt(probe->acknowledged()), newNode);
            return true;
        }))
        return finish(QStringLiteral("%1 is the primary; the RPO could not be counted.").arg(newNode));

    finish({});
    // Completed, but two things need the hosts, which Vigil does not reach on a real cluster.
    res.nextAction
        = QStringLiteral("%1 stays up read-only (fenced). On its host: pg_ctl stop -m fast; pg_rewind "
                         "--target-pgdata=DATA --source-server='<%2 conninfo>'; touch DATA/standby.signal; set "
                         "primary_conninfo to %2 and remove default_transaction_read_only from "
                         "postgresql.auto.conf; pg_ctl start. Point pgbouncer's [databases] at %2 and RELOAD.")
              .arg(oldNode, newNode);
    return res;
}

} // namespace vigil::drills
