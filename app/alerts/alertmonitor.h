#pragma once

#include "alertengine.h"
#include "alertfeed.h"
#include "monitor/nodesnapshot.h"
#include "monitor/taskresult.h"

#include <QHash>
#include <QObject>
#include <QPointer>

class QThread;
class QTimer;

namespace vigil {
class ClusterMonitor;
class InsightMonitor;
class PgTaskWorker;
class PoolMonitor;
namespace store {
class AlertHistory;
}
} // namespace vigil

namespace vigil::alerts {

class PrometheusAlertSource;

// Lives on the GUI thread: feeds the AlertEngine from what the monitors already poll (node
// snapshots, pool and pgbouncer figures, pg_stat_statements deltas), from one extra cheap
// catalog check on the primary (INVALID indexes, pg_stat_archiver) and from the profile's
// Prometheus server; records every transition in the alert history; says when to notify.
class AlertMonitor : public QObject
{
    Q_OBJECT
public:
    explicit AlertMonitor(ClusterMonitor* cluster, QObject* parent = nullptr);
    ~AlertMonitor() override;

    // Optional sources (the Insight and Pool monitors live elsewhere) and the history.
    void setInsight(InsightMonitor* insight);
    void setPool(PoolMonitor* pool);
    void setHistory(store::AlertHistory* history) { m_history = history; }
    store::AlertHistory* history() const { return m_history; }
    void setPasswords(const QHash<QString, QString>& passwords) { m_passwords = passwords; }

    // Rules from a JSON file (missing: the defaults). False with the reason when it does not load
    // (the previous rules stay).
    bool loadRules(const QString& path, QString* error = nullptr);
    // Replaces the rules and writes them to rulesPath() (when set).
    bool setRules(const QList<AlertRule>& rules, QString* error = nullptr);
    QList<AlertRule> rules() const { return m_engine.rules(); }
    QString rulesPath() const { return m_rulesPath; }

    void setChecksPeriodMs(int ms);
    void setPrometheusPeriodMs(int ms);

    QList<Alert> alerts() const { return m_engine.alerts(); }
    std::optional<Alert> find(const QString& key) const { return m_engine.find(key); }
    int firingCount() const { return m_engine.firingCount(); }
    int unhandledFiringCount() const;
    void acknowledge(const QString& key);
    void silence(const QString& key, const QDateTime& until);
    QString prometheusError() const { return m_prometheusError; }
    bool hasPrometheus() const;

Q_SIGNALS:
    void alertsChanged();
    void transitioned(const vigil::alerts::Transition& t);
    // A transition worth a desktop notification (AlertEngine::shouldNotify).
    void notify(const vigil::alerts::Alert& alert);
    void prometheusStatusChanged();

private:
    void onClusterSnapshot(const vigil::NodeSnapshot& s);
    void evaluateCluster();
    void observeAll(const QHash<QString, QList<Observation>>& byMetric, const QDateTime& now);
    void apply(const QList<Transition>& transitions);
    void onStatements();
    void onChecksResult(const vigil::TaskResultPtr& r);
    void startChecks(const QString& node, const QString& conninfo);
    void stopAll();

    ClusterMonitor* m_cluster;
    QPointer<InsightMonitor> m_insight;
    QPointer<PoolMonitor> m_pool;
    store::AlertHistory* m_history = nullptr;
    AlertEngine m_engine;
    FeedMemory m_memory;
    QHash<QString, QString> m_passwords;
    QString m_rulesPath;
    QString m_profile;
    QString m_checksNode;
    quint64 m_generation = 0;
    QPointer<PgTaskWorker> m_checks;
    QList<QPointer<QThread>> m_threads;
    int m_checksPeriodMs;
    PrometheusAlertSource* m_prometheus;
    QString m_prometheusError;
    QTimer* m_expiry;
    bool m_clusterQueued = false;
};

} // namespace vigil::alerts

Q_DECLARE_METATYPE(vigil::alerts::Transition)
