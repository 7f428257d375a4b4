#include "locustrunner.h"

#include "childprocess.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTcpServer>
#include <algorithm>
#include <cmath>
#include <csignal>

namespace vigil::loadtest {

namespace {

constexpr int kStopGraceMs = 5000;

// A free TCP port on 127.0.0.1 for the master's worker channel (the default 5557 may be taken by
// another run or another tool).
int freePort()
{
    QTcpServer s;
    return s.listen(QHostAddress::LocalHost, 0) ? s.serverPort() : 5557;
}

// The interpreter locust runs under (its #! line), so the launcher imports the same locust.
QString pythonOf(const QString& locust)
{
    QFile f(locust);
    if (f.open(QIODevice::ReadOnly)) {
        const QByteArray first = f.readLine().trimmed();
        if (first.startsWith("#!")) {
            const QList<QByteArray> parts = first.mid(2).trimmed().split(' ');
            if (!parts.isEmpty() && QFileInfo(QString::fromLocal8Bit(parts.first())).isExecutable()
                && !parts.first().endsWith("/env"))
                return QString::fromLocal8Bit(parts.first());
        }
    }
    return findProgram(QStringLiteral("python3"), {QStringLiteral("/usr/bin/python3")});
}

bool extract(const QString& resource, const QString& path, QString* error)
{
    QFile in(resource);
    QFile out(path);
    if (!in.open(QIODevice::ReadOnly) || !out.open(QIODevice::WriteOnly) || out.write(in.readAll()) < 0) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, out.errorString());
        return false;
    }
    return true;
}

LatencySummary latencyOf(const QJsonObject& e)
{
    LatencySummary s;
    s.avgMs = e.value(QLatin1String("avg_ms")).toDouble();
    s.p50Ms = e.value(QLatin1String("p50_ms")).toDouble();
    s.p95Ms = e.value(QLatin1String("p95_ms")).toDouble();
    s.p99Ms = e.value(QLatin1String("p99_ms")).toDouble();
    s.maxMs = e.value(QLatin1String("max_ms")).toDouble();
    return s;
}

} // namespace

QStringList LocustRunner::builtinLocustfiles()
{
    return QDir(QStringLiteral(":/locust"))
        .entryList({QStringLiteral("*.py")}, QDir::Files)
        .filter(QRegularExpression(QStringLiteral("^(?!vigil_)")));
}

std::unique_ptr<LocustRunner> LocustRunner::create(const EngineOptions& options, const LocustOptions& locust,
                                                   QString* error)
{
    std::unique_ptr<LocustRunner> r(new LocustRunner(options, locust));
    const QString program = findProgram(QStringLiteral("locust"));
    if (program.isEmpty()) {
        *error = QStringLiteral("locust is not installed (Debian: python3-locust)");
        return nullptr;
    }
    if (locust.host.isEmpty() || !locust.host.contains(QLatin1String("://"))) {
        *error = QStringLiteral("Locust needs the target's base URL (--host http://HOST:PORT)");
        return nullptr;
    }
    if (options.users < 1 || options.durationSec <= 0) {
        *error = QStringLiteral("a run needs at least one user and a positive duration");
        return nullptr;
    }
    if (!r->m_tmp.isValid()) {
        *error = QStringLiteral("cannot create a temporary directory: %1").arg(r->m_tmp.errorString());
        return nullptr;
    }
    r->m_python = pythonOf(program);
    r->m_launcher = r->m_tmp.filePath(QStringLiteral("vigil_locust.py"));
    if (!extract(QStringLiteral(":/locust/vigil_locust.py"), r->m_launcher, error))
        return nullptr;
    // A shipped locustfile by name, else the operator's file.
    r->m_locustfile = locust.locustfile;
    if (!QFileInfo::exists(r->m_locustfile) && builtinLocustfiles().contains(locust.locustfile)) {
        r->m_locustfile = r->m_tmp.filePath(locust.locustfile);
        if (!extract(QStringLiteral(":/locust/") + locust.locustfile, r->m_locustfile, error))
            return nullptr;
    }
    if (!QFileInfo::exists(r->m_locustfile)) {
        *error = QStringLiteral("no locustfile %1 (shipped: %2)")
                     .arg(locust.locustfile, builtinLocustfiles().join(QStringLiteral(", ")));
        return nullptr;
    }
    // Locust runs in its own working directory: a relative path must not be read from there.
    r->m_locustfile = QFileInfo(r->m_locustfile).absoluteFilePath();
    r->m_prefix = r->m_tmp.filePath(QStringLiteral("run"));
    const double rate = options.spawnRate > 0 ? options.spawnRate : double(options.users);
    QStringList args {r->m_launcher,
                      QStringLiteral("-f"),
                      r->m_locustfile,
                      QStringLiteral("--headless"),
                      QStringLiteral("--only-summary"),
                      QStringLiteral("-u"),
                      QString::number(options.users),
                      QStringLiteral("-r"),
                      QString::number(rate),
                      QStringLiteral("-t"),
                      QStringLiteral("%1s").arg(int(std::ceil(options.durationSec))),
                      QStringLiteral("--host"),
                      locust.host,
                      QStringLiteral("--csv"),
                      r->m_prefix,
                      QStringLiteral("--csv-full-history")};
    if (locust.workers > 0) {
        const QString port = QString::number(freePort());
        args << QStringLiteral("--master") << QStringLiteral("--master-bind-host") << QStringLiteral("127.0.0.1")
             << QStringLiteral("--master-bind-port") << port << QStringLiteral("--expect-workers")
             << QString::number(locust.workers) << QStringLiteral("--expect-workers-max-wait") << QStringLiteral("30");
        for (int i = 0; i < locust.workers; ++i)
            r->m_workerArgs.append({r->m_launcher, QStringLiteral("-f"), r->m_locustfile, QStringLiteral("--worker"),
                                    QStringLiteral("--master-host"), QStringLiteral("127.0.0.1"),
                                    QStringLiteral("--master-port"), port});
    }
    r->m_masterArgs = args;
    return r;
}

