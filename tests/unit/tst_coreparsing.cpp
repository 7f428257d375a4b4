// Pure functions of the core: Redis INFO and address parsing, conninfo validation, error
// classification, counter rates and the time-series ring.
#include "analysis/redact.h"
#include "connect/diagnosis.h"
#include "monitor/poller.h"
#include "monitor/timeseries.h"
#include "pg/pgconnection.h"
#include "redis/redisconnection.h"

#include <QTest>

using namespace vigil;

class TestCoreParsing : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void info()
    {
        const QByteArray raw = "# Server\r\nredis_version:7.0.15\r\nuptime_in_seconds:42\r\n\r\n# Replication\r\n"
                               "role:slave\r\nmaster_host:127.0.0.1\r\nmaster_link_status:up\r\n";
        const auto m = redis::parseInfo(raw);
        QCOMPARE(m.value("redis_version"), QStringLiteral("7.0.15"));
        QCOMPARE(m.value("uptime_in_seconds"), QStringLiteral("42"));
        QCOMPARE(m.value("master_link_status"), QStringLiteral("up"));
        QVERIFY(!m.contains("# Server"));
    }

    void endpoint_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::newRow("v4") << "127.0.0.1:6379" << true << "127.0.0.1" << 6379;
        QTest::newRow("name") << "cache-1:26379" << true << "cache-1" << 26379;
        QTest::newRow("v6") << "[::1]:6380" << true << "::1" << 6380;
        QTest::newRow("no port") << "127.0.0.1" << false << "" << 0;
        QTest::newRow("bad port") << "host:99999" << false << "" << 0;
        QTest::newRow("empty host") << ":6379" << false << "" << 0;
    }
    void endpoint()
    {
        QFETCH(QString, text);
        QFETCH(bool, ok);
        redis::Endpoint ep;
        QCOMPARE(redis::Endpoint::parse(text, &ep), ok);
        if (ok) {
            QFETCH(QString, host);
            QFETCH(int, port);
            QCOMPARE(ep.host, host);
            QCOMPARE(ep.port, port);
        }
    }

    void conninfo()
    {
        QVERIFY(pg::conninfoError(QStringLiteral("host=127.0.0.1 port=5432 dbname=trading")).isEmpty());
        QVERIFY(pg::conninfoError(QStringLiteral("postgresql://ops@db1:5432/trading")).isEmpty());
        QVERIFY(pg::conninfoError(QStringLiteral("service=trading")).isEmpty());
        QVERIFY(!pg::conninfoError(QStringLiteral("host=127.0.0.1 port")).isEmpty());
        QVERIFY(!pg::conninfoError(QStringLiteral("hots=x")).isEmpty());
    }

    void diagnosis_data()
    {
        QTest::addColumn<bool>("redis");
        QTest::addColumn<QString>("raw");
        QTest::addColumn<QString>("expect");
        QTest::newRow("malformed") << false << "malformed connection string: missing \"=\" after \"port\""
                                   << "malformed";
        QTest::newRow("refused") << false << "connection to server at \"127.0.0.1\", port 1 failed: Connection refused"
                                 << "nothing is listening";
        QTest::newRow("hba") << false << "FATAL:  pg_hba.conf rejects connection for host \"127.0.0.1\""
                             << "pg_hba.conf rejects";
        QTest::newRow("password") << false << "FATAL:  password authentication failed for user \"x\""
                                  << "password was rejected";
        QTest::newRow("timeout") << false << "timeout expired"
                                 << "did not answer in time";
        QTest::newRow("wrongpass") << true << "AUTH failed: WRONGPASS invalid username-password pair"
                                   << "AUTH was rejected";
        QTest::newRow("master") << true << "No such master with name 'nope'"
                                << "does not know that master name";
        QTest::newRow("redis refused") << true << "Connection refused"
                                       << "nothing is listening";
    }
    void diagnosis()
    {
        QFETCH(bool, redis);
        QFETCH(QString, raw);
        QFETCH(QString, expect);
        const Diagnosis d = redis ? diagnoseRedis("n", raw) : diagnosePg("n", raw);
        QVERIFY2(d.what.contains(expect), qPrintable(d.what));
        QVERIFY2(!d.todo.isEmpty(), "every diagnosis says what to do");
        QCOMPARE(d.why, raw);
    }

    void redaction_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<QString>("expect");
        QTest::newRow("create role") << "CREATE ROLE app LOGIN PASSWORD 'hunter2' VALID UNTIL 'infinity'"
                                     << "CREATE ROLE app LOGIN PASSWORD '********' VALID UNTIL 'infinity'";
        QTest::newRow("alter lower") << "alter user app with encrypted password 'it''s secret'"
                                     << "alter user app with encrypted password '********'";
        QTest::newRow("conninfo") << "SELECT dblink_connect('host=db password=s3cret dbname=x')"
                                  << "SELECT dblink_connect('host=db password=******** dbname=x')";
        QTest::newRow("untouched") << "SELECT password_hash FROM users WHERE id = $1"
                                   << "SELECT password_hash FROM users WHERE id = $1";
        QTest::newRow("parameter") << "ALTER ROLE x PASSWORD $1"
                                   << "ALTER ROLE x PASSWORD $1";
    }
    void redaction()
    {
        QFETCH(QString, sql);
        QFETCH(QString, expect);
        QCOMPARE(analysis::redactSecrets(sql), expect);
    }

    void counterRate()
    {
        CounterRate r;
        QVERIFY(std::isnan(r.update(100, 1'000'000'000)));
        QCOMPARE(r.update(150, 1'500'000'000), 100.0); // 50 in 0.5 s
        QVERIFY(std::isnan(r.update(10, 2'000'000'000))); // counter reset: no rate, not a negative one
        QCOMPARE(r.update(20, 3'000'000'000), 10.0);
    }

    void timeSeriesRing()
    {
        TimeSeries ts(3);
        for (int i = 1; i <= 5; ++i)
            ts.append(i * 1000, i);
        ts.append(6000, kNoValue); // gaps are skipped
        QCOMPARE(ts.size(), 3);
        const auto pts = ts.points();
        QCOMPARE(pts.first().y(), 3.0);
        QCOMPARE(pts.last().y(), 5.0);
        QCOMPARE(ts.last().y(), 5.0);
        QCOMPARE(ts.max(), 5.0);
    }
};

QTEST_GUILESS_MAIN(TestCoreParsing)
#include "tst_coreparsing.moc"
