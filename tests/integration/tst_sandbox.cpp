// The sandbox end to end: a private sandbox (small data set) brought up through the CLI, every
// printed endpoint used, then taken down with nothing left behind; plus the shared fixture's data.
#include "testsupport.h"

#include "pg/pgconnection.h"
#include "redis/redisconnection.h"
#include "sandbox/sandbox.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

using namespace vigil;

namespace {
struct CliResult
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    qint64 ms = 0;
};

CliResult vigilCli(const QStringList& args, int timeoutMs = 120000)
{
    QProcess p;
    QElapsedTimer t;
    t.start();
    p.start(test::vigilBinary(), args);
    CliResult r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.exitCode = p.exitCode();
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    r.ms = t.elapsed();
    return r;
}

bool pgWorks(const QString& conninfo, QString* detail, bool admin = false, const QString& password = {})
{
    pg::ConnectOptions o;
    o.conninfo = conninfo;
    o.pgbouncerAdmin = admin;
    o.password = password;
    pg::Connection c;
    if (!c.open(o)) {
        *detail = c.lastError();
        return false;
    }
    const pg::Result r
        = admin ? c.execSimple(QStringLiteral("SHOW VERSION")) : c.exec(QStringLiteral("/* vigil */ SELECT 1"));
    *detail = r.errorMessage();
    return r.ok();
}

redis::Reply redisCommand(const QString& hostPort, const QByteArrayList& args)
{
    redis::Endpoint e;
    redis::Endpoint::parse(hostPort, &e);
    redis::Connection c;
    if (!c.open(e, 2000)) {
        redis::Reply r;
        r.type = redis::Reply::Type::Error;
        r.str = c.lastError().toUtf8();
        return r;
    }
    return c.command(args);
}

// A zombie counts as gone: it is dead, only not yet reaped by whoever adopted the daemon.
bool processAlive(qint64 pid)
{
    if (::kill(pid_t(pid), 0) != 0)
        return false;
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray s = stat.readAll();
    const int close = s.lastIndexOf(')');
    return close < 0 || close + 2 >= s.size() || s.at(close + 2) != 'Z';
}

bool portOpen(int port)
{
    QTcpSocket s;
    s.connectToHost(QStringLiteral("127.0.0.1"), quint16(port));
    return s.waitForConnected(500);
}
} // namespace

