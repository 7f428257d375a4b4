#pragma once

#include <QHash>
#include <QList>
#include <QString>

namespace vigil::sandbox {

// What `up` decided about a sandbox (ports, paths, PIDs), kept in DIR/sandbox.json so that
// status and down work from any later process. Roles are not stored: they are read live.
struct State
{
    QString dir;
    int pg1Port = 0;
    int pg2Port = 0;
    int pgbouncerPort = 0;
    int redis1Port = 0;
    int redis2Port = 0;
    QList<int> sentinelPorts;
    // The PostgreSQL node pgbouncer sends its clients to; moves with failover drills (empty: pg1).
    QString pgbouncerBackend;
    int healthPort = 0; // the stand-in application health server; 0: none
    qint64 trades = 0;
    QString phase; // "starting" while up runs, "up" once healthy
    QHash<QString, qint64> pids; // component name -> PID as of the end of `up`

    static QString fileName(const QString& dir);
    static bool load(const QString& dir, State* state, QString* error);
    bool save(QString* error) const;

    QString path(const QString& component) const { return dir + QLatin1Char('/') + component; }
    // Short on purpose: a Unix socket path has at most 107 bytes.
    QString socketDir() const { return dir + QStringLiteral("/run"); }
    QString logFile(const QString& component) const { return dir + QStringLiteral("/log/") + component + ".log"; }

    static QString pgConninfo(int port, const QString& dbname = QStringLiteral("trading"));
    static QString hostPort(int port);
};

} // namespace vigil::sandbox
