#include "sqlshape.h"

#include "pgquery.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace vigil::analysis {

QString typeName(StatementType t)
{
    switch (t) {
    case StatementType::Select:
        return QStringLiteral("SELECT");
    case StatementType::Insert:
        return QStringLiteral("INSERT");
    case StatementType::Update:
        return QStringLiteral("UPDATE");
    case StatementType::Delete:
        return QStringLiteral("DELETE");
    case StatementType::Other:
        break;
    }
    return QStringLiteral("other");
}

QString kindName(PredicateKind k)
{
    switch (k) {
    case PredicateKind::Equality:
        return QStringLiteral("equality");
    case PredicateKind::Range:
        return QStringLiteral("range");
    case PredicateKind::In:
        return QStringLiteral("in");
    case PredicateKind::IsNull:
        return QStringLiteral("is null");
    case PredicateKind::LikePrefix:
        return QStringLiteral("like prefix");
    case PredicateKind::Other:
        break;
    }
    return QStringLiteral("other");
}

namespace {

using L1 = QLatin1String;

// libpg_query writes every node as {"TypeName": {fields}}; lists are JSON arrays of such nodes.
struct Node
{
    QString type;
    QJsonObject body;
};

Node nodeOf(const QJsonValue& v)
{
    const QJsonObject o = v.toObject();
    if (o.size() != 1)
        return {};
    const auto it = o.constBegin();
    return {it.key(), it.value().toObject()};
}

QString sval(const QJsonValue& stringNode)
{
    return stringNode.toObject().value(L1("String")).toObject().value(L1("sval")).toString();
}

// Last element of a qualified operator name (`OPERATOR(pg_catalog.=)` reads "=").
QString operatorName(const QJsonValue& nameList)
{
    const QJsonArray names = nameList.toArray();
    return names.isEmpty() ? QString() : sval(names.last());
}

StatementType typeOfNode(const Node& n)
{
    if (n.type == L1("SelectStmt"))
        // SELECT ... INTO creates a table: classifying it as a SELECT would pass it off as a read.
        return n.body.contains(L1("intoClause")) ? StatementType::Other : StatementType::Select;
    if (n.type == L1("InsertStmt"))
        return StatementType::Insert;
    if (n.type == L1("UpdateStmt"))
        return StatementType::Update;
    if (n.type == L1("DeleteStmt"))
        return StatementType::Delete;
    return StatementType::Other;
}

// The first statement's type straight from libpg_query's text, which starts
// {"version":N,"stmts":[{"stmt":{"TypeName":{ ... so no document has to be built.
StatementType typeFromJson(const QByteArray& json)
{
    static const QByteArray marker = QByteArrayLiteral("\"stmts\":[{\"stmt\":{\"");
    const qsizetype at = json.indexOf(marker);
    if (at < 0)
        return StatementType::Other; // no statement
    const qsizetype start = at + marker.size();
    const qsizetype end = json.indexOf('"', start);
    if (end < 0)
        return StatementType::Other;
    const QByteArrayView type(json.constData() + start, end - start);
    if (type == "InsertStmt")
        return StatementType::Insert;
    if (type == "UpdateStmt")
        return StatementType::Update;
    if (type == "DeleteStmt")
        return StatementType::Delete;
    if (type != "SelectStmt")
        return StatementType::Other;
    // A key follows { or , unescaped, which text inside a string cannot (its quotes are escaped).
    // Only when some SELECT has INTO is the tree needed, to see whether it is the top-level one.
    if (!json.contains("{\"intoClause\":") && !json.contains(",\"intoClause\":"))
        return StatementType::Select;
    const QJsonDocument doc = QJsonDocument::fromJson(json);
    return typeOfNode(nodeOf(doc.object().value(L1("stmts")).toArray().at(0).toObject().value(L1("stmt"))));
}

// One FROM-clause entry as a column qualifier sees it.
struct Entry
{
    QString name; // alias if written, else the relation (or CTE) name
    QString schema; // as written, relations only
    QString relation; // ColumnRef::table for its columns; empty for subqueries, CTEs, functions
    bool aliased = false;
};

// The FROM entries and WITH names of one query level; subqueries chain to the level around them.
struct Scope
{
    const Scope* parent = nullptr;
    QList<Entry> entries;
    QStringList ctes;
};

struct Resolved
{
    bool valid = false;
    ColumnRef ref;
    const Scope* scope = nullptr; // with entry: which FROM entry, to tell a join from a same-row test
    int entry = -1;
    bool sameEntry(const Resolved& o) const { return entry >= 0 && scope == o.scope && entry == o.entry; }
};

bool isCte(const Scope* s, const QString& name)
{
    for (; s; s = s->parent) {
        if (s->ctes.contains(name))
            return true;
    }
    return false;
}

Resolved resolve(const QJsonObject& columnRef, const Scope& scope)
{
    Resolved r;
    const QJsonArray fields = columnRef.value(L1("fields")).toArray();
    if (fields.isEmpty() || fields.size() > 4 || nodeOf(fields.last()).type != L1("String"))
        return r; // t.* or garbage
    r.valid = true;
    r.ref.column = sval(fields.last());
    if (fields.size() == 1) {
        // Without the catalog an unqualified column is only certain when one entry is in scope;
        // the innermost level with entries wins, as PostgreSQL tries it first.
        const Scope* s = &scope;
        while (s && s->entries.isEmpty())
            s = s->parent;
        if (s && s->entries.size() == 1) {
            r.scope = s;
            r.entry = 0;
            r.ref.table = s->entries.first().relation;
        }
        return r;
    }
    const QString table = sval(fields.at(fields.size() - 2));
    const QString schema = fields.size() >= 3 ? sval(fields.at(fields.size() - 3)) : QString();
    for (const Scope* s = &scope; s; s = s->parent) {
        for (int i = 0; i < s->entries.size(); ++i) {
            const Entry& e = s->entries.at(i);
            if (e.name != table)
                continue;
            // schema.table.column can only name an unaliased relation; `FROM trades` may well be
            // public.trades, which only the catalog could confirm, so an unwritten schema matches.
            if (!schema.isEmpty() && (e.aliased || (!e.schema.isEmpty() && e.schema != schema)))
                continue;
            r.scope = s;
            r.entry = i;
            r.ref.table = e.relation;
            return r;
        }
    }
    return r; // EXCLUDED, NEW, or a typo the server will reject: the table stays unknown
}

// The first ColumnRef of an expression at this query level (columns inside a subquery belong to it).
bool findColumn(const QJsonValue& v, QJsonObject* columnRef)
{
    if (v.isArray()) {
        for (const QJsonValue& item : v.toArray()) {
            if (findColumn(item, columnRef))
                return true;
        }
        return false;
    }
    if (!v.isObject())
        return false;
    const QJsonObject o = v.toObject();
    for (auto it = o.constBegin(); it != o.constEnd(); ++it) {
        if (it.key() == L1("ColumnRef")) {
            const QJsonArray fields = it.value().toObject().value(L1("fields")).toArray();
            if (!fields.isEmpty() && nodeOf(fields.last()).type == L1("String")) {
                *columnRef = it.value().toObject();
                return true;
            }
            continue;
        }
        if (it.key() == L1("SubLink"))
            continue;
        if ((it.value().isObject() || it.value().isArray()) && findColumn(it.value(), columnRef))
            return true;
    }
    return false;
}

struct Operand
{
    enum Kind { Value, Column, ColumnExpr, Unknown } kind = Value;
    Resolved col;
    bool isColumnish() const { return kind == Column || kind == ColumnExpr; }
};

Operand operandOf(const QJsonValue& v, const Scope& scope)
{
    const Node n = nodeOf(v);
    if (n.type == L1("ColumnRef")) {
        Resolved r = resolve(n.body, scope);
        return {r.valid ? Operand::Column : Operand::Unknown, r};
    }
    QJsonObject col;
    if (findColumn(v, &col))
        return {Operand::ColumnExpr, resolve(col, scope)};
    return {Operand::Value, {}};
}

// The same comparison read with the column on the left.
QString mirrored(const QString& op)
{
    if (op == L1("<"))
        return QStringLiteral(">");
    if (op == L1(">"))
        return QStringLiteral("<");
    if (op == L1("<="))
        return QStringLiteral(">=");
    if (op == L1(">="))
        return QStringLiteral("<=");
    if (op == L1("@>"))
        return QStringLiteral("<@");
    if (op == L1("<@"))
        return QStringLiteral("@>");
    return op;
}

PredicateKind comparisonKind(const QString& op)
{
    if (op == L1("="))
        return PredicateKind::Equality;
    if (op == L1("<") || op == L1("<=") || op == L1(">") || op == L1(">="))
        return PredicateKind::Range;
    return PredicateKind::Other;
}

bool hasRealLimit(const QJsonObject& select)
{
    const QJsonValue count = select.value(L1("limitCount"));
    if (!count.isObject())
        return false;
    // LIMIT ALL and LIMIT NULL parse to a null constant: no limit at all.
    const Node n = nodeOf(count);
    return !(n.type == L1("A_Const") && n.body.value(L1("isnull")).toBool());
}

class Analyzer
{
public:
    explicit Analyzer(SqlShape& out)
        : m_out(out)
    {
    }

