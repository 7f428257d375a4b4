#pragma once

#include "indexadvisor.h"
#include "monitor/statements.h"
#include "pg/pgconnection.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <atomic>
#include <functional>

namespace vigil::analysis {

// Everything the advisor says about one database, for `vigil advise` and the Indexes tab alike:
// INDEX and QUERY_OPTIMIZATION (plans, adviseIndexes), UNUSED_INDEX and DUPLICATE_INDEX
// (findIndexFindings), QUERY_OPTIMIZATION for statements returning very many rows per call, and
// CACHING (cacheCandidateReason). Fields a type has no figure for keep their defaults and are
// written as null in JSON.
struct Advice
{
    bool ok = false;
    QString error;
    QString database;
    QList<IndexRecommendation> recommendations; // INDEX first (by gain), then the others
    QStringList warnings; // parts that could not be read (e.g. index usage without privilege)
    int statementsAnalyzed = 0;
    int candidatesTried = 0;
    int candidatesFound = 0;
    int qualstatsPredicates = 0;
    qint64 elapsedMs = 0;
};

// A SELECT returning this many rows per call moves a lot of data for one request: worth a look at
// the query (pagination, aggregation in the database) whatever its plan.
inline constexpr double kManyRowsPerCall = 1000.0;
// Unused or duplicate indexes bigger than this are worth more than a low priority.
inline constexpr qint64 kLargeIndexBytes = 100LL * 1024 * 1024;

// Blocking (run it on a worker thread), on a direct session to the primary; see adviseIndexes()
// for what is done on the session. `progress` gets (done, total) of the plan phase.
Advice advise(pg::Connection& conn, const QList<StatementEntry>& workload, const std::atomic_bool* cancel = nullptr,
              std::function<void(int done, int total)> progress = {});

// The JSON object of `vigil advise --json` for one recommendation (issue 4 field names).
QJsonObject toJson(const IndexRecommendation& r);
bool hasCosts(const IndexRecommendation& r); // INDEX and QUERY_OPTIMIZATION carry plan costs

// All recommendations that carry SQL as one script, each preceded by its reason as a comment;
// CREATE/DROP INDEX CONCURRENTLY cannot run in a transaction block, so there is no BEGIN/COMMIT.
QString toSqlScript(const QList<IndexRecommendation>& recs, const QString& header);

} // namespace vigil::analysis
