#pragma once

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QPointer>
#include <QStringList>

class QThread;

namespace vigil {

// One event a Sentinel published on its Pub/Sub channels (+switch-master, +sdown, +odown,
// +failover-end ...). The same event published by several Sentinels is one entry that lists them.
struct SentinelEvent
{
    quint64 id = 0;
    QDateTime receivedAt; // when Vigil first received it (UTC, ms), not when it was logged
    QString type; // the channel name: "+switch-master"
    QString message; // the payload as published: "trading 127.0.0.1 6379 127.0.0.1 6380"
    QStringList reportedBy; // Sentinel node names, in order of receipt
};

// Subscribes to every Sentinel of a profile (PSUBSCRIBE *) from one worker thread with
// non-blocking sockets, so neither a slow Sentinel nor a lost one can hold up the GUI thread.
// Each subscription reconnects with backoff. Lives on the GUI thread; events arrive as signals.
class SentinelEventFeed : public QObject
{
    Q_OBJECT
public:
    explicit SentinelEventFeed(QObject* parent = nullptr);
    ~SentinelEventFeed() override;

    // (node name, "host:port") per Sentinel. Restarts the subscriptions.
    void start(const QList<std::pair<QString, QString>>& sentinels);
    // Returns at once; the worker thread finishes on its own.
    void stop();
    // stop() and wait for the thread, bounded.
    void shutdown(int waitMs = 2000);

    const QList<SentinelEvent>& events() const { return m_events; }
    // Sentinels whose subscription is established now.
    QStringList subscribed() const;
    // The same (type, message) from another Sentinel within this window is the same event.
    static constexpr int kDedupWindowMs = 10000;
    static constexpr int kMaxEvents = 2000;

Q_SIGNALS:
    void eventReceived(const vigil::SentinelEvent& event);
    // Another Sentinel reported an event already received (its reportedBy grew).
    void eventUpdated(const vigil::SentinelEvent& event);
    void subscriptionChanged(const QString& sentinel, bool subscribed, const QString& error);

private:
    void onRaw(const QString& sentinel, const QString& channel, const QString& message, qint64 receivedMs,
               quint64 generation);
    void onState(const QString& sentinel, bool subscribed, const QString& error, quint64 generation);

    QPointer<QThread> m_thread;
    QList<QPointer<QThread>> m_retiring;
    quint64 m_generation = 0;
    quint64 m_nextId = 1;
    QList<SentinelEvent> m_events; // oldest first, at most kMaxEvents
    QHash<QString, bool> m_subscribed;
};

} // namespace vigil

Q_DECLARE_METATYPE(vigil::SentinelEvent)
