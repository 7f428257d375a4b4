// connectioncheck against the live sandbox: a healthy profile, and each failure an operator meets
// (malformed conninfo, refused, silent server, wrong password, pg_hba reject, unknown Sentinel
// master name, Redis WRONGPASS), each asserted by the words of its diagnosis.
#include "connect/connectioncheck.h"
#include "pg/pgconnection.h"
#include "redis/redisconnection.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QTest>

using namespace vigil;

namespace {
QString randomWord(const char* prefix)
{
    QString s = QString::fromLatin1(prefix);
    for (int i = 0; i < 20; ++i)
        s += QChar(u'a' + QRandomGenerator::global()->bounded(26));
    return s;
}

// A port on 127.0.0.1 that nothing listens on: bind one, then let it go.
quint16 closedPort()
{
    QTcpServer s;
    if (!s.listen(QHostAddress::LocalHost))
        qFatal("cannot bind a local port");
    const quint16 port = s.serverPort();
    s.close();
    return port;
}

const CheckResult* find(const QList<CheckResult>& results, const QString& node)
{
    for (const CheckResult& r : results)
        if (r.node == node)
            return &r;
    return nullptr;
}

} // namespace

class TestConnectionCheck : public QObject
{
    Q_OBJECT

private:
    Profile m_profile;
    QString m_primary; // conninfo of the current primary, trust auth as postgres
    QString m_redisMaster;
    bool m_roleCreated = false;
    bool m_aclCreated = false;

    bool adminExec(const QString& sql, QString* error = nullptr)
    {
        pg::Connection c;
        if (!c.open({m_primary})) {
            if (error)
                *error = c.lastError();
            return false;
        }
        const pg::Result r = c.execSimple(sql);
        if (error)
            *error = r.errorMessage();
        return r.ok();
    }

    redis::Reply redisAdmin(const QByteArrayList& args)
    {
        redis::Endpoint ep;
        redis::Endpoint::parse(m_redisMaster, &ep);
        redis::Connection c;
        if (!c.open(ep, 3000))
            return {};
        return c.command(args);
    }

private slots:
    void initTestCase()
    {
        m_profile = test::sandboxProfile();
        QVERIFY(m_profile.validate().isEmpty());
        m_primary = test::primaryNode().conninfo;
        QVERIFY(!m_primary.isEmpty());
        QVERIFY(!m_profile.redisNodes.isEmpty());
        // Redis master: the one whose ROLE says master.
        for (const QString& addr : m_profile.redisNodes) {
            redis::Endpoint ep;
            QVERIFY(redis::Endpoint::parse(addr, &ep));
            redis::Connection c;
            QVERIFY(c.open(ep, 3000));
            const redis::Reply role = c.command({"ROLE"});
            if (!role.elements.empty() && role.elements[0].str == "master")
                m_redisMaster = addr;
        }
        QVERIFY(!m_redisMaster.isEmpty());
    }

    void cleanupTestCase()
    {
        if (m_roleCreated)
            adminExec("DROP ROLE IF EXISTS vigil_pw_test");
        if (m_aclCreated)
            redisAdmin({"ACL", "DELUSER", "vigil_acl_test"});
    }

    void goodProfileAllOk()
    {
        QElapsedTimer t;
        t.start();
        const QList<CheckResult> results = checkProfile(m_profile, {}, 5);
        // pg1, pg2, pgbouncer, pgbouncer-admin, 2 Redis, 3 Sentinels
        QCOMPARE(results.size(), 9);
        for (const CheckResult& r : results) {
            qInfo("%s %s: %s", qPrintable(r.kind), qPrintable(r.node), qPrintable(r.summary));
            QVERIFY2(r.ok, qPrintable(r.node + ": " + r.diagnosis.toText()));
            QVERIFY(r.diagnosis.what.isEmpty());
            QVERIFY(r.ms >= 0 && r.ms < 5000);
        }
        int primaries = 0, replicas = 0;
        for (const CheckResult& r : results) {
            if (r.kind != "postgres")
                continue;
            VERIFY_CONTAINS(r.summary, "PostgreSQL 1");
            VERIFY_CONTAINS(r.summary, " ms");
            primaries += r.summary.contains(", primary,");
            replicas += r.summary.contains(", replica,");
        }
        QCOMPARE(primaries, 1);
        QCOMPARE(replicas, 1);
        VERIFY_CONTAINS(find(results, "pgbouncer-admin")->summary, "PgBouncer");
        QCOMPARE(find(results, "pgbouncer-admin")->kind, QString("pgbouncer"));
        VERIFY_CONTAINS(find(results, m_redisMaster)->summary, "master");
        VERIFY_CONTAINS(find(results, m_profile.sentinels[0])->summary, "trading");
        VERIFY_CONTAINS(find(results, m_profile.sentinels[0])->summary, "OK");
        QVERIFY(t.elapsed() < 5000);
    }

