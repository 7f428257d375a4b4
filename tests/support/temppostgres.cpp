#include "temppostgres.h"

#include "sandbox/processes.h"

#include <QCoreApplication>
#include <QDir>

namespace vigil::test {

namespace {
const QString kBin = QStringLiteral("/usr/lib/postgresql/15/bin/");
}

TempPostgres::TempPostgres()
{
    m_dir = QDir::tempPath() + QStringLiteral("/vigil-temppg-") + QString::number(QCoreApplication::applicationPid());
    QDir(m_dir).removeRecursively();
    QDir().mkpath(m_dir);
    QFile::setPermissions(m_dir,
                          QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadGroup | QFile::ExeGroup
                              | QFile::ReadOther | QFile::ExeOther);
    const QList<int> ports = sandbox::proc::freePorts(1, &m_error);
    if (ports.isEmpty() || !sandbox::proc::handOver(m_dir, &m_error))
        return;
    m_port = ports.first();
    const QString data = m_dir + QStringLiteral("/data");
    if (!sandbox::proc::run(kBin + QStringLiteral("initdb"),
                            {QStringLiteral("-D"), data, QStringLiteral("-A"), QStringLiteral("trust"),
                             QStringLiteral("-U"), QStringLiteral("postgres"), QStringLiteral("--no-sync"),
                             QStringLiteral("-E"), QStringLiteral("UTF8")},
                            60000, &m_error, nullptr, m_dir))
        return;
    const QString opts
        = QStringLiteral("-p %1 -k %2 -c listen_addresses=127.0.0.1 -c fsync=off").arg(m_port).arg(m_dir);
    m_running = sandbox::proc::run(kBin + QStringLiteral("pg_ctl"),
                                   {QStringLiteral("start"), QStringLiteral("-D"), data, QStringLiteral("-w"),
                                    QStringLiteral("-s"), QStringLiteral("-l"), m_dir + QStringLiteral("/log"),
                                    QStringLiteral("-o"), opts},
                                   60000, &m_error, nullptr, m_dir);
}

TempPostgres::~TempPostgres()
{
    if (m_running) {
        QString error;
        sandbox::proc::run(kBin + QStringLiteral("pg_ctl"),
                           {QStringLiteral("stop"), QStringLiteral("-D"), m_dir + QStringLiteral("/data"),
                            QStringLiteral("-m"), QStringLiteral("immediate"), QStringLiteral("-w"),
                            QStringLiteral("-s")},
                           30000, &error, nullptr, m_dir);
    }
    QDir(m_dir).removeRecursively();
}

QString TempPostgres::conninfo(const QString& database) const
{
    return QStringLiteral("host=127.0.0.1 port=%1 dbname=%2 user=postgres").arg(m_port).arg(database);
}

} // namespace vigil::test
