// The external runners against real servers: pgbench on the sandbox primary (per-second figures
// arrive live from -P 1, the totals equal pgbench's transaction log and its own summary, Stop ends
// it), and Locust headless against a small HTTP server in this test (live rows, failures counted
// when the server answers 500 or is down, the master/worker mode with two workers that both send
// load, Stop ends it). Never a hang: every wait has a deadline.
#include "loadtest/loadrunner.h"
#include "loadtest/locustrunner.h"
#include "loadtest/pgbenchrunner.h"
#include "pg/pgconnection.h"
#include "testsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUrl>
#include <algorithm>
#include <cmath>

using namespace vigil;
using namespace vigil::loadtest;

namespace {
const QString kDatabase = QStringLiteral("vigil_runners");

// A tiny HTTP/1.1 server (keep-alive) on the test's event loop: /ok answers 200, /fail 500;
// it counts requests per path and remembers each client's X-Pid header (which Locust process
// sent it). With slowMs set, answers during the first slowForMs after the first request are
// sent slowMs late (a slowdown that ends).
class HttpServer : public QTcpServer
{
public:
    QHash<QString, int> hits;
    QSet<QString> pids;
    int slowMs = 0, slowForMs = 0;

    HttpServer()
    {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* s = nextPendingConnection()) {
                connect(s, &QTcpSocket::readyRead, s, [this, s] { serve(s); });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
    }

private:
    void serve(QTcpSocket* s)
    {
        QByteArray buf = s->property("buf").toByteArray() + s->readAll();
        qsizetype end;
        while ((end = buf.indexOf("\r\n\r\n")) >= 0) {
            const QByteArray head = buf.left(end);
            buf.remove(0, end + 4);
            const QList<QByteArray> lines = head.split('\n');
            const QList<QByteArray> request = lines.first().trimmed().split(' ');
            const QString path = request.size() > 1 ? QString::fromLatin1(request[1]) : QString();
            for (const QByteArray& l : lines)
                if (l.toLower().startsWith("x-pid:"))
                    pids.insert(QString::fromLatin1(l.mid(6).trimmed()));
            ++hits[path];
            const bool ok = path != QLatin1String("/fail");
            const QByteArray body = ok ? "ok" : "boom";
            const QByteArray answer
                = (ok ? QByteArray("HTTP/1.1 200 OK\r\n") : QByteArray("HTTP/1.1 500 Internal Server Error\r\n"))
                + "Content-Length: " + QByteArray::number(body.size()) + "\r\nConnection: keep-alive\r\n\r\n" + body;
            if (!m_sinceFirst.isValid())
                m_sinceFirst.start();
            if (slowMs > 0 && m_sinceFirst.elapsed() < slowForMs) {
                // A client sends its next request only after this answer (no pipelining), so
                // answering late keeps the order.
                QPointer<QTcpSocket> guard(s);
                QTimer::singleShot(slowMs, this, [guard, answer] {
                    if (guard)
                        guard->write(answer);
                });
            } else {
                s->write(answer);
            }
        }
        s->setProperty("buf", buf);
    }

