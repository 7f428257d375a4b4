// The local SQLite store: schema and WAL set-up, slow-query history (upsert per execution, trim,
// frequency, RFC 4180 export, persistence across reopening), use from several threads at once,
// connections closed when their thread ends, the audit log with its password guard, and the
// action gate (read-only, production typed name).
#include "actions/actiongate.h"
#include "actions/backendcontrol.h"
#include "store/auditlog.h"
#include "store/localstore.h"
#include "store/slowhistory.h"

#include <QBuffer>
#include <QElapsedTimer>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QtConcurrent>
#include <thread>

using namespace vigil;
using namespace vigil::store;

namespace {
const QDateTime T0 = QDateTime(QDate(2024, 3, 1), QTime(9, 0), Qt::UTC);

SlowSighting sighting(int pid, int startSec, int seenSec, double ms, const QString& query = QStringLiteral("SELECT 1"),
                      qint64 queryId = 0, const QString& profile = QStringLiteral("p"))
{
    SlowSighting s;
    s.profile = profile;
    s.node = QStringLiteral("pg1");
    s.pid = pid;
    s.queryStart = T0.addSecs(startSec);
    s.lastSeen = T0.addSecs(seenSec);
    s.durationMs = ms;
    s.database = QStringLiteral("trading");
    s.user = QStringLiteral("app");
    s.application = QStringLiteral("oms");
    s.client = QStringLiteral("10.0.0.9");
    s.query = query;
    s.queryId = queryId;
    return s;
}

// A minimal RFC 4180 reader, to check that what we write reads back as the same fields.
QList<QStringList> parseCsv(const QString& text)
{
    QList<QStringList> rows;
    QStringList row;
    QString field;
    bool quoted = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (quoted) {
            if (c == u'"' && i + 1 < text.size() && text[i + 1] == u'"') {
                field += u'"';
                ++i;
            } else if (c == u'"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == u'"') {
            quoted = true;
        } else if (c == u',') {
            row << field;
            field.clear();
        } else if (c == u'\r' && i + 1 < text.size() && text[i + 1] == u'\n') {
            row << field;
            field.clear();
            rows << row;
            row.clear();
            ++i;
        } else {
            field += c;
        }
    }
    return rows;
}

int connectionCount(const QString& path)
{
    // Connection names start with a hash of the path; counting all vigil-store connections is
    // enough because each test uses its own store.
    Q_UNUSED(path);
    int n = 0;
    for (const QString& name : QSqlDatabase::connectionNames())
        n += name.startsWith(QLatin1String("vigil-store-"));
    return n;
}
} // namespace

