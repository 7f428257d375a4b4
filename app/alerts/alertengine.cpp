#include "alertengine.h"

#include <QSet>
#include <cmath>

namespace vigil::alerts {

namespace {
const std::pair<AlertState, const char*> kStates[] = {{AlertState::Inactive, "inactive"},
                                                      {AlertState::Pending, "pending"},
                                                      {AlertState::Firing, "firing"},
                                                      {AlertState::Resolved, "resolved"}};

QString conditionOf(const AlertRule& r)
{
    return r.forSec > 0 ? r.conditionText() + QStringLiteral(" for %1 s").arg(r.forSec) : r.conditionText();
}

qint64 secondsBetween(const QDateTime& from, const QDateTime& to)
{
    return from.msecsTo(to) / 1000;
}
} // namespace

QString stateName(AlertState s)
{
    for (const auto& [v, n] : kStates)
        if (v == s)
            return QLatin1String(n);
    return {};
}

AlertState stateFromName(const QString& name)
{
    for (const auto& [v, n] : kStates)
        if (name == QLatin1String(n))
            return v;
    return AlertState::Inactive;
}

AlertEngine::AlertEngine()
    : m_rules(defaultRules())
{
}

QString AlertEngine::keyFor(const QString& source, const QString& ruleId, const QString& subject)
{
    return source + QLatin1Char(':') + ruleId + QLatin1Char(':') + subject;
}

void AlertEngine::setRules(const QList<AlertRule>& rules)
{
    m_rules = rules;
    QSet<QString> live;
    for (const AlertRule& r : rules)
        if (r.enabled)
            live.insert(r.id);
    for (auto it = m_alerts.begin(); it != m_alerts.end();) {
        if (it->source == QLatin1String("vigil") && !live.contains(it->ruleId))
            it = m_alerts.erase(it);
        else
            ++it;
    }
    // Name, severity and condition follow the edited rule at once, not at the next transition.
    for (Alert& a : m_alerts)
        for (const AlertRule& r : rules)
            if (a.source == QLatin1String("vigil") && a.ruleId == r.id) {
                a.name = r.name;
                a.severity = r.severity;
                a.threshold = r.threshold;
                a.condition = conditionOf(r);
                a.description = r.description;
            }
}

void AlertEngine::markFiring(Alert& a, const QDateTime& now)
{
    a.state = AlertState::Firing;
    a.firedAt = now;
    a.clearSince = {};
    a.firings.append(now);
    while (!a.firings.isEmpty() && secondsBetween(a.firings.first(), now) > kFlapWindowSec)
        a.firings.removeFirst();
    a.flapping = a.firings.size() >= kFlapFirings;
}

void AlertEngine::step(Alert& a, const AlertRule& rule, bool breached, const QDateTime& now, QList<Transition>* out)
{
    const AlertState from = a.state;
    switch (a.state) {
    case AlertState::Inactive:
    case AlertState::Resolved:
        if (!breached)
            break;
        // A new episode: nothing of the previous one (acknowledgement, times) carries over.
        a.pendingSince = now;
        a.firedAt = {};
        a.resolvedAt = {};
        a.clearSince = {};
        a.acknowledgedAt = {};
        if (rule.forSec <= 0)
            markFiring(a, now);
        else
            a.state = AlertState::Pending;
        break;
    case AlertState::Pending:
        if (!breached)
            a.state = AlertState::Inactive;
        else if (secondsBetween(a.pendingSince, now) >= rule.forSec)
            markFiring(a, now);
        break;
    case AlertState::Firing:
        if (breached) {
            a.clearSince = {};
        } else {
            if (!a.clearSince.isValid())
                a.clearSince = now;
            if (secondsBetween(a.clearSince, now) >= rule.keepFiringSec) {
                a.state = AlertState::Resolved;
                a.resolvedAt = now;
                a.clearSince = {};
            }
        }
        break;
    }
    if (a.state != from)
        out->append({a, from, a.state});
}

QList<Transition> AlertEngine::observe(const QString& metric, const QList<Observation>& observations,
                                       const QDateTime& now)
{
    QList<Transition> out;
    for (const AlertRule& rule : std::as_const(m_rules)) {
        if (!rule.enabled || rule.metric != metric)
            continue;
        QSet<QString> seen;
        for (const Observation& o : observations) {
            seen.insert(o.subject);
            const QString key = keyFor(QStringLiteral("vigil"), rule.id, o.subject);
            auto it = m_alerts.find(key);
            if (std::isnan(o.value)) {
                if (it != m_alerts.end())
                    it->lastEvaluated = now;
                continue; // unknown: hold whatever state it is in
            }
            const bool breached = rule.breached(o.value);
            if (it == m_alerts.end()) {
                if (!breached)
                    continue;
                Alert a;
                a.key = key;
                a.source = QStringLiteral("vigil");
                a.ruleId = rule.id;
                a.subject = o.subject;
                it = m_alerts.insert(key, a);
            }
            Alert& a = *it;
            a.name = rule.name;
            a.severity = rule.severity;
            a.threshold = rule.threshold;
            a.condition = conditionOf(rule);
            a.description = rule.description;
            a.lastEvaluated = now;
            // The figure shown is the latest while the condition holds, the breaching one after.
            if (breached || a.state != AlertState::Firing) {
                a.value = o.value;
                a.detail = o.detail;
            }
            step(a, rule, breached, now, &out);
        }
        // Subjects of this rule that were not observed are gone: their condition is false.
        for (Alert& a : m_alerts) {
            if (a.source != QLatin1String("vigil") || a.ruleId != rule.id || seen.contains(a.subject))
                continue;
            a.lastEvaluated = now;
            step(a, rule, false, now, &out);
        }
    }
    for (Transition& t : out)
        t.alert.silencedUntil = m_silences.value(t.alert.key);
    return out;
}

QList<Transition> AlertEngine::setExternal(const QString& source, const QList<Alert>& alerts, const QDateTime& now)
{
    QList<Transition> out;
    QSet<QString> seen;
    for (Alert incoming : alerts) {
        incoming.source = source;
        seen.insert(incoming.key);
        auto it = m_alerts.find(incoming.key);
        const AlertState from = it == m_alerts.end() ? AlertState::Inactive : it->state;
        if (it != m_alerts.end()) {
            // What Vigil adds to an external alert survives its updates.
            incoming.acknowledgedAt = from == AlertState::Resolved ? QDateTime() : it->acknowledgedAt;
            incoming.firings = it->firings;
            incoming.firedAt = it->firedAt;
            incoming.flapping = it->flapping;
        }
        incoming.lastEvaluated = now;
        if (incoming.state == AlertState::Firing && from != AlertState::Firing) {
            markFiring(incoming, now);
        } else if (incoming.state == AlertState::Pending) {
            incoming.firedAt = {};
        }
        if (!incoming.pendingSince.isValid())
            incoming.pendingSince = now;
        m_alerts.insert(incoming.key, incoming);
        if (incoming.state != from)
            out.append({incoming, from, incoming.state});
    }
    for (Alert& a : m_alerts) {
        if (a.source != source || seen.contains(a.key))
            continue;
        const AlertState from = a.state;
        if (from == AlertState::Firing) {
            a.state = AlertState::Resolved;
            a.resolvedAt = now;
        } else if (from == AlertState::Pending) {
            a.state = AlertState::Inactive;
        }
        if (a.state != from)
            out.append({a, from, a.state});
    }
    for (Transition& t : out)
        t.alert.silencedUntil = m_silences.value(t.alert.key);
    return out;
}

void AlertEngine::expire(const QDateTime& now)
{
    for (auto it = m_alerts.begin(); it != m_alerts.end();) {
        while (!it->firings.isEmpty() && secondsBetween(it->firings.first(), now) > kFlapWindowSec)
            it->firings.removeFirst();
        if (it->state != AlertState::Firing)
            it->flapping = it->firings.size() >= kFlapFirings;
        const bool oldResolved
            = it->state == AlertState::Resolved && secondsBetween(it->resolvedAt, now) > kResolvedRetentionSec;
        const bool forgotten = it->state == AlertState::Inactive && it->firings.isEmpty();
        if (oldResolved || forgotten)
            it = m_alerts.erase(it);
        else
            ++it;
    }
    for (auto it = m_silences.begin(); it != m_silences.end();) {
        if (it.value() <= now)
            it = m_silences.erase(it);
        else
            ++it;
    }
}

bool AlertEngine::acknowledge(const QString& key, const QDateTime& now)
{
    auto it = m_alerts.find(key);
    if (it == m_alerts.end() || it->state == AlertState::Inactive)
        return false;
    it->acknowledgedAt = now;
    return true;
}

void AlertEngine::silence(const QString& key, const QDateTime& until)
{
    if (until.isValid())
        m_silences.insert(key, until);
    else
        m_silences.remove(key);
}

QList<Alert> AlertEngine::alerts() const
{
    QList<Alert> out;
    for (const Alert& a : m_alerts)
        if (a.state != AlertState::Inactive) {
            out << a;
            out.last().silencedUntil = m_silences.value(a.key);
        }
    return out;
}

std::optional<Alert> AlertEngine::find(const QString& key) const
{
    const auto it = m_alerts.constFind(key);
    if (it == m_alerts.constEnd())
        return std::nullopt;
    Alert a = *it;
    a.silencedUntil = m_silences.value(key);
    return a;
}

int AlertEngine::firingCount() const
{
    return int(
        std::count_if(m_alerts.begin(), m_alerts.end(), [](const Alert& a) { return a.state == AlertState::Firing; }));
}

int AlertEngine::unhandledFiringCount(const QDateTime& now) const
{
    int n = 0;
    for (const Alert& a : m_alerts) {
        const QDateTime until = m_silences.value(a.key);
        n += a.state == AlertState::Firing && !a.isAcknowledged() && !(until.isValid() && until > now);
    }
    return n;
}

bool AlertEngine::shouldNotify(const Transition& t, const QDateTime& now)
{
    if (t.to != AlertState::Firing || t.alert.isSilenced(now) || t.alert.isAcknowledged())
        return false;
    return !t.alert.flapping || t.alert.firings.size() == kFlapFirings;
}

} // namespace vigil::alerts