    QElapsedTimer m_sinceFirst;
};

// The completed transactions' latencies (µs) in pgbench's per-transaction logs.
QList<qint64> logLatencies(const QString& dir)
{
    QList<qint64> out;
    for (const QString& name : QDir(dir).entryList({QStringLiteral("tx.*")}, QDir::Files)) {
        QFile f(QDir(dir).filePath(name));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        while (!f.atEnd()) {
            const QList<QByteArray> fields = f.readLine().trimmed().split(' ');
            bool ok = false;
            const qint64 us = fields.size() >= 6 ? fields[2].toLongLong(&ok) : 0;
            if (ok)
                out << us;
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

// Nearest-rank percentile of sorted values, in ms.
double percentileMs(const QList<qint64>& sorted, double q)
{
    const qsizetype rank = std::max<qsizetype>(1, qsizetype(std::ceil(q * double(sorted.size()))));
    return double(sorted[rank - 1]) / 1000.0;
}

} // namespace

class TestRunners : public QObject
{
    Q_OBJECT
    QString m_primary;
    QTemporaryDir m_dir;

    EngineOptions pgbenchOptions(int users, double seconds) const
    {
        EngineOptions o;
        o.conninfo = m_primary;
        o.database = kDatabase;
        o.targetName = QStringLiteral("primary");
        o.users = users;
        o.durationSec = seconds;
        o.protocol = Protocol::Prepared;
        o.workloadName = QStringLiteral("select-only");
        return o;
    }

    // A locustfile that hits /ok and (weight `failWeight`) /fail, naming its process in X-Pid.
    QString locustfile(int failWeight) const
    {
        const QString path = m_dir.filePath(QStringLiteral("lf%1.py").arg(failWeight));
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            qFatal("cannot write %s", qPrintable(path));
        f.write(QStringLiteral("import os\nfrom locust import HttpUser, constant, task\n"
                               "class U(HttpUser):\n"
                               "    wait_time = constant(0.05)\n"
                               "    def on_start(self):\n"
                               "        self.client.headers['X-Pid'] = str(os.getpid())\n"
                               "    @task(3)\n"
                               "    def ok(self):\n"
                               "        self.client.get('/ok')\n"
                               "%1")
                    .arg(failWeight > 0 ? QStringLiteral("    @task(%1)\n    def fail(self):\n"
                                                         "        self.client.get('/fail')\n")
                                              .arg(failWeight)
                                        : QString())
                    .toUtf8());
        return path;
    }

    static std::unique_ptr<LocustRunner> locust(const QString& file, const QString& host, int users, double seconds,
                                                int workers = 0)
    {
        EngineOptions o;
        o.users = users;
        o.durationSec = seconds;
        LocustOptions l;
        l.locustfile = file;
        l.host = host;
        l.workers = workers;
        QString error;
        auto r = LocustRunner::create(o, l, &error);
        if (!r)
            qFatal("%s", qPrintable(error));
        return r;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_primary = test::primaryNode().conninfo;
        // pgbench's tables in a database of their own, so the trading schema stays as seeded.
        QString error;
        QVERIFY2(test::initPgbenchDatabase(m_primary, kDatabase, 1, &error), qPrintable(error));
    }

    void parsesPgbenchOutput()
    {
        PgbenchRunner::Progress p;
        QVERIFY(PgbenchRunner::parseProgress(
            QStringLiteral("progress: 5.0 s, 1234.5 tps, lat 8.100 ms stddev 2.000, 3 failed"), &p));
        QCOMPARE(p.elapsedSec, 5.0);
        QCOMPARE(p.tps, 1234.5);
        QCOMPARE(p.latencyMs, 8.1);
        QCOMPARE(p.failed, 3);
        QVERIFY(PgbenchRunner::parseProgress(
            QStringLiteral("progress: 2.0 s, 0.0 tps, lat nan ms stddev nan, 0 failed"), &p));
        QCOMPARE(p.latencyMs, 0.0);
        QVERIFY(!PgbenchRunner::parseProgress(QStringLiteral("starting vacuum...end."), &p));
        PgbenchRunner::LogRecord r;
        QVERIFY(PgbenchRunner::parseLogLine("3 17 812 0 1795796426 123456", &r));
        QCOMPARE(r.latencyUs, 812);
        QCOMPARE(r.endUs, 1795796426123456LL);
        QVERIFY(PgbenchRunner::parseLogLine("3 18 failed 0 1795796426 123999", &r));
        QVERIFY(r.failed);
        QVERIFY(!PgbenchRunner::parseLogLine("garbage", &r));
    }

    void pgbenchLiveAndExact()
    {
        EngineOptions o = pgbenchOptions(5, 3);
        o.password = QStringLiteral("never-on-the-command-line");
        QString error;
        auto runner = PgbenchRunner::create(o, &error);
        QVERIFY2(runner, qPrintable(error));
        const QString logs = m_dir.filePath(QStringLiteral("pgbench-logs"));
        runner->setLogDir(logs);
        VERIFY_CONTAINS(runner->command(), " -P 1 ");
        VERIFY_CONTAINS(runner->command(), "-b select-only");
        QVERIFY(!runner->command().contains(o.password));
        QSignalSpy seconds(runner.get(), &LoadRunner::secondReady);
        QSignalSpy finished(runner.get(), &LoadRunner::finished);
        runner->start();
        // Live: per-second figures while pgbench is still running.
        QTRY_VERIFY_WITH_TIMEOUT(seconds.size() >= 1, 10000);
        QVERIFY(runner->isRunning());
        const auto first = seconds.first().first().value<LoadSecond>();
        QCOMPARE(first.second, 1);
        QVERIFY(first.transactions > 0);
        QCOMPARE(first.activeUsers, 5);
        QVERIFY(finished.wait(30000));
        const auto r = finished.first().first().value<RunResult>();
        QVERIFY2(r.ok, qPrintable(r.error + r.messages.join(QLatin1Char('\n'))));
        QCOMPARE(r.stopReason, QStringLiteral("duration"));
        QVERIFY(seconds.size() >= 2);
        // Exact: the totals are pgbench's transaction log, and pgbench's own summary agrees.
        QVERIFY(r.transactions > 100);
        const QList<qint64> latencies = logLatencies(logs);
        QCOMPARE(r.transactions, qint64(latencies.size()));
        QCOMPARE(r.transactions, runner->reportedTransactions());
        QCOMPARE(r.errors, 0);
        qint64 sum = 0;
        for (const LoadSecond& s : r.seconds)
            sum += s.transactions;
        QCOMPARE(sum, r.transactions);
        // The percentiles are the log's own (the histogram is exact to 0.4 %; the log has µs).
        for (const auto& [q, got] : {std::pair {0.50, r.latency.p50Ms}, std::pair {0.95, r.latency.p95Ms},
                                     std::pair {0.99, r.latency.p99Ms}, std::pair {1.0, r.latency.maxMs}}) {
            const double want = percentileMs(latencies, q);
            QVERIFY2(std::abs(got - want) <= std::max(0.01 * want, 0.0015),
                     qPrintable(QStringLiteral("p%1: %2 ms, log %3 ms").arg(q * 100).arg(got).arg(want)));
        }
        QVERIFY(r.latency.p50Ms > 0);
        QVERIFY(r.latency.p50Ms <= r.latency.p95Ms && r.latency.p95Ms <= r.latency.p99Ms
                && r.latency.p99Ms <= r.latency.maxMs);
        qInfo("pgbench select-only, 5 clients, 3 s: %lld transactions, %.0f tps, p50 %.3f ms, p95 %.3f ms, "
              "p99 %.3f ms",
              r.transactions, r.tps, r.latency.p50Ms, r.latency.p95Ms, r.latency.p99Ms);
    }

    void pgbenchStop()
    {
        QString error;
        auto runner = PgbenchRunner::create(pgbenchOptions(4, 60), &error);
        QVERIFY2(runner, qPrintable(error));
        QSignalSpy seconds(runner.get(), &LoadRunner::secondReady);
        QSignalSpy finished(runner.get(), &LoadRunner::finished);
        runner->start();
        QTRY_VERIFY_WITH_TIMEOUT(seconds.size() >= 2, 10000);
        QElapsedTimer t;
        t.start();
        runner->stop();
        QVERIFY(finished.wait(5000));
        qInfo("pgbench stopped in %lld ms", t.elapsed());
        const auto r = finished.first().first().value<RunResult>();
        QVERIFY(r.ok);
        QCOMPARE(r.stopReason, QStringLiteral("stopped"));
        QVERIFY(r.durationSec < 15);
        QVERIFY(!runner->isRunning());
    }

    void pgbenchBadTarget()
    {
        EngineOptions o = pgbenchOptions(2, 2);
        o.conninfo = QStringLiteral("host=127.0.0.1 port=1 user=postgres connect_timeout=2");
        QString error;
        auto runner = PgbenchRunner::create(o, &error);
        QVERIFY2(runner, qPrintable(error));
        const RunResult r = runner->runBlocking();
        QVERIFY(!r.ok);
        QVERIFY(!r.error.isEmpty());
    }

    void locustLiveWithFailures()
    {
        HttpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        auto runner = locust(locustfile(1), QStringLiteral("http://127.0.0.1:%1").arg(server.serverPort()), 4, 3);
        VERIFY_CONTAINS(runner->command(), "--headless");
        VERIFY_CONTAINS(runner->command(), "--csv-full-history");
        QSignalSpy seconds(runner.get(), &LoadRunner::secondReady);
        QSignalSpy finished(runner.get(), &LoadRunner::finished);
        runner->start();
        // Python and gevent start slowly on a loaded 2-core machine (4 s seen): a generous deadline.
        QTRY_VERIFY_WITH_TIMEOUT(seconds.size() >= 1 || finished.size() > 0, 30000);
        if (!finished.isEmpty())
            QFAIL(qPrintable(QStringLiteral("ended before its first row: ")
                             + finished.first().first().value<RunResult>().error));
        QVERIFY(runner->isRunning()); // rows followed live, not read at the end
        QVERIFY(finished.wait(30000));
        const auto r = finished.first().first().value<RunResult>();
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.stopReason, QStringLiteral("duration"));
        QVERIFY(r.transactions > 0);
        QVERIFY(r.errors > 0); // the 500s
        // What Locust counted is what the server answered, but for requests still in flight when
        // Locust stopped its users (answered, never recorded): at most one per user.
        const qint64 served = server.hits.value(QStringLiteral("/ok")) + server.hits.value(QStringLiteral("/fail"));
        QVERIFY2(served >= r.transactions + r.errors && served <= r.transactions + r.errors + 4,
                 qPrintable(QStringLiteral("server %1, locust %2").arg(served).arg(r.transactions + r.errors)));
        QCOMPARE(r.errorsBySqlstate.value(QStringLiteral("HTTPError 500")), r.errors);
        qint64 tx = 0, errors = 0;
        int maxUsers = 0;
        for (const LoadSecond& s : r.seconds) {
            tx += s.transactions;
            errors += s.errors;
            maxUsers = std::max(maxUsers, s.activeUsers);
        }
        QCOMPARE(tx, r.transactions);
        QCOMPARE(errors, r.errors);
        QCOMPARE(maxUsers, 4);
        QCOMPARE(r.perStatement.size(), 2);
        // A quarter of the requests fail: past the default 5 % breaking point from the first second.
        QVERIFY(r.breakingPoint.reached);
        VERIFY_CONTAINS(r.breakingPoint.reason, "error rate");
        QVERIFY(r.latency.p50Ms > 0);
        qInfo("locust, 4 users, 3 s: %lld ok, %lld failed, %.1f rps, p50 %.0f ms, p95 %.0f ms", r.transactions,
              r.errors, r.tps, r.latency.p50Ms, r.latency.p95Ms);
    }

    void locustPercentilesFollowTheSecond()
    {
        // 200 ms answers for the first 2.5 s, then immediate ones. Locust's own percentiles cover
        // its last ~10 s, where the ~10 % slow requests would hold p95 at 200 ms to the end of
        // an 8 s run; Vigil's launcher narrows the window to 2 s, so the last seconds' p95 is
        // the fast answers' and the slow start still shows in the first seconds.
        HttpServer server;
        server.slowMs = 200;
        server.slowForMs = 2500;
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        auto runner = locust(locustfile(0), QStringLiteral("http://127.0.0.1:%1").arg(server.serverPort()), 4, 8);
        QSignalSpy finished(runner.get(), &LoadRunner::finished);
        runner->start();
        QVERIFY(finished.wait(40000));
        const auto r = finished.first().first().value<RunResult>();
        QVERIFY2(r.ok, qPrintable(r.error));
        QVERIFY2(r.seconds.size() >= 6, qPrintable(QString::number(r.seconds.size())));
        QStringList p95s;
        double slowest = 0;
        for (const LoadSecond& s : r.seconds) {
            p95s << QStringLiteral("%1 (%2 req)").arg(s.latency.p95Ms).arg(s.transactions + s.errors);
            slowest = std::max(slowest, s.latency.p95Ms);
        }
        qInfo("locust per-second p95 (ms): %s; whole run p95 %.0f ms", qPrintable(p95s.join(QLatin1Char(' '))),
              r.latency.p95Ms);
        QVERIFY2(slowest >= 150, qPrintable(p95s.join(QLatin1Char(' '))));
        // The last seconds, the one after Locust's last history row (from its final figures) too,
        // have the fast answers' p95, not 200 ms nor a "0" for want of a figure.
        for (qsizetype i = r.seconds.size() - 2; i < r.seconds.size(); ++i)
            QVERIFY2(r.seconds[i].latency.p95Ms > 0 && r.seconds[i].latency.p95Ms < 100,
                     qPrintable(p95s.join(QLatin1Char(' '))));
        // The run as a whole keeps the slow start: its own percentiles are over every request.
        QVERIFY2(r.latency.p99Ms >= 150, qPrintable(QString::number(r.latency.p99Ms)));
    }

    void locustServerDown()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 port = probe.serverPort();
        probe.close(); // nothing listens there now
        auto runner = locust(locustfile(0), QStringLiteral("http://127.0.0.1:%1").arg(port), 2, 2);
        const RunResult r = runner->runBlocking();
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.transactions, 0);
        QVERIFY(r.errors > 0);
        QVERIFY(!r.messages.isEmpty());
        VERIFY_CONTAINS(r.messages.first(), "/ok");
    }

