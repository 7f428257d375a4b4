#pragma once

#include "nodesnapshot.h"
#include "nodespec.h"

#include <atomic>
#include <memory>

namespace vigil {

// One server's connection and the counters needed for rates. Lives on its NodeWorker's thread;
// only cancel() may be called from another thread.
class Poller
{
public:
    explicit Poller(NodeSpec spec)
        : m_spec(std::move(spec))
    {
    }
    virtual ~Poller() = default;

    virtual bool connect(const std::atomic_bool& stop, QString* error) = 0;
    virtual bool connected() const = 0;
    virtual void disconnect() = 0;
    // Fills the kind-specific fields of `s`; false (with error) when the server did not answer.
    virtual bool poll(NodeSnapshot* s, QString* error) = 0;
    virtual void cancel() { }
    // Turns a raw error into what failed, why and what to do.
    virtual Diagnosis diagnose(const QString& rawError) const = 0;

    const NodeSpec& spec() const { return m_spec; }

    static std::unique_ptr<Poller> create(const NodeSpec& spec);

protected:
    NodeSpec m_spec;
};

// Rate of a monotonically growing counter between two polls, over the measured elapsed time.
class CounterRate
{
public:
    // Returns NaN on the first sample and after a counter reset (server restart).
    double update(double value, qint64 nowNs);
    void reset() { m_hasPrev = false; }

private:
    bool m_hasPrev = false;
    double m_prev = 0;
    qint64 m_prevNs = 0;
};

} // namespace vigil