    void malformedConninfo()
    {
        const CheckResult r = checkPostgres("bad", "host=127.0.0.1 port", {}, 2);
        QVERIFY(!r.ok);
        QCOMPARE(r.kind, QString("postgres"));
        VERIFY_CONTAINS(r.diagnosis.what, "bad: the connection string is malformed");
        QVERIFY(!r.diagnosis.todo.isEmpty());
        QCOMPARE(r.summary, r.diagnosis.what);
    }

    void refused()
    {
        const quint16 port = closedPort();
        const CheckResult pgr
            = checkPostgres("down", QStringLiteral("host=127.0.0.1 port=%1 dbname=x user=postgres").arg(port), {}, 2);
        QVERIFY(!pgr.ok);
        VERIFY_CONTAINS(pgr.diagnosis.what, "nothing is listening");
        VERIFY_CONTAINS(pgr.diagnosis.why, "refused");
        const CheckResult rr = checkRedis(QStringLiteral("127.0.0.1:%1").arg(port), {}, {}, 2);
        QVERIFY(!rr.ok);
        VERIFY_CONTAINS(rr.diagnosis.what, "nothing is listening");
        const CheckResult sr = checkSentinel(QStringLiteral("127.0.0.1:%1").arg(port), "trading", 2);
        QVERIFY(!sr.ok);
        VERIFY_CONTAINS(sr.diagnosis.what, "nothing is listening");
    }

