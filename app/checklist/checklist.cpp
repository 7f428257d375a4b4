#include "checklist.h"

#include "cli/poolreport.h"
#include "cli/replicationreport.h"
#include "cli/report.h"
#include "items.h"
#include "store/alerthistory.h"
#include "store/localstore.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QRegularExpression>

namespace vigil::checklist {

ChecklistItem item(const QString& id, const QString& title, const QString& status, const QString& figure,
                   const QString& detail)
{
    return {id, title, status, figure, detail};
}

QString worse(const QString& a, const QString& b)
{
    const auto rank = [](const QString& s) { return s == QLatin1String("fail") ? 2 : s == QLatin1String("warn"); };
    return rank(b) > rank(a) ? b : a;
}

namespace {
// From the alert history the console records (issue 8 §1): how many alerts fired since `since`,
// and those whose latest state is still firing: a critical one fails, any other warns. Alerts
// Vigil stopped watching (the console closed) are not counted as firing.
ChecklistItem alertsItem(const QString& profile, const QDateTime& since, const QString& storePath)
{
    const QString title = QStringLiteral("Alerts fired since ") + since.toString(Qt::ISODate);
    store::LocalStore local(storePath.isEmpty() ? store::LocalStore::defaultPath() : storePath);
    if (!local.isOk())
        return item("alerts", title, "warn", QStringLiteral("no alert history"), local.lastError());
    const store::AlertSummary s = store::AlertHistory(&local).summary(profile, since);
    QStringList lines;
    for (const store::AlertEpisode& e : s.firing)
        lines << QStringLiteral("[%1] %2 (%3) firing since %4: %5")
                     .arg(alerts::severityName(e.severity), e.name, e.subject, e.firedAt.toString(Qt::ISODate),
                          e.detail);
    const QString status = s.criticalFiring > 0 ? "fail" : s.stillFiring > 0 ? "warn" : "ok";
    return item("alerts", title, status,
                QStringLiteral("%1 alerts fired since %2, %3 still firing")
                    .arg(s.fired)
                    .arg(since.toString(Qt::ISODate))
                    .arg(s.stillFiring),
                lines.isEmpty() ? QStringLiteral("from the alert history the console records in %1").arg(local.path())
                                : lines.join('\n'));
}
} // namespace

QList<ChecklistItem> build(const cli::Target& target, const ChecklistOptions& options)
{
    const Profile& p = target.profile;
    QList<ChecklistItem> items;
    // Progress for the console (which runs this on a worker thread); false once cancelled.
    const auto step = [&options](int done, const char* what) {
        if (options.progress)
            options.progress(done, 3, QCoreApplication::translate("vigil::checklist", what));
        return !(options.cancel && *options.cancel);
    };
    if (!step(0, QT_TRANSLATE_NOOP("vigil::checklist", "polling every node")))
        return items;
    // One poll of every node, through the pollers the console and `vigil status` use; the
    // replication items read the same snapshots, so they describe one moment.
    const QList<NodeSnapshot> snaps = cli::pollOnce(target);
    const QJsonObject replication = cli::replicationReport(snaps, p.masterName);
    items << nodesItem(snaps) << pgReplicationItem(replication, int(p.pgNodes.size()))
          << redisReplicationItem(replication, int(p.redisNodes.size()))
          << sentinelItem(replication, int(p.sentinels.size()));

    if (p.pgNodes.isEmpty()) {
        // A Redis-only target: nothing of PostgreSQL to judge, which is not a failure.
        const std::pair<const char*, const char*> pgItems[]
            = {{"connections", "Connection utilisation"}, {"pgbouncer_waiting", "pgbouncer waiting clients"},
               {"slow_patterns", "Slow query patterns"},  {"recommendations", "Top index recommendations"},
               {"invalid_indexes", "Invalid indexes"},    {"archiving", "WAL archiving"}};
        for (const auto& [id, title] : pgItems)
            items << item(QLatin1String(id), QLatin1String(title), "ok", QStringLiteral("no PostgreSQL in the target"));
        items << alertsItem(p.name, options.since, options.storePath);
        return items;
    }

    // The optimization report's figures (slow patterns, pool) as `vigil report` computes them.
    cli::ReportOptions reportOptions;
    reportOptions.storePath = options.storePath;
    QJsonObject report;
    QString reportError;
    if (!step(1, QT_TRANSLATE_NOOP("vigil::checklist", "reading the optimization report")))
        return items;
    const bool haveReport = cli::buildReport(target, reportOptions, &report, &reportError);

    pg::Connection conn;
    QString node, error;
    const bool primary = cli::openPrimary(target, &conn, &node, &error);
    // Without pg_stat_statements the report fails as a whole; the pool figures still stand.
    const QJsonObject pool = haveReport ? report.value("pool").toObject()
        : primary                       ? cli::poolReport(target, conn)
                                        : QJsonObject {{"error", error}};
    items << connectionsItem(pool) << pgbouncerItem(pool);
    if (haveReport)
        items << slowPatternsItem(report);
    else
        items << item("slow_patterns", QStringLiteral("Slow query patterns"), "fail", "unknown", reportError);

    if (!step(2, QT_TRANSLATE_NOOP("vigil::checklist", "checking indexes, archiving and index advice")))
        return items;
    if (primary) {
        // The advisor last: a cancelled or failed analysis must not leave the session in a state
        // the two catalog queries would trip over.
        const ChecklistItem invalid = invalidIndexesItem(conn);
        const ChecklistItem archiving = archivingItem(conn, options.since);
        items << recommendationsItem(conn, options.adviceBudgetMs, options.cancel) << invalid << archiving;
    } else {
        items << item("recommendations", QStringLiteral("Top index recommendations"), "fail", "no primary", error)
              << item("invalid_indexes", QStringLiteral("Invalid indexes"), "fail", "no primary", error)
              << item("archiving", QStringLiteral("WAL archiving"), "fail", "no primary", error);
    }

    items << alertsItem(p.name, options.since, options.storePath);
    return items;
}

bool anyFailed(const QList<ChecklistItem>& items)
{
    return std::any_of(items.begin(), items.end(), [](const ChecklistItem& i) { return i.status == "fail"; });
}

QJsonObject toJson(const QList<ChecklistItem>& items, const QDateTime& generatedAt, const QDateTime& since)
{
    QJsonArray array;
    for (const ChecklistItem& i : items)
        array.append(QJsonObject {
            {"id", i.id}, {"title", i.title}, {"status", i.status}, {"figure", i.figure}, {"detail", i.detail}});
    return QJsonObject {{"ok", !anyFailed(items)},
                        {"generated_at", generatedAt.toString(Qt::ISODateWithMs)},
                        {"since", since.toString(Qt::ISODateWithMs)},
                        {"items", array}};
}

QString toText(const QList<ChecklistItem>& items, const QDateTime& generatedAt, const QDateTime& since)
{
    QString out = QStringLiteral("Vigil daily checklist, %1 (since %2)\n\n")
                      .arg(generatedAt.toString(Qt::ISODate), since.toString(Qt::ISODate));
    int width = 0;
    for (const ChecklistItem& i : items)
        width = std::max(width, int(i.title.size()));
    int counts[3] = {0, 0, 0};
    for (const ChecklistItem& i : items) {
        counts[i.status == "fail" ? 2 : i.status == "warn"] += 1;
        out += QStringLiteral("%1  %2  %3\n").arg(i.status.toUpper(), -4).arg(i.title, -width).arg(i.figure);
        if (i.status != QLatin1String("ok"))
            for (const QString& line : i.detail.split('\n', Qt::SkipEmptyParts))
                out += QString(width + 8, ' ') + line + '\n';
    }
    out += QStringLiteral("\n%1 ok, %2 warn, %3 fail\n").arg(counts[0]).arg(counts[1]).arg(counts[2]);
    return out;
}

QDateTime parseSince(const QString& text, const QDateTime& now)
{
    static const QRegularExpression relative(QStringLiteral("^(\\d+)([mhd])$"));
    if (const auto m = relative.match(text.trimmed()); m.hasMatch()) {
        const qint64 n = m.captured(1).toLongLong();
        const qint64 unit = m.captured(2) == "m" ? 60 : m.captured(2) == "h" ? 3600 : 86400;
        return now.addSecs(-n * unit);
    }
    QDateTime t = QDateTime::fromString(text.trimmed(), Qt::ISODateWithMs);
    if (!t.isValid())
        t = QDateTime::fromString(text.trimmed(), Qt::ISODate);
    return t.isValid() ? t.toUTC() : QDateTime();
}

} // namespace vigil::checklist
