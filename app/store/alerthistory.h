#pragma once

#include "alerts/alertengine.h"

#include <QDateTime>
#include <QList>
#include <QString>

class QIODevice;

namespace vigil::store {

class LocalStore;

// One episode of an alert as kept in the local store.
struct AlertEpisode
{
    QString profile, key, source, ruleId, name, subject;
    alerts::Severity severity = alerts::Severity::Warning;
    alerts::AlertState state = alerts::AlertState::Pending;
    QString stateText; // as stored: pending, firing, resolved, inactive, unwatched
    double value = 0;
    QString detail;
    QDateTime startedAt, firedAt, resolvedAt, acknowledgedAt, updatedAt;
};

// What the daily checklist reports about alerts since a time.
struct AlertSummary
{
    int fired = 0; // episodes that fired since
    int stillFiring = 0; // of all, those still firing (latest state)
    int criticalFiring = 0;
    QList<AlertEpisode> firing; // still firing, critical first
};

// The alert history (a table in the local store): every episode with its pending, firing,
// resolved and acknowledged times, kept across restarts.
class AlertHistory
{
public:
    static constexpr int DefaultKeepLast = 1000;
    explicit AlertHistory(LocalStore* store);

    // Upserts the episode of `alert` (profile, key, pendingSince) with its current state and
    // times, then trims the profile to keepLast rows. False on a store error.
    bool record(const QString& profile, const alerts::Alert& alert);
    // Newest first (by last change); limit < 0 returns all.
    QList<AlertEpisode> recent(const QString& profile, int limit = -1) const;
    // Episodes that fired at or after `since`, and those still firing (any start). An empty
    // profile counts every profile.
    AlertSummary summary(const QString& profile, const QDateTime& since) const;
    // Vigil stops watching `profile`: its pending and firing episodes become "unwatched" (their
    // outcome is unknown), so the checklist does not report them as firing for ever.
    bool closeOpen(const QString& profile);
    bool exportCsv(const QString& profile, QIODevice* out) const;
    void setKeepLast(int rows) { m_keepLast = qMax(0, rows); }

private:
    LocalStore* m_store;
    int m_keepLast = DefaultKeepLast;
};

} // namespace vigil::store
