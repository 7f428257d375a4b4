#pragma once

#include "loadoptions.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace vigil::loadtest {

// A load-test scenario: who comes (users, spawn rate, steps), for how long, how they pace
// themselves (think time), what they run (workload) and when to give up (stop conditions).
// Stored as JSON: the team's presets in :/scenarios/, operators' own in the data directory
// (scenarios/NAME.json), which win over a preset of the same name.
struct Scenario
{
    QString name;
    QString description;
    int users = 10;
    double spawnRate = 0; // users per second; 0 = all at once
    int stepUsers = 0, stepSec = 0; // stepped ramp: stepUsers more every stepSec
    int durationSec = 60;
    int thinkTimeMs = 0;
    QString workload = QStringLiteral("trading"); // built-in name or a script file
    double stopErrorRatePct = 0; // 0 = off
    double stopP95Ms = 0; // 0 = off
    double sloP95Ms = 0; // for the breaking point; 0 = error rate only
    double breakErrorRatePct = 5;
    bool stopAtBreakingPoint = false;

    QJsonObject toJson() const;
    static bool fromJson(const QJsonObject& json, Scenario* out, QString* error);
    // Copies the scenario's fields into engine options (leaving target and protocol alone).
    void applyTo(EngineOptions* options) const;
};

// The presets, sorted by the number of users.
QList<Scenario> presetScenarios();
// The operator's saved scenarios plus the presets they do not override, by name.
QList<Scenario> availableScenarios();
// By name (saved first, then presets) or by path to a .json file.
bool findScenario(const QString& nameOrPath, Scenario* out, QString* error);
// Saves to the data directory; the name must be a plain word (letters, digits, - and _).
bool saveScenario(const Scenario& scenario, QString* error);
QString userScenarioDir();

} // namespace vigil::loadtest