LocustRunner::LocustRunner(const EngineOptions& options, const LocustOptions& locust)
    : m_options(options)
    , m_locust(locust)
{
    qRegisterMetaType<LoadSecond>();
    qRegisterMetaType<RunResult>();
    watchScenario(options);
    m_poll.setInterval(1000);
    connect(&m_poll, &QTimer::timeout, this, &LocustRunner::poll);
}

LocustRunner::~LocustRunner()
{
    m_poll.stop();
    QList<QProcess*> all = m_workers;
    if (m_master)
        all.prepend(m_master);
    for (QProcess* p : all) {
        p->disconnect(this);
        if (p->state() != QProcess::NotRunning) {
            p->kill();
            p->waitForFinished(2000);
        }
    }
}

QString LocustRunner::command() const
{
    QString cmd = shellJoin(m_python, m_masterArgs);
    if (!m_workerArgs.isEmpty())
        cmd += QStringLiteral(" & %1 × %2").arg(m_workerArgs.size()).arg(shellJoin(m_python, m_workerArgs.first()));
    return cmd;
}

QProcess* LocustRunner::launch(const QStringList& args)
{
    auto* p = new QProcess(this);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("VIGIL_LOCUST_FINAL"), m_prefix + QStringLiteral("_vigil_final.json"));
    env.insert(QStringLiteral("PYTHONUNBUFFERED"), QStringLiteral("1"));
    p->setProcessEnvironment(env);
    p->setWorkingDirectory(m_tmp.path());
    p->start(m_python, args);
    return p;
}

void LocustRunner::start()
{
    if (m_running)
        return;
    m_running = true;
    m_wall.start();
    m_master = launch(m_masterArgs);
    connect(m_master, &QProcess::readyReadStandardError, this, &LocustRunner::onMasterStderr);
    connect(m_master, &QProcess::finished, this, &LocustRunner::onMasterFinished);
    connect(m_master, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart)
            onMasterFinished();
    });
    for (const QStringList& args : std::as_const(m_workerArgs)) {
        QProcess* w = launch(args);
        w->setProcessChannelMode(QProcess::MergedChannels);
        connect(w, &QProcess::readyRead, w, [w] { w->readAll(); }); // not needed; keep the pipe empty
        m_workers.append(w);
    }
    m_poll.start();
}

void LocustRunner::stop()
{
    if (!m_running || m_stopRequested)
        return;
    m_stopRequested = true;
    // SIGTERM is Locust's own clean shutdown (it stops the users, tells its workers to quit and
    // prints its summary); whatever is still there after the grace period is killed.
    interruptThenKill(m_master, SIGTERM, kStopGraceMs);
    for (QProcess* w : std::as_const(m_workers))
        interruptThenKill(w, SIGTERM, kStopGraceMs);
}

QStringList LocustRunner::splitCsv(const QString& line)
{
    QStringList out;
    QString field;
    bool quoted = false;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line[i];
        if (quoted) {
            if (c == QLatin1Char('"') && i + 1 < line.size() && line[i + 1] == QLatin1Char('"')) {
                field += c;
                ++i;
            } else if (c == QLatin1Char('"')) {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == QLatin1Char('"')) {
            quoted = true;
        } else if (c == QLatin1Char(',')) {
            out << field;
            field.clear();
        } else if (c != QLatin1Char('\r')) {
            field += c;
        }
    }
    out << field;
    return out;
}

