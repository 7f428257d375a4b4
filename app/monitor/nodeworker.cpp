#include "nodeworker.h"

#include "poller.h"

#include <QTimer>

namespace vigil {

NodeWorker::NodeWorker(const NodeSpec& spec, quint64 generation)
    : m_spec(spec)
    , m_generation(generation)
    , m_poller(Poller::create(spec))
{
}

NodeWorker::~NodeWorker() = default;

void NodeWorker::requestStop()
{
    m_stop.store(true);
    m_poller->cancel();
}

void NodeWorker::start()
{
    // Created here so the timer lives on the worker's thread.
    m_timer = new QTimer(this);
    m_timer->setSingleShot(true);
    m_timer->setTimerType(Qt::PreciseTimer);
    connect(m_timer, &QTimer::timeout, this, &NodeWorker::tick);
    tick();
}

int NodeWorker::backoffMs() const
{
    const int shift = std::min(m_failures - 1, 6);
    return std::min(m_spec.periodMs << std::max(shift, 0), kMaxBackoffMs);
}

void NodeWorker::tick()
{
    if (m_stop.load())
        return;
    NodeSnapshot s;
    s.node = m_spec.name;
    s.kind = m_spec.kind;
    s.address = m_spec.kind == NodeKind::Redis || m_spec.kind == NodeKind::Sentinel ? m_spec.address : m_spec.conninfo;
    s.generation = m_generation;
    s.sequence = ++m_sequence;
    s.sampledAt = QDateTime::currentDateTimeUtc();
    const qint64 nowMs = s.sampledAt.toMSecsSinceEpoch();

    QString error;
    bool ok = false;
    if (!m_poller->connected()) {
        if (nowMs >= m_nextConnectMs) {
            if (!m_poller->connect(m_stop, &error)) {
                ++m_failures;
                m_nextConnectMs = QDateTime::currentMSecsSinceEpoch() + backoffMs();
            }
        } else {
            error = m_lastError; // still waiting out the backoff
        }
    }
    if (m_poller->connected()) {
        ok = m_poller->poll(&s, &error);
        if (!ok) {
            // The connection is suspect after any failure; the next tick reconnects.
            m_poller->disconnect();
            ++m_failures;
            m_nextConnectMs = 0;
        }
    }
    if (m_stop.load())
        return;

    if (ok) {
        m_failures = 0;
        m_downSince = {};
        s.reachable = true;
    } else {
        if (!m_downSince.isValid())
            m_downSince = s.sampledAt;
        m_lastError = error;
        s.reachable = false;
        s.downSince = m_downSince;
        s.lastError = error;
        s.diagnosis = m_poller->diagnose(error);
    }
    Q_EMIT snapshotReady(s);
    m_timer->start(m_spec.periodMs);
}

} // namespace vigil
