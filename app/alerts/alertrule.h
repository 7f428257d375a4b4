#pragma once

#include <QJsonArray>
#include <QList>
#include <QString>

// Alert rules: what Vigil evaluates over the figures it already polls. Each rule names a metric
// (see alertfeed.h for the list and what each measures), a comparison against a threshold, how
// long the condition must hold before the alert fires (`for`, as Prometheus has it), how long a
// firing alert stays firing after the condition clears (`keep_firing_for`, against flapping),
// and a severity. Stored as JSON (an array of objects) in the config directory.
namespace vigil::alerts {

enum class Severity { Info, Warning, Critical };
enum class Comparison { Greater, GreaterOrEqual, Less, LessOrEqual, Equal, NotEqual };

QString severityName(Severity s);
Severity severityFromName(const QString& name, bool* ok = nullptr);
QString comparisonSymbol(Comparison c);
Comparison comparisonFromSymbol(const QString& symbol, bool* ok = nullptr);

struct AlertRule
{
    QString id; // stable key (history, silences): "replica_lag"
    QString name; // shown: "Replica lag"
    QString metric; // "pg.replica_lag_s", see alertfeed.h
    Comparison comparison = Comparison::Greater;
    double threshold = 0;
    int forSec = 0; // the condition holds this long before pending turns firing
    int keepFiringSec = 0; // a firing alert resolves only after the condition was false this long
    Severity severity = Severity::Warning;
    bool enabled = true;
    QString description;

    bool operator==(const AlertRule&) const = default;
    bool breached(double value) const;
    // "> 30" with the metric's unit where it has one.
    QString conditionText() const;
};

// The rules Vigil ships with (issue 8): slow queries, pool exhaustion, replication, Redis,
// Sentinel, invalid indexes, idle transactions, the archiver, nodes down. Thresholds follow the
// team's own Prometheus rules where they had one (1000 ms for 2 min, 90 % for 1 min).
QList<AlertRule> defaultRules();

QJsonArray rulesToJson(const QList<AlertRule>& rules);
// Unknown keys are ignored; a rule without id or metric, or with a bad comparison / severity,
// makes the whole load fail with `error` naming it (half a rule set is worse than the defaults).
bool rulesFromJson(const QJsonArray& json, QList<AlertRule>* rules, QString* error);

// QStandardPaths::AppConfigLocation + "/alert-rules.json".
QString defaultRulesPath();
// A missing file gives the defaults (and true); a broken one false with the reason.
bool loadRules(const QString& path, QList<AlertRule>* rules, QString* error);
bool saveRules(const QString& path, const QList<AlertRule>& rules, QString* error);

} // namespace vigil::alerts
