// pgbench script syntax: every expression function and operator with PostgreSQL 15's semantics,
// precedence, \if nesting lowered to jumps, parse errors with file and line; plus the built-in
// workloads and scenarios parse, and the latency histogram keeps its 1 % promise.
#include "loadtest/latencyhistogram.h"
#include "loadtest/pgbenchexpr.h"
#include "loadtest/pgbenchscript.h"
#include "loadtest/scenario.h"
#include "loadtest/workloads.h"

#include <QDir>
#include <QStandardPaths>
#include <QTest>
#include <algorithm>
#include <cmath>
#include <random>
#include <set>

using namespace vigil::loadtest;

Q_DECLARE_METATYPE(vigil::loadtest::Value)

namespace {
// Evaluates `text` with :x = 7, :y = 2.5, :n (NULL) and :t (true) defined.
bool eval(const std::string& text, Value* out, std::string* error, uint64_t seed = 42)
{
    VariableTable vars;
    const int x = vars.slot("x"), y = vars.slot("y"), n = vars.slot("n"), t = vars.slot("t");
    std::string parseError;
    const Expr e = parseExpression(text, &vars, &parseError);
    if (!e.valid()) {
        *error = "parse: " + parseError;
        return false;
    }
    std::vector<Value> values(size_t(vars.size()));
    std::vector<uint8_t> defined(size_t(vars.size()), 0);
    values[size_t(x)] = Value::integer(7);
    values[size_t(y)] = Value::real(2.5);
    values[size_t(n)] = Value::null();
    values[size_t(t)] = Value::boolean(true);
    for (int s : {x, y, n, t})
        defined[size_t(s)] = 1;
    Rng rng(seed);
    EvalContext ctx;
    ctx.variables = values.data();
    ctx.defined = defined.data();
    ctx.names = &vars;
    ctx.rng = &rng;
    ctx.defaultSeed = 12345;
    ctx.error = error;
    return evaluate(e, ctx, out);
}

QString show(const Value& v)
{
    switch (v.type) {
    case Value::Type::Null:
        return QStringLiteral("NULL");
    case Value::Type::Bool:
        return v.b ? QStringLiteral("bool:true") : QStringLiteral("bool:false");
    case Value::Type::Int:
        return QStringLiteral("int:%1").arg(v.i);
    case Value::Type::Double:
        return QStringLiteral("double:%1").arg(v.d, 0, 'g', 12);
    }
    return {};
}

Script parse(const std::string& text, std::string* error)
{
    Script s;
    if (!parseScript(text, "test.sql", &s, error))
        return Script {};
    return s;
}
} // namespace

