#include "pgbenchscript.h"

#include <cctype>
#include <map>
#include <set>

namespace vigil::loadtest {

namespace {

std::string trim(const std::string& s)
{
    size_t a = 0, b = s.size();
    while (a < b && std::isspace(static_cast<unsigned char>(s[a])))
        ++a;
    while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1])))
        --b;
    return s.substr(a, b - a);
}

bool isIdentChar(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

struct OpenIf
{
    int line = 0;
    int pendingFalseJump = -1; // JumpIfFalse whose target is the next branch
    std::vector<int> endJumps; // Jumps to after \endif
    bool seenElse = false;
};

class ScriptParser
{
public:
    ScriptParser(const std::string& name, Script* out)
        : m_out(out)
    {
        out->name = name;
        out->scaleSlot = out->variables.slot("scale");
        out->clientIdSlot = out->variables.slot("client_id");
        out->defaultSeedSlot = out->variables.slot("default_seed");
        out->randomSeedSlot = out->variables.slot("random_seed");
        for (int s : {out->scaleSlot, out->clientIdSlot, out->defaultSeedSlot, out->randomSeedSlot})
            m_assigned.insert(s);
    }

    bool parse(const std::string& text, std::string* error)
    {
        // Split into lines, keeping numbers.
        std::vector<std::string> lines;
        size_t start = 0;
        while (start <= text.size()) {
            size_t end = text.find('\n', start);
            if (end == std::string::npos)
                end = text.size();
            std::string l = text.substr(start, end - start);
            if (!l.empty() && l.back() == '\r')
                l.pop_back();
            lines.push_back(l);
            start = end + 1;
        }
        for (size_t i = 0; i < lines.size() && m_error.empty(); ++i) {
            const int lineNo = int(i) + 1;
            const std::string t = trim(lines[i]);
            if (m_quote == 0 && !t.empty() && t[0] == '\\') {
                // A meta command; a trailing backslash continues it on the next line.
                std::string meta = t;
                while (!meta.empty() && meta.back() == '\\' && i + 1 < lines.size()) {
                    meta.pop_back();
                    meta += ' ' + trim(lines[++i]);
                }
                if (!trim(m_sql).empty()) {
                    const std::string word = meta.substr(1, meta.find_first_of(" \t") - 1);
                    if (word == "gset" || word == "aset") {
                        fail(lineNo, "\\" + word + " is not supported by Vigil's engine yet");
                        break;
                    }
                    finishSql(); // pgbench ends an unterminated SQL command at a meta command too
                }
                meta_(meta, lineNo);
                continue;
            }
            scanSqlLine(lines[i], lineNo);
        }
        if (m_error.empty() && !trim(m_sql).empty())
            finishSql();
        if (m_error.empty() && !m_ifs.empty())
            fail(m_ifs.back().line, "\\if without a matching \\endif");
        if (m_error.empty() && m_quote != 0)
            fail(m_sqlLine, "unterminated quoted string or comment");
        if (m_error.empty())
            resolveSql();
        if (m_error.empty()) {
            for (const auto& [slot, line] : m_firstUse)
                if (!m_assigned.count(slot)) {
                    fail(line, "undefined variable \"" + m_out->variables.name(slot) + "\" (never set by \\set)");
                    break;
                }
        }
        if (m_error.empty() && m_out->commands.empty())
            fail(1, "the script has no commands");
        if (!m_error.empty()) {
            *error = m_error;
            return false;
        }
        return true;
    }

private:
    void fail(int line, const std::string& message)
    {
        if (m_error.empty())
            m_error = m_out->name + ":" + std::to_string(line) + ": " + message;
    }

    // SQL text, possibly spanning lines; a ';' outside quotes and comments ends a command.
    void scanSqlLine(const std::string& line, int lineNo)
    {
        if (trim(m_sql).empty() && m_quote == 0)
            m_sqlLine = lineNo;
        for (size_t p = 0; p < line.size(); ++p) {
            const char c = line[p];
            const char n = p + 1 < line.size() ? line[p + 1] : 0;
            if (m_quote == '*') { // block comment
                if (c == '*' && n == '/') {
                    m_quote = 0;
                    ++p;
                }
                continue;
            }
            if (m_quote == '$') {
                if (line.compare(p, m_dollarTag.size(), m_dollarTag) == 0) {
                    m_sql += m_dollarTag;
                    p += m_dollarTag.size() - 1;
                    m_quote = 0;
                } else {
                    m_sql += c;
                }
                continue;
            }
            if (m_quote) {
                m_sql += c;
                if (c == m_quote)
                    m_quote = 0; // '' and "" re-open immediately on the next char
                continue;
            }
            if (c == '-' && n == '-')
                break; // comment to end of line
            if (c == '/' && n == '*') {
                m_quote = '*';
                ++p;
                continue;
            }
            if (c == '\'' || c == '"') {
                m_quote = c;
                m_sql += c;
                continue;
            }
            if (c == '$') {
                size_t q = p + 1;
                while (q < line.size() && isIdentChar(line[q])
                       && !std::isdigit(static_cast<unsigned char>(line[p + 1])))
                    ++q;
                if (q < line.size() && line[q] == '$' && (p == 0 || !isIdentChar(line[p - 1]))) {
                    m_dollarTag = line.substr(p, q - p + 1);
                    m_sql += m_dollarTag;
                    m_quote = '$';
                    p = q;
                    continue;
                }
            }
            if (c == '\\' && std::isalpha(static_cast<unsigned char>(n))) {
                size_t q = p + 1;
                while (q < line.size() && std::isalpha(static_cast<unsigned char>(line[q])))
                    ++q;
                const std::string word = line.substr(p + 1, q - p - 1);
                fail(lineNo,
                     word == "gset" || word == "aset" ? "\\" + word + " is not supported by Vigil's engine yet"
                                                      : "a meta command must start its own line (\\" + word + ")");
                return;
            }
            if (c == '\\' && n == ';') {
                m_sql += ';'; // "\;" keeps several statements in one command
                ++p;
                continue;
            }
            if (c == ';') {
                finishSql();
                m_sqlLine = lineNo;
                continue;
            }
            if (trim(m_sql).empty() && !std::isspace(static_cast<unsigned char>(c)))
                m_sqlLine = lineNo;
            m_sql += c;
        }
        m_sql += '\n';
    }

    void finishSql()
    {
        const std::string sql = trim(m_sql);
        m_sql.clear();
        if (sql.empty())
            return;
        ScriptCommand c;
        c.kind = ScriptCommand::Kind::Sql;
        c.line = m_sqlLine;
        c.sql = sql;
        c.sqlIndex = m_out->sqlCount++;
        m_out->commands.push_back(std::move(c));
    }

    // After the whole file: \set may come after a use (in the next run of the script), so :name
    // is a parameter when the name is a variable anywhere; other :words stay as written, as in
    // pgbench (array slices, psql-style text).
    void resolveSql()
    {
        for (ScriptCommand& c : m_out->commands) {
            if (c.kind != ScriptCommand::Kind::Sql)
                continue;
            std::string literal;
            char quote = 0;
            const std::string& s = c.sql;
            for (size_t p = 0; p < s.size(); ++p) {
                const char ch = s[p];
                if (quote) {
                    literal += ch;
                    c.preparedSql += ch;
                    if (ch == quote)
                        quote = 0;
                    continue;
                }
                if (ch == '\'' || ch == '"') {
                    quote = ch;
                } else if (ch == ':' && p + 1 < s.size() && s[p + 1] == ':') {
                    literal += "::";
                    c.preparedSql += "::";
                    ++p;
                    continue;
                } else if (ch == ':' && p + 1 < s.size() && isIdentChar(s[p + 1])) {
                    size_t q = p + 1;
                    while (q < s.size() && isIdentChar(s[q]))
                        ++q;
                    const std::string name = s.substr(p + 1, q - p - 1);
                    const int slot = m_out->variables.find(name);
                    if (slot >= 0 && m_assigned.count(slot)) {
                        c.paramSlots.push_back(slot);
                        c.preparedSql += '$' + std::to_string(c.paramSlots.size());
                        c.literals.push_back(literal);
                        literal.clear();
                        if (slot == m_out->scaleSlot)
                            m_out->usesScale = true;
                        p = q - 1;
                        continue;
                    }
                }
                literal += ch;
                c.preparedSql += ch;
            }
            c.literals.push_back(literal);
        }
    }

    bool expression(const std::string& text, int line, Expr* out)
    {
        std::string error;
        *out = parseExpression(text, &m_out->variables, &error);
        if (!out->valid()) {
            fail(line, "syntax error in expression \"" + text + "\": " + error);
            return false;
        }
        for (const ExprNode& n : out->nodes)
            if (n.kind == ExprNode::Kind::Variable) {
                m_firstUse.emplace(n.variable, line);
                if (n.variable == m_out->scaleSlot)
                    m_out->usesScale = true;
            }
        return true;
    }

    int emit(ScriptCommand c)
    {
        m_out->commands.push_back(std::move(c));
        return int(m_out->commands.size()) - 1;
    }

    void meta_(const std::string& meta, int line)
    {
        size_t wordEnd = 1;
        while (wordEnd < meta.size() && !std::isspace(static_cast<unsigned char>(meta[wordEnd])))
            ++wordEnd;
        const std::string word = meta.substr(1, wordEnd - 1);
        const std::string rest = trim(meta.substr(wordEnd));
        auto& cmds = m_out->commands;
        const int next = int(cmds.size());
        ScriptCommand c;
        c.line = line;
        if (word == "set") {
            size_t nameEnd = 0;
            while (nameEnd < rest.size() && isIdentChar(rest[nameEnd]))
                ++nameEnd;
            if (nameEnd == 0) {
                fail(line, "\\set needs a variable name and an expression");
                return;
            }
            const std::string exprText = trim(rest.substr(nameEnd));
            if (exprText.empty()) {
                fail(line, "\\set " + rest.substr(0, nameEnd) + " needs an expression");
                return;
            }
            c.kind = ScriptCommand::Kind::Set;
            if (!expression(exprText, line, &c.expr))
                return;
            c.variable = m_out->variables.slot(rest.substr(0, nameEnd));
            m_assigned.insert(c.variable);
            emit(std::move(c));
        } else if (word == "sleep") {
            std::string amount = rest, unit = "s";
            const size_t space = rest.find_first_of(" \t");
            if (space != std::string::npos) {
                amount = rest.substr(0, space);
                unit = trim(rest.substr(space));
            }
            if (amount.empty()) {
                fail(line, "\\sleep needs a duration");
                return;
            }
            if (unit == "us")
                c.unitUs = 1;
            else if (unit == "ms")
                c.unitUs = 1000;
            else if (unit == "s")
                c.unitUs = 1000000;
            else {
                fail(line, "\\sleep unit must be us, ms or s, not \"" + unit + "\"");
                return;
            }
            if (amount[0] != ':' && !std::isdigit(static_cast<unsigned char>(amount[0]))) {
                fail(line, "\\sleep takes an integer or a :variable, not \"" + amount + "\"");
                return;
            }
            c.kind = ScriptCommand::Kind::Sleep;
            if (!expression(amount, line, &c.expr))
                return;
            emit(std::move(c));
        } else if (word == "if") {
            c.kind = ScriptCommand::Kind::JumpIfFalse;
            if (rest.empty()) {
                fail(line, "\\if needs a condition");
                return;
            }
            if (!expression(rest, line, &c.expr))
                return;
            OpenIf open;
            open.line = line;
            open.pendingFalseJump = emit(std::move(c));
            m_ifs.push_back(open);
        } else if (word == "elif") {
            if (m_ifs.empty()) {
                fail(line, "\\elif without a matching \\if");
                return;
            }
            OpenIf& open = m_ifs.back();
            if (open.seenElse) {
                fail(line, "\\elif after \\else");
                return;
            }
            if (rest.empty()) {
                fail(line, "\\elif needs a condition");
                return;
            }
            ScriptCommand jump;
            jump.kind = ScriptCommand::Kind::Jump;
            jump.line = line;
            open.endJumps.push_back(emit(std::move(jump)));
            cmds[size_t(open.pendingFalseJump)].target = next + 1;
            c.kind = ScriptCommand::Kind::JumpIfFalse;
            if (!expression(rest, line, &c.expr))
                return;
            open.pendingFalseJump = emit(std::move(c));
        } else if (word == "else") {
            if (m_ifs.empty()) {
                fail(line, "\\else without a matching \\if");
                return;
            }
            OpenIf& open = m_ifs.back();
            if (open.seenElse) {
                fail(line, "\\else after \\else");
                return;
            }
            c.kind = ScriptCommand::Kind::Jump;
            open.endJumps.push_back(emit(std::move(c)));
            cmds[size_t(open.pendingFalseJump)].target = next + 1;
            open.pendingFalseJump = -1;
            open.seenElse = true;
        } else if (word == "endif") {
            if (m_ifs.empty()) {
                fail(line, "\\endif without a matching \\if");
                return;
            }
            OpenIf& open = m_ifs.back();
            if (open.pendingFalseJump >= 0)
                cmds[size_t(open.pendingFalseJump)].target = next;
            for (int j : open.endJumps)
                cmds[size_t(j)].target = next;
            m_ifs.pop_back();
        } else if (word.empty()) {
            fail(line, "a lone backslash");
        } else {
            fail(line,
                 "unsupported meta command \\" + word + " (Vigil runs \\set, \\sleep, \\if, \\elif, \\else, \\endif)");
        }
    }

    Script* m_out;
    std::string m_error;
    std::string m_sql;
    int m_sqlLine = 1;
    char m_quote = 0; // ' " * (block comment) $ (dollar quote)
    std::string m_dollarTag;
    std::vector<OpenIf> m_ifs;
    std::set<int> m_assigned;
    std::map<int, int> m_firstUse; // slot -> line
};

} // namespace

bool parseScript(const std::string& text, const std::string& name, Script* out, std::string* error)
{
    *out = Script {};
    ScriptParser p(name, out);
    return p.parse(text, error);
}

} // namespace vigil::loadtest
