// libFuzzer target for the SQL shape extraction: arbitrary bytes, read as UTF-8 the way texts from
// pg_stat_statements are, must never crash analyze() or statementType(), and both must agree.
#include "analysis/sqlshape.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace vigil::analysis;
    const QString sql = QString::fromUtf8(reinterpret_cast<const char*>(data), qsizetype(size));
    const SqlShape shape = analyze(sql);
    // Invariants a crash report is worth: statementType() promises the same rules without the walk,
    // a failure always says why, and an error position points into the text (or just past it).
    if (statementType(sql) != shape.type)
        std::abort();
    if (!shape.ok && shape.error.isEmpty())
        std::abort();
    if (shape.errorPosition < 0 || shape.errorPosition > sql.size() + 1)
        std::abort();
    if (shape.ok && shape.statementCount < 1)
        std::abort();
    return 0;
}
