#pragma once

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QMetaType>
#include <QString>

namespace vigil::drills {

// One step of a drill as it shows in the timeline: name, outcome, how long it took, and what it
// saw (with numbers).
struct DrillStep
{
    QString name;
    enum class State { Pending, Running, Ok, Failed, Skipped } state = State::Pending;
    qint64 startMs = -1; // since the drill started
    qint64 ms = 0; // duration
    QString detail;
    bool ok() const { return state == State::Ok; }
};

// Probe writes per 100 ms bucket since the drill started, for the live chart.
struct ProbeBucket
{
    qint64 atMs = 0;
    int acknowledged = 0;
    int failed = 0;
};

struct DrillResult
{
    QString kind; // "pg", "pg-switchover", "redis", "redis-manual"
    bool ok = false; // every step passed
    bool aborted = false;
    QString abortReason; // what failed, why
    QString nextAction; // what the operator must do now (empty when nothing)
    QString oldPrimary, newPrimary; // node names (pg1/pg2) or Redis addresses
    qint64 rtoMs = -1; // fault -> first acknowledged write on the new primary
    qint64 rpoLostWrites = -1; // acknowledged probe writes missing afterwards
    qint64 rpoLostBytes = -1; // WAL acknowledged on the old primary beyond what the new one had
    qint64 probeAcknowledged = 0;
    qint64 probeFailed = 0;
    bool repaired = false; // the old primary serves again as a replica
    // Redis: writes a client still connected to the demoted master got acknowledged after it woke
    // up and before Sentinel turned it into a replica, and how many of them are gone afterwards.
    qint64 demotedWritesAccepted = -1, demotedWritesLost = -1;
    qint64 demotedWindowMs = -1;
    QList<DrillStep> steps;
    QList<ProbeBucket> probe;
    QString runId; // the probe's rows carry it (table vigil_drill_probe, key run_id + seq)
    QList<qint64> acknowledgedSeqs; // sequence numbers the client saw acknowledged

    // `vigil drill ... --json` (issue 6 field names, plus what a stored drill needs to be shown again).
    QJsonObject toJson() const;
    static DrillResult fromJson(const QJsonObject& json);
    // When the fault was injected (ms since the drill started; -1: the drill never got there).
    qint64 faultAtMs() const;

    // Probe figures from a stopped probe's writes (any struct with seq, sentMs, ackMs).
    template <class Write> void takeProbe(const QList<Write>& writes, qint64 acknowledged, qint64 failed)
    {
        probeAcknowledged = acknowledged;
        probeFailed = failed;
        QMap<qint64, ProbeBucket> buckets;
        for (const Write& w : writes) {
            if (w.ackMs >= 0)
                acknowledgedSeqs << w.seq;
            ProbeBucket& b = buckets[w.sentMs / 100];
            b.atMs = (w.sentMs / 100) * 100;
            (w.ackMs >= 0 ? b.acknowledged : b.failed)++;
        }
        probe = buckets.values();
    }
    // ok when every step passed; otherwise aborted, with the failed step as the reason and
    // `next` as what the operator must do.
    void conclude(const QString& next);
};

} // namespace vigil::drills

Q_DECLARE_METATYPE(vigil::drills::DrillStep)
Q_DECLARE_METATYPE(vigil::drills::DrillResult)