    void statement(const QJsonValue& v, const Scope* parent, bool main)
    {
        const Node n = nodeOf(v);
        if (n.type == L1("SelectStmt")) {
            select(n.body, parent, main);
        } else if (n.type == L1("InsertStmt")) {
            insert(n.body, parent, main);
        } else if (n.type == L1("UpdateStmt")) {
            modify(n.body, L1("fromClause"), parent);
        } else if (n.type == L1("DeleteStmt")) {
            modify(n.body, L1("usingClause"), parent);
        } else if (n.type == L1("MergeStmt")) {
            merge(n.body, parent);
        } else if (n.type == L1("ExplainStmt") || n.type == L1("DeclareCursorStmt") || n.type == L1("PrepareStmt")) {
            // The wrapped query is what an operator wants to see the shape of; the type stays other.
            statement(n.body.value(L1("query")), parent, main);
        } else if (n.type == L1("CreateTableAsStmt")) {
            m_out.modifiesData = true;
            statement(n.body.value(L1("query")), parent, main);
        } else if (n.type == L1("CopyStmt")) {
            if (n.body.contains(L1("relation"))) {
                addTable(tableOf(n.body.value(L1("relation")).toObject()));
                m_out.modifiesData = m_out.modifiesData || n.body.value(L1("is_from")).toBool();
            }
            statement(n.body.value(L1("query")), parent, main);
        }
        // SET, BEGIN, VACUUM, CREATE INDEX, CALL, ...: no query shape to speak of.
    }

private:
    void select(const QJsonObject& s, const Scope* parent, bool main)
    {
        Scope scope {parent, {}, {}};
        if (s.contains(L1("withClause")))
            withClause(s.value(L1("withClause")).toObject(), scope);
        if (s.contains(L1("intoClause")))
            m_out.modifiesData = true;
        const QString op = s.value(L1("op")).toString();
        if (!op.isEmpty() && op != L1("SETOP_NONE")) {
            // UNION/INTERSECT/EXCEPT: larg and rarg are bare SelectStmt bodies. ORDER BY names
            // output columns of the set, not relation columns, so it gives no sort keys.
            select(s.value(L1("larg")).toObject(), &scope, false);
            select(s.value(L1("rarg")).toObject(), &scope, false);
            if (main)
                m_out.hasLimit = hasRealLimit(s);
            return;
        }
        nested(s.value(L1("valuesLists")), scope);
        for (const QJsonValue& item : s.value(L1("fromClause")).toArray())
            fromItem(item, scope);
        quals(s.value(L1("whereClause")), scope, false);
        for (const char* key : {"targetList", "havingClause", "groupClause", "sortClause", "windowClause", "limitCount",
                                "limitOffset", "distinctClause"})
            nested(s.value(L1(key)), scope);
        if (!main)
            return;
        const QJsonArray targets = s.value(L1("targetList")).toArray();
        for (const QJsonValue& item : s.value(L1("sortClause")).toArray()) {
            const Node sortBy = nodeOf(item);
            const Resolved r = outputColumn(sortBy.body.value(L1("node")), targets, scope);
            if (!r.valid)
                break; // an index cannot deliver the keys after an expression in this order
            m_out.sortKeys.append({r.ref, sortBy.body.value(L1("sortby_dir")).toString() == L1("SORTBY_DESC")});
        }
        for (const QJsonValue& item : s.value(L1("groupClause")).toArray()) {
            const Resolved r = outputColumn(item, targets, scope);
            if (r.valid)
                m_out.groupBy.append(r.ref);
        }
        m_out.hasLimit = hasRealLimit(s);
    }

