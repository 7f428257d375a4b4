#pragma once

#include "drills/drillresult.h"

#include <QDateTime>
#include <QList>
#include <QString>

namespace vigil::store {

class LocalStore;

// One finished drill as the Past drills table lists it; the whole result (steps, probe buckets)
// stays in the store as JSON and is shown again when the row is chosen.
struct DrillRecord
{
    qint64 id = 0;
    QDateTime startedAt;
    QString profile, kind, oldPrimary, newPrimary, abortReason;
    bool ok = false;
    qint64 rtoMs = -1, rpoLostWrites = -1, probeAcknowledged = 0;
    qint64 rtoTargetMs = -1, rpoTargetWrites = -1;
    bool repaired = false;
};

// Finished drills in the local store (table drill_run, LocalStore schema step 4). Written by the
// Drills tab and by `vigil drill`.
class DrillStore
{
public:
    explicit DrillStore(LocalStore* store);

    qint64 save(const QString& profile, const QDateTime& startedAt, const drills::DrillResult& result,
                qint64 rtoTargetMs, qint64 rpoTargetWrites);
    // Newest first.
    QList<DrillRecord> list(const QString& profile, int limit = 200) const;
    // The stored result (empty kind when unknown).
    drills::DrillResult result(qint64 id) const;

private:
    LocalStore* m_store;
};

} // namespace vigil::store
