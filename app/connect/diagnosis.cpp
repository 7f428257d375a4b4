#include "diagnosis.h"

namespace vigil {

QString Diagnosis::toText() const
{
    // libpq's messages span lines and sometimes end in a question; keep one readable sentence each.
    auto sentence = [](QString text) {
        text = text.simplified();
        if (!text.isEmpty() && !QStringLiteral(".?!").contains(text.back()))
            text += QLatin1Char('.');
        return text;
    };
    QString out = what;
    if (!why.isEmpty())
        out += QStringLiteral(": ") + sentence(why);
    else
        out = sentence(out);
    if (!todo.isEmpty())
        out += QLatin1Char(' ') + sentence(todo);
    return out;
}

Diagnosis diagnosePg(const QString& node, const QString& rawError)
{
    const QString e = rawError.trimmed();
    Diagnosis d {QStringLiteral("%1: cannot connect").arg(node), e, {}};
    auto has = [&](const char* needle) { return e.contains(QLatin1String(needle), Qt::CaseInsensitive); };
    if (has("malformed connection string") || has("invalid connection option") || has("missing \"=\"")
        || has("invalid URI") || has("unterminated quoted string")) {
        d.what = QStringLiteral("%1: the connection string is malformed").arg(node);
        d.todo = QStringLiteral("Write key=value pairs (host=db1 port=5432 dbname=trading user=ops), a postgresql:// "
                                "URI or service=NAME");
    } else if (has("pg_hba.conf rejects") || has("no pg_hba.conf entry")) {
        d.what = QStringLiteral("%1: the server's pg_hba.conf rejects this connection").arg(node);
        d.todo = QStringLiteral("Ask the DBA for a pg_hba.conf line for this user, database and client address, then "
                                "SELECT pg_reload_conf()");
    } else if (has("password authentication failed") || has("SCRAM") || has("authentication failed")) {
        d.what = QStringLiteral("%1: the password was rejected").arg(node);
        d.todo = QStringLiteral("Check the user name and re-enter the password in the profile (it is kept in the OS "
                                "keychain)");
    } else if (has("no password supplied") || has("password is required")) {
        d.what = QStringLiteral("%1: the server asks for a password and none is stored").arg(node);
        d.todo = QStringLiteral("Enter the password in the profile, or add it to ~/.pgpass");
    } else if (has("Connection refused")) {
        d.what = QStringLiteral("%1: nothing is listening at that address").arg(node);
        d.todo = QStringLiteral("Check that the server is running and that host and port are right");
    } else if (has("timeout expired") || has("timed out")) {
        d.what = QStringLiteral("%1: the server did not answer in time").arg(node);
        d.todo = QStringLiteral("Check the network path and firewall, or raise connect_timeout in the conninfo");
    } else if (has("could not translate host name") || has("Name or service not known")) {
        d.what = QStringLiteral("%1: the host name does not resolve").arg(node);
        d.todo = QStringLiteral("Check the spelling of host= or use an IP address");
    } else if (has("does not exist") && has("database")) {
        d.what = QStringLiteral("%1: the database does not exist").arg(node);
        d.todo = QStringLiteral("Check dbname= in the connection string");
    } else if (has("does not exist") && has("role")) {
        d.what = QStringLiteral("%1: the role does not exist").arg(node);
        d.todo = QStringLiteral("Check user= in the connection string, or CREATE ROLE it with LOGIN");
    } else if (has("definition of service")) {
        d.what = QStringLiteral("%1: the service is not defined").arg(node);
        d.todo = QStringLiteral("Define it in ~/.pg_service.conf or the file named by PGSERVICEFILE");
    } else if (has("permission denied")) {
        d.what = QStringLiteral("%1: missing privilege").arg(node);
        d.todo = QStringLiteral("GRANT pg_monitor TO the profile's user (run as a superuser)");
    } else if (has("too many connections") || has("remaining connection slots")) {
        d.what = QStringLiteral("%1: the server has no free connection slot").arg(node);
        d.todo = QStringLiteral("Look at the Pool tab of another session, or raise max_connections");
    }
    return d;
}

Diagnosis diagnoseRedis(const QString& node, const QString& rawError)
{
    const QString e = rawError.trimmed();
    Diagnosis d {QStringLiteral("%1: Redis error").arg(node), e, {}};
    auto has = [&](const char* needle) { return e.contains(QLatin1String(needle), Qt::CaseInsensitive); };
    if (has("WRONGPASS") || has("invalid password") || has("invalid username-password")) {
        d.what = QStringLiteral("%1: AUTH was rejected").arg(node);
        d.todo = QStringLiteral("Check the Redis user and password in the profile (kept in the OS keychain)");
    } else if (has("without any password configured")) {
        d.what = QStringLiteral("%1: a password was sent but the server has none set").arg(node);
        d.todo = QStringLiteral("Untick \"Redis needs a password\" in the profile");
    } else if (has("NOAUTH")) {
        d.what = QStringLiteral("%1: the server requires AUTH").arg(node);
        d.todo = QStringLiteral("Tick \"Redis needs a password\" in the profile and enter it");
    } else if (has("Connection refused")) {
        d.what = QStringLiteral("%1: nothing is listening at that address").arg(node);
        d.todo = QStringLiteral("Check that redis-server (or redis-sentinel) runs and that the port is right");
    } else if (has("timed out") || has("Resource temporarily unavailable") || has("timeout")) {
        d.what = QStringLiteral("%1: the server did not answer in time").arg(node);
        d.todo = QStringLiteral("Check the network path; a paused or overloaded server also looks like this");
    } else if (has("No such master") || has("unknown master")) {
        d.what = QStringLiteral("%1: Sentinel does not know that master name").arg(node);
        d.todo = QStringLiteral("Use the name from SENTINEL MASTERS (sentinel monitor NAME ... in sentinel.conf)");
    } else if (has("NOQUORUM") || has("quorum")) {
        d.what = QStringLiteral("%1: Sentinel cannot reach a quorum").arg(node);
        d.todo = QStringLiteral("Start more Sentinels or fix their network; failover is impossible until then");
    } else if (has("Name or service not known") || has("Can't resolve")) {
        d.what = QStringLiteral("%1: the host name does not resolve").arg(node);
        d.todo = QStringLiteral("Check the host part of HOST:PORT");
    }
    return d;
}

} // namespace vigil
