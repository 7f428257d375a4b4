#include "drillresult.h"

#include <QJsonArray>

#include <algorithm>

namespace vigil::drills {

namespace {

QString stateName(DrillStep::State s)
{
    switch (s) {
    case DrillStep::State::Pending:
        return QStringLiteral("pending");
    case DrillStep::State::Running:
        return QStringLiteral("running");
    case DrillStep::State::Ok:
        return QStringLiteral("ok");
    case DrillStep::State::Failed:
        return QStringLiteral("failed");
    case DrillStep::State::Skipped:
        return QStringLiteral("skipped");
    }
    return {};
}

DrillStep::State stateFromName(const QString& name, DrillStep::State fallback)
{
    for (auto s : {DrillStep::State::Pending, DrillStep::State::Running, DrillStep::State::Ok, DrillStep::State::Failed,
                   DrillStep::State::Skipped})
        if (stateName(s) == name)
            return s;
    return fallback;
}

} // namespace

QJsonObject DrillResult::toJson() const
{
    QJsonArray stepArray;
    for (const DrillStep& s : steps)
        stepArray.append(QJsonObject {{"name", s.name},
                                      {"ok", s.ok()},
                                      {"state", stateName(s.state)},
                                      {"start_ms", s.startMs},
                                      {"ms", s.ms},
                                      {"detail", s.detail}});
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
        {"repaired", repaired},
        {"demoted_writes_accepted", num(demotedWritesAccepted)},
        {"demoted_writes_lost", num(demotedWritesLost)},
        {"demoted_window_ms", num(demotedWindowMs)}};
}

DrillResult DrillResult::fromJson(const QJsonObject& o)
{
    DrillResult r;
    const auto num = [&o](const char* key) { return o.value(QLatin1String(key)).toInteger(-1); };
    r.kind = o.value(QLatin1String("kind")).toString();
    r.ok = o.value(QLatin1String("ok")).toBool();
    r.aborted = o.value(QLatin1String("aborted")).toBool();
    r.abortReason = o.value(QLatin1String("abort_reason")).toString();
    r.nextAction = o.value(QLatin1String("next_action")).toString();
    r.oldPrimary = o.value(QLatin1String("old_primary")).toString();
    r.newPrimary = o.value(QLatin1String("new_primary")).toString();
    r.rtoMs = num("rto_ms");
    r.rpoLostWrites = num("rpo_lost_writes");
    r.rpoLostBytes = num("rpo_lost_bytes");
    r.probeAcknowledged = o.value(QLatin1String("probe_acknowledged")).toInteger();
    r.probeFailed = o.value(QLatin1String("probe_failed")).toInteger();
    r.runId = o.value(QLatin1String("run_id")).toString();
    r.repaired = o.value(QLatin1String("repaired")).toBool();
    r.demotedWritesAccepted = num("demoted_writes_accepted");
    r.demotedWritesLost = num("demoted_writes_lost");
    r.demotedWindowMs = num("demoted_window_ms");
    for (const QJsonValue& v : o.value(QLatin1String("steps")).toArray()) {
        const QJsonObject so = v.toObject();
        DrillStep s;
        s.name = so.value(QLatin1String("name")).toString();
        s.state
            = stateFromName(so.value(QLatin1String("state")).toString(),
                            so.value(QLatin1String("ok")).toBool() ? DrillStep::State::Ok : DrillStep::State::Failed);
        s.startMs = so.value(QLatin1String("start_ms")).toInteger(-1);
        s.ms = so.value(QLatin1String("ms")).toInteger();
        s.detail = so.value(QLatin1String("detail")).toString();
        r.steps << s;
    }
    for (const QJsonValue& v : o.value(QLatin1String("probe_per_100ms")).toArray()) {
        const QJsonArray a = v.toArray();
        r.probe << ProbeBucket {a.at(0).toInteger(), a.at(1).toInt(), a.at(2).toInt()};
    }
    return r;
}

qint64 DrillResult::faultAtMs() const
{
    for (const DrillStep& s : steps)
        if (s.name == QLatin1String("Crash primary") || s.name == QLatin1String("Stop primary cleanly")
            || s.name == QLatin1String("Fence writes on primary") || s.name == QLatin1String("Pause master")
            || s.name == QLatin1String("SENTINEL FAILOVER"))
            return s.startMs;
    return -1;
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
