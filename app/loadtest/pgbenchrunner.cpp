#include "pgbenchrunner.h"

#include "childprocess.h"
#include "workloads.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QThread>
#include <QUrl>
#include <QUrlQuery>
#include <algorithm>
#include <cmath>
#include <csignal>

namespace vigil::loadtest {

namespace {

constexpr int kStopGraceMs = 3000;

// The conninfo with another database: a later dbname wins in a key=value string; a URI gets a
// new path.
QString withDatabase(const QString& conninfo, const QString& database)
{
    if (database.isEmpty())
        return conninfo;
    if (conninfo.startsWith(QLatin1String("postgres://")) || conninfo.startsWith(QLatin1String("postgresql://"))) {
        QUrl url(conninfo);
        url.setPath(QLatin1Char('/') + database);
        return url.toString();
    }
    QString quoted = database;
    quoted.replace(QLatin1String("\\"), QLatin1String("\\\\")).replace(QLatin1String("'"), QLatin1String("\\'"));
    return conninfo + QStringLiteral(" dbname='%1'").arg(quoted);
}

qint64 nowUs()
{
    return QDateTime::currentMSecsSinceEpoch() * 1000;
}

} // namespace

std::unique_ptr<PgbenchRunner> PgbenchRunner::create(const EngineOptions& options, QString* error)
{
    std::unique_ptr<PgbenchRunner> r(new PgbenchRunner(options));
    r->m_program = findProgram(QStringLiteral("pgbench"), {QStringLiteral("/usr/lib/postgresql/15/bin/pgbench")});
    if (r->m_program.isEmpty()) {
        *error = QStringLiteral("pgbench is not installed (Debian: postgresql-contrib / postgresql-client)");
        return nullptr;
    }
    if (!r->m_tmp.isValid()) {
        *error = QStringLiteral("cannot create a temporary directory: %1").arg(r->m_tmp.errorString());
        return nullptr;
    }
    if (options.users < 1 || options.durationSec <= 0) {
        *error = QStringLiteral("a run needs at least one user and a positive duration");
        return nullptr;
    }
    r->m_logDir = r->m_tmp.path();
    QStringList args;
    const int threads = options.threads > 0 ? options.threads : std::max(2, QThread::idealThreadCount());
    args << QStringLiteral("-n") // no vacuum first: the run measures the tables as they are
         << QStringLiteral("-c") << QString::number(options.users) << QStringLiteral("-j")
         << QString::number(std::clamp(threads, 1, options.users)) << QStringLiteral("-T")
         << QString::number(int(std::ceil(options.durationSec))) << QStringLiteral("-P") << QStringLiteral("1")
         << QStringLiteral("-M") << protocolName(options.protocol);
    if (options.scale > 0)
        args << QStringLiteral("-s") << QString::number(options.scale);
    if (options.seed > 0)
        args << QStringLiteral("--random-seed=%1").arg(options.seed);
    const QString workload = options.workloadName;
    if (workload == QLatin1String("select-only") || workload == QLatin1String("tpcb-like")) {
        args << QStringLiteral("-b") << workload;
    } else if (builtinWorkloads().contains(workload)) {
        // Vigil's own built-in script, as a file pgbench can read (same syntax).
        const QString path = r->m_tmp.filePath(workload + QStringLiteral(".sql"));
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(builtinWorkloadText(workload).toUtf8()) < 0) {
            *error = QStringLiteral("cannot write %1: %2").arg(path, f.errorString());
            return nullptr;
        }
        args << QStringLiteral("-f") << path;
    } else if (!workload.isEmpty()) {
        args << QStringLiteral("-f") << workload;
    } else {
        *error = QStringLiteral("no workload");
        return nullptr;
    }
    args << QStringLiteral("-l") << QStringLiteral("--log-prefix=%1/tx").arg(r->m_logDir);
    args << withDatabase(options.conninfo, options.database);
    r->m_args = args;
    if (options.spawnRate > 0 || options.stepUsers > 0 || options.thinkTimeMs > 0)
        r->m_messages << QStringLiteral("pgbench starts every client at once and has no think time: the scenario's "
                                        "spawn rate, steps and think time were not applied");
    return r;
}

