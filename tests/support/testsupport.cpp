#include "testsupport.h"

#include "cli/target.h"
#include "pg/pgconnection.h"
#include "sandbox/sandbox.h"

#include <QDir>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

namespace vigil::test {

QString sandboxDir()
{
    const QString dir = qEnvironmentVariable("VIGIL_TEST_SANDBOX_DIR");
    if (dir.isEmpty() || !sandbox::exists(dir))
        qFatal("VIGIL_TEST_SANDBOX_DIR does not name a running sandbox; run the test through ctest");
    return dir;
}

Profile sandboxProfile()
{
    sandbox::Topology topo;
    QJsonObject health;
    QString error;
    if (!sandbox::status(sandboxDir(), &topo, &health, &error))
        qFatal("sandbox status failed: %s", qPrintable(error));
    return sandbox::toProfile(topo);
}

PgNode primaryNode()
{
    cli::Target target;
    target.profile = sandboxProfile();
    pg::Connection conn;
    QString node, error;
    if (!cli::openPrimary(target, &conn, &node, &error))
        qFatal("no primary in the sandbox: %s", qPrintable(error));
    for (const PgNode& n : std::as_const(target.profile.pgNodes))
        if (n.name == node)
            return n;
    qFatal("primary %s is not a node of the sandbox profile", qPrintable(node));
}

QList<PgNode> replicaNodes()
{
    const QString primary = primaryNode().name;
    QList<PgNode> out;
    for (const PgNode& n : sandboxProfile().pgNodes)
        if (n.name != primary)
            out << n;
    return out;
}

QString outputDir()
{
    QString dir = qEnvironmentVariable("VIGIL_TEST_OUTPUT");
    if (dir.isEmpty())
        dir = QDir::tempPath() + QStringLiteral("/vigil-test-output");
    QDir().mkpath(dir);
    return dir;
}

QString vigilBinary()
{
    return qEnvironmentVariable("VIGIL_BIN");
}

int portOf(const QString& conninfo)
{
    return QRegularExpression(QStringLiteral("port=(\\d+)")).match(conninfo).captured(1).toInt();
}

bool initPgbenchDatabase(const QString& conninfo, const QString& database, int scale, QString* error)
{
    pg::Connection c;
    pg::ConnectOptions o;
    o.conninfo = conninfo;
    o.statementTimeoutMs = 60000;
    if (!c.open(o)) {
        *error = c.lastError();
        return false;
    }
    if (c.exec(QStringLiteral("SELECT 1 FROM pg_database WHERE datname = $1"), {database}).rows() == 0) {
        const pg::Result created = c.execSimple(QStringLiteral("CREATE DATABASE ") + database);
        if (!created.ok()) {
            *error = created.errorMessage();
            return false;
        }
    }
    QProcess init;
    init.start(QStringLiteral("/usr/lib/postgresql/15/bin/pgbench"),
               {"-i", "-q", "-s", QString::number(scale), "-h", "127.0.0.1", "-p", QString::number(portOf(conninfo)),
                "-U", "postgres", database});
    if (!init.waitForFinished(240000) || init.exitCode() != 0) {
        *error = QStringLiteral("pgbench -i failed: ") + QString::fromUtf8(init.readAllStandardError());
        return false;
    }
    return true;
}

} // namespace vigil::test