    void insert(const QJsonObject& s, const Scope* parent, bool main)
    {
        m_out.modifiesData = true;
        Scope scope {parent, {}, {}};
        addTable(tableOf(s.value(L1("relation")).toObject()));
        if (s.contains(L1("withClause")))
            withClause(s.value(L1("withClause")).toObject(), scope);
        // The target is not in scope for the SELECT part; only for ON CONFLICT and RETURNING.
        statement(s.value(L1("selectStmt")), &scope, main);
        nested(s.value(L1("onConflictClause")), scope);
        nested(s.value(L1("returningList")), scope);
    }

    // UPDATE ... FROM and DELETE ... USING: the target and the extra relations form one scope.
    void modify(const QJsonObject& s, L1 extraFrom, const Scope* parent)
    {
        m_out.modifiesData = true;
        Scope scope {parent, {}, {}};
        const qsizetype targetAt = m_out.tables.size();
        if (s.contains(L1("withClause")))
            withClause(s.value(L1("withClause")).toObject(), scope);
        rangeVar(s.value(L1("relation")).toObject(), scope, targetAt);
        for (const QJsonValue& item : s.value(extraFrom).toArray())
            fromItem(item, scope);
        quals(s.value(L1("whereClause")), scope, false);
        nested(s.value(L1("targetList")), scope);
        nested(s.value(L1("returningList")), scope);
    }

