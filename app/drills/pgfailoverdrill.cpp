#include "pgfailoverdrill.h"

#include "pg/pgconnection.h"
#include "pgwriteprobe.h"
#include "sandbox/failover.h"
#include "sandbox/sandbox.h"
#include "sandbox/state.h"
#include "steptimeline.h"

#include <QDateTime>
#include <QLocale>
#include <QThread>
#include <QUuid>
#include <chrono>
#include <memory>

namespace vigil::drills {

namespace {

QString fmt(qint64 v)
{
    return QLocale(QLocale::English).toString(v);
}

} // namespace

PgFailoverDrill::PgFailoverDrill(Options options)
    : m_options(std::move(options))
{
}

DrillResult PgFailoverDrill::run(const std::function<void(const DrillStep&)>& stepChanged)
{
    DrillResult res;
    const bool planned = m_options.mode == Mode::Planned;
    res.kind = planned ? QStringLiteral("pg-switchover") : QStringLiteral("pg");
    const auto origin = std::chrono::steady_clock::now();
    StepTimeline t(&res, origin, stepChanged);
    const QString dir = m_options.sandboxDir;
    const QString runId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    res.runId = runId;
    std::unique_ptr<PgWriteProbe> probe;
    QString oldNode, newNode;
    int oldPort = 0, newPort = 0;
    qint64 faultMs = -1;
    QString replayAtPromote;
    const auto aborted = [&](QString* detail) {
        if (!m_abort)
            return false;
        *detail = QStringLiteral("aborted by the operator");
        return true;
    };
    const auto finish = [&](const QString& next) {
        if (probe) {
            probe->stop();
            res.takeProbe(probe->writes(), probe->acknowledged(), probe->failed());
        }
        res.conclude(next);
        return res;
    };

    // --- Pre-flight ---
    pg::Connection primary, replica;
    if (!t.step(QStringLiteral("Pre-flight"), [&](QString* d) {
            sandbox::State s;
            if (!sandbox::State::load(dir, &s, d))
                return false;
            // Roles move with drills: ask both nodes.
            for (const QString& node : {QStringLiteral("pg1"), QStringLiteral("pg2")}) {
                pg::Connection c;
                const int port = node == QLatin1String("pg1") ? s.pg1Port : s.pg2Port;
                if (!sandbox::openDrillSession(port, &c, d, QStringLiteral("trading"))) {
                    *d = QStringLiteral("%1 is not reachable: %2").arg(node, *d);
                    return false;
                }
                const bool standby = c.exec(QStringLiteral("/* vigil */ SELECT pg_is_in_recovery()")).toBool(0, 0);
                (standby ? newNode : oldNode) = node;
                (standby ? newPort : oldPort) = port;
            }
            if (oldNode.isEmpty() || newNode.isEmpty()) {
                *d = QStringLiteral("need one primary and one standby; found %1")
                         .arg(oldNode.isEmpty() ? QStringLiteral("two standbys") : QStringLiteral("two primaries"));
                return false;
            }
            if (!sandbox::openDrillSession(oldPort, &primary, d, QStringLiteral("trading"))
                || !sandbox::openDrillSession(newPort, &replica, d, QStringLiteral("trading")))
                return false;
            const pg::Result r = primary.exec(
                QStringLiteral("/* vigil */ SELECT state, coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), "
                               "replay_lsn), 0)::bigint, (SELECT rolsuper FROM pg_roles WHERE rolname = "
                               "current_user) FROM pg_stat_replication WHERE application_name = $1"),
                {newNode});
            if (!r.ok() || r.rows() == 0 || r.text(0, 0) != QLatin1String("streaming")) {
                *d = QStringLiteral("%1 is not streaming from %2 (%3)")
                         .arg(newNode, oldNode, r.ok() ? QStringLiteral("no walsender") : r.errorMessage());
                return false;
            }
            if (r.toInt64(0, 1) > m_options.maxLagBytes) {
                *d = QStringLiteral("%1 replays %2 bytes behind (limit %3)")
                         .arg(newNode, fmt(r.toInt64(0, 1)), fmt(m_options.maxLagBytes));
                return false;
            }
            if (!r.toBool(0, 2)) {
                *d = QStringLiteral("the drill needs a superuser (pg_promote, CHECKPOINT, pg_rewind)");
                return false;
            }
            *d = QStringLiteral("primary %1, standby %2 streaming, %3 bytes behind")
                     .arg(oldNode, newNode, fmt(r.toInt64(0, 1)));
            res.oldPrimary = oldNode;
            return !aborted(d);
        }))
        return finish(QStringLiteral("Nothing was changed; fix what pre-flight reports and start again."));

    // --- Probe ---
    if (!t.step(QStringLiteral("Start write probe"), [&](QString* d) {
            const pg::Result r = primary.exec(PgWriteProbe::tableSql());
            if (!r.ok()) {
                *d = r.errorMessage();
                return false;
            }
            const QString conninfo = QStringLiteral("host=127.0.0.1,127.0.0.1 port=%1,%2 dbname=trading user=postgres "
                                                    "target_session_attrs=read-write")
                                         .arg(oldPort)
                                         .arg(newPort);
            probe = std::make_unique<PgWriteProbe>(conninfo, runId, origin, m_options.probeIntervalMs);
            probe->setTally(m_options.tally);
            probe->start();
            if (!probe->warmUp(m_options.warmupMs, m_abort, oldNode, d))
                return false;
            return !aborted(d);
        }))
        return finish(QStringLiteral("Nothing was changed but the probe table vigil_drill_probe; start again."));

    // --- Fault ---
    if (!planned && !t.step(QStringLiteral("Crash primary"), [&](QString* d) {
            faultMs = t.now();
            primary.close();
            if (!sandbox::crashPostgres(dir, oldNode, d))
                return false;
            *d = QStringLiteral("%1 stopped with pg_ctl stop -m immediate").arg(oldNode);
            return true;
        }))
        return finish(QStringLiteral("Check %1 with `vigil sandbox status --dir %2`; `vigil sandbox repair --dir %2` "
                                     "starts it again if it is half stopped.")
                          .arg(oldNode, dir));

    QString shutdownLsn;
    if (planned && !t.step(QStringLiteral("Stop primary cleanly"), [&](QString* d) {
            faultMs = t.now();
            primary.close();
            // A fast shutdown ends every session, writes a shutdown checkpoint and waits until the
            // connected walsenders have sent all WAL up to it.
            if (!sandbox::stopNode(dir, oldNode, d))
                return false;
            shutdownLsn = sandbox::lastCheckpointLsn(dir, oldNode, d);
            if (shutdownLsn.isEmpty())
                return false;
            *d = QStringLiteral("%1 stopped with pg_ctl stop -m fast; shutdown checkpoint at %2")
                     .arg(oldNode, shutdownLsn);
            return true;
        }))
        return finish(QStringLiteral("Check %1 with `vigil sandbox status --dir %2`; `vigil sandbox repair --dir %2` "
                                     "starts it again if it is stopped (nothing was promoted).")
                          .arg(oldNode, dir));

    if (planned && !t.step(QStringLiteral("Standby caught up"), [&](QString* d) {
            const qint64 until = t.now() + m_options.resumeTimeoutMs;
            while (t.now() < until && !m_abort) {
                const pg::Result r = replica.exec(
                    QStringLiteral("/* vigil */ SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), $1::pg_lsn) >= 0, "
                                   "pg_last_wal_replay_lsn()::text"),
                    {shutdownLsn});
                if (r.ok() && r.toBool(0, 0)) {
                    *d = QStringLiteral("%1 replayed up to %2, past the shutdown checkpoint %3")
                             .arg(newNode, r.text(0, 1), shutdownLsn);
                    return true;
                }
                QThread::msleep(20);
            }
            *d = QStringLiteral("%1 did not replay the shutdown checkpoint %2").arg(newNode, shutdownLsn);
            return false;
        }))
        return finish(QStringLiteral("%1 is stopped and %2 has not replayed all of its WAL: nothing was promoted; "
                                     "`vigil sandbox repair --dir %3` starts %1 again; look at %2's log.")
                          .arg(oldNode, newNode, dir));

    if (!t.step(QStringLiteral("Promote replica"), [&](QString* d) {
            const pg::Result lsn = replica.exec(QStringLiteral("/* vigil */ SELECT pg_last_wal_replay_lsn()::text"));
            replayAtPromote = lsn.ok() ? lsn.text(0, 0) : QString();
            const pg::Result r = replica.exec(QStringLiteral("/* vigil */ SELECT pg_promote(true, 30)"));
            if (!r.ok() || !r.toBool(0, 0)) {
                *d = QStringLiteral("%1 refused the promotion: %2")
                         .arg(newNode,
                              r.ok() ? QStringLiteral("pg_promote returned false (not promoted within 30 s)")
                                     : r.errorMessage());
                // "recovery is not in progress": something else promoted it meanwhile.
                const pg::Result now = replica.exec(QStringLiteral("/* vigil */ SELECT pg_is_in_recovery()"));
                if (now.ok() && !now.toBool(0, 0))
                    *d += QStringLiteral("; %1 is already a primary, promoted outside this drill").arg(newNode);
                return false;
            }
            *d = QStringLiteral("%1 promoted at replay position %2").arg(newNode, replayAtPromote);
            res.newPrimary = newNode;
            return true;
        }))
        return finish(QStringLiteral("The old primary %1 is down and the drill did not promote %2. Run `vigil sandbox "
                                     "repair --dir %3`: it keeps a primary that is up (%2 if it was promoted "
                                     "elsewhere, else %1 restarted) and brings the other back as its standby.")
                          .arg(oldNode, newNode, dir));

    if (!t.step(QStringLiteral("Writes resume"), [&](QString* d) {
            // The probe reaches the sandbox's nodes on 127.0.0.1, as State::hostPort names them.
            const qint64 ack
                = probe->waitForAck(faultMs, sandbox::State::hostPort(newPort), m_options.resumeTimeoutMs, m_abort);
            if (ack < 0) {
                *d = m_abort ? QStringLiteral("aborted by the operator")
                             : QStringLiteral("no write acknowledged by %1 within %2 ms")
                                   .arg(newNode)
                                   .arg(m_options.resumeTimeoutMs);
                return false;
            }
            res.rtoMs = ack - faultMs;
            *d = QStringLiteral("first write acknowledged by %1 %2 ms after the fault").arg(newNode).arg(res.rtoMs);
            return true;
        }))
        return finish(QStringLiteral("%1 is promoted but takes no writes: look at its log in %2/log, then run `vigil "
                                     "sandbox repair --dir %2`.")
                          .arg(newNode, dir));

    if (!t.step(QStringLiteral("Repoint pgbouncer"), [&](QString* d) {
            if (!sandbox::repointPgbouncer(dir, newNode, d))
                return false;
            sandbox::State s;
            sandbox::State::load(dir, &s, nullptr);
            pg::Connection via;
            pg::ConnectOptions o;
            o.conninfo = sandbox::State::pgConninfo(s.pgbouncerPort);
            o.applicationName = QStringLiteral("vigil-drill");
            if (!via.open(o)) {
                *d = QStringLiteral("pgbouncer: %1").arg(via.lastError());
                return false;
            }
            const pg::Result r = via.execSimple(QStringLiteral("/* vigil */ SELECT inet_server_port(), "
                                                               "pg_is_in_recovery()"));
            if (!r.ok() || r.toInt64(0, 0) != newPort || r.toBool(0, 1)) {
                *d = r.ok() ? QStringLiteral("pgbouncer still reaches port %1").arg(r.text(0, 0)) : r.errorMessage();
                return false;
            }
            *d = QStringLiteral("pgbouncer now sends clients to %1 (port %2), RELOAD + RECONNECT")
                     .arg(newNode)
                     .arg(newPort);
            return true;
        }))
        return finish(QStringLiteral("%1 is the primary; point pgbouncer at port %2 by hand and RELOAD, or run "
                                     "`vigil sandbox repair --dir %3`.")
                          .arg(newNode)
                          .arg(newPort)
                          .arg(dir));

    if (!t.step(QStringLiteral("Measure RPO"), [&](QString* d) {
            const qint64 until = t.now() + m_options.settleMs;
            while (t.now() < until)
                QThread::msleep(20);
            probe->stop();
            pg::Connection fresh;
            if (!sandbox::openDrillSession(newPort, &fresh, d, QStringLiteral("trading")))
                return false;
            const qint64 lost = probe->countMissing(fresh, d);
            if (lost < 0)
                return false;
            QString lastOldLsn;
            for (const PgWriteProbe::Write& w : probe->writes())
                if (w.ackMs >= 0 && w.port == oldPort)
                    lastOldLsn = w.lsn; // writes are sequential: the last one is the highest
            res.rpoLostWrites = lost;
            res.rpoLostBytes = 0;
            if (!lastOldLsn.isEmpty() && !replayAtPromote.isEmpty()) {
                const pg::Result diff = fresh.exec(
                    QStringLiteral("/* vigil */ SELECT greatest(pg_wal_lsn_diff($1::pg_lsn, $2::pg_lsn), 0)::bigint"),
                    {lastOldLsn, replayAtPromote});
                res.rpoLostBytes = diff.ok() ? diff.toInt64(0, 0) : -1;
            }
            *d = QStringLiteral("%1 of %2 acknowledged writes missing on %3; %4 WAL bytes acknowledged on %5 after "
                                "%3's last replayed position")
                     .arg(fmt(lost), fmt(probe->acknowledged()), newNode, fmt(res.rpoLostBytes), oldNode);
            return true;
        }))
        return finish(QStringLiteral("%1 is the primary and serves through pgbouncer; %2 is down: `vigil sandbox "
                                     "repair --dir %3` rejoins it as a standby.")
                          .arg(newNode, oldNode, dir));

    if (!t.step(QStringLiteral("Rejoin old primary"), [&](QString* d) {
            QStringList said;
            if (!sandbox::rejoinAsStandby(dir, oldNode, newNode, d, [&](const QString& m) { said << m; }))
                return false;
            res.repaired = true;
            *d = said.join(QStringLiteral("; "));
            return true;
        }))
        return finish(QStringLiteral("%1 is the primary and serves through pgbouncer; %2 could not rejoin. Fix what "
                                     "the step reports, then `vigil sandbox repair --dir %3` rejoins it (pg_rewind, "
                                     "or a fresh pg_basebackup when pg_rewind cannot).")
                          .arg(newNode, oldNode, dir));
    return finish({});
}

} // namespace vigil::drills
