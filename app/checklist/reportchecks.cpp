#include "items.h"

#include <QJsonArray>
#include <QLocale>

namespace vigil::checklist {

namespace {
// Client backends over (max_connections - superuser_reserved_connections): at 80 % a burst or a
// leaking pool reaches the limit soon; at 95 % new sessions are about to be refused.
constexpr double kUtilisationWarnPct = 80;
constexpr double kUtilisationFailPct = 95;
// Clients queued in pgbouncer wait for a server connection; any is worth a look, and a client
// that has waited 10 s is past most application timeouts.
constexpr double kBouncerWaitFailMs = 10'000;
} // namespace

ChecklistItem connectionsItem(const QJsonObject& pool)
{
    const QString title = QStringLiteral("Connection utilisation");
    if (pool.contains("error"))
        return item("connections", title, "fail", "unknown", pool.value("error").toString());
    const double pct = pool.value("utilisation_pct").toDouble(0);
    const QString status = pct >= kUtilisationFailPct ? "fail" : pct >= kUtilisationWarnPct ? "warn" : "ok";
    QStringList advice;
    for (const QJsonValue& v : pool.value("advice").toArray())
        advice << QStringLiteral("[%1] %2").arg(v.toObject().value("severity").toString(),
                                                v.toObject().value("title").toString());
    return item("connections", title, status,
                QStringLiteral("%1 of max_connections %2 (%3 %)")
                    .arg(pool.value("client_backends").toInt())
                    .arg(pool.value("max_connections").toInt())
                    .arg(QLocale::c().toString(pct, 'f', 1)),
                QStringLiteral("%1 sessions waiting on locks").arg(pool.value("waiting").toInt())
                    + (advice.isEmpty() ? QString() : QLatin1Char('\n') + advice.join('\n')));
}

ChecklistItem pgbouncerItem(const QJsonObject& pool)
{
    const QString title = QStringLiteral("pgbouncer waiting clients");
    if (pool.value("pgbouncer").isNull() && !pool.contains("pgbouncer_error"))
        return item("pgbouncer_waiting", title, "ok", "no pgbouncer admin console in the target");
    if (pool.contains("pgbouncer_error"))
        return item("pgbouncer_waiting", title, "fail", "admin console unreachable",
                    pool.value("pgbouncer_error").toString());
    int waiting = 0;
    double maxWait = 0;
    QStringList lines;
    for (const QJsonValue& v : pool.value("pgbouncer").toArray()) {
        const QJsonObject p = v.toObject();
        waiting += p.value("cl_waiting").toInt();
        maxWait = std::max(maxWait, p.value("maxwait_ms").toDouble());
        if (p.value("cl_waiting").toInt() > 0)
            lines << QStringLiteral("%1/%2: %3 waiting, pool size %4")
                         .arg(p.value("database").toString(), p.value("user").toString())
                         .arg(p.value("cl_waiting").toInt())
                         .arg(p.value("pool_size").toInt());
    }
    const QString status = maxWait >= kBouncerWaitFailMs ? "fail" : waiting > 0 ? "warn" : "ok";
    return item("pgbouncer_waiting", title, status,
                QStringLiteral("%1 clients waiting, longest %2 ms").arg(waiting).arg(qint64(maxWait)),
                lines.join('\n'));
}

// Patterns whose mean is over the profile's slow threshold: a warn (they are the optimization
// report's work list), never a fail, since a slow report query can be normal.
ChecklistItem slowPatternsItem(const QJsonObject& report)
{
    const QJsonObject q = report.value("query_stats").toObject();
    const int slow = q.value("slow_patterns").toInt();
    const int threshold = q.value("threshold_ms").toInt();
    QStringList lines;
    for (const QJsonValue& v : report.value("patterns").toArray()) {
        const QJsonObject p = v.toObject();
        if (p.value("mean_ms").toDouble() <= threshold)
            continue;
        lines << QStringLiteral("%1 ms mean, %2 calls: %3")
                     .arg(QLocale::c().toString(p.value("mean_ms").toDouble(), 'f', 0))
                     .arg(qint64(p.value("calls").toDouble()))
                     .arg(p.value("query").toString().simplified().left(100));
        if (lines.size() == 3)
            break;
    }
    return item("slow_patterns", QStringLiteral("Slow query patterns"), slow > 0 ? "warn" : "ok",
                QStringLiteral("%1 of %2 patterns over %3 ms mean")
                    .arg(slow)
                    .arg(q.value("unique_patterns").toInt())
                    .arg(threshold),
                lines.join('\n'));
}

} // namespace vigil::checklist
