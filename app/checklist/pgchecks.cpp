#include "items.h"

#include "analysis/advice.h"
#include "monitor/statements.h"

#include <QElapsedTimer>
#include <QLocale>

namespace vigil::checklist {

namespace {
// More segments than this waiting for archive_command means the archiver is not keeping up
// (each is 16 MB of WAL the primary cannot recycle).
constexpr qint64 kArchiveBacklogWarn = 16;

QString age(double seconds)
{
    if (seconds < 120)
        return QStringLiteral("%1 s").arg(qint64(seconds));
    if (seconds < 7200)
        return QStringLiteral("%1 min").arg(qint64(seconds / 60));
    return QStringLiteral("%1 h").arg(QLocale::c().toString(seconds / 3600, 'f', 1));
}
} // namespace

// archive_mode off: warn ("archiving off", no point-in-time recovery from an archive). The last
// failure newer than the last success: fail, with its time and WAL (archive_command is failing
// now; WAL piles up in pg_wal until it works). Failures since `since` that were followed by a
// success: warn. A backlog of ready segments: warn. Otherwise ok with the last archived WAL's age.
ChecklistItem archivingItem(pg::Connection& conn, const QDateTime& since)
{
    const QString title = QStringLiteral("WAL archiving");
    const pg::Result r = conn.exec(
        QStringLiteral("/* vigil */ SELECT current_setting('archive_mode') AS mode, archived_count, "
                       "last_archived_wal, last_archived_time::text AS archived_at, failed_count, last_failed_wal, "
                       "last_failed_time::text AS failed_at, "
                       "extract(epoch FROM now() - last_archived_time)::float8 AS archived_age_s, "
                       "coalesce(last_failed_time > coalesce(last_archived_time, '-infinity'), false) AS failing, "
                       "coalesce(last_failed_time >= $1::timestamptz, false) AS failed_since "
                       "FROM pg_stat_archiver"),
        {since.toString(Qt::ISODateWithMs)});
    if (!r.ok() || r.rows() != 1)
        return item("archiving", title, "fail", "unknown", r.errorMessage());
    const qint64 failed = r.toInt64(0, "failed_count");
    const QString last = r.isNull(0, "last_archived_wal")
        ? QStringLiteral("no WAL archived yet")
        : QStringLiteral("last archived %1 at %2 (%3 ago)")
              .arg(r.text(0, "last_archived_wal"), r.text(0, "archived_at"), age(r.toDouble(0, "archived_age_s")));
    const QString failures = QStringLiteral("%1 failures since statistics reset").arg(failed);
    if (r.text(0, "mode") == QLatin1String("off"))
        return item("archiving", title, "warn", "archiving off",
                    QStringLiteral("archive_mode = off: no WAL archive, so no point-in-time recovery from one"));
    if (r.toBool(0, "failing"))
        return item("archiving", title, "fail",
                    QStringLiteral("failing since %1: %2 (%3 failures)")
                        .arg(r.text(0, "failed_at"), r.text(0, "last_failed_wal"))
                        .arg(failed),
                    last + QStringLiteral("; archive_command fails, see the server log; WAL accumulates in pg_wal"));

    // Reading the archive_status directory needs superuser or pg_monitor; without it, no backlog.
    const pg::Result ready = conn.exec(
        QStringLiteral("/* vigil */ SELECT count(*) FROM pg_ls_archive_statusdir() WHERE name LIKE '%.ready'"));
    const qint64 backlog = ready.ok() ? ready.toInt64(0, 0) : -1;
    QString status = QStringLiteral("ok");
    QString detail = failures;
    if (r.toBool(0, "failed_since")) {
        status = QStringLiteral("warn");
        detail += QStringLiteral("; last failure %1 (%2), archived since")
                      .arg(r.text(0, "failed_at"), r.text(0, "last_failed_wal"));
    }
    if (backlog > kArchiveBacklogWarn)
        status = QStringLiteral("warn");
    if (backlog >= 0)
        detail += QStringLiteral("; %1 segments waiting to be archived").arg(backlog);
    return item("archiving", title, status, last, detail);
}

// An index left INVALID by a failed CREATE INDEX CONCURRENTLY is maintained on every write but
// never used: fail, with the statement that removes it. Indexes being built right now are
// invalid too until the build ends, so those are left out.
ChecklistItem invalidIndexesItem(pg::Connection& conn)
{
    const QString title = QStringLiteral("Invalid indexes");
    const pg::Result r = conn.exec(QStringLiteral(
        "/* vigil */ SELECT n.nspname, c.relname, t.relname AS tablename FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT i.indisvalid "
        "AND NOT EXISTS (SELECT 1 FROM pg_stat_progress_create_index p WHERE p.index_relid = i.indexrelid) "
        "ORDER BY 1, 2"));
    if (!r.ok())
        return item("invalid_indexes", title, "fail", "unknown", r.errorMessage());
    QStringList lines;
    for (int i = 0; i < r.rows(); ++i)
        lines << QStringLiteral("on %1: DROP INDEX CONCURRENTLY %2.%3;")
                     .arg(r.text(i, "tablename"), conn.quoteIdent(r.text(i, "nspname")),
                          conn.quoteIdent(r.text(i, "relname")));
    return item("invalid_indexes", title, r.rows() > 0 ? "fail" : "ok",
                QStringLiteral("%1 invalid indexes in %2").arg(r.rows()).arg(QString::fromUtf8(PQdb(conn.raw()))),
                lines.join('\n'));
}

// The advisor's INDEX recommendations: a HIGH one (a large share of the workload's cost) warns;
// the rest are information. The advisor is stopped after `budgetMs` (a warn: advice incomplete).
ChecklistItem recommendationsItem(pg::Connection& conn, int budgetMs, const std::atomic_bool* stop)
{
    const QString title = QStringLiteral("Top index recommendations");
    StatementsTask statements;
    const auto snap = std::static_pointer_cast<StatementsSnapshot>(statements.run(conn));
    if (!snap->ok)
        return item("recommendations", title, "warn", "not available", snap->error);
    std::atomic_bool cancel {false};
    QElapsedTimer clock;
    clock.start();
    const analysis::Advice advice = analysis::advise(conn, snap->entries, &cancel, [&](int, int) {
        if (clock.elapsed() > budgetMs || (stop && *stop))
            cancel = true;
    });
    if (!advice.ok)
        return item("recommendations", title, "warn",
                    cancel ? QStringLiteral("stopped after %1 s").arg(budgetMs / 1000)
                           : QStringLiteral("not available"),
                    cancel ? QStringLiteral("run `vigil advise` for the full analysis") : advice.error);
    int indexes = 0, high = 0;
    QStringList lines;
    for (const analysis::IndexRecommendation& rec : advice.recommendations) {
        if (rec.type != QLatin1String("INDEX"))
            continue;
        ++indexes;
        high += rec.priority == QLatin1String("HIGH");
        if (lines.size() < 3)
            lines << QStringLiteral("[%1] %2 (%3): -%4 % cost  %5")
                         .arg(rec.priority, rec.table, rec.columns.join(QStringLiteral(", ")))
                         .arg(QLocale::c().toString(rec.estimatedImprovementPct, 'f', 0), rec.sql);
    }
    return item("recommendations", title, high > 0 ? "warn" : "ok",
                QStringLiteral("%1 index recommendations (%2 HIGH), %3 other findings, %4 statements analysed in %5 ms")
                    .arg(indexes)
                    .arg(high)
                    .arg(advice.recommendations.size() - indexes)
                    .arg(advice.statementsAnalyzed)
                    .arg(advice.elapsedMs),
                lines.join('\n'));
}

} // namespace vigil::checklist
