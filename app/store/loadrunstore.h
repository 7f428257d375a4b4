#pragma once

#include "loadtest/loadresult.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace vigil::store {

class LocalStore;

// The summary of one finished load run, as the Past runs table and the baseline comparison need
// it; the whole result (per-second series, per statement) stays in the store as JSON.
struct LoadRunRecord
{
    qint64 id = 0;
    QDateTime startedAt;
    QString profile, target, scenario, workload, stopReason;
    int users = 0;
    double durationSec = 0;
    qint64 requests = 0, errors = 0;
    double tps = 0, avgMs = 0, p50Ms = 0, p95Ms = 0, p99Ms = 0;

    double successPct() const
    {
        const qint64 all = requests + errors;
        return all > 0 ? 100.0 * double(requests) / double(all) : 0;
    }
    static LoadRunRecord fromResult(const loadtest::RunResult& r);
};

// Finished load runs in the local store (table load_run, LocalStore schema step 4), so a run can
// be compared with one made before a restart.
class LoadRunStore
{
public:
    explicit LoadRunStore(LocalStore* store);

    // Saves the run; returns its id (> 0) or -1 on a store error.
    qint64 save(const QString& profile, const QDateTime& startedAt, const loadtest::RunResult& r);
    // Newest first.
    QList<LoadRunRecord> list(const QString& profile, int limit = 200) const;
    // The stored resultToJson() of a run (empty when unknown).
    QJsonObject resultJson(qint64 id) const;
    bool remove(qint64 id);

private:
    LocalStore* m_store;
};

} // namespace vigil::store