    // A listener that completes the TCP handshake (the kernel does that from the backlog) and
    // never says a word: the check must give up after its timeout, not hang.
    void silentServerTimesOut()
    {
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost));
        const int timeoutSec = 2;
        QElapsedTimer t;
        t.start();
        const CheckResult pgr = checkPostgres(
            "silent", QStringLiteral("host=127.0.0.1 port=%1 dbname=x user=postgres").arg(silent.serverPort()), {},
            timeoutSec);
        const qint64 pgMs = t.elapsed();
        QVERIFY(!pgr.ok);
        VERIFY_CONTAINS(pgr.diagnosis.what, "did not answer in time");
        QVERIFY2(pgMs <= (timeoutSec + 1) * 1000, qPrintable(QString::number(pgMs)));
        QVERIFY(pgMs >= timeoutSec * 1000 - 100);

        t.restart();
        const CheckResult rr = checkRedis(QStringLiteral("127.0.0.1:%1").arg(silent.serverPort()), {}, {}, timeoutSec);
        const qint64 redisMs = t.elapsed();
        QVERIFY(!rr.ok);
        VERIFY_CONTAINS(rr.diagnosis.what, "did not answer in time");
        QVERIFY2(redisMs <= (timeoutSec + 1) * 1000, qPrintable(QString::number(redisMs)));

        // The whole profile check runs its nodes in parallel: one silent node costs one timeout.
        Profile p = m_profile;
        p.pgNodes.append({"silent", QStringLiteral("host=127.0.0.1 port=%1 dbname=x").arg(silent.serverPort())});
        p.redisNodes.append(QStringLiteral("127.0.0.1:%1").arg(silent.serverPort()));
        t.restart();
        const QList<CheckResult> all = checkProfile(p, {}, timeoutSec);
        QVERIFY2(t.elapsed() <= (timeoutSec + 1) * 1000, qPrintable(QString::number(t.elapsed())));
        QVERIFY(!find(all, "silent")->ok);
        QVERIFY(find(all, "pg1")->ok);
    }

    void wrongPassword()
    {
        const QString password = randomWord("pw");
        QString error;
        adminExec("DROP ROLE IF EXISTS vigil_pw_test");
        // The verifier is computed client-side: the plain password never reaches the server.
        pg::Connection verifierConn;
        QVERIFY(verifierConn.open({m_primary}));
        const QString verifier = verifierConn.encryptPassword(QStringLiteral("vigil_pw_test"), password);
        QVERIFY(verifier.startsWith(QStringLiteral("SCRAM-SHA-256$")));
        QVERIFY2(adminExec(QStringLiteral("CREATE ROLE vigil_pw_test LOGIN PASSWORD '%1' IN ROLE vigil_password_users")
                               .arg(verifier),
                           &error),
                 qPrintable(error));
        m_roleCreated = true;
        const QString conninfo = m_primary + " user=vigil_pw_test";

        const CheckResult wrong = checkPostgres("pg1", conninfo, "not-" + password, 3);
        QVERIFY(!wrong.ok);
        VERIFY_CONTAINS(wrong.diagnosis.what, "password was rejected");
        VERIFY_CONTAINS(wrong.diagnosis.why, "password authentication failed");
        QVERIFY(!wrong.diagnosis.what.contains(password));

        const CheckResult none = checkPostgres("pg1", conninfo, {}, 3);
        QVERIFY(!none.ok);
        VERIFY_CONTAINS(none.diagnosis.what, "password");

        const CheckResult right = checkPostgres("pg1", conninfo, password, 3);
        QVERIFY2(right.ok, qPrintable(right.diagnosis.toText()));
        VERIFY_CONTAINS(right.summary, "primary");

        // Through checkProfile the password is looked up by node name.
        Profile p;
        p.name = "pwtest";
        p.pgNodes = {{"primary", conninfo}};
        const QList<CheckResult> viaProfile = checkProfile(p, {{"primary", password}}, 3);
        QCOMPARE(viaProfile.size(), 1);
        QVERIFY2(viaProfile[0].ok, qPrintable(viaProfile[0].diagnosis.toText()));

        QVERIFY2(adminExec("DROP ROLE vigil_pw_test", &error), qPrintable(error));
        m_roleCreated = false;
    }

    void pgHbaRejects()
    {
        const CheckResult r = checkPostgres("pg1", m_primary + " user=vigil_rejected", {}, 3);
        QVERIFY(!r.ok);
        VERIFY_CONTAINS(r.diagnosis.what, "pg_hba.conf rejects");
        VERIFY_CONTAINS(r.diagnosis.todo, "pg_hba.conf");
    }

    void unknownSentinelMaster()
    {
        const CheckResult r = checkSentinel(m_profile.sentinels.first(), "no_such_master", 2);
        QVERIFY(!r.ok);
        QCOMPARE(r.kind, QString("sentinel"));
        VERIFY_CONTAINS(r.diagnosis.what, "Sentinel does not know master name no_such_master");
        VERIFY_CONTAINS(r.diagnosis.todo, "trading"); // names the master it does know

        Profile p = m_profile;
        p.masterName = "no_such_master";
        for (const CheckResult& c : checkProfile(p, {}, 2))
            if (c.kind == "sentinel")
                VERIFY_CONTAINS(c.diagnosis.what, "does not know master name");
    }

    void redisWrongPass()
    {
        const redis::Reply created = redisAdmin({"ACL", "SETUSER", "vigil_acl_test", "on", ">rightpw", "~*", "+@all"});
        QVERIFY2(!created.isError() && created.type == redis::Reply::Type::Status, created.str.constData());
        m_aclCreated = true;

        const CheckResult wrong = checkRedis(m_redisMaster, "vigil_acl_test", "wrongpw", 2);
        QVERIFY(!wrong.ok);
        QCOMPARE(wrong.kind, QString("redis"));
        VERIFY_CONTAINS(wrong.diagnosis.what, "AUTH was rejected");
        VERIFY_CONTAINS(wrong.diagnosis.why, "WRONGPASS");

        Profile p;
        p.name = "acl";
        p.redisNodes = {m_redisMaster};
        p.redisUsername = "vigil_acl_test";
        p.redisNeedsPassword = true;
        QList<CheckResult> viaProfile = checkProfile(p, {{"redis", "wrongpw"}}, 2);
        QVERIFY(!viaProfile[0].ok);
        VERIFY_CONTAINS(viaProfile[0].diagnosis.what, "AUTH was rejected");
        viaProfile = checkProfile(p, {{"redis", "rightpw"}}, 2);
        QVERIFY2(viaProfile[0].ok, qPrintable(viaProfile[0].diagnosis.toText()));
        VERIFY_CONTAINS(viaProfile[0].summary, "master");

        const redis::Reply deleted = redisAdmin({"ACL", "DELUSER", "vigil_acl_test"});
        QCOMPARE(deleted.integer, 1LL);
        m_aclCreated = false;
    }
};

QTEST_GUILESS_MAIN(TestConnectionCheck)
#include "tst_connectioncheck.moc"
