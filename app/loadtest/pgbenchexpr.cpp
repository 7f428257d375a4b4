#include "pgbenchexpr.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

namespace vigil::loadtest {

// ---------------------------------------------------------------------------------------------
// Random numbers

namespace {
uint64_t splitmix(uint64_t* x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}
} // namespace

void Rng::reseed(uint64_t seed)
{
    for (uint64_t& s : m_s)
        s = splitmix(&seed);
}

uint64_t Rng::next()
{
    const uint64_t result = rotl(m_s[1] * 5, 7) * 9;
    const uint64_t t = m_s[1] << 17;
    m_s[2] ^= m_s[0];
    m_s[3] ^= m_s[1];
    m_s[1] ^= m_s[2];
    m_s[0] ^= m_s[3];
    m_s[2] ^= t;
    m_s[3] = rotl(m_s[3], 45);
    return result;
}

int64_t Rng::between(int64_t min, int64_t max)
{
    const uint64_t range = uint64_t(max) - uint64_t(min);
    if (range == std::numeric_limits<uint64_t>::max())
        return int64_t(next());
    // Rejection keeps the result unbiased (as pg_prng_uint64_range does).
    const uint64_t span = range + 1;
    const uint64_t limit = std::numeric_limits<uint64_t>::max() - (std::numeric_limits<uint64_t>::max() % span);
    uint64_t r;
    do
        r = next();
    while (r >= limit);
    return int64_t(uint64_t(min) + r % span);
}

// ---------------------------------------------------------------------------------------------
// Variables

int VariableTable::slot(const std::string& name)
{
    const int found = find(name);
    if (found >= 0)
        return found;
    m_names.push_back(name);
    return int(m_names.size()) - 1;
}

int VariableTable::find(const std::string& name) const
{
    for (size_t i = 0; i < m_names.size(); ++i)
        if (m_names[i] == name)
            return int(i);
    return -1;
}

// ---------------------------------------------------------------------------------------------
// Parser: precedence climbing over pgbench's grammar (exprparse.y), lowest first:
// OR; AND; NOT; IS/ISNULL/NOTNULL; comparisons (non-associative); | # & << >>; + -; * / %; unary.

namespace {

struct FuncInfo
{
    const char* name;
    Func func;
    int minArgs, maxArgs; // -1: any number (>= minArgs)
};

const FuncInfo kFunctions[] = {
    {"abs", Func::Abs, 1, 1},
    {"debug", Func::Debug, 1, 1},
    {"double", Func::Double, 1, 1},
    {"exp", Func::Exp, 1, 1},
    {"greatest", Func::Greatest, 1, -1},
    {"hash", Func::Hash, 1, 2},
    {"hash_fnv1a", Func::HashFnv1a, 1, 2},
    {"hash_murmur2", Func::HashMurmur2, 1, 2},
    {"int", Func::Int, 1, 1},
    {"least", Func::Least, 1, -1},
    {"ln", Func::Ln, 1, 1},
    {"mod", Func::ModFn, 2, 2},
    {"permute", Func::Permute, 2, 3},
    {"pi", Func::Pi, 0, 0},
    {"pow", Func::Pow, 2, 2},
    {"power", Func::Pow, 2, 2},
    {"random", Func::Random, 2, 2},
    {"random_exponential", Func::RandomExponential, 3, 3},
    {"random_gaussian", Func::RandomGaussian, 3, 3},
    {"random_zipfian", Func::RandomZipfian, 3, 3},
    {"sqrt", Func::Sqrt, 1, 1},
};

class Parser
{
public:
    Parser(const std::string& text, VariableTable* vars, Expr* out)
        : m_text(text)
        , m_vars(vars)
        , m_out(out)
    {
    }

    bool parse(std::string* error)
    {
        next();
        const int root = parseOr();
        if (root >= 0 && m_tok != Tok::End)
            fail("unexpected \"" + m_tokText + "\"");
        if (!m_error.empty()) {
            *error = m_error;
            return false;
        }
        m_out->root = root;
        return true;
    }

private:
    enum class Tok { End, Int, Double, Ident, Var, Op, LParen, RParen, Comma, Error };

    void fail(const std::string& message)
    {
        if (m_error.empty())
            m_error = message + " at column " + std::to_string(m_tokStart + 1);
    }

