// The Replication tab on the live sandbox: a stopped PostgreSQL standby shows in state and lag
// within two poll periods with no GUI stall over 100 ms; pausing the Redis master (SIGSTOP) puts
// Sentinel's events in the event log within 1 s of a Sentinel publishing them (measured against
// a subscriber of our own on sentinel1) and the topology follows the new master with no user
// action; the sandbox is repaired afterwards. Screenshots go to the test output directory.
#include "models/pgreplicamodel.h"
#include "models/redisreplicationmodel.h"
#include "models/replicationslotmodel.h"
#include "models/sentineleventmodel.h"
#include "models/sentinelmodel.h"
#include "monitor/clustermonitor.h"
#include "monitor/sentinelevents.h"
#include "pg/pgconnection.h"
#include "redis/redisconnection.h"
#include "sandbox/sandbox.h"
#include "stallmeter.h"
#include "testsupport.h"
#include "ui/banner.h"
#include "ui/mainwindow.h"
#include "ui/replicationpage.h"
#include "ui/timechart.h"
#include "ui/topologyview.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QMutex>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QtConcurrent>

#include <hiredis/hiredis.h>
#include <signal.h>
#include <sys/socket.h>
#include <thread>

using namespace vigil;

namespace {
// A plain blocking subscriber on one Sentinel, on its own thread: the reference for "when the
// Sentinel published it". Stopped by shutting its socket down.
class DirectSubscriber
{
public:
    struct Seen
    {
        QString type, message;
        qint64 ms;
    };
    bool start(const QString& address)
    {
        redis::Endpoint ep;
        redis::Endpoint::parse(address, &ep);
        m_ctx = redisConnect(ep.host.toUtf8().constData(), ep.port);
        if (!m_ctx || m_ctx->err)
            return false;
        auto* r = static_cast<redisReply*>(redisCommand(m_ctx, "PSUBSCRIBE *"));
        if (!r)
            return false;
        freeReplyObject(r);
        m_thread = std::thread([this] {
            void* raw = nullptr;
            while (redisGetReply(m_ctx, &raw) == REDIS_OK && raw) {
                const qint64 now = QDateTime::currentMSecsSinceEpoch();
                auto* reply = static_cast<redisReply*>(raw);
                if (reply->type == REDIS_REPLY_ARRAY && reply->elements >= 4) {
                    QMutexLocker lock(&m_mutex);
                    m_seen.append(
                        {QString::fromUtf8(reply->element[2]->str), QString::fromUtf8(reply->element[3]->str), now});
                }
                freeReplyObject(raw);
            }
        });
        return true;
    }
    void stop()
    {
        if (m_thread.joinable()) {
            ::shutdown(m_ctx->fd, SHUT_RDWR);
            m_thread.join();
        }
        if (m_ctx)
            redisFree(m_ctx);
        m_ctx = nullptr;
    }
    ~DirectSubscriber() { stop(); }
    QList<Seen> seen()
    {
        QMutexLocker lock(&m_mutex);
        return m_seen;
    }
    std::optional<Seen> first(const QString& type)
    {
        for (const Seen& s : seen())
            if (s.type == type)
                return s;
        return std::nullopt;
    }

private:
    redisContext* m_ctx = nullptr;
    std::thread m_thread;
    QMutex m_mutex;
    QList<Seen> m_seen;
};

// Starts a stopped sandbox node again if the test ends early, so later tests find it running.
struct RestartGuard
{
    QString dir, node;
    ~RestartGuard()
    {
        if (!node.isEmpty()) {
            QString e;
            sandbox::startNode(dir, node, &e);
        }
    }
};

// MainWindow must stop monitoring before it is destroyed (an early return from a failed check
// would otherwise destroy it while connected).
struct DisconnectFirst
{
    void operator()(ui::MainWindow* w) const
    {
        w->disconnectFromCluster();
        delete w;
    }
};
using Window = std::unique_ptr<ui::MainWindow, DisconnectFirst>;

// Resumes a paused process whatever happens in the test.
struct ResumeGuard
{
    qint64 pid = 0;
    ~ResumeGuard()
    {
        if (pid > 0)
            ::kill(pid_t(pid), SIGCONT);
    }
};

QHash<QString, QString> infoOf(const QString& address)
{
    redis::Endpoint ep;
    redis::Endpoint::parse(address, &ep);
    redis::Connection c;
    if (!c.open(ep, 1000))
        return {};
    return redis::parseInfo(c.command({"INFO"}).str);
}
} // namespace

