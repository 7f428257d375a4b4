#include "loadrunner.h"

#include "locustrunner.h"
#include "nativerunner.h"
#include "pgbenchrunner.h"

#include <QEventLoop>
#include <algorithm>

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

void LoadRunner::watchScenario(const EngineOptions& options)
{
    m_watched = options;
    connect(this, &LoadRunner::secondReady, this, &LoadRunner::judge);
}

void LoadRunner::judge(const LoadSecond& s)
{
    constexpr int kStopAfterSeconds = 3; // as the native engine: one slow second does not end a run
    const EngineOptions& o = m_watched;
    const qint64 attempts = s.transactions + s.errors;
    const double errorRate = attempts ? double(s.errors) / double(attempts) : 0.0;
    m_badErrorSeconds
        = o.stopErrorRatePct > 0 && attempts && errorRate * 100 > o.stopErrorRatePct ? m_badErrorSeconds + 1 : 0;
    m_badP95Seconds = o.stopP95Ms > 0 && s.transactions && s.latency.p95Ms > o.stopP95Ms ? m_badP95Seconds + 1 : 0;
    if (m_conditionReason.isEmpty() && m_badErrorSeconds >= kStopAfterSeconds)
        m_conditionReason = QStringLiteral("stop condition: error rate above %1 % for %2 s")
                                .arg(o.stopErrorRatePct)
                                .arg(kStopAfterSeconds);
    else if (m_conditionReason.isEmpty() && m_badP95Seconds >= kStopAfterSeconds)
        m_conditionReason
            = QStringLiteral("stop condition: p95 above %1 ms for %2 s").arg(o.stopP95Ms).arg(kStopAfterSeconds);

    m_stepTx += s.transactions;
    m_stepErrors += s.errors;
    m_stepP95 = std::max(m_stepP95, s.latency.p95Ms);
    const bool stepEnds = o.stepSec <= 0 || s.second % o.stepSec == 0;
    if (stepEnds && !m_breakingPoint.reached && m_stepTx + m_stepErrors > 0) {
        const double rate = double(m_stepErrors) / double(m_stepTx + m_stepErrors);
        QString reason;
        if (rate * 100 > o.breakErrorRatePct)
            reason = QStringLiteral("error rate %1 % > %2 %").arg(rate * 100, 0, 'f', 1).arg(o.breakErrorRatePct);
        else if (o.sloP95Ms > 0 && m_stepP95 > o.sloP95Ms)
            reason = QStringLiteral("p95 %1 ms > SLO %2 ms").arg(m_stepP95, 0, 'f', 1).arg(o.sloP95Ms);
        if (!reason.isEmpty()) {
            m_breakingPoint = {true,  s.second,  s.activeUsers,
                               rate,  m_stepP95, double(m_stepTx) / double(o.stepSec > 0 ? o.stepSec : 1),
                               reason};
            if (o.stopAtBreakingPoint && m_conditionReason.isEmpty())
                m_conditionReason = QStringLiteral("breaking point: ") + reason;
        }
    }
    if (stepEnds) {
        m_stepTx = m_stepErrors = 0;
        m_stepP95 = 0;
    }
    if (!m_conditionReason.isEmpty() && isRunning())
        stop();
}

void LoadRunner::applyScenario(RunResult* result) const
{
    result->breakingPoint = m_breakingPoint;
    if (result->ok && !m_conditionReason.isEmpty())
        result->stopReason = m_conditionReason;
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