    bool isKeyword(const char* word) const
    {
        if (m_tok != Tok::Ident || m_tokText.size() != std::strlen(word))
            return false;
        for (size_t i = 0; i < m_tokText.size(); ++i)
            if (std::tolower(static_cast<unsigned char>(m_tokText[i])) != word[i])
                return false;
        return true;
    }
    bool isOp(const char* op) const { return m_tok == Tok::Op && m_tokText == op; }

    void next()
    {
        while (m_pos < m_text.size() && std::isspace(static_cast<unsigned char>(m_text[m_pos])))
            ++m_pos;
        m_tokStart = m_pos;
        if (m_pos >= m_text.size()) {
            m_tok = Tok::End;
            m_tokText = "end of expression";
            return;
        }
        const char c = m_text[m_pos];
        auto ident = [&](size_t from) {
            size_t p = from;
            while (p < m_text.size() && (std::isalnum(static_cast<unsigned char>(m_text[p])) || m_text[p] == '_'))
                ++p;
            return p;
        };
        if (std::isdigit(static_cast<unsigned char>(c))
            || (c == '.' && m_pos + 1 < m_text.size() && std::isdigit(static_cast<unsigned char>(m_text[m_pos + 1])))) {
            size_t p = m_pos;
            bool isDouble = false;
            while (p < m_text.size() && std::isdigit(static_cast<unsigned char>(m_text[p])))
                ++p;
            if (p < m_text.size() && m_text[p] == '.') {
                isDouble = true;
                ++p;
                while (p < m_text.size() && std::isdigit(static_cast<unsigned char>(m_text[p])))
                    ++p;
            }
            if (p < m_text.size() && (m_text[p] == 'e' || m_text[p] == 'E')) {
                size_t q = p + 1;
                if (q < m_text.size() && (m_text[q] == '+' || m_text[q] == '-'))
                    ++q;
                if (q < m_text.size() && std::isdigit(static_cast<unsigned char>(m_text[q]))) {
                    isDouble = true;
                    p = q;
                    while (p < m_text.size() && std::isdigit(static_cast<unsigned char>(m_text[p])))
                        ++p;
                }
            }
            m_tokText = m_text.substr(m_pos, p - m_pos);
            m_tok = isDouble ? Tok::Double : Tok::Int;
            m_pos = p;
            return;
        }
        if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
            const size_t p = ident(m_pos);
            m_tokText = m_text.substr(m_pos, p - m_pos);
            m_tok = Tok::Ident;
            m_pos = p;
            return;
        }
        if (c == ':') {
            const size_t p = ident(m_pos + 1);
            if (p == m_pos + 1) {
                m_tok = Tok::Error;
                m_tokText = ":";
                fail("a variable name must follow \":\"");
                return;
            }
            m_tokText = m_text.substr(m_pos + 1, p - m_pos - 1);
            m_tok = Tok::Var;
            m_pos = p;
            return;
        }
        static const char* const ops[]
            = {"<=", ">=", "<>", "!=", "<<", ">>", "+", "-", "*", "/", "%", "<", ">", "=", "&", "|", "#", "~"};
        for (const char* op : ops) {
            const size_t n = std::strlen(op);
            if (m_text.compare(m_pos, n, op) == 0) {
                m_tok = Tok::Op;
                m_tokText = op;
                m_pos += n;
                return;
            }
        }
        m_tokText = std::string(1, c);
        ++m_pos;
        m_tok = c == '(' ? Tok::LParen : c == ')' ? Tok::RParen : c == ',' ? Tok::Comma : Tok::Error;
        if (m_tok == Tok::Error)
            fail("unexpected character \"" + m_tokText + "\"");
    }

    int constant(Value v)
    {
        ExprNode n;
        n.kind = ExprNode::Kind::Constant;
        n.constant = v;
        m_out->nodes.push_back(n);
        return int(m_out->nodes.size()) - 1;
    }
    int call(Func f, std::initializer_list<int> args)
    {
        std::vector<int> a(args);
        return call(f, a);
    }
    int call(Func f, const std::vector<int>& args)
    {
        for (int a : args)
            if (a < 0)
                return -1;
        ExprNode n;
        n.kind = ExprNode::Kind::Call;
        n.func = f;
        n.firstArg = int(m_out->args.size());
        n.argCount = int(args.size());
        m_out->args.insert(m_out->args.end(), args.begin(), args.end());
        m_out->nodes.push_back(n);
        return int(m_out->nodes.size()) - 1;
    }

