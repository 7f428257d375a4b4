#include "loadengine.h"

#include "loadworker.h"
#include "pg/pgconnection.h"

#include <QThread>
#include <algorithm>
#include <cmath>
#include <random>

namespace vigil::loadtest {

using namespace std::chrono;

QString protocolName(Protocol p)
{
    switch (p) {
    case Protocol::Simple:
        return QStringLiteral("simple");
    case Protocol::Extended:
        return QStringLiteral("extended");
    case Protocol::Prepared:
        return QStringLiteral("prepared");
    }
    return {};
}

bool protocolFromName(const QString& name, Protocol* out)
{
    for (Protocol p : {Protocol::Simple, Protocol::Extended, Protocol::Prepared})
        if (name == protocolName(p)) {
            *out = p;
            return true;
        }
    return false;
}

namespace {

QMap<QString, qint64> sqlstates(const IntervalStats& st)
{
    QMap<QString, qint64> out;
    for (const auto& [code, n] : st.errorsBySqlstate)
        out[QString::fromStdString(unpackSqlstate(code))] += n;
    return out;
}

// Consecutive seconds a stop condition must hold before it ends the run.
constexpr int kStopAfterSeconds = 3;

} // namespace

LoadEngine::LoadEngine(EngineOptions options, Script script, QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_script(std::move(script))
{
    qRegisterMetaType<LoadSecond>();
    qRegisterMetaType<RunResult>();
}

LoadEngine::~LoadEngine()
{
    stop();
    if (m_thread.joinable())
        m_thread.join();
}

void LoadEngine::start()
{
    if (m_running.exchange(true))
        return;
    if (m_thread.joinable())
        m_thread.join();
    m_stopRequested.store(false); // a stop() before this start belongs to the previous run
    m_thread = std::thread([this] {
        if (m_options.lowPriority)
            lowerThreadPriority();
        const RunResult r = run([this](const LoadSecond& s) { Q_EMIT secondReady(s); });
        Q_EMIT finished(r);
    });
}

void LoadEngine::stop()
{
    m_stopRequested.store(true);
}

double LoadEngine::spawnOffset(const EngineOptions& o, int index)
{
    double stepStart = 0;
    int inStep = index;
    if (o.stepUsers > 0 && o.stepSec > 0) {
        stepStart = double(index / o.stepUsers) * o.stepSec;
        inStep = index % o.stepUsers;
    }
    return stepStart + (o.spawnRate > 0 ? double(inStep) / o.spawnRate : 0.0);
}

int LoadEngine::targetUsers(const EngineOptions& o, double sec)
{
    int n = 0;
    while (n < o.users && spawnOffset(o, n) < sec)
        ++n;
    return n;
}

bool LoadEngine::prepare(RunShared* shared, QString* error)
{
    shared->connectKeywords = {"dbname", "application_name", "connect_timeout"};
    shared->connectValues = {m_options.conninfo.toStdString(), "vigil-loadtest",
                             std::to_string(std::max(1, m_options.connectTimeoutSec))};
    if (!m_options.database.isEmpty()) {
        // Only the first dbname is expanded as a conninfo; a later one is a plain database name.
        shared->connectKeywords.push_back("dbname");
        shared->connectValues.push_back(m_options.database.toStdString());
    }
    if (!m_options.password.isEmpty()) {
        shared->connectKeywords.push_back("password");
        shared->connectValues.push_back(m_options.password.toStdString());
    }
    // One session first: a clear error when the target is unreachable (rather than a run of
    // connect errors), and :scale as pgbench finds it.
    pg::ConnectOptions o;
    o.conninfo = m_options.conninfo;
    o.password = m_options.password;
    o.database = m_options.database;
    o.connectTimeoutSec = m_options.connectTimeoutSec;
    o.applicationName = QStringLiteral("vigil-loadtest");
    pg::Connection probe;
    if (!probe.open(o, &m_stopRequested)) {
        *error = probe.lastError();
        return false;
    }
    shared->scale = m_options.scale > 0 ? m_options.scale : 1;
    if (m_script.usesScale && m_options.scale <= 0) {
        const pg::Result r = probe.exec(QStringLiteral("SELECT count(*) FROM pgbench_branches"));
        if (r.ok() && r.toInt64(0, 0) > 0)
            shared->scale = r.toInt64(0, 0);
    }
    shared->seed
        = m_options.seed ? m_options.seed : (uint64_t(std::random_device {}()) << 32 | std::random_device {}());
    return true;
}

RunResult LoadEngine::run(const std::function<void(const LoadSecond&)>& onSecond)
{
    m_running.store(true);
    RunResult result;
    result.scenario = m_options.scenarioName;
    result.workload = m_options.workloadName.isEmpty() ? QString::fromStdString(m_script.name) : m_options.workloadName;
    result.target = m_options.targetName;
    result.protocol = protocolName(m_options.protocol);
    result.users = m_options.users;

    RunShared shared;
    shared.script = &m_script;
    shared.options = &m_options;
    QString error;
    if (m_options.users < 1 || m_options.durationSec <= 0) {
        result.error = QStringLiteral("a run needs at least one user and a positive duration");
        m_running.store(false);
        return result;
    }
    if (!prepare(&shared, &error)) {
        result.error = error;
        m_running.store(false);
        return result;
    }
    int threads = m_options.threads > 0 ? m_options.threads : std::max(2, QThread::idealThreadCount());
    threads = std::clamp(threads, 1, m_options.users);
    result.threads = threads;

    std::vector<std::vector<int>> ids(static_cast<size_t>(threads));
    std::vector<std::vector<double>> offsets(static_cast<size_t>(threads));
    for (int i = 0; i < m_options.users; ++i) {
        ids[size_t(i % threads)].push_back(i);
        offsets[size_t(i % threads)].push_back(spawnOffset(m_options, i));
    }
    std::vector<std::unique_ptr<LoadWorker>> workers;
    for (int t = 0; t < threads; ++t)
        workers.push_back(std::make_unique<LoadWorker>(&shared, ids[size_t(t)], offsets[size_t(t)]));
    if (m_options.connectFirst) {
        std::vector<std::thread> connecting;
        for (auto& w : workers)
            connecting.emplace_back([&w] { w->connectFirst(); });
        for (std::thread& t : connecting)
            t.join();
    }
    shared.start = Clock::now();
    shared.deadline = shared.start + duration_cast<Clock::duration>(duration<double>(m_options.durationSec));
    std::vector<std::thread> running;
    for (auto& w : workers)
        running.emplace_back([&w] { w->run(); });

    // The collector: second n is complete once every worker has flushed past it.
    LatencyHistogram total, step;
    int64_t stepTx = 0, stepErrors = 0;
    int badErrorSeconds = 0, badP95Seconds = 0;
    int next = 0;
    Clock::time_point endedAt {};
    while (true) {
        if (m_stopRequested.load() && !shared.stop.load()) {
            shared.stop.store(true);
            if (result.stopReason.isEmpty())
                result.stopReason = QStringLiteral("stopped");
        }
        bool allFinished = true, secondReady = true;
        for (auto& w : workers) {
            allFinished = allFinished && w->finished.load();
            secondReady = secondReady && (w->finished.load() || w->flushedSeconds.load() > next);
        }
        if (allFinished && endedAt == Clock::time_point {})
            endedAt = std::min(Clock::now(), shared.deadline);
        if (!secondReady) {
            // Nothing can be ready before the second ends: sleep till then (the workers flush
            // within ~20 ms of it), waking at least every 50 ms to see a stop request. The
            // collector shares the cores with the users' threads, so it must not wake every
            // few milliseconds for nothing.
            const Clock::time_point boundary = shared.start + seconds(next + 1);
            const auto wait = std::clamp<Clock::duration>(boundary - Clock::now(), milliseconds(5), milliseconds(50));
            std::this_thread::sleep_for(wait);
            continue;
        }
        IntervalStats st;
        bool more = false;
        {
            std::lock_guard lock(shared.mutex);
            auto it = shared.seconds.find(next);
            if (it != shared.seconds.end()) {
                st = std::move(it->second);
                shared.seconds.erase(it);
            }
            more = !shared.seconds.empty();
        }
        const double measured = endedAt != Clock::time_point {} ? duration<double>(endedAt - shared.start).count()
                                                                : m_options.durationSec;
        // Past the end: the workers' last flush may name a second nothing was counted in.
        if (allFinished && double(next) >= std::ceil(measured - 1e-3)) {
            if (!more)
                break;
            ++next;
            continue;
        }
        LoadSecond s;
        s.second = next + 1;
        s.transactions = st.transactions.count();
        s.statements = st.statements;
        s.errors = st.errors;
        s.activeUsers = st.activeUsers;
        s.targetUsers = targetUsers(m_options, next + 1);
        s.latency = summarize(st.transactions);
        s.errorsBySqlstate = sqlstates(st);
        result.seconds.append(s);
        result.maxActiveUsers = std::max(result.maxActiveUsers, s.activeUsers);
        for (auto it = s.errorsBySqlstate.cbegin(); it != s.errorsBySqlstate.cend(); ++it)
            result.errorsBySqlstate[it.key()] += it.value();
        result.transactions += s.transactions;
        result.statements += s.statements;
        result.errors += s.errors;
        total.merge(st.transactions);
        if (onSecond)
            onSecond(s);

        // Stop conditions.
        const int64_t attempts = s.transactions + s.errors;
        const double errorRate = attempts ? double(s.errors) / double(attempts) : 0.0;
        badErrorSeconds = m_options.stopErrorRatePct > 0 && attempts && errorRate * 100 > m_options.stopErrorRatePct
            ? badErrorSeconds + 1
            : 0;
        badP95Seconds = m_options.stopP95Ms > 0 && s.transactions && s.latency.p95Ms > m_options.stopP95Ms
            ? badP95Seconds + 1
            : 0;
        if (!shared.stop.load() && (badErrorSeconds >= kStopAfterSeconds || badP95Seconds >= kStopAfterSeconds)) {
            result.stopReason = badErrorSeconds >= kStopAfterSeconds
                ? QStringLiteral("stop condition: error rate above %1 % for %2 s")
                      .arg(m_options.stopErrorRatePct)
                      .arg(kStopAfterSeconds)
                : QStringLiteral("stop condition: p95 above %1 ms for %2 s")
                      .arg(m_options.stopP95Ms)
                      .arg(kStopAfterSeconds);
            shared.stop.store(true);
        }

        // Breaking point: per step of a stepped ramp, otherwise per second.
        step.merge(st.transactions);
        stepTx += s.transactions;
        stepErrors += s.errors;
        const bool stepEnds = m_options.stepSec <= 0 || (next + 1) % m_options.stepSec == 0;
        if (stepEnds && !result.breakingPoint.reached && stepTx + stepErrors > 0) {
            const double rate = double(stepErrors) / double(stepTx + stepErrors);
            const double p95 = step.quantileNs(0.95) / 1e6;
            QString reason;
            if (rate * 100 > m_options.breakErrorRatePct)
                reason = QStringLiteral("error rate %1 % > %2 %")
                             .arg(rate * 100, 0, 'f', 1)
                             .arg(m_options.breakErrorRatePct);
            else if (m_options.sloP95Ms > 0 && p95 > m_options.sloP95Ms)
                reason = QStringLiteral("p95 %1 ms > SLO %2 ms").arg(p95, 0, 'f', 1).arg(m_options.sloP95Ms);
            if (!reason.isEmpty()) {
                BreakingPoint& b = result.breakingPoint;
                b.reached = true;
                b.second = next + 1;
                b.users = s.activeUsers;
                b.errorRate = rate;
                b.p95Ms = p95;
                b.tps = double(stepTx) / double(m_options.stepSec > 0 ? m_options.stepSec : 1);
                b.reason = reason;
                if (m_options.stopAtBreakingPoint && !shared.stop.load()) {
                    result.stopReason = QStringLiteral("breaking point: ") + reason;
                    shared.stop.store(true);
                }
            }
        }
        if (stepEnds) {
            step.reset();
            stepTx = stepErrors = 0;
        }
        ++next;
    }
    for (std::thread& t : running)
        t.join();

    result.durationSec
        = duration<double>((endedAt == Clock::time_point {} ? Clock::now() : endedAt) - shared.start).count();
    result.tps = result.durationSec > 0 ? double(result.transactions) / result.durationSec : 0;
    result.latency = summarize(total);
    if (result.stopReason.isEmpty())
        result.stopReason = Clock::now() >= shared.deadline ? QStringLiteral("duration")
                                                            : QStringLiteral("every user stopped (see messages)");
    for (int i = 0; i < m_script.sqlCount; ++i) {
        LatencyHistogram h;
        StatementStats st;
        for (auto& w : workers) {
            h.merge(w->statementLatency[size_t(i)]);
            st.errors += w->statementErrors[size_t(i)];
        }
        for (const ScriptCommand& c : m_script.commands)
            if (c.kind == ScriptCommand::Kind::Sql && c.sqlIndex == i) {
                st.line = c.line;
                st.sql = QString::fromStdString(c.sql);
            }
        st.count = h.count();
        st.latency = summarize(h);
        result.perStatement.append(st);
    }
    {
        std::lock_guard lock(shared.mutex);
        for (const std::string& m : shared.messages)
            result.messages << QString::fromStdString(m);
    }
    result.ok = true;
    m_running.store(false);
    return result;
}

} // namespace vigil::loadtest
