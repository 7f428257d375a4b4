#pragma once

#include "monitor/statements.h"
#include "pg/pgconnection.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <atomic>
#include <functional>

namespace vigil::analysis {

// A b-tree index worth asking the planner about: the columns come from the predicates and sort
// keys of the workload's statements, in index order (equality columns first, then at most one
// range or sort column, at most three columns).
struct IndexCandidate
{
    QString schema, table;
    QStringList columns;
    QList<qint64> queryIds; // statements whose filters or sort keys include the leading column
};

struct IndexRecommendation
{
    QString type = QStringLiteral("INDEX");
    // From the weighted cost reduction's share of the whole analysed workload's weighted cost
    // (plan cost x calls): HIGH >= kHighSharePct, MEDIUM >= kMediumSharePct, LOW below.
    QString priority;
    QString table; // schema-qualified, as the catalog names it ("public.trades")
    QStringList columns;
    QString indexName; // vigil_<table>_<col1>_<col2>, cut to 63 bytes
    QString sql; // CREATE INDEX CONCURRENTLY IF NOT EXISTS "name" ON "schema"."table" ("col", ...)
    // Generic-plan total cost of the statements the planner used the hypothetical index for,
    // averaged over their calls (for one statement: its plan cost), without and with the index.
    double costBefore = 0, costAfter = 0;
    double estimatedImprovementPct = 0; // of the weighted cost of those statements
    qint64 estimatedSizeBytes = 0; // hypopg_relation_size() of the hypothetical index
    QList<qint64> affectedQueryIds; // statements whose generic plan used the hypothetical index
    QString reason; // "WHERE symbol = $n ORDER BY created_at DESC in 2 statements, 245 calls; cost 20,176 -> 4,637 ..."
    // The heaviest affected statement (calls x cost) and its generic plan (EXPLAIN text) without
    // and with the hypothetical index; for QUERY_OPTIMIZATION the plan as it stands.
    qint64 sampleQueryId = 0;
    QString sampleSql, planBefore, planAfter;
};

struct AdvisorResult
{
    bool ok = false;
    QString error;
    QList<IndexRecommendation> recommendations; // highest weighted cost reduction first
    int statementsAnalyzed = 0; // statements whose generic plan could be costed
    int candidatesTried = 0; // hypothetical indexes created
    // Candidates found in the parse trees and pg_qualstats, before the kMaxCandidates cut.
    int candidatesFound = 0;
    int qualstatsPredicates = 0; // pg_qualstats rows that matched an analysed statement (0: absent or empty)
};

// A candidate must cut the weighted cost of the statements it serves by at least this much to be
// recommended; below it the write cost and size of one more index are not clearly paid back.
inline constexpr double kMinImprovementPct = 30.0;
// Share of the analysed workload's total weighted cost that a recommendation removes.
inline constexpr double kHighSharePct = 20.0;
inline constexpr double kMediumSharePct = 5.0;
// Tables the planner estimates smaller than this are read whole faster than through an index.
inline constexpr double kMinTableRows = 10000.0;
// Bounds that keep one analysis to seconds on workloads of thousands of statements: only the
// candidates serving the most execution time (pg_stat_statements total_exec_time) are tried, each
// against its heaviest statements. Both are reported (AdvisorResult::candidatesFound).
inline constexpr int kMaxCandidates = 150;
inline constexpr int kMaxStatementsPerCandidate = 20;
// QUERY_OPTIMIZATION: a statement no recommended index serves whose plan still reads a table of
// at least this many rows sequentially, and that carries at least kMinQueryOptSharePct of the
// analysed workload's weighted cost.
inline constexpr double kLargeSeqScanRows = 100000.0;
inline constexpr double kMinQueryOptSharePct = 1.0;

// "vigil_<table>_<col1>_<col2>", at most 63 bytes of UTF-8 (NAMEDATALEN - 1), cut on a character.
QString advisorIndexName(const QString& table, const QStringList& columns);

// The candidates adviseIndexes() would try, without HypoPG: parse trees plus catalog reads
// (reltuples, columns, existing valid b-tree indexes). Empty with *error set on failure.
QList<IndexCandidate> indexCandidates(pg::Connection& conn, const QList<StatementEntry>& workload,
                                      QString* error = nullptr);

// Blocking; run it on a worker thread. `conn` must be a direct session to the primary (never
// pgbouncer: HypoPG's hypothetical indexes live only in the backend that created them) in the
// database whose statements are to be analysed; entries of other databases, Vigil's own
// statements and anything but SELECT / UPDATE / DELETE are ignored. When pg_qualstats is
// installed, the predicates it sampled for those statements (queryid) add columns the text alone
// does not show and their filter ratios go into the reason. Besides INDEX recommendations the
// result holds QUERY_OPTIMIZATION ones for heavy statements still planned as large seq scans. Nothing is executed or
// written: statements are only PREPAREd and EXPLAINed in a read-only session. The session's own
// hypothetical indexes are reset at the start and at the end (hypopg_reset()); plan_cache_mode and
// default_transaction_read_only are put back as they were.
// `cancel` is checked between planner calls; `progress` gets (candidates done, candidates total).
AdvisorResult adviseIndexes(pg::Connection& conn, const QList<StatementEntry>& workload,
                            const std::atomic_bool* cancel = nullptr,
                            std::function<void(int done, int total)> progress = {});

} // namespace vigil::analysis
