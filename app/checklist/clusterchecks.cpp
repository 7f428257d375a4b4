#include "items.h"

#include <QJsonArray>
#include <QLocale>

namespace vigil::checklist {

namespace {
// A standby this far behind in replay serves stale reads and loses that much on failover.
constexpr double kReplayLagWarnMs = 10'000;
constexpr double kReplayLagFailMs = 300'000;
constexpr double kLagBytesWarn = 64.0 * 1024 * 1024;
// A Redis replica this many bytes behind its master loses them on failover.
constexpr double kRedisLagWarnBytes = 1024.0 * 1024;

QString ms(double v)
{
    return QLocale::c().toString(v, 'f', v < 10 ? 1 : 0) + QStringLiteral(" ms");
}
} // namespace

// Every node answers: a node down is a fail whatever its role (a replica down is lost redundancy).
ChecklistItem nodesItem(const QList<NodeSnapshot>& snaps)
{
    int up = 0;
    QStringList lines;
    for (const NodeSnapshot& s : snaps) {
        up += s.reachable;
        if (!s.reachable)
            lines << QStringLiteral("%1 DOWN: %2").arg(s.node, s.diagnosis.toText());
        else
            lines << QStringLiteral("%1 %2 %3 %4").arg(s.node, kindName(s.kind), roleName(s.role), s.version);
        for (const Finding& f : s.findings)
            lines << QStringLiteral("  %1: %2").arg(s.node, f.message);
    }
    if (snaps.isEmpty())
        return item("nodes", "Every node reachable", "fail", "no nodes in the target");
    return item("nodes", "Every node reachable", up == snaps.size() ? "ok" : "fail",
                QStringLiteral("%1 of %2 up").arg(up).arg(snaps.size()), lines.join('\n'));
}

// Each standby has a WAL sender in state "streaming" (anything else: fail); replay lag warns at
// 10 s or 64 MB and fails at 5 min. NULL lag means the standby is idle and caught up.
ChecklistItem pgReplicationItem(const QJsonObject& replication, int pgNodes)
{
    const QJsonArray rows = replication.value("postgres").toArray();
    const QString title = QStringLiteral("PostgreSQL replication");
    if (rows.isEmpty())
        return item("pg_replication", title, pgNodes > 1 ? "fail" : "ok",
                    pgNodes > 1 ? QStringLiteral("no standby found") : QStringLiteral("no standby configured"));
    QString status = QStringLiteral("ok");
    int streaming = 0;
    double maxLag = 0, maxBytes = 0;
    QStringList lines;
    for (const QJsonValue& v : rows) {
        const QJsonObject r = v.toObject();
        const bool ok = r.value("state").toString() == QLatin1String("streaming");
        streaming += ok;
        if (!ok)
            status = worse(status, "fail");
        const double lag = r.value("replay_lag_ms").toDouble(0);
        const double bytes = r.value("lag_bytes").toDouble(0);
        maxLag = std::max(maxLag, lag);
        maxBytes = std::max(maxBytes, bytes);
        if (lag >= kReplayLagFailMs)
            status = worse(status, "fail");
        else if (lag >= kReplayLagWarnMs || bytes >= kLagBytesWarn)
            status = worse(status, "warn");
        lines << QStringLiteral("%1: %2, replay lag %3, %4 bytes behind")
                     .arg(r.value("name").toString(), r.value("detail").toString(),
                          r.value("replay_lag_ms").isNull() ? QStringLiteral("idle") : ms(lag))
                     .arg(qint64(bytes));
    }
    return item("pg_replication", title, status,
                QStringLiteral("%1 of %2 streaming, max replay lag %3").arg(streaming).arg(rows.size()).arg(ms(maxLag)),
                lines.join('\n'));
}

// One master, every replica's link "up" (down node or link: fail); a replica 1 MB behind warns.
ChecklistItem redisReplicationItem(const QJsonObject& replication, int redisNodes)
{
    const QString title = QStringLiteral("Redis replication");
    if (redisNodes == 0)
        return item("redis_replication", title, "ok", "no Redis in the target");
    QString status = QStringLiteral("ok"), master;
    int replicas = 0, linksUp = 0;
    QStringList lines;
    for (const QJsonValue& v : replication.value("redis").toArray()) {
        const QJsonObject r = v.toObject();
        const QString role = r.value("role").toString();
        const QString addr = r.value("addr").toString();
        if (role == QLatin1String("down")) {
            status = worse(status, "fail");
            lines << addr + QStringLiteral(" is down");
        } else if (role == QLatin1String("master")) {
            master = addr;
        } else {
            ++replicas;
            const bool up = r.value("link_status").toString() == QLatin1String("up");
            linksUp += up;
            const double lag = r.value("lag_offset").toDouble(0);
            status = worse(status, !up ? "fail" : lag >= kRedisLagWarnBytes ? "warn" : "ok");
            lines << QStringLiteral("%1: replica, link %2, %3 bytes behind")
                         .arg(addr, r.value("link_status").toString())
                         .arg(qint64(lag));
        }
    }
    if (master.isEmpty())
        status = worse(status, "fail");
    return item("redis_replication", title, status,
                QStringLiteral("master %1, %2 of %3 replica links up")
                    .arg(master.isEmpty() ? QStringLiteral("none") : master)
                    .arg(linksUp)
                    .arg(replicas),
                lines.join('\n'));
}

// The Sentinels can agree on a failover (CKQUORUM) and name a master; either missing is a fail.
ChecklistItem sentinelItem(const QJsonObject& replication, int sentinels)
{
    const QString title = QStringLiteral("Sentinel quorum");
    if (sentinels == 0)
        return item("sentinel_quorum", title, "ok", "no Sentinel in the target");
    const QJsonObject s = replication.value("sentinel").toObject();
    const bool quorum = s.value("quorum_ok").toBool();
    const QString master = s.value("master").toString();
    return item("sentinel_quorum", title, quorum && !master.isEmpty() ? "ok" : "fail",
                QStringLiteral("quorum %1, %2 Sentinels, master %3")
                    .arg(quorum ? QStringLiteral("ok") : QStringLiteral("NOT reached"))
                    .arg(s.value("sentinels").toArray().size())
                    .arg(master.isEmpty() ? QStringLiteral("unknown") : master),
                QStringLiteral("master name %1").arg(s.value("master_name").toString()));
}

} // namespace vigil::checklist