class TestReplicationPage : public QObject
{
    Q_OBJECT
private:
    static constexpr int kPeriodMs = 1000;
    QTemporaryDir m_dir;

    Window window()
    {
        Window w(new ui::MainWindow(nullptr, m_dir.filePath(QStringLiteral("vigil.sqlite"))));
        w->resize(1400, 900);
        w->show();
        if (!QTest::qWaitForWindowExposed(w.get()))
            qFatal("window not exposed");
        w->tabs()->setCurrentWidget(w->replication());
        w->connectTo(test::sandboxProfile(), {}, kPeriodMs);
        return w;
    }
    static int rowWith(const QAbstractItemModel* m, int column, const QString& text)
    {
        for (int r = 0; r < m->rowCount(); ++r)
            if (m->index(r, column).data().toString() == text)
                return r;
        return -1;
    }

private Q_SLOTS:
    void stoppedStandbyShowsWithinTwoPeriods()
    {
        auto w = window();
        ui::ReplicationPage* page = w->replication();
        QAbstractItemModelTester t1(page->pgReplicas(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t2(page->slotModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t3(page->redis(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t4(page->sentinels(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t5(page->events(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QString primary = test::primaryNode().name;
        const QString standby = test::replicaNodes().first().name;
        PgReplicaModel* model = page->pgReplicas();
        QTRY_VERIFY_WITH_TIMEOUT(
            model->rowOf(standby) >= 0
                && model->index(model->rowOf(standby), PgReplicaModel::StateColumn).data().toString()
                    == QLatin1String("streaming"),
            10000);
        QVERIFY(page->topology()->hasArrow(primary, standby));
        QVERIFY(!page->topology()->isArrowBroken(primary, standby));
        QVERIFY(page->topology()->arrowLabel(primary, standby).startsWith(QStringLiteral("streaming")));
        QCOMPARE(page->topology()->pgPrimary(), primary);
        QVERIFY(page->slotModel()->rowOf(primary + QLatin1Char('/') + standby) >= 0);
        QVERIFY(!model->index(model->rowOf(standby), PgReplicaModel::ReplayBytesColumn).data().toString().isEmpty());

        // The drill API: a forced break survives the polls until the drill clears its marks.
        ui::TopologyView* topo = page->topology();
        topo->setArrowBroken(primary, standby, true);
        topo->highlightNode(primary, Qt::red);
        topo->showTransientLabel(primary, QStringLiteral("drill: stopping"), 200);
        page->refresh();
        QVERIFY(topo->isArrowBroken(primary, standby));
        const int itemsWithCallout = int(topo->scene()->items().size());
        QTRY_VERIFY_WITH_TIMEOUT(int(topo->scene()->items().size()) == itemsWithCallout - 1, 2000); // faded
        topo->clearDrillMarks();
        page->refresh();
        QVERIFY(!topo->isArrowBroken(primary, standby));

        // What one refresh of the tab costs the GUI thread (tables, topology, charts).
        QElapsedTimer refreshTimer;
        qint64 refreshMaxNs = 0;
        for (int i = 0; i < 20; ++i) {
            refreshTimer.start();
            page->refresh();
            refreshMaxNs = std::max(refreshMaxNs, refreshTimer.nsecsElapsed());
        }
        qInfo("one refresh of the Replication tab: at most %.2f ms of 20", double(refreshMaxNs) / 1e6);

        test::StallMeter stall;
        stall.start();
        const QString dir = test::sandboxDir();
        RestartGuard restart {dir, standby};
        auto stopped = QtConcurrent::run([dir, standby] {
            QString e;
            return sandbox::stopNode(dir, standby, &e) ? QString() : e;
        });
        while (!stopped.isFinished())
            QTest::qWait(5);
        QVERIFY2(stopped.result().isEmpty(), qPrintable(stopped.result()));
        QElapsedTimer sinceStop;
        sinceStop.start();
        auto shown = [&] {
            const int row = model->rowOf(standby);
            return row >= 0 && !model->rowAt(row)->hasSender && !model->rowAt(row)->nodeReachable;
        };
        while (!shown() && sinceStop.elapsed() < 2 * kPeriodMs + 500)
            QTest::qWait(5);
        const qint64 detectMs = sinceStop.elapsed();
        QVERIFY2(shown(), "the stopped standby did not show within two poll periods");
        qInfo("stopped standby shown in state and lag after %lld ms", detectMs);
        const int row = model->rowOf(standby);
        const QString state = model->index(row, PgReplicaModel::StateColumn).data().toString();
        QVERIFY2(state.contains(QStringLiteral("is down")), qPrintable(state));
        // No made-up lag for a standby that is not there: the lag cells are empty.
        QVERIFY(model->index(row, PgReplicaModel::ReplayLagColumn).data().toString().isEmpty());
        QVERIFY(model->index(row, PgReplicaModel::ReplayBytesColumn).data().toString().isEmpty());
        QVERIFY(model->index(row, PgReplicaModel::StateColumn).data(PgReplicaModel::AttentionRole).toBool());
        QTRY_VERIFY_WITH_TIMEOUT(page->topology()->isArrowBroken(primary, standby), 2000);
        QCOMPARE(page->topology()->healthOf(standby), ui::TopologyView::Health::Down);
        QTest::qWait(2 * kPeriodMs); // the outage goes on; reconnect attempts must not stall the GUI
        stall.stop();
        qInfo("longest GUI stall: %.1f ms over %d ticks", stall.longestStallMs(), stall.ticks());
        QVERIFY2(stall.longestStallMs() < 100.0 * test::kStallBudgetFactor,
                 qPrintable(QString::number(stall.longestStallMs())));
        QVERIFY(stall.ticks() > 100);

        auto started = QtConcurrent::run([dir, standby] {
            QString e;
            return sandbox::startNode(dir, standby, &e) ? QString() : e;
        });
        while (!started.isFinished())
            QTest::qWait(5);
        QVERIFY2(started.result().isEmpty(), qPrintable(started.result()));
        restart.node.clear();
        QTRY_VERIFY_WITH_TIMEOUT(model->index(model->rowOf(standby), PgReplicaModel::StateColumn).data().toString()
                                     == QLatin1String("streaming"),
                                 20000);
        QTRY_VERIFY_WITH_TIMEOUT(!page->topology()->isArrowBroken(primary, standby), 3000);
        w->disconnectFromCluster();
    }

    void pausedRedisMasterFailsOverInTheLogAndTopology()
    {
        const Profile profile = test::sandboxProfile();
        auto nodeOf = [&](const QString& address) {
            const int i = int(profile.redisNodes.indexOf(address));
            return i < 0 ? QString() : QStringLiteral("redis%1").arg(i + 1);
        };
        // The master as the Sentinels see it now (an earlier run may have moved it).
        redis::Endpoint ep;
        redis::Endpoint::parse(profile.sentinels.first(), &ep);
        redis::Connection sentinel;
        QVERIFY(sentinel.open(ep, 2000));
        const redis::Reply addr = sentinel.command(
            {QByteArray("SENTINEL"), QByteArray("get-master-addr-by-name"), profile.masterName.toUtf8()});
        const QString oldMaster = addr.elements.at(0).text() + QLatin1Char(':') + addr.elements.at(1).text();
        const qint64 pid = infoOf(oldMaster).value(QStringLiteral("process_id")).toLongLong();
        QVERIFY(pid > 0);

        auto w = window();
        ui::ReplicationPage* page = w->replication();
        SentinelEventModel* log = page->events();
        QAbstractItemModelTester tester(log, QAbstractItemModelTester::FailureReportingMode::QtTest);
        // When each event reached the log on the GUI thread.
        QHash<QString, qint64> shownAt;
        connect(log, &QAbstractItemModel::rowsInserted, this, [&](const QModelIndex&, int first, int last) {
            const qint64 now = QDateTime::currentMSecsSinceEpoch();
            for (int r = first; r <= last; ++r)
                shownAt.insert(log->rowAt(r)->type + QLatin1Char(' ') + log->rowAt(r)->message, now);
        });
        QTRY_COMPARE_WITH_TIMEOUT(int(page->eventFeed()->subscribed().size()), int(profile.sentinels.size()), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(page->topology()->redisMaster(), nodeOf(oldMaster), 10000);

        DirectSubscriber direct;
        QVERIFY(direct.start(profile.sentinels.first()));
        ResumeGuard guard;
        QElapsedTimer sincePause;
        QVERIFY(::kill(pid_t(pid), SIGSTOP) == 0);
        guard.pid = pid;
        sincePause.start();

        // down-after-milliseconds 2000 in the sandbox, then the election: a few seconds.
        QTRY_VERIFY_WITH_TIMEOUT(direct.first(QStringLiteral("+switch-master")).has_value(), 30000);
        const auto switched = *direct.first(QStringLiteral("+switch-master"));
        const QStringList parts = switched.message.split(QLatin1Char(' '));
        QCOMPARE(int(parts.size()), 5);
        const QString newMaster = parts[3] + QLatin1Char(':') + parts[4];
        QVERIFY(newMaster != oldMaster);
        qInfo("Sentinel switched master %s -> %s %lld ms after the pause", qPrintable(oldMaster), qPrintable(newMaster),
              sincePause.elapsed());

        // Every event sentinel1 published is in the log within 1 s of its publication.
        QTRY_VERIFY_WITH_TIMEOUT(shownAt.contains(switched.type + QLatin1Char(' ') + switched.message), 1000);
        int checked = 0;
        qint64 worst = 0;
        for (const auto& seen : direct.seen()) {
            const QString key = seen.type + QLatin1Char(' ') + seen.message;
            QTRY_VERIFY2_WITH_TIMEOUT(shownAt.contains(key), qPrintable(key), 1000);
            const qint64 delay = shownAt.value(key) - seen.ms;
            worst = std::max(worst, delay);
            QVERIFY2(delay < 1000, qPrintable(QStringLiteral("%1 shown %2 ms late").arg(key).arg(delay)));
            ++checked;
        }
        QVERIFY(checked >= 2);
        bool sdown = false;
        for (const SentinelEvent& e : page->eventFeed()->events())
            sdown |= e.type == QLatin1String("+sdown") && e.message.startsWith(QStringLiteral("master "));
        QVERIFY2(sdown, "the master's +sdown is in the log");
        qInfo("%d events of sentinel1 checked; worst delay from its publication to the log: %lld ms", checked, worst);

        // The topology follows by itself.
        QElapsedTimer sinceSwitch;
        sinceSwitch.start();
        QTRY_COMPARE_WITH_TIMEOUT(page->topology()->redisMaster(), nodeOf(newMaster), 5000);
        qInfo("topology showed the new master %lld ms after the +switch-master event reached the test",
              sinceSwitch.elapsed());
        QCOMPARE(page->topology()->roleOf(nodeOf(newMaster)), QStringLiteral("master"));
        QVERIFY(page->topology()->nodePos(nodeOf(newMaster)) != QPointF());

        // Repair: resume the old master and wait until Sentinel made it a replica that is in sync.
        QVERIFY(::kill(pid_t(pid), SIGCONT) == 0);
        guard.pid = 0;
        QElapsedTimer sinceResume;
        sinceResume.start();
        QTRY_VERIFY_WITH_TIMEOUT(infoOf(oldMaster).value(QStringLiteral("role")) == QLatin1String("slave")
                                     && infoOf(oldMaster).value(QStringLiteral("master_link_status"))
                                         == QLatin1String("up"),
                                 60000);
        qInfo("old master rejoined as a replica %lld ms after SIGCONT", sinceResume.elapsed());
        QTRY_VERIFY_WITH_TIMEOUT(page->topology()->roleOf(nodeOf(oldMaster)) == QLatin1String("replica")
                                     && !page->topology()->isArrowBroken(nodeOf(newMaster), nodeOf(oldMaster)),
                                 5000);
        // Quorum is whole again before the next tests run.
        QTRY_VERIFY_WITH_TIMEOUT(
            sentinel.command({QByteArray("SENTINEL"), QByteArray("CKQUORUM"), profile.masterName.toUtf8()}).type
                == redis::Reply::Type::Status,
            20000);
        direct.stop();
        w->disconnectFromCluster();
    }

    void eventSubscriptionComesBackAfterASentinelRestart()
    {
        auto w = window();
        ui::ReplicationPage* page = w->replication();
        const QString sentinel = QStringLiteral("sentinel3");
        QTRY_VERIFY_WITH_TIMEOUT(page->eventFeed()->subscribed().contains(sentinel), 10000);
        const QString dir = test::sandboxDir();
        RestartGuard restart {dir, sentinel};
        auto stopped = QtConcurrent::run([dir, sentinel] {
            QString e;
            return sandbox::stopNode(dir, sentinel, &e) ? QString() : e;
        });
        while (!stopped.isFinished())
            QTest::qWait(5);
        QVERIFY2(stopped.result().isEmpty(), qPrintable(stopped.result()));
        // The loss is a state in the banner, not an error box, and the others keep streaming.
        QTRY_VERIFY_WITH_TIMEOUT(!page->eventFeed()->subscribed().contains(sentinel), 5000);
        QTRY_VERIFY2_WITH_TIMEOUT(page->banner()->text().contains(sentinel + QStringLiteral(": no event subscription")),
                                  qPrintable(page->banner()->text()), 5000);
        QCOMPARE(int(page->eventFeed()->subscribed().size()), 2);

        auto started = QtConcurrent::run([dir, sentinel] {
            QString e;
            return sandbox::startNode(dir, sentinel, &e) ? QString() : e;
        });
        while (!started.isFinished())
            QTest::qWait(5);
        QVERIFY2(started.result().isEmpty(), qPrintable(started.result()));
        restart.node.clear();
        QElapsedTimer sinceStart;
        sinceStart.start();
        // Retries back off to at most 5 s between attempts.
        QTRY_VERIFY_WITH_TIMEOUT(page->eventFeed()->subscribed().contains(sentinel), 8000);
        qInfo("event subscription to %s back %lld ms after its restart", qPrintable(sentinel), sinceStart.elapsed());
        QTRY_VERIFY_WITH_TIMEOUT(!page->banner()->text().contains(sentinel), 2000);
        // Quorum whole again for the tests that follow.
        const Profile profile = test::sandboxProfile();
        redis::Endpoint ep;
        redis::Endpoint::parse(profile.sentinels.first(), &ep);
        redis::Connection c;
        QVERIFY(c.open(ep, 2000));
        QTRY_VERIFY_WITH_TIMEOUT(
            c.command({QByteArray("SENTINEL"), QByteArray("CKQUORUM"), profile.masterName.toUtf8()}).type
                == redis::Reply::Type::Status,
            20000);
    }

    void missingPgMonitorIsShownWithTheFix()
    {
        // A role without pg_monitor sees the standby in pg_stat_replication but not its state or
        // positions: the tab says so and gives the GRANT, rather than showing a lag of zero.
        const PgNode primary = test::primaryNode();
        {
            pg::Connection admin;
            pg::ConnectOptions o;
            o.conninfo = primary.conninfo;
            QVERIFY(admin.open(o));
            QVERIFY(admin.exec(QStringLiteral("DROP ROLE IF EXISTS vigil_no_monitor")).ok());
            QVERIFY(admin.exec(QStringLiteral("CREATE ROLE vigil_no_monitor LOGIN")).ok());
        }
        Profile p;
        p.name = QStringLiteral("no-monitor");
        p.pgNodes.append({primary.name, primary.conninfo + QStringLiteral(" user=vigil_no_monitor")});
        ClusterMonitor monitor;
        ui::ReplicationPage page(&monitor);
        QAbstractItemModelTester tester(page.pgReplicas(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        monitor.start(p, {}, 500);
        QTRY_VERIFY2_WITH_TIMEOUT(
            page.banner()->text().contains(QStringLiteral("GRANT pg_monitor TO \"vigil_no_monitor\"")),
            qPrintable(page.banner()->text()), 10000);
        VERIFY_CONTAINS(page.banner()->text(), QStringLiteral("hides their state"));
        const auto s = monitor.latest(primary.name);
        QVERIFY(s->replicationDetailsHidden);
        QVERIFY(!s->walSenders.isEmpty());
        QVERIFY(!hasValue(s->walSenders.first().replayLagBytes)); // unknown, not 0
        const int row = page.pgReplicas()->rowOf(s->walSenders.first().name);
        QVERIFY(row >= 0);
        QCOMPARE(page.pgReplicas()->index(row, PgReplicaModel::StateColumn).data().toString(),
                 QStringLiteral("hidden (no pg_monitor)"));
        QVERIFY(page.pgReplicas()->index(row, PgReplicaModel::ReplayBytesColumn).data().toString().isEmpty());
        monitor.shutdown();
        pg::Connection admin;
        pg::ConnectOptions o;
        o.conninfo = primary.conninfo;
        QVERIFY(admin.open(o));
        QVERIFY(admin.exec(QStringLiteral("DROP ROLE vigil_no_monitor")).ok());
    }

    void screenshots()
    {
        auto w = window();
        ui::ReplicationPage* page = w->replication();
        // A little write traffic, so the lag charts have something to show.
        const QString conninfo = test::primaryNode().conninfo;
        std::atomic_bool stop {false};
        auto writer = QtConcurrent::run([conninfo, &stop] {
            pg::Connection c;
            pg::ConnectOptions o;
            o.conninfo = conninfo;
            if (!c.open(o))
                return;
            c.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS vigil_repl_shot (id bigserial PRIMARY KEY, "
                                  "pad text)"));
            while (!stop.load()) {
                c.exec(QStringLiteral("INSERT INTO vigil_repl_shot (pad) SELECT repeat('x', 200) FROM "
                                      "generate_series(1, 200)"));
                QThread::msleep(20);
            }
            c.exec(QStringLiteral("DROP TABLE vigil_repl_shot"));
        });
        QTRY_VERIFY_WITH_TIMEOUT(page->pgBytesChart()->seriesCount() > 0 && page->pgBytesChart()->pointCount(0) >= 8
                                     && page->redisLagChart()->seriesCount() > 0,
                                 20000);
        QTRY_VERIFY_WITH_TIMEOUT(page->pgLagChart()->seriesCount() > 0 && page->pgLagChart()->pointCount(0) >= 5,
                                 15000);
        stop.store(true);
        writer.waitForFinished();
        QTRY_VERIFY_WITH_TIMEOUT(page->eventFeed()->subscribed().size() == 3, 10000);
        const QString out = test::outputDir();
        QVERIFY(w->grab().save(out + QStringLiteral("/replication.png")));
        QVERIFY(page->topology()->grab().save(out + QStringLiteral("/topology.png")));
        qInfo("screenshots in %s", qPrintable(out));
        w->disconnectFromCluster();
    }
};

QTEST_MAIN(TestReplicationPage)
#include "tst_replicationpage.moc"
