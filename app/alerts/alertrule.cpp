#include "alertrule.h"

#include "alertfeed.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QSaveFile>
#include <QStandardPaths>
#include <cmath>

namespace vigil::alerts {

namespace {
const std::pair<Comparison, const char*> kComparisons[] = {
    {Comparison::Greater, ">"},      {Comparison::GreaterOrEqual, ">="}, {Comparison::Less, "<"},
    {Comparison::LessOrEqual, "<="}, {Comparison::Equal, "=="},          {Comparison::NotEqual, "!="},
};
const std::pair<Severity, const char*> kSeverities[]
    = {{Severity::Info, "info"}, {Severity::Warning, "warning"}, {Severity::Critical, "critical"}};

AlertRule rule(const char* id, const char* name, const char* metric, Comparison c, double threshold, int forSec,
               int keepFiringSec, Severity severity, const char* description)
{
    return {QLatin1String(id),
            QLatin1String(name),
            QLatin1String(metric),
            c,
            threshold,
            forSec,
            keepFiringSec,
            severity,
            true,
            QLatin1String(description)};
}
} // namespace

QString severityName(Severity s)
{
    for (const auto& [v, n] : kSeverities)
        if (v == s)
            return QLatin1String(n);
    return {};
}

Severity severityFromName(const QString& name, bool* ok)
{
    for (const auto& [v, n] : kSeverities)
        if (name == QLatin1String(n)) {
            if (ok)
                *ok = true;
            return v;
        }
    if (ok)
        *ok = false;
    return Severity::Warning;
}

QString comparisonSymbol(Comparison c)
{
    for (const auto& [v, s] : kComparisons)
        if (v == c)
            return QLatin1String(s);
    return {};
}

Comparison comparisonFromSymbol(const QString& symbol, bool* ok)
{
    for (const auto& [v, s] : kComparisons)
        if (symbol == QLatin1String(s)) {
            if (ok)
                *ok = true;
            return v;
        }
    if (ok)
        *ok = false;
    return Comparison::Greater;
}

bool AlertRule::breached(double v) const
{
    if (std::isnan(v))
        return false;
    switch (comparison) {
    case Comparison::Greater:
        return v > threshold;
    case Comparison::GreaterOrEqual:
        return v >= threshold;
    case Comparison::Less:
        return v < threshold;
    case Comparison::LessOrEqual:
        return v <= threshold;
    case Comparison::Equal:
        return v == threshold;
    case Comparison::NotEqual:
        return v != threshold;
    }
    return false;
}

QString AlertRule::conditionText() const
{
    const QString unit = metricUnit(metric);
    return QStringLiteral("%1 %2%3").arg(comparisonSymbol(comparison), QLocale::c().toString(threshold, 'g', 12),
                                         unit.isEmpty() ? QString() : QLatin1Char(' ') + unit);
}

QList<AlertRule> defaultRules()
{
    using C = Comparison;
    using S = Severity;
    // keep_firing_for on the noisy figures (lag, waiting clients, query time swing around their
    // limit under load): one alert per episode rather than one per swing.
    return {
        rule("slow_queries", "Slow database queries", metric::kAvgQueryMs, C::Greater, 1000, 120, 60, S::Warning,
             "Average execution time of the statements run on the primary between two polls of "
             "pg_stat_statements (deltas of total time / calls, Vigil's own excluded)"),
        rule("pool_exhausted", "Connection pool nearly exhausted", metric::kConnectionUtilisationPct, C::Greater, 90,
             60, 30, S::Critical,
             "Client backends over max_connections minus superuser_reserved_connections on the primary"),
        rule("pgbouncer_waiting", "pgbouncer clients waiting", metric::kBouncerClientsWaiting, C::Greater, 0, 60, 30,
             S::Critical, "Clients queued in pgbouncer for a server connection (SHOW POOLS cl_waiting, all pools)"),
        rule("replica_lag", "Replica lag", metric::kReplicaLagSec, C::Greater, 30, 60, 30, S::Critical,
             "Seconds a standby is behind: pg_stat_replication replay_lag while it streams; while it does not, the "
             "time since Vigil last saw it streaming"),
        rule("replica_not_streaming", "PostgreSQL standby not streaming", metric::kReplicaStreaming, C::Less, 1, 30, 0,
             S::Critical, "The primary has no WAL sender streaming to this standby (pg_stat_replication)"),
        rule("standby_startup", "Standby stuck in startup", metric::kStandbyStartupSec, C::Greater, 60, 60, 0,
             S::Warning,
             "Seconds a standby has been connected without streaming (WAL sender in startup / catchup / backup, or "
             "its WAL receiver not streaming)"),
        rule("slot_retained_wal", "Replication slot retaining too much WAL", metric::kSlotRetainedBytes, C::Greater,
             1024.0 * 1024 * 1024, 300, 0, S::Warning,
             "WAL kept on disk for a replication slot (current LSN minus restart_lsn); an inactive slot keeps WAL "
             "until the disk fills"),
        rule("redis_link_down", "Redis replica link down", metric::kRedisLinkUp, C::Less, 1, 30, 0, S::Critical,
             "A Redis replica's master_link_status is not up, or the replica is unreachable"),
        rule("sentinel_quorum", "Sentinel quorum lost", metric::kSentinelQuorumOk, C::Less, 1, 30, 0, S::Critical,
             "SENTINEL CKQUORUM fails on a reachable Sentinel: no failover could be authorised"),
        rule("invalid_index", "INVALID index present", metric::kInvalidIndex, C::Greater, 0, 0, 0, S::Warning,
             "An index left INVALID by a failed CREATE INDEX CONCURRENTLY: maintained on every write, never used. "
             "Drop it with DROP INDEX CONCURRENTLY"),
        rule("idle_in_transaction", "Long idle-in-transaction session", metric::kIdleInTransactionSec, C::Greater, 300,
             0, 0, S::Warning,
             "A session idle inside an open transaction: it holds locks and stops vacuum from removing dead rows"),
        rule("archiver_failing", "WAL archiver failing", metric::kArchiverFailing, C::Greater, 0, 0, 0, S::Critical,
             "pg_stat_archiver: the last failure is newer than the last success; WAL accumulates in pg_wal"),
        rule("node_down", "Node down", metric::kNodeUp, C::Less, 1, 30, 0, S::Critical,
             "A server of the profile does not answer Vigil's polls"),
    };
}

QJsonArray rulesToJson(const QList<AlertRule>& rules)
{
    QJsonArray out;
    for (const AlertRule& r : rules)
        out.append(QJsonObject {{"id", r.id},
                                {"name", r.name},
                                {"metric", r.metric},
                                {"comparison", comparisonSymbol(r.comparison)},
                                {"threshold", r.threshold},
                                {"for_s", r.forSec},
                                {"keep_firing_for_s", r.keepFiringSec},
                                {"severity", severityName(r.severity)},
                                {"enabled", r.enabled},
                                {"description", r.description}});
    return out;
}

bool rulesFromJson(const QJsonArray& json, QList<AlertRule>* rules, QString* error)
{
    QList<AlertRule> out;
    for (int i = 0; i < json.size(); ++i) {
        const QJsonObject o = json.at(i).toObject();
        AlertRule r;
        r.id = o.value("id").toString();
        r.metric = o.value("metric").toString();
        const auto fail = [&](const QString& why) {
            if (error)
                *error = QStringLiteral("rule %1 (%2): %3").arg(i + 1).arg(r.id.isEmpty() ? "?" : r.id, why);
            return false;
        };
        if (r.id.isEmpty() || r.metric.isEmpty())
            return fail(QStringLiteral("needs an id and a metric"));
        if (metricUnit(r.metric).isNull())
            return fail(QStringLiteral("unknown metric \"%1\"").arg(r.metric));
        bool ok = true;
        r.comparison = comparisonFromSymbol(o.value("comparison").toString(QStringLiteral(">")), &ok);
        if (!ok)
            return fail(QStringLiteral("comparison must be one of > >= < <= == !="));
        r.severity = severityFromName(o.value("severity").toString(QStringLiteral("warning")), &ok);
        if (!ok)
            return fail(QStringLiteral("severity must be info, warning or critical"));
        if (!o.value("threshold").isDouble())
            return fail(QStringLiteral("threshold must be a number"));
        r.threshold = o.value("threshold").toDouble();
        r.name = o.value("name").toString(r.id);
        r.forSec = std::max(0, o.value("for_s").toInt());
        r.keepFiringSec = std::max(0, o.value("keep_firing_for_s").toInt());
        r.enabled = o.value("enabled").toBool(true);
        r.description = o.value("description").toString();
        for (const AlertRule& seen : std::as_const(out))
            if (seen.id == r.id)
                return fail(QStringLiteral("duplicate id"));
        out << r;
    }
    *rules = out;
    return true;
}

QString defaultRulesPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) + QStringLiteral("/alert-rules.json");
}

bool loadRules(const QString& path, QList<AlertRule>* rules, QString* error)
{
    QFile f(path);
    if (!f.exists()) {
        *rules = defaultRules();
        return true;
    }
    if (!f.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(path, f.errorString());
        return false;
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isArray()) {
        if (error)
            *error = QStringLiteral("%1: not a JSON array of rules (%2)").arg(path, pe.errorString());
        return false;
    }
    QString why;
    if (!rulesFromJson(doc.array(), rules, &why)) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(path, why);
        return false;
    }
    return true;
}

bool saveRules(const QString& path, const QList<AlertRule>& rules, QString* error)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly)) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(path, f.errorString());
        return false;
    }
    f.write(QJsonDocument(rulesToJson(rules)).toJson(QJsonDocument::Indented));
    if (!f.commit()) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(path, f.errorString());
        return false;
    }
    return true;
}

} // namespace vigil::alerts
