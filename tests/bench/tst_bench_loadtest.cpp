// Benchmark: Vigil's native load engine against pgbench on the same sandbox primary, same database
// (pgbench -i -s 10 in a database of its own), same duration, 10 users on 2 threads, prepared
// statements, alternating the two tools three times:
//  - select-only: Vigil's tps at least 1.0x pgbench -S -M prepared -c 10 -j 2;
//  - tpcb-like: at least 0.95x pgbench -M prepared -c 10 -j 2;
//  - Vigil's p50 and p99 within 10 % of those of pgbench's per-transaction log (-l), from runs
//    of their own in each round (medians of the three rounds).
// Before every run of either tool the tables get what pgbench does by default before its own run
// (VACUUM of branches and tellers, TRUNCATE of history), and pgbench runs with -n, so neither
// tool starts from a better state. Results are printed as "BENCH name value unit" lines.
#include "loadtest/loadengine.h"
#include "loadtest/workloads.h"
#include "machineload.h"
#include "pg/pgconnection.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <cmath>

#include <sys/resource.h>

using namespace vigil;
using namespace vigil::loadtest;

namespace {
const QString kPgbench = QStringLiteral("/usr/lib/postgresql/15/bin/pgbench");
const QString kDatabase = QStringLiteral("vigil_bench");
constexpr int kUsers = 10, kThreads = 2, kSeconds = 10, kRounds = 3;

struct Measured
{
    double tps = 0, p50Ms = 0, p99Ms = 0, meanMs = 0;
    // The client's own CPU (user + system) per transaction: on 2 cores the client's CPU is taken
    // from the server's, so this is what decides which tool can drive the server harder.
    double cpuUsPerTx = 0;
    // Little's law for a closed loop without think time: users = tps x mean latency when the
    // latency covers each user's whole cycle (a gap between transactions would make it smaller).
    // A check of what each tool measures that run-to-run noise does not blur.
    double busyUsers() const { return tps * meanMs / 1000.0; }
};

double cpuSeconds(int who)
{
    rusage u {};
    getrusage(who, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double nearestRank(std::vector<double> v, double q)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const auto rank = std::max<size_t>(1, size_t(std::ceil(q * double(v.size()))));
    return v[rank - 1];
}
} // namespace

class BenchLoadTest : public QObject
{
    Q_OBJECT
private:
    QString m_conninfo;
    int m_port = 0;

    void resetTables()
    {
        pg::Connection c;
        pg::ConnectOptions o;
        o.conninfo = m_conninfo;
        o.database = kDatabase;
        o.statementTimeoutMs = 120000;
        QVERIFY2(c.open(o), qPrintable(c.lastError()));
        QVERIFY(c.execSimple(QStringLiteral("VACUUM pgbench_branches")).ok());
        QVERIFY(c.execSimple(QStringLiteral("VACUUM pgbench_tellers")).ok());
        QVERIFY(c.execSimple(QStringLiteral("TRUNCATE pgbench_history")).ok());
        QVERIFY(c.execSimple(QStringLiteral("CHECKPOINT")).ok());
    }

    Measured runVigil(const QString& workload)
    {
        resetTables();
        return runVigilNow(workload);
    }

    Measured runVigilNow(const QString& workload)
    {
        EngineOptions o;
        o.conninfo = m_conninfo;
        o.database = kDatabase;
        o.users = kUsers;
        o.threads = kThreads;
        o.durationSec = kSeconds;
        o.protocol = Protocol::Prepared;
        // Connected and prepared before the clock starts, as pgbench's clients are: both tps
        // figures are then "without initial connection time".
        o.connectFirst = true;
        Script s;
        QString error;
        if (!loadWorkload(workload, &s, &error))
            qFatal("%s", qPrintable(error));
        LoadEngine engine(o, s);
        const double cpuBefore = cpuSeconds(RUSAGE_SELF);
        const RunResult r = engine.run();
        const double cpu = cpuSeconds(RUSAGE_SELF) - cpuBefore;
        if (!r.ok || r.errors)
            qFatal("vigil run failed: %s %s", qPrintable(r.error), qPrintable(r.messages.join(QLatin1Char(' '))));
        return {r.tps, r.latency.p50Ms, r.latency.p99Ms, r.latency.avgMs,
                cpu * 1e6 / double(std::max<qint64>(1, r.transactions))};
    }

