#include "advice.h"

#include "cachecandidate.h"
#include "indexusage.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QLocale>

namespace vigil::analysis {

namespace {

IndexRecommendation fromFinding(const IndexFinding& f)
{
    IndexRecommendation r;
    r.type = f.type;
    r.priority = f.sizeBytes >= kLargeIndexBytes ? QStringLiteral("MEDIUM") : QStringLiteral("LOW");
    r.table = f.schema + QLatin1Char('.') + f.table;
    r.columns = f.columns;
    r.indexName = f.index;
    r.sql = f.sql;
    r.estimatedSizeBytes = f.sizeBytes;
    r.reason = f.reason;
    return r;
}

IndexRecommendation forStatement(const QString& type, const QString& priority, const StatementEntry& e,
                                 const QString& reason)
{
    IndexRecommendation r;
    r.type = type;
    r.priority = priority;
    r.affectedQueryIds << e.key.queryId;
    r.sampleQueryId = e.key.queryId;
    r.sampleSql = e.text ? *e.text : QString();
    r.reason = reason;
    return r;
}

QString commentLines(const QString& text)
{
    QStringList lines;
    for (const QString& l : text.split(QLatin1Char('\n')))
        lines << QStringLiteral("-- ") + l;
    return lines.join(QLatin1Char('\n'));
}

} // namespace

bool hasCosts(const IndexRecommendation& r)
{
    return (r.type == QLatin1String("INDEX") || r.type == QLatin1String("QUERY_OPTIMIZATION")) && r.costBefore > 0;
}

Advice advise(pg::Connection& conn, const QList<StatementEntry>& workload, const std::atomic_bool* cancel,
              std::function<void(int, int)> progress)
{
    QElapsedTimer clock;
    clock.start();
    Advice out;
    const AdvisorResult plans = adviseIndexes(conn, workload, cancel, std::move(progress));
    if (!plans.ok) {
        out.error = plans.error;
        return out;
    }
    out.database = QString::fromUtf8(PQdb(conn.raw()));
    out.statementsAnalyzed = plans.statementsAnalyzed;
    out.candidatesTried = plans.candidatesTried;
    out.candidatesFound = plans.candidatesFound;
    out.qualstatsPredicates = plans.qualstatsPredicates;
    out.recommendations = plans.recommendations;

    QString error;
    const QList<IndexFinding> findings = findIndexFindings(conn, &error);
    if (!error.isEmpty())
        out.warnings << QStringLiteral("index usage not read: ") + error;
    for (const IndexFinding& f : findings)
        out.recommendations << fromFinding(f);

    QSet<qint64> planned; // statements a plan-based QUERY_OPTIMIZATION already names
    for (const IndexRecommendation& r : plans.recommendations)
        if (r.type == QLatin1String("QUERY_OPTIMIZATION"))
            planned.insert(r.sampleQueryId);
    const QLocale en(QLocale::English);
    for (const StatementEntry& e : workload) {
        if (e.vigil || e.database != out.database || !e.text)
            continue;
        if (e.kind == StatementKind::Select && e.rowsPerCall() >= kManyRowsPerCall && !planned.contains(e.key.queryId))
            out.recommendations << forStatement(
                QStringLiteral("QUERY_OPTIMIZATION"), QStringLiteral("MEDIUM"), e,
                QStringLiteral("returns %1 rows per call over %2 calls: paginate, aggregate in the database or select "
                               "fewer rows")
                    .arg(en.toString(e.rowsPerCall(), 'f', 0), en.toString(e.calls)));
        if (const QString why = cacheCandidateReason(e); !why.isEmpty())
            out.recommendations << forStatement(QStringLiteral("CACHING"), QStringLiteral("LOW"), e, why);
    }
    out.ok = true;
    out.elapsedMs = clock.elapsed();
    return out;
}

QJsonObject toJson(const IndexRecommendation& r)
{
    const auto str = [](const QString& s) { return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s); };
    const bool index = r.type == QLatin1String("INDEX");
    const bool costs = hasCosts(r);
    QJsonArray ids;
    for (qint64 id : r.affectedQueryIds)
        ids.append(QString::number(id));
    return QJsonObject {
        {"type", r.type},
        {"priority", r.priority},
        {"table", str(r.table)},
        {"columns", QJsonArray::fromStringList(r.columns)},
        {"index_name", str(r.indexName)},
        {"sql", str(r.sql)},
        {"estimated_improvement_pct", index ? QJsonValue(r.estimatedImprovementPct) : QJsonValue(QJsonValue::Null)},
        {"cost_before", costs ? QJsonValue(r.costBefore) : QJsonValue(QJsonValue::Null)},
        {"cost_after", index ? QJsonValue(r.costAfter) : QJsonValue(QJsonValue::Null)},
        {"estimated_size_bytes",
         r.estimatedSizeBytes > 0 ? QJsonValue(double(r.estimatedSizeBytes)) : QJsonValue(QJsonValue::Null)},
        {"affected_queryids", ids},
        {"reason", r.reason},
    };
}

QString toSqlScript(const QList<IndexRecommendation>& recs, const QString& header)
{
    QStringList parts {commentLines(header),
                       QStringLiteral("-- CREATE/DROP INDEX CONCURRENTLY cannot run inside a transaction block: "
                                      "run this file with psql without --single-transaction.")};
    for (const IndexRecommendation& r : recs) {
        if (r.sql.isEmpty())
            continue;
        parts << commentLines(QStringLiteral("%1 %2: %3").arg(r.priority, r.type, r.reason)) + QLatin1Char('\n') + r.sql
                + QLatin1Char(';');
    }
    return parts.join(QStringLiteral("\n\n")) + QLatin1Char('\n');
}

} // namespace vigil::analysis
