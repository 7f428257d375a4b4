#include "indexusage.h"

#include "monitor/pgpoller.h"

#include <QLocale>

namespace vigil::analysis {

QList<IndexFinding> findIndexFindings(pg::Connection& conn, QString* error)
{
    const pg::Result r = conn.exec(bundledSql(QStringLiteral("index_usage.sql")));
    if (!r.ok()) {
        *error = r.errorMessage();
        return {};
    }
    const QLocale loc = QLocale::c();
    QList<IndexFinding> out;
    for (int i = 0; i < r.rows(); ++i) {
        IndexFinding f;
        f.type = r.text(i, "type");
        f.schema = r.text(i, "schema");
        f.table = r.text(i, "tbl");
        f.index = r.text(i, "name");
        f.columns = r.text(i, "cols").split(QLatin1Char(','), Qt::SkipEmptyParts);
        f.sizeBytes = r.toInt64(i, "size");
        f.coveredBy = r.text(i, "covered_by");
        f.statsSince = r.text(i, "since");
        f.sql = QStringLiteral("DROP INDEX CONCURRENTLY IF EXISTS %1.%2")
                    .arg(conn.quoteIdent(f.schema), conn.quoteIdent(f.index));
        const QString size = loc.formattedDataSize(f.sizeBytes);
        if (f.type == QLatin1String("UNUSED_INDEX"))
            f.reason = QStringLiteral("%1 on %2 (%3) has not been scanned %4; it costs %5 and slows every write")
                           .arg(f.index, f.table, f.columns.join(QStringLiteral(", ")),
                                f.statsSince.isEmpty() ? QStringLiteral("since the statistics began")
                                                       : QStringLiteral("since %1").arg(f.statsSince),
                                size);
        else
            f.reason = QStringLiteral("%1 on %2 (%3) is a leading prefix of %4, which serves the same lookups; it "
                                      "costs %5")
                           .arg(f.index, f.table, f.columns.join(QStringLiteral(", ")), f.coveredBy, size);
        out.append(f);
    }
    return out;
}

} // namespace vigil::analysis
