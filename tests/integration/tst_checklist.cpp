// `vigil checklist`: every item with a status and a figure on the healthy sandbox, the alerts
// item reading a firing alert from the local store's alert history, and a real
// archiver failure (archive_command = '/bin/false') turning the archiving item and the exit code
// into a fail. The primary is restarted twice (archive_mode needs it) and left as it was found.
#include "pg/pgconnection.h"
#include "sandbox/sandbox.h"
#include "store/alerthistory.h"
#include "store/localstore.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace vigil;

class TestChecklist : public QObject
{
    Q_OBJECT
    bool m_archiverBroken = false;
    QString m_primary;

    struct Run
    {
        int code = -1;
        QByteArray out, err;
    };
    // XDG_DATA_HOME of these runs: their local store (with the alert history) lives below it.
    static QString dataDir()
    {
        static QTemporaryDir data;
        return data.path();
    }
    static QString storePath() { return dataDir() + QStringLiteral("/Vigil/vigil/vigil.sqlite"); }
    static Run vigil(const QStringList& args)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_DATA_HOME"), dataDir());
        p.setProcessEnvironment(env);
        p.start(test::vigilBinary(), args);
        if (!p.waitForFinished(60000))
            p.kill();
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
                p.readAllStandardError()};
    }
    static QHash<QString, QJsonObject> items(const Run& r)
    {
        QJsonParseError e;
        const QJsonDocument d = QJsonDocument::fromJson(r.out, &e);
        if (e.error != QJsonParseError::NoError)
            qFatal("stdout is not JSON: %s\n%s", qPrintable(e.errorString()), r.out.constData());
        QHash<QString, QJsonObject> out;
        for (const QJsonValue& v : d.object().value("items").toArray())
            out.insert(v.toObject().value("id").toString(), v.toObject());
        return out;
    }
    static bool open(pg::Connection* c)
    {
        pg::ConnectOptions o;
        o.conninfo = test::primaryNode().conninfo;
        o.applicationName = QStringLiteral("checklist-test");
        return c->open(o);
    }
    // Restarts the primary so archive_mode takes effect, then waits for its standby to stream again.
    static QString restartPrimary(const QString& node)
    {
        QString error;
        if (!sandbox::stopNode(test::sandboxDir(), node, &error)
            || !sandbox::startNode(test::sandboxDir(), node, &error))
            return error;
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < 20000) {
            pg::Connection c;
            if (open(&c)
                && c.exec(QStringLiteral("SELECT 1 FROM pg_stat_replication WHERE state = 'streaming'")).rows() > 0)
                return {};
            QTest::qWait(200);
        }
        return QStringLiteral("the standby did not stream again within 20 s");
    }

