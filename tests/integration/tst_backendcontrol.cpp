// Cancel and terminate against the live sandbox primary: a sleeping statement is cancelled
// (SQLSTATE 57014 within 2 s) or its session terminated, each audited before and after; a pid that
// is no backend, a read-only or unconfirmed production profile (refused without touching the
// server, recorded as a Refused audit entry rather than a begin), and a role without privilege
// (superuser-owned and ordinary backends) each give their own words.
#include "actions/backendcontrol.h"
#include "pg/pgconnection.h"
#include "store/auditlog.h"
#include "store/localstore.h"
#include "testsupport.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>
#include <QtConcurrent>
#include <memory>

using namespace vigil;

namespace {
const QString NoPrivRole = QStringLiteral("vigil_nopriv");
const QString VictimRole = QStringLiteral("vigil_victim");

// A session running `SELECT pg_sleep(30)` on a pool thread, so the test thread stays free.
struct Sleeper
{
    std::unique_ptr<pg::Connection> conn = std::make_unique<pg::Connection>();
    QFuture<pg::Result> future;
    QString appName;
    int pid = 0;

    ~Sleeper()
    {
        // A failed test must not leave a session sleeping for 30 s.
        if (!future.isFinished())
            conn->cancel();
        future.waitForFinished();
    }
};

} // namespace

class TestBackendControl : public QObject
{
    Q_OBJECT

private:
    Profile m_profile;
    QString m_node; // the primary's node name
    QString m_primary; // its conninfo (user postgres, trust)
    pg::Connection m_admin;
    QTemporaryDir m_dir;
    std::unique_ptr<store::LocalStore> m_store;
    std::unique_ptr<store::AuditLog> m_audit;
    QThreadPool m_pool; // sleepers and actions; more threads than the global pool's two

    pg::ConnectOptions target(const QString& user = {}) const
    {
        // A later keyword overrides an earlier one in a conninfo string.
        return {user.isEmpty() ? m_primary : m_primary + QStringLiteral(" user=") + user};
    }

