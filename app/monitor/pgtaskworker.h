#pragma once

#include "pg/pgconnection.h"
#include "pgtask.h"

#include <QElapsedTimer>
#include <QObject>
#include <atomic>
#include <memory>
#include <vector>

class QTimer;

namespace vigil {

// Owns one PostgreSQL connection on its own thread and runs several periodic tasks on it, one
// at a time (so never two requests in flight): each task runs when due, delivers its immutable
// result, and the single-shot timer is re-armed for the next due task.
class PgTaskWorker : public QObject
{
    Q_OBJECT
public:
    PgTaskWorker(const QString& node, const pg::ConnectOptions& options, quint64 generation);
    ~PgTaskWorker() override;

    // Before start(); the worker owns the tasks.
    void addTask(std::unique_ptr<PgTask> task);
    // Thread-safe.
    void requestStop();
    void setPeriod(const QString& task, int ms);
    PgTask* task(const QString& name) const;

public Q_SLOTS:
    void start();
    // Runs `task` at the next opportunity instead of waiting for its period.
    void runSoon(const QString& task);

Q_SIGNALS:
    void resultReady(const vigil::TaskResultPtr& result);

private:
    struct Slot
    {
        std::unique_ptr<PgTask> task;
        qint64 dueMs = 0;
    };
    void tick();
    void arm();

    QString m_node;
    pg::ConnectOptions m_options;
    quint64 m_generation;
    pg::Connection m_conn;
    std::vector<Slot> m_slots;
    std::atomic_bool m_stop {false};
    QTimer* m_timer = nullptr;
    QElapsedTimer m_clock;
    int m_failures = 0;
    qint64 m_nextConnectMs = 0;
    QString m_lastError;
};

} // namespace vigil
