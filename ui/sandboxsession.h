#pragma once

#include "sandbox/sandbox.h"

#include <QFutureWatcher>
#include <QObject>

class QProcess;

namespace vigil::ui {

// A sandbox the console started itself (`vigil --sandbox`): brought up off the GUI thread, its
// background workload run as a child process, and both stopped when the console exits.
class SandboxSession : public QObject
{
    Q_OBJECT
public:
    explicit SandboxSession(const QString& dir, QObject* parent = nullptr);
    ~SandboxSession() override;

    void start();
    // Blocking, bounded: stops the workload and the servers. Called once the window is gone.
    void stop();
    bool isUp() const { return m_up; }
    const sandbox::Topology& topology() const { return m_topology; }

Q_SIGNALS:
    void progress(const QString& message);
    void ready(const vigil::sandbox::Topology& topology, qint64 elapsedMs);
    void failed(const QString& error);

private:
    struct UpResult
    {
        bool ok = false;
        sandbox::Topology topology;
        QString error;
        qint64 elapsedMs = 0;
    };
    void onUpFinished();
    void startWorkload();

    QString m_dir;
    QFutureWatcher<UpResult> m_watcher;
    sandbox::Topology m_topology;
    QProcess* m_workload = nullptr;
    bool m_up = false;
};

} // namespace vigil::ui
