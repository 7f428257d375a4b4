#include "redisfailoverdrill.h"

#include "redis/redisconnection.h"
#include "rediswriteprobe.h"
#include "sandbox/processes.h"
#include "sandbox/state.h"
#include "steptimeline.h"

#include <QLocale>
#include <QThread>
#include <QUuid>
#include <csignal>
#include <memory>

namespace vigil::drills {

namespace {

constexpr int kTimeoutMs = 500;

QString nodeOf(const sandbox::State& s, const QString& addr)
{
    if (addr == sandbox::State::hostPort(s.redis1Port))
        return QStringLiteral("redis1");
    if (addr == sandbox::State::hostPort(s.redis2Port))
        return QStringLiteral("redis2");
    return {};
}

redis::Reply command(const QString& addr, const QByteArrayList& args, int timeoutMs = kTimeoutMs)
{
    redis::Endpoint e;
    redis::Connection c;
    if (!redis::Endpoint::parse(addr, &e) || !c.open(e, timeoutMs)) {
        redis::Reply r;
        r.type = redis::Reply::Type::Error;
        r.str = c.lastError().toUtf8();
        return r;
    }
    return c.command(args);
}

QHash<QString, QString> info(const QString& addr, const QByteArray& section)
{
    const redis::Reply r = command(addr, {"INFO", section});
    return r.type == redis::Reply::Type::String ? redis::parseInfo(r.str) : QHash<QString, QString> {};
}

} // namespace

RedisFailoverDrill::RedisFailoverDrill(Options options)
    : m_options(std::move(options))
{
}

DrillResult RedisFailoverDrill::run(const std::function<void(const DrillStep&)>& stepChanged)
{
    const bool unplanned = m_options.mode == Mode::Unplanned;
    DrillResult res;
    res.kind = unplanned ? QStringLiteral("redis") : QStringLiteral("redis-manual");
    const auto origin = std::chrono::steady_clock::now();
    StepTimeline t(&res, origin, stepChanged);
    const QString runId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    res.runId = runId;
    const QLocale en(QLocale::English);
    sandbox::State s;
    QString oldMaster, newMaster, oldNode;
    qint64 pid = 0, faultMs = -1;
    bool paused = false;
    std::unique_ptr<RedisWriteProbe> probe;
    const QString masterName = QStringLiteral("trading");
    QStringList sentinels;

    const auto finish = [&](const QString& next) {
        if (paused && pid > 0)
            ::kill(pid_t(pid), SIGCONT); // never leave a server frozen, whatever failed
        if (probe) {
            probe->stop();
            res.takeProbe(probe->writes(), probe->acknowledged(), probe->failed());
        }
        res.conclude(next);
        return res;
    };

    if (!t.step(QStringLiteral("Pre-flight"), [&](QString* d) {
            if (!sandbox::State::load(m_options.sandboxDir, &s, d))
                return false;
            for (int p : s.sentinelPorts)
                sentinels << sandbox::State::hostPort(p);
            oldMaster = sentinelMaster(sentinels, masterName, kTimeoutMs);
            oldNode = nodeOf(s, oldMaster);
            if (oldNode.isEmpty()) {
                *d = QStringLiteral("no Sentinel names a sandbox master for %1 (got \"%2\")")
                         .arg(masterName, oldMaster);
                return false;
            }
            const redis::Reply q = command(sentinels.first(), {"SENTINEL", "CKQUORUM", masterName.toUtf8()});
            if (q.isError()) {
                *d = QStringLiteral("Sentinel quorum not reachable: %1").arg(q.text());
                return false;
            }
            const auto repl = info(oldMaster, "replication");
            if (repl.value(QStringLiteral("connected_slaves")).toInt() < 1
                || !repl.value(QStringLiteral("slave0")).contains(QLatin1String("state=online"))) {
                *d = QStringLiteral("%1 has no online replica (%2)")
                         .arg(oldMaster, repl.value(QStringLiteral("slave0")));
                return false;
            }
            res.oldPrimary = oldMaster;
            *d = QStringLiteral("master %1 (%2), replica online, %3").arg(oldMaster, oldNode, q.text());
            return !m_abort;
        }))
        return finish(QStringLiteral("Nothing was changed; fix what pre-flight reports and start again."));

    if (!t.step(QStringLiteral("Start write probe"), [&](QString* d) {
            probe = std::make_unique<RedisWriteProbe>(sentinels, masterName, runId, origin, m_options.probeIntervalMs);
            probe->setTally(m_options.tally);
            probe->start();
            const qint64 until = t.now() + m_options.warmupMs;
            while (t.now() < until && !m_abort)
                QThread::msleep(20);
            *d = QStringLiteral("%1 writes acknowledged by %2").arg(probe->acknowledged()).arg(oldMaster);
            return probe->acknowledged() > 0 && !m_abort;
        }))
        return finish(QStringLiteral("Nothing was changed but probe keys vigil:drill:*; start again."));

    if (!t.step(unplanned ? QStringLiteral("Pause master") : QStringLiteral("SENTINEL FAILOVER"), [&](QString* d) {
            faultMs = t.now();
            if (unplanned) {
                pid = sandbox::proc::readPidFile(s.path(oldNode) + QStringLiteral("/redis.pid"));
                if (pid <= 0 || ::kill(pid_t(pid), SIGSTOP) != 0) {
                    *d = QStringLiteral("could not pause %1 (pid %2)").arg(oldNode).arg(pid);
                    return false;
                }
                paused = true;
                *d = QStringLiteral("%1 (pid %2) paused with SIGSTOP").arg(oldNode).arg(pid);
                return true;
            }
            const redis::Reply r = command(sentinels.first(), {"SENTINEL", "FAILOVER", masterName.toUtf8()});
            *d = r.isError() ? r.text() : QStringLiteral("SENTINEL FAILOVER %1 accepted").arg(masterName);
            return !r.isError();
        }))
        return finish(QStringLiteral("The master %1 is unchanged; check the Sentinels with `vigil sandbox status`.")
                          .arg(oldMaster));

    if (!t.step(QStringLiteral("Sentinel failover"), [&](QString* d) {
            const qint64 until = t.now() + m_options.failoverTimeoutMs;
            while (t.now() < until && !m_abort) {
                const QString m = sentinelMaster(sentinels, masterName, kTimeoutMs);
                if (!m.isEmpty() && m != oldMaster) {
                    newMaster = m;
                    break;
                }
                QThread::msleep(20);
            }
            if (newMaster.isEmpty()) {
                *d = QStringLiteral("Sentinel still names %1 after %2 ms")
                         .arg(oldMaster)
                         .arg(m_options.failoverTimeoutMs);
                return false;
            }
            res.newPrimary = newMaster;
            *d = QStringLiteral("Sentinel names %1 (%2) %3 ms after the fault")
                     .arg(newMaster, nodeOf(s, newMaster))
                     .arg(t.now() - faultMs);
            return true;
        }))
        return finish(QStringLiteral("No failover happened; the old master is resumed. Check Sentinel quorum "
                                     "(SENTINEL CKQUORUM %1).")
                          .arg(masterName));

    if (!t.step(QStringLiteral("Writes resume"), [&](QString* d) {
            const qint64 ack = probe->waitForAck(faultMs, newMaster, m_options.failoverTimeoutMs, m_abort);
            if (ack < 0) {
                *d = QStringLiteral("no write acknowledged by %1").arg(newMaster);
                return false;
            }
            res.rtoMs = ack - faultMs;
            *d = QStringLiteral("first write acknowledged by %1 %2 ms after the fault").arg(newMaster).arg(res.rtoMs);
            return true;
        }))
        return finish(QStringLiteral("Sentinel names %1 but it takes no writes: look at its log.").arg(newMaster));

    if (unplanned && !t.step(QStringLiteral("Resume old master"), [&](QString* d) {
            // A client still connected to the old master keeps writing to it once it wakes up,
            // until Sentinel turns it into a replica (READONLY).
            ::kill(pid_t(pid), SIGCONT);
            paused = false;
            const qint64 woke = t.now();
            redis::Endpoint e;
            redis::Endpoint::parse(oldMaster, &e);
            redis::Connection stale;
            qint64 accepted = 0, n = 0;
            QByteArrayList keys;
            qint64 lastAccepted = woke;
            while (t.now() - woke < 20000) {
                if (!stale.isOpen() && !stale.open(e, kTimeoutMs)) {
                    QThread::msleep(20);
                    continue;
                }
                const QByteArray key = "vigil:drill:" + runId.toUtf8() + ":stale:" + QByteArray::number(++n);
                const redis::Reply r = stale.command(QByteArrayList {"SET", key, "1"});
                if (r.type == redis::Reply::Type::Status) {
                    ++accepted;
                    keys << key;
                    lastAccepted = t.now();
                } else if (r.isError() && r.str.startsWith("READONLY")) {
                    break;
                }
                QThread::msleep(50);
            }
            res.demotedWritesAccepted = accepted;
            res.demotedWindowMs = accepted > 0 ? lastAccepted - woke : 0;
            // Once it is a replica its data is the new master's: count what survived there.
            QThread::msleep(200);
            qint64 lost = 0;
            redis::Endpoint ne;
            redis::Endpoint::parse(newMaster, &ne);
            redis::Connection nm;
            if (nm.open(ne, kTimeoutMs))
                for (const QByteArray& k : keys)
                    if (nm.command(QByteArrayList {"EXISTS", k}).integer == 0)
                        ++lost;
            res.demotedWritesLost = lost;
            *d = QStringLiteral("%1 resumed; it acknowledged %2 writes over %3 ms as a demoted master before "
                                "refusing with READONLY; %4 of them are lost")
                     .arg(oldMaster)
                     .arg(accepted)
                     .arg(res.demotedWindowMs)
                     .arg(lost);
            return true;
        }))
        return finish({});

    if (!t.step(QStringLiteral("Measure RPO"), [&](QString* d) {
            probe->stop();
            redis::Endpoint e;
            redis::Connection nm;
            if (!redis::Endpoint::parse(newMaster, &e) || !nm.open(e, kTimeoutMs)) {
                *d = QStringLiteral("%1: %2").arg(newMaster, nm.lastError());
                return false;
            }
            qint64 lost = 0, acked = 0;
            for (const RedisWriteProbe::Write& w : probe->writes()) {
                if (w.ackMs < 0)
                    continue;
                ++acked;
                if (nm.command(QByteArrayList {"EXISTS", RedisWriteProbe::key(runId, w.seq)}).integer == 0)
                    ++lost;
            }
            res.rpoLostWrites = lost;
            *d = QStringLiteral("%1 of %2 acknowledged writes missing on %3").arg(lost).arg(acked).arg(newMaster);
            return true;
        }))
        return finish(QStringLiteral("%1 is the master; the RPO could not be counted.").arg(newMaster));

    if (!t.step(QStringLiteral("Old master rejoins"), [&](QString* d) {
            const QString newPort = newMaster.section(QLatin1Char(':'), -1);
            const qint64 until = t.now() + m_options.rejoinTimeoutMs;
            QHash<QString, QString> repl;
            while (t.now() < until && !m_abort) {
                repl = info(oldMaster, "replication");
                // Both sides: the replica's link is up and the master lists it online (not still
                // in a full resync, wait_bgsave), so the next drill's pre-flight finds it ready.
                const auto master = info(newMaster, "replication");
                bool online = false;
                for (auto it = master.constBegin(); it != master.constEnd(); ++it)
                    online = online
                        || (it.key().startsWith(QLatin1String("slave"))
                            && it.value().contains(QLatin1String("port=") + oldMaster.section(QLatin1Char(':'), -1))
                            && it.value().contains(QLatin1String("state=online")));
                if (repl.value(QStringLiteral("role")) == QLatin1String("slave")
                    && repl.value(QStringLiteral("master_port")) == newPort
                    && repl.value(QStringLiteral("master_link_status")) == QLatin1String("up") && online) {
                    res.repaired = true;
                    *d = QStringLiteral("%1 replicates from %2, link up, online on the master")
                             .arg(oldMaster, newMaster);
                    return true;
                }
                QThread::msleep(100);
            }
            *d = QStringLiteral("%1 is role %2, link %3 after %4 ms")
                     .arg(oldMaster, repl.value(QStringLiteral("role")),
                          repl.value(QStringLiteral("master_link_status")))
                     .arg(m_options.rejoinTimeoutMs);
            return false;
        }))
        return finish(QStringLiteral("%1 is the master; %2 did not rejoin: SENTINEL RESET %3 or restart it.")
                          .arg(newMaster, oldMaster, masterName));
    Q_UNUSED(en);
    return finish({});
}

} // namespace vigil::drills
