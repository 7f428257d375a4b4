#include "sentinelevents.h"

#include "redis/redisconnection.h"

#include <QDeadlineTimer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>
#include <algorithm>

namespace vigil {

namespace {
constexpr int kFirstRetryMs = 250;
constexpr int kMaxRetryMs = 5000;
constexpr int kConnectTimeoutMs = 3000;
} // namespace

// One Sentinel's subscription: a QTcpSocket on the feed's worker thread. Nothing here blocks:
// bytes are decoded as they arrive, a lost connection is retried with a doubling delay.
class SentinelSubscriber : public QObject
{
    Q_OBJECT
public:
    SentinelSubscriber(QString name, const QString& address, quint64 generation)
        : m_name(std::move(name))
        , m_generation(generation)
    {
        redis::Endpoint::parse(address, &m_endpoint);
    }

    void start()
    {
        m_socket = new QTcpSocket(this);
        m_retry = new QTimer(this);
        m_retry->setSingleShot(true);
        m_connectTimeout = new QTimer(this);
        m_connectTimeout->setSingleShot(true);
        connect(m_retry, &QTimer::timeout, this, &SentinelSubscriber::open);
        connect(m_connectTimeout, &QTimer::timeout, this,
                [this] { fail(tr("no answer within %1 ms").arg(kConnectTimeoutMs)); });
        connect(m_socket, &QTcpSocket::connected, this, [this] {
            m_connectTimeout->stop();
            m_socket->setSocketOption(QAbstractSocket::KeepAliveOption, 1);
            m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            m_socket->write(redis::encodeCommand({"CLIENT", "SETNAME", "vigil-events"}));
            m_socket->write(redis::encodeCommand({"PSUBSCRIBE", "*"}));
        });
        connect(m_socket, &QTcpSocket::readyRead, this, &SentinelSubscriber::onReadyRead);
        connect(m_socket, &QTcpSocket::errorOccurred, this, [this] { fail(m_socket->errorString()); });
        connect(m_socket, &QTcpSocket::disconnected, this, [this] { fail(tr("connection closed")); });
        open();
    }

Q_SIGNALS:
    void raw(const QString& sentinel, const QString& channel, const QString& message, qint64 receivedMs,
             quint64 generation);
    void state(const QString& sentinel, bool subscribed, const QString& error, quint64 generation);

private:
    void open()
    {
        if (m_endpoint.port == 0) {
            Q_EMIT state(m_name, false, tr("not HOST:PORT"), m_generation);
            return;
        }
        m_reader.reset();
        m_socket->abort();
        m_failing = false;
        m_socket->connectToHost(m_endpoint.host, quint16(m_endpoint.port));
        m_connectTimeout->start(kConnectTimeoutMs);
    }

    void fail(const QString& why)
    {
        if (m_failing)
            return; // error and disconnected both arrive for one loss
        m_failing = true;
        m_connectTimeout->stop();
        if (m_subscribed || m_lastError != why)
            Q_EMIT state(m_name, false, why, m_generation);
        m_subscribed = false;
        m_lastError = why;
        m_socket->abort();
        m_retry->start(m_retryMs);
        m_retryMs = std::min(m_retryMs * 2, kMaxRetryMs);
    }

    void onReadyRead()
    {
        // Stamp on receipt, before decoding: this is the time the event reached Vigil.
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        m_reader.feed(m_socket->readAll());
        redis::Reply r;
        QString error;
        while (m_reader.next(&r, &error)) {
            if (r.type != redis::Reply::Type::Array || r.elements.empty())
                continue;
            const QByteArray kind = r.elements[0].str;
            if (kind == "psubscribe") {
                m_subscribed = true;
                m_retryMs = kFirstRetryMs;
                m_lastError.clear();
                Q_EMIT state(m_name, true, {}, m_generation);
            } else if (kind == "pmessage" && r.elements.size() >= 4) {
                const QString channel = r.elements[2].text();
                if (!channel.startsWith(QLatin1String("__sentinel__")))
                    Q_EMIT raw(m_name, channel, r.elements[3].text(), now, m_generation);
            }
        }
        if (!error.isEmpty())
            fail(tr("protocol error: %1").arg(error));
    }

