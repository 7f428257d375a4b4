#include "models/nodetablemodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace vigil;

class TestNodeTableModel : public QObject
{
    Q_OBJECT
private:
    static NodeSnapshot pg(const QString& name, double tps, bool up = true)
    {
        NodeSnapshot s;
        s.node = name;
        s.kind = NodeKind::Postgres;
        s.reachable = up;
        s.role = NodeRole::Primary;
        s.tps = tps;
        s.connections = 5;
        s.maxConnections = 100;
        s.sampledAt = QDateTime::currentDateTimeUtc();
        if (!up) {
            s.downSince = s.sampledAt;
            s.diagnosis = diagnosePg(name, QStringLiteral("connection to server failed: Connection refused"));
        }
        return s;
    }

private Q_SLOTS:
    void keyedUpdatesKeepRows()
    {
        NodeTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setNodes({"pg1", "pg2", "redis1"}, {NodeKind::Postgres, NodeKind::Postgres, NodeKind::Redis});
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(1, NodeTableModel::StatusColumn).data().toString(), QStringLiteral("connecting…"));

        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.applySnapshot(pg("pg2", 1234.5));
        QCOMPARE(inserted.count(), 0);
        QCOMPARE(removed.count(), 0);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.first().at(0).toModelIndex().row(), 1);
        QCOMPARE(model.index(1, NodeTableModel::RoleColumn).data().toString(), QStringLiteral("primary"));
        QVERIFY(model.index(1, NodeTableModel::RateColumn).data().toString().contains(QStringLiteral("tps")));
        QCOMPARE(model.index(1, NodeTableModel::RateColumn).data(NodeTableModel::SortRole).toDouble(), 1234.5);

        // The node list changes: only the missing row goes, the others keep their data.
        model.setNodes({"pg2", "redis1"}, {NodeKind::Postgres, NodeKind::Redis});
        QCOMPARE(removed.count(), 1);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.rowOf(QStringLiteral("pg2")), 0);
        QCOMPARE(model.index(0, NodeTableModel::RateColumn).data(NodeTableModel::SortRole).toDouble(), 1234.5);
    }

    void downNodeSaysWhy()
    {
        NodeTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.applySnapshot(pg("pg2", kNoValue, false));
        const QString status = model.index(0, NodeTableModel::StatusColumn).data().toString();
        QVERIFY2(status.startsWith(QStringLiteral("down since")), qPrintable(status));
        QVERIFY2(status.contains(QStringLiteral("nothing is listening")), qPrintable(status));
        QVERIFY(!model.index(0, 0).data(NodeTableModel::ReachableRole).toBool());
        QVERIFY(model.index(0, NodeTableModel::StatusColumn)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("Check that the server is running")));
        // Unknown rates are blank, never an invented zero.
        QVERIFY(model.index(0, NodeTableModel::RateColumn).data().toString().isEmpty());
    }

    void headersHaveTooltips()
    {
        NodeTableModel model;
        for (int c = 0; c < NodeTableModel::ColumnCount; ++c) {
            QVERIFY(!model.headerData(c, Qt::Horizontal).toString().isEmpty());
            QVERIFY(!model.headerData(c, Qt::Horizontal, Qt::ToolTipRole).toString().isEmpty());
        }
    }

    void clearEmpties()
    {
        NodeTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.applySnapshot(pg("a", 1));
        model.applySnapshot(pg("b", 2));
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestNodeTableModel)
#include "tst_nodetablemodel.moc"
