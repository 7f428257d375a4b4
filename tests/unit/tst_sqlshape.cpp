// SQL shape extraction over the real PostgreSQL 15 grammar (libpg_query): statement types,
// relations, predicates, join and sort keys, errors, threads and speed. Statements use the sandbox
// trading schema: trades, orders, positions, accounts, instruments.
#include "analysis/sqlshape.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTest>
#include <QtConcurrent>

using namespace vigil::analysis;

namespace {

// Compact renderings so each _data() row states the whole expected shape in one line.
QString col(const ColumnRef& c)
{
    return (c.table.isEmpty() ? QStringLiteral("?") : c.table) + QLatin1Char('.') + c.column;
}

QString tables(const SqlShape& s)
{
    QStringList out;
    for (const TableRef& t : s.tables) {
        QString name = t.schema.isEmpty() ? t.name : t.schema + QLatin1Char('.') + t.name;
        if (!t.alias.isEmpty())
            name += QLatin1Char(' ') + t.alias;
        out << name;
    }
    return out.join(QStringLiteral(", "));
}

QString predicates(const SqlShape& s)
{
    QStringList out;
    for (const Predicate& p : s.predicates)
        out << col(p.column) + QLatin1Char(' ') + p.op + QLatin1Char(' ') + kindName(p.kind);
    return out.join(QStringLiteral("; "));
}

QString joins(const SqlShape& s)
{
    QStringList out;
    for (const JoinKey& j : s.joins)
        out << col(j.left) + QLatin1Char('=') + col(j.right);
    return out.join(QStringLiteral("; "));
}

QString sortKeys(const SqlShape& s)
{
    QStringList out;
    for (const SortKey& k : s.sortKeys)
        out << col(k.column) + (k.descending ? QStringLiteral(" desc") : QStringLiteral(" asc"));
    return out.join(QStringLiteral("; "));
}

QString groupBy(const SqlShape& s)
{
    QStringList out;
    for (const ColumnRef& c : s.groupBy)
        out << col(c);
    return out.join(QStringLiteral("; "));
}

QString render(const SqlShape& s)
{
    return QStringLiteral("%1|%2|%3|%4|%5|%6|%7|%8|%9|%10")
        .arg(s.ok)
        .arg(typeName(s.type), tables(s), predicates(s), joins(s), sortKeys(s), groupBy(s))
        .arg(s.hasLimit)
        .arg(s.statementCount)
        .arg(s.error);
}

// About 200 characters each, shaped like pg_stat_statements texts; %1 varies the text.
const char* const kTemplates[] = {
    "SELECT id, order_id, instrument_id, symbol, side, quantity, price, status, created_at, filled_at FROM trades "
    "WHERE account_id = $1 AND "
    "created_at >= $2 AND created_at < $3 ORDER BY created_at DESC LIMIT %1",
    "SELECT t.id, t.symbol, t.side, t.quantity, t.price, o.status, o.created_at FROM trades t JOIN orders o ON o.id = "
    "t.order_id WHERE o.status = $1 AND "
    "t.symbol LIKE 'R%1%' ORDER BY t.created_at DESC LIMIT 50",
    "UPDATE orders SET status = $1, updated_at = now() WHERE id = $2 AND account_id = $3 AND status IN ('PENDING', "
    "'OPEN') RETURNING id, status, %1 AS tag",
    "/* vigil */ SELECT p.account_id, count(*) AS n, sum(p.quantity) AS qty FROM positions p WHERE p.instrument_id = "
    "ANY($1) AND "
    "p.account_id > %1 GROUP BY p.account_id ORDER BY 3 DESC",
};

} // namespace

