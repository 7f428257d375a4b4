#include "sandboxsession.h"

#include <QCoreApplication>
#include <QMetaObject>
#include <QPointer>
#include <QProcess>
#include <QtConcurrent>

namespace vigil::ui {

SandboxSession::SandboxSession(const QString& dir, QObject* parent)
    : QObject(parent)
    , m_dir(dir.isEmpty() ? sandbox::defaultDir() : dir)
{
    connect(&m_watcher, &QFutureWatcher<UpResult>::finished, this, &SandboxSession::onUpFinished);
}

SandboxSession::~SandboxSession()
{
    stop();
}

void SandboxSession::start()
{
    QPointer<SandboxSession> self(this);
    const QString dir = m_dir;
    m_watcher.setFuture(QtConcurrent::run([self, dir] {
        UpResult r;
        sandbox::UpOptions o;
        o.dir = dir;
        o.progress = [self](const QString& message) {
            // Called on the pool thread; hop to the GUI thread for the signal.
            QMetaObject::invokeMethod(
                QCoreApplication::instance(),
                [self, message] {
                    if (self)
                        Q_EMIT self->progress(message);
                },
                Qt::QueuedConnection);
        };
        r.ok = sandbox::up(o, &r.topology, &r.error, &r.elapsedMs);
        return r;
    }));
}

void SandboxSession::onUpFinished()
{
    const UpResult r = m_watcher.result();
    if (!r.ok) {
        Q_EMIT failed(r.error);
        return;
    }
    m_up = true;
    m_topology = r.topology;
    startWorkload();
    Q_EMIT ready(m_topology, r.elapsedMs);
}

void SandboxSession::startWorkload()
{
    m_workload = new QProcess(this);
    m_workload->setProgram(QCoreApplication::applicationFilePath());
    m_workload->setArguments({QStringLiteral("sandbox"), QStringLiteral("workload"), QStringLiteral("--dir"), m_dir});
    m_workload->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_workload->setStandardOutputFile(QProcess::nullDevice());
    m_workload->start();
}

void SandboxSession::stop()
{
    bool started = m_up;
    if (m_watcher.isRunning()) {
        m_watcher.waitForFinished(); // a failed `up` cleans up after itself; a good one is ours to stop
        started = m_watcher.result().ok;
    }
    if (m_workload && m_workload->state() != QProcess::NotRunning) {
        m_workload->terminate();
        if (!m_workload->waitForFinished(3000))
            m_workload->kill();
        m_workload->waitForFinished(1000);
    }
    if (started) {
        QString error;
        if (!sandbox::down(m_dir, &error))
            qWarning("vigil: sandbox down failed: %s", qPrintable(error));
    }
    m_up = false;
}

} // namespace vigil::ui
