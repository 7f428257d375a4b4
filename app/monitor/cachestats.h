#pragma once

#include "pgtask.h"

#include <QHash>
#include <QList>

namespace vigil {

// Buffer-cache effectiveness of one relation or database: lifetime and over the last interval.
struct CacheRow
{
    QString name; // database, table or index
    QString table; // for an index: its table
    qint64 hit = 0, read = 0; // blocks found in shared buffers / read from the OS
    double hitPct = kNoValue; // lifetime
    double intervalHitPct = kNoValue; // since the previous poll; NaN when nothing was accessed
    double readsPerSec = kNoValue; // blocks read from outside shared buffers, per second
};

struct CacheSnapshot : TaskResult
{
    QList<CacheRow> databases;
    QList<CacheRow> tables; // busiest first (by blocks accessed)
    QList<CacheRow> indexes;
    QString currentDatabase;
};

// pg_stat_database and pg_statio_user_tables / _indexes of the connected database.
class CacheStatsTask final : public PgTask
{
public:
    explicit CacheStatsTask(int periodMs = 5000)
        : PgTask(periodMs)
    {
    }
    QString name() const override { return QStringLiteral("cache"); }
    std::shared_ptr<TaskResult> run(pg::Connection& conn) override;
    std::shared_ptr<TaskResult> emptyResult() const override { return std::make_shared<CacheSnapshot>(); }
    void reset() override
    {
        m_prev.clear();
        m_prevNs = 0;
    }

private:
    QHash<QString, std::pair<qint64, qint64>> m_prev; // "kind/name" -> (hit, read)
    qint64 m_prevNs = 0;
};

} // namespace vigil