class TestLocalStore : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_serial = 0;

    QString freshPath() { return m_dir.filePath(QStringLiteral("s%1/sub/vigil.sqlite").arg(++m_serial)); }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void opensWithSchemaAndWal()
    {
        const QString path = freshPath();
        LocalStore store(path);
        QVERIFY2(store.isOk(), qPrintable(store.lastError()));
        QVERIFY(QFile::exists(path)); // the directory was created
        QSqlQuery q = store.exec(QStringLiteral("PRAGMA user_version"));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), LocalStore::SchemaVersion);
        q = store.exec(QStringLiteral("PRAGMA journal_mode"));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("wal"));
        q = store.exec(QStringLiteral("PRAGMA busy_timeout"));
        QVERIFY(q.next());
        QVERIFY(q.value(0).toInt() >= 1000);
        q.finish();

        // A second open of an up-to-date file migrates nothing and still works.
        LocalStore again(path);
        QVERIFY2(again.isOk(), qPrintable(again.lastError()));
    }

    void unwritablePathReportsError()
    {
        LocalStore store(QStringLiteral("/proc/vigil-cannot-be-here/vigil.sqlite"));
        QVERIFY(!store.isOk());
        QVERIFY(!store.lastError().isEmpty());
    }

    void upsertKeepsOneRowPerExecution()
    {
        LocalStore store(freshPath());
        SlowHistory history(&store);
        // The same statement (pid 100, started at +0 s) seen in three polls; the middle poll saw
        // the longest duration only because the polls arrive out of order here.
        SlowSighting a = sighting(100, 0, 2, 2000);
        a.waitEvent = QStringLiteral("Lock:relation");
        SlowSighting b = sighting(100, 0, 6, 6000, QStringLiteral("SELECT 1"), 77);
        b.waitEvent = QStringLiteral("IO:DataFileRead");
        SlowSighting c = sighting(100, 0, 4, 4000);
        QVERIFY(history.record({a}));
        QVERIFY(history.record({b}));
        QVERIFY(history.record({c}));
        // Another pid, and the same pid with a later statement: separate executions.
        QVERIFY(history.record({sighting(101, 0, 3, 1500), sighting(100, 10, 12, 1200)}));

        const QList<SlowSighting> rows = history.recent(QStringLiteral("p"));
        QCOMPARE(rows.size(), 3);
        const auto it = std::find_if(rows.begin(), rows.end(),
                                     [](const SlowSighting& s) { return s.pid == 100 && s.queryStart == T0; });
        QVERIFY(it != rows.end());
        QCOMPARE(it->durationMs, 6000.0);
        QCOMPARE(it->lastSeen, T0.addSecs(6));
        QCOMPARE(it->waitEvent, QStringLiteral("IO:DataFileRead")); // from the latest poll
        QCOMPARE(it->queryId, qint64(77)); // a later 0 does not erase a known id
        QCOMPARE(it->database, QStringLiteral("trading"));
        QCOMPARE(it->client, QStringLiteral("10.0.0.9"));
        // Newest first.
        QCOMPARE(rows.first().lastSeen, T0.addSecs(12));
        QCOMPARE(history.recent(QStringLiteral("p"), 1).size(), 1);
        QVERIFY(history.recent(QStringLiteral("other")).isEmpty());
    }

    void trimKeepsNewest()
    {
        LocalStore store(freshPath());
        SlowHistory history(&store);
        QCOMPARE(history.keepLast(), 100);
        history.setKeepLast(0); // no automatic trim for the first part
        QList<SlowSighting> batch;
        for (int i = 0; i < 10; ++i)
            batch << sighting(200 + i, i, i + 1, 1000 + i);
        batch << sighting(999, 0, 1, 1000, QStringLiteral("SELECT 1"), 0, QStringLiteral("q"));
        QVERIFY(history.record(batch));
        QVERIFY(history.trim(QStringLiteral("p"), 3));
        QList<SlowSighting> rows = history.recent(QStringLiteral("p"));
        QCOMPARE(rows.size(), 3);
        QCOMPARE(rows[0].pid, 209);
        QCOMPARE(rows[1].pid, 208);
        QCOMPARE(rows[2].pid, 207);
        QCOMPARE(history.recent(QStringLiteral("q")).size(), 1); // other profiles are untouched

        // record() trims to keepLast() by itself.
        history.setKeepLast(5);
        batch.clear();
        for (int i = 0; i < 8; ++i)
            batch << sighting(300 + i, 100 + i, 101 + i, 1000);
        QVERIFY(history.record(batch));
        rows = history.recent(QStringLiteral("p"));
        QCOMPARE(rows.size(), 5);
        QCOMPARE(rows.first().pid, 307);
        QCOMPARE(rows.last().pid, 303);
    }

    void frequencyCountsAndOrders()
    {
        LocalStore store(freshPath());
        SlowHistory history(&store);
        const QString byText = QStringLiteral("SELECT * FROM orders WHERE account_id = $1");
        QVERIFY(history.record({
            // query id 42: three executions, the text seen last wins
            sighting(1, 0, 1, 1000, QStringLiteral("SELECT old"), 42),
            sighting(2, 0, 5, 3000, QStringLiteral("SELECT new"), 42),
            sighting(3, 0, 3, 2000, QStringLiteral("SELECT new"), 42),
            // no query id: grouped by text, two executions
            sighting(4, 0, 2, 4000, byText),
            sighting(5, 0, 9, 8000, byText),
            // once
            sighting(6, 0, 4, 500, QStringLiteral("VACUUM trades")),
            // polled twice: still one execution
            sighting(6, 0, 7, 900, QStringLiteral("VACUUM trades")),
        }));
        const QList<SlowPattern> patterns = history.frequency(QStringLiteral("p"));
        QCOMPARE(patterns.size(), 3);
        QCOMPARE(patterns[0].queryId, qint64(42));
        QCOMPARE(patterns[0].count, 3);
        QCOMPARE(patterns[0].query, QStringLiteral("SELECT new"));
        QCOMPARE(patterns[0].maxMs, 3000.0);
        QCOMPARE(patterns[0].meanMs, 2000.0);
        QCOMPARE(patterns[0].lastSeen, T0.addSecs(5));
        QCOMPARE(patterns[1].query, byText);
        QCOMPARE(patterns[1].queryId, qint64(0));
        QCOMPARE(patterns[1].count, 2);
        QCOMPARE(patterns[1].maxMs, 8000.0);
        QCOMPARE(patterns[1].meanMs, 6000.0);
        QCOMPARE(patterns[1].lastSeen, T0.addSecs(9));
        QCOMPARE(patterns[2].count, 1);
        QCOMPARE(patterns[2].maxMs, 900.0);
    }

    void csvQuoting()
    {
        QCOMPARE(SlowHistory::csvField(QStringLiteral("plain")), QStringLiteral("plain"));
        QCOMPARE(SlowHistory::csvField(QStringLiteral("a,b")), QStringLiteral("\"a,b\""));
        QCOMPARE(SlowHistory::csvField(QStringLiteral("say \"hi\"")), QStringLiteral("\"say \"\"hi\"\"\""));
        QCOMPARE(SlowHistory::csvField(QStringLiteral("l1\nl2")), QStringLiteral("\"l1\nl2\""));
        QCOMPARE(SlowHistory::csvField(QStringLiteral("l1\r\nl2")), QStringLiteral("\"l1\r\nl2\""));

        LocalStore store(freshPath());
        SlowHistory history(&store);
        const QString nasty = QStringLiteral("SELECT a, \"Weird Col\"\nFROM t\r\nWHERE s = 'x,y' -- \"q\"");
        SlowSighting s = sighting(7, 0, 3, 1234.5, nasty, 9);
        s.application = QStringLiteral("app, with comma");
        QVERIFY(history.record({s, sighting(8, 0, 1, 1000)}));

        QBuffer buffer;
        QVERIFY(buffer.open(QIODevice::WriteOnly));
        QVERIFY(history.exportCsv(QStringLiteral("p"), &buffer));
        const QString text = QString::fromUtf8(buffer.data());
        QVERIFY(text.startsWith(QStringLiteral("profile,node,pid,query_start,last_seen,duration_ms,database,user,"
                                               "application,client,wait_event,query_id,query\r\n")));
        QVERIFY(text.endsWith(QStringLiteral("\r\n")));
        QVERIFY(text.contains(QStringLiteral("\"SELECT a, \"\"Weird Col\"\"\nFROM t\r\nWHERE s = 'x,y' -- "
                                             "\"\"q\"\"\"\r\n")));
        const QList<QStringList> rows = parseCsv(text);
        QCOMPARE(rows.size(), 3);
        for (const QStringList& row : rows)
            QCOMPARE(row.size(), 13);
        QCOMPARE(rows[1][2], QStringLiteral("7")); // newest first
        QCOMPARE(rows[1][3], QStringLiteral("2024-03-01T09:00:00.000Z"));
        QCOMPARE(rows[1][5], QStringLiteral("1234.500"));
        QCOMPARE(rows[1][8], QStringLiteral("app, with comma"));
        QCOMPARE(rows[1][11], QStringLiteral("9"));
        QCOMPARE(rows[1][12], nasty);
        QCOMPARE(rows[2][11], QString()); // unknown query id stays empty
    }

    void survivesReopening()
    {
        const QString path = freshPath();
        {
            LocalStore store(path);
            SlowHistory history(&store);
            QVERIFY(history.record({sighting(11, 0, 2, 2500), sighting(12, 0, 3, 3500)}));
            AuditLog audit(&store);
            const qint64 id = audit.begin({{},
                                           QStringLiteral("p"),
                                           QStringLiteral("pg1"),
                                           QStringLiteral("cancel"),
                                           QStringLiteral("SELECT pg_cancel_backend($1) -- $1 = 11"),
                                           {}});
            QVERIFY(id > 0);
            QVERIFY(audit.finish(id, true, QStringLiteral("sent")));
        }
        QCOMPARE(connectionCount(path), 0); // the destructor removed its connection

        LocalStore reopened(path);
        QVERIFY(reopened.isOk());
        const QList<SlowSighting> rows = SlowHistory(&reopened).recent(QStringLiteral("p"));
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows[0].pid, 12);
        QCOMPARE(rows[0].durationMs, 3500.0);
        const QList<AuditRecord> log = AuditLog(&reopened).list();
        QCOMPARE(log.size(), 1);
        QCOMPARE(log[0].state, AuditRecord::State::Ok);
    }

    void concurrentThreads()
    {
        LocalStore store(freshPath());
        SlowHistory history(&store);
        history.setKeepLast(0);
        AuditLog audit(&store);
        constexpr int PerThread = 150;
        // Each worker commits many small transactions and reads in between, against the GUI-like
        // thread doing the same: the pattern of a poller and the UI sharing the file.
        auto work = [&](int base) {
            int failures = 0;
            for (int i = 0; i < PerThread; ++i) {
                if (!history.record({sighting(base + i, i, i + 1, 1000 + i)}))
                    ++failures;
                const qint64 id = audit.begin({{},
                                               QStringLiteral("p"),
                                               QStringLiteral("pg1"),
                                               QStringLiteral("cancel"),
                                               QStringLiteral("SELECT 1"),
                                               {}});
                if (id <= 0 || !audit.finish(id, true, QString()))
                    ++failures;
                if (history.recent(QStringLiteral("p"), 5).isEmpty())
                    ++failures;
            }
            return failures ? QStringLiteral("%1 failures, last: %2").arg(failures).arg(store.lastError()) : QString();
        };
        QThreadPool pool;
        pool.setMaxThreadCount(2);
        QFuture<QString> a = QtConcurrent::run(&pool, work, 10000);
        QFuture<QString> b = QtConcurrent::run(&pool, work, 20000);
        const QString mine = work(30000);
        a.waitForFinished();
        b.waitForFinished();
        QVERIFY2(a.result().isEmpty(), qPrintable(a.result()));
        QVERIFY2(b.result().isEmpty(), qPrintable(b.result()));
        QVERIFY2(mine.isEmpty(), qPrintable(mine));
        QCOMPARE(history.recent(QStringLiteral("p")).size(), 3 * PerThread);
        QCOMPARE(audit.list(-1).size(), 3 * PerThread);
        QVERIFY(connectionCount(store.path()) >= 3); // one per thread
    }

    void callsAreCheap()
    {
        // Not asserted (disk speed varies); printed so a regression is visible in the log.
        LocalStore store(freshPath());
        SlowHistory history(&store);
        AuditLog audit(&store);
        constexpr int N = 200;
        QElapsedTimer t;
        t.start();
        for (int i = 0; i < N; ++i)
            QVERIFY(history.record({sighting(i, i, i + 1, 1000)}));
        const double recordUs = t.nsecsElapsed() / 1000.0 / N;
        t.restart();
        for (int i = 0; i < N; ++i) {
            const qint64 id = audit.begin({{},
                                           QStringLiteral("p"),
                                           QStringLiteral("pg1"),
                                           QStringLiteral("cancel"),
                                           QStringLiteral("SELECT 1"),
                                           {}});
            QVERIFY(audit.finish(id, true, QString()));
        }
        const double auditUs = t.nsecsElapsed() / 1000.0 / N;
        t.restart();
        for (int i = 0; i < N; ++i)
            QCOMPARE(history.recent(QStringLiteral("p"), 20).size(), 20);
        const double recentUs = t.nsecsElapsed() / 1000.0 / N;
        qInfo("per call: record %.0f us, audit begin+finish %.0f us, recent(20) %.0f us", recordUs, auditUs, recentUs);
    }

    void connectionClosedWhenThreadEnds()
    {
        LocalStore store(freshPath());
        SlowHistory history(&store);
        const int before = connectionCount(store.path()); // the constructing thread's
        QCOMPARE(before, 1);

        bool ok = false;
        QThread* thread = QThread::create([&] { ok = history.record({sighting(1, 0, 1, 1000)}); });
        thread->start();
        QVERIFY(thread->wait(10000));
        delete thread;
        QVERIFY(ok);
        QCOMPARE(connectionCount(store.path()), before);

        std::thread plain([&] { ok = !history.recent(QStringLiteral("p")).isEmpty(); });
        plain.join();
        QVERIFY(ok);
        QCOMPARE(connectionCount(store.path()), before);
    }

    void auditBeginFinishList()
    {
        LocalStore store(freshPath());
        AuditLog audit(&store);
        const QDateTime at = QDateTime::currentDateTimeUtc();
        const qint64 id
            = audit.begin({at, QStringLiteral("prod-eu"), QStringLiteral("pg1"), QStringLiteral("cancel"),
                           QStringLiteral("SELECT pg_cancel_backend($1) -- $1 = 4242"), QStringLiteral("alice")});
        QVERIFY(id > 0);
        QList<AuditRecord> log = audit.list();
        QCOMPARE(log.size(), 1);
        QCOMPARE(log[0].id, id);
        QCOMPARE(log[0].state, AuditRecord::State::Running);
        QCOMPARE(log[0].entry.command, QStringLiteral("SELECT pg_cancel_backend($1) -- $1 = 4242"));
        QCOMPARE(log[0].entry.osUser, QStringLiteral("alice"));
        QCOMPARE(log[0].entry.profile, QStringLiteral("prod-eu"));
        QCOMPARE(log[0].entry.at.toMSecsSinceEpoch(), at.toMSecsSinceEpoch());
        QVERIFY(!log[0].finishedAt.isValid());

        QVERIFY(audit.finish(id, false, QStringLiteral("backend 4242 is not running any more")));
        QVERIFY(!audit.finish(id, true, QStringLiteral("rewrite"))); // an outcome is final
        QVERIFY(!audit.finish(id + 1000, true, QString()));
        log = audit.list();
        QCOMPARE(log[0].state, AuditRecord::State::Failed);
        QCOMPARE(log[0].detail, QStringLiteral("backend 4242 is not running any more"));
        QVERIFY(log[0].finishedAt.isValid());

        // Default user and time are filled in; a refused attempt is a finished entry.
        const qint64 refusedId = audit.refused({{},
                                                QStringLiteral("ro"),
                                                QStringLiteral("pg1"),
                                                QStringLiteral("terminate"),
                                                QStringLiteral("SELECT 1"),
                                                {}},
                                               QStringLiteral("profile ro is read-only"));
        QVERIFY(refusedId > id);
        log = audit.list();
        QCOMPARE(log.size(), 2);
        QCOMPARE(log[0].id, refusedId); // newest first
        QCOMPARE(log[0].state, AuditRecord::State::Refused);
        QCOMPARE(log[0].entry.osUser, AuditLog::currentOsUser());
        QVERIFY(!log[0].entry.osUser.isEmpty());
        QVERIFY(log[0].entry.at.isValid());
        QCOMPARE(audit.list(1).size(), 1);
    }

    void auditPasswordGuard()
    {
        LocalStore store(freshPath());
        AuditLog audit(&store);
        const QString secretSql = QStringLiteral("ALTER ROLE app WITH LOGIN PASSWORD 'hunter2'");
        QVERIFY(AuditLog::mentionsPassword(secretSql));
        QVERIFY(!AuditLog::mentionsPassword(QStringLiteral("SELECT pg_cancel_backend($1)")));
        QCOMPARE(AuditLog::redacted(QStringLiteral("SELECT 1")), QStringLiteral("SELECT 1"));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("mentions a password")));
        const qint64 id = audit.begin(
            {{}, QStringLiteral("p"), QStringLiteral("pg1"), QStringLiteral("alter-role"), secretSql, {}});
        QVERIFY(id > 0);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("mentions a password")));
        QVERIFY(audit.begin({{},
                             QStringLiteral("p"),
                             QStringLiteral("pg1"),
                             QStringLiteral("connect"),
                             QStringLiteral("host=db1 user=ops Password=s3cr3t"),
                             {}})
                > 0);
        for (const AuditRecord& r : audit.list()) {
            QVERIFY2(!r.entry.command.contains(QLatin1String("hunter2")), qPrintable(r.entry.command));
            QVERIFY2(!r.entry.command.contains(QLatin1String("s3cr3t")), qPrintable(r.entry.command));
            QVERIFY(r.entry.command.contains(QLatin1String("[redacted")));
        }
        QCOMPARE(audit.list().last().entry.command.left(19), QStringLiteral("ALTER ROLE app WITH"));
        // Nothing of the secret reached the file either (not even in a freed page).
        store.closeThreadConnection();
        QSqlQuery q = store.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
        q.finish();
        store.closeThreadConnection();
        for (const QString& file : {store.path(), store.path() + QStringLiteral("-wal")}) {
            QFile f(file);
            if (f.open(QIODevice::ReadOnly))
                QVERIFY(!f.readAll().contains("hunter2"));
        }
    }

    void gateRules()
    {
        Profile normal;
        normal.name = QStringLiteral("staging");
        actions::GateDecision d = actions::gate(normal, QStringLiteral("cancel"));
        QVERIFY(d.allowed);
        QVERIFY(!d.needsTypedName);

        Profile ro = normal;
        ro.name = QStringLiteral("reporting");
        ro.readOnly = true;
        d = actions::gate(ro, QStringLiteral("terminate"));
        QVERIFY(!d.allowed);
        QVERIFY2(d.reason.startsWith(QLatin1String("profile reporting is read-only: ")), qPrintable(d.reason));
        QVERIFY(d.reason.contains(QLatin1String("terminate")));

        Profile prod = normal;
        prod.name = QStringLiteral("prod-eu");
        prod.production = true;
        d = actions::gate(prod, QStringLiteral("create-index"));
        QVERIFY(d.allowed);
        QVERIFY(d.needsTypedName);
        QVERIFY(d.reason.contains(QLatin1String("prod-eu")));

        prod.readOnly = true; // read-only wins
        d = actions::gate(prod, QStringLiteral("cancel"));
        QVERIFY(!d.allowed);
        QVERIFY(d.reason.contains(QLatin1String("read-only")));

        QVERIFY(actions::confirmTypedName(prod, QStringLiteral("prod-eu")));
        QVERIFY(actions::confirmTypedName(prod, QStringLiteral(" prod-eu\n")));
        QVERIFY(!actions::confirmTypedName(prod, QStringLiteral("PROD-EU")));
        QVERIFY(!actions::confirmTypedName(prod, QStringLiteral("prod")));
        QVERIFY(!actions::confirmTypedName(prod, QString()));
        Profile unnamed;
        QVERIFY(!actions::confirmTypedName(unnamed, QString()));
    }

    void refusedActionsNeverConnect()
    {
        // Port 1 on loopback: were a connection attempted, the message would be a connect failure.
        const pg::ConnectOptions target {QStringLiteral("host=127.0.0.1 port=1 dbname=x connect_timeout=1")};
        LocalStore store(freshPath());
        AuditLog audit(&store);
        Profile prod;
        prod.name = QStringLiteral("prod-eu");
        prod.production = true;
        actions::BackendActionResult r = actions::cancelBackend(target, 4242, &audit, prod, QStringLiteral("pg1"));
        QVERIFY(!r.ok);
        QVERIFY(r.refused);
        QVERIFY2(r.message.contains(QLatin1String("typed")), qPrintable(r.message));
        QCOMPARE(audit.list().first().state, AuditRecord::State::Refused);
        QCOMPARE(audit.list().first().id, r.auditId);

        Profile normal;
        normal.name = QStringLiteral("dev");
        r = actions::terminateBackend(target, 4242, nullptr, normal, QStringLiteral("pg1"));
        QVERIFY(r.refused);
        QVERIFY2(r.message.contains(QLatin1String("audit")), qPrintable(r.message));

        // Allowed and audited, then the connection fails: the outcome says why, in words.
        r = actions::terminateBackend(target, 4242, &audit, normal, QStringLiteral("pg1"));
        QVERIFY(!r.ok);
        QVERIFY(!r.refused);
        QVERIFY2(r.message.contains(QLatin1String("nothing is listening")), qPrintable(r.message));
        const AuditRecord last = audit.list().first();
        QCOMPARE(last.state, AuditRecord::State::Failed);
        QCOMPARE(last.entry.command, QStringLiteral("SELECT pg_terminate_backend($1) -- $1 = 4242"));
    }
};

QTEST_GUILESS_MAIN(TestLocalStore)
#include "tst_localstore.moc"
