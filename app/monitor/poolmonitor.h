#pragma once

#include "bouncerstats.h"
#include "pg/pgconnection.h"
#include "poolstats.h"
#include "timeseries.h"

#include <QHash>
#include <QObject>
#include <QPointer>

class QThread;

namespace vigil {

class ClusterMonitor;
class PgTaskWorker;

// The Pool tab's data: server-side connection figures of the current primary (one PgTaskWorker
// that follows the primary through failovers) and pgbouncer's pools from its admin console (a
// second PgTaskWorker), when the profile names one. Both run every kPeriodMs while the tab is
// visible and every kHiddenPeriodMs otherwise; charts read the series kept here.
class PoolMonitor : public QObject
{
    Q_OBJECT
public:
    explicit PoolMonitor(ClusterMonitor* cluster, QObject* parent = nullptr);
    ~PoolMonitor() override;

    void setPasswords(const QHash<QString, QString>& passwords) { m_passwords = passwords; }
    void setVisible(bool visible);
    // The period while visible (tests use a short one).
    void setPeriodMs(int ms);
    void shutdown(int waitMs = 3000);

    QString node() const { return m_node; }
    bool hasBouncer() const;
    std::shared_ptr<const PoolServerSnapshot> server() const { return m_server; }
    std::shared_ptr<const BouncerSnapshot> bouncer() const { return m_bouncer; }

    enum class Series { Utilisation, ClientsActive, ClientsWaiting, ServersActive, ServersIdle, MaxWaitMs };
    const TimeSeries& series(Series s) const { return m_series[int(s)]; }

    static constexpr int kPeriodMs = 2000;
    static constexpr int kHiddenPeriodMs = 10000;

Q_SIGNALS:
    void serverUpdated();
    void bouncerUpdated();

private:
    void onClusterSnapshot(const vigil::NodeSnapshot& s);
    void onResult(const vigil::TaskResultPtr& r);
    void startServer(const QString& node, const QString& conninfo);
    void startBouncer();
    void stopAll();
    PgTaskWorker* launch(const QString& node, const QString& threadName, const pg::ConnectOptions& options,
                         std::unique_ptr<PgTask> task);
    int currentPeriod() const { return m_visible ? m_periodMs : kHiddenPeriodMs; }

    ClusterMonitor* m_cluster;
    QHash<QString, QString> m_passwords;
    QString m_node;
    quint64 m_generation = 0;
    QPointer<PgTaskWorker> m_serverWorker;
    QPointer<PgTaskWorker> m_bouncerWorker;
    QList<QPointer<QThread>> m_threads;
    bool m_visible = true;
    int m_periodMs = kPeriodMs;
    std::shared_ptr<const PoolServerSnapshot> m_server;
    std::shared_ptr<const BouncerSnapshot> m_bouncer;
    TimeSeries m_series[6];
};

} // namespace vigil
