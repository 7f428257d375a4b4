#include "drillresult.h"

#include <QJsonArray>

#include <algorithm>

namespace vigil::drills {

QJsonObject DrillResult::toJson() const
{
    QJsonArray stepArray;
    for (const DrillStep& s : steps)
        stepArray.append(QJsonObject {{"name", s.name}, {"ok", s.ok()}, {"ms", s.ms}, {"detail", s.detail}});
    QJsonArray buckets;
    for (const ProbeBucket& b : probe)
        buckets.append(QJsonArray {b.atMs, b.acknowledged, b.failed});
    const auto num = [](qint64 v) { return v < 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(v); };
    return QJsonObject {
        {"kind", kind},
        {"ok", ok},
        {"aborted", aborted},
        {"abort_reason", abortReason.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(abortReason)},
        {"next_action", nextAction.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(nextAction)},
        {"old_primary", oldPrimary},
        {"new_primary", newPrimary},
        {"rto_ms", num(rtoMs)},
        {"rpo_lost_writes", num(rpoLostWrites)},
        {"rpo_lost_bytes", num(rpoLostBytes)},
        {"probe_acknowledged", probeAcknowledged},
        {"probe_failed", probeFailed},
        {"steps", stepArray},
        {"probe_per_100ms", buckets},
        {"run_id", runId},
        {"repaired", repaired}};
}

void DrillResult::conclude(const QString& next)
{
    ok = !steps.isEmpty() && std::all_of(steps.begin(), steps.end(), [](const DrillStep& s) { return s.ok(); });
    if (ok)
        return;
    aborted = true;
    abortReason = steps.isEmpty() ? QString() : steps.last().name + QStringLiteral(": ") + steps.last().detail;
    nextAction = next;
}

} // namespace vigil::drills