class TestSqlShape : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void type_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<QString>("type");
        QTest::newRow("select") << "SELECT * FROM trades"
                                << "SELECT";
        QTest::newRow("lower case, parenthesised") << "(select 1)"
                                                   << "SELECT";
        QTest::newRow("block comment before update") << "/* x */ UPDATE trades SET status = 'X' WHERE id = 1"
                                                     << "UPDATE";
        QTest::newRow("line comment before delete") << "-- c\nDELETE FROM trades WHERE id = 1"
                                                    << "DELETE";
        QTest::newRow("comment says SELECT") << "/* SELECT */ DELETE FROM trades"
                                             << "DELETE";
        QTest::newRow("cte then select") << "WITH x AS (SELECT id FROM orders) SELECT * FROM x"
                                         << "SELECT";
        QTest::newRow("cte then insert")
            << "WITH x AS (SELECT id FROM orders) INSERT INTO trades (order_id) SELECT id FROM x"
            << "INSERT";
        QTest::newRow("insert select") << "INSERT INTO trades SELECT * FROM trades_staging"
                                       << "INSERT";
        QTest::newRow("insert on conflict")
            << "INSERT INTO positions (account_id, instrument_id, quantity) VALUES ($1, $2, $3) ON CONFLICT "
               "(account_id, instrument_id) DO UPDATE SET quantity = positions.quantity + excluded.quantity"
            << "INSERT";
        QTest::newRow("select for update") << "SELECT * FROM orders WHERE id = $1 FOR UPDATE"
                                           << "SELECT";
        QTest::newRow("values") << "VALUES (1), (2)"
                                << "SELECT";
        QTest::newRow("union") << "SELECT id FROM orders UNION SELECT id FROM trades"
                               << "SELECT";
        QTest::newRow("delete returning") << "DELETE FROM orders WHERE id = $1 RETURNING *"
                                          << "DELETE";
        QTest::newRow("update from") << "UPDATE positions p SET quantity = 0 FROM accounts a WHERE a.id = p.account_id"
                                     << "UPDATE";
        QTest::newRow("pgss normalized") << "SELECT * FROM trades WHERE account_id = $1 AND created_at >= $2 LIMIT $3"
                                         << "SELECT";
        QTest::newRow("data-modifying cte under select")
            << "WITH d AS (DELETE FROM orders WHERE status = $1 RETURNING *) SELECT count(*) FROM d"
            << "SELECT";
        // SELECT INTO creates a table; reporting SELECT would make it look like a read.
        QTest::newRow("select into") << "SELECT * INTO trades_backup FROM trades"
                                     << "other";
        // INTO below the top level is for the server to reject; the top node is still a SELECT.
        QTest::newRow("nested into") << "SELECT * FROM (SELECT 1 INTO x) s"
                                     << "SELECT";
        QTest::newRow("key text inside a literal") << "SELECT '{\"intoClause\":1}' AS j"
                                                   << "SELECT";
        QTest::newRow("explain") << "EXPLAIN SELECT * FROM trades"
                                 << "other";
        QTest::newRow("explain analyze delete") << "EXPLAIN ANALYZE DELETE FROM trades"
                                                << "other";
        QTest::newRow("copy") << "COPY trades TO STDOUT"
                              << "other";
        QTest::newRow("set") << "SET statement_timeout = 0"
                             << "other";
        QTest::newRow("begin") << "BEGIN"
                               << "other";
        QTest::newRow("create index") << "CREATE INDEX CONCURRENTLY trades_symbol_idx ON trades (symbol)"
                                      << "other";
        QTest::newRow("vacuum") << "VACUUM ANALYZE trades"
                                << "other";
        QTest::newRow("call") << "CALL refresh_positions($1)"
                              << "other";
        QTest::newRow("merge")
            << "MERGE INTO positions p USING trades t ON p.account_id = t.account_id WHEN MATCHED THEN UPDATE SET "
               "quantity = p.quantity + t.quantity"
            << "other";
        QTest::newRow("first of two statements") << "SELECT 1; DELETE FROM trades"
                                                 << "SELECT";
        QTest::newRow("bad sql") << "SELEC 1"
                                 << "other";
        QTest::newRow("empty") << ""
                               << "other";
    }
    void type()
    {
        QFETCH(QString, sql);
        QFETCH(QString, type);
        QCOMPARE(typeName(analyze(sql).type), type);
        QCOMPARE(typeName(statementType(sql)), type);
    }

    void shape_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<QString>("tables");
        QTest::addColumn<QString>("predicates");
        QTest::addColumn<QString>("joins");
        QTest::addColumn<QString>("sortKeys");
        QTest::addColumn<QString>("groupBy");
        QTest::addColumn<bool>("hasLimit");

        QTest::newRow("equality, sort, limit")
            << "SELECT * FROM trades WHERE symbol = $1 ORDER BY created_at DESC LIMIT 50"
            << "trades"
            << "trades.symbol = equality"
            << ""
            << "trades.created_at desc"
            << "" << true;
        // Both bounds stay: an advisor wants to see a closed range.
        QTest::newRow("equality and two range bounds")
            << "SELECT id FROM trades WHERE account_id = $1 AND created_at >= $2 AND created_at < $3"
            << "trades"
            << "trades.account_id = equality; trades.created_at >= range; trades.created_at < range"
            << ""
            << ""
            << "" << false;
        QTest::newRow("in list") << "SELECT * FROM orders WHERE status IN ('PENDING', 'OPEN')"
                                 << "orders"
                                 << "orders.status IN in"
                                 << ""
                                 << ""
                                 << "" << false;
        QTest::newRow("= any param") << "SELECT * FROM orders WHERE status = ANY($1)"
                                     << "orders"
                                     << "orders.status = ANY in"
                                     << ""
                                     << ""
                                     << "" << false;
        QTest::newRow("in subquery")
            << "SELECT * FROM accounts a WHERE a.id IN (SELECT account_id FROM positions WHERE instrument_id = $1)"
            << "accounts a, positions"
            << "accounts.id IN in; positions.instrument_id = equality"
            << ""
            << ""
            << "" << false;
        QTest::newRow("is null") << "SELECT * FROM trades WHERE filled_at IS NULL"
                                 << "trades"
                                 << "trades.filled_at IS NULL is null"
                                 << ""
                                 << ""
                                 << "" << false;
        QTest::newRow("is not null") << "SELECT * FROM trades WHERE filled_at IS NOT NULL"
                                     << "trades"
                                     << "trades.filled_at IS NOT NULL other"
                                     << ""
                                     << ""
                                     << "" << false;
        QTest::newRow("like prefix") << "SELECT * FROM trades WHERE symbol LIKE 'REL%'"
                                     << "trades"
                                     << "trades.symbol LIKE like prefix"
                                     << ""
                                     << ""
                                     << "" << false;
        QTest::newRow("like suffix") << "SELECT * FROM trades WHERE symbol LIKE '%x'"
                                     << "trades"
                                     << "trades.symbol LIKE other"
                                     << ""
                                     << ""
                                     << "" << false;
        // pg_stat_statements turns 'REL%' into $1: whether it is a prefix is unknowable.
        QTest::newRow("like param") << "SELECT * FROM trades WHERE symbol LIKE $1"
                                    << "trades"
                                    << "trades.symbol LIKE other"
                                    << ""
                                    << ""
                                    << "" << false;
        QTest::newRow("ilike") << "SELECT * FROM trades WHERE symbol ILIKE 'rel%'"
                               << "trades"
                               << "trades.symbol ILIKE other"
                               << ""
                               << ""
                               << "" << false;
        QTest::newRow("between") << "SELECT * FROM trades WHERE created_at BETWEEN $1 AND $2"
                                 << "trades"
                                 << "trades.created_at BETWEEN range"
                                 << ""
                                 << ""
                                 << "" << false;
        QTest::newRow("reversed operands") << "SELECT * FROM trades WHERE $1 = symbol"
                                           << "trades"
                                           << "trades.symbol = equality"
                                           << ""
                                           << ""
                                           << "" << false;
        QTest::newRow("reversed range") << "SELECT * FROM trades WHERE $1 < created_at"
                                        << "trades"
                                        << "trades.created_at > range"
                                        << ""
                                        << ""
                                        << "" << false;
        QTest::newRow("value expression") << "SELECT * FROM trades WHERE created_at > now() - interval '1 day'"
                                          << "trades"
                                          << "trades.created_at > range"
                                          << ""
                                          << ""
                                          << "" << false;
        QTest::newRow("alias") << "SELECT * FROM trades t WHERE t.symbol = $1"
                               << "trades t"
                               << "trades.symbol = equality"
                               << ""
                               << ""
                               << "" << false;
        QTest::newRow("schema qualified")
            << "SELECT * FROM public.trades WHERE public.trades.symbol = $1 AND trades.side = $2"
            << "public.trades"
            << "public.trades.symbol = equality; public.trades.side = equality"
            << ""
            << ""
            << "" << false;
        QTest::newRow("join on") << "SELECT * FROM trades t JOIN orders o ON o.id = t.order_id WHERE o.status = $1"
                                 << "trades t, orders o"
                                 << "orders.status = equality"
                                 << "orders.id=trades.order_id"
                                 << ""
                                 << "" << false;
        QTest::newRow("non-join qual in on")
            << "SELECT * FROM trades t LEFT JOIN orders o ON o.id = t.order_id AND o.status = 'OPEN'"
            << "trades t, orders o"
            << "orders.status = equality"
            << "orders.id=trades.order_id"
            << ""
            << "" << false;
        QTest::newRow("unqualified with two relations")
            << "SELECT * FROM trades t JOIN orders o ON o.id = t.order_id WHERE status = $1"
            << "trades t, orders o"
            << "?.status = equality"
            << "orders.id=trades.order_id"
            << ""
            << "" << false;
        QTest::newRow("comma join")
            << "SELECT * FROM trades t, instruments i WHERE i.id = t.instrument_id AND i.symbol = $1"
            << "trades t, instruments i"
            << "instruments.symbol = equality"
            << "instruments.id=trades.instrument_id"
            << ""
            << "" << false;
        QTest::newRow("join using")
            << "SELECT * FROM trades JOIN positions USING (account_id, instrument_id) WHERE trades.symbol = $1"
            << "trades, positions"
            << "trades.symbol = equality"
            << "trades.account_id=positions.account_id; trades.instrument_id=positions.instrument_id"
            << ""
            << "" << false;
        QTest::newRow("self join") << "SELECT * FROM trades a JOIN trades b ON b.order_id = a.order_id WHERE a.id = $1"
                                   << "trades a, trades b"
                                   << "trades.id = equality"
                                   << "trades.order_id=trades.order_id"
                                   << ""
                                   << "" << false;
        QTest::newRow("same-row columns are no join") << "SELECT * FROM trades WHERE quantity = price"
                                                      << "trades"
                                                      << ""
                                                      << ""
                                                      << ""
                                                      << "" << false;
        QTest::newRow("function over column") << "SELECT * FROM trades WHERE lower(symbol) = $1"
                                              << "trades"
                                              << "trades.symbol = other"
                                              << ""
                                              << ""
                                              << "" << false;
        QTest::newRow("cast over column") << "SELECT * FROM trades WHERE created_at::date = $1"
                                          << "trades"
                                          << "trades.created_at = other"
                                          << ""
                                          << ""
                                          << "" << false;
        QTest::newRow("or branches") << "SELECT * FROM trades WHERE symbol = $1 OR account_id = $2"
                                     << "trades"
                                     << "trades.symbol = equality; trades.account_id = equality"
                                     << ""
                                     << ""
                                     << "" << false;
        QTest::newRow("duplicates dropped") << "SELECT * FROM trades WHERE symbol = $1 OR symbol = $2"
                                            << "trades"
                                            << "trades.symbol = equality"
                                            << ""
                                            << ""
                                            << "" << false;
        QTest::newRow("negated") << "SELECT * FROM trades WHERE NOT (status = 'X')"
                                 << "trades"
                                 << "trades.status NOT = other"
                                 << ""
                                 << ""
                                 << "" << false;
        QTest::newRow("not in") << "SELECT * FROM trades WHERE status NOT IN ('X', 'Y')"
                                << "trades"
                                << "trades.status NOT IN other"
                                << ""
                                << ""
                                << "" << false;
        QTest::newRow("keyset row comparison")
            << "SELECT * FROM trades WHERE (created_at, id) < ($1, $2) ORDER BY created_at DESC, id DESC LIMIT 100"
            << "trades"
            << "trades.created_at < range; trades.id < range"
            << ""
            << "trades.created_at desc; trades.id desc"
            << "" << true;
        QTest::newRow("order by alias and position") << "SELECT symbol AS s, created_at FROM trades ORDER BY s, 2 DESC"
                                                     << "trades"
                                                     << ""
                                                     << ""
                                                     << "trades.symbol asc; trades.created_at desc"
                                                     << "" << false;
        QTest::newRow("order by stops at an expression")
            << "SELECT * FROM trades ORDER BY account_id, lower(symbol), created_at"
            << "trades"
            << ""
            << ""
            << "trades.account_id asc"
            << "" << false;
        QTest::newRow("limit all") << "SELECT * FROM trades LIMIT ALL"
                                   << "trades"
                                   << ""
                                   << ""
                                   << ""
                                   << "" << false;
        QTest::newRow("fetch first") << "SELECT * FROM trades OFFSET 5 FETCH FIRST 3 ROWS ONLY"
                                     << "trades"
                                     << ""
                                     << ""
                                     << ""
                                     << "" << true;
        QTest::newRow("exists correlated")
            << "SELECT * FROM accounts a WHERE EXISTS (SELECT 1 FROM orders o WHERE o.account_id = a.id AND o.status "
               "= 'OPEN')"
            << "accounts a, orders o"
            << "orders.status = equality"
            << "orders.account_id=accounts.id"
            << ""
            << "" << false;
        QTest::newRow("scalar subquery in target list")
            << "SELECT a.id, (SELECT count(*) FROM orders o WHERE o.account_id = a.id AND o.status = $1) FROM "
               "accounts a"
            << "accounts a, orders o"
            << "orders.status = equality"
            << "orders.account_id=accounts.id"
            << ""
            << "" << false;
        QTest::newRow("lateral")
            << "SELECT * FROM accounts a, LATERAL (SELECT * FROM trades t WHERE t.account_id = a.id ORDER BY "
               "t.created_at DESC LIMIT 1) last"
            << "accounts a, trades t"
            << ""
            << "trades.account_id=accounts.id"
            << ""
            << "" << false;
        // A CTE is not a relation: its columns have no table, and it is not listed.
        QTest::newRow("cte body")
            << "WITH recent AS (SELECT * FROM trades WHERE created_at > $1) SELECT symbol, count(*) FROM recent "
               "GROUP BY symbol"
            << "trades"
            << "trades.created_at > range"
            << ""
            << ""
            << "?.symbol" << false;
        QTest::newRow("cte seen from a subquery")
            << "WITH x AS (SELECT * FROM orders WHERE status = $1) SELECT * FROM (SELECT * FROM x) s"
            << "orders"
            << "orders.status = equality"
            << ""
            << ""
            << "" << false;
        QTest::newRow("union branches")
            << "SELECT id FROM orders WHERE status = $1 UNION ALL SELECT id FROM trades WHERE status = $2 LIMIT 10"
            << "orders, trades"
            << "orders.status = equality; trades.status = equality"
            << ""
            << ""
            << "" << true;
        QTest::newRow("update where") << "UPDATE trades SET status = 'FILLED', filled_at = now() WHERE id = $1"
                                      << "trades"
                                      << "trades.id = equality"
                                      << ""
                                      << ""
                                      << "" << false;
        QTest::newRow("update from")
            << "UPDATE positions p SET quantity = p.quantity + t.quantity FROM trades t WHERE t.account_id = "
               "p.account_id AND t.instrument_id = p.instrument_id AND t.id = $1"
            << "positions p, trades t"
            << "trades.id = equality"
            << "trades.account_id=positions.account_id; trades.instrument_id=positions.instrument_id"
            << ""
            << "" << false;
        QTest::newRow("delete returning")
            << "DELETE FROM orders WHERE status = 'CANCELLED' AND created_at < $1 RETURNING id"
            << "orders"
            << "orders.status = equality; orders.created_at < range"
            << ""
            << ""
            << "" << false;
        QTest::newRow("delete using")
            << "DELETE FROM orders o USING accounts a WHERE a.id = o.account_id AND a.closed_at IS NULL"
            << "orders o, accounts a"
            << "accounts.closed_at IS NULL is null"
            << "accounts.id=orders.account_id"
            << ""
            << "" << false;
        QTest::newRow("insert select")
            << "INSERT INTO positions (account_id, instrument_id, quantity) SELECT account_id, instrument_id, "
               "sum(quantity) FROM trades WHERE status = 'FILLED' GROUP BY account_id, instrument_id"
            << "positions, trades"
            << "trades.status = equality"
            << ""
            << ""
            << "trades.account_id; trades.instrument_id" << false;
        QTest::newRow("insert values") << "INSERT INTO trades (symbol, quantity) VALUES ($1, $2)"
                                       << "trades"
                                       << ""
                                       << ""
                                       << ""
                                       << "" << false;
        // The written table comes first even when a CTE reads another one before it.
        QTest::newRow("data-modifying cte")
            << "WITH d AS (DELETE FROM orders WHERE status = 'CANCELLED' RETURNING *) INSERT INTO orders_archive "
               "SELECT * FROM d"
            << "orders_archive, orders"
            << "orders.status = equality"
            << ""
            << ""
            << "" << false;
        QTest::newRow("update target first")
            << "WITH s AS (SELECT id FROM instruments WHERE symbol = $1) UPDATE trades SET price = $2 WHERE "
               "instrument_id IN (SELECT id FROM s)"
            << "trades, instruments"
            << "instruments.symbol = equality; trades.instrument_id IN in"
            << ""
            << ""
            << "" << false;
        QTest::newRow("explain shows the inner query")
            << "EXPLAIN SELECT * FROM trades WHERE symbol = $1 ORDER BY id LIMIT 1"
            << "trades"
            << "trades.symbol = equality"
            << ""
            << "trades.id asc"
            << "" << true;
    }
    void shape()
    {
        QFETCH(QString, sql);
        const SqlShape s = analyze(sql);
        QVERIFY2(s.ok, qPrintable(s.error));
        QTEST(tables(s), "tables");
        QTEST(predicates(s), "predicates");
        QTEST(joins(s), "joins");
        QTEST(sortKeys(s), "sortKeys");
        QTEST(groupBy(s), "groupBy");
        QTEST(s.hasLimit, "hasLimit");
        QCOMPARE(s.statementCount, 1);
    }

    void modifiesData_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<bool>("modifies");
        QTest::newRow("select") << "SELECT * FROM trades FOR UPDATE" << false;
        QTest::newRow("insert") << "INSERT INTO trades (id) VALUES (1)" << true;
        QTest::newRow("cte delete under select")
            << "WITH d AS (DELETE FROM orders RETURNING *) SELECT count(*) FROM d" << true;
        QTest::newRow("select into") << "SELECT * INTO t2 FROM trades" << true;
        QTest::newRow("explain select") << "EXPLAIN SELECT 1" << false;
        QTest::newRow("copy from") << "COPY trades FROM STDIN" << true;
        QTest::newRow("copy to") << "COPY trades TO STDOUT" << false;
    }
    void modifiesData()
    {
        QFETCH(QString, sql);
        const SqlShape s = analyze(sql);
        QVERIFY2(s.ok, qPrintable(s.error));
        QTEST(s.modifiesData, "modifies");
    }

    void statementCount_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<int>("count");
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("tables");
        QTest::newRow("one") << "SELECT * FROM trades" << 1 << "SELECT"
                             << "trades";
        QTest::newRow("trailing semicolons") << "SELECT * FROM trades;;" << 1 << "SELECT"
                                             << "trades";
        QTest::newRow("two, first described")
            << "DELETE FROM trades WHERE id = 1; SELECT * FROM orders" << 2 << "DELETE"
            << "trades";
        QTest::newRow("semicolon inside a literal") << "SELECT ';' FROM trades" << 1 << "SELECT"
                                                    << "trades";
        QTest::newRow("three") << "BEGIN; UPDATE orders SET status = 'X'; COMMIT" << 3 << "other"
                               << "";
    }
    void statementCount()
    {
        QFETCH(QString, sql);
        const SqlShape s = analyze(sql);
        QVERIFY2(s.ok, qPrintable(s.error));
        QTEST(s.statementCount, "count");
        QTEST(typeName(s.type), "type");
        QTEST(tables(s), "tables");
    }

    void errors_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<QString>("message");
        QTest::addColumn<int>("position");
        QTest::newRow("end of input") << "SELECT * FROM"
                                      << "syntax error at end of input at position 14" << 14;
        QTest::newRow("near token") << "SELECT * FORM trades"
                                    << "syntax error at or near \"FORM\" at position 10" << 10;
        QTest::newRow("unterminated literal") << "SELECT 'abc"
                                              << "unterminated quoted string" << 8;
        // The parser counts code points; the position is a QString index (the emoji is two units).
        QTest::newRow("non-BMP before the error") << QStringLiteral("SELECT '\u00e9\U0001F600' FROM FROM")
                                                  << "syntax error at or near \"FROM\" at position 19" << 19;
        QTest::newRow("second statement") << "SELECT 1; SELEC 2"
                                          << "syntax error at or near \"SELEC\"" << 11;
        QTest::newRow("nul") << QStringLiteral("SELECT 1") + QChar(0) + QStringLiteral("; DROP TABLE trades")
                             << "NUL character in statement at position 9" << 9;
        QTest::newRow("empty") << ""
                               << "no SQL statement" << 0;
        QTest::newRow("only a comment") << "-- nothing here\n/* or here */"
                                        << "no SQL statement" << 0;
        QTest::newRow("only semicolons") << ";;"
                                         << "no SQL statement" << 0;
    }
    void errors()
    {
        QFETCH(QString, sql);
        QFETCH(QString, message);
        const SqlShape s = analyze(sql);
        QVERIFY(!s.ok);
        QVERIFY2(s.error.contains(message), qPrintable(s.error));
        QTEST(s.errorPosition, "position");
        QVERIFY(s.tables.isEmpty());
        QCOMPARE(statementType(sql), StatementType::Other);
    }

    // Every prefix of real statements and seeded byte soup: any answer is fine, a crash is not.
    void garbageNeverCrashes()
    {
        const QString long1 = QString::fromLatin1(kTemplates[1]).arg(7);
        int parsed = 0;
        for (qsizetype n = 0; n <= long1.size(); ++n)
            parsed += analyze(long1.left(n)).ok ? 1 : 0;
        QVERIFY(parsed > 0);
        QRandomGenerator rng(20240607);
        const QByteArray alphabet = "SELECT FROM WHERE ()'\"$1,;.*=<>-/ \n\\%_abcAND OR NOT IN LIKE\xc3\xa9\xff";
        for (int i = 0; i < 2000; ++i) {
            QByteArray bytes;
            const int len = int(rng.bounded(80));
            for (int j = 0; j < len; ++j)
                bytes += alphabet.at(int(rng.bounded(int(alphabet.size()))));
            const SqlShape s = analyze(QString::fromUtf8(bytes));
            QVERIFY(s.ok || !s.error.isEmpty());
        }
        // Deep nesting: Qt's JSON reader stops at 1024 levels; that must read as an error, not a crash.
        QString deep = QStringLiteral("SELECT ");
        for (int i = 0; i < 600; ++i)
            deep += QStringLiteral("(SELECT ");
        deep += QLatin1Char('1') + QString(600, QLatin1Char(')'));
        const SqlShape s = analyze(deep);
        QVERIFY(!s.ok);
        QVERIFY2(s.error.contains(QLatin1String("too deeply nested")), qPrintable(s.error));
        QCOMPARE(s.type, StatementType::Select); // still told, as statementType() tells it
        QCOMPARE(statementType(deep), StatementType::Select);
        // Past the parser's own limit (bison's stack): an error with a position.
        const QString deeper
            = QStringLiteral("SELECT ") + QStringLiteral("NOT ").repeated(20000) + QStringLiteral("true");
        const SqlShape t = analyze(deeper);
        QVERIFY(!t.ok);
        QVERIFY2(t.errorPosition > 0, qPrintable(t.error));
    }

    // Worker threads call analyze() concurrently; results must equal the single-threaded ones.
    void threads()
    {
        QStringList sqls;
        for (int i = 0; i < 2000; ++i)
            sqls << QString::fromLatin1(kTemplates[i % 4]).arg(i);
        sqls << QStringLiteral("SELECT * FORM x") << QString();
        QStringList expected;
        for (const QString& sql : std::as_const(sqls))
            expected << render(analyze(sql));
        const QStringList got
            = QtConcurrent::blockingMapped<QStringList>(sqls, [](const QString& sql) { return render(analyze(sql)); });
        QCOMPARE(got, expected);
    }

    void performance()
    {
        QStringList sqls;
        qsizetype chars = 0;
        for (int i = 0; i < 5000; ++i) {
            sqls << QString::fromLatin1(kTemplates[i % 4]).arg(i);
            chars += sqls.last().size();
        }
        QList<SqlShape> shapes;
        shapes.reserve(sqls.size());
        QElapsedTimer timer;
        timer.start();
        for (const QString& sql : std::as_const(sqls))
            shapes.append(analyze(sql));
        const qint64 ns = timer.nsecsElapsed();
        const double usEach = double(ns) / 1000.0 / double(sqls.size());
        qInfo("analyze(): %lld statements, %lld chars on average, %.1f ms total, %.1f us each", qlonglong(sqls.size()),
              qlonglong(chars / sqls.size()), double(ns) / 1e6, usEach);

        for (qsizetype i = 0; i < shapes.size(); ++i) {
            const SqlShape& s = shapes.at(i);
            QVERIFY2(s.ok, qPrintable(s.error));
            switch (i % 4) {
            case 0:
                QCOMPARE(predicates(s),
                         QStringLiteral(
                             "trades.account_id = equality; trades.created_at >= range; trades.created_at < range"));
                QCOMPARE(sortKeys(s), QStringLiteral("trades.created_at desc"));
                QVERIFY(s.hasLimit);
                break;
            case 1:
                QCOMPARE(predicates(s), QStringLiteral("orders.status = equality; trades.symbol LIKE like prefix"));
                QCOMPARE(joins(s), QStringLiteral("orders.id=trades.order_id"));
                break;
            case 2:
                QCOMPARE(s.type, StatementType::Update);
                QCOMPARE(predicates(s),
                         QStringLiteral("orders.id = equality; orders.account_id = equality; orders.status IN in"));
                break;
            case 3:
                QCOMPARE(predicates(s),
                         QStringLiteral("positions.instrument_id = ANY in; positions.account_id > range"));
                QCOMPARE(groupBy(s), QStringLiteral("positions.account_id"));
                QCOMPARE(sortKeys(s), QString()); // ORDER BY 3 is sum(quantity), not a column
                break;
            }
        }
        timer.restart();
        int selects = 0;
        for (const QString& sql : std::as_const(sqls))
            selects += statementType(sql) == StatementType::Select ? 1 : 0;
        qInfo("statementType(): %.1f us each", double(timer.nsecsElapsed()) / 1000.0 / double(sqls.size()));
        QCOMPARE(selects, 3750);
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
        // The pg_stat_statements tab classifies every new text; keep a wide margin over the ~1 ms goal.
        QVERIFY2(usEach < 1000.0, qPrintable(QStringLiteral("%1 us per statement").arg(usEach)));
#endif
    }
};

QTEST_GUILESS_MAIN(TestSqlShape)
#include "tst_sqlshape.moc"