PgbenchRunner::PgbenchRunner(const EngineOptions& options)
    : m_options(options)
{
    qRegisterMetaType<LoadSecond>();
    qRegisterMetaType<RunResult>();
    watchScenario(options);
}

PgbenchRunner::~PgbenchRunner()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->disconnect(this);
        m_process->kill();
        m_process->waitForFinished(2000);
    }
}

void PgbenchRunner::setLogDir(const QString& dir)
{
    m_logDir = dir;
    QDir().mkpath(dir);
    for (QString& a : m_args)
        if (a.startsWith(QLatin1String("--log-prefix=")))
            a = QStringLiteral("--log-prefix=%1/tx").arg(dir);
}

QString PgbenchRunner::command() const
{
    return shellJoin(m_program, m_args);
}

bool PgbenchRunner::isRunning() const
{
    return m_running;
}

void PgbenchRunner::start()
{
    if (m_running)
        return;
    m_running = true;
    m_process = new QProcess(this);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PGAPPNAME"), QStringLiteral("vigil-pgbench"));
    if (!m_options.password.isEmpty())
        env.insert(QStringLiteral("PGPASSWORD"), m_options.password); // the child's environment only
    if (m_options.connectTimeoutSec > 0)
        env.insert(QStringLiteral("PGCONNECT_TIMEOUT"), QString::number(m_options.connectTimeoutSec));
    m_process->setProcessEnvironment(env);
    connect(m_process, &QProcess::readyReadStandardError, this, &PgbenchRunner::onStderr);
    connect(m_process, &QProcess::finished, this, &PgbenchRunner::onFinished);
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart)
            onFinished();
    });
    m_wall.start();
    m_process->start(m_program, m_args);
}

void PgbenchRunner::stop()
{
    if (!m_running || m_stopRequested)
        return;
    m_stopRequested = true;
    // pgbench has no graceful stop: SIGINT ends it as Ctrl+C does (its last buffered log lines
    // are lost, so a stopped run's figures are what reached the log).
    interruptThenKill(m_process, SIGINT, kStopGraceMs);
}

bool PgbenchRunner::parseProgress(const QString& line, Progress* out)
{
    static const QRegularExpression re(QStringLiteral(
        R"(^progress: ([0-9.]+) s, ([0-9.]+) tps, lat ([0-9.]+|-?nan) ms stddev (?:[0-9.]+|-?nan|NaN)(?:, ([0-9]+) failed)?)"));
    const QRegularExpressionMatch m = re.match(line);
    if (!m.hasMatch())
        return false;
    out->elapsedSec = m.captured(1).toDouble();
    out->tps = m.captured(2).toDouble();
    bool ok = false;
    out->latencyMs = m.captured(3).toDouble(&ok);
    if (!ok || !std::isfinite(out->latencyMs))
        out->latencyMs = 0;
    out->failed = m.captured(4).toLongLong();
    return true;
}

bool PgbenchRunner::parseLogLine(const QByteArray& line, LogRecord* out)
{
    const QList<QByteArray> f = line.trimmed().split(' ');
    if (f.size() < 6)
        return false;
    bool okEpoch = false, okUs = false;
    const qint64 epoch = f[4].toLongLong(&okEpoch);
    const qint64 us = f[5].toLongLong(&okUs);
    if (!okEpoch || !okUs)
        return false;
    *out = {};
    out->endUs = epoch * 1000000 + us;
    const QByteArray& t = f[2];
    if (t == "skipped") {
        out->skipped = true;
    } else if (t == "failed" || t == "serialization" || t == "deadlock") {
        out->failed = true;
    } else {
        bool ok = false;
        out->latencyUs = t.toLongLong(&ok);
        if (!ok)
            return false;
    }
    return true;
}

