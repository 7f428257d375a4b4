// `vigil advise TARGET [--json]`: index recommendations validated by HypoPG, unused and
// duplicate indexes, statements to rewrite, and cache candidates (analysis::advise).
#include "commands.h"
#include "target.h"

#include "analysis/advice.h"
#include "monitor/statements.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

namespace vigil::cli {

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
    const QStringList sqlFiles = takeOption(&args, QStringLiteral("sql-file"), &error);
    if (!error.isEmpty()) {
        err << "vigil advise: " << error << "\n";
        return 2;
    }
    const QString sqlFile = sqlFiles.value(0);
    if (!args.isEmpty()) {
        err << "vigil advise: unexpected argument " << args.first() << "\n";
        return 2;
    }
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
    const analysis::Advice advice = analysis::advise(conn, snap->entries, nullptr, [&err, json](int done, int total) {
        if (!json)
            err << "\rplanning with HypoPG: " << done << "/" << total << Qt::flush;
    });
    if (!json)
        err << "\n";
    if (!advice.ok) {
        err << "vigil advise: " << advice.error << "\n";
        return 1;
    }
    for (const QString& w : advice.warnings)
        err << "vigil advise: " << w << "\n";
    if (!sqlFile.isEmpty()) {
        QFile f(sqlFile);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)
            || f.write(analysis::toSqlScript(
                           advice.recommendations,
                           QStringLiteral("Vigil advice for database %1 on %2").arg(advice.database, node))
                           .toUtf8())
                < 0) {
            err << "vigil advise: cannot write " << sqlFile << ": " << f.errorString() << "\n";
            return 1;
        }
    }
    QJsonArray recs;
    for (const analysis::IndexRecommendation& r : advice.recommendations)
        recs.append(analysis::toJson(r));

    QTextStream out(stdout);
    if (json) {
        out << QJsonDocument(QJsonObject {{"node", node},
                                          {"database", advice.database},
                                          {"statements_analyzed", advice.statementsAnalyzed},
                                          {"candidates_found", advice.candidatesFound},
                                          {"candidates_tried", advice.candidatesTried},
                                          {"qualstats_predicates", advice.qualstatsPredicates},
                                          {"elapsed_ms", advice.elapsedMs},
                                          {"recommendations", recs}})
                   .toJson(QJsonDocument::Indented);
        return 0;
    }
    out << QStringLiteral("Advice for %1, primary %2, database %3: %4 statements, %5 of %6 candidate indexes tried "
                          "with HypoPG, %7 pg_qualstats predicates, %8 ms\n\n")
               .arg(target.profile.name, node, advice.database)
               .arg(advice.statementsAnalyzed)
               .arg(advice.candidatesTried)
               .arg(advice.candidatesFound)
               .arg(advice.qualstatsPredicates)
               .arg(advice.elapsedMs);
    if (recs.isEmpty())
        out << "Nothing to recommend.\n";
    for (const analysis::IndexRecommendation& r : advice.recommendations) {
        out << r.priority << "  " << r.type << "  " << r.reason << "\n";
        if (!r.sql.isEmpty())
            out << "      " << r.sql << "\n";
    }
    return 0;
}

} // namespace vigil::cli
