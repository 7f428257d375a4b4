#pragma once

#include <QWidget>

class QLabel;
class QTabWidget;

namespace vigil {
class BouncerPoolModel;
class ClusterMonitor;
class HealthChecker;
class HealthCheckModel;
class PoolGroupModel;
class PoolMonitor;
class PoolSessionModel;
} // namespace vigil

namespace vigil::ui {

class Banner;
class TimeChart;

// The Pool tab: server connections of the primary by state, application, user and client,
// max_connections utilisation with the superuser reserve, the longest idle-in-transaction
// sessions and lock chains; pgbouncer's pools and averages when the profile has its admin
// console; advice computed from those figures; and the service health of the profile's HTTP
// health URLs. It owns its PoolMonitor and HealthChecker and follows the ClusterMonitor's
// connect and disconnect; its pollers slow down while the tab is hidden.
class PoolPage : public QWidget
{
    Q_OBJECT
public:
    explicit PoolPage(ClusterMonitor* cluster, QWidget* parent = nullptr);
    ~PoolPage() override;

    PoolMonitor* pool() const { return m_pool; }
    HealthChecker* health() const { return m_health; }
    PoolGroupModel* groups() const { return m_groups; }
    PoolSessionModel* idleInTransaction() const { return m_idle; }
    PoolSessionModel* blocked() const { return m_blocked; }
    BouncerPoolModel* bouncerPools() const { return m_bouncerPools; }
    HealthCheckModel* healthModel() const { return m_healthModel; }
    Banner* banner() const { return m_banner; }
    QTabWidget* tables() const { return m_tables; }
    QString summaryText() const;
    QString adviceText() const;

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    void onServer();
    void onBouncer();
    void onHealth();
    void updateAdvice();
    void updateBanner();

    ClusterMonitor* m_cluster;
    PoolMonitor* m_pool;
    HealthChecker* m_health;
    PoolGroupModel* m_groups;
    PoolSessionModel* m_idle;
    PoolSessionModel* m_blocked;
    BouncerPoolModel* m_bouncerPools;
    HealthCheckModel* m_healthModel;
    Banner* m_banner;
    QLabel* m_serverSummary;
    QLabel* m_bouncerSummary;
    QLabel* m_advice;
    QLabel* m_healthSummary;
    TimeChart* m_utilChart;
    TimeChart* m_bouncerChart;
    TimeChart* m_healthChart;
    QTabWidget* m_tables;
};

} // namespace vigil::ui
