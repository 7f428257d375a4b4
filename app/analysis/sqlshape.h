#pragma once

#include <QList>
#include <QString>

namespace vigil::analysis {

// What a statement does, taken from the top node of the PostgreSQL parse tree (never from a text
// prefix, so comments and WITH clauses cannot fool it). SELECT is not "read-only": it may call
// functions with side effects, lock rows (FOR UPDATE) or hold a data-modifying CTE; see
// SqlShape::modifiesData. SELECT ... INTO is a CREATE TABLE AS in disguise and reports Other.
enum class StatementType { Select, Insert, Update, Delete, Other };
QString typeName(StatementType t); // "SELECT", "INSERT", "UPDATE", "DELETE", "other"

// How a column is compared, as far as a b-tree index cares: Equality and In can lead a composite,
// Range can end one, LikePrefix needs a literal pattern that does not start with a wildcard (and
// text_pattern_ops or the C collation). Anything else, including a negated comparison or a
// function over the column, is Other.
enum class PredicateKind { Equality, Range, In, IsNull, LikePrefix, Other };
QString kindName(PredicateKind k); // "equality", "range", "in", "is null", "like prefix", "other"

struct ColumnRef
{
    // Relation the column belongs to, as written (schema-qualified when the query qualifies it),
    // with aliases resolved. Empty when it cannot be known without the catalog: an unqualified
    // column with several relations in scope, or a column of a subquery, CTE or function.
    QString table;
    QString column;
    bool operator==(const ColumnRef&) const = default;
};

struct Predicate
{
    ColumnRef column;
    PredicateKind kind = PredicateKind::Other;
    // Operator seen from the column's side: "=", "<", "<=", ">", ">=", "<>", "IN", "= ANY",
    // "BETWEEN", "IS NULL", "IS NOT NULL", "LIKE", "ILIKE", "NOT IN", ...; `$1 < x` reads "x >".
    QString op;
    bool operator==(const Predicate&) const = default;
};

// `a.x = b.y` between two different FROM entries (a self-join counts, the same entry does not).
struct JoinKey
{
    ColumnRef left, right;
    bool operator==(const JoinKey&) const = default;
};

struct SortKey
{
    ColumnRef column;
    bool descending = false;
    bool operator==(const SortKey&) const = default;
};

struct TableRef
{
    QString schema; // empty unless written
    QString name;
    QString alias; // empty unless written
    bool operator==(const TableRef&) const = default;
};

struct SqlShape
{
    bool ok = false;
    QString error; // parser message with the position, e.g. `syntax error at or near "FROM" at position 14`
    int errorPosition = 0; // 1-based QString index of the error, 0 when unknown or ok

    StatementType type = StatementType::Other;
    // Every relation read or written, in order of appearance; the written relation of an INSERT,
    // UPDATE or DELETE comes first. CTE names and subquery aliases are not relations. A relation
    // read twice under different aliases (self-join) appears twice.
    QList<TableRef> tables;
    // Column-vs-value comparisons (value = constant, $n parameter, or an expression without
    // columns of the same query level) from WHERE, JOIN ... ON and the WHERE of every subquery and
    // CTE body, inside OR branches too. Exact duplicates are dropped; `x >= $1 AND x < $2` keeps
    // both bounds as two Range predicates because an advisor wants to know both are there.
    QList<Predicate> predicates;
    QList<JoinKey> joins; // column = column across two FROM entries (ON, USING, WHERE)
    // ORDER BY of the main query block (for INSERT ... SELECT, the SELECT), stopping at the first
    // item that is not a plain column: keys after an expression cannot be served by an index.
    QList<SortKey> sortKeys;
    QList<ColumnRef> groupBy; // GROUP BY plain columns of the main query block
    bool hasLimit = false; // LIMIT n / FETCH FIRST n on the main query block (LIMIT ALL is none)
    // An INSERT, UPDATE, DELETE or MERGE anywhere in the tree (a data-modifying CTE under a
    // SELECT, EXPLAIN of a DELETE: conservative), or SELECT ... INTO.
    bool modifiesData = false;
    // Statements in the string; the fields above describe the first one only.
    int statementCount = 0;
};

// Parses with the PostgreSQL 15 grammar (libpg_query). Thread-safe: the parser keeps its memory
// per thread. pg_stat_statements texts with $1, $2 parse as they are.
SqlShape analyze(const QString& sql);
// Same rules as analyze().type without walking the tree; Other for SQL that does not parse.
StatementType statementType(const QString& sql);

} // namespace vigil::analysis
