// `vigil advise TARGET [--json]`: index recommendations validated by HypoPG, unused and
// duplicate indexes, statements that return too many rows, and cache candidates.
#include "commands.h"
#include "target.h"

#include "analysis/cachecandidate.h"
#include "analysis/indexadvisor.h"
#include "analysis/indexusage.h"
#include "monitor/statements.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QTextStream>

namespace vigil::cli {

namespace {
// A SELECT returning this many rows per call moves a lot of data for one request: worth a
// look at the query (pagination, aggregation in the database) whatever its plan.
constexpr double kManyRowsPerCall = 1000.0;
// Index findings bigger than this are worth more than a low priority.
constexpr qint64 kLargeIndexBytes = 100LL * 1024 * 1024;

QJsonArray ids(const QList<qint64>& list)
{
    QJsonArray a;
    for (qint64 id : list)
        a.append(QString::number(id));
    return a;
}

QJsonObject row(const QString& type, const QString& priority, const QString& table, const QStringList& columns,
                const QString& indexName, const QString& sql, const QString& reason)
{
    return QJsonObject {{"type", type},
                        {"priority", priority},
                        {"table", table},
                        {"columns", QJsonArray::fromStringList(columns)},
                        {"index_name", indexName.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(indexName)},
                        {"sql", sql.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(sql)},
                        {"estimated_improvement_pct", QJsonValue::Null},
                        {"cost_before", QJsonValue::Null},
                        {"cost_after", QJsonValue::Null},
                        {"estimated_size_bytes", QJsonValue::Null},
                        {"affected_queryids", QJsonArray()},
                        {"reason", reason}};
}
} // namespace

int adviseCommand(const QStringList& argsIn)
{
    QStringList args = argsIn;
    QTextStream err(stderr);
    QString error;
    Target target;
    if (!takeTarget(&args, &target, &error)) {
        err << "vigil advise: " << error << "\n";
        return 2;
    }
    const bool json = takeFlag(&args, QStringLiteral("json"));
    if (!args.isEmpty()) {
        err << "vigil advise: unexpected argument " << args.first() << "\n";
        return 2;
    }
    QElapsedTimer clock;
    clock.start();
    pg::Connection conn;
    QString node;
    if (!openPrimary(target, &conn, &node, &error)) {
        err << "vigil advise: " << error << "\n";
        return 1;
    }
    StatementsTask statements;
    const auto snap = std::static_pointer_cast<StatementsSnapshot>(statements.run(conn));
    if (!snap->ok) {
        err << "vigil advise: " << node << ": " << snap->error << "\n";
        for (const Finding& f : snap->findings)
            err << "  " << f.message << (f.fixSql.isEmpty() ? QString() : QStringLiteral(" -- fix: ") + f.fixSql)
                << "\n";
        return 1;
    }
    const analysis::AdvisorResult advice
        = analysis::adviseIndexes(conn, snap->entries, nullptr, [&err, json](int done, int total) {
              if (!json)
                  err << "\rvalidating candidates with HypoPG: " << done << "/" << total << Qt::flush;
          });
    if (!json)
        err << "\n";
    if (!advice.ok) {
        err << "vigil advise: " << advice.error << "\n";
        return 1;
    }
    QJsonArray recs;
    for (const analysis::IndexRecommendation& r : advice.recommendations) {
        QJsonObject o = row(r.type, r.priority, r.table, r.columns, r.indexName, r.sql, r.reason);
        o["estimated_improvement_pct"] = r.estimatedImprovementPct;
        o["cost_before"] = r.costBefore;
        o["cost_after"] = r.costAfter;
        o["estimated_size_bytes"] = r.estimatedSizeBytes;
        o["affected_queryids"] = ids(r.affectedQueryIds);
        recs.append(o);
    }
    const QList<analysis::IndexFinding> findings = analysis::findIndexFindings(conn, &error);
    if (!error.isEmpty())
        err << "vigil advise: index usage not read: " << error << "\n";
    for (const analysis::IndexFinding& f : findings) {
        QJsonObject o = row(f.type, f.sizeBytes >= kLargeIndexBytes ? QStringLiteral("MEDIUM") : QStringLiteral("LOW"),
                            f.schema + QLatin1Char('.') + f.table, f.columns, f.index, f.sql, f.reason);
        o["estimated_size_bytes"] = f.sizeBytes;
        recs.append(o);
    }
    const QString database = QString::fromUtf8(PQdb(conn.raw()));
    const QLocale c = QLocale::c();
    for (const StatementEntry& e : snap->entries) {
        if (e.vigil || e.database != database || !e.text)
            continue;
        if (e.kind == StatementKind::Select && e.rowsPerCall() >= kManyRowsPerCall) {
            QJsonObject o
                = row(QStringLiteral("QUERY_OPTIMIZATION"), QStringLiteral("MEDIUM"), QString(), {}, {}, {},
                      QStringLiteral("returns %1 rows per call over %2 calls: paginate, aggregate in the database or "
                                     "select fewer rows")
                          .arg(c.toString(e.rowsPerCall(), 'f', 0))
                          .arg(e.calls));
            o["affected_queryids"] = ids({e.key.queryId});
            recs.append(o);
        }
        if (const QString why = analysis::cacheCandidateReason(e); !why.isEmpty()) {
            QJsonObject o = row(QStringLiteral("CACHING"), QStringLiteral("LOW"), QString(), {}, {}, {}, why);
            o["affected_queryids"] = ids({e.key.queryId});
            recs.append(o);
        }
    }

    QTextStream out(stdout);
    if (json) {
        out << QJsonDocument(QJsonObject {{"node", node},
                                          {"database", database},
                                          {"statements_analyzed", advice.statementsAnalyzed},
                                          {"candidates_tried", advice.candidatesTried},
                                          {"elapsed_ms", clock.elapsed()},
                                          {"recommendations", recs}})
                   .toJson(QJsonDocument::Indented);
        return 0;
    }
    out << QStringLiteral("Advice for %1, primary %2, database %3: %4 statements, %5 hypothetical indexes, %6 ms\n\n")
               .arg(target.profile.name, node, database)
               .arg(advice.statementsAnalyzed)
               .arg(advice.candidatesTried)
               .arg(clock.elapsed());
    if (recs.isEmpty())
        out << "Nothing to recommend.\n";
    for (const QJsonValue& v : recs) {
        const QJsonObject o = v.toObject();
        out << o.value("priority").toString() << "  " << o.value("type").toString() << "  "
            << o.value("reason").toString() << "\n";
        if (!o.value("sql").isNull())
            out << "      " << o.value("sql").toString() << "\n";
    }
    return 0;
}

} // namespace vigil::cli
