#include "repair.h"

#include "failover.h"
#include "processes.h"
#include "sandbox.h"
#include "state.h"

#include <QElapsedTimer>
#include <QThread>
#include <csignal>

namespace vigil::sandbox {

namespace {

struct PgNodeState
{
    QString name;
    bool running = false; // its postmaster is alive
    bool answers = false; // it accepts connections
    bool standby = false;
    qint64 timeline = 0; // a primary's current timeline: the later promotion has the higher one
};

PgNodeState readNode(const QString& dir, const QString& name)
{
    PgNodeState n;
    n.name = name;
    n.running = componentPid(dir, name) > 0;
    if (!n.running)
        return n;
    // A postmaster that was just started (or is in crash recovery) answers within seconds.
    QElapsedTimer t;
    t.start();
    do {
        pg::Connection c;
        QString ignored;
        if (openDrillSession(nodePort(dir, name), &c, &ignored)) {
            const pg::Result r = c.exec(QStringLiteral("/* vigil */ SELECT pg_is_in_recovery()"));
            if (r.ok()) {
                n.answers = true;
                n.standby = r.toBool(0, 0);
                if (!n.standby) {
                    const pg::Result tl
                        = c.exec(QStringLiteral("/* vigil */ SELECT ('x' || "
                                                "substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int"));
                    n.timeline = tl.ok() ? tl.toInt64(0, 0) : 0;
                }
                return n;
            }
        }
        QThread::msleep(200);
    } while (t.elapsed() < 10000 && componentPid(dir, name) > 0);
    return n;
}

// The line of a tool's output that says what went wrong (pg_rewind prints progress first).
QString errorLine(const QString& text)
{
    const QStringList lines = text.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    for (const QString& l : lines)
        if (l.contains(QLatin1String("error:")) || l.contains(QLatin1String("FATAL")))
            return l.trimmed();
    return lines.value(0).trimmed();
}

} // namespace

bool repair(const QString& dir, RepairReport* report, QString* error, const std::function<void(const QString&)>& say)
{
    const auto did = [&](const QString& m) {
        report->actions << m;
        if (say)
            say(m);
    };
    State s;
    if (!State::load(dir, &s, error))
        return false;

    // Everything but PostgreSQL: resume what is paused, start what is stopped.
    for (const QString& c : componentNames()) {
        if (c == QLatin1String("pg1") || c == QLatin1String("pg2"))
            continue;
        bool paused = false;
        const qint64 pid = componentPid(dir, c, &paused);
        if (pid > 0 && paused) {
            ::kill(pid_t(pid), SIGCONT);
            did(QStringLiteral("resumed %1 (it was paused)").arg(c));
        } else if (pid == 0) {
            if (!startNode(dir, c, error))
                return false;
            did(QStringLiteral("started %1").arg(c));
        }
    }

    const QString preferred = s.pgbouncerBackend.isEmpty() ? QStringLiteral("pg1") : s.pgbouncerBackend;
    const QString other = preferred == QLatin1String("pg1") ? QStringLiteral("pg2") : QStringLiteral("pg1");
    QString primary, standby;
    // Each round fixes one thing and looks again; four rounds cover the worst case (both down).
    for (int round = 0; round < 4 && primary.isEmpty(); ++round) {
        const PgNodeState a = readNode(dir, preferred), b = readNode(dir, other);
        const bool aPrimary = a.answers && !a.standby, bPrimary = b.answers && !b.standby;
        if (aPrimary && bPrimary) {
            // Split brain: keep the later promotion (the higher timeline: the other one was left
            // behind, e.g. fenced by a planned switchover); on a tie the one pgbouncer points at.
            const QString keep = b.timeline > a.timeline ? other : preferred;
            const QString drop = keep == preferred ? other : preferred;
            if (!stopNode(dir, drop, error))
                return false;
            const qint64 keepTl = keep == preferred ? a.timeline : b.timeline;
            const qint64 dropTl = keep == preferred ? b.timeline : a.timeline;
            did(QStringLiteral("stopped %1 (timeline %2): it was a second primary beside %3 (timeline %4)")
                    .arg(drop)
                    .arg(dropTl)
                    .arg(keep)
                    .arg(keepTl));
            primary = keep;
        } else if (aPrimary || bPrimary) {
            primary = aPrimary ? preferred : other;
        } else if (!a.running || !b.running) {
            const QString down = !a.running ? preferred : other;
            if (!startNode(dir, down, error))
                return false;
            did(QStringLiteral("started %1").arg(down));
        } else if (a.answers && b.answers) {
            // Two standbys and no primary: promote the one pgbouncer points at.
            pg::Connection c;
            if (!openDrillSession(nodePort(dir, preferred), &c, error))
                return false;
            const pg::Result r = c.exec(QStringLiteral("/* vigil */ SELECT pg_promote(true, 30)"));
            if (!r.ok() || !r.toBool(0, 0)) {
                *error = QStringLiteral("promoting %1 failed: %2")
                             .arg(preferred, r.ok() ? QStringLiteral("not promoted in 30 s") : r.errorMessage());
                return false;
            }
            did(QStringLiteral("promoted %1: both nodes were standbys").arg(preferred));
        } else {
            *error = QStringLiteral("%1 runs but does not accept connections: look at %2")
                         .arg(a.answers ? other : preferred, s.logFile(a.answers ? other : preferred));
            return false;
        }
    }
    if (primary.isEmpty()) {
        *error = QStringLiteral("no PostgreSQL primary could be brought up in %1").arg(dir);
        return false;
    }
    standby = primary == QLatin1String("pg1") ? QStringLiteral("pg2") : QStringLiteral("pg1");

    const PgNodeState st = readNode(dir, standby);
    QString why;
    if (!(st.answers && st.standby && waitUntilStreaming(dir, primary, standby, 5000, &why))) {
        if (st.running && !stopNode(dir, standby, &why))
            crashPostgres(dir, standby, &why);
        const auto tell = [&](const QString& m) {
            if (say)
                say(m);
        };
        if (rejoinAsStandby(dir, standby, primary, &why, tell)) {
            did(QStringLiteral("rejoined %1 as a standby of %2 (pg_rewind)").arg(standby, primary));
        } else {
            did(QStringLiteral("pg_rewind could not bring %1 back (%2); taking a fresh copy")
                    .arg(standby, errorLine(why)));
            if (!recloneStandby(dir, standby, primary, error, tell))
                return false;
            did(QStringLiteral("re-cloned %1 from %2 with pg_basebackup").arg(standby, primary));
        }
    }

    if (s.pgbouncerBackend.isEmpty() ? primary != QLatin1String("pg1") : s.pgbouncerBackend != primary) {
        if (!repointPgbouncer(dir, primary, error))
            return false;
        did(QStringLiteral("pointed pgbouncer at %1").arg(primary));
    }
    report->pgPrimary = primary;
    report->pgStandby = standby;
    return true;
}

} // namespace vigil::sandbox
