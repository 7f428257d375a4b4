#pragma once

#include <QByteArray>
#include <QString>

namespace vigil::analysis {

// One pg_query_parse() call with the C result already freed: either the parse tree as libpg_query's
// JSON (PG15 node shapes) or the parser's error.
struct ParsedSql
{
    bool ok = false;
    QByteArray json;
    QString error; // message with " at position N" when the parser knows where
    int errorPosition = 0; // 1-based index into the QString passed in, 0 when unknown
};

// Thread-safe: libpg_query keeps its memory contexts per thread.
ParsedSql parseSql(const QString& sql);

} // namespace vigil::analysis