class TestSandbox : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY2(!test::vigilBinary().isEmpty(), "VIGIL_BIN is not set: run through ctest");
        // Under /tmp, not the build tree: the servers' user must be able to enter it.
        QTemporaryDir tmp(QStringLiteral("/tmp/vigil-tst-sandbox-XXXXXX"));
        QVERIFY(tmp.isValid());
        tmp.setAutoRemove(false);
        m_dir = tmp.path();
    }

    void cleanupTestCase()
    {
        QString error;
        sandbox::down(m_dir, &error);
        QDir(m_dir).removeRecursively();
    }

    void upPrintsTopology()
    {
        const CliResult r = vigilCli({QStringLiteral("sandbox"), QStringLiteral("up"), QStringLiteral("--dir"), m_dir,
                                      QStringLiteral("--trades"), QStringLiteral("20000"), QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        qInfo("sandbox up (20000 trades) took %lld ms wall", r.ms);
        QVERIFY2(r.ms < 60000, "up took longer than a minute");
        const QJsonObject j = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(j.value("dir").toString(), m_dir);
        QVERIFY(j.value("elapsed_ms").toInteger() > 0);
        const QJsonObject pg = j.value("postgres").toObject();
        QVERIFY(pg.value("primary").toString().contains("dbname=trading"));
        QCOMPARE(pg.value("replicas").toArray().size(), 1);
        QVERIFY(!pg.value("pgbouncer").toString().isEmpty());
        const QJsonObject rd = j.value("redis").toObject();
        QVERIFY(rd.value("master").toString().startsWith("127.0.0.1:"));
        QCOMPARE(rd.value("replicas").toArray().size(), 1);
        QCOMPARE(rd.value("sentinels").toArray().size(), 3);
        QCOMPARE(rd.value("master_name").toString(), QStringLiteral("trading"));
        QVERIFY(sandbox::exists(m_dir));
    }

    void statusShapeAndHealth()
    {
        const CliResult r = vigilCli({QStringLiteral("sandbox"), QStringLiteral("status"), QStringLiteral("--dir"),
                                      m_dir, QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        m_status = QJsonDocument::fromJson(r.out).object();
        for (const char* key : {"dir", "postgres", "redis", "health"})
            QVERIFY2(m_status.contains(QLatin1String(key)), key);
        const QJsonObject health = m_status.value("health").toObject();
        for (const char* c : {"pg1", "pg2", "pgbouncer", "redis1", "redis2", "sentinel1", "sentinel2", "sentinel3"}) {
            const QJsonObject h = health.value(QLatin1String(c)).toObject();
            QVERIFY2(h.value("ok").toBool(), qPrintable(QStringLiteral("%1: %2").arg(c, h.value("detail").toString())));
        }
        // Status without a sandbox fails with a non-zero exit.
        const CliResult none = vigilCli({QStringLiteral("sandbox"), QStringLiteral("status"), QStringLiteral("--dir"),
                                         QStringLiteral("/tmp/vigil-no-such-sandbox")});
        QVERIFY(none.exitCode != 0);
        QVERIFY(!none.err.isEmpty());
    }

    void everyConninfoWorks()
    {
        const QJsonObject pg = m_status.value("postgres").toObject();
        QString detail;
        QVERIFY2(pgWorks(pg.value("primary").toString(), &detail), qPrintable(detail));
        for (const QJsonValue& v : pg.value("replicas").toArray())
            QVERIFY2(pgWorks(v.toString(), &detail), qPrintable(detail));
        QVERIFY2(pgWorks(pg.value("pgbouncer").toString(), &detail), qPrintable(detail));
        QVERIFY2(pgWorks(pg.value("pgbouncer_admin").toString(), &detail, true), qPrintable(detail));

        const QJsonObject rd = m_status.value("redis").toObject();
        QCOMPARE(redisCommand(rd.value("master").toString(), {"PING"}).text(), QStringLiteral("PONG"));
        for (const QJsonValue& v : rd.value("replicas").toArray())
            QCOMPARE(redisCommand(v.toString(), {"PING"}).text(), QStringLiteral("PONG"));
        for (const QJsonValue& v : rd.value("sentinels").toArray()) {
            const redis::Reply q = redisCommand(v.toString(), {"SENTINEL", "CKQUORUM", "trading"});
            QVERIFY2(!q.isError(), q.str.constData());
        }

        // The profile names nodes pg1/pg2 whatever their role.
        sandbox::Topology topo;
        QJsonObject health;
        QString error;
        QVERIFY2(sandbox::status(m_dir, &topo, &health, &error), qPrintable(error));
        const Profile p = sandbox::toProfile(topo);
        QCOMPARE(p.name, QStringLiteral("sandbox"));
        QCOMPARE(p.pgNodes.size(), 2);
        QCOMPARE(p.pgNodes[0].name, QStringLiteral("pg1"));
        QCOMPARE(p.pgNodes[1].name, QStringLiteral("pg2"));
        QCOMPARE(p.masterName, QStringLiteral("trading"));
        QCOMPARE(p.sentinels.size(), 3);
        QCOMPARE(p.sandboxDir, m_dir);
        QCOMPARE(p.healthUrls.size(), 1);
        QVERIFY2(health.value("health").toObject().value("ok").toBool(),
                 qPrintable(health.value("health").toObject().value("detail").toString()));
    }

    void pgHbaRules()
    {
        const QString primary = m_status.value("postgres").toObject().value("primary").toString();
        QString detail;
        // Rejected by pg_hba, not by a missing role.
        QVERIFY(!pgWorks(primary + QStringLiteral(" user=vigil_rejected"), &detail));
        QVERIFY2(detail.contains(QLatin1String("pg_hba.conf rejects")), qPrintable(detail));

        pg::Connection admin;
        pg::ConnectOptions o;
        o.conninfo = primary;
        QVERIFY(admin.open(o));
        const QString pw = QStringLiteral("tst-%1").arg(QDateTime::currentMSecsSinceEpoch());
        admin.exec(QStringLiteral("DROP ROLE IF EXISTS tst_scram"));
        // The password goes in as a parameter; the server builds the literal (format %L).
        QVERIFY(admin.exec(QStringLiteral("SELECT set_config('vigil.tst_pw', $1, false)"), {pw}).ok());
        const pg::Result created = admin.exec(QStringLiteral(
            "DO $$BEGIN EXECUTE format('CREATE ROLE tst_scram LOGIN IN ROLE vigil_password_users PASSWORD %L', "
            "current_setting('vigil.tst_pw')); END$$"));
        QVERIFY2(created.ok(), qPrintable(created.errorMessage()));
        QVERIFY(!pgWorks(primary + QStringLiteral(" user=tst_scram"), &detail, false, QStringLiteral("wrong")));
        QVERIFY2(detail.contains(QLatin1String("password authentication failed")), qPrintable(detail));
        QVERIFY2(pgWorks(primary + QStringLiteral(" user=tst_scram"), &detail, false, pw), qPrintable(detail));
    }

    void downLeavesNothing()
    {
        QFile f(m_dir + QStringLiteral("/sandbox.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject state = QJsonDocument::fromJson(f.readAll()).object();
        f.close();
        QList<qint64> pids;
        const QJsonObject pidObj = state.value("pids").toObject();
        for (auto it = pidObj.begin(); it != pidObj.end(); ++it)
            pids << it.value().toInteger();
        QCOMPARE(pids.size(), 9); // eight servers and the health server
        QList<int> ports;
        const QJsonObject portObj = state.value("ports").toObject();
        for (auto it = portObj.begin(); it != portObj.end(); ++it) {
            if (it.value().isArray())
                for (const QJsonValue& v : it.value().toArray())
                    ports << v.toInt();
            else
                ports << it.value().toInt();
        }
        QCOMPARE(ports.size(), 9);
        for (qint64 pid : pids)
            QVERIFY2(processAlive(pid), qPrintable(QString::number(pid)));

        const CliResult r
            = vigilCli({QStringLiteral("sandbox"), QStringLiteral("down"), QStringLiteral("--dir"), m_dir});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        qInfo("sandbox down took %lld ms wall", r.ms);
        QVERIFY2(r.ms < 10000, "down took too long");
        for (qint64 pid : pids)
            QVERIFY2(!processAlive(pid), qPrintable(QStringLiteral("pid %1 still alive").arg(pid)));
        for (int port : ports)
            QVERIFY2(!portOpen(port), qPrintable(QStringLiteral("port %1 still accepts connections").arg(port)));
        QVERIFY(!sandbox::exists(m_dir));

        const CliResult again
            = vigilCli({QStringLiteral("sandbox"), QStringLiteral("down"), QStringLiteral("--dir"), m_dir});
        QVERIFY2(again.exitCode == 0, again.err.constData());
    }

    void sharedFixtureHasTheDataSet()
    {
        const Profile p = test::sandboxProfile();
        QVERIFY(!p.pgNodes.isEmpty());
        sandbox::Topology topo;
        QJsonObject health;
        QString error;
        QVERIFY2(sandbox::status(test::sandboxDir(), &topo, &health, &error), qPrintable(error));
        pg::Connection c;
        pg::ConnectOptions o;
        o.conninfo = topo.primary;
        o.statementTimeoutMs = 30000;
        QVERIFY2(c.open(o), qPrintable(c.lastError()));
        const pg::Result n = c.exec(QStringLiteral("/* vigil */ SELECT count(*) FROM trades"));
        QVERIFY2(n.ok(), qPrintable(n.errorMessage()));
        QVERIFY2(n.toInt64(0, 0) >= 1000000, qPrintable(n.text(0, 0)));
        const pg::Result ext = c.exec(QStringLiteral("/* vigil */ SELECT count(*) FROM pg_extension WHERE extname IN "
                                                     "('pg_stat_statements', 'hypopg', 'pg_qualstats')"));
        QCOMPARE(ext.toInt64(0, 0), 3);
        // Primary keys only: the index advisor has to find the missing ones.
        const pg::Result idx
            = c.exec(QStringLiteral("/* vigil */ SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
                                    "WHERE c.relname = 'trades' AND NOT i.indisprimary"));
        QCOMPARE(idx.toInt64(0, 0), 0);
    }

private:
    QString m_dir;
    QJsonObject m_status;
};

QTEST_GUILESS_MAIN(TestSandbox)
#include "tst_sandbox.moc"
