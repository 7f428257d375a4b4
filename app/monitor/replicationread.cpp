#include "replicationread.h"

#include "pg/pgresult.h"
#include "redis/redisconnection.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>

namespace vigil {

namespace {
// JSON null (pg_stat_replication's NULL lag) stays NaN, never 0.
double jnum(const QJsonObject& o, const char* key)
{
    const QJsonValue v = o.value(QLatin1String(key));
    return v.isDouble() ? v.toDouble() : kNoValue;
}

QJsonArray jsonArray(const pg::Result& r, const char* column)
{
    if (r.isNull(0, column))
        return {};
    return QJsonDocument::fromJson(r.bytes(0, r.column(column))).array();
}

// "ip=127.0.0.1,port=6380,state=online,offset=123,lag=0"
QHash<QString, QString> splitFields(const QString& text)
{
    QHash<QString, QString> out;
    for (const QString& part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const int eq = int(part.indexOf(QLatin1Char('=')));
        if (eq > 0)
            out.insert(part.left(eq), part.mid(eq + 1));
    }
    return out;
}

// SENTINEL MASTER / REPLICAS entries are flat [key, value, key, value ...] arrays.
QHash<QString, QString> pairs(const redis::Reply& r)
{
    QHash<QString, QString> out;
    for (size_t i = 0; i + 1 < r.elements.size(); i += 2)
        out.insert(r.elements[i].text(), r.elements[i + 1].text());
    return out;
}

QList<SentinelPeer> peers(const redis::Reply& r)
{
    QList<SentinelPeer> out;
    if (r.type != redis::Reply::Type::Array)
        return out;
    for (const redis::Reply& e : r.elements) {
        const auto kv = pairs(e);
        out.append({kv.value(QStringLiteral("ip")) + QLatin1Char(':') + kv.value(QStringLiteral("port")),
                    kv.value(QStringLiteral("flags")), kv.value(QStringLiteral("master-link-status"))});
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.address < b.address; });
    return out;
}
} // namespace

void readPgReplication(const pg::Result& r, bool canMonitor, NodeSnapshot* s)
{
    for (const QJsonValue& v : jsonArray(r, "wal_senders")) {
        const QJsonObject o = v.toObject();
        PgWalSender w;
        w.name = o.value(QLatin1String("name")).toString();
        w.clientAddress = o.value(QLatin1String("client")).toString();
        w.state = o.value(QLatin1String("state")).toString();
        w.syncState = o.value(QLatin1String("sync_state")).toString();
        w.sentLsn = o.value(QLatin1String("sent_lsn")).toString();
        w.writeLsn = o.value(QLatin1String("write_lsn")).toString();
        w.flushLsn = o.value(QLatin1String("flush_lsn")).toString();
        w.replayLsn = o.value(QLatin1String("replay_lsn")).toString();
        w.writeLagSec = jnum(o, "write_lag_s");
        w.flushLagSec = jnum(o, "flush_lag_s");
        w.replayLagSec = jnum(o, "replay_lag_s");
        w.sentLagBytes = jnum(o, "sent_lag_b");
        w.writeLagBytes = jnum(o, "write_lag_b");
        w.flushLagBytes = jnum(o, "flush_lag_b");
        w.replayLagBytes = jnum(o, "replay_lag_b");
        w.slotName = o.value(QLatin1String("slot")).toString();
        w.backendStart = QDateTime::fromString(o.value(QLatin1String("backend_start")).toString(), Qt::ISODateWithMs);
        // Without pg_monitor the row exists but its state and positions are NULL.
        if (!canMonitor && w.sentLsn.isEmpty())
            s->replicationDetailsHidden = true;
        s->walSenders.append(w);
    }
    for (const QJsonValue& v : jsonArray(r, "slots")) {
        const QJsonObject o = v.toObject();
        PgSlot slot;
        slot.name = o.value(QLatin1String("name")).toString();
        slot.type = o.value(QLatin1String("type")).toString();
        slot.active = o.value(QLatin1String("active")).toBool();
        slot.restartLsn = o.value(QLatin1String("restart_lsn")).toString();
        slot.retainedBytes = jnum(o, "retained_b");
        slot.walStatus = o.value(QLatin1String("wal_status")).toString();
        slot.safeWalSize = jnum(o, "safe_wal_size");
        s->replicationSlots.append(slot);
    }
    s->receiveLsn = r.text(0, "receive_lsn");
    s->replayLsn = r.text(0, "replay_lsn");
    s->senderAddress = r.text(0, "sender");
    s->receiverSlot = r.text(0, "receiver_slot");
    s->maxWalSizeBytes = r.toInt64(0, "max_wal_size_b", -1);
}

void readRedisReplication(const QHash<QString, QString>& info, NodeSnapshot* s)
{
    const bool master = info.value(QStringLiteral("role")) == QLatin1String("master");
    if (master) {
        s->replOffset = info.value(QStringLiteral("master_repl_offset"), QStringLiteral("-1")).toLongLong();
        for (int i = 0;; ++i) {
            const QString line = info.value(QStringLiteral("slave%1").arg(i));
            if (line.isEmpty())
                break;
            const auto f = splitFields(line);
            RedisReplicaLink link;
            link.address = f.value(QStringLiteral("ip")) + QLatin1Char(':') + f.value(QStringLiteral("port"));
            link.state = f.value(QStringLiteral("state"));
            link.offset = f.value(QStringLiteral("offset"), QStringLiteral("-1")).toLongLong();
            link.lagOffset = link.offset >= 0 && s->replOffset >= 0 ? s->replOffset - link.offset : -1;
            link.lagSec = f.value(QStringLiteral("lag"), QStringLiteral("-1")).toLongLong();
            s->replicaLinks.append(link);
        }
    } else {
        s->replOffset = info.value(QStringLiteral("slave_repl_offset"), QStringLiteral("-1")).toLongLong();
        s->masterLastIoSec
            = info.value(QStringLiteral("master_last_io_seconds_ago"), QStringLiteral("-1")).toLongLong();
    }
}

void readSentinelView(const redis::Reply& master, const redis::Reply& replicas, const redis::Reply& sentinels,
                      const redis::Reply& ckquorum, const QString& masterName, SentinelView* v)
{
    v->masterName = masterName;
    const auto kv = pairs(master);
    v->masterFlags = kv.value(QStringLiteral("flags"));
    v->quorum = kv.value(QStringLiteral("quorum"), QStringLiteral("-1")).toInt();
    v->replicas = peers(replicas);
    v->sentinels = peers(sentinels);
    v->ckquorum = ckquorum.text();
}

void readSentinelMasters(const redis::Reply& masters, SentinelView* v)
{
    v->knownMasters.clear();
    if (masters.type != redis::Reply::Type::Array)
        return;
    for (const redis::Reply& m : masters.elements) {
        const auto kv = pairs(m);
        v->knownMasters << QStringLiteral("%1@%2:%3")
                               .arg(kv.value(QStringLiteral("name")), kv.value(QStringLiteral("ip")),
                                    kv.value(QStringLiteral("port")));
    }
    v->knownMasters.sort();
}

} // namespace vigil
