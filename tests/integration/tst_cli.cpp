// The command-line face over the same core: JSON on stdout only, errors on stderr with a
// non-zero exit, against the live sandbox.
#include "pg/pgconnection.h"
#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace vigil;

class TestCli : public QObject
{
    Q_OBJECT
private:
    struct Run
    {
        int code = -1;
        QByteArray out, err;
    };
    static Run vigil(const QStringList& args, int timeoutMs = 60000)
    {
        // The local store (audit log, history) of these runs goes to a scratch directory.
        static QTemporaryDir data;
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_DATA_HOME"), data.path());
        p.setProcessEnvironment(env);
        p.start(test::vigilBinary(), args);
        if (!p.waitForFinished(timeoutMs))
            p.kill();
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
                p.readAllStandardError()};
    }
    static QJsonObject json(const Run& r)
    {
        QJsonParseError e;
        const QJsonDocument d = QJsonDocument::fromJson(r.out, &e);
        if (e.error != QJsonParseError::NoError)
            qFatal("stdout is not JSON: %s\n%s", qPrintable(e.errorString()), r.out.constData());
        return d.object();
    }

private Q_SLOTS:
    void version()
    {
        const Run r = vigil({"--version"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.startsWith("vigil "));
    }

    void statusJson()
    {
        const Run r = vigil({"status", "--sandbox-dir", test::sandboxDir(), "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonArray nodes = json(r).value("nodes").toArray();
        QCOMPARE(nodes.size(), 8);
        for (const QJsonValue& n : nodes)
            QVERIFY(n.toObject().value("reachable").toBool());
    }

    void reportJsonMatchesServer()
    {
        // A pattern of our own with a known call count.
        pg::Connection c;
        pg::ConnectOptions o;
        o.conninfo = test::sandboxProfile().pgNodes.first().conninfo;
        o.applicationName = QStringLiteral("cli-test");
        QVERIFY(c.open(o));
        for (int i = 0; i < 7; ++i)
            QVERIFY(
                c.exec(QStringLiteral("SELECT count(*) AS vigil_cli_marker FROM instruments WHERE id = $1"), {i}).ok());

        const Run r = vigil({"report", "--sandbox-dir", test::sandboxDir(), "--threshold-ms", "250", "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject report = json(r);
        const QJsonObject stats = report.value("query_stats").toObject();
        for (const char* key : {"total_calls", "unique_patterns", "avg_time_ms", "slow_patterns", "threshold_ms"})
            QVERIFY2(stats.contains(key), key);
        QCOMPARE(stats.value("threshold_ms").toInt(), 250);
        const QJsonArray patterns = report.value("patterns").toArray();
        QCOMPARE(stats.value("unique_patterns").toInt(), patterns.size());
        double lastTotal = 1e300;
        qint64 sum = 0;
        bool marker = false;
        for (const QJsonValue& v : patterns) {
            const QJsonObject p = v.toObject();
            for (const char* key :
                 {"queryid", "type", "calls", "mean_ms", "min_ms", "max_ms", "stddev_ms", "rows", "hit_pct", "query"})
                QVERIFY2(p.contains(key), key);
            QVERIFY(p.value("total_ms").toDouble() <= lastTotal); // ordered by total time
            lastTotal = p.value("total_ms").toDouble();
            sum += qint64(p.value("calls").toDouble());
            QVERIFY(!p.value("query").toString().contains(QStringLiteral("/* vigil */"))); // own statements excluded
            if (p.value("query").toString().contains(QStringLiteral("vigil_cli_marker"))) {
                marker = true;
                QCOMPARE(p.value("type").toString(), QStringLiteral("SELECT"));
                const pg::Result direct
                    = c.exec(QStringLiteral("SELECT calls FROM pg_stat_statements WHERE queryid = $1::bigint"),
                             {p.value("queryid").toString()});
                QCOMPARE(qint64(p.value("calls").toDouble()), direct.toInt64(0, 0));
            }
        }
        QVERIFY(marker);
        QCOMPARE(qint64(stats.value("total_calls").toDouble()), sum);
        QVERIFY(report.value("slow").isArray());
        const QJsonObject cache = report.value("cache").toObject();
        QVERIFY(cache.value("pg_hit_pct").toDouble() > 0);
        QVERIFY(cache.contains("redis_hit_pct"));
        QVERIFY(r.err.isEmpty() || !r.err.contains("{")); // nothing JSON on stderr
    }

    void adviseReportsIndexesAndUnusedAndDuplicates()
    {
        pg::Connection c;
        pg::ConnectOptions o;
        o.conninfo = test::sandboxProfile().pgNodes.first().conninfo;
        o.applicationName = QStringLiteral("cli-test");
        QVERIFY(c.open(o));
        QVERIFY(
            c.execSimple(
                 QStringLiteral("DROP TABLE IF EXISTS vigil_cli_idx; CREATE TABLE vigil_cli_idx (a int, b int, c int); "
                                "CREATE INDEX vigil_cli_ix_a ON vigil_cli_idx (a); "
                                "CREATE INDEX vigil_cli_ix_ab ON vigil_cli_idx (a, b); "
                                "CREATE INDEX vigil_cli_ix_c ON vigil_cli_idx (c); "
                                "CREATE UNIQUE INDEX vigil_cli_ux_b ON vigil_cli_idx (b)"))
                .ok());
        for (int i = 0; i < 3; ++i)
            QVERIFY(c.exec(QStringLiteral("SELECT id FROM trades WHERE symbol = $1 ORDER BY created_at DESC LIMIT 5"),
                           {QStringLiteral("INFY")})
                        .ok());
        QTemporaryDir dir;
        const QString sqlFile = dir.filePath(QStringLiteral("advice.sql"));
        const Run r = vigil({"advise", "--sandbox-dir", test::sandboxDir(), "--json", "--sql-file", sqlFile});
        QVERIFY2(r.code == 0, r.err.constData());
        QFile script(sqlFile);
        QVERIFY(script.open(QIODevice::ReadOnly));
        const QString scriptText = QString::fromUtf8(script.readAll());
        VERIFY_CONTAINS(scriptText, "DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"vigil_cli_ix_c\";");
        VERIFY_CONTAINS(scriptText, "CREATE INDEX CONCURRENTLY IF NOT EXISTS");
        bool duplicate = false, unusedC = false, unusedUnique = false, symbolIndex = false;
        for (const QJsonValue& v : json(r).value("recommendations").toArray()) {
            const QJsonObject rec = v.toObject();
            for (const char* key :
                 {"type", "priority", "table", "columns", "index_name", "sql", "estimated_improvement_pct",
                  "cost_before", "cost_after", "estimated_size_bytes", "affected_queryids", "reason"})
                QVERIFY2(rec.contains(key), key);
            const QString type = rec.value("type").toString();
            const QString name = rec.value("index_name").toString();
            if (type == QLatin1String("DUPLICATE_INDEX") && name == QLatin1String("vigil_cli_ix_a"))
                duplicate = rec.value("reason").toString().contains(QStringLiteral("vigil_cli_ix_ab"));
            if (type == QLatin1String("UNUSED_INDEX") && name == QLatin1String("vigil_cli_ix_c"))
                unusedC = rec.value("sql").toString().startsWith(QStringLiteral("DROP INDEX CONCURRENTLY"));
            unusedUnique |= name == QLatin1String("vigil_cli_ux_b"); // unique indexes are never reported
            if (type == QLatin1String("INDEX") && rec.value("columns").toArray().first().toString() == "symbol") {
                symbolIndex = true;
                QVERIFY(rec.value("cost_before").toDouble() > rec.value("cost_after").toDouble());
                QVERIFY(rec.value("estimated_size_bytes").toDouble() > 0);
            }
        }
        QVERIFY(duplicate);
        QVERIFY(unusedC);
        QVERIFY(!unusedUnique);
        QVERIFY(symbolIndex);
        QVERIFY(c.execSimple(QStringLiteral("DROP TABLE vigil_cli_idx")).ok());
    }

    void applyIndexBuildsOnPrimaryAndRefusesElsewhere()
    {
        const Profile sandbox = test::sandboxProfile();
        const QString sql = QStringLiteral("CREATE INDEX CONCURRENTLY IF NOT EXISTS vigil_cli_apply ON trades (side)");
        const Run noYes = vigil({"apply-index", "--sandbox-dir", test::sandboxDir(), "--sql", sql});
        QCOMPARE(noYes.code, 2);
        QVERIFY(noYes.err.contains("--yes"));

        const Run replica
            = vigil({"apply-index", "--pg", sandbox.pgNodes[1].conninfo, "--sql", sql, "--yes", "--json"});
        QCOMPARE(replica.code, 1);
        QVERIFY(json(replica).value("refused").toBool());
        QVERIFY2(json(replica).value("message").toString().contains(QStringLiteral("replica")),
                 replica.out.constData());
        const Run bouncer = vigil({"apply-index", "--pg", sandbox.pgbouncer, "--sql", sql, "--yes", "--json"});
        QCOMPARE(bouncer.code, 1);
        QVERIFY(json(bouncer).value("refused").toBool());

        const Run ok = vigil({"apply-index", "--sandbox-dir", test::sandboxDir(), "--sql", sql, "--yes", "--json"});
        QVERIFY2(ok.code == 0, ok.err.constData());
        QVERIFY(json(ok).value("ok").toBool());
        QVERIFY(ok.err.contains("100 %")); // progress on stderr reached the end
        pg::Connection c;
        pg::ConnectOptions o;
        o.conninfo = sandbox.pgNodes.first().conninfo;
        QVERIFY(c.open(o));
        const pg::Result valid = c.exec(QStringLiteral(
            "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = "
            "'vigil_cli_apply'"));
        QCOMPARE(valid.rows(), 1);
        QVERIFY(valid.toBool(0, 0));
        QVERIFY(c.execSimple(QStringLiteral("DROP INDEX vigil_cli_apply")).ok());
    }

    void badTargetsFailOnStderr_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expect");
        QTest::newRow("no target") << QStringList {"report", "--json"} << "no target";
        QTest::newRow("two targets") << QStringList {"report", "--sandbox-dir", "/nope", "--pg", "host=x"}
                                     << "give one target";
        QTest::newRow("no sandbox") << QStringList {"status", "--sandbox-dir", "/tmp/vigil-no-such-sandbox"}
                                    << "no usable sandbox";
        QTest::newRow("malformed pg") << QStringList {"status", "--pg", "host=127.0.0.1 port"} << "does not parse";
        QTest::newRow("bad redis") << QStringList {"status", "--redis", "nonsense"} << "HOST:PORT";
        QTest::newRow("refused") << QStringList {"report", "--pg", "host=127.0.0.1 port=1 dbname=x connect_timeout=2"}
                                 << "nothing is listening";
        QTest::newRow("bad threshold") << QStringList {"report", "--pg", "host=127.0.0.1", "--threshold-ms", "x"}
                                       << "positive number";
    }
    void badTargetsFailOnStderr()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, expect);
        const Run r = vigil(args, 20000);
        QVERIFY(r.code != 0);
        QVERIFY(r.out.isEmpty());
        QVERIFY2(QString::fromUtf8(r.err).contains(expect), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