void PgbenchRunner::add(const LogRecord& r)
{
    if (r.skipped)
        return;
    // pgbench lets the transactions in flight at -T finish: they count in the last second, as the
    // native engine counts them, rather than in a second of their own after the run.
    const int last = std::max(1, int(std::ceil(m_options.durationSec)));
    const int sec = std::clamp(int((r.endUs - m_startUs) / 1000000) + 1, 1, last);
    Second& s = m_seconds[sec];
    if (r.failed) {
        ++s.failed;
        return;
    }
    if (s.count == 0 && !s.latency)
        s.latency.emplace();
    ++s.count;
    if (s.latency)
        s.latency->record(r.latencyUs * 1000);
    m_total.record(r.latencyUs * 1000);
}

void PgbenchRunner::readLogs()
{
    // One file per pgbench thread: tx.PID, tx.PID.1, ... Each is read from where the last read
    // stopped, whole lines only (pgbench writes through stdio, so a line may be half there).
    const QDir dir(m_logDir);
    for (const QString& name : dir.entryList({QStringLiteral("tx.*")}, QDir::Files)) {
        QFile f(dir.filePath(name));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        qint64& offset = m_offsets[name];
        if (!f.seek(offset))
            continue;
        const QByteArray data = f.readAll();
        const qsizetype end = data.lastIndexOf('\n');
        if (end < 0)
            continue;
        offset += end + 1;
        qsizetype from = 0;
        while (from <= end) {
            const qsizetype nl = data.indexOf('\n', from);
            LogRecord r;
            if (parseLogLine(data.mid(from, nl - from), &r)) {
                if (m_startUs < 0)
                    m_early.append(r);
                else
                    add(r);
            }
            from = nl + 1;
        }
    }
}

void PgbenchRunner::onStderr()
{
    m_stderr += m_process->readAllStandardError();
    qsizetype nl;
    while ((nl = m_stderr.indexOf('\n')) >= 0) {
        const QString line = QString::fromLocal8Bit(m_stderr.left(nl)).trimmed();
        m_stderr.remove(0, nl + 1);
        Progress p;
        if (!parseProgress(line, &p)) {
            static const QRegularExpression aborted(QStringLiteral("^client \\d+ aborted"));
            if (aborted.match(line).hasMatch()) {
                ++m_aborted;
                ++m_abortsBySecond[std::max(1, int(std::ceil(m_lastElapsed)))];
            }
            if (!line.isEmpty() && m_messages.size() < 20 && !line.startsWith(QLatin1String("pgbench (")))
                m_messages << line;
            continue;
        }
        if (m_startUs < 0) {
            m_startUs = nowUs() - qint64(p.elapsedSec * 1e6);
            for (const LogRecord& r : std::as_const(m_early))
                add(r);
            m_early.clear();
        }
        readLogs();
        LoadSecond s;
        s.second = std::max(1, int(std::lround(p.elapsedSec)));
        // pgbench's own count for the interval; the log's exact figures replace it at the end.
        s.transactions = std::llround(p.tps * std::max(0.0, p.elapsedSec - m_lastElapsed));
        s.errors = p.failed;
        s.activeUsers = m_options.users - m_aborted;
        s.targetUsers = m_options.users;
        const auto it = m_seconds.find(s.second);
        if (it != m_seconds.end() && it->second.latency && it->second.latency->count() > 0)
            s.latency = summarize(*it->second.latency);
        else
            s.latency.avgMs = p.latencyMs;
        for (auto& [sec, data] : m_seconds) {
            if (sec >= s.second - kFoldAfterSec)
                break;
            if (data.latency) {
                data.folded = summarize(*data.latency);
                data.latency.reset();
            }
        }
        m_lastElapsed = p.elapsedSec;
        Q_EMIT secondReady(s);
    }
}

