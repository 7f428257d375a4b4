#include "report.h"

#include "monitor/activity.h"
#include "monitor/cachestats.h"
#include "monitor/statements.h"
#include "pg/pgconnection.h"
#include "poolreport.h"
#include "redis/redisconnection.h"
#include "replicationreport.h"
#include "store/localstore.h"
#include "store/slowhistory.h"

#include <QJsonArray>
#include <QLocale>
#include <algorithm>

namespace vigil::cli {

namespace {
QJsonValue num(double v)
{
    return hasValue(v) ? QJsonValue(v) : QJsonValue(QJsonValue::Null);
}

double redisHitPct(const Target& t)
{
    for (const QString& addr : t.profile.redisNodes) {
        redis::Endpoint ep;
        redis::Connection c;
        if (!redis::Endpoint::parse(addr, &ep)
            || !c.open(ep, 2000, t.profile.redisUsername, t.passwords.value(QStringLiteral("redis"))))
            continue;
        const auto info = redis::parseInfo(c.command({"INFO"}).str);
        if (info.value(QStringLiteral("role")) != QLatin1String("master"))
            continue;
        const double hits = info.value(QStringLiteral("keyspace_hits")).toDouble();
        const double misses = info.value(QStringLiteral("keyspace_misses")).toDouble();
        return hits + misses > 0 ? 100.0 * hits / (hits + misses) : kNoValue;
    }
    return kNoValue;
}
} // namespace

bool buildReport(const Target& target, const ReportOptions& options, QJsonObject* report, QString* error)
{
    pg::Connection conn;
    QString node;
    if (!openPrimary(target, &conn, &node, error))
        return false;
    const int threshold = options.thresholdMs > 0 ? options.thresholdMs
        : target.profile.slowThresholdMs > 0      ? target.profile.slowThresholdMs
                                                  : 1000;
    const QString database = QString::fromUtf8(PQdb(conn.raw()));

    StatementsTask statements;
    const auto s = std::static_pointer_cast<StatementsSnapshot>(statements.run(conn));
    if (!s->ok) {
        QStringList fixes;
        for (const Finding& f : s->findings)
            fixes << f.message + (f.fixSql.isEmpty() ? QString() : QStringLiteral(" -- fix: ") + f.fixSql);
        *error = QStringLiteral("%1: %2%3")
                     .arg(node, s->error,
                          fixes.isEmpty() ? QString()
                                          : QStringLiteral(" (") + fixes.join(QStringLiteral("; ")) + QLatin1Char(')'));
        return false;
    }
    QList<const StatementEntry*> mine;
    qint64 calls = 0;
    double total = 0;
    int slow = 0;
    for (const StatementEntry& e : s->entries) {
        if (e.vigil || e.database != database)
            continue;
        mine << &e;
        calls += e.calls;
        total += e.totalMs;
        slow += e.meanMs > threshold;
    }
    std::sort(mine.begin(), mine.end(), [](auto* a, auto* b) { return a->totalMs > b->totalMs; });
    QJsonArray patterns;
    for (const StatementEntry* e : mine)
        patterns.append(QJsonObject {
            {"queryid", QString::number(e->key.queryId)},
            {"type", statementKindName(e->kind)},
            {"calls", e->calls},
            {"total_ms", e->totalMs},
            {"mean_ms", e->meanMs},
            {"min_ms", e->minMs},
            {"max_ms", e->maxMs},
            {"stddev_ms", e->stddevMs},
            {"rows", e->rows},
            {"hit_pct", num(e->hitPct)},
            {"user", e->user},
            {"query", e->text ? *e->text : QString()},
        });

    ActivityTask activity(threshold);
    const auto a = std::static_pointer_cast<ActivitySnapshot>(activity.run(conn));
    QJsonArray slowArray;
    for (const RunningStatement& r : a->running)
        slowArray.append(
            QJsonObject {{"source", "live"},
                         {"node", node},
                         {"pid", r.pid},
                         {"duration_ms", r.durationMs},
                         {"query_start", r.queryStart.toString(Qt::ISODateWithMs)},
                         {"database", r.database},
                         {"user", r.user},
                         {"application", r.application},
                         {"wait_event", r.waitEventType.isEmpty() ? QString() : r.waitEventType + ':' + r.waitEvent},
                         {"blocked_by", QJsonArray::fromVariantList([&] {
                              QVariantList l;
                              for (int p : r.blockedBy)
                                  l << p;
                              return l;
                          }())},
                         {"query", r.query}});
    store::LocalStore local(options.storePath.isEmpty() ? store::LocalStore::defaultPath() : options.storePath);
    if (local.isOk()) {
        store::SlowHistory history(&local);
        for (const store::SlowPattern& p : history.frequency(target.profile.name))
            slowArray.append(QJsonObject {{"source", "history"},
                                          {"queryid", QString::number(p.queryId)},
                                          {"count", p.count},
                                          {"max_ms", p.maxMs},
                                          {"mean_ms", p.meanMs},
                                          {"last_seen", p.lastSeen.toString(Qt::ISODateWithMs)},
                                          {"query", p.query}});
    }

    CacheStatsTask cache;
    const auto c = std::static_pointer_cast<CacheSnapshot>(cache.run(conn));
    double pgHit = kNoValue;
    for (const CacheRow& db : c->databases)
        if (db.name == database)
            pgHit = db.hitPct;

    *report = QJsonObject {
        {"target", target.profile.name},
        {"node", node},
        {"database", database},
        {"generated_at", s->sampledAt.toString(Qt::ISODateWithMs)},
        {"query_stats",
         QJsonObject {{"total_calls", calls},
                      {"unique_patterns", int(mine.size())},
                      {"avg_time_ms", calls > 0 ? QJsonValue(total / double(calls)) : QJsonValue(QJsonValue::Null)},
                      {"slow_patterns", slow},
                      {"threshold_ms", threshold}}},
        {"patterns", patterns},
        {"slow", slowArray},
        {"cache", QJsonObject {{"pg_hit_pct", num(pgHit)}, {"redis_hit_pct", num(redisHitPct(target))}}},
        {"pool", poolReport(target, conn)},
    };
    report->insert("replication", replicationReport(pollOnce(target), target.profile.masterName));
    return true;
}

QString reportText(const QJsonObject& r)
{
    const QLocale c = QLocale::c();
    const QJsonObject q = r.value("query_stats").toObject();
    QString out;
    out += QStringLiteral("Vigil report: %1, primary %2, database %3 (%4)\n\n")
               .arg(r.value("target").toString(), r.value("node").toString(), r.value("database").toString(),
                    r.value("generated_at").toString());
    out += QStringLiteral("Statements executed: %1\nUnique patterns:     %2\nAverage time:        %3 ms\n"
                          "Slow patterns:       %4 (mean over %5 ms)\n\n")
               .arg(qint64(q.value("total_calls").toDouble()))
               .arg(q.value("unique_patterns").toInt())
               .arg(q.value("avg_time_ms").isNull() ? QStringLiteral("-")
                                                    : c.toString(q.value("avg_time_ms").toDouble(), 'f', 2))
               .arg(q.value("slow_patterns").toInt())
               .arg(q.value("threshold_ms").toInt());
    out += QStringLiteral("Top patterns by total time:\n");
    const QJsonArray patterns = r.value("patterns").toArray();
    for (int i = 0; i < std::min<qsizetype>(10, patterns.size()); ++i) {
        const QJsonObject p = patterns[i].toObject();
        out += QStringLiteral("  %1 %2 calls, %3 ms mean, %4 ms total  %5\n")
                   .arg(p.value("type").toString(), -7)
                   .arg(qint64(p.value("calls").toDouble()), 9)
                   .arg(c.toString(p.value("mean_ms").toDouble(), 'f', 2), 9)
                   .arg(c.toString(p.value("total_ms").toDouble(), 'f', 0), 10)
                   .arg(p.value("query").toString().simplified().left(90));
    }
    out += QStringLiteral("\nSlow statements:\n");
    int n = 0;
    for (const QJsonValue& v : r.value("slow").toArray()) {
        const QJsonObject s = v.toObject();
        ++n;
        if (s.value("source").toString() == QLatin1String("live"))
            out += QStringLiteral("  running  pid %1 for %2 s  %3\n")
                       .arg(s.value("pid").toInt())
                       .arg(c.toString(s.value("duration_ms").toDouble() / 1000.0, 'f', 1))
                       .arg(s.value("query").toString().simplified().left(90));
        else
            out += QStringLiteral("  history  %1 times, longest %2 s  %3\n")
                       .arg(s.value("count").toInt())
                       .arg(c.toString(s.value("max_ms").toDouble() / 1000.0, 'f', 1))
                       .arg(s.value("query").toString().simplified().left(90));
    }
    if (n == 0)
        out += QStringLiteral("  none\n");
    const QJsonObject cache = r.value("cache").toObject();
    auto pct = [&](const QJsonValue& v) {
        return v.isNull() ? QStringLiteral("-") : c.toString(v.toDouble(), 'f', 2) + " %";
    };
    out += QStringLiteral("\nCache: PostgreSQL buffer hit %1, Redis keyspace hit %2\n")
               .arg(pct(cache.value("pg_hit_pct")), pct(cache.value("redis_hit_pct")));
    out += poolReportText(r.value("pool").toObject());
    if (r.contains("replication"))
        out += replicationText(r.value("replication").toObject());
    return out;
}

} // namespace vigil::cli