    int parseOr()
    {
        int left = parseAnd();
        while (left >= 0 && isKeyword("or")) {
            next();
            left = call(Func::Or, {left, parseAnd()});
        }
        return left;
    }
    int parseAnd()
    {
        int left = parseNot();
        while (left >= 0 && isKeyword("and")) {
            next();
            left = call(Func::And, {left, parseNot()});
        }
        return left;
    }
    int parseNot()
    {
        if (isKeyword("not")) {
            next();
            return call(Func::Not, {parseNot()});
        }
        return parseIs();
    }
    int parseIs()
    {
        const int left = parseCompare();
        if (left < 0)
            return left;
        if (isKeyword("isnull") || isKeyword("notnull")) {
            const bool notNull = isKeyword("notnull");
            next();
            const int is = call(Func::Is, {left, constant(Value::null())});
            return notNull ? call(Func::Not, {is}) : is;
        }
        if (!isKeyword("is"))
            return left;
        next();
        bool negate = false;
        if (isKeyword("not")) {
            negate = true;
            next();
        }
        Value what;
        if (isKeyword("null"))
            what = Value::null();
        else if (isKeyword("true"))
            what = Value::boolean(true);
        else if (isKeyword("false"))
            what = Value::boolean(false);
        else {
            fail("IS must be followed by [NOT] NULL, TRUE or FALSE");
            return -1;
        }
        next();
        const int is = call(Func::Is, {left, constant(what)});
        return negate ? call(Func::Not, {is}) : is;
    }
    int parseCompare()
    {
        const int left = parseBitwise();
        if (left < 0 || m_tok != Tok::Op)
            return left;
        Func f;
        if (isOp("="))
            f = Func::Eq;
        else if (isOp("<>") || isOp("!="))
            f = Func::Ne;
        else if (isOp("<"))
            f = Func::Lt;
        else if (isOp("<="))
            f = Func::Le;
        else if (isOp(">"))
            f = Func::Gt;
        else if (isOp(">="))
            f = Func::Ge;
        else
            return left;
        next();
        const int result = call(f, {left, parseBitwise()});
        if (m_tok == Tok::Op
            && (isOp("=") || isOp("<>") || isOp("!=") || isOp("<") || isOp("<=") || isOp(">") || isOp(">="))) {
            fail("comparison operators do not chain (write a < b AND b < c)");
            return -1;
        }
        return result;
    }
    int parseBitwise()
    {
        int left = parseAdditive();
        while (left >= 0 && (isOp("|") || isOp("#") || isOp("&") || isOp("<<") || isOp(">>"))) {
            const Func f = isOp("|") ? Func::BitOr
                : isOp("#")          ? Func::BitXor
                : isOp("&")          ? Func::BitAnd
                : isOp("<<")         ? Func::Lshift
                                     : Func::Rshift;
            next();
            left = call(f, {left, parseAdditive()});
        }
        return left;
    }
    int parseAdditive()
    {
        int left = parseMultiplicative();
        while (left >= 0 && (isOp("+") || isOp("-"))) {
            const Func f = isOp("+") ? Func::Add : Func::Sub;
            next();
            left = call(f, {left, parseMultiplicative()});
        }
        return left;
    }
    int parseMultiplicative()
    {
        int left = parseUnary();
        while (left >= 0 && (isOp("*") || isOp("/") || isOp("%"))) {
            const Func f = isOp("*") ? Func::Mul : isOp("/") ? Func::Div : Func::Mod;
            next();
            left = call(f, {left, parseUnary()});
        }
        return left;
    }
    int parseUnary()
    {
        if (isOp("+")) {
            next();
            return parseUnary();
        }
        if (isOp("-")) {
            next();
            // -9223372036854775808 is a valid literal although its absolute value is not.
            if (m_tok == Tok::Int && m_tokText == "9223372036854775808") {
                next();
                return constant(Value::integer(std::numeric_limits<int64_t>::min()));
            }
            // As pgbench: -x is 0 - x, so the integer/double rules apply unchanged.
            return call(Func::Sub, {constant(Value::integer(0)), parseUnary()});
        }
        if (isOp("~")) {
            next();
            return call(Func::BitXor, {constant(Value::integer(-1)), parseUnary()});
        }
        return parsePrimary();
    }
    int parsePrimary()
    {
        switch (m_tok) {
        case Tok::Int: {
            errno = 0;
            char* end = nullptr;
            const long long v = std::strtoll(m_tokText.c_str(), &end, 10);
            if (errno == ERANGE) {
                fail("bigint constant overflow: " + m_tokText);
                return -1;
            }
            next();
            return constant(Value::integer(v));
        }
        case Tok::Double: {
            const double v = std::strtod(m_tokText.c_str(), nullptr);
            next();
            return constant(Value::real(v));
        }
        case Tok::Var: {
            ExprNode n;
            n.kind = ExprNode::Kind::Variable;
            n.variable = m_vars->slot(m_tokText);
            m_out->nodes.push_back(n);
            next();
            return int(m_out->nodes.size()) - 1;
        }
        case Tok::LParen: {
            next();
            const int inner = parseOr();
            if (inner < 0)
                return -1;
            if (m_tok != Tok::RParen) {
                fail("expected \")\"");
                return -1;
            }
            next();
            return inner;
        }
        case Tok::Ident:
            return parseIdentifier();
        case Tok::End:
            fail("unexpected end of expression");
            return -1;
        default:
            fail("unexpected \"" + m_tokText + "\"");
            return -1;
        }
    }
    int parseIdentifier()
    {
        if (isKeyword("true") || isKeyword("false")) {
            const bool v = isKeyword("true");
            next();
            return constant(Value::boolean(v));
        }
        if (isKeyword("null")) {
            next();
            return constant(Value::null());
        }
        if (isKeyword("case"))
            return parseCase();
        std::string name = m_tokText;
        for (char& ch : name)
            ch = char(std::tolower(static_cast<unsigned char>(ch)));
        const FuncInfo* info = nullptr;
        for (const FuncInfo& f : kFunctions)
            if (name == f.name)
                info = &f;
        if (!info) {
            fail("unknown function or keyword \"" + m_tokText + "\"");
            return -1;
        }
        next();
        if (m_tok != Tok::LParen) {
            fail("expected \"(\" after " + name);
            return -1;
        }
        next();
        std::vector<int> args;
        if (m_tok != Tok::RParen) {
            while (true) {
                const int a = parseOr();
                if (a < 0)
                    return -1;
                args.push_back(a);
                if (m_tok == Tok::Comma) {
                    next();
                    continue;
                }
                break;
            }
        }
        if (m_tok != Tok::RParen) {
            fail("expected \")\" or \",\" in the arguments of " + name);
            return -1;
        }
        next();
        const int n = int(args.size());
        if (n < info->minArgs || (info->maxArgs >= 0 && n > info->maxArgs)) {
            fail("wrong number of arguments for " + name + " (" + std::to_string(n) + ")");
            return -1;
        }
        return call(info->func, args);
    }
    int parseCase()
    {
        next();
        std::vector<int> args;
        while (isKeyword("when")) {
            next();
            const int cond = parseOr();
            if (cond < 0)
                return -1;
            if (!isKeyword("then")) {
                fail("expected THEN");
                return -1;
            }
            next();
            const int value = parseOr();
            if (value < 0)
                return -1;
            args.push_back(cond);
            args.push_back(value);
        }
        if (args.empty()) {
            fail("CASE needs at least one WHEN");
            return -1;
        }
        if (isKeyword("else")) {
            next();
            const int value = parseOr();
            if (value < 0)
                return -1;
            args.push_back(value);
        } else {
            args.push_back(constant(Value::null()));
        }
        if (!isKeyword("end")) {
            fail("expected END to close CASE");
            return -1;
        }
        next();
        return call(Func::Case, args);
    }