    QStringList pgbenchArgs(const QString& workload, const QString& logDir) const
    {
        QStringList args {"-n",
                          "-M",
                          "prepared",
                          "-c",
                          QString::number(kUsers),
                          "-j",
                          QString::number(kThreads),
                          "-T",
                          QString::number(kSeconds),
                          "-h",
                          "127.0.0.1",
                          "-p",
                          QString::number(m_port),
                          "-U",
                          "postgres"};
        if (workload == QLatin1String("select-only"))
            args << "-S";
        if (!logDir.isEmpty())
            args << "-l"
                 << "--log-prefix" << logDir + QStringLiteral("/pgbench_log");
        return args << kDatabase;
    }

    // pgbench's tps from its summary; with logDir, p50/p99 from its per-transaction log.
    static Measured pgbenchResult(QProcess& p, const QString& logDir, double childCpuBefore)
    {
        if (!p.waitForFinished(kSeconds * 1000 + 60000))
            qFatal("pgbench did not finish");
        const double cpu = cpuSeconds(RUSAGE_CHILDREN) - childCpuBefore;
        const QString out = QString::fromUtf8(p.readAllStandardOutput());
        if (p.exitCode() != 0)
            qFatal("pgbench failed: %s %s", qPrintable(out), p.readAllStandardError().constData());
        Measured m;
        m.tps = QRegularExpression(QStringLiteral("tps = ([0-9.]+)")).match(out).captured(1).toDouble();
        const double done = QRegularExpression(QStringLiteral("transactions actually processed: (\\d+)"))
                                .match(out)
                                .captured(1)
                                .toDouble();
        m.cpuUsPerTx = done > 0 ? cpu * 1e6 / done : 0;
        if (!logDir.isEmpty()) {
            // Lines: client_id transaction_no time(us) script_no time_epoch time_us
            std::vector<double> latencies;
            const QStringList files = QDir(logDir).entryList({QStringLiteral("pgbench_log*")}, QDir::Files);
            for (const QString& f : files) {
                QFile file(logDir + QLatin1Char('/') + f);
                if (!file.open(QIODevice::ReadOnly))
                    continue;
                while (!file.atEnd()) {
                    const QList<QByteArray> cols = file.readLine().split(' ');
                    if (cols.size() >= 3)
                        latencies.push_back(cols[2].toDouble() / 1000.0);
                }
                file.remove();
            }
            m.p50Ms = nearestRank(latencies, 0.50);
            m.p99Ms = nearestRank(latencies, 0.99);
            double sum = 0;
            for (double l : latencies)
                sum += l;
            m.meanMs = latencies.empty() ? 0 : sum / double(latencies.size());
        }
        return m;
    }

    Measured runPgbench(const QString& workload)
    {
        resetTables();
        QProcess p;
        const double cpuBefore = cpuSeconds(RUSAGE_CHILDREN);
        p.start(kPgbench, pgbenchArgs(workload, {}));
        return pgbenchResult(p, {}, cpuBefore);
    }

    Measured runPgbenchLogged(const QString& workload)
    {
        resetTables();
        QTemporaryDir logs;
        QProcess p;
        const double cpuBefore = cpuSeconds(RUSAGE_CHILDREN);
        p.start(kPgbench, pgbenchArgs(workload, logs.path()));
        return pgbenchResult(p, logs.path(), cpuBefore);
    }

    static double median(std::vector<double> v)
    {
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    }

