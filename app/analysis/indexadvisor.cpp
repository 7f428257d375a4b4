#include "indexadvisor.h"

#include "genericplan.h"
#include "sqlshape.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QSet>

#include <algorithm>

namespace vigil::analysis {

namespace {

// One prepared name on the advisor's own session, deallocated after every EXPLAIN: a statement
// PREPAREd before a hypothetical index exists keeps its cached generic plan and never sees the
// index (measured on PG15 + HypoPG 1.3.1), so every plan is taken from a fresh PREPARE.
const QString kStmtName = QStringLiteral("vigil_index_advisor");

struct Table
{
    quint32 oid = 0;
    QString schema, name;
    double reltuples = -1;
    QSet<QString> columns;
    QList<QStringList> indexes; // key columns of valid, non-partial b-tree indexes ("" = expression)
};

// What one statement asks of one table, in the terms a b-tree cares about.
struct TableUse
{
    QStringList eq; // =, IN, IS NULL: can lead and still let the next column narrow the scan
    QStringList range; // <, >=, BETWEEN, LIKE 'x%': ends an index
    QString sortLead; // first ORDER BY column, when it belongs to this table
    bool sortDesc = false;
    QHash<QString, QStringList> ops; // column -> operators seen, for the reason text
    QStringList joinKeys; // columns joined to another FROM entry (an index can drive a nested loop)
    bool mentions(const QString& col) const { return eq.contains(col) || range.contains(col) || sortLead == col; }
};

struct Stmt
{
    qint64 queryId = 0;
    QString sql;
    qint64 calls = 0;
    double totalMs = 0; // pg_stat_statements total_exec_time: what ranks candidates before any plan
    SqlShape shape;
    QHash<quint32, TableUse> uses; // table oid -> use
    bool costed = false;
    double baseline = 0;
    QStringList seqScans; // relation names read by Seq Scan nodes of the baseline plan
};

struct Cand
{
    quint32 oid = 0;
    QStringList cols;
    QList<int> stmts; // indexes into the statement list
    double servedMs = 0; // total_exec_time of those statements
    bool tried = false;
    qint64 size = 0;
    QHash<int, double> after; // statement -> cost with the hypothetical index, when the plan used it
};

struct Plan
{
    bool ok = false;
    double cost = 0;
    QJsonValue root;
    QString error;
};

void collectIndexNames(const QJsonValue& v, QSet<QString>* out)
{
    if (v.isObject()) {
        const QJsonObject o = v.toObject();
        const QJsonValue name = o.value(QLatin1String("Index Name"));
        if (name.isString())
            out->insert(name.toString());
        for (auto it = o.begin(); it != o.end(); ++it)
            if (it->isObject() || it->isArray())
                collectIndexNames(*it, out);
    } else if (v.isArray()) {
        for (const QJsonValue& x : v.toArray())
            collectIndexNames(x, out);
    }
}

void collectSeqScans(const QJsonValue& v, QStringList* out)
{
    if (v.isObject()) {
        const QJsonObject o = v.toObject();
        if (o.value(QLatin1String("Node Type")).toString() == QLatin1String("Seq Scan")) {
            const QString rel = o.value(QLatin1String("Relation Name")).toString();
            if (!rel.isEmpty() && !out->contains(rel))
                *out << rel;
        }
        for (auto it = o.begin(); it != o.end(); ++it)
            if (it->isObject() || it->isArray())
                collectSeqScans(*it, out);
    } else if (v.isArray()) {
        for (const QJsonValue& x : v.toArray())
            collectSeqScans(x, out);
    }
}

// PREPARE + EXPLAIN EXECUTE with NULL parameters under the session's force_generic_plan.
pg::Result explainGeneric(pg::Connection& conn, const QString& sql, bool json)
{
    // The extended protocol (exec) refuses a string with several statements, and the session is
    // read-only: a hostile statement text is prepared and explained, never run.
    pg::Result r = conn.exec(QStringLiteral("/* vigil */ PREPARE %1 AS %2").arg(kStmtName, sql));
    if (!r.ok())
        return r;
    QStringList nulls;
    for (int i = parameterCount(sql); i > 0; --i)
        nulls << QStringLiteral("NULL");
    const QString args
        = nulls.isEmpty() ? QString() : QLatin1Char('(') + nulls.join(QLatin1Char(',')) + QLatin1Char(')');
    r = conn.exec(QStringLiteral("/* vigil */ EXPLAIN (FORMAT %1) EXECUTE %2%3")
                      .arg(json ? QStringLiteral("JSON") : QStringLiteral("TEXT"), kStmtName, args));
    conn.execSimple(QStringLiteral("/* vigil */ DEALLOCATE %1").arg(kStmtName));
    return r;
}

QString planText(pg::Connection& conn, const QString& sql)
{
    const pg::Result r = explainGeneric(conn, sql, false);
    if (!r.ok())
        return QStringLiteral("(no plan: %1)").arg(r.errorMessage());
    QStringList lines;
    for (int i = 0; i < r.rows(); ++i)
        lines << r.text(i, 0);
    return lines.join(QLatin1Char('\n'));
}

Plan planCost(pg::Connection& conn, const QString& sql)
{
    Plan p;
    const pg::Result r = explainGeneric(conn, sql, true);
    if (!r.ok() || r.rows() < 1) {
        p.error = r.ok() ? QStringLiteral("EXPLAIN returned no plan") : r.errorMessage();
        return p;
    }
    const QJsonDocument doc = QJsonDocument::fromJson(r.text(0, 0).toUtf8());
    const QJsonObject plan = doc.array().at(0).toObject().value(QLatin1String("Plan")).toObject();
    const QJsonValue cost = plan.value(QLatin1String("Total Cost"));
    if (!cost.isDouble()) {
        p.error = QStringLiteral("no Total Cost in the JSON plan");
        return p;
    }
    p.ok = true;
    p.cost = cost.toDouble();
    p.root = doc.array().at(0);
    return p;
}

// Only the advisor's own prepared statement; the session's others are not ours to drop.
void dropPrepared(pg::Connection& conn)
{
    if (conn.exec(QStringLiteral("/* vigil */ SELECT 1 FROM pg_prepared_statements WHERE name = $1"), {kStmtName})
            .rows()
        > 0)
        conn.execSimple(QStringLiteral("/* vigil */ DEALLOCATE %1").arg(kStmtName));
}

// Leaves the session as it found it, whatever path adviseIndexes() returns by.
struct SessionGuard
{
    pg::Connection& conn;
    QString planCacheMode, readOnly;
    bool active = false;
    ~SessionGuard()
    {
        if (!active || !conn.isOpen())
            return;
        dropPrepared(conn);
        conn.exec(QStringLiteral("/* vigil */ SELECT hypopg_reset()"));
        conn.exec(QStringLiteral("/* vigil */ SELECT set_config('plan_cache_mode', $1, false), "
                                 "set_config('default_transaction_read_only', $2, false)"),
                  {planCacheMode, readOnly});
    }
};

QString relationOf(const TableRef& t)
{
    return t.schema.isEmpty() ? t.name : t.schema + QLatin1Char('.') + t.name;
}

QString fmtCost(double v)
{
    return QLocale(QLocale::English).toString(qRound64(v));
}

QString candKey(quint32 oid, const QStringList& cols)
{
    return QString::number(oid) + QLatin1Char(':') + cols.join(QChar(0x1f));
}

bool isPrefix(const QStringList& prefix, const QStringList& of)
{
    if (prefix.size() > of.size())
        return false;
    for (int i = 0; i < prefix.size(); ++i)
        if (prefix.at(i) != of.at(i))
            return false;
    return true;
}

// Words for the reason: "WHERE account_id = $n AND created_at >= $n AND created_at < $n ORDER BY
// created_at", from the operators the served statements use on the index's columns.
QString describe(const QList<Stmt>& stmts, const QList<int>& used, quint32 oid, const QStringList& cols)
{
    QStringList where, order, joined;
    for (const QString& col : cols) {
        QStringList ops;
        bool sorted = false, desc = false, join = false;
        for (int i : used) {
            const TableUse& u = stmts.at(i).uses.value(oid);
            join = join || u.joinKeys.contains(col);
            for (const QString& op : u.ops.value(col))
                if (!ops.contains(op))
                    ops << op;
            if (u.sortLead == col) {
                sorted = true;
                desc = desc || u.sortDesc;
            }
        }
        for (const QString& op : ops) {
            // The parameter numbers differ between statements, hence the generic "$n".
            if (op.startsWith(QLatin1String("IS ")))
                where << col + QLatin1Char(' ') + op;
            else if (op == QLatin1String("IN"))
                where << col + QStringLiteral(" IN (...)");
            else if (op == QLatin1String("= ANY"))
                where << col + QStringLiteral(" = ANY($n)");
            else if (op == QLatin1String("BETWEEN"))
                where << col + QStringLiteral(" BETWEEN $n AND $n");
            else
                where << col + QLatin1Char(' ') + op + QStringLiteral(" $n");
        }
        if (sorted)
            order << col + (desc ? QStringLiteral(" DESC") : QString());
        if (join)
            joined << col;
    }
    QStringList parts;
    if (!joined.isEmpty())
        parts << QStringLiteral("JOIN ON ") + joined.join(QStringLiteral(", "));
    if (!where.isEmpty())
        parts << QStringLiteral("WHERE ") + where.join(QStringLiteral(" AND "));
    if (!order.isEmpty())
        parts << QStringLiteral("ORDER BY ") + order.join(QStringLiteral(", "));
    return parts.join(QLatin1Char(' '));
}

// What pg_qualstats sampled for one column: how often a predicate on it was evaluated and how
// many rows it filtered out.
struct QualEvidence
{
    qint64 executions = 0, filtered = 0;
};

struct Model
{
    QList<Stmt> stmts;
    QHash<quint32, Table> tables;
    QList<Cand> cands;
    QHash<QString, QualEvidence> qual; // candKey(oid, {column}) -> evidence
    int qualRows = 0;
    int candidatesFound = 0;
};

// Adds the predicates pg_qualstats sampled for the analysed statements (matched by queryid) to
// their table uses, and keeps its counters as evidence. Absent extension or no privilege to read
// it: nothing added (the parse trees alone still give the candidates).
void addQualstats(pg::Connection& conn, Model* m, const std::function<bool(quint32)>& tableOk)
{
    const pg::Result has
        = conn.exec(QStringLiteral("/* vigil */ SELECT 1 FROM pg_extension WHERE extname = 'pg_qualstats'"));
    if (!has.ok() || has.rows() == 0 || m->tables.isEmpty())
        return;
    QStringList oids;
    for (quint32 oid : m->tables.keys())
        oids << QString::number(oid);
    // Both sides of a join qual (rrelid, rattnum) name a column an index could serve.
    const pg::Result r = conn.exec(
        QStringLiteral(
            "/* vigil */ WITH q AS (SELECT queryid, lrelid AS relid, lattnum AS attnum, opno, execution_count, "
            "nbfiltered, rrelid IS NOT NULL AS join_qual FROM pg_qualstats WHERE dbid = (SELECT oid FROM pg_database "
            "WHERE datname = current_database()) UNION ALL SELECT queryid, rrelid, rattnum, opno, execution_count, "
            "nbfiltered, true FROM pg_qualstats WHERE rrelid IS NOT NULL AND dbid = (SELECT oid FROM pg_database "
            "WHERE datname = current_database())) "
            "SELECT q.queryid, q.relid, a.attname, o.oprname, q.join_qual, sum(q.execution_count)::bigint, "
            "sum(q.nbfiltered)::bigint FROM q JOIN pg_attribute a ON a.attrelid = q.relid AND a.attnum = q.attnum "
            "JOIN pg_operator o ON o.oid = q.opno WHERE q.relid = ANY($1::oid[]) AND q.queryid IS NOT NULL "
            "GROUP BY 1, 2, 3, 4, 5"),
        {QLatin1Char('{') + oids.join(QLatin1Char(',')) + QLatin1Char('}')});
    if (!r.ok())
        return;
    QHash<qint64, int> byQueryId;
    for (int i = 0; i < m->stmts.size(); ++i)
        byQueryId.insert(m->stmts.at(i).queryId, i);
    for (int row = 0; row < r.rows(); ++row) {
        const auto it = byQueryId.constFind(r.toInt64(row, 0));
        const quint32 oid = quint32(r.toInt64(row, 1));
        if (it == byQueryId.constEnd() || !tableOk(oid))
            continue;
        const QString col = r.text(row, 2);
        const QString op = r.text(row, 3);
        const bool join = r.toBool(row, 4);
        const bool eq = op == QLatin1String("=");
        const bool range = op == QLatin1String("<") || op == QLatin1String("<=") || op == QLatin1String(">")
            || op == QLatin1String(">=") || op == QLatin1String("~~");
        if (!eq && !range)
            continue;
        ++m->qualRows;
        QualEvidence& ev = m->qual[candKey(oid, {col})];
        ev.executions += r.toInt64(row, 5);
        ev.filtered += r.toInt64(row, 6);
        TableUse& u = m->stmts[*it].uses[oid];
        if (join) {
            if (!u.joinKeys.contains(col))
                u.joinKeys << col;
            if (!u.eq.contains(col))
                u.eq << col;
            continue;
        }
        QStringList& list = eq ? u.eq : u.range;
        const QString shown = op == QLatin1String("~~") ? QStringLiteral("LIKE") : op;
        if (!list.contains(col))
            list << col;
        if (!u.ops[col].contains(shown))
            u.ops[col] << shown;
    }
}

// The statements, the tables they name and the candidates, from the parse trees and the catalog
// (reads only). Returns an error message, empty on success.
QString buildModel(pg::Connection& conn, const QString& database, const QList<StatementEntry>& workload, Model* m)
{
    QList<Stmt>& stmts = m->stmts;
    QHash<quint32, Table>& tables = m->tables;
    QList<Cand>& cands = m->cands;
    pg::Result r;
    // --- The workload: one entry per queryid (pg_stat_statements keeps one per user). ---
    QHash<qint64, int> byQueryId;
    for (const StatementEntry& e : workload) {
        if (e.vigil || !e.text || e.text->isEmpty() || e.database != database)
            continue;
        if (e.kind != StatementKind::Select && e.kind != StatementKind::Update && e.kind != StatementKind::Delete)
            continue;
        if (const auto it = byQueryId.constFind(e.key.queryId); it != byQueryId.constEnd()) {
            stmts[*it].calls += e.calls;
            stmts[*it].totalMs += e.totalMs;
            continue;
        }
        Stmt s;
        s.queryId = e.key.queryId;
        s.sql = *e.text;
        s.calls = e.calls;
        s.totalMs = e.totalMs;
        s.shape = analyze(s.sql);
        if (!s.shape.ok || s.shape.statementCount != 1 || s.shape.tables.isEmpty())
            continue;
        if (s.shape.type != StatementType::Select && s.shape.type != StatementType::Update
            && s.shape.type != StatementType::Delete)
            continue;
        byQueryId.insert(s.queryId, int(stmts.size()));
        stmts << s;
    }

    // --- The tables they name, resolved through this session's search_path. ---
    QHash<QString, quint32> relOid; // relation as written -> oid (0: not a plain table here)
    for (const Stmt& s : stmts) {
        for (const TableRef& t : s.shape.tables) {
            const QString rel = relationOf(t);
            if (relOid.contains(rel))
                continue;
            const QString regclass = t.schema.isEmpty()
                ? conn.quoteIdent(t.name)
                : conn.quoteIdent(t.schema) + QLatin1Char('.') + conn.quoteIdent(t.name);
            // Partitioned tables are left out: HypoPG cannot put an index on the parent.
            // A never-analysed table reports reltuples -1; an empty one is still empty (0 rows).
            r = conn.exec(QStringLiteral("/* vigil */ SELECT c.oid, n.nspname, c.relname, CASE WHEN c.reltuples < 0 "
                                         "AND pg_relation_size(c.oid) = 0 THEN 0 ELSE c.reltuples END FROM pg_class c "
                                         "JOIN pg_namespace n ON n.oid = c.relnamespace "
                                         "WHERE c.oid = to_regclass($1) AND c.relkind IN ('r', 'm')"),
                          {regclass});
            if (!r.ok())
                return r.errorMessage();
            quint32 oid = 0;
            if (r.rows() == 1) {
                oid = quint32(r.toInt64(0, 0));
                Table& tb = tables[oid];
                tb.oid = oid;
                tb.schema = r.text(0, 1);
                tb.name = r.text(0, 2);
                tb.reltuples = r.toDouble(0, 3, -1);
            }
            relOid.insert(rel, oid);
        }
    }
    if (!tables.isEmpty()) {
        QStringList oids;
        for (quint32 oid : tables.keys())
            oids << QString::number(oid);
        const QString oidArray = QLatin1Char('{') + oids.join(QLatin1Char(',')) + QLatin1Char('}');
        r = conn.exec(QStringLiteral("/* vigil */ SELECT attrelid, attname FROM pg_attribute "
                                     "WHERE attrelid = ANY($1::oid[]) AND attnum > 0 AND NOT attisdropped"),
                      {oidArray});
        if (!r.ok())
            return r.errorMessage();
        for (int i = 0; i < r.rows(); ++i)
            tables[quint32(r.toInt64(i, 0))].columns.insert(r.text(i, 1));
        // Existing indexes that already serve a candidate: valid (not a failed CONCURRENTLY build),
        // b-tree, not partial; key columns only (INCLUDE columns cannot be searched).
        r = conn.exec(
            QStringLiteral(
                "/* vigil */ SELECT i.indexrelid, i.indrelid, k.ord, COALESCE(a.attname, '') "
                "FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam "
                "CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) "
                "LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum AND k.attnum > 0 "
                "WHERE i.indrelid = ANY($1::oid[]) AND i.indisvalid AND i.indpred IS NULL "
                "AND am.amname = 'btree' AND k.ord <= i.indnkeyatts ORDER BY i.indexrelid, k.ord"),
            {oidArray});
        if (!r.ok())
            return r.errorMessage();
        qint64 current = -1;
        for (int i = 0; i < r.rows(); ++i) {
            const qint64 idx = r.toInt64(i, 0);
            Table& tb = tables[quint32(r.toInt64(i, 1))];
            if (idx != current) {
                tb.indexes << QStringList();
                current = idx;
            }
            tb.indexes.last() << r.text(i, 3);
        }
    }
    const auto tableOk = [&](quint32 oid) {
        const auto it = tables.constFind(oid);
        // reltuples < 0: never analysed; the planner will still judge the index, so keep it.
        return oid != 0 && it != tables.constEnd() && !(it->reltuples >= 0 && it->reltuples < kMinTableRows);
    };

    // --- What each statement asks of each table. ---
    for (Stmt& s : stmts) {
        QHash<QString, quint32> rel;
        for (const TableRef& t : s.shape.tables)
            rel.insert(relationOf(t), relOid.value(relationOf(t)));
        const auto resolve = [&](const ColumnRef& c) -> quint32 {
            const quint32 oid = rel.value(c.table);
            return tableOk(oid) && tables.value(oid).columns.contains(c.column) ? oid : 0;
        };
        for (const Predicate& p : s.shape.predicates) {
            const quint32 oid = resolve(p.column);
            if (oid == 0 || p.kind == PredicateKind::Other)
                continue;
            TableUse& u = s.uses[oid];
            const QString& col = p.column.column;
            QStringList& list
                = (p.kind == PredicateKind::Range || p.kind == PredicateKind::LikePrefix) ? u.range : u.eq;
            if (!list.contains(col))
                list << col;
            if (!u.ops[col].contains(p.op))
                u.ops[col] << p.op;
        }
        if (!s.shape.sortKeys.isEmpty()) {
            const SortKey& k = s.shape.sortKeys.first();
            if (const quint32 oid = resolve(k.column)) {
                TableUse& u = s.uses[oid];
                u.sortLead = k.column.column;
                u.sortDesc = k.descending;
            }
        }
        // Join keys: with an index on the inner side's key a nested loop probes instead of scanning.
        for (const JoinKey& j : s.shape.joins) {
            for (const ColumnRef& c : {j.left, j.right}) {
                const quint32 oid = resolve(c);
                if (oid == 0)
                    continue;
                TableUse& u = s.uses[oid];
                if (!u.joinKeys.contains(c.column))
                    u.joinKeys << c.column;
                if (!u.eq.contains(c.column))
                    u.eq << c.column;
            }
        }
    }
    addQualstats(conn, m, tableOk);
    // A column both compared for equality and by range narrows like an equality column.
    for (Stmt& s : stmts)
        for (TableUse& u : s.uses)
            u.range.removeIf([&](const QString& c) { return u.eq.contains(c); });

    // --- Candidates. ---
    QHash<QString, int> candIndex;
    const auto addCand = [&](quint32 oid, const QStringList& cols) {
        const QString key = candKey(oid, cols);
        if (candIndex.contains(key))
            return;
        for (const QStringList& idx : tables.value(oid).indexes)
            if (isPrefix(cols, idx))
                return; // an existing valid index already leads with these columns
        Cand c;
        c.oid = oid;
        c.cols = cols;
        candIndex.insert(key, int(cands.size()));
        cands << c;
    };
    for (const Stmt& s : stmts) {
        for (auto it = s.uses.constBegin(); it != s.uses.constEnd(); ++it) {
            const TableUse& u = *it;
            for (const QString& c : u.eq)
                addCand(it.key(), {c});
            for (const QString& c : u.range)
                addCand(it.key(), {c});
            if (!u.sortLead.isEmpty())
                addCand(it.key(), {u.sortLead});
            // Composites: equality columns first (at most two before a tail, three without one),
            // then one range or sort column.
            const QStringList eq = u.eq.mid(0, 3);
            if (eq.size() >= 2)
                addCand(it.key(), eq);
            QStringList tails = u.range;
            if (!u.sortLead.isEmpty() && !eq.contains(u.sortLead) && !tails.contains(u.sortLead))
                tails << u.sortLead;
            if (!eq.isEmpty())
                for (const QString& tail : tails) {
                    addCand(it.key(), QStringList {eq.first(), tail});
                    if (eq.size() >= 2)
                        addCand(it.key(), eq.mid(0, 2) << tail);
                }
        }
    }
    // Each candidate is planned against every statement that filters or sorts on its leading
    // column, so (account_id, created_at) also gets the credit for `WHERE account_id = $1`.
    for (Cand& c : cands) {
        for (int i = 0; i < stmts.size(); ++i)
            if (stmts.at(i).uses.value(c.oid).mentions(c.cols.first())) {
                c.stmts << i;
                c.servedMs += stmts.at(i).totalMs;
            }
        // Heaviest first, then cut: the statements that carry the time decide.
        std::stable_sort(c.stmts.begin(), c.stmts.end(),
                         [&](int a, int b) { return stmts.at(a).totalMs > stmts.at(b).totalMs; });
        if (c.stmts.size() > kMaxStatementsPerCandidate)
            c.stmts.resize(kMaxStatementsPerCandidate);
    }
    m->candidatesFound = int(cands.size());
    std::stable_sort(cands.begin(), cands.end(), [](const Cand& a, const Cand& b) { return a.servedMs > b.servedMs; });
    if (cands.size() > kMaxCandidates)
        cands.resize(kMaxCandidates);

    return {};
}

} // namespace

QString advisorIndexName(const QString& table, const QStringList& columns)
{
    QString name = QStringLiteral("vigil_") + table;
    for (const QString& c : columns)
        name += QLatin1Char('_') + c;
    // PostgreSQL truncates names to NAMEDATALEN - 1 bytes; cutting here, on a character boundary,
    // keeps the name in the SQL equal to the one the server stores.
    while (name.toUtf8().size() > 63)
        name.chop(name.size() >= 2 && name.at(name.size() - 1).isLowSurrogate() ? 2 : 1);
    return name;
}

QList<IndexCandidate> indexCandidates(pg::Connection& conn, const QList<StatementEntry>& workload, QString* error)
{
    QList<IndexCandidate> out;
    const pg::Result r = conn.exec(QStringLiteral("/* vigil */ SELECT current_database()"));
    if (!r.ok()) {
        if (error)
            *error = r.errorMessage();
        return out;
    }
    Model m;
    if (const QString e = buildModel(conn, r.text(0, 0), workload, &m); !e.isEmpty()) {
        if (error)
            *error = e;
        return out;
    }
    for (const Cand& c : m.cands) {
        IndexCandidate ic;
        ic.schema = m.tables.value(c.oid).schema;
        ic.table = m.tables.value(c.oid).name;
        ic.columns = c.cols;
        for (int i : c.stmts)
            ic.queryIds << m.stmts.at(i).queryId;
        out << ic;
    }
    return out;
}

AdvisorResult adviseIndexes(pg::Connection& conn, const QList<StatementEntry>& workload, const std::atomic_bool* cancel,
                            std::function<void(int, int)> progress)
{
    AdvisorResult out;
    const auto cancelled = [&] { return cancel && cancel->load(); };
    const auto fail = [&](const QString& error) {
        out.ok = false;
        out.error = error;
        out.recommendations.clear();
        return out;
    };
    if (!conn.isOpen())
        return fail(QStringLiteral("not connected"));

    pg::Result r = conn.exec(QStringLiteral(
        "/* vigil */ SELECT current_database(), (SELECT extversion FROM pg_extension WHERE extname = 'hypopg'), "
        "current_setting('plan_cache_mode'), current_setting('default_transaction_read_only')"));
    if (!r.ok())
        return fail(r.errorMessage());
    const QString database = r.text(0, 0);
    if (r.isNull(0, 1))
        return fail(QStringLiteral("HypoPG is not installed in database \"%1\"; the advisor tests indexes as "
                                   "hypothetical ones (run CREATE EXTENSION hypopg there)")
                        .arg(database));

    SessionGuard guard {conn, r.text(0, 2), r.text(0, 3)};
    guard.active = true;
    // Generic plans: pg_stat_statements texts carry $n, and PostgreSQL 15 has no
    // EXPLAIN (GENERIC_PLAN). Read-only because the statements are only ever explained.
    r = conn.exec(QStringLiteral("/* vigil */ SELECT set_config('plan_cache_mode', 'force_generic_plan', false), "
                                 "set_config('default_transaction_read_only', 'on', false), hypopg_reset()"));
    if (!r.ok())
        return fail(r.errorMessage());
    dropPrepared(conn);

    Model model;
    if (const QString error = buildModel(conn, database, workload, &model); !error.isEmpty())
        return fail(error);
    QList<Stmt>& stmts = model.stmts;
    QHash<quint32, Table>& tables = model.tables;
    QList<Cand>& cands = model.cands;
    out.candidatesFound = model.candidatesFound;
    out.qualstatsPredicates = model.qualRows;

    // --- Baseline: the generic plan of every statement, before any hypothetical index. ---
    const int total = int(stmts.size() + cands.size());
    int done = 0;
    if (progress)
        progress(0, total);
    for (Stmt& s : stmts) {
        if (cancelled())
            return fail(QStringLiteral("cancelled"));
        const Plan p = planCost(conn, s.sql);
        if (p.ok) {
            s.costed = true;
            s.baseline = p.cost;
            collectSeqScans(p.root, &s.seqScans);
            ++out.statementsAnalyzed;
        }
        if (progress)
            progress(++done, total);
    }

    // --- Each candidate as a hypothetical index, alone. ---
    for (Cand& c : cands) {
        if (cancelled())
            return fail(QStringLiteral("cancelled"));
        c.stmts.removeIf([&](int i) { return !stmts.at(i).costed; });
        if (!c.stmts.isEmpty()) {
            const Table& tb = tables.value(c.oid);
            QStringList quoted;
            for (const QString& col : c.cols)
                quoted << conn.quoteIdent(col);
            const QString create
                = QStringLiteral("CREATE INDEX ON %1.%2 (%3)")
                      .arg(conn.quoteIdent(tb.schema), conn.quoteIdent(tb.name), quoted.join(QStringLiteral(", ")));
            r = conn.exec(QStringLiteral("/* vigil */ SELECT indexrelid, indexname, hypopg_relation_size(indexrelid) "
                                         "FROM hypopg_create_index($1)"),
                          {create});
            if (r.ok() && r.rows() == 1) {
                c.tried = true;
                ++out.candidatesTried;
                const QString hypoName = r.text(0, 1);
                c.size = r.toInt64(0, 2);
                for (int i : c.stmts) {
                    if (cancelled())
                        break;
                    const Plan p = planCost(conn, stmts.at(i).sql);
                    if (!p.ok)
                        continue;
                    QSet<QString> names;
                    collectIndexNames(p.root, &names);
                    if (names.contains(hypoName))
                        c.after.insert(i, p.cost);
                }
            }
            r = conn.exec(QStringLiteral("/* vigil */ SELECT hypopg_reset()"));
            if (!r.ok())
                return fail(r.errorMessage());
        }
        if (progress)
            progress(++done, total);
    }
    if (cancelled())
        return fail(QStringLiteral("cancelled"));

    // --- Choose. ---
    // 1. Greedy on the weighted (cost x calls) reduction over what is already chosen: the
    //    candidate with the largest gain, as long as it cuts the current weighted cost of the
    //    statements it serves by kMinImprovementPct. Equal gain: fewer columns.
    // 2. A broad index picked early ((created_at) serves every statement a little) can be made
    //    redundant by narrower picks that serve each of its statements better: drop a chosen
    //    candidate when every statement it serves has another kept one at the same or lower cost,
    //    least valuable first, so the advice is the smallest set that keeps the best plans.
    double workloadWeighted = 0;
    for (const Stmt& s : stmts)
        if (s.costed)
            workloadWeighted += s.baseline * double(std::max<qint64>(s.calls, 1));
    const auto weight = [&](int i) { return double(std::max<qint64>(stmts.at(i).calls, 1)); };
    QHash<int, double> current;
    for (int i = 0; i < stmts.size(); ++i)
        current.insert(i, stmts.at(i).baseline);
    QList<int> picked;
    for (;;) {
        int best = -1;
        double bestGain = 0;
        for (int ci = 0; ci < cands.size(); ++ci) {
            const Cand& c = cands.at(ci);
            if (picked.contains(ci) || c.after.isEmpty())
                continue;
            double before = 0, after = 0;
            for (auto it = c.after.constBegin(); it != c.after.constEnd(); ++it) {
                if (it.value() < current.value(it.key())) {
                    before += current.value(it.key()) * weight(it.key());
                    after += it.value() * weight(it.key());
                }
            }
            if (before <= 0 || (before - after) / before * 100.0 < kMinImprovementPct)
                continue;
            const double gain = before - after;
            if (best < 0 || gain > bestGain || (gain == bestGain && c.cols.size() < cands.at(best).cols.size())) {
                best = ci;
                bestGain = gain;
            }
        }
        if (best < 0)
            break;
        picked << best;
        const Cand& c = cands.at(best);
        for (auto it = c.after.constBegin(); it != c.after.constEnd(); ++it)
            current[it.key()] = std::min(current.value(it.key()), it.value());
    }
    // Statements a candidate serves: its plan used the index and cost less than without it.
    const auto served = [&](const Cand& c) {
        QList<int> out;
        for (int i : c.stmts)
            if (c.after.contains(i) && c.after.value(i) < stmts.at(i).baseline)
                out << i;
        return out;
    };
    for (int k = int(picked.size()) - 1; k >= 0; --k) {
        const Cand& c = cands.at(picked.at(k));
        bool redundant = true;
        for (int i : served(c)) {
            bool better = false;
            for (int other : picked)
                if (other != picked.at(k) && cands.at(other).after.contains(i)
                    && cands.at(other).after.value(i) <= c.after.value(i))
                    better = true;
            if (!better) {
                redundant = false;
                break;
            }
        }
        if (redundant)
            picked.removeAt(k);
    }

    // Reported figures are each candidate's own, against the plans without any new index.
    QList<QPair<double, IndexRecommendation>> recs;
    for (int ci : picked) {
        const Cand& c = cands.at(ci);
        const QList<int> used = served(c);
        const Table& tb = tables.value(c.oid);
        IndexRecommendation rec;
        rec.table = tb.schema + QLatin1Char('.') + tb.name;
        rec.columns = c.cols;
        rec.indexName = advisorIndexName(tb.name, c.cols);
        QStringList quoted;
        for (const QString& col : c.cols)
            quoted << conn.quoteIdent(col);
        rec.sql = QStringLiteral("CREATE INDEX CONCURRENTLY IF NOT EXISTS %1 ON %2.%3 (%4)")
                      .arg(conn.quoteIdent(rec.indexName), conn.quoteIdent(tb.schema), conn.quoteIdent(tb.name),
                           quoted.join(QStringLiteral(", ")));
        double before = 0, after = 0, calls = 0;
        for (int i : used) {
            before += stmts.at(i).baseline * weight(i);
            after += c.after.value(i) * weight(i);
            calls += weight(i);
            rec.affectedQueryIds << stmts.at(i).queryId;
        }
        if (calls <= 0)
            continue;
        rec.costBefore = before / calls;
        rec.costAfter = after / calls;
        rec.estimatedImprovementPct = before > 0 ? (before - after) / before * 100.0 : 0;
        rec.estimatedSizeBytes = c.size;
        const double gain = before - after;
        const double share = workloadWeighted > 0 ? gain / workloadWeighted * 100.0 : 0;
        rec.priority = share >= kHighSharePct ? QStringLiteral("HIGH")
            : share >= kMediumSharePct        ? QStringLiteral("MEDIUM")
                                              : QStringLiteral("LOW");
        const QLocale en(QLocale::English);
        QStringList evidence;
        for (const QString& col : c.cols) {
            const QualEvidence ev = model.qual.value(candKey(c.oid, {col}));
            if (ev.executions > 0)
                evidence << col + QStringLiteral(" predicates evaluated ") + en.toString(ev.executions)
                        + QStringLiteral(" times, ")
                        + en.toString(100.0 * double(ev.filtered) / double(ev.executions), 'f', 1)
                        + QStringLiteral(" % of rows filtered out");
        }
        // Built by concatenation, not chained arg(): column names could contain "%1".
        rec.reason = describe(stmts, used, c.oid, c.cols)
            + QStringLiteral(" in %1 %2, %3 calls")
                  .arg(used.size())
                  .arg(used.size() == 1 ? QStringLiteral("statement") : QStringLiteral("statements"))
                  .arg(en.toString(qint64(calls)))
            + QStringLiteral("; cost %1 -> %2 (-%3 %), %4 % of the workload's weighted cost; about %5")
                  .arg(fmtCost(rec.costBefore), fmtCost(rec.costAfter),
                       en.toString(rec.estimatedImprovementPct, 'f', 1), en.toString(share, 'f', 1),
                       en.formattedDataSize(rec.estimatedSizeBytes, 1, QLocale::DataSizeTraditionalFormat))
            + (evidence.isEmpty() ? QString()
                                  : QStringLiteral("; pg_qualstats: ") + evidence.join(QStringLiteral("; ")));
        // The plan operators will want to see: the heaviest served statement, without and with
        // the hypothetical index (made again on its own, so the plan shows just this one).
        int sample = used.first();
        for (int i : used)
            if (stmts.at(i).baseline * weight(i) > stmts.at(sample).baseline * weight(sample))
                sample = i;
        rec.sampleQueryId = stmts.at(sample).queryId;
        rec.sampleSql = stmts.at(sample).sql;
        rec.planBefore = planText(conn, rec.sampleSql);
        QStringList plain;
        for (const QString& col : c.cols)
            plain << conn.quoteIdent(col);
        r = conn.exec(
            QStringLiteral("/* vigil */ SELECT indexname FROM hypopg_create_index($1)"),
            {QStringLiteral("CREATE INDEX ON %1.%2 (%3)")
                 .arg(conn.quoteIdent(tb.schema), conn.quoteIdent(tb.name), plain.join(QStringLiteral(", ")))});
        rec.planAfter = r.ok() ? planText(conn, rec.sampleSql) : QStringLiteral("(no plan: %1)").arg(r.errorMessage());
        conn.exec(QStringLiteral("/* vigil */ SELECT hypopg_reset()"));
        recs << qMakePair(gain, rec);
    }

    // --- Heavy statements no index helps: still a large sequential scan. ---
    QSet<int> helped;
    for (int ci : picked)
        for (int i : served(cands.at(ci)))
            helped.insert(i);
    for (int i = 0; i < stmts.size(); ++i) {
        const Stmt& s = stmts.at(i);
        if (!s.costed || helped.contains(i) || s.seqScans.isEmpty() || workloadWeighted <= 0)
            continue;
        const double share = s.baseline * weight(i) / workloadWeighted * 100.0;
        if (share < kMinQueryOptSharePct)
            continue;
        const Table* large = nullptr;
        for (const Table& tb : tables)
            if (s.seqScans.contains(tb.name) && tb.reltuples >= kLargeSeqScanRows
                && (!large || tb.reltuples > large->reltuples))
                large = &tb;
        if (!large)
            continue;
        const QLocale en(QLocale::English);
        IndexRecommendation rec;
        rec.type = QStringLiteral("QUERY_OPTIMIZATION");
        rec.priority = share >= kHighSharePct ? QStringLiteral("HIGH")
            : share >= kMediumSharePct        ? QStringLiteral("MEDIUM")
                                              : QStringLiteral("LOW");
        rec.table = large->schema + QLatin1Char('.') + large->name;
        rec.costBefore = s.baseline;
        rec.costAfter = s.baseline;
        rec.affectedQueryIds << s.queryId;
        rec.sampleQueryId = s.queryId;
        rec.sampleSql = s.sql;
        rec.planBefore = planText(conn, s.sql);
        rec.reason = QStringLiteral("Seq Scan on ") + rec.table + QStringLiteral(" (about ")
            + en.toString(qRound64(large->reltuples)) + QStringLiteral(" rows) in its best plan; cost ")
            + fmtCost(s.baseline) + QStringLiteral(" per call, ") + en.toString(s.calls) + QStringLiteral(" calls, ")
            + en.toString(share, 'f', 1)
            + QStringLiteral(" % of the workload's weighted cost, and no candidate index helped: look for functions "
                             "or casts on filtered columns, OR across columns, leading-wildcard LIKE, or read less "
                             "(aggregate, paginate, precompute)");
        recs << qMakePair(-share, rec); // after every INDEX recommendation, heaviest first
    }
    std::stable_sort(recs.begin(), recs.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (const auto& r : recs)
        out.recommendations << r.second;
    out.ok = true;
    return out;
}

} // namespace vigil::analysis