    const std::string& m_text;
    VariableTable* m_vars;
    Expr* m_out;
    size_t m_pos = 0;
    size_t m_tokStart = 0;
    Tok m_tok = Tok::End;
    std::string m_tokText;
    std::string m_error;
};

} // namespace

Expr parseExpression(const std::string& text, VariableTable* variables, std::string* error)
{
    Expr e;
    Parser p(text, variables, &e);
    if (!p.parse(error))
        return Expr {};
    return e;
}

// ---------------------------------------------------------------------------------------------
// Evaluation

bool truth(const Value& v)
{
    switch (v.type) {
    case Value::Type::Null:
        return false;
    case Value::Type::Bool:
        return v.b;
    case Value::Type::Int:
        return v.i != 0;
    case Value::Type::Double:
        return v.d != 0.0;
    }
    return false;
}

int formatValue(const Value& v, char* buffer, int size)
{
    int n = 0;
    switch (v.type) {
    case Value::Type::Null:
        n = std::snprintf(buffer, size_t(size), "NULL");
        break;
    case Value::Type::Bool:
        n = std::snprintf(buffer, size_t(size), "%s", v.b ? "true" : "false");
        break;
    case Value::Type::Int: {
        // Faster than snprintf on the hot path: every parameter of every statement comes here.
        char tmp[24];
        uint64_t u = v.i < 0 ? uint64_t(0) - uint64_t(v.i) : uint64_t(v.i);
        int len = 0;
        do {
            tmp[len++] = char('0' + u % 10);
            u /= 10;
        } while (u);
        if (v.i < 0)
            tmp[len++] = '-';
        n = len < size ? len : size - 1;
        for (int k = 0; k < n; ++k)
            buffer[k] = tmp[len - 1 - k];
        buffer[n] = 0;
        return n;
    }
    case Value::Type::Double:
        n = std::snprintf(buffer, size_t(size), "%.15g", v.d);
        break;
    }
    return n < size ? n : size - 1;
}

