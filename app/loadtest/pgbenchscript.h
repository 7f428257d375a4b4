#pragma once

// A pgbench custom script (pgbench -f), compiled for the load engine: SQL commands with :variables
// turned into $n parameters (or text substitution for the simple protocol), \set expressions,
// \sleep, and \if/\elif/\else/\endif lowered to jumps, so a virtual user runs a flat command list.
// Supported as in PostgreSQL 15: comments (--, /* */), SQL spread over lines up to ";",
// "\;" to send several statements in one command, backslash-newline continuation of meta commands.
// Not supported (a parse error with the line): \gset, \aset, \shell, \setshell, pipelines.
#include "pgbenchexpr.h"

#include <string>
#include <vector>

namespace vigil::loadtest {

struct ScriptCommand
{
    enum class Kind : uint8_t {
        Sql,
        Set, // variable = expr
        Sleep, // expr (or constant) times unitUs microseconds
        JumpIfFalse, // \if / \elif: evaluate expr, go to target when false
        Jump, // end of an \if branch: go to target (after \endif)
    };
    Kind kind = Kind::Sql;
    int line = 0; // 1-based line in the file, for errors at run time too
    // Sql
    std::string sql; // as written (without the trailing ';')
    std::string preparedSql; // :var replaced by $1, $2 ...
    std::vector<int> paramSlots; // variable slot of $1, $2 ...
    // The text split at :var for the simple protocol: literal[0] var[0] literal[1] ... literal[n].
    std::vector<std::string> literals;
    int sqlIndex = -1; // index among the script's SQL commands (statement name, per-statement stats)
    // Set / Sleep / JumpIfFalse
    int variable = -1;
    Expr expr;
    int64_t unitUs = 1000000;
    int target = -1;
};

struct Script
{
    std::string name; // file name or built-in name, for messages
    std::vector<ScriptCommand> commands;
    VariableTable variables;
    int sqlCount = 0;
    bool usesScale = false;
    // Predefined slots (always present): scale, client_id, default_seed, random_seed.
    int scaleSlot = -1, clientIdSlot = -1, defaultSeedSlot = -1, randomSeedSlot = -1;
};

// Parses a script. On failure returns false and sets *error to "NAME:LINE: message".
bool parseScript(const std::string& text, const std::string& name, Script* out, std::string* error);

} // namespace vigil::loadtest
