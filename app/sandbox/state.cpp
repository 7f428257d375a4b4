#include "state.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace vigil::sandbox {

QString State::fileName(const QString& dir)
{
    return dir + QStringLiteral("/sandbox.json");
}

QString State::pgConninfo(int port, const QString& dbname)
{
    // No password anywhere: the sandbox trusts loopback connections (see pg_hba.conf).
    return QStringLiteral("host=127.0.0.1 port=%1 dbname=%2 user=postgres").arg(port).arg(dbname);
}

QString State::hostPort(int port)
{
    return QStringLiteral("127.0.0.1:%1").arg(port);
}

bool State::load(const QString& dir, State* state, QString* error)
{
    QFile f(fileName(dir));
    if (!f.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("no sandbox in %1 (%2 is missing): start one with `vigil sandbox up --dir %1`")
                         .arg(dir, fileName(dir));
        return false;
    }
    QJsonParseError pe;
    const QJsonObject o = QJsonDocument::fromJson(f.readAll(), &pe).object();
    if (pe.error != QJsonParseError::NoError) {
        if (error)
            *error = QStringLiteral("%1 is not valid JSON (%2): run `vigil sandbox down --dir %3` and up again")
                         .arg(fileName(dir), pe.errorString(), dir);
        return false;
    }
    State s;
    s.dir = dir;
    const QJsonObject ports = o.value(QStringLiteral("ports")).toObject();
    s.pg1Port = ports.value(QStringLiteral("pg1")).toInt();
    s.pg2Port = ports.value(QStringLiteral("pg2")).toInt();
    s.pgbouncerPort = ports.value(QStringLiteral("pgbouncer")).toInt();
    s.redis1Port = ports.value(QStringLiteral("redis1")).toInt();
    s.redis2Port = ports.value(QStringLiteral("redis2")).toInt();
    for (const QJsonValue& v : ports.value(QStringLiteral("sentinels")).toArray())
        s.sentinelPorts << v.toInt();
    s.healthPort = ports.value(QStringLiteral("health")).toInt();
    s.trades = o.value(QStringLiteral("trades")).toInteger();
    s.phase = o.value(QStringLiteral("phase")).toString();
    s.pgbouncerBackend = o.value(QStringLiteral("pgbouncer_backend")).toString();
    const QJsonObject pids = o.value(QStringLiteral("pids")).toObject();
    for (auto it = pids.begin(); it != pids.end(); ++it)
        s.pids.insert(it.key(), it.value().toInteger());
    *state = s;
    return true;
}

bool State::save(QString* error) const
{
    QJsonArray sentinels;
    for (int p : sentinelPorts)
        sentinels << p;
    QJsonObject pidObj;
    for (auto it = pids.begin(); it != pids.end(); ++it)
        pidObj.insert(it.key(), it.value());
    const QJsonObject o {
        {QStringLiteral("version"), 1},
        {QStringLiteral("dir"), dir},
        {QStringLiteral("phase"), phase},
        {QStringLiteral("trades"), trades},
        {QStringLiteral("ports"),
         QJsonObject {{QStringLiteral("pg1"), pg1Port},
                      {QStringLiteral("pg2"), pg2Port},
                      {QStringLiteral("pgbouncer"), pgbouncerPort},
                      {QStringLiteral("redis1"), redis1Port},
                      {QStringLiteral("redis2"), redis2Port},
                      {QStringLiteral("sentinels"), sentinels},
                      {QStringLiteral("health"), healthPort}}},
        {QStringLiteral("pids"), pidObj},
        {QStringLiteral("pgbouncer_backend"), pgbouncerBackend},
    };
    QSaveFile f(fileName(dir));
    if (!f.open(QIODevice::WriteOnly) || f.write(QJsonDocument(o).toJson()) < 0 || !f.commit()) {
        if (error)
            *error = QStringLiteral("could not write %1: %2").arg(fileName(dir), f.errorString());
        return false;
    }
    return true;
}

} // namespace vigil::sandbox
