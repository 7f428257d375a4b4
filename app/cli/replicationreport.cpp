#include "replicationreport.h"

#include "monitor/clustermonitor.h"
#include "monitor/poller.h"
#include "monitor/replicationview.h"

#include <QJsonArray>
#include <QLocale>

namespace vigil::cli {

namespace {
QJsonValue ms(double seconds)
{
    return hasValue(seconds) ? QJsonValue(seconds * 1000.0) : QJsonValue(QJsonValue::Null);
}
QJsonValue num(double v)
{
    return hasValue(v) ? QJsonValue(v) : QJsonValue(QJsonValue::Null);
}
} // namespace

QList<NodeSnapshot> pollOnce(const Target& target)
{
    QList<NodeSnapshot> out;
    const std::atomic_bool stop {false};
    for (NodeSpec spec : ClusterMonitor::specsFor(target.profile, target.passwords, 1000)) {
        spec.connectTimeoutSec = 2;
        NodeSnapshot s;
        s.node = spec.name;
        s.kind = spec.kind;
        s.address = spec.kind == NodeKind::Redis || spec.kind == NodeKind::Sentinel ? spec.address : spec.conninfo;
        s.sampledAt = QDateTime::currentDateTimeUtc();
        const auto poller = Poller::create(spec);
        QString error;
        s.reachable = poller->connect(stop, &error) && poller->poll(&s, &error);
        if (!s.reachable) {
            s.lastError = error;
            s.diagnosis = poller->diagnose(error);
        }
        out.append(s);
    }
    return out;
}

QJsonObject replicationReport(const QList<NodeSnapshot>& snaps, const QString& masterName)
{
    QJsonArray postgres;
    for (const PgReplicaRow& r : pgReplicaRows(snaps)) {
        const PgWalSender& w = r.sender;
        postgres.append(QJsonObject {
            {"name", r.name},
            {"state", r.hasSender ? QJsonValue(w.state) : QJsonValue(QStringLiteral("disconnected"))},
            {"sync_state", r.hasSender ? QJsonValue(w.syncState) : QJsonValue(QJsonValue::Null)},
            {"write_lag_ms", r.hasSender ? ms(w.writeLagSec) : QJsonValue(QJsonValue::Null)},
            {"flush_lag_ms", r.hasSender ? ms(w.flushLagSec) : QJsonValue(QJsonValue::Null)},
            {"replay_lag_ms", r.hasSender ? ms(w.replayLagSec) : QJsonValue(QJsonValue::Null)},
            {"lag_bytes", r.hasSender ? num(w.replayLagBytes) : QJsonValue(QJsonValue::Null)},
            {"detail", r.stateText()},
        });
    }
    QJsonArray redis;
    for (const RedisReplicationRow& r : redisReplicationRows(snaps)) {
        const bool replica = r.reachable && r.role == NodeRole::Replica;
        redis.append(QJsonObject {
            {"addr", r.address},
            {"role", r.reachable ? roleName(r.role) : QStringLiteral("down")},
            {"link_status", replica ? QJsonValue(r.linkStatus) : QJsonValue(QJsonValue::Null)},
            {"lag_offset", replica && r.lagOffset >= 0 ? QJsonValue(r.lagOffset) : QJsonValue(QJsonValue::Null)},
        });
    }
    QJsonObject sentinel {{"master_name", masterName},
                          {"master", QJsonValue(QJsonValue::Null)},
                          {"quorum_ok", false},
                          {"sentinels", QJsonArray()}};
    for (const SentinelRow& r : sentinelRows(snaps)) {
        if (!r.reachable)
            continue;
        QStringList all {r.address};
        for (const SentinelPeer& p : r.view.sentinels)
            all << p.address;
        all.sort();
        sentinel = QJsonObject {{"master_name", masterName},
                                {"master", r.master.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(r.master)},
                                {"quorum_ok", r.quorumOk},
                                {"sentinels", QJsonArray::fromStringList(all)}};
        break; // the first reachable Sentinel speaks for them; the GUI shows each one's view
    }
    return QJsonObject {{"postgres", postgres}, {"redis", redis}, {"sentinel", sentinel}};
}

QString replicationText(const QJsonObject& r)
{
    const QLocale c = QLocale::c();
    auto lag = [&](const QJsonValue& v) {
        return v.isNull() ? QStringLiteral("idle") : c.toString(v.toDouble(), 'f', 1) + QStringLiteral(" ms");
    };
    QString out = QStringLiteral("\nReplication:\n");
    for (const QJsonValue& v : r.value("postgres").toArray()) {
        const QJsonObject p = v.toObject();
        if (p.value("state").toString() == QLatin1String("disconnected"))
            out += QStringLiteral("  PostgreSQL %1: %2\n")
                       .arg(p.value("name").toString(), p.value("detail").toString());
        else
            out += QStringLiteral("  PostgreSQL %1: %2 %3, replay lag %4, %5 bytes behind\n")
                       .arg(p.value("name").toString(), p.value("state").toString(), p.value("sync_state").toString(),
                            lag(p.value("replay_lag_ms")))
                       .arg(qint64(p.value("lag_bytes").toDouble()));
    }
    for (const QJsonValue& v : r.value("redis").toArray()) {
        const QJsonObject p = v.toObject();
        out += QStringLiteral("  Redis %1: %2").arg(p.value("addr").toString(), p.value("role").toString());
        if (!p.value("link_status").isNull())
            out += QStringLiteral(", link %1, lag %2 B")
                       .arg(p.value("link_status").toString())
                       .arg(p.value("lag_offset").isNull() ? QStringLiteral("?")
                                                           : QString::number(qint64(p.value("lag_offset").toDouble())));
        out += QLatin1Char('\n');
    }
    const QJsonObject s = r.value("sentinel").toObject();
    if (!s.value("master_name").toString().isEmpty())
        out += QStringLiteral("  Sentinel %1: master %2, quorum %3, %4 Sentinels\n")
                   .arg(s.value("master_name").toString(), s.value("master").toString(QStringLiteral("unknown")),
                        s.value("quorum_ok").toBool() ? QStringLiteral("ok") : QStringLiteral("NOT reached"))
                   .arg(s.value("sentinels").toArray().size());
    return out;
}

} // namespace vigil::cli
