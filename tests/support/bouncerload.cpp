#include "bouncerload.h"

#include <QByteArray>
#include <libpq-fe.h>

namespace vigil::test {

BouncerLoad::~BouncerLoad()
{
    for (PGconn* c : m_conns)
        PQfinish(c);
}

bool BouncerLoad::start(const QString& conninfo, int clients, double sleepSec, QString* error,
                        const QString& applicationName)
{
    const QByteArray info
        = (conninfo + QStringLiteral(" connect_timeout=5 application_name=") + applicationName).toUtf8();
    const QByteArray sql = QStringLiteral("SELECT pg_sleep(%1)").arg(sleepSec).toUtf8();
    for (int i = 0; i < clients; ++i) {
        PGconn* c = PQconnectdb(info.constData());
        m_conns.push_back(c);
        if (PQstatus(c) != CONNECTION_OK || !PQsendQuery(c, sql.constData())) {
            *error = QString::fromUtf8(PQerrorMessage(c));
            return false;
        }
    }
    return true;
}

int BouncerLoad::finished()
{
    int done = 0;
    for (PGconn* c : m_conns) {
        PQconsumeInput(c);
        if (PQisBusy(c))
            continue;
        while (PGresult* r = PQgetResult(c))
            PQclear(r);
        ++done;
    }
    return done;
}

} // namespace vigil::test
