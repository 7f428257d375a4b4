#pragma once

#include "drillresult.h"

#include <chrono>
#include <functional>

namespace vigil::drills {

// Runs the steps in order and keeps the timeline; the first failure ends the drill.
class StepTimeline
{
public:
    StepTimeline(DrillResult* result, std::chrono::steady_clock::time_point origin,
                 const std::function<void(const DrillStep&)>& changed)
        : m_result(result)
        , m_origin(origin)
        , m_changed(changed)
    {
    }

    qint64 now() const
    {
        return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - m_origin)
            .count();
    }

    // `body` returns false with *detail saying why; on success *detail says what it saw.
    bool step(const QString& name, const std::function<bool(QString* detail)>& body)
    {
        DrillStep s;
        s.name = name;
        s.state = DrillStep::State::Running;
        s.startMs = now();
        m_result->steps.append(s);
        notify();
        QString detail;
        const bool ok = body(&detail);
        DrillStep& done = m_result->steps.last();
        done.ms = now() - done.startMs;
        done.detail = detail;
        done.state = ok ? DrillStep::State::Ok : DrillStep::State::Failed;
        notify();
        return ok;
    }

private:
    void notify()
    {
        if (m_changed)
            m_changed(m_result->steps.last());
    }
    DrillResult* m_result;
    std::chrono::steady_clock::time_point m_origin;
    const std::function<void(const DrillStep&)>& m_changed;
};

} // namespace vigil::drills