class TestPgbenchScript : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void expressions_data()
    {
        QTest::addColumn<QString>("expr");
        QTest::addColumn<QString>("expected");
        // literals and arithmetic: integer stays integer, a double anywhere makes a double
        QTest::newRow("int") << "42"
                             << "int:42";
        QTest::newRow("double") << "1.5"
                                << "double:1.5";
        QTest::newRow("exponent") << "2e3"
                                  << "double:2000";
        QTest::newRow("add") << ":x + 3"
                             << "int:10";
        QTest::newRow("add double") << ":x + :y"
                                    << "double:9.5";
        QTest::newRow("int division truncates") << "7 / 2"
                                                << "int:3";
        QTest::newRow("negative division") << "-7 / 2"
                                           << "int:-3";
        QTest::newRow("double division") << "7.0 / 2"
                                         << "double:3.5";
        QTest::newRow("modulo") << "7 % 3"
                                << "int:1";
        QTest::newRow("modulo by -1") << "-9223372036854775808 % -1"
                                      << "int:0";
        QTest::newRow("min literal") << "-9223372036854775808"
                                     << "int:-9223372036854775808";
        QTest::newRow("unary minus") << "-:x"
                                     << "int:-7";
        QTest::newRow("unary plus") << "+:x"
                                    << "int:7";
        // precedence
        QTest::newRow("mul before add") << "2 + 3 * 4"
                                        << "int:14";
        QTest::newRow("parentheses") << "(2 + 3) * 4"
                                     << "int:20";
        QTest::newRow("left assoc sub") << "10 - 3 - 2"
                                        << "int:5";
        QTest::newRow("add before shift") << "1 << 2 + 1"
                                          << "int:8";
        QTest::newRow("bit ops one level") << "6 & 3 | 8"
                                           << "int:10";
        QTest::newRow("bit xor") << "5 # 3"
                                 << "int:6";
        QTest::newRow("bit not") << "~0"
                                 << "int:-1";
        QTest::newRow("shift right") << "256 >> 4"
                                     << "int:16";
        QTest::newRow("comparison after arithmetic") << "1 + 1 = 2"
                                                     << "bool:true";
        QTest::newRow("not binds looser than =") << "NOT 1 = 2"
                                                 << "bool:true";
        QTest::newRow("and before or") << "true OR false AND false"
                                       << "bool:true";
        QTest::newRow("case insensitive keywords") << "TRUE and not FALSE"
                                                   << "bool:true";
        // comparisons
        QTest::newRow("lt") << "1 < 2"
                            << "bool:true";
        QTest::newRow("le") << "2 <= 2"
                            << "bool:true";
        QTest::newRow("gt") << "1 > 2"
                            << "bool:false";
        QTest::newRow("ge") << ":y >= 2.5"
                            << "bool:true";
        QTest::newRow("ne") << "1 <> 2"
                            << "bool:true";
        QTest::newRow("ne bang") << "1 != 1"
                                 << "bool:false";
        QTest::newRow("int vs double") << "3 = 3.0"
                                       << "bool:true";
        // NULL and booleans
        QTest::newRow("null propagates") << ":n + 1"
                                         << "NULL";
        QTest::newRow("is null") << ":n IS NULL"
                                 << "bool:true";
        QTest::newRow("is not null") << ":x IS NOT NULL"
                                     << "bool:true";
        QTest::newRow("isnull") << ":n ISNULL"
                                << "bool:true";
        QTest::newRow("notnull") << ":n NOTNULL"
                                 << "bool:false";
        QTest::newRow("is true") << ":t IS TRUE"
                                 << "bool:true";
        QTest::newRow("int is not true") << "1 IS TRUE"
                                         << "bool:false";
        QTest::newRow("is false") << "(1 > 2) IS FALSE"
                                  << "bool:true";
        QTest::newRow("and null") << ":n AND true"
                                  << "NULL";
        QTest::newRow("or short circuit") << "true OR 1 / 0 = 1"
                                          << "bool:true";
        QTest::newRow("and short circuit") << "false AND 1 / 0 = 1"
                                           << "bool:false";
        QTest::newRow("int truth") << "NOT 0"
                                   << "bool:true";
        // CASE
        QTest::newRow("case") << "CASE WHEN :x > 5 THEN 'big' = 'big' ELSE false END"
                              << "PARSE_ERROR";
        QTest::newRow("case int") << "CASE WHEN :x > 5 THEN 1 WHEN :x > 2 THEN 2 ELSE 3 END"
                                  << "int:1";
        QTest::newRow("case second") << "CASE WHEN :x > 10 THEN 1 WHEN :x > 2 THEN 2 ELSE 3 END"
                                     << "int:2";
        QTest::newRow("case no else") << "CASE WHEN false THEN 1 END"
                                      << "NULL";
        // functions
        QTest::newRow("abs int") << "abs(-5)"
                                 << "int:5";
        QTest::newRow("abs double") << "abs(-2.5)"
                                    << "double:2.5";
        QTest::newRow("debug") << "debug(3)"
                               << "int:3";
        QTest::newRow("double") << "double(5)"
                                << "double:5";
        QTest::newRow("exp") << "exp(0)"
                             << "double:1";
        QTest::newRow("greatest int") << "greatest(3, 9, 1)"
                                      << "int:9";
        QTest::newRow("greatest double") << "greatest(3, 9.5, 1)"
                                         << "double:9.5";
        QTest::newRow("least") << "least(3, :x, 1)"
                               << "int:1";
        QTest::newRow("least double") << "least(3, :y)"
                                      << "double:2.5";
        QTest::newRow("int rounds") << "int(5.4 + 3.8)"
                                    << "int:9";
        QTest::newRow("int of int") << "int(4)"
                                    << "int:4";
        QTest::newRow("ln") << "ln(1)"
                            << "double:0";
        QTest::newRow("mod") << "mod(54, 32)"
                             << "int:22";
        QTest::newRow("mod negative") << "mod(-7, 3)"
                                      << "int:-1";
        QTest::newRow("pi") << "pi()"
                            << "double:3.14159265359";
        QTest::newRow("pow") << "pow(2, 10)"
                             << "double:1024";
        QTest::newRow("power") << "power(2.0, 3)"
                               << "double:8";
        QTest::newRow("sqrt") << "sqrt(2.25)"
                              << "double:1.5";
        QTest::newRow("hash fnv1a") << "hash_fnv1a(10, 5432)"
                                    << "int:-7793829335365542153";
        QTest::newRow("hash murmur2") << "hash_murmur2(10, 5432)"
                                      << "int:-5817877081768721676";
        QTest::newRow("hash is murmur2") << "hash(10, 5432) = hash_murmur2(10, 5432)"
                                         << "bool:true";
        QTest::newRow("hash default seed") << "hash(10) = hash_murmur2(10, 12345)"
                                           << "bool:true";
        QTest::newRow("random degenerate") << "random(5, 5)"
                                           << "int:5";
        QTest::newRow("permute size 1") << "permute(3, 1)"
                                        << "int:0";
        // run-time errors
        QTest::newRow("division by zero") << "1 / 0"
                                          << "ERROR:division by zero";
        QTest::newRow("modulo by zero") << "mod(1, 0)"
                                        << "ERROR:division by zero";
        QTest::newRow("overflow add") << "9223372036854775807 + 1"
                                      << "ERROR:bigint out of range";
        QTest::newRow("overflow mul") << "4611686018427387904 * 2"
                                      << "ERROR:bigint out of range";
        QTest::newRow("overflow div") << "-9223372036854775808 / -1"
                                      << "ERROR:bigint out of range";
        QTest::newRow("empty random range") << "random(5, 1)"
                                            << "ERROR:empty range";
        QTest::newRow("gaussian parameter") << "random_gaussian(1, 10, 1.5)"
                                            << "ERROR:gaussian parameter";
        QTest::newRow("exponential parameter") << "random_exponential(1, 10, 0)"
                                               << "ERROR:exponential parameter";
        QTest::newRow("zipfian parameter") << "random_zipfian(1, 10, 1.0)"
                                           << "ERROR:zipfian parameter";
        QTest::newRow("permute size") << "permute(1, 0)"
                                      << "ERROR:permute size";
        QTest::newRow("bool to int") << "true + 1"
                                     << "ERROR:cannot coerce boolean";
        QTest::newRow("double to int overflow") << "int(1e30)"
                                                << "ERROR:double to int overflow";
        // parse errors
        QTest::newRow("unknown function") << "frobnicate(1)"
                                          << "PARSE_ERROR";
        QTest::newRow("wrong arity") << "random(1)"
                                     << "PARSE_ERROR";
        QTest::newRow("unbalanced") << "(1 + 2"
                                    << "PARSE_ERROR";
        QTest::newRow("chained comparison") << "1 < 2 < 3"
                                            << "PARSE_ERROR";
        QTest::newRow("trailing garbage") << "1 2"
                                          << "PARSE_ERROR";
        QTest::newRow("constant overflow") << "9223372036854775808"
                                           << "PARSE_ERROR";
    }
    void expressions()
    {
        QFETCH(QString, expr);
        QFETCH(QString, expected);
        Value v;
        std::string error;
        const bool ok = eval(expr.toStdString(), &v, &error);
        if (expected == QLatin1String("PARSE_ERROR")) {
            QVERIFY2(!ok && error.rfind("parse:", 0) == 0, qPrintable(show(v)));
            return;
        }
        if (expected.startsWith(QLatin1String("ERROR:"))) {
            QVERIFY2(!ok, qPrintable(QStringLiteral("evaluated to %1").arg(show(v))));
            QVERIFY2(QString::fromStdString(error).contains(expected.mid(6)), error.c_str());
            return;
        }
        QVERIFY2(ok, error.c_str());
        QCOMPARE(show(v), expected);
    }

    void randomFunctionsStayInRange()
    {
        // Every random function, many draws: inside the bounds, and the skewed ones skewed.
        struct Case
        {
            const char* expr;
            double expectedMeanMax; // the mean must be below this (skew towards the low end)
        };
        for (const Case& c :
             {Case {"random(1, 1000)", 600}, Case {"random_exponential(1, 1000, 5)", 300},
              Case {"random_gaussian(1, 1000, 2.5)", 600}, Case {"random_zipfian(1, 1000, 1.5)", 100}}) {
            double sum = 0;
            std::set<int64_t> seen;
            for (int i = 0; i < 2000; ++i) {
                Value v;
                std::string error;
                QVERIFY2(eval(c.expr, &v, &error, uint64_t(i) + 1), error.c_str());
                QCOMPARE(int(v.type), int(Value::Type::Int));
                QVERIFY2(v.i >= 1 && v.i <= 1000, c.expr);
                sum += double(v.i);
                seen.insert(v.i);
            }
            QVERIFY2(sum / 2000 < c.expectedMeanMax, c.expr);
            QVERIFY2(seen.size() > 20, c.expr);
        }
        // Gaussian centred in its range.
        double sum = 0;
        for (int i = 0; i < 2000; ++i) {
            Value v;
            std::string error;
            QVERIFY(eval("random_gaussian(1, 1000, 4)", &v, &error, uint64_t(i) + 1));
            sum += double(v.i);
        }
        QVERIFY(std::abs(sum / 2000 - 500) < 30);
    }

    void permuteIsABijection()
    {
        for (int64_t size : {1, 2, 7, 100, 1000}) {
            std::set<int64_t> out;
            for (int64_t i = 0; i < size; ++i) {
                Value v;
                std::string error;
                QVERIFY(eval("permute(" + std::to_string(i) + ", " + std::to_string(size) + ", 99)", &v, &error));
                QVERIFY(v.i >= 0 && v.i < size);
                out.insert(v.i);
            }
            QCOMPARE(int64_t(out.size()), size);
        }
    }

    void formatting()
    {
        char buf[40];
        formatValue(Value::integer(-1234567890123), buf, sizeof buf);
        QCOMPARE(QByteArray(buf), QByteArray("-1234567890123"));
        formatValue(Value::integer(0), buf, sizeof buf);
        QCOMPARE(QByteArray(buf), QByteArray("0"));
        formatValue(Value::real(0.1), buf, sizeof buf);
        QCOMPARE(QByteArray(buf), QByteArray("0.1"));
        formatValue(Value::boolean(true), buf, sizeof buf);
        QCOMPARE(QByteArray(buf), QByteArray("true"));
    }

    void sqlVariablesBecomeParameters()
    {
        std::string error;
        const Script s = parse("\\set aid random(1, 100000 * :scale)\n"
                               "SELECT abalance, 'a:literal', x::text FROM pgbench_accounts\n"
                               "  WHERE aid = :aid AND aid <> :aid -- comment; not an end\n"
                               "  AND arr[1:2] IS NOT NULL;\n"
                               "select 1 \\; select 2;\n",
                               &error);
        QVERIFY2(error.empty(), error.c_str());
        QVERIFY(s.usesScale);
        QCOMPARE(s.sqlCount, 2);
        QCOMPARE(int(s.commands.size()), 3);
        const ScriptCommand& q = s.commands[1];
        QCOMPARE(q.line, 2);
        QCOMPARE(QString::fromStdString(q.preparedSql),
                 QStringLiteral("SELECT abalance, 'a:literal', x::text FROM pgbench_accounts\n"
                                "  WHERE aid = $1 AND aid <> $2 \n  AND arr[1:2] IS NOT NULL"));
        QCOMPARE(int(q.paramSlots.size()), 2);
        QCOMPARE(int(q.literals.size()), 3);
        QCOMPARE(QString::fromStdString(s.commands[2].sql), QStringLiteral("select 1 ; select 2"));
        QCOMPARE(s.commands[2].line, 5);
    }

    void ifNestingLowersToJumps()
    {
        std::string error;
        const Script s = parse("\\set r 2\n" // 0
                               "\\if :r = 1\n" // 1 JumpIfFalse -> 3
                               "SELECT 1;\n" // 2
                               "\\elif :r = 2\n" // 3 Jump -> end, 4 JumpIfFalse -> 9
                               "  \\if true\n" // 5 JumpIfFalse -> 7
                               "  SELECT 21;\n" // 6
                               "  \\else\n" // 7 Jump -> 9 ... see below
                               "  SELECT 22;\n"
                               "  \\endif\n"
                               "\\else\n"
                               "SELECT 3;\n"
                               "\\endif\n"
                               "SELECT 4;\n",
                               &error);
        QVERIFY2(error.empty(), error.c_str());
        // Walk the program with :r = 2 and collect the SQL it would run.
        auto walk = [&](int r) {
            QStringList ran;
            std::vector<Value> vars(size_t(s.variables.size()));
            std::vector<uint8_t> defined(size_t(s.variables.size()), 1);
            Rng rng(1);
            std::string e;
            EvalContext ctx {vars.data(), defined.data(), &s.variables, &rng, 0, &e};
            for (int pc = 0; pc < int(s.commands.size());) {
                const ScriptCommand& c = s.commands[size_t(pc)];
                Value v;
                switch (c.kind) {
                case ScriptCommand::Kind::Set:
                    vars[size_t(c.variable)] = Value::integer(r);
                    ++pc;
                    break;
                case ScriptCommand::Kind::JumpIfFalse:
                    evaluate(c.expr, ctx, &v);
                    pc = truth(v) ? pc + 1 : c.target;
                    break;
                case ScriptCommand::Kind::Jump:
                    pc = c.target;
                    break;
                case ScriptCommand::Kind::Sql:
                    ran << QString::fromStdString(c.sql);
                    ++pc;
                    break;
                default:
                    ++pc;
                }
            }
            return ran.join(QLatin1Char(','));
        };
        QCOMPARE(walk(1), QStringLiteral("SELECT 1,SELECT 4"));
        QCOMPARE(walk(2), QStringLiteral("SELECT 21,SELECT 4"));
        QCOMPARE(walk(3), QStringLiteral("SELECT 3,SELECT 4"));
    }

    void sleepUnits()
    {
        std::string error;
        const Script s = parse("\\set d 5\n\\sleep 10 ms\n\\sleep :d us\n\\sleep 1\nSELECT 1;\n", &error);
        QVERIFY2(error.empty(), error.c_str());
        QCOMPARE(s.commands[1].unitUs, int64_t(1000));
        QCOMPARE(s.commands[2].unitUs, int64_t(1));
        QCOMPARE(s.commands[3].unitUs, int64_t(1000000));
    }

    void parseErrorsCarryFileAndLine_data()
    {
        QTest::addColumn<QString>("script");
        QTest::addColumn<QString>("expected");
        QTest::newRow("bad expression") << "SELECT 1;\n\n\\set x 1 +\n"
                                        << "test.sql:3: syntax error in expression";
        QTest::newRow("unknown meta") << "\\shell ls\n"
                                      << "test.sql:1: unsupported meta command \\shell";
        QTest::newRow("gset") << "SELECT 1 AS a\n\\gset\n"
                              << "test.sql:2: \\gset is not supported";
        QTest::newRow("gset same line") << "\n\nSELECT 1 AS a \\gset\n"
                                        << "test.sql:3: \\gset is not supported";
        QTest::newRow("unclosed if") << "SELECT 1;\n\\if true\nSELECT 2;\n"
                                     << "test.sql:2: \\if without a matching \\endif";
        QTest::newRow("else without if") << "SELECT 1;\n\\else\n"
                                         << "test.sql:2: \\else without a matching \\if";
        QTest::newRow("endif without if") << "\\endif\n"
                                          << "test.sql:1: \\endif without a matching \\if";
        QTest::newRow("elif after else") << "\\if true\n\\else\n\\elif false\n\\endif\n"
                                         << "test.sql:3: \\elif after \\else";
        QTest::newRow("else after else") << "\\if true\n\\else\n\\else\n\\endif\n"
                                         << "test.sql:3: \\else after \\else";
        QTest::newRow("undefined variable") << "SELECT 1;\n\\set a :b + 1\n"
                                            << "test.sql:2: undefined variable \"b\"";
        QTest::newRow("sleep unit") << "\\sleep 1 hours\n"
                                    << "test.sql:1: \\sleep unit";
        QTest::newRow("set without expression") << "\\set a\n"
                                                << "test.sql:1: \\set a needs an expression";
        QTest::newRow("unterminated quote") << "SELECT 'abc;\n"
                                            << "test.sql:1: unterminated";
        QTest::newRow("empty") << "-- nothing\n"
                               << "test.sql:1: the script has no commands";
        QTest::newRow("wrong arity with line") << "\n\n\n\\set a random(1)\n"
                                               << "test.sql:4: syntax error";
    }
    void parseErrorsCarryFileAndLine()
    {
        QFETCH(QString, script);
        QFETCH(QString, expected);
        std::string error;
        Script s;
        QVERIFY(!parseScript(script.toStdString(), "test.sql", &s, &error));
        QVERIFY2(QString::fromStdString(error).startsWith(expected), error.c_str());
    }

    void builtinsParse()
    {
        for (const QString& name : builtinWorkloads()) {
            Script s;
            QString error;
            QVERIFY2(loadWorkload(name, &s, &error), qPrintable(error));
            QVERIFY(s.sqlCount >= 1);
        }
        Script s;
        QString error;
        QVERIFY(loadWorkload(QStringLiteral("tpcb-like"), &s, &error));
        QCOMPARE(s.sqlCount, 7);
        QVERIFY(s.usesScale);
        QVERIFY(!loadWorkload(QStringLiteral("/nonexistent/script.sql"), &s, &error));
        QVERIFY(error.contains(QLatin1String("cannot read")));
    }

    void scenarioPresets()
    {
        const QList<Scenario> presets = presetScenarios();
        QStringList names;
        for (const Scenario& p : presets)
            names << p.name;
        QCOMPARE(names, QStringList({"quick", "baseline", "normal", "endurance", "peak", "spike", "stress"}));
        Scenario stress;
        QString error;
        QVERIFY(findScenario(QStringLiteral("stress"), &stress, &error));
        QCOMPARE(stress.users, 500);
        QCOMPARE(stress.durationSec, 1200);
        QVERIFY(stress.stopAtBreakingPoint);
        QCOMPARE(stress.stepUsers, 50);
        Scenario spike;
        QVERIFY(findScenario(QStringLiteral("spike"), &spike, &error));
        QCOMPARE(spike.users, 300);
        QCOMPARE(spike.spawnRate, 0.0);
        // Round trip through JSON.
        Scenario back;
        QVERIFY(Scenario::fromJson(stress.toJson(), &back, &error));
        QCOMPARE(back.toJson(), stress.toJson());
        QVERIFY(!Scenario::fromJson(QJsonObject {{"name", "x"}, {"users", 0}}, &back, &error));
        QVERIFY(error.contains(QLatin1String("users")));
    }

    void operatorsSaveTheirOwnScenarios()
    {
        QStandardPaths::setTestModeEnabled(true);
        QDir(userScenarioDir()).removeRecursively();
        Scenario mine;
        QString error;
        QVERIFY(findScenario(QStringLiteral("baseline"), &mine, &error));
        mine.users = 7;
        mine.description = QStringLiteral("our baseline");
        QVERIFY2(saveScenario(mine, &error), qPrintable(error));
        Scenario back;
        QVERIFY(findScenario(QStringLiteral("baseline"), &back, &error));
        QCOMPARE(back.users, 7); // the saved one wins over the preset
        QCOMPARE(availableScenarios().size(), presetScenarios().size());
        mine.name = QStringLiteral("bad name/with slash");
        QVERIFY(!saveScenario(mine, &error));
        QDir(userScenarioDir()).removeRecursively();
        QVERIFY(findScenario(QStringLiteral("baseline"), &back, &error));
        QCOMPARE(back.users, 10);
    }

    void histogramAccuracy()
    {
        // Random latencies from 20 us to 2 s: every quantile within 1 % of the exact one.
        std::mt19937_64 gen(7);
        std::lognormal_distribution<double> dist(std::log(300000.0), 1.5);
        std::vector<int64_t> values;
        LatencyHistogram h;
        for (int i = 0; i < 200000; ++i) {
            const auto v = int64_t(std::clamp(dist(gen), 20000.0, 2e9));
            values.push_back(v);
            h.record(v);
        }
        std::sort(values.begin(), values.end());
        for (double q : {0.5, 0.9, 0.95, 0.99, 0.999}) {
            const auto rank = size_t(std::ceil(q * double(values.size()))) - 1;
            const double exact = double(values[rank]);
            QVERIFY2(std::abs(h.quantileNs(q) - exact) / exact < 0.01, qPrintable(QString::number(q)));
        }
        QCOMPARE(h.maxNs(), values.back());
        QCOMPARE(h.count(), int64_t(values.size()));
        // Merge equals recording into one.
        LatencyHistogram a, b;
        for (size_t i = 0; i < values.size(); ++i)
            (i % 2 ? a : b).record(values[i]);
        a.merge(b);
        QCOMPARE(a.quantileNs(0.99), h.quantileNs(0.99));
        // Bucket boundaries are contiguous.
        for (int i = 1; i < LatencyHistogram::kBuckets - 1; ++i)
            QCOMPARE(LatencyHistogram::lowerOf(i - 1) + LatencyHistogram::widthOf(i - 1), LatencyHistogram::lowerOf(i));
        for (uint64_t v : {0ULL, 255ULL, 256ULL, 1000ULL, 123456789ULL})
            QVERIFY(LatencyHistogram::lowerOf(LatencyHistogram::indexOf(v)) <= v);
    }
};

QTEST_GUILESS_MAIN(TestPgbenchScript)
#include "tst_pgbenchscript.moc"