bool LocustRunner::parseHistoryRow(const QString& line, HistoryRow* out)
{
    // Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,
    // 99.99%,100%,Total Request Count,Total Failure Count,Total Median Response Time,
    // Total Average Response Time,Total Min Response Time,Total Max Response Time,Total Average Content Size
    const QStringList f = splitCsv(line);
    if (f.size() < 21)
        return false;
    bool ok = false;
    out->timestamp = f[0].toLongLong(&ok);
    if (!ok)
        return false;
    out->users = f[1].toInt();
    out->name = f[3];
    const auto pct = [](const QString& v) {
        bool good = false;
        const double d = v.toDouble(&good);
        return good ? d : -1.0;
    };
    out->p50 = pct(f[6]);
    out->p95 = pct(f[11]);
    out->p99 = pct(f[13]);
    out->p100 = pct(f[16]);
    out->totalRequests = f[17].toLongLong();
    out->totalFailures = f[18].toLongLong();
    out->totalAvgMs = f[20].toDouble();
    return true;
}

void LocustRunner::poll()
{
    QFile f(m_prefix + QStringLiteral("_stats_history.csv"));
    if (!f.open(QIODevice::ReadOnly) || !f.seek(m_offset))
        return;
    const QByteArray data = f.readAll();
    const qsizetype end = data.lastIndexOf('\n');
    if (end < 0)
        return;
    m_offset += end + 1;
    const QList<QByteArray> lines = data.left(end).split('\n');
    for (const QByteArray& raw : lines) {
        HistoryRow row;
        if (!parseHistoryRow(QString::fromUtf8(raw), &row) || row.name != QLatin1String("Aggregated"))
            continue;
        // Rows before anything happened (Locust writes one as it starts) are not a second of load.
        if (!m_seenRows && row.totalRequests == 0 && row.users == 0)
            continue;
        LoadSecond s;
        s.second = int(m_seconds.size()) + 1;
        const qint64 failures = row.totalFailures - m_prev.totalFailures;
        s.errors = std::max<qint64>(0, failures);
        s.transactions = std::max<qint64>(0, row.totalRequests - m_prev.totalRequests - failures);
        s.statements = s.transactions + s.errors;
        s.activeUsers = row.users;
        const double rate = m_options.spawnRate > 0 ? m_options.spawnRate : double(m_options.users);
        s.targetUsers = std::min(m_options.users, int(std::lround(rate * s.second)));
        s.latency.p50Ms = std::max(0.0, row.p50);
        s.latency.p95Ms = std::max(0.0, row.p95);
        s.latency.p99Ms = std::max(0.0, row.p99);
        s.latency.maxMs = std::max(0.0, row.p100);
        s.latency.avgMs = row.totalAvgMs;
        if (s.errors)
            s.errorsBySqlstate[QStringLiteral("HTTP failure")] = s.errors;
        m_prev = row;
        m_seenRows = true;
        m_seconds.append(s);
        Q_EMIT secondReady(s);
    }
}

void LocustRunner::onMasterStderr()
{
    m_stderr += m_master->readAllStandardError();
    qsizetype nl;
    static const QRegularExpression connected(QStringLiteral("(\\d+) workers connected"));
    while ((nl = m_stderr.indexOf('\n')) >= 0) {
        const QString line = QString::fromLocal8Bit(m_stderr.left(nl)).trimmed();
        m_stderr.remove(0, nl + 1);
        if (const auto m = connected.match(line); m.hasMatch())
            m_workersConnected = std::max(m_workersConnected, m.captured(1).toInt());
        if (!line.isEmpty())
            m_log << line;
        if (m_log.size() > 200)
            m_log.removeFirst();
    }
}