    void locustDistributed()
    {
        HttpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        auto runner = locust(locustfile(0), QStringLiteral("http://127.0.0.1:%1").arg(server.serverPort()), 4, 4, 2);
        VERIFY_CONTAINS(runner->command(), "--master");
        VERIFY_CONTAINS(runner->command(), "--expect-workers 2");
        VERIFY_CONTAINS(runner->command(), "--worker");
        QSignalSpy seconds(runner.get(), &LoadRunner::secondReady);
        const RunResult r = runner->runBlocking();
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(runner->workersConnected(), 2);
        QVERIFY(seconds.size() >= 2);
        QVERIFY(r.transactions > 0);
        // Both worker processes sent load: the users were spread over them.
        QCOMPARE(server.pids.size(), 2);
        const qint64 served = server.hits.value(QStringLiteral("/ok"));
        QVERIFY2(served >= r.transactions && served <= r.transactions + 4,
                 qPrintable(QStringLiteral("server %1, locust %2").arg(served).arg(r.transactions)));
        // The master's per-second percentiles come from the workers' reports (each second): every
        // second with requests has them but the first, written before the master had a report
        // to compare with (Locust then says N/A).
        QStringList p50s;
        for (const LoadSecond& s : r.seconds) {
            p50s << QString::number(s.latency.p50Ms);
            if (s.transactions > 0 && s.second > 1)
                QVERIFY2(s.latency.p50Ms > 0, qPrintable(p50s.join(QLatin1Char(' '))));
        }
        qInfo("locust distributed, 2 workers, 4 users, 4 s: %lld requests from %lld processes, %.1f rps, per-second "
              "p50 %s ms",
              r.transactions, qint64(server.pids.size()), r.tps, qPrintable(p50s.join(QLatin1Char(' '))));
    }

