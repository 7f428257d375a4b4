#include "testsupport.h"

#include "sandbox/sandbox.h"

#include <QDir>
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

} // namespace vigil::test