RunResult LocustRunner::buildResult(QString* error)
{
    RunResult r;
    r.scenario = m_options.scenarioName;
    r.workload = QFileInfo(m_locust.locustfile).fileName();
    r.target = m_locust.host;
    r.protocol = QStringLiteral("http (locust)");
    r.users = m_options.users;
    r.threads = std::max(1, m_locust.workers);
    r.seconds = m_seconds;
    r.durationSec = std::min(double(m_wall.elapsed()) / 1000.0, double(m_seconds.size()));
    for (const LoadSecond& s : std::as_const(m_seconds))
        r.maxActiveUsers = std::max(r.maxActiveUsers, s.activeUsers);
    QFile f(m_prefix + QStringLiteral("_vigil_final.json"));
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("Locust wrote no final figures");
        return r;
    }
    const QJsonObject final = QJsonDocument::fromJson(f.readAll()).object();
    const QJsonObject total = final.value(QLatin1String("total")).toObject();
    const qint64 requests = total.value(QLatin1String("requests")).toInteger();
    const qint64 failures = total.value(QLatin1String("failures")).toInteger();
    r.transactions = requests - failures;
    r.errors = failures;
    r.statements = requests;
    r.latency = latencyOf(total);
    // The last moments after the last history row, so the seconds add up to the totals.
    qint64 seenTx = 0, seenErrors = 0;
    for (const LoadSecond& s : std::as_const(r.seconds)) {
        seenTx += s.transactions;
        seenErrors += s.errors;
    }
    if (r.transactions > seenTx || r.errors > seenErrors) {
        LoadSecond tail;
        tail.second = int(r.seconds.size()) + 1;
        tail.transactions = std::max<qint64>(0, r.transactions - seenTx);
        tail.errors = std::max<qint64>(0, r.errors - seenErrors);
        tail.statements = tail.transactions + tail.errors;
        tail.activeUsers = r.seconds.isEmpty() ? 0 : r.seconds.last().activeUsers;
        tail.targetUsers = r.seconds.isEmpty() ? m_options.users : r.seconds.last().targetUsers;
        if (tail.errors)
            tail.errorsBySqlstate[QStringLiteral("HTTP failure")] = tail.errors;
        // Locust's percentiles of its last 2 s at quit (null when it had none).
        tail.latency.p50Ms = total.value(QLatin1String("current_p50_ms")).toDouble();
        tail.latency.p95Ms = total.value(QLatin1String("current_p95_ms")).toDouble();
        tail.latency.p99Ms = total.value(QLatin1String("current_p99_ms")).toDouble();
        r.seconds.append(tail);
    }
    const double start = final.value(QLatin1String("start_time")).toDouble();
    const double last = final.value(QLatin1String("last_request")).toDouble();
    if (last > start && start > 0)
        r.durationSec = last - start;
    r.tps = r.durationSec > 0 ? double(r.transactions) / r.durationSec : 0;
    int line = 0;
    for (const QJsonValue& v : final.value(QLatin1String("entries")).toArray()) {
        const QJsonObject e = v.toObject();
        StatementStats st;
        st.line = ++line;
        st.sql = (e.value(QLatin1String("method")).toString() + QLatin1Char(' ')
                  + e.value(QLatin1String("name")).toString())
                     .trimmed();
        st.errors = e.value(QLatin1String("failures")).toInteger();
        st.count = e.value(QLatin1String("requests")).toInteger() - st.errors;
        st.latency = latencyOf(e);
        r.perStatement.append(st);
    }
    for (const QJsonValue& v : final.value(QLatin1String("errors")).toArray()) {
        const QJsonObject e = v.toObject();
        const QString what = e.value(QLatin1String("error")).toString();
        // The exception's kind ("HTTPError('500 Server Error...')" -> "HTTPError 500") keys the count.
        static const QRegularExpression kindRe(QStringLiteral("^(\\w+)\\('?(\\d{3})?"));
        const auto m = kindRe.match(what);
        const QString key = m.hasMatch()
            ? (m.captured(1) + (m.captured(2).isEmpty() ? QString() : QLatin1Char(' ') + m.captured(2)))
            : what.left(40);
        r.errorsBySqlstate[key] += e.value(QLatin1String("occurrences")).toInteger();
        if (r.messages.size() < 10)
            r.messages << QStringLiteral("%1 %2: %3 (%4 times)")
                              .arg(e.value(QLatin1String("method")).toString(),
                                   e.value(QLatin1String("name")).toString(), what)
                              .arg(e.value(QLatin1String("occurrences")).toInteger());
    }
    if (m_locust.workers > 0)
        r.messages << QStringLiteral("distributed: a master and %1 workers; %2 connected")
                          .arg(m_locust.workers)
                          .arg(m_workersConnected);
    return r;
}

void LocustRunner::onMasterFinished()
{
    if (!m_running)
        return;
    m_running = false;
    m_poll.stop();
    onMasterStderr();
    poll();
    QString error;
    RunResult r = buildResult(&error);
    if (m_master->error() == QProcess::FailedToStart) {
        r.error = QStringLiteral("%1 did not start: %2").arg(m_python, m_master->errorString());
    } else if (!error.isEmpty()) {
        // No figures: Locust failed before or while running (bad locustfile, no workers came).
        QStringList tail;
        for (const QString& l : std::as_const(m_log))
            if (l.contains(QLatin1String("Error")) || l.contains(QLatin1String("error")))
                tail << l;
        r.error = error + QStringLiteral(": ")
            + (tail.isEmpty() ? m_log.mid(std::max<qsizetype>(0, m_log.size() - 3)) : tail.mid(0, 3))
                  .join(QLatin1Char(' '));
    } else {
        r.ok = true;
        r.stopReason = m_stopRequested ? QStringLiteral("stopped") : QStringLiteral("duration");
    }
    // Workers quit when the master tells them; any left over are ended.
    for (QProcess* w : std::as_const(m_workers))
        interruptThenKill(w, SIGTERM, 2000);
    applyScenario(&r);
    Q_EMIT finished(r);
}

} // namespace vigil::loadtest