int64_t hashFnv1a(int64_t value, uint64_t seed)
{
    uint64_t result = 0xcbf29ce484222325ULL ^ seed;
    uint64_t v = uint64_t(value);
    for (int i = 0; i < 8; ++i) {
        result ^= v & 0xff;
        v >>= 8;
        result *= 0x100000001b3ULL;
    }
    return int64_t(result);
}

int64_t hashMurmur2(int64_t value, uint64_t seed)
{
    const uint64_t mul = 0xc6a4a7935bd1e995ULL;
    const uint64_t mulTimes8 = 0x35253c9ade8f4ca8ULL;
    uint64_t result = seed ^ mulTimes8;
    uint64_t k = uint64_t(value);
    k *= mul;
    k ^= k >> 47;
    k *= mul;
    result ^= k;
    result *= mul;
    result ^= result >> 47;
    result *= mul;
    result ^= result >> 47;
    return int64_t(result);
}

namespace {

struct Evaluator
{
    const Expr& e;
    EvalContext& ctx;

    bool fail(const std::string& message)
    {
        if (ctx.error)
            *ctx.error = message;
        return false;
    }

    bool toInt(const Value& v, int64_t* out)
    {
        if (v.type == Value::Type::Int) {
            *out = v.i;
            return true;
        }
        if (v.type == Value::Type::Double) {
            const double r = std::rint(v.d);
            if (std::isnan(r) || r < -9223372036854775808.0 || r >= 9223372036854775808.0)
                return fail("double to int overflow for " + std::to_string(v.d));
            *out = int64_t(r);
            return true;
        }
        return fail(v.type == Value::Type::Bool ? "cannot coerce boolean to int" : "cannot coerce NULL to int");
    }
    bool toDouble(const Value& v, double* out)
    {
        if (v.type == Value::Type::Double) {
            *out = v.d;
            return true;
        }
        if (v.type == Value::Type::Int) {
            *out = double(v.i);
            return true;
        }
        return fail(v.type == Value::Type::Bool ? "cannot coerce boolean to double" : "cannot coerce NULL to double");
    }
    bool toBool(const Value& v, bool* out)
    {
        if (v.type == Value::Type::Null)
            return fail("cannot coerce NULL to boolean");
        *out = truth(v);
        return true;
    }

    bool eval(int index, Value* out)
    {
        const ExprNode& n = e.nodes[size_t(index)];
        switch (n.kind) {
        case ExprNode::Kind::Constant:
            *out = n.constant;
            return true;
        case ExprNode::Kind::Variable:
            if (!ctx.defined[n.variable])
                return fail("undefined variable \"" + ctx.names->name(n.variable) + "\"");
            *out = ctx.variables[n.variable];
            return true;
        case ExprNode::Kind::Call:
            return call(n, out);
        }
        return false;
    }

    int arg(const ExprNode& n, int k) const { return e.args[size_t(n.firstArg + k)]; }

    bool lazy(const ExprNode& n, Value* out)
    {
        Value a;
        if (n.func == Func::Case) {
            const int pairs = (n.argCount - 1) / 2;
            for (int k = 0; k < pairs; ++k) {
                if (!eval(arg(n, 2 * k), &a))
                    return false;
                if (truth(a))
                    return eval(arg(n, 2 * k + 1), out);
            }
            return eval(arg(n, n.argCount - 1), out);
        }
        // AND / OR: NULL on either side gives NULL (pgbench's rule, not SQL's).
        const bool isAnd = n.func == Func::And;
        if (!eval(arg(n, 0), &a))
            return false;
        if (a.type == Value::Type::Null) {
            *out = Value::null();
            return true;
        }
        bool b = false;
        if (!toBool(a, &b))
            return false;
        if (isAnd ? !b : b) {
            *out = Value::boolean(b);
            return true;
        }
        if (!eval(arg(n, 1), &a))
            return false;
        if (a.type == Value::Type::Null) {
            *out = Value::null();
            return true;
        }
        if (!toBool(a, &b))
            return false;
        *out = Value::boolean(b);
        return true;
    }

