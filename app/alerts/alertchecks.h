#pragma once

#include "alertengine.h"
#include "monitor/pgtask.h"

namespace vigil::alerts {

// The figures alert rules need that no other poller reads: INVALID indexes of the watched
// database and pg_stat_archiver. One cheap catalog query per period on the primary.
struct AlertChecksSnapshot : TaskResult
{
    QList<Observation> invalidIndexes; // subject "database.schema.index", value 1, detail: the DROP
    Observation archiver; // subject: the node; 1 while the last failure is newer than the last success
};

class AlertChecksTask final : public PgTask
{
public:
    explicit AlertChecksTask(int periodMs = kPeriodMs)
        : PgTask(periodMs)
    {
    }
    QString name() const override { return QStringLiteral("alertchecks"); }
    std::shared_ptr<TaskResult> run(pg::Connection& conn) override;
    std::shared_ptr<TaskResult> emptyResult() const override { return std::make_shared<AlertChecksSnapshot>(); }

    static constexpr int kPeriodMs = 30000;
};

} // namespace vigil::alerts