    // Opens a session with a unique application_name, starts the sleep on the pool and finds the
    // backend through pg_stat_activity once the statement is active.
    bool startSleeper(Sleeper* s, const QString& user = {})
    {
        s->appName = QStringLiteral("vigil-test-bc-%1").arg(QRandomGenerator::global()->generate(), 8, 16, QChar(u'0'));
        pg::ConnectOptions options = target(user);
        options.applicationName = s->appName;
        options.statementTimeoutMs = 60000; // the default 5 s would end the sleep by itself
        if (!s->conn->open(options)) {
            qWarning("sleeper cannot connect: %s", qPrintable(s->conn->lastError()));
            return false;
        }
        pg::Connection* conn = s->conn.get();
        s->future = QtConcurrent::run(&m_pool, [conn] { return conn->exec(QStringLiteral("SELECT pg_sleep(30)")); });
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 10000) {
            const pg::Result r = m_admin.exec(
                QStringLiteral("SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND state = 'active' "
                               "AND query = 'SELECT pg_sleep(30)'"),
                {s->appName});
            if (r.ok() && r.rows() == 1) {
                s->pid = int(r.toInt64(0, 0));
                return s->pid == s->conn->backendPid();
            }
            QTest::qWait(20);
        }
        qWarning("sleeper %s never showed up as active", qPrintable(s->appName));
        return false;
    }

    bool backendExists(int pid)
    {
        const pg::Result r = m_admin.exec(QStringLiteral("SELECT 1 FROM pg_stat_activity WHERE pid = $1"), {pid});
        return r.ok() && r.rows() == 1;
    }

    bool adminExec(const QString& sql)
    {
        const pg::Result r = m_admin.execSimple(sql);
        if (!r.ok())
            qWarning("%s: %s", qPrintable(sql), qPrintable(r.errorMessage()));
        return r.ok();
    }

    store::AuditRecord lastAudit() const
    {
        const QList<store::AuditRecord> log = m_audit->list(1);
        return log.isEmpty() ? store::AuditRecord {} : log.first();
    }

    void dropRoles()
    {
        for (const QString& role : {NoPrivRole, VictimRole}) {
            m_admin.exec(QStringLiteral("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1"),
                         {role});
            adminExec(QStringLiteral("DROP ROLE IF EXISTS %1").arg(m_admin.quoteIdent(role)));
        }
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_pool.setMaxThreadCount(8);
        m_profile = test::sandboxProfile();
        const PgNode primary = test::primaryNode();
        m_node = primary.name;
        m_primary = primary.conninfo;
        QVERIFY2(!m_primary.isEmpty(), "no primary found in the sandbox");
        QVERIFY2(m_admin.open({m_primary}), qPrintable(m_admin.lastError()));
        m_store = std::make_unique<store::LocalStore>(m_dir.filePath(QStringLiteral("vigil.sqlite")));
        QVERIFY2(m_store->isOk(), qPrintable(m_store->lastError()));
        m_audit = std::make_unique<store::AuditLog>(m_store.get());
        dropRoles(); // left over from an aborted run
    }

    void cleanupTestCase()
    {
        if (m_admin.isOpen()) {
            m_admin.exec(QStringLiteral("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                        "WHERE application_name LIKE 'vigil-test-bc-%'"));
            dropRoles();
            const pg::Result r = m_admin.exec(QStringLiteral("SELECT count(*) FROM pg_roles WHERE rolname = ANY($1)"),
                                              {QStringLiteral("{%1,%2}").arg(NoPrivRole, VictimRole)});
            QCOMPARE(r.toInt64(0, 0), qint64(0));
        }
        m_audit.reset();
        m_store.reset();
    }

    void cancelStopsTheRunningStatement()
    {
        Sleeper s;
        QVERIFY(startSleeper(&s));
        QElapsedTimer t;
        t.start();
        // As the UI runs it: off the calling thread, the audit log written from that worker.
        const actions::BackendActionResult r
            = QtConcurrent::run(&m_pool, [&] {
                  return actions::cancelBackend(target(), s.pid, m_audit.get(), m_profile, m_node);
              }).result();
        qInfo("cancel: %s", qPrintable(r.message));
        QVERIFY2(r.ok, qPrintable(r.message));
        QVERIFY(!r.refused);
        VERIFY_CONTAINS(r.message, QString::number(s.pid));
        QTRY_VERIFY_WITH_TIMEOUT(s.future.isFinished(), 2000);
        QVERIFY(t.elapsed() < 2000);
        const pg::Result sleep = s.future.result();
        QVERIFY(!sleep.ok());
        QCOMPARE(sleep.sqlState(), QStringLiteral("57014"));
        VERIFY_CONTAINS(sleep.errorMessage(), QStringLiteral("canceling statement due to user request"));
        // A cancel ends the statement, not the session.
        QVERIFY(s.conn->isOpen());
        QVERIFY(s.conn->exec(QStringLiteral("SELECT 1")).ok());

        const store::AuditRecord a = lastAudit();
        QCOMPARE(a.id, r.auditId);
        QCOMPARE(a.state, store::AuditRecord::State::Ok);
        QCOMPARE(a.entry.action, QStringLiteral("cancel"));
        QCOMPARE(a.entry.command, QStringLiteral("SELECT pg_cancel_backend($1) -- $1 = %1").arg(s.pid));
        QCOMPARE(a.entry.node, m_node);
        QCOMPARE(a.entry.profile, m_profile.name);
        QVERIFY(!a.entry.osUser.isEmpty());
        QVERIFY(a.finishedAt.isValid());
        QCOMPARE(a.detail, r.message);
    }

    void terminateEndsTheSession()
    {
        Sleeper s;
        QVERIFY(startSleeper(&s));
        const actions::BackendActionResult r
            = actions::terminateBackend(target(), s.pid, m_audit.get(), m_profile, m_node);
        QVERIFY2(r.ok, qPrintable(r.message));
        VERIFY_CONTAINS(r.message, QStringLiteral("terminated"));
        QTRY_VERIFY_WITH_TIMEOUT(s.future.isFinished(), 2000);
        QVERIFY(!s.future.result().ok());
        QVERIFY(!s.conn->isOpen());
        QTRY_VERIFY_WITH_TIMEOUT(!backendExists(s.pid), 2000);

        const store::AuditRecord a = lastAudit();
        QCOMPARE(a.id, r.auditId);
        QCOMPARE(a.state, store::AuditRecord::State::Ok);
        QCOMPARE(a.entry.action, QStringLiteral("terminate"));
        QCOMPARE(a.entry.command, QStringLiteral("SELECT pg_terminate_backend($1) -- $1 = %1").arg(s.pid));
    }

    void pidThatIsNoBackend_data()
    {
        QTest::addColumn<int>("pid");
        QTest::newRow("this test process") << int(QCoreApplication::applicationPid());
        QTest::newRow("beyond pid_max") << std::numeric_limits<int>::max();
    }

    void pidThatIsNoBackend()
    {
        QFETCH(int, pid);
        for (const bool cancel : {true, false}) {
            const actions::BackendActionResult r = cancel
                ? actions::cancelBackend(target(), pid, m_audit.get(), m_profile, m_node)
                : actions::terminateBackend(target(), pid, m_audit.get(), m_profile, m_node);
            qInfo("no backend: %s", qPrintable(r.message));
            QVERIFY(!r.ok);
            QVERIFY(!r.refused);
            VERIFY_CONTAINS(r.message, QStringLiteral("backend %1 is not running any more").arg(pid));
            VERIFY_CONTAINS(
                r.message, cancel ? QStringLiteral("nothing was cancelled") : QStringLiteral("nothing was terminated"));
            const store::AuditRecord a = lastAudit();
            QCOMPARE(a.id, r.auditId);
            QCOMPARE(a.state, store::AuditRecord::State::Failed);
            QCOMPARE(a.detail, r.message);
        }
    }

    void gatedProfilesAreRefusedWithoutTouchingTheServer()
    {
        Sleeper s;
        QVERIFY(startSleeper(&s));

        Profile readOnly = m_profile;
        readOnly.name = QStringLiteral("sandbox-ro");
        readOnly.readOnly = true;
        // Even a confirmed typed name does not open a read-only profile.
        for (const bool terminate : {false, true}) {
            const actions::BackendActionResult r = terminate
                ? actions::terminateBackend(target(), s.pid, m_audit.get(), readOnly, m_node, true)
                : actions::cancelBackend(target(), s.pid, m_audit.get(), readOnly, m_node, true);
            QVERIFY(!r.ok);
            QVERIFY(r.refused);
            QVERIFY2(r.message.startsWith(QLatin1String("profile sandbox-ro is read-only: ")), qPrintable(r.message));
            // Refusals are recorded as finished Refused entries; there is no begin for them.
            const store::AuditRecord a = lastAudit();
            QCOMPARE(a.id, r.auditId);
            QCOMPARE(a.state, store::AuditRecord::State::Refused);
            QCOMPARE(a.entry.profile, readOnly.name);
            QCOMPARE(a.detail, r.message);
        }
        // A target nobody listens on: were a connection attempted, the message would say so.
        const pg::ConnectOptions nowhere {QStringLiteral("host=127.0.0.1 port=1 dbname=trading")};
        actions::BackendActionResult r = actions::cancelBackend(nowhere, s.pid, m_audit.get(), readOnly, m_node);
        qInfo("read-only: %s", qPrintable(r.message));
        QVERIFY(r.refused);
        VERIFY_CONTAINS(r.message, QStringLiteral("read-only"));

        Profile production = m_profile;
        production.name = QStringLiteral("sandbox-prod");
        production.production = true;
        r = actions::cancelBackend(target(), s.pid, m_audit.get(), production, m_node, /*typedNameConfirmed=*/false);
        qInfo("production, not confirmed: %s", qPrintable(r.message));
        QVERIFY(r.refused);
        VERIFY_CONTAINS(r.message, QStringLiteral("profile sandbox-prod is production"));
        QCOMPARE(lastAudit().state, store::AuditRecord::State::Refused);

        // None of that reached the server: the statement is still sleeping.
        QVERIFY(!s.future.isFinished());
        const pg::Result state
            = m_admin.exec(QStringLiteral("SELECT state FROM pg_stat_activity WHERE pid = $1"), {s.pid});
        QCOMPARE(state.text(0, 0), QStringLiteral("active"));

        // Once the operator has typed the name, production goes ahead.
        r = actions::cancelBackend(target(), s.pid, m_audit.get(), production, m_node, /*typedNameConfirmed=*/true);
        QVERIFY2(r.ok, qPrintable(r.message));
        QTRY_VERIFY_WITH_TIMEOUT(s.future.isFinished(), 2000);
        QCOMPARE(s.future.result().sqlState(), QStringLiteral("57014"));
        QCOMPARE(lastAudit().state, store::AuditRecord::State::Ok);
    }

    void missingPrivilegeIsExplained()
    {
        QVERIFY(adminExec(QStringLiteral("CREATE ROLE %1 LOGIN").arg(m_admin.quoteIdent(NoPrivRole))));
        QVERIFY(adminExec(QStringLiteral("CREATE ROLE %1 LOGIN").arg(m_admin.quoteIdent(VictimRole))));

        Sleeper superuserOwned;
        QVERIFY(startSleeper(&superuserOwned)); // runs as postgres, a superuser
        Sleeper roleOwned;
        QVERIFY(startSleeper(&roleOwned, VictimRole));

        actions::BackendActionResult r
            = actions::cancelBackend(target(NoPrivRole), superuserOwned.pid, m_audit.get(), m_profile, m_node);
        qInfo("superuser-owned: %s", qPrintable(r.message));
        QVERIFY(!r.ok);
        QVERIFY(!r.refused);
        QVERIFY2(r.message.startsWith(QLatin1String("permission denied: ")), qPrintable(r.message));
        VERIFY_CONTAINS(r.message, QStringLiteral("superuser"));
        VERIFY_CONTAINS(r.message, NoPrivRole);
        QCOMPARE(lastAudit().state, store::AuditRecord::State::Failed);
        QCOMPARE(lastAudit().detail, r.message);

        r = actions::terminateBackend(target(NoPrivRole), roleOwned.pid, m_audit.get(), m_profile, m_node);
        qInfo("role-owned: %s", qPrintable(r.message));
        QVERIFY(!r.ok);
        VERIFY_CONTAINS(r.message,
                        QStringLiteral("permission denied: your role needs pg_signal_backend (GRANT "
                                       "pg_signal_backend TO vigil_nopriv)"));
        QCOMPARE(lastAudit().state, store::AuditRecord::State::Failed);

        // Both still sleep: the refusals were the server's, and nothing happened.
        QVERIFY(!superuserOwned.future.isFinished());
        QVERIFY(!roleOwned.future.isFinished());

        // The advice works: with the grant, the ordinary backend can be cancelled (the superuser's
        // still cannot).
        QVERIFY(adminExec(QStringLiteral("GRANT pg_signal_backend TO %1").arg(m_admin.quoteIdent(NoPrivRole))));
        r = actions::cancelBackend(target(NoPrivRole), roleOwned.pid, m_audit.get(), m_profile, m_node);
        QVERIFY2(r.ok, qPrintable(r.message));
        QTRY_VERIFY_WITH_TIMEOUT(roleOwned.future.isFinished(), 2000);
        QCOMPARE(roleOwned.future.result().sqlState(), QStringLiteral("57014"));
        r = actions::cancelBackend(target(NoPrivRole), superuserOwned.pid, m_audit.get(), m_profile, m_node);
        QVERIFY(!r.ok);
        VERIFY_CONTAINS(r.message, QStringLiteral("superuser"));

        // Clean up here as well as in cleanupTestCase, so later functions see no stray sessions.
        superuserOwned.conn->cancel();
        superuserOwned.future.waitForFinished();
        roleOwned.conn->close();
    }
};

QTEST_GUILESS_MAIN(TestBackendControl)
#include "tst_backendcontrol.moc"