    bool call(const ExprNode& n, Value* out)
    {
        if (n.func == Func::And || n.func == Func::Or || n.func == Func::Case)
            return lazy(n, out);
        // At most a handful of arguments in practice; greatest/least may take more.
        Value fixed[4];
        std::vector<Value> many;
        Value* v = fixed;
        if (n.argCount > 4) {
            many.resize(size_t(n.argCount));
            v = many.data();
        }
        bool hasNull = false;
        for (int k = 0; k < n.argCount; ++k) {
            if (!eval(arg(n, k), &v[k]))
                return false;
            hasNull = hasNull || v[k].type == Value::Type::Null;
        }
        if (hasNull && n.func != Func::Is && n.func != Func::Debug) {
            *out = Value::null();
            return true;
        }
        return apply(n.func, v, n.argCount, out);
    }

    bool arithmetic(Func f, const Value& l, const Value& r, Value* out)
    {
        if (l.type == Value::Type::Int && r.type == Value::Type::Int) {
            int64_t res = 0;
            switch (f) {
            case Func::Add:
                if (__builtin_add_overflow(l.i, r.i, &res))
                    return fail("bigint out of range");
                break;
            case Func::Sub:
                if (__builtin_sub_overflow(l.i, r.i, &res))
                    return fail("bigint out of range");
                break;
            case Func::Mul:
                if (__builtin_mul_overflow(l.i, r.i, &res))
                    return fail("bigint out of range");
                break;
            case Func::Div:
            case Func::Mod:
            case Func::ModFn:
                if (r.i == 0)
                    return fail("division by zero");
                if (r.i == -1) {
                    if (f != Func::Div)
                        res = 0;
                    else if (l.i == std::numeric_limits<int64_t>::min())
                        return fail("bigint out of range");
                    else
                        res = -l.i;
                } else {
                    res = f == Func::Div ? l.i / r.i : l.i % r.i;
                }
                break;
            default:
                break;
            }
            *out = Value::integer(res);
            return true;
        }
        if (f == Func::Mod || f == Func::ModFn) {
            int64_t a = 0, b = 0;
            if (!toInt(l, &a) || !toInt(r, &b))
                return false;
            return arithmetic(f, Value::integer(a), Value::integer(b), out);
        }
        double a = 0, b = 0;
        if (!toDouble(l, &a) || !toDouble(r, &b))
            return false;
        switch (f) {
        case Func::Add:
            *out = Value::real(a + b);
            break;
        case Func::Sub:
            *out = Value::real(a - b);
            break;
        case Func::Mul:
            *out = Value::real(a * b);
            break;
        default:
            if (b == 0.0)
                return fail("division by zero");
            *out = Value::real(a / b);
        }
        return true;
    }

    bool compare(Func f, const Value& l, const Value& r, Value* out)
    {
        int c = 0;
        if (l.type == Value::Type::Int && r.type == Value::Type::Int) {
            c = l.i < r.i ? -1 : l.i > r.i ? 1 : 0;
        } else {
            double a = 0, b = 0;
            if (!toDouble(l, &a) || !toDouble(r, &b))
                return false;
            c = a < b ? -1 : a > b ? 1 : 0;
        }
        bool res = false;
        switch (f) {
        case Func::Eq:
            res = c == 0;
            break;
        case Func::Ne:
            res = c != 0;
            break;
        case Func::Lt:
            res = c < 0;
            break;
        case Func::Le:
            res = c <= 0;
            break;
        case Func::Gt:
            res = c > 0;
            break;
        default:
            res = c >= 0;
        }
        *out = Value::boolean(res);
        return true;
    }