private Q_SLOTS:
    void initTestCase() { m_primary = test::primaryNode().name; }

    void healthySandboxHasNoFail()
    {
        const Run r = vigil({"checklist", "--sandbox-dir", test::sandboxDir(), "--json"});
        QVERIFY2(r.code == 0, r.out.constData());
        const auto all = items(r);
        QCOMPARE(all.size(), 11);
        for (const char* id :
             {"nodes", "pg_replication", "redis_replication", "sentinel_quorum", "connections", "pgbouncer_waiting",
              "slow_patterns", "recommendations", "invalid_indexes", "archiving", "alerts"}) {
            QVERIFY2(all.contains(id), id);
            const QJsonObject& i = all[id];
            qInfo("%-18s %-4s %s", qPrintable(i.value("id").toString()), qPrintable(i.value("status").toString()),
                  qPrintable(i.value("figure").toString()));
            QVERIFY(QStringList({"ok", "warn"}).contains(i.value("status").toString()));
            QVERIFY(!i.value("figure").toString().isEmpty());
        }
        QCOMPARE(all["nodes"].value("figure").toString(), QStringLiteral("8 of 8 up"));
        QCOMPARE(all["pg_replication"].value("status").toString(), QStringLiteral("ok"));
        // The sandbox does not archive: a warn. No alert history yet: nothing fired.
        QCOMPARE(all["archiving"].value("figure").toString(), QStringLiteral("archiving off"));
        QCOMPARE(all["alerts"].value("status").toString(), QStringLiteral("ok"));
        VERIFY_CONTAINS(all["alerts"].value("figure").toString(), "0 alerts fired since");
    }

    // The alert history the console records: a critical alert still firing fails the item, and
    // once it resolved the item is ok again while still counting it as fired.
    void firingAlertInHistoryFails()
    {
        alerts::Alert a;
        a.key = QStringLiteral("vigil:replica_lag:pg2");
        a.source = QStringLiteral("vigil");
        a.ruleId = QStringLiteral("replica_lag");
        a.name = QStringLiteral("Replica lag");
        a.subject = QStringLiteral("pg2");
        a.severity = alerts::Severity::Critical;
        a.state = alerts::AlertState::Firing;
        a.value = 42;
        a.detail = QStringLiteral("not streaming");
        a.pendingSince = QDateTime::currentDateTimeUtc().addSecs(-90);
        a.firedAt = QDateTime::currentDateTimeUtc().addSecs(-30);
        {
            store::LocalStore local(storePath());
            QVERIFY2(local.isOk(), qPrintable(local.lastError()));
            QVERIFY(store::AlertHistory(&local).record(QStringLiteral("sandbox"), a));
        }
        Run r = vigil({"checklist", "--sandbox-dir", test::sandboxDir(), "--json"});
        QCOMPARE(r.code, 1);
        QJsonObject alertsItem = items(r).value("alerts");
        qInfo("alerts: %s", qPrintable(alertsItem.value("figure").toString()));
        QCOMPARE(alertsItem.value("status").toString(), QStringLiteral("fail"));
        VERIFY_CONTAINS(alertsItem.value("figure").toString(), "1 alerts fired since");
        VERIFY_CONTAINS(alertsItem.value("figure").toString(), "1 still firing");
        VERIFY_CONTAINS(alertsItem.value("detail").toString(), "[critical] Replica lag (pg2)");

        a.state = alerts::AlertState::Resolved;
        a.resolvedAt = QDateTime::currentDateTimeUtc();
        {
            store::LocalStore local(storePath());
            QVERIFY(store::AlertHistory(&local).record(QStringLiteral("sandbox"), a));
        }
        r = vigil({"checklist", "--sandbox-dir", test::sandboxDir(), "--json"});
        alertsItem = items(r).value("alerts");
        QCOMPARE(alertsItem.value("status").toString(), QStringLiteral("ok"));
        VERIFY_CONTAINS(alertsItem.value("figure").toString(), "1 alerts fired since");
        VERIFY_CONTAINS(alertsItem.value("figure").toString(), "0 still firing");
    }

    void badSinceIsUsageError()
    {
        const Run r = vigil({"checklist", "--sandbox-dir", test::sandboxDir(), "--since", "yesterday-ish"});
        QCOMPARE(r.code, 2);
        VERIFY_CONTAINS(QString::fromUtf8(r.err), "--since");
    }

    // A failed CREATE UNIQUE INDEX CONCURRENTLY leaves an INVALID index behind: a fail.
    void invalidIndexFails()
    {
        pg::Connection c;
        QVERIFY(open(&c));
        QVERIFY(!c.exec(QStringLiteral("CREATE UNIQUE INDEX CONCURRENTLY vigil_checklist_invalid ON instruments "
                                       "(exchange)"))
                     .ok());
        const Run r = vigil({"checklist", "--sandbox-dir", test::sandboxDir(), "--json"});
        QVERIFY(c.exec(QStringLiteral("DROP INDEX CONCURRENTLY IF EXISTS vigil_checklist_invalid")).ok());
        QCOMPARE(r.code, 1);
        const QJsonObject invalid = items(r).value("invalid_indexes");
        QCOMPARE(invalid.value("status").toString(), QStringLiteral("fail"));
        VERIFY_CONTAINS(invalid.value("detail").toString(),
                        "DROP INDEX CONCURRENTLY \"public\".\"vigil_checklist_invalid\"");
    }

    void failingArchiverFails()
    {
        pg::Connection c;
        QVERIFY(open(&c));
        m_archiverBroken = true;
        QVERIFY(c.exec(QStringLiteral("ALTER SYSTEM SET archive_mode = on")).ok());
        QVERIFY(c.exec(QStringLiteral("ALTER SYSTEM SET archive_command = '/bin/false'")).ok());
        c.close();
        const QString restarted = restartPrimary(m_primary);
        QVERIFY2(restarted.isEmpty(), qPrintable(restarted));

        // A write, then a segment switch: the closed segment is handed to archive_command.
        QVERIFY(open(&c));
        const qint64 before = c.exec(QStringLiteral("SELECT failed_count FROM pg_stat_archiver")).toInt64(0, 0);
        QVERIFY(c.exec(QStringLiteral("CREATE TABLE vigil_checklist_probe ()")).ok());
        QVERIFY(c.exec(QStringLiteral("DROP TABLE vigil_checklist_probe")).ok());
        QVERIFY(c.exec(QStringLiteral("SELECT pg_switch_wal()")).ok());
        QString failedWal;
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < 15000) {
            const pg::Result a = c.exec(QStringLiteral("SELECT failed_count, last_failed_wal FROM pg_stat_archiver"));
            if (a.toInt64(0, 0) > before) {
                failedWal = a.text(0, 1);
                break;
            }
            QTest::qWait(200);
        }
        QVERIFY2(!failedWal.isEmpty(), "the archiver did not report a failure within 15 s");

        const Run r = vigil({"checklist", "--sandbox-dir", test::sandboxDir(), "--json"});
        QCOMPARE(r.code, 1);
        const QJsonObject archiving = items(r).value("archiving");
        qInfo("archiving: %s", qPrintable(archiving.value("figure").toString()));
        QCOMPARE(archiving.value("status").toString(), QStringLiteral("fail"));
        VERIFY_CONTAINS(archiving.value("figure").toString(), "failing since");
        VERIFY_CONTAINS(archiving.value("figure").toString(), failedWal);
        QVERIFY(!QJsonDocument::fromJson(r.out).object().value("ok").toBool());

        const Run text = vigil({"checklist", "--sandbox-dir", test::sandboxDir()});
        QCOMPARE(text.code, 1);
        VERIFY_CONTAINS(QString::fromUtf8(text.out), "FAIL  WAL archiving");
    }

    void cleanupTestCase()
    {
        if (!m_archiverBroken)
            return;
        pg::Connection c;
        QVERIFY(open(&c));
        QVERIFY(c.exec(QStringLiteral("ALTER SYSTEM RESET archive_command")).ok());
        QVERIFY(c.exec(QStringLiteral("ALTER SYSTEM RESET archive_mode")).ok());
        c.close();
        const QString restarted = restartPrimary(m_primary);
        QVERIFY2(restarted.isEmpty(), qPrintable(restarted));
        QVERIFY(open(&c));
        QCOMPARE(c.exec(QStringLiteral("SHOW archive_mode")).text(0, 0), QStringLiteral("off"));
    }
};

QTEST_GUILESS_MAIN(TestChecklist)
#include "tst_checklist.moc"
