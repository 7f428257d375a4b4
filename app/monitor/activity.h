#pragma once

#include "pgtask.h"

#include <QDateTime>
#include <QList>

namespace vigil {

// One statement running longer than the slow threshold, as pg_stat_activity shows it.
struct RunningStatement
{
    int pid = 0;
    QString database, user, application, client, state, waitEventType, waitEvent, query, backendType;
    QDateTime queryStart;
    double durationMs = 0;
    QList<int> blockedBy; // pg_blocking_pids
    qint64 queryId = 0; // pg_stat_activity.query_id (PostgreSQL 14+ with compute_query_id)
};

struct ActivitySnapshot : TaskResult
{
    int thresholdMs = 1000;
    QList<RunningStatement> running; // oldest first
};

// Polls pg_stat_activity for active client statements over the threshold, Vigil's own excluded.
class ActivityTask final : public PgTask
{
public:
    explicit ActivityTask(int thresholdMs = 1000, int periodMs = 1000)
        : PgTask(periodMs)
        , m_thresholdMs(thresholdMs)
    {
    }
    QString name() const override { return QStringLiteral("activity"); }
    std::shared_ptr<TaskResult> run(pg::Connection& conn) override;
    std::shared_ptr<TaskResult> emptyResult() const override { return std::make_shared<ActivitySnapshot>(); }
    void setThresholdMs(int ms) { m_thresholdMs.store(std::max(1, ms)); }
    int thresholdMs() const { return m_thresholdMs.load(); }

private:
    std::atomic_int m_thresholdMs;
};

} // namespace vigil