    void compare(const QString& workload, double minRatio)
    {
        // Each round: pgbench (for tps), Vigil, and pgbench -l (for its per-transaction
        // latencies, in a run of its own because writing the log slows pgbench down). Odd rounds
        // go pgbench, Vigil, pgbench -l; even rounds pgbench -l, Vigil, pgbench: which of the two
        // tps runs goes first alternates, and Vigil's run always sits right next to both pgbench
        // runs, so each pair compared saw as nearly the same machine as two runs in turn can.
        double vigilSum = 0, pgbenchSum = 0;
        std::vector<double> vigilP50, vigilP99, logP50, logP99;
        std::vector<test::MachineLoad> machines;
        for (int round = 1; round <= kRounds; ++round) {
            // What else runs on the machine, seen while nothing of ours runs.
            const test::MachineLoad machine = test::sampleMachineLoad(2000);
            machines.push_back(machine);
            Measured v, p, logged;
            if (round % 2) {
                p = runPgbench(workload);
                v = runVigil(workload);
                logged = runPgbenchLogged(workload);
            } else {
                logged = runPgbenchLogged(workload);
                v = runVigil(workload);
                p = runPgbench(workload);
            }
            vigilSum += v.tps;
            pgbenchSum += p.tps;
            vigilP50.push_back(v.p50Ms);
            vigilP99.push_back(v.p99Ms);
            logP50.push_back(logged.p50Ms);
            logP99.push_back(logged.p99Ms);
            qInfo("BENCH loadtest_%s_round%d vigil %.0f tps, pgbench %.0f tps, ratio %.3f x; p50 vigil %.3f ms, "
                  "pgbench-log %.3f ms; p99 vigil %.3f ms, pgbench-log %.3f ms (logged run %.0f tps); tps x mean "
                  "latency vigil %.2f, pgbench-log %.2f (of %d users); client CPU per transaction vigil %.1f us, "
                  "pgbench %.1f us, pgbench-log %.1f us; before it %s",
                  qPrintable(workload), round, v.tps, p.tps, v.tps / p.tps, v.p50Ms, logged.p50Ms, v.p99Ms,
                  logged.p99Ms, logged.tps, v.busyUsers(), logged.busyUsers(), kUsers, v.cpuUsPerTx, p.cpuUsPerTx,
                  logged.cpuUsPerTx, qPrintable(machine.describe()));
        }
        const double ratio = vigilSum / pgbenchSum;
        qInfo("BENCH loadtest_%s_ratio %.3f x (vigil %.0f tps, pgbench %.0f tps, mean of %d)", qPrintable(workload),
              ratio, vigilSum / kRounds, pgbenchSum / kRounds, kRounds);
        const double p50v = median(vigilP50), p50l = median(logP50);
        const double p99v = median(vigilP99), p99l = median(logP99);
        const double p50Diff = std::abs(p50v - p50l) / p50l;
        const double p99Diff = std::abs(p99v - p99l) / p99l;
        // The spread of each tool's own rounds: how far apart two runs of the same tool land on
        // this machine, the noise floor the 10 % target is measured against.
        const auto spread = [](const std::vector<double>& v) {
            const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
            return QStringLiteral("%1-%2").arg(*lo, 0, 'f', 3).arg(*hi, 0, 'f', 3);
        };
        qInfo("BENCH loadtest_%s_p50 vigil %.3f ms pgbench-log %.3f ms (%.1f %%, medians of %d; rounds vigil %s, "
              "pgbench-log %s)",
              qPrintable(workload), p50v, p50l, p50Diff * 100, kRounds, qPrintable(spread(vigilP50)),
              qPrintable(spread(logP50)));
        qInfo("BENCH loadtest_%s_p99 vigil %.3f ms pgbench-log %.3f ms (%.1f %%, medians of %d; rounds vigil %s, "
              "pgbench-log %s)",
              qPrintable(workload), p99v, p99l, p99Diff * 100, kRounds, qPrintable(spread(vigilP99)),
              qPrintable(spread(logP99)));
        // The median round's machine: one busy window (an autovacuum of our own tables after the
        // previous run, a short burst elsewhere) does not turn a quiet run into a skipped one.
        std::sort(machines.begin(), machines.end(),
                  [](const auto& a, const auto& b) { return a.busyFraction < b.busyFraction; });
        const test::MachineLoad machine = machines[machines.size() / 2];
        if (machine.contended()) {
            // Other work on the same cores moves single runs by tens of percent (one tool's run
            // gets the CPU the other's did not), so the figures above say little about Vigil:
            // reported, not asserted.
            const QString verdict = QStringLiteral("%1: machine contended (median round: %2), acceptance not asserted: "
                                                   "ratio %3 (target %4), p50 %5 %, p99 %6 % (target 10 %)")
                                        .arg(workload, machine.describe())
                                        .arg(ratio, 0, 'f', 3)
                                        .arg(minRatio)
                                        .arg(p50Diff * 100, 0, 'f', 1)
                                        .arg(p99Diff * 100, 0, 'f', 1);
            qInfo("BENCH loadtest_%s_contended %s", qPrintable(workload), qPrintable(verdict));
            QSKIP(qPrintable(verdict));
        }
        QVERIFY2(ratio >= minRatio,
                 qPrintable(QStringLiteral("%1: ratio %2 < %3").arg(workload).arg(ratio).arg(minRatio)));
        QVERIFY2(p50Diff <= 0.10,
                 qPrintable(QStringLiteral("%1 p50 differs by %2 %").arg(workload).arg(p50Diff * 100)));
        QVERIFY2(p99Diff <= 0.10,
                 qPrintable(QStringLiteral("%1 p99 differs by %2 %").arg(workload).arg(p99Diff * 100)));
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_conninfo = test::primaryNode().conninfo;
        m_port = test::portOf(m_conninfo);
        QString error;
        QVERIFY2(test::initPgbenchDatabase(m_conninfo, kDatabase, 10, &error), qPrintable(error));
    }

    void selectOnly() { compare(QStringLiteral("select-only"), 1.0); }
    void tpcbLike() { compare(QStringLiteral("tpcb-like"), 0.95); }
};

QTEST_GUILESS_MAIN(BenchLoadTest)
#include "tst_bench_loadtest.moc"
