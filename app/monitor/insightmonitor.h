#pragma once

#include "activity.h"
#include "cachestats.h"
#include "connect/profile.h"
#include "pg/pgconnection.h"
#include "statements.h"
#include "timeseries.h"

#include <QHash>
#include <QObject>
#include <QPointer>

class QThread;

namespace vigil::store {
class SlowHistory;
}

namespace vigil {

class ClusterMonitor;
class PgTaskWorker;

// Query insight for the cluster's current primary: pg_stat_statements patterns, statements over
// the slow threshold, and buffer-cache figures, from one PgTaskWorker on its own connection. It
// follows the primary: when ClusterMonitor sees the role move, the worker moves with it.
class InsightMonitor : public QObject
{
    Q_OBJECT
public:
    explicit InsightMonitor(ClusterMonitor* cluster, QObject* parent = nullptr);
    ~InsightMonitor() override;

    void setPasswords(const QHash<QString, QString>& passwords) { m_passwords = passwords; }
    // Where statements seen over the threshold are recorded (one row per backend and start).
    void setHistory(store::SlowHistory* history) { m_history = history; }
    store::SlowHistory* history() const { return m_history; }
    const Profile& profile() const;
    int thresholdMs() const { return m_thresholdMs; }
    void setThresholdMs(int ms);
    // Slower polling for hidden tabs; `visible` restores the default periods.
    void setStatementsVisible(bool visible);
    // The pg_stat_statements period while its tab is visible (default kStatementsPeriodMs).
    void setStatementsPeriodMs(int ms);
    void refreshStatementsNow();
    void shutdown(int waitMs = 3000);

    QString node() const { return m_node; }
    // How to reach the watched primary (for plans and actions on their own connections).
    pg::ConnectOptions connectOptions(const QString& database = {}) const;
    std::shared_ptr<const StatementsSnapshot> statements() const { return m_statements; }
    std::shared_ptr<const ActivitySnapshot> activity() const { return m_activity; }
    std::shared_ptr<const CacheSnapshot> cache() const { return m_cache; }
    // Average execution time of all statements between two polls (ms), over time.
    const TimeSeries& averageTime() const { return m_avgTime; }
    const TimeSeries* meanTimeOf(const StatementKey& key) const;
    const TimeSeries* callRateOf(const StatementKey& key) const;
    const TimeSeries& databaseHitPct() const { return m_dbHit; }

    static constexpr int kStatementsPeriodMs = 10000;
    static constexpr int kHiddenStatementsPeriodMs = 60000;

Q_SIGNALS:
    void statementsUpdated();
    void activityUpdated();
    void historyUpdated();
    void cacheUpdated();
    void nodeChanged(const QString& node);

private:
    void onClusterSnapshot(const vigil::NodeSnapshot& s);
    void onResult(const vigil::TaskResultPtr& r);
    void startOn(const QString& node, const QString& conninfo);
    void stopWorker();
    void recordStatements(const StatementsSnapshot& s);

    ClusterMonitor* m_cluster;
    store::SlowHistory* m_history = nullptr;
    QHash<QString, QString> m_passwords;
    QString m_node;
    pg::ConnectOptions m_options;
    quint64 m_generation = 0;
    QPointer<PgTaskWorker> m_worker;
    QList<QPointer<QThread>> m_threads;
    int m_thresholdMs = 1000;
    bool m_visible = true;
    int m_statementsPeriodMs = kStatementsPeriodMs;
    std::shared_ptr<const StatementsSnapshot> m_statements;
    std::shared_ptr<const ActivitySnapshot> m_activity;
    std::shared_ptr<const CacheSnapshot> m_cache;
    TimeSeries m_avgTime;
    TimeSeries m_dbHit;
    QHash<StatementKey, TimeSeries> m_meanTime;
    QHash<StatementKey, TimeSeries> m_callRate;
    QHash<StatementKey, std::pair<qint64, double>> m_prevTotals;
};

} // namespace vigil