    bool apply(Func f, const Value* v, int argc, Value* out)
    {
        switch (f) {
        case Func::Add:
        case Func::Sub:
        case Func::Mul:
        case Func::Div:
        case Func::Mod:
        case Func::ModFn:
            return arithmetic(f, v[0], v[1], out);
        case Func::Eq:
        case Func::Ne:
        case Func::Lt:
        case Func::Le:
        case Func::Gt:
        case Func::Ge:
            return compare(f, v[0], v[1], out);
        case Func::BitAnd:
        case Func::BitOr:
        case Func::BitXor:
        case Func::Lshift:
        case Func::Rshift: {
            int64_t a = 0, b = 0;
            if (!toInt(v[0], &a) || !toInt(v[1], &b))
                return false;
            int64_t res = 0;
            if (f == Func::BitAnd)
                res = a & b;
            else if (f == Func::BitOr)
                res = a | b;
            else if (f == Func::BitXor)
                res = a ^ b;
            else if (f == Func::Lshift)
                res = int64_t(uint64_t(a) << (b & 63));
            else
                res = a >> (b & 63);
            *out = Value::integer(res);
            return true;
        }
        case Func::Not: {
            bool b = false;
            if (!toBool(v[0], &b))
                return false;
            *out = Value::boolean(!b);
            return true;
        }
        case Func::Is:
            *out = Value::boolean(v[0].type == v[1].type && (v[0].type == Value::Type::Null || v[0].b == v[1].b));
            return true;
        case Func::Abs:
            if (v[0].type == Value::Type::Double) {
                *out = Value::real(std::fabs(v[0].d));
                return true;
            } else {
                int64_t a = 0;
                if (!toInt(v[0], &a))
                    return false;
                if (a == std::numeric_limits<int64_t>::min())
                    return fail("bigint out of range");
                *out = Value::integer(a < 0 ? -a : a);
                return true;
            }
        case Func::Debug: {
            char text[64];
            formatValue(v[0], text, sizeof text);
            const char* type = v[0].type == Value::Type::Null ? "null"
                : v[0].type == Value::Type::Bool              ? "boolean"
                : v[0].type == Value::Type::Int               ? "int"
                                                              : "double";
            std::fprintf(stderr, "debug: %s %s\n", type, text);
            *out = v[0];
            return true;
        }
        case Func::Double: {
            double d = 0;
            if (!toDouble(v[0], &d))
                return false;
            *out = Value::real(d);
            return true;
        }
        case Func::Int: {
            int64_t i = 0;
            if (!toInt(v[0], &i))
                return false;
            *out = Value::integer(i);
            return true;
        }
        case Func::Exp:
        case Func::Ln:
        case Func::Sqrt: {
            double d = 0;
            if (!toDouble(v[0], &d))
                return false;
            *out = Value::real(f == Func::Exp ? std::exp(d) : f == Func::Ln ? std::log(d) : std::sqrt(d));
            return true;
        }
        case Func::Pi:
            *out = Value::real(M_PI);
            return true;
        case Func::Pow: {
            double a = 0, b = 0;
            if (!toDouble(v[0], &a) || !toDouble(v[1], &b))
                return false;
            *out = Value::real(std::pow(a, b));
            return true;
        }
        case Func::Greatest:
        case Func::Least: {
            bool anyDouble = false;
            for (int k = 0; k < argc; ++k) {
                if (v[k].type == Value::Type::Bool)
                    return fail("cannot coerce boolean to a number");
                anyDouble = anyDouble || v[k].type == Value::Type::Double;
            }
            const bool greatest = f == Func::Greatest;
            if (anyDouble) {
                double best = 0;
                toDouble(v[0], &best);
                for (int k = 1; k < argc; ++k) {
                    double d = 0;
                    toDouble(v[k], &d);
                    best = greatest ? std::max(best, d) : std::min(best, d);
                }
                *out = Value::real(best);
            } else {
                int64_t best = v[0].i;
                for (int k = 1; k < argc; ++k)
                    best = greatest ? std::max(best, v[k].i) : std::min(best, v[k].i);
                *out = Value::integer(best);
            }
            return true;
        }
        case Func::Hash:
        case Func::HashMurmur2:
        case Func::HashFnv1a: {
            int64_t value = 0, seed = ctx.defaultSeed;
            if (!toInt(v[0], &value) || (argc > 1 && !toInt(v[1], &seed)))
                return false;
            *out = Value::integer(f == Func::HashFnv1a ? hashFnv1a(value, uint64_t(seed))
                                                       : hashMurmur2(value, uint64_t(seed)));
            return true;
        }
        case Func::Permute:
            return permute(v, argc, out);
        case Func::Random:
        case Func::RandomExponential:
        case Func::RandomGaussian:
        case Func::RandomZipfian:
            return random(f, v, out);
        case Func::And:
        case Func::Or:
        case Func::Case:
            break;
        }
        return fail("internal error: unknown function");
    }