    QString m_name;
    redis::Endpoint m_endpoint;
    quint64 m_generation;
    QTcpSocket* m_socket = nullptr;
    QTimer* m_retry = nullptr;
    QTimer* m_connectTimeout = nullptr;
    redis::ReplyReader m_reader;
    int m_retryMs = kFirstRetryMs;
    bool m_subscribed = false;
    bool m_failing = false;
    QString m_lastError;
};

SentinelEventFeed::SentinelEventFeed(QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<vigil::SentinelEvent>();
}

SentinelEventFeed::~SentinelEventFeed()
{
    shutdown();
}

void SentinelEventFeed::start(const QList<std::pair<QString, QString>>& sentinels)
{
    stop();
    ++m_generation;
    if (sentinels.isEmpty())
        return;
    auto* thread = new QThread; // no parent: it may outlive stop() briefly
    thread->setObjectName(QStringLiteral("vigil-sentinel-events"));
    auto* hub = new QObject; // parent of the subscribers; moving it moves them
    for (const auto& [name, address] : sentinels) {
        auto* sub = new SentinelSubscriber(name, address, m_generation);
        sub->setParent(hub);
        connect(sub, &SentinelSubscriber::raw, this, &SentinelEventFeed::onRaw, Qt::QueuedConnection);
        connect(sub, &SentinelSubscriber::state, this, &SentinelEventFeed::onState, Qt::QueuedConnection);
        connect(thread, &QThread::started, sub, &SentinelSubscriber::start);
        m_subscribed.insert(name, false);
    }
    hub->moveToThread(thread);
    connect(thread, &QThread::finished, hub, &QObject::deleteLater);
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    m_thread = thread;
    thread->start();
}

void SentinelEventFeed::stop()
{
    ++m_generation; // anything still queued from the old subscriptions is stale
    m_subscribed.clear();
    if (m_thread) {
        m_thread->quit();
        m_retiring.append(m_thread);
        m_thread = nullptr;
    }
}

void SentinelEventFeed::shutdown(int waitMs)
{
    stop();
    QDeadlineTimer deadline(waitMs);
    for (const QPointer<QThread>& t : std::as_const(m_retiring)) {
        if (t && t->wait(deadline))
            delete t; // its deleteLater may never run once the event loop has ended
    }
    m_retiring.clear();
}

QStringList SentinelEventFeed::subscribed() const
{
    QStringList out;
    for (auto it = m_subscribed.cbegin(); it != m_subscribed.cend(); ++it)
        if (it.value())
            out << it.key();
    out.sort();
    return out;
}

void SentinelEventFeed::onState(const QString& sentinel, bool subscribed, const QString& error, quint64 generation)
{
    if (generation != m_generation)
        return;
    m_subscribed.insert(sentinel, subscribed);
    Q_EMIT subscriptionChanged(sentinel, subscribed, error);
}

void SentinelEventFeed::onRaw(const QString& sentinel, const QString& channel, const QString& message,
                              qint64 receivedMs, quint64 generation)
{
    if (generation != m_generation)
        return;
    // Several Sentinels publish the same failover; one entry, with who said it.
    for (auto it = m_events.rbegin(); it != m_events.rend(); ++it) {
        if (receivedMs - it->receivedAt.toMSecsSinceEpoch() > kDedupWindowMs)
            break;
        if (it->type == channel && it->message == message) {
            if (it->reportedBy.contains(sentinel))
                break; // the same Sentinel again: it happened again (an -sdown / +sdown flap)
            it->reportedBy.append(sentinel);
            Q_EMIT eventUpdated(*it);
            return;
        }
    }
    SentinelEvent e;
    e.id = m_nextId++;
    e.receivedAt = QDateTime::fromMSecsSinceEpoch(receivedMs, Qt::UTC);
    e.type = channel;
    e.message = message;
    e.reportedBy = {sentinel};
    m_events.append(e);
    if (m_events.size() > kMaxEvents)
        m_events.removeFirst();
    Q_EMIT eventReceived(e);
}

} // namespace vigil

#include "sentinelevents.moc"
