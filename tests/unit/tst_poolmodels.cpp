// The pool models' keyed diffs under QAbstractItemModelTester, the grouping and lock-chain logic
// of summarisePoolSessions, and the advice thresholds, on figures shaped like the servers' own.
#include "analysis/pooladvice.h"
#include "models/bouncerpoolmodel.h"
#include "models/poolgroupmodel.h"
#include "models/poolsessionmodel.h"
#include "monitor/bouncerstats.h"
#include "monitor/poolstats.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace vigil;

namespace {
PoolSession session(int pid, const QString& state, const QString& app, QList<int> blockedBy = {}, double stateMs = 0)
{
    PoolSession s;
    s.pid = pid;
    s.state = state;
    s.category = blockedBy.isEmpty() ? state : QStringLiteral("waiting on lock");
    s.waitEventType = blockedBy.isEmpty() ? QString() : QStringLiteral("Lock");
    s.application = app;
    s.user = QStringLiteral("app");
    s.client = QStringLiteral("10.0.0.5");
    s.blockedBy = blockedBy;
    s.stateMs = stateMs;
    s.xactMs = state == QLatin1String("idle") ? -1 : stateMs;
    return s;
}
} // namespace

class TestPoolModels : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void chainsAndGroups()
    {
        // 30 holds the lock, 31 waits for 30, 32 waits for 31: a chain two levels deep.
        const QList<PoolSession> sessions {
            session(30, QStringLiteral("idle in transaction"), QStringLiteral("billing"), {}, 72000),
            session(31, QStringLiteral("active"), QStringLiteral("orders"), {30}, 9000),
            session(32, QStringLiteral("active"), QStringLiteral("orders"), {31}, 3000),
            session(33, QStringLiteral("idle"), QStringLiteral("orders")),
            [] {
                PoolSession v = session(34, QStringLiteral("active"), QStringLiteral("vigil"));
                v.vigil = true;
                return v;
            }(),
        };
        PoolServerSnapshot s;
        s.ok = true;
        s.maxConnections = 100;
        s.superuserReserved = 3;
        summarisePoolSessions(sessions, &s);
        QCOMPARE(s.clientBackends, 5);
        QCOMPARE(s.vigilSessions, 1);
        QCOMPARE(s.byState.value(QStringLiteral("waiting on lock")), 2);
        QCOMPARE(s.byState.value(QStringLiteral("idle in transaction")), 1);
        QCOMPARE(s.byState.value(QStringLiteral("active")), 0); // Vigil's own is not counted
        QCOMPARE(s.idleInTransaction.size(), 1);
        QCOMPARE(s.blocked.size(), 2);
        QCOMPARE(s.blocked[0].session.pid, 31); // longest waiting first
        QCOMPARE(s.blocked[0].rootBlocker, 30);
        QCOMPARE(s.blocked[0].depth, 1);
        QCOMPARE(s.blocked[1].rootBlocker, 30);
        QCOMPARE(s.blocked[1].depth, 2);
        QCOMPARE(s.blocked[1].root.application, QStringLiteral("billing"));
        QCOMPARE(s.utilisationPct(), 100.0 * 5 / 97);

        const auto advice = analysis::advisePool(&s, nullptr);
        QCOMPARE(advice.size(), 2);
        QCOMPARE(advice[0].kind, analysis::PoolAdvice::Kind::IdleInTransaction); // 72 s: over the 60 s critical limit
        QCOMPARE(advice[0].severity, analysis::PoolAdvice::Severity::Critical);
        QVERIFY(advice[0].title.contains(QStringLiteral("72.0 s")));
        QCOMPARE(advice[1].kind, analysis::PoolAdvice::Kind::BlockedSessions);
        QVERIFY(advice[1].detail.contains(QStringLiteral("pid 30")));

        // The same figures through the models, keyed diffs checked by the tester.
        PoolGroupModel groups;
        QAbstractItemModelTester t1(&groups, QAbstractItemModelTester::FailureReportingMode::QtTest);
        groups.merge(s.groups);
        QCOMPARE(groups.rowCount(), int(s.groups.size()));
        PoolSessionModel blocked;
        QAbstractItemModelTester t2(&blocked, QAbstractItemModelTester::FailureReportingMode::QtTest);
        blocked.merge(s.blocked);
        QCOMPARE(blocked.rowCount(), 2);
        QVERIFY(
            blocked.index(1, PoolSessionModel::ChainHeadColumn).data().toString().contains(QStringLiteral("2 level")));
        QCOMPARE(blocked.index(0, PoolSessionModel::InStateColumn).data(PoolSessionModel::SortRole).toDouble(), 9000.0);

        // Next poll: 32 is gone, 35 is new, 31 changed in place (no reset, no remove of 31).
        QList<BlockedSession> next {s.blocked[0]};
        next[0].session.stateMs = 11000;
        BlockedSession b35;
        b35.session = session(35, QStringLiteral("active"), QStringLiteral("orders"), {30}, 100);
        b35.rootBlocker = 30;
        next << b35;
        QSignalSpy removed(&blocked, &QAbstractItemModel::rowsRemoved);
        QSignalSpy inserted(&blocked, &QAbstractItemModel::rowsInserted);
        QSignalSpy changed(&blocked, &QAbstractItemModel::dataChanged);
        QSignalSpy reset(&blocked, &QAbstractItemModel::modelReset);
        blocked.merge(next);
        QCOMPARE(removed.size(), 1);
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(reset.size(), 0);
        QCOMPARE(blocked.rowAt(0)->session.pid, 31);
        QCOMPARE(blocked.rowAt(0)->session.stateMs, 11000.0);
        QCOMPARE(blocked.rowAt(1)->session.pid, 35);
        blocked.clear();
        QCOMPARE(blocked.rowCount(), 0);
    }

    void bouncerAdviceThresholds()
    {
        BouncerSnapshot b;
        b.ok = true;
        b.defaultPoolSize = 20;
        b.reservePoolSize = 5;
        b.maxClientConn = 100;
        b.usedClients = 96;
        BouncerPool p;
        p.database = QStringLiteral("trading");
        p.user = QStringLiteral("app");
        p.poolSize = 20;
        p.reservePool = 5;
        p.clActive = 25;
        p.clWaiting = 71;
        p.svActive = 25;
        p.maxWaitMs = 6400;
        b.pools << p;
        PoolServerSnapshot s;
        s.ok = true;
        s.maxConnections = 25;
        s.superuserReserved = 3;
        s.clientBackends = 21; // 95 % of the 22 usable slots
        const auto advice = analysis::advisePool(&s, &b);
        QStringList kinds;
        for (const auto& a : advice)
            kinds << a.title;
        qInfo("%s", qPrintable(kinds.join(QStringLiteral(" | "))));
        auto find = [&](analysis::PoolAdvice::Kind k) {
            return std::find_if(advice.begin(), advice.end(), [k](const auto& a) { return a.kind == k; });
        };
        const auto small = find(analysis::PoolAdvice::Kind::PoolTooSmall);
        QVERIFY(small != advice.end());
        QVERIFY(small->detail.contains(QStringLiteral("5 more from reserve_pool")));
        QVERIFY(small->detail.contains(QStringLiteral("6400 ms")));
        QVERIFY(find(analysis::PoolAdvice::Kind::ClientConnNearlyExhausted) != advice.end());
        QVERIFY(find(analysis::PoolAdvice::Kind::MaxConnectionsNearlyExhausted) != advice.end());
        // 20 + 5 may be opened, 22 usable: pgbouncer can run PostgreSQL out of slots.
        QVERIFY(find(analysis::PoolAdvice::Kind::PoolsExceedMaxConnections) != advice.end());
        QCOMPARE(advice.first().severity, analysis::PoolAdvice::Severity::Critical);

        // Clients waiting while the pool still has room: a different cause, said differently.
        b.pools[0].svActive = 4;
        b.pools[0].svLogin = 3;
        const auto again = analysis::advisePool(nullptr, &b);
        QVERIFY(std::any_of(again.begin(), again.end(), [](const auto& a) {
            return a.kind == analysis::PoolAdvice::Kind::ClientsWaitingIdleServers
                && a.detail.contains("3 are logging in");
        }));

        BouncerPoolModel model;
        QAbstractItemModelTester t(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.merge(b.pools);
        QCOMPARE(model.index(0, BouncerPoolModel::ClWaitingColumn).data().toInt(), 71);
        QCOMPARE(model.index(0, BouncerPoolModel::PoolSizeColumn).data().toString(), QStringLiteral("20 + 5 reserve"));
        QCOMPARE(model.index(0, BouncerPoolModel::PoolSizeColumn).data(BouncerPoolModel::SortRole).toDouble(), 20.0);
        model.merge({});
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestPoolModels)
#include "tst_poolmodels.moc"
