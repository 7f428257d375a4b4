#include "alertchecks.h"

#include "pg/pgconnection.h"

#include <QDateTime>

namespace vigil::alerts {

std::shared_ptr<TaskResult> AlertChecksTask::run(pg::Connection& conn)
{
    auto out = std::make_shared<AlertChecksSnapshot>();
    out->sampledAt = QDateTime::currentDateTimeUtc();
    // Indexes being built right now are INVALID until the build ends: left out. The archiver row
    // rides along on every index row (and alone when there is none) to keep it one round trip.
    const pg::Result r = conn.exec(QStringLiteral(
        "/* vigil */ WITH a AS (SELECT coalesce(last_failed_time > coalesce(last_archived_time, '-infinity'), false) "
        "AS failing, last_failed_wal, last_failed_time::text AS failed_at, failed_count, "
        "current_setting('archive_mode') AS mode FROM pg_stat_archiver), "
        "i AS (SELECT n.nspname, c.relname, t.relname AS tablename FROM pg_index x "
        "JOIN pg_class c ON c.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT x.indisvalid "
        "AND NOT EXISTS (SELECT 1 FROM pg_stat_progress_create_index p WHERE p.index_relid = x.indexrelid)) "
        "SELECT a.*, i.nspname, i.relname, i.tablename, current_database() AS db FROM a LEFT JOIN i ON true "
        "ORDER BY i.nspname, i.relname"));
    if (!r.ok()) {
        out->error = r.errorMessage();
        return out;
    }
    const QString db = r.rows() > 0 ? r.text(0, "db") : QString();
    for (int i = 0; i < r.rows(); ++i) {
        if (r.isNull(i, "relname"))
            continue;
        const QString schema = r.text(i, "nspname"), index = r.text(i, "relname");
        out->invalidIndexes.append({db + QLatin1Char('.') + schema + QLatin1Char('.') + index, 1.0,
                                    QStringLiteral("on %1: DROP INDEX CONCURRENTLY %2.%3;")
                                        .arg(r.text(i, "tablename"), conn.quoteIdent(schema), conn.quoteIdent(index))});
    }
    if (r.rows() > 0) {
        const bool failing = r.toBool(0, "failing");
        out->archiver.value = failing ? 1.0 : 0.0;
        out->archiver.detail = failing ? QStringLiteral("archive_command failing since %1 on %2 (%3 failures)")
                                             .arg(r.text(0, "failed_at"), r.text(0, "last_failed_wal"))
                                             .arg(r.toInt64(0, "failed_count"))
                                       : QStringLiteral("archive_mode %1").arg(r.text(0, "mode"));
    }
    out->ok = true;
    return out;
}

} // namespace vigil::alerts
