#pragma once

#include "nodesnapshot.h"
#include "nodespec.h"

#include <QDateTime>
#include <QObject>
#include <atomic>
#include <memory>

class QTimer;

namespace vigil {

class Poller;

// Owns one server connection on its own thread: poll, deliver an immutable snapshot, re-arm a
// single-shot timer. Never two requests in flight; reconnects with exponential backoff.
class NodeWorker : public QObject
{
    Q_OBJECT
public:
    NodeWorker(const NodeSpec& spec, quint64 generation);
    ~NodeWorker() override;

    // Thread-safe: stop re-arming and interrupt a running connect or statement.
    void requestStop();
    const QString& name() const { return m_spec.name; }

    // Longest wait between reconnect attempts.
    static constexpr int kMaxBackoffMs = 5000;

public Q_SLOTS:
    void start();

Q_SIGNALS:
    void snapshotReady(const vigil::NodeSnapshot& snapshot);

private:
    void tick();
    int backoffMs() const;

    NodeSpec m_spec;
    quint64 m_generation;
    quint64 m_sequence = 0;
    std::unique_ptr<Poller> m_poller;
    std::atomic_bool m_stop {false};
    QTimer* m_timer = nullptr;
    int m_failures = 0;
    qint64 m_nextConnectMs = 0;
    QDateTime m_downSince;
    QString m_lastError;
};

} // namespace vigil
