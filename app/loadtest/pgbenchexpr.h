#pragma once

// pgbench's expression language (the right-hand side of \set, \if and \elif), with PostgreSQL 15's
// semantics: integer arithmetic stays integer (and errors on overflow), a double anywhere makes
// the operation double, comparisons give booleans, NULL propagates through functions, AND/OR/CASE
// evaluate lazily. Parsed once into a flat node array; evaluated per transaction without
// allocating (only an error message allocates).
#include <cstdint>
#include <string>
#include <vector>

namespace vigil::loadtest {

struct Value
{
    enum class Type : uint8_t { Null, Bool, Int, Double };
    Type type = Type::Null;
    bool b = false;
    int64_t i = 0;
    double d = 0;

    static Value null() { return {}; }
    static Value boolean(bool v) { return {Type::Bool, v, 0, 0}; }
    static Value integer(int64_t v) { return {Type::Int, false, v, 0}; }
    static Value real(double v) { return {Type::Double, false, 0, v}; }
};

// xoshiro256** seeded with splitmix64: one per virtual user, so users never share a lock or a
// sequence (pgbench gives each client its own pg_prng state for the same reason).
class Rng
{
public:
    explicit Rng(uint64_t seed = 0) { reseed(seed); }
    void reseed(uint64_t seed);
    uint64_t next();
    // Uniform in [0, 1).
    double uniform() { return double(next() >> 11) * 0x1.0p-53; }
    // Uniform in [min, max], both included; min <= max.
    int64_t between(int64_t min, int64_t max);

private:
    uint64_t m_s[4] {};
};

enum class Func : uint8_t {
    // operators
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    BitAnd,
    BitOr,
    BitXor,
    Lshift,
    Rshift,
    Not,
    Is,
    And,
    Or,
    Case,
    // functions
    Abs,
    Debug,
    Double,
    Exp,
    Greatest,
    Hash,
    HashFnv1a,
    HashMurmur2,
    Int,
    Least,
    Ln,
    ModFn,
    Permute,
    Pi,
    Pow,
    Random,
    RandomExponential,
    RandomGaussian,
    RandomZipfian,
    Sqrt
};

struct ExprNode
{
    enum class Kind : uint8_t { Constant, Variable, Call };
    Kind kind = Kind::Constant;
    Func func = Func::Add;
    Value constant;
    int variable = -1; // slot in the script's variable table
    int firstArg = 0; // index into Expr::args
    int argCount = 0;
};

struct Expr
{
    std::vector<ExprNode> nodes;
    std::vector<int> args; // node indices, per call contiguous
    int root = -1;
    bool valid() const { return root >= 0; }
};

// Names known to a script: index = slot. The parser adds every name it sees.
class VariableTable
{
public:
    int slot(const std::string& name); // adds when missing
    int find(const std::string& name) const; // -1 when missing
    const std::string& name(int slot) const { return m_names[size_t(slot)]; }
    int size() const { return int(m_names.size()); }

private:
    std::vector<std::string> m_names;
};

// Parses `text`; on failure returns an invalid Expr and a message saying where in the expression.
Expr parseExpression(const std::string& text, VariableTable* variables, std::string* error);

struct EvalContext
{
    const Value* variables = nullptr;
    const uint8_t* defined = nullptr; // per slot: 1 once set
    const VariableTable* names = nullptr;
    Rng* rng = nullptr;
    int64_t defaultSeed = 0;
    std::string* error = nullptr;
};

// False with *ctx.error set on a run-time error (division by zero, overflow, bad random range,
// undefined variable): pgbench aborts the client in that case.
bool evaluate(const Expr& expr, EvalContext& ctx, Value* out);

// pgbench's truth of a value for \if, CASE: NULL false, numbers true unless zero.
bool truth(const Value& v);
// The value as pgbench puts it into SQL (integers exactly, doubles with 15 significant digits).
// Writes at most `size` bytes including the terminating NUL; returns the length.
int formatValue(const Value& v, char* buffer, int size);

// pgbench's hash functions (same constants, so scripts that partition by hash match pgbench's).
int64_t hashFnv1a(int64_t value, uint64_t seed);
int64_t hashMurmur2(int64_t value, uint64_t seed);

} // namespace vigil::loadtest
