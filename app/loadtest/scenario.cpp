#include "scenario.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStandardPaths>
#include <algorithm>

namespace vigil::loadtest {

QJsonObject Scenario::toJson() const
{
    QJsonObject o {{"name", name},
                   {"description", description},
                   {"users", users},
                   {"spawn_rate", spawnRate},
                   {"duration_s", durationSec},
                   {"think_time_ms", thinkTimeMs},
                   {"workload", workload},
                   {"stop", QJsonObject {{"error_rate_pct", stopErrorRatePct}, {"p95_ms", stopP95Ms}}},
                   {"slo_p95_ms", sloP95Ms},
                   {"break_error_rate_pct", breakErrorRatePct},
                   {"stop_at_breaking_point", stopAtBreakingPoint}};
    if (stepUsers > 0 && stepSec > 0) {
        o.insert(QStringLiteral("step_users"), stepUsers);
        o.insert(QStringLiteral("step_s"), stepSec);
    }
    return o;
}

bool Scenario::fromJson(const QJsonObject& json, Scenario* out, QString* error)
{
    Scenario s;
    s.name = json.value(QStringLiteral("name")).toString();
    s.description = json.value(QStringLiteral("description")).toString();
    s.users = json.value(QStringLiteral("users")).toInt(s.users);
    s.spawnRate = json.value(QStringLiteral("spawn_rate")).toDouble(s.spawnRate);
    s.stepUsers = json.value(QStringLiteral("step_users")).toInt(0);
    s.stepSec = json.value(QStringLiteral("step_s")).toInt(0);
    s.durationSec = json.value(QStringLiteral("duration_s")).toInt(s.durationSec);
    s.thinkTimeMs = json.value(QStringLiteral("think_time_ms")).toInt(0);
    s.workload = json.value(QStringLiteral("workload")).toString(s.workload);
    const QJsonObject stop = json.value(QStringLiteral("stop")).toObject();
    s.stopErrorRatePct = stop.value(QStringLiteral("error_rate_pct")).toDouble(0);
    s.stopP95Ms = stop.value(QStringLiteral("p95_ms")).toDouble(0);
    s.sloP95Ms = json.value(QStringLiteral("slo_p95_ms")).toDouble(0);
    s.breakErrorRatePct = json.value(QStringLiteral("break_error_rate_pct")).toDouble(5);
    s.stopAtBreakingPoint = json.value(QStringLiteral("stop_at_breaking_point")).toBool(false);
    QString problem;
    if (s.name.isEmpty())
        problem = QStringLiteral("a scenario needs a name");
    else if (s.users < 1)
        problem = QStringLiteral("users must be at least 1");
    else if (s.durationSec < 1)
        problem = QStringLiteral("duration_s must be at least 1");
    else if (s.spawnRate < 0 || s.thinkTimeMs < 0 || s.stepUsers < 0 || s.stepSec < 0)
        problem = QStringLiteral("spawn_rate, think_time_ms, step_users and step_s cannot be negative");
    else if (s.workload.isEmpty())
        problem = QStringLiteral("a scenario needs a workload");
    if (!problem.isEmpty()) {
        *error = QStringLiteral("scenario %1: %2").arg(s.name.isEmpty() ? QStringLiteral("?") : s.name, problem);
        return false;
    }
    *out = s;
    return true;
}

void Scenario::applyTo(EngineOptions* o) const
{
    o->scenarioName = name;
    o->users = users;
    o->spawnRate = spawnRate;
    o->stepUsers = stepUsers;
    o->stepSec = stepSec;
    o->durationSec = durationSec;
    o->thinkTimeMs = thinkTimeMs;
    o->stopErrorRatePct = stopErrorRatePct;
    o->stopP95Ms = stopP95Ms;
    o->sloP95Ms = sloP95Ms;
    o->breakErrorRatePct = breakErrorRatePct;
    o->stopAtBreakingPoint = stopAtBreakingPoint;
}

namespace {
bool readScenario(const QString& path, Scenario* out, QString* error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, f.errorString());
        return false;
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &pe);
    if (!doc.isObject()) {
        *error = QStringLiteral("%1: not a JSON object (%2 at offset %3)").arg(path, pe.errorString()).arg(pe.offset);
        return false;
    }
    return Scenario::fromJson(doc.object(), out, error);
}

QList<Scenario> readDir(const QString& dir)
{
    QList<Scenario> out;
    const QStringList files = QDir(dir).entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    for (const QString& f : files) {
        Scenario s;
        QString error;
        if (readScenario(dir + QLatin1Char('/') + f, &s, &error))
            out << s;
    }
    std::stable_sort(out.begin(), out.end(), [](const Scenario& a, const Scenario& b) { return a.users < b.users; });
    return out;
}
} // namespace

QString userScenarioDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/scenarios");
}

QList<Scenario> presetScenarios()
{
    return readDir(QStringLiteral(":/scenarios"));
}

QList<Scenario> availableScenarios()
{
    QList<Scenario> out = readDir(userScenarioDir());
    for (const Scenario& p : presetScenarios())
        if (std::none_of(out.begin(), out.end(), [&](const Scenario& s) { return s.name == p.name; }))
            out << p;
    return out;
}

bool findScenario(const QString& nameOrPath, Scenario* out, QString* error)
{
    if (nameOrPath.endsWith(QLatin1String(".json")) && QFile::exists(nameOrPath))
        return readScenario(nameOrPath, out, error);
    for (const Scenario& s : availableScenarios())
        if (s.name == nameOrPath) {
            *out = s;
            return true;
        }
    QStringList names;
    for (const Scenario& s : availableScenarios())
        names << s.name;
    *error = QStringLiteral("no scenario %1 (known: %2)").arg(nameOrPath, names.join(QStringLiteral(", ")));
    return false;
}

bool saveScenario(const Scenario& scenario, QString* error)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_-]+$"));
    if (!plain.match(scenario.name).hasMatch()) {
        *error = QStringLiteral("a scenario name is letters, digits, - and _ only");
        return false;
    }
    Scenario check;
    if (!Scenario::fromJson(scenario.toJson(), &check, error))
        return false;
    const QString dir = userScenarioDir();
    QDir().mkpath(dir);
    QSaveFile f(dir + QLatin1Char('/') + scenario.name + QStringLiteral(".json"));
    if (!f.open(QIODevice::WriteOnly) || f.write(QJsonDocument(scenario.toJson()).toJson(QJsonDocument::Indented)) < 0
        || !f.commit()) {
        *error = QStringLiteral("cannot save scenario %1: %2").arg(scenario.name, f.errorString());
        return false;
    }
    return true;
}

} // namespace vigil::loadtest
