// The desktop package on this machine: cpack builds the .deb from this build tree, apt installs
// it (dependencies resolved from the Debian archive or already present), the installed binary
// answers --version and reaches the sandbox, the desktop entry, icon, AppStream metainfo (which
// must validate) and man page are where desktops and man look for them, and removal leaves none
// of them. Skipped, never clobbering anything, when a vigil package is already installed.
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

namespace {

struct Run
{
    int code = -1;
    QByteArray out, err;
};

Run run(const QString& program, const QStringList& args, int timeoutMs = 300000, const QString& dir = {})
{
    QProcess p;
    if (!dir.isEmpty())
        p.setWorkingDirectory(dir);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DEBIAN_FRONTEND"), QStringLiteral("noninteractive"));
    p.setProcessEnvironment(env);
    p.start(program, args);
    Run r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.err = "timed out";
        return r;
    }
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

const QString kAppId = QStringLiteral("io.github.vigil_console.Vigil");
const QStringList kInstalled {
    QStringLiteral("/usr/bin/vigil"), QStringLiteral("/usr/share/applications/") + kAppId + QStringLiteral(".desktop"),
    QStringLiteral("/usr/share/metainfo/") + kAppId + QStringLiteral(".metainfo.xml"),
    QStringLiteral("/usr/share/icons/hicolor/scalable/apps/") + kAppId + QStringLiteral(".svg"),
    QStringLiteral("/usr/share/man/man1/vigil.1.gz")};

} // namespace

class TestPackage : public QObject
{
    Q_OBJECT
    bool m_installed = false;

private Q_SLOTS:
    void initTestCase()
    {
        if (run(QStringLiteral("dpkg-query"),
                {QStringLiteral("-W"), QStringLiteral("-f=${Status}"), QStringLiteral("vigil")})
                .out.contains("install ok installed"))
            QSKIP("a vigil package is already installed on this machine; not replacing it");
    }

    void cleanupTestCase()
    {
        if (m_installed)
            run(QStringLiteral("dpkg"), {QStringLiteral("--purge"), QStringLiteral("vigil")});
    }

    void buildInstallRunRemove()
    {
        const QString buildDir = QString::fromLocal8Bit(qgetenv("VIGIL_BUILD_DIR"));
        QVERIFY2(!buildDir.isEmpty(), "VIGIL_BUILD_DIR is not set (run through ctest)");
        for (const QString& old : QDir(buildDir).entryList({QStringLiteral("vigil_*.deb")}))
            QFile::remove(buildDir + QLatin1Char('/') + old);
        const Run pack = run(QStringLiteral("cpack"), {}, 600000, buildDir);
        QVERIFY2(pack.code == 0, pack.out.constData());
        const QStringList debs = QDir(buildDir).entryList({QStringLiteral("vigil_*.deb")});
        QCOMPARE(debs.size(), 1);
        const QString deb = buildDir + QLatin1Char('/') + debs.first();

        // What the package declares: the shared libraries found by dpkg-shlibdeps, plus the ones
        // loaded at run time; the servers only recommended.
        const Run fields = run(QStringLiteral("dpkg-deb"),
                               {QStringLiteral("-f"), deb, QStringLiteral("Depends"), QStringLiteral("Recommends")});
        QCOMPARE(fields.code, 0);
        qInfo("%s", fields.out.constData());
        for (const char* dep :
             {"libpq5", "libhiredis", "libqt6keychain1", "libqt6widgets6", "libqt6charts6", "libsecret-1-0"})
            QVERIFY2(fields.out.contains(dep), dep);
        QVERIFY(fields.out.contains("Recommends: postgresql-15"));

        const Run install
            = run(QStringLiteral("apt-get"),
                  {QStringLiteral("install"), QStringLiteral("-y"), QStringLiteral("--no-install-recommends"), deb});
        m_installed = install.code == 0;
        QVERIFY2(install.code == 0, install.err.constData());
        for (const QString& f : kInstalled)
            QVERIFY2(QFile::exists(f), qPrintable(f));

        const Run version = run(QStringLiteral("/usr/bin/vigil"), {QStringLiteral("--version")});
        QCOMPARE(version.code, 0);
        QVERIFY(version.out.startsWith("vigil "));
        const Run status = run(QStringLiteral("/usr/bin/vigil"),
                               {QStringLiteral("status"), QStringLiteral("--sandbox-dir"), vigil::test::sandboxDir(),
                                QStringLiteral("--json")},
                               60000);
        QVERIFY2(status.code == 0, status.err.constData());
        QVERIFY(QJsonDocument::fromJson(status.out).isObject());
        // The checklist may fail an item on a sandbox other tests have used (exit 1): the
        // installed binary only has to run it and print every item.
        const Run checklist = run(QStringLiteral("/usr/bin/vigil"),
                                  {QStringLiteral("checklist"), QStringLiteral("--sandbox-dir"),
                                   vigil::test::sandboxDir(), QStringLiteral("--json")},
                                  120000);
        QVERIFY2(checklist.code == 0 || checklist.code == 1, checklist.err.constData());
        QVERIFY(!QJsonDocument::fromJson(checklist.out).object().value("items").toArray().isEmpty());
        const Run validate = run(QStringLiteral("appstreamcli"),
                                 {QStringLiteral("validate"), QStringLiteral("--no-net"), kInstalled.at(2)});
        QVERIFY2(validate.code == 0, validate.out.constData());
        const Run man = run(QStringLiteral("man"), {QStringLiteral("-w"), QStringLiteral("vigil")});
        QCOMPARE(man.out.trimmed(), QByteArray("/usr/share/man/man1/vigil.1.gz"));

        const Run remove = run(QStringLiteral("dpkg"), {QStringLiteral("--purge"), QStringLiteral("vigil")});
        QVERIFY2(remove.code == 0, remove.err.constData());
        m_installed = false;
        for (const QString& f : kInstalled)
            QVERIFY2(!QFile::exists(f), qPrintable(f));
    }
};

QTEST_GUILESS_MAIN(TestPackage)
#include "tst_package.moc"
