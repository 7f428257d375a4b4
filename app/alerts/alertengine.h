#pragma once

#include "alertrule.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QMap>
#include <QMetaType>
#include <QString>
#include <optional>

// The alert state machine, pure: fed with observations (a metric's value per subject at a time)
// it moves each (rule, subject) through inactive -> pending -> firing -> resolved as Prometheus
// does, with `for` and `keep_firing_for`, flap detection, acknowledgement and silences. No
// clock, no I/O: every call takes `now`, so the timing is unit-testable.
namespace vigil::alerts {

enum class AlertState { Inactive, Pending, Firing, Resolved };
QString stateName(AlertState s);
AlertState stateFromName(const QString& name);

// One value of a metric for one subject (a node, a replica, a slot, an index, a session...).
struct Observation
{
    QString subject;
    double value = 0; // NaN: unknown this time (the alert holds its state; nothing is concluded)
    QString detail; // what the value is about, shown with the alert (e.g. the DROP INDEX statement)
};

struct Alert
{
    QString key; // "<source>:<rule>:<subject>", the identity across polls
    QString source; // "vigil" or "prometheus"
    QString ruleId, name, subject;
    Severity severity = Severity::Warning;
    AlertState state = AlertState::Inactive;
    double value = 0, threshold = 0;
    QString condition; // "> 30 s"
    QString detail, description;
    QDateTime pendingSince; // start of the episode (Prometheus: activeAt)
    QDateTime firedAt, resolvedAt, lastEvaluated;
    QDateTime clearSince; // firing, condition false since (keep_firing_for running)
    QDateTime acknowledgedAt; // this episode acknowledged; cleared when it resolves
    QDateTime silencedUntil;
    QList<QDateTime> firings; // recent times it started firing (flap detection)
    bool flapping = false;
    QMap<QString, QString> labels, annotations; // Prometheus alerts

    bool isSilenced(const QDateTime& now) const { return silencedUntil.isValid() && silencedUntil > now; }
    bool isAcknowledged() const { return acknowledgedAt.isValid(); }
    bool operator==(const Alert&) const = default;
};

struct Transition
{
    Alert alert; // after the transition
    AlertState from = AlertState::Inactive;
    AlertState to = AlertState::Inactive;
};

class AlertEngine
{
public:
    AlertEngine();

    // Alerts of rules that are gone or disabled are dropped (the operator decided so).
    void setRules(const QList<AlertRule>& rules);
    const QList<AlertRule>& rules() const { return m_rules; }

    // The complete set of observations of `metric` at `now`: a subject missing from it is gone
    // (the index was dropped, the session ended), which clears its condition.
    QList<Transition> observe(const QString& metric, const QList<Observation>& observations, const QDateTime& now);

    // The current alerts of an external source (Prometheus): added or updated as given; an alert
    // of that source that is no longer listed resolves (firing) or disappears (pending).
    QList<Transition> setExternal(const QString& source, const QList<Alert>& alerts, const QDateTime& now);

    // A new connection: every alert goes (rules and silences stay).
    void clearAlerts() { m_alerts.clear(); }
    // Drops resolved alerts older than the retention (they stay in the history).
    void expire(const QDateTime& now);

    bool acknowledge(const QString& key, const QDateTime& now);
    // Until `until` no notification; the alert stays in the list. An invalid `until` lifts it.
    void silence(const QString& key, const QDateTime& until);

    QList<Alert> alerts() const;
    std::optional<Alert> find(const QString& key) const;
    int firingCount() const;
    // Firing, not silenced and not acknowledged: what the tab title and the tray count.
    int unhandledFiringCount(const QDateTime& now) const;

    // A transition worth a desktop notification: to firing, not silenced, not acknowledged, and
    // not flapping (a flapping alert notified once, when it started to flap).
    static bool shouldNotify(const Transition& t, const QDateTime& now);

    static QString keyFor(const QString& source, const QString& ruleId, const QString& subject);

    // Flapping: started firing this many times within the window.
    static constexpr int kFlapFirings = 3;
    static constexpr int kFlapWindowSec = 15 * 60;
    // Resolved alerts stay in the list this long.
    static constexpr int kResolvedRetentionSec = 15 * 60;

private:
    void step(Alert& a, const AlertRule& rule, bool breached, const QDateTime& now, QList<Transition>* out);
    void markFiring(Alert& a, const QDateTime& now);

    QList<AlertRule> m_rules;
    QHash<QString, Alert> m_alerts;
    QHash<QString, QDateTime> m_silences; // by key, kept when the alert itself goes away
};

} // namespace vigil::alerts

Q_DECLARE_METATYPE(vigil::alerts::Alert)
