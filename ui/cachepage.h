#pragma once

#include <QWidget>

class QLabel;
class QTableView;

namespace vigil {
class CacheTableModel;
class ClusterMonitor;
class InsightMonitor;
} // namespace vigil

namespace vigil::ui {

class TimeChart;

// Cache effectiveness: PostgreSQL buffer-cache hit ratio per database and for the busiest tables
// and indexes, Redis keyspace hit ratio, memory, evictions and expirations, with charts over time.
class CachePage : public QWidget
{
    Q_OBJECT
public:
    CachePage(InsightMonitor* insight, ClusterMonitor* cluster, QWidget* parent = nullptr);

    CacheTableModel* databases() const { return m_databases; }
    CacheTableModel* tables() const { return m_tables; }
    CacheTableModel* indexes() const { return m_indexes; }
    QString summaryText() const;
    void refreshRedis();

private:
    void onCache();

    InsightMonitor* m_insight;
    ClusterMonitor* m_cluster;
    QLabel* m_summary;
    QLabel* m_redis;
    TimeChart* m_pgChart;
    TimeChart* m_redisChart;
    CacheTableModel* m_databases;
    CacheTableModel* m_tables;
    CacheTableModel* m_indexes;
};

} // namespace vigil::ui
