#include "nativerunner.h"

namespace vigil::loadtest {

NativeRunner::NativeRunner(const EngineOptions& options, const Script& script, QObject* parent)
    : LoadRunner(parent)
    , m_engine(options, script)
{
    connect(&m_engine, &LoadEngine::secondReady, this, &LoadRunner::secondReady, Qt::QueuedConnection);
    connect(&m_engine, &LoadEngine::finished, this, &LoadRunner::finished, Qt::QueuedConnection);
}

QString NativeRunner::command() const
{
    const EngineOptions& o = m_engine.options();
    return QStringLiteral("native engine: %1 users, %2 s, workload %3, %4 protocol, target %5")
        .arg(o.users)
        .arg(o.durationSec)
        .arg(o.workloadName, protocolName(o.protocol), o.targetName);
}

} // namespace vigil::loadtest
