#pragma once

#include "loadengine.h"
#include "loadrunner.h"

namespace vigil::loadtest {

// The native engine behind the common runner face: LoadEngine's signals (queued from its own
// thread) passed on unchanged. The engine itself is not touched.
class NativeRunner : public LoadRunner
{
    Q_OBJECT
public:
    NativeRunner(const EngineOptions& options, const Script& script, QObject* parent = nullptr);

    RunnerKind kind() const override { return RunnerKind::Native; }
    void start() override { m_engine.start(); }
    void stop() override { m_engine.stop(); }
    bool isRunning() const override { return m_engine.isRunning(); }
    QString command() const override;

private:
    LoadEngine m_engine;
};

} // namespace vigil::loadtest