RunResult PgbenchRunner::buildResult()
{
    RunResult r;
    r.scenario = m_options.scenarioName;
    r.workload = m_options.workloadName;
    r.target = m_options.targetName;
    r.protocol = protocolName(m_options.protocol) + QStringLiteral(" (pgbench)");
    r.users = m_options.users;
    r.threads = m_args.at(m_args.indexOf(QStringLiteral("-j")) + 1).toInt();
    r.durationSec = m_lastElapsed > 0 ? m_lastElapsed : double(m_wall.elapsed()) / 1000.0;
    const int last = m_seconds.empty() ? 0 : m_seconds.rbegin()->first;
    for (int sec = 1; sec <= last; ++sec) {
        LoadSecond s;
        s.second = sec;
        const auto it = m_seconds.find(sec);
        if (it != m_seconds.end()) {
            s.transactions = it->second.count;
            s.errors = it->second.failed;
            s.latency = it->second.latency ? summarize(*it->second.latency) : it->second.folded;
        }
        const auto ab = m_abortsBySecond.find(sec);
        if (ab != m_abortsBySecond.end()) {
            s.errors += ab->second;
            s.errorsBySqlstate[QStringLiteral("aborted")] += ab->second;
        }
        if (it != m_seconds.end() && it->second.failed)
            s.errorsBySqlstate[QStringLiteral("failed")] += it->second.failed;
        s.statements = 0; // pgbench's log has no per-statement figures
        s.activeUsers = s.targetUsers = m_options.users;
        for (auto e = s.errorsBySqlstate.cbegin(); e != s.errorsBySqlstate.cend(); ++e)
            r.errorsBySqlstate[e.key()] += e.value();
        r.transactions += s.transactions;
        r.errors += s.errors;
        r.seconds.append(s);
    }
    r.maxActiveUsers = m_options.users;
    r.latency = summarize(m_total);
    r.tps = r.durationSec > 0 ? double(r.transactions) / r.durationSec : 0;
    if (m_reportedTx >= 0 && m_reportedTx != r.transactions)
        m_messages << QStringLiteral("pgbench reported %1 transactions, its log holds %2")
                          .arg(m_reportedTx)
                          .arg(r.transactions);
    r.messages = m_messages;
    return r;
}

void PgbenchRunner::onFinished()
{
    if (!m_running)
        return;
    m_running = false;
    onStderr();
    const QString out = QString::fromLocal8Bit(m_process->readAllStandardOutput());
    static const QRegularExpression processed(QStringLiteral("number of transactions actually processed: (\\d+)"));
    static const QRegularExpression tps(QStringLiteral("tps = ([0-9.]+) \\(without initial connection time\\)"));
    if (const auto m = processed.match(out); m.hasMatch())
        m_reportedTx = m.captured(1).toLongLong();
    if (const auto m = tps.match(out); m.hasMatch())
        m_reportedTps = m.captured(1).toDouble();
    if (m_startUs < 0) {
        // Ended before its first progress line: start at the earliest transaction's start.
        readLogs();
        qint64 first = nowUs();
        for (const LogRecord& rec : std::as_const(m_early))
            first = std::min(first, rec.endUs - rec.latencyUs);
        m_startUs = first;
        for (const LogRecord& rec : std::as_const(m_early))
            add(rec);
        m_early.clear();
    }
    readLogs();
    RunResult r = buildResult();
    const bool crashed = m_process->exitStatus() != QProcess::NormalExit;
    const int code = m_process->exitCode();
    if (m_process->error() == QProcess::FailedToStart) {
        r.error = QStringLiteral("%1 did not start: %2").arg(m_program, m_process->errorString());
    } else if (m_stopRequested) {
        r.ok = true;
        r.stopReason = QStringLiteral("stopped");
    } else if (!crashed && (code == 0 || code == 2) && (r.transactions > 0 || m_lastElapsed > 0)) {
        // Exit 2: some clients aborted (counted as errors); the run itself happened.
        r.ok = true;
        r.stopReason = code == 0 ? QStringLiteral("duration") : QStringLiteral("duration (clients aborted)");
        if (m_reportedTps >= 0)
            r.tps = m_reportedTps; // pgbench's own figure, without connection time
    } else {
        r.error = m_messages.isEmpty()
            ? QStringLiteral("pgbench exited with code %1").arg(code)
            : m_messages.mid(std::max<qsizetype>(0, m_messages.size() - 3)).join(QLatin1Char(' '));
    }
    applyScenario(&r);
    Q_EMIT finished(r);
}

} // namespace vigil::loadtest
