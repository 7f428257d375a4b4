#include "loadrunner.h"

#include "locustrunner.h"
#include "nativerunner.h"
#include "pgbenchrunner.h"

#include <QEventLoop>

namespace vigil::loadtest {

QString runnerName(RunnerKind kind)
{
    switch (kind) {
    case RunnerKind::Native:
        return QStringLiteral("native");
    case RunnerKind::Pgbench:
        return QStringLiteral("pgbench");
    case RunnerKind::Locust:
        return QStringLiteral("locust");
    }
    return {};
}

bool runnerFromName(const QString& name, RunnerKind* out)
{
    for (RunnerKind k : {RunnerKind::Native, RunnerKind::Pgbench, RunnerKind::Locust})
        if (name == runnerName(k)) {
            *out = k;
            return true;
        }
    return false;
}

RunResult LoadRunner::runBlocking(const std::function<void(const LoadSecond&)>& onSecond)
{
    RunResult result;
    bool done = false;
    QEventLoop loop;
    const auto a = connect(this, &LoadRunner::secondReady, &loop, [&](const LoadSecond& s) {
        if (onSecond)
            onSecond(s);
    });
    const auto b = connect(this, &LoadRunner::finished, &loop, [&](const RunResult& r) {
        result = r;
        done = true;
        loop.quit();
    });
    start();
    if (!done)
        loop.exec();
    disconnect(a);
    disconnect(b);
    return result;
}

std::unique_ptr<LoadRunner> makeRunner(RunnerKind kind, const EngineOptions& options, const Script& script,
                                       const LocustOptions& locust, QString* error)
{
    switch (kind) {
    case RunnerKind::Native:
        return std::make_unique<NativeRunner>(options, script);
    case RunnerKind::Pgbench:
        return PgbenchRunner::create(options, error);
    case RunnerKind::Locust:
        return LocustRunner::create(options, locust, error);
    }
    return nullptr;
}

} // namespace vigil::loadtest