    bool random(Func f, const Value* v, Value* out)
    {
        int64_t min = 0, max = 0;
        if (!toInt(v[0], &min) || !toInt(v[1], &max))
            return false;
        if (max < min)
            return fail("empty range given to random");
        // pgbench's bound: the range size must fit in an int64.
        if (uint64_t(max) - uint64_t(min) >= uint64_t(std::numeric_limits<int64_t>::max()))
            return fail("random range is too large");
        Rng& rng = *ctx.rng;
        if (f == Func::Random) {
            *out = Value::integer(rng.between(min, max));
            return true;
        }
        double param = 0;
        if (!toDouble(v[2], &param))
            return false;
        const double width = double(max - min + 1);
        if (f == Func::RandomGaussian) {
            if (param < 2.0)
                return fail("gaussian parameter must be at least 2.0 (not " + std::to_string(param) + ")");
            // Box-Muller, rejecting draws beyond +-param standard deviations (as pgbench).
            double stdev = 0;
            do {
                const double r1 = 1.0 - rng.uniform();
                const double r2 = rng.uniform();
                stdev = std::sqrt(-2.0 * std::log(r1)) * std::sin(2.0 * M_PI * r2);
            } while (stdev < -param || stdev >= param);
            const double r = (stdev + param) / (param * 2.0);
            *out = Value::integer(min + int64_t(width * r));
            return true;
        }
        if (f == Func::RandomExponential) {
            if (param <= 0.0)
                return fail("exponential parameter must be greater than zero (not " + std::to_string(param) + ")");
            const double cut = std::exp(-param);
            const double u = 1.0 - rng.uniform();
            const double r = -std::log(cut + (1.0 - cut) * u) / param;
            *out = Value::integer(min + int64_t(width * r));
            return true;
        }
        if (param < 1.001 || param > 1000.0)
            return fail("zipfian parameter must be in range [1.001, 1000] (not " + std::to_string(param) + ")");
        // Devroye's rejection method, pgbench's computeIterativeZipfian.
        const int64_t n = max - min + 1;
        int64_t x = 1;
        if (n > 1) {
            const double b = std::pow(2.0, param - 1.0);
            while (true) {
                const double u = rng.uniform();
                const double w = rng.uniform();
                const double xd = std::floor(std::pow(u, -1.0 / (param - 1.0)));
                const double t = std::pow(1.0 + 1.0 / xd, param - 1.0);
                if (w * xd * (t - 1.0) / (b - 1.0) <= t / b && xd <= double(n)) {
                    x = int64_t(xd);
                    break;
                }
            }
        }
        *out = Value::integer(min - 1 + x);
        return true;
    }

    // A pseudorandom bijection of [0, size): an invertible mix on the enclosing power of two,
    // cycle-walked into range. Same contract as pgbench's permute() (every value once per seed);
    // not the same sequence.
    bool permute(const Value* v, int argc, Value* out)
    {
        int64_t value = 0, size = 0, seed = ctx.defaultSeed;
        if (!toInt(v[0], &value) || !toInt(v[1], &size) || (argc > 2 && !toInt(v[2], &seed)))
            return false;
        if (size <= 0)
            return fail("permute size parameter must be greater than zero");
        uint64_t x = uint64_t(((value % size) + size) % size);
        if (size == 1) {
            *out = Value::integer(0);
            return true;
        }
        int bits = 64 - __builtin_clzll(uint64_t(size - 1));
        const uint64_t mask = bits >= 64 ? ~0ULL : (1ULL << bits) - 1;
        const int half = bits > 1 ? bits / 2 : 1;
        uint64_t s = uint64_t(seed);
        const uint64_t m1 = (splitmix(&s) | 1) & mask, a1 = splitmix(&s) & mask;
        const uint64_t m2 = (splitmix(&s) | 1) & mask, a2 = splitmix(&s) & mask;
        do {
            x = ((x * (m1 | 1)) + a1) & mask; // odd multiplier: invertible mod 2^bits
            x ^= x >> half; // invertible xorshift
            x = ((x * (m2 | 1)) + a2) & mask;
            x ^= x >> half;
        } while (x >= uint64_t(size));
        *out = Value::integer(int64_t(x));
        return true;
    }
};

} // namespace

bool evaluate(const Expr& expr, EvalContext& ctx, Value* out)
{
    if (!expr.valid())
        return false;
    Evaluator e {expr, ctx};
    return e.eval(expr.root, out);
}

} // namespace vigil::loadtest