    void merge(const QJsonObject& s, const Scope* parent)
    {
        m_out.modifiesData = true;
        Scope scope {parent, {}, {}};
        const qsizetype targetAt = m_out.tables.size();
        if (s.contains(L1("withClause")))
            withClause(s.value(L1("withClause")).toObject(), scope);
        rangeVar(s.value(L1("relation")).toObject(), scope, targetAt);
        fromItem(s.value(L1("sourceRelation")), scope);
        quals(s.value(L1("joinCondition")), scope, false);
        nested(s.value(L1("mergeWhenClauses")), scope);
    }

    void withClause(const QJsonObject& w, Scope& scope)
    {
        const QJsonArray ctes = w.value(L1("ctes")).toArray();
        const bool recursive = w.value(L1("recursive")).toBool();
        // A recursive CTE sees itself and its siblings; a plain one only the ones before it.
        if (recursive) {
            for (const QJsonValue& c : ctes)
                scope.ctes.append(nodeOf(c).body.value(L1("ctename")).toString());
        }
        for (const QJsonValue& c : ctes) {
            const QJsonObject cte = nodeOf(c).body;
            statement(cte.value(L1("ctequery")), &scope, false);
            if (!recursive)
                scope.ctes.append(cte.value(L1("ctename")).toString());
        }
    }

    static TableRef tableOf(const QJsonObject& rangeVar)
    {
        return {rangeVar.value(L1("schemaname")).toString(), rangeVar.value(L1("relname")).toString(),
                rangeVar.value(L1("alias")).toObject().value(L1("aliasname")).toString()};
    }

