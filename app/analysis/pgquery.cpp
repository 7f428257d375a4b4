#include "pgquery.h"

#include <pg_query.h>

namespace vigil::analysis {

namespace {

// The parser reports a 1-based position in characters (code points), not bytes; a QString counts
// UTF-16 units, so anything outside the BMP shifts the index by one.
int qstringPosition(const QString& sql, int codePoint)
{
    if (codePoint <= 0)
        return 0;
    int seen = 0;
    for (qsizetype i = 0; i < sql.size(); ++i) {
        if (++seen == codePoint)
            return int(i + 1);
        if (sql.at(i).isHighSurrogate() && i + 1 < sql.size() && sql.at(i + 1).isLowSurrogate())
            ++i;
    }
    return int(sql.size() + 1); // "at end of input"
}

class ParseResult
{
public:
    explicit ParseResult(const char* sql)
        : m_result(pg_query_parse(sql))
    {
    }
    ~ParseResult() { pg_query_free_parse_result(m_result); }
    ParseResult(const ParseResult&) = delete;
    ParseResult& operator=(const ParseResult&) = delete;
    const PgQueryParseResult* operator->() const { return &m_result; }

private:
    PgQueryParseResult m_result;
};

} // namespace

ParsedSql parseSql(const QString& sql)
{
    ParsedSql out;
    // The parser takes a C string; an embedded NUL would silently cut the statement short.
    if (const qsizetype nul = sql.indexOf(QChar(0)); nul >= 0) {
        out.errorPosition = int(nul + 1);
        out.error = QStringLiteral("NUL character in statement at position %1").arg(out.errorPosition);
        return out;
    }
    const QByteArray utf8 = sql.toUtf8();
    const ParseResult result(utf8.constData());
    if (result->error) {
        out.error = result->error->message ? QString::fromUtf8(result->error->message) : QStringLiteral("parse error");
        out.errorPosition = qstringPosition(sql, result->error->cursorpos);
        if (out.errorPosition > 0)
            out.error += QStringLiteral(" at position %1").arg(out.errorPosition);
        return out;
    }
    if (!result->parse_tree) {
        out.error = QStringLiteral("parser returned no tree");
        return out;
    }
    out.ok = true;
    out.json = QByteArray(result->parse_tree);
    return out;
}

} // namespace vigil::analysis