    void locustStopCondition()
    {
        HttpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        EngineOptions o;
        o.users = 2;
        o.durationSec = 60;
        o.stopErrorRatePct = 10; // half the requests fail: the run must end 3 s after it starts
        LocustOptions l;
        l.locustfile = locustfile(3);
        l.host = QStringLiteral("http://127.0.0.1:%1").arg(server.serverPort());
        QString error;
        auto runner = LocustRunner::create(o, l, &error);
        QVERIFY2(runner, qPrintable(error));
        const RunResult r = runner->runBlocking();
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.stopReason, QStringLiteral("stop condition: error rate above 10 % for 3 s"));
        QVERIFY(r.seconds.size() < 15);
    }

    void locustStop()
    {
        HttpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        auto runner = locust(locustfile(0), QStringLiteral("http://127.0.0.1:%1").arg(server.serverPort()), 2, 60);
        QSignalSpy seconds(runner.get(), &LoadRunner::secondReady);
        QSignalSpy finished(runner.get(), &LoadRunner::finished);
        runner->start();
        QTRY_VERIFY_WITH_TIMEOUT(seconds.size() >= 2, 30000);
        QElapsedTimer t;
        t.start();
        runner->stop();
        QVERIFY(finished.wait(8000));
        qInfo("locust stopped in %lld ms", t.elapsed());
        const auto r = finished.first().first().value<RunResult>();
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.stopReason, QStringLiteral("stopped"));
        QVERIFY(r.transactions > 0);
    }

    void cliRunsPgbench()
    {
        QProcess p;
        p.start(test::vigilBinary(),
                {"loadtest", "--sandbox-dir", test::sandboxDir(), "--runner", "pgbench", "--users", "2", "--duration",
                 "2", "--builtin", "select-only", "--dbname", kDatabase, "--json", "--quiet"});
        QVERIFY(p.waitForFinished(30000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        const QJsonObject j = QJsonDocument::fromJson(p.readAllStandardOutput()).object();
        QVERIFY(j.value("requests").toInteger() > 0);
        VERIFY_CONTAINS(j.value("protocol").toString(), "pgbench");
    }

    void cliRunsLocust()
    {
        // The sandbox's stand-in application server with the shipped health.py.
        const QStringList health = test::sandboxProfile().healthUrls;
        QVERIFY(!health.isEmpty());
        const QUrl url(health.first());
        QProcess p;
        p.start(test::vigilBinary(),
                {"loadtest", "--sandbox-dir", test::sandboxDir(), "--runner", "locust", "--locustfile", "health.py",
                 "--host", QStringLiteral("http://%1:%2").arg(url.host()).arg(url.port()), "--users", "2", "--duration",
                 "2", "--json", "--quiet"});
        QVERIFY(p.waitForFinished(60000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        const QJsonObject j = QJsonDocument::fromJson(p.readAllStandardOutput()).object();
        QVERIFY(j.value("requests").toInteger() > 0);
        QCOMPARE(j.value("errors").toInteger(), 0);
        VERIFY_CONTAINS(j.value("protocol").toString(), "locust");
        VERIFY_CONTAINS(j.value("per_statement").toArray().first().toObject().value("sql").toString(), "GET /health");
    }
};

QTEST_MAIN(TestRunners)
#include "tst_runners.moc"