    // at >= 0 puts the table at that index of SqlShape::tables (the written target comes first).
    void rangeVar(const QJsonObject& rv, Scope& scope, qsizetype at = -1)
    {
        const TableRef t = tableOf(rv);
        Entry e;
        e.aliased = !t.alias.isEmpty();
        e.name = e.aliased ? t.alias : t.name;
        if (t.schema.isEmpty() && isCte(&scope, t.name)) {
            scope.entries.append(e); // a CTE reference: its columns have no relation
            return;
        }
        e.schema = t.schema;
        e.relation = t.schema.isEmpty() ? t.name : t.schema + QLatin1Char('.') + t.name;
        scope.entries.append(e);
        addTable(t, at);
    }

    void addTable(const TableRef& t, qsizetype at = -1)
    {
        if (t.name.isEmpty())
            return;
        const qsizetype existing = m_out.tables.indexOf(t);
        if (existing < 0) {
            if (at >= 0 && at <= m_out.tables.size())
                m_out.tables.insert(at, t);
            else
                m_out.tables.append(t);
        } else if (at >= 0 && existing > at) {
            m_out.tables.move(existing, at);
        }
    }

    void fromItem(const QJsonValue& item, Scope& scope)
    {
        const Node n = nodeOf(item);
        if (n.type == L1("RangeVar")) {
            rangeVar(n.body, scope);
        } else if (n.type == L1("JoinExpr")) {
            const qsizetype before = scope.entries.size();
            fromItem(n.body.value(L1("larg")), scope);
            const qsizetype middle = scope.entries.size();
            fromItem(n.body.value(L1("rarg")), scope);
            const qsizetype after = scope.entries.size();
            quals(n.body.value(L1("quals")), scope, false);
            // USING (c) joins the one entry on each side, when each side is a single entry.
            const QString left = middle - before == 1 ? scope.entries.at(before).relation : QString();
            const QString right = after - middle == 1 ? scope.entries.at(middle).relation : QString();
            for (const QJsonValue& c : n.body.value(L1("usingClause")).toArray())
                addJoin({{left, sval(c)}, {right, sval(c)}});
        } else if (n.type == L1("RangeSubselect")) {
            // Only a LATERAL subquery may refer to the FROM entries before it; any subquery sees
            // the WITH names of its level.
            if (n.body.value(L1("lateral")).toBool()) {
                statement(n.body.value(L1("subquery")), &scope, false);
            } else {
                const Scope withOnly {scope.parent, {}, scope.ctes};
                statement(n.body.value(L1("subquery")), &withOnly, false);
            }
            scope.entries.append({aliasOf(n.body), {}, {}, true});
        } else if (n.type == L1("RangeTableSample")) {
            fromItem(n.body.value(L1("relation")), scope);
        } else {
            // Functions, XMLTABLE, ...: an entry whose columns are unknown, which keeps unqualified
            // columns ambiguous as they really are.
            nested(item, scope);
            scope.entries.append({aliasOf(n.body), {}, {}, true});
        }
    }

    static QString aliasOf(const QJsonObject& body)
    {
        return body.value(L1("alias")).toObject().value(L1("aliasname")).toString();
    }

    // ORDER BY / GROUP BY item: a column, an output-column alias or a 1-based output position.
    static Resolved outputColumn(const QJsonValue& v, const QJsonArray& targets, const Scope& scope)
    {
        const Node n = nodeOf(v);
        QJsonValue expr = v;
        if (n.type == L1("A_Const") && n.body.contains(L1("ival"))) {
            const int pos = n.body.value(L1("ival")).toObject().value(L1("ival")).toInt();
            if (pos < 1 || pos > targets.size())
                return {};
            expr = nodeOf(targets.at(pos - 1)).body.value(L1("val"));
        } else if (n.type == L1("ColumnRef")) {
            const QJsonArray fields = n.body.value(L1("fields")).toArray();
            if (fields.size() == 1) {
                const QString name = sval(fields.first());
                for (const QJsonValue& t : targets) {
                    const QJsonObject target = nodeOf(t).body;
                    if (target.value(L1("name")).toString() == name) {
                        expr = target.value(L1("val"));
                        break;
                    }
                }
            }
        }
        const Node col = nodeOf(expr);
        return col.type == L1("ColumnRef") ? resolve(col.body, scope) : Resolved {};
    }

