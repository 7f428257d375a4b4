// `vigil status TARGET [--json] [--rounds N]`: the Overview as text or JSON, from the same
// ClusterMonitor the console uses. Waits for N poll rounds (default 2, so rates have two samples).
#include "commands.h"
#include "target.h"

#include "monitor/clustermonitor.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>
#include <QTimer>

namespace vigil::cli {

namespace {
QJsonValue num(double v)
{
    return hasValue(v) ? QJsonValue(v) : QJsonValue(QJsonValue::Null);
}
QJsonValue num(qint64 v)
{
    return v >= 0 ? QJsonValue(v) : QJsonValue(QJsonValue::Null);
}

QJsonObject toJson(const NodeSnapshot& s)
{
    QJsonObject o {
        {"node", s.node},       {"kind", kindName(s.kind)},     {"reachable", s.reachable}, {"role", roleName(s.role)},
        {"version", s.version}, {"uptime_s", num(s.uptimeSec)}, {"rtt_ms", num(s.rttMs)},
    };
    if (!s.reachable) {
        o["down_since"] = s.downSince.toString(Qt::ISODateWithMs);
        o["error"] = s.diagnosis.toText();
    }
    switch (s.kind) {
    case NodeKind::Postgres:
        o["tps"] = num(s.tps);
        o["connections"] = num(qint64(s.connections));
        o["max_connections"] = num(qint64(s.maxConnections));
        o["cache_hit_pct"] = num(s.cacheHitPct);
        o["replication"] = s.replicationText();
        if (s.role == NodeRole::Replica) {
            o["replay_lag_s"] = num(s.replayLagSec);
            o["replay_lag_bytes"] = num(s.replayLagBytes);
        }
        break;
    case NodeKind::PgBouncer:
        o["tps"] = num(s.tps);
        o["clients"] = num(qint64(s.clients));
        o["clients_waiting"] = num(qint64(s.clientsWaiting));
        break;
    case NodeKind::Redis:
        o["ops_per_sec"] = num(s.opsPerSec);
        o["used_memory"] = num(s.usedMemory);
        o["clients"] = num(qint64(s.clients));
        o["replication"] = s.replicationText();
        break;
    case NodeKind::Sentinel:
        o["master"] = s.masterAddress;
        o["quorum_ok"] = s.quorumOk;
        break;
    }
    QJsonArray findings;
    for (const Finding& f : s.findings)
        findings.append(QJsonObject {{"message", f.message}, {"fix_sql", f.fixSql}});
    if (!findings.isEmpty())
        o["findings"] = findings;
    return o;
}
} // namespace

int statusCommand(const QStringList& argsIn)
{
    QStringList args = argsIn;
    QTextStream err(stderr);
    QString error;
    Target target;
    if (!takeTarget(&args, &target, &error)) {
        err << "vigil status: " << error << "\n";
        return 2;
    }
    const bool json = takeFlag(&args, QStringLiteral("json"));
    const QStringList rounds = takeOption(&args, QStringLiteral("rounds"), &error);
    if (!args.isEmpty() || !error.isEmpty()) {
        err << "vigil status: unexpected argument " << (error.isEmpty() ? args.first() : error) << "\n";
        return 2;
    }
    const int wantRounds = std::max(1, rounds.value(0, QStringLiteral("2")).toInt());

    ClusterMonitor monitor;
    QHash<QString, int> seen;
    QObject::connect(&monitor, &ClusterMonitor::snapshotArrived, &monitor, [&](const NodeSnapshot& s) {
        seen[s.node] += 1;
        for (const QString& n : monitor.nodeNames())
            if (seen.value(n) < wantRounds)
                return;
        QCoreApplication::quit();
    });
    monitor.start(target.profile, target.passwords, 1000);
    // A node that never answers still reports within its connect timeout; this is the backstop.
    QTimer::singleShot(wantRounds * 1000 + 10000, qApp, &QCoreApplication::quit);
    QCoreApplication::exec();
    const QList<NodeSnapshot> snaps = monitor.latestAll();
    monitor.shutdown();

    int down = 0;
    QJsonArray nodes;
    for (const NodeSnapshot& s : snaps) {
        down += !s.reachable;
        nodes.append(toJson(s));
    }
    if (json) {
        QTextStream(stdout) << QJsonDocument(QJsonObject {{"profile", target.profile.name}, {"nodes", nodes}})
                                   .toJson(QJsonDocument::Indented);
    } else {
        QTextStream out(stdout);
        for (const NodeSnapshot& s : snaps) {
            out << QStringLiteral("%1  %2  %3  ").arg(s.node, -10).arg(kindName(s.kind), -10).arg(roleName(s.role), -9);
            if (!s.reachable)
                out << "DOWN  " << s.diagnosis.toText();
            else
                out << "up  " << s.version << "  " << s.replicationText();
            out << "\n";
        }
    }
    if (snaps.size() < monitor.nodeNames().size())
        err << "vigil status: some nodes gave no answer in time\n";
    return down > 0 || snaps.size() < monitor.nodeNames().size() ? 1 : 0;
}

} // namespace vigil::cli