    void addPredicate(const ColumnRef& c, PredicateKind kind, const QString& op, bool negated)
    {
        Predicate p {c, negated ? PredicateKind::Other : kind, negated ? QStringLiteral("NOT ") + op : op};
        if (!m_out.predicates.contains(p))
            m_out.predicates.append(p);
    }

    void addJoin(const JoinKey& j)
    {
        if (!m_out.joins.contains(j))
            m_out.joins.append(j);
    }

    // WHERE / ON: every comparison, in AND and OR branches alike; under NOT they become Other.
    void quals(const QJsonValue& v, const Scope& scope, bool negated)
    {
        if (!v.isObject())
            return;
        const Node n = nodeOf(v);
        if (n.type == L1("BoolExpr")) {
            const bool isNot = n.body.value(L1("boolop")).toString() == L1("NOT_EXPR");
            for (const QJsonValue& arg : n.body.value(L1("args")).toArray())
                quals(arg, scope, negated != isNot);
            return;
        }
        if (n.type == L1("SubLink")) {
            subLink(n.body, scope, negated);
            return;
        }
        if (n.type == L1("A_Expr")) {
            aExpr(n.body, scope, negated);
        } else if (n.type == L1("NullTest")) {
            const Operand o = operandOf(n.body.value(L1("arg")), scope);
            const bool isNull = n.body.value(L1("nulltesttype")).toString() == L1("IS_NULL");
            if (o.isColumnish()) {
                addPredicate(o.col.ref,
                             isNull && o.kind == Operand::Column ? PredicateKind::IsNull : PredicateKind::Other,
                             isNull ? QStringLiteral("IS NULL") : QStringLiteral("IS NOT NULL"), negated);
            }
        } else if (n.type == L1("BooleanTest")) {
            const Operand o = operandOf(n.body.value(L1("arg")), scope);
            // IS_TRUE, IS_NOT_FALSE, ... read "IS TRUE", "IS NOT FALSE".
            if (o.isColumnish()) {
                addPredicate(o.col.ref, PredicateKind::Other,
                             n.body.value(L1("booltesttype")).toString().replace(QLatin1Char('_'), QLatin1Char(' ')),
                             negated);
            }
        } else if (n.type == L1("ColumnRef")) {
            // A bare boolean column: the planner matches `flag` and `NOT flag` to an index on flag
            // as flag = true / flag = false.
            const Resolved r = resolve(n.body, scope);
            if (r.valid)
                addPredicate(r.ref, PredicateKind::Equality, QStringLiteral("="), false);
            return;
        }
        nested(v, scope);
    }

    void comparison(const QString& op, const QJsonValue& lhs, const QJsonValue& rhs, const Scope& scope, bool negated)
    {
        const Node l = nodeOf(lhs), r = nodeOf(rhs);
        if (l.type == L1("RowExpr") && r.type == L1("RowExpr")) {
            // (a, b) = ($1, $2) compares pairwise; (created_at, id) < ($1, $2) is keyset paging
            // that a (created_at, id) index serves, so each pair is recorded with the operator.
            const QJsonArray la = l.body.value(L1("args")).toArray(), ra = r.body.value(L1("args")).toArray();
            if (la.size() == ra.size()) {
                for (qsizetype i = 0; i < la.size(); ++i)
                    comparison(op, la.at(i), ra.at(i), scope, negated);
            }
            return;
        }
        Operand a = operandOf(lhs, scope), b = operandOf(rhs, scope);
        if (a.kind == Operand::Column && b.kind == Operand::Column) {
            if (op == L1("=") && !negated && !a.col.sameEntry(b.col))
                addJoin({a.col.ref, b.col.ref});
            return;
        }
        QString colOp = op;
        if (a.kind == Operand::Value && b.isColumnish()) {
            std::swap(a, b);
            colOp = mirrored(op);
        }
        if (!a.isColumnish() || b.kind != Operand::Value)
            return; // column against column expression, or no column at all
        addPredicate(a.col.ref, a.kind == Operand::Column ? comparisonKind(colOp) : PredicateKind::Other, colOp,
                     negated);
    }

    // x <op> value where only x's side is interesting: IN lists, BETWEEN, LIKE, = ANY.
    void columnTest(const QJsonValue& lhs, const QJsonValue& rhs, PredicateKind kind, const QString& op,
                    const Scope& scope, bool negated)
    {
        const Operand col = operandOf(lhs, scope);
        if (!col.isColumnish() || operandOf(rhs, scope).kind != Operand::Value)
            return;
        addPredicate(col.col.ref, col.kind == Operand::Column ? kind : PredicateKind::Other, op, negated);
    }

    static bool likePrefix(const QJsonValue& pattern)
    {
        Node n = nodeOf(pattern);
        if (n.type == L1("TypeCast"))
            n = nodeOf(n.body.value(L1("arg")));
        if (n.type != L1("A_Const"))
            return false; // $1 (pg_stat_statements replaces every literal): the prefix is unknown
        const QString p = n.body.value(L1("sval")).toObject().value(L1("sval")).toString();
        return !p.isEmpty() && p.front() != QLatin1Char('%') && p.front() != QLatin1Char('_');
    }

    void aExpr(const QJsonObject& e, const Scope& scope, bool negated)
    {
        const QString kind = e.value(L1("kind")).toString();
        const QString op = operatorName(e.value(L1("name")));
        const QJsonValue lhs = e.value(L1("lexpr")), rhs = e.value(L1("rexpr"));
        if (kind == L1("AEXPR_OP")) {
            if (lhs.isObject() && rhs.isObject())
                comparison(op, lhs, rhs, scope, negated);
        } else if (kind == L1("AEXPR_OP_ANY")) {
            columnTest(lhs, rhs, op == L1("=") ? PredicateKind::In : PredicateKind::Other, op + QStringLiteral(" ANY"),
                       scope, negated);
        } else if (kind == L1("AEXPR_OP_ALL")) {
            columnTest(lhs, rhs, PredicateKind::Other, op + QStringLiteral(" ALL"), scope, negated);
        } else if (kind == L1("AEXPR_IN")) {
            const bool in = op == L1("=");
            columnTest(lhs, rhs, in ? PredicateKind::In : PredicateKind::Other,
                       in ? QStringLiteral("IN") : QStringLiteral("NOT IN"), scope, negated);
        } else if (kind == L1("AEXPR_BETWEEN") || kind == L1("AEXPR_BETWEEN_SYM")) {
            columnTest(lhs, rhs, PredicateKind::Range, QStringLiteral("BETWEEN"), scope, negated);
        } else if (kind == L1("AEXPR_NOT_BETWEEN") || kind == L1("AEXPR_NOT_BETWEEN_SYM")) {
            columnTest(lhs, rhs, PredicateKind::Other, QStringLiteral("NOT BETWEEN"), scope, negated);
        } else if (kind == L1("AEXPR_LIKE")) {
            const bool like = op == L1("~~");
            columnTest(lhs, rhs, like && likePrefix(rhs) ? PredicateKind::LikePrefix : PredicateKind::Other,
                       like ? QStringLiteral("LIKE") : QStringLiteral("NOT LIKE"), scope, negated);
        } else if (kind == L1("AEXPR_ILIKE")) {
            columnTest(lhs, rhs, PredicateKind::Other,
                       op == L1("~~*") ? QStringLiteral("ILIKE") : QStringLiteral("NOT ILIKE"), scope, negated);
        } else if (kind == L1("AEXPR_SIMILAR")) {
            columnTest(lhs, rhs, PredicateKind::Other, QStringLiteral("SIMILAR TO"), scope, negated);
        } else if (kind == L1("AEXPR_DISTINCT") || kind == L1("AEXPR_NOT_DISTINCT")) {
            columnTest(lhs, rhs, PredicateKind::Other,
                       kind == L1("AEXPR_DISTINCT") ? QStringLiteral("IS DISTINCT FROM")
                                                    : QStringLiteral("IS NOT DISTINCT FROM"),
                       scope, negated);
        }
    }

    void subLink(const QJsonObject& link, const Scope& scope, bool negated)
    {
        const QString type = link.value(L1("subLinkType")).toString();
        const QJsonValue test = link.value(L1("testexpr"));
        if (type == L1("ANY_SUBLINK") && test.isObject()) {
            // x IN (SELECT ...) has no operName; x = ANY (SELECT ...) has "=".
            const QJsonValue opName = link.value(L1("operName"));
            const QString op = opName.isArray() ? operatorName(opName) : QStringLiteral("=");
            const Node t = nodeOf(test);
            const QJsonArray columns = t.type == L1("RowExpr") ? t.body.value(L1("args")).toArray() : QJsonArray {test};
            for (const QJsonValue& c : columns) {
                const Operand o = operandOf(c, scope);
                if (o.isColumnish()) {
                    addPredicate(o.col.ref,
                                 o.kind == Operand::Column && op == L1("=") ? PredicateKind::In : PredicateKind::Other,
                                 opName.isArray() ? op + QStringLiteral(" ANY") : QStringLiteral("IN"), negated);
                }
            }
        }
        nested(test, scope);
        statement(link.value(L1("subselect")), &scope, false);
    }

    // Finds the subqueries inside an expression (target lists, CASE, function arguments) so their
    // own predicates count too.
    void nested(const QJsonValue& v, const Scope& scope)
    {
        if (v.isArray()) {
            for (const QJsonValue& item : v.toArray())
                nested(item, scope);
            return;
        }
        if (!v.isObject())
            return;
        const QJsonObject o = v.toObject();
        for (auto it = o.constBegin(); it != o.constEnd(); ++it) {
            if (it.key() == L1("SubLink")) {
                const QJsonObject link = it.value().toObject();
                nested(link.value(L1("testexpr")), scope);
                statement(link.value(L1("subselect")), &scope, false);
            } else if (it.key() != L1("ColumnRef") && (it.value().isObject() || it.value().isArray())) {
                nested(it.value(), scope);
            }
        }
    }

    SqlShape& m_out;
};

} // namespace

SqlShape analyze(const QString& sql)
{
    SqlShape shape;
    const ParsedSql parsed = parseSql(sql);
    if (!parsed.ok) {
        shape.error = parsed.error;
        shape.errorPosition = parsed.errorPosition;
        return shape;
    }
    QJsonParseError jsonError;
    const QJsonDocument doc = QJsonDocument::fromJson(parsed.json, &jsonError);
    if (doc.isNull()) {
        // Qt refuses JSON nested deeper than 1024 levels; only absurd statements get there. The
        // type can still be told, the same way statementType() tells it.
        shape.type = typeFromJson(parsed.json);
        shape.error = QStringLiteral("parse tree could not be read: %1").arg(jsonError.errorString());
        return shape;
    }
    const QJsonArray stmts = doc.object().value(L1("stmts")).toArray();
    shape.statementCount = int(stmts.size());
    if (stmts.isEmpty()) {
        shape.error = QStringLiteral("no SQL statement (empty or only comments)");
        return shape;
    }
    const QJsonValue first = stmts.first().toObject().value(L1("stmt"));
    shape.type = typeOfNode(nodeOf(first));
    Analyzer(shape).statement(first, nullptr, true);
    shape.ok = true;
    return shape;
}

StatementType statementType(const QString& sql)
{
    const ParsedSql parsed = parseSql(sql);
    return parsed.ok ? typeFromJson(parsed.json) : StatementType::Other;
}

} // namespace vigil::analysis
