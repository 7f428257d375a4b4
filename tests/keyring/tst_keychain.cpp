// SecretStore against a real Secret Service (gnome-keyring on a private session bus, started by
// tests/support/with-keyring.sh), and the "keychain unavailable" path with no bus at all. The
// central promise checked here: a password reaches the keychain and no file of Vigil's.
#include "connect/profilestore.h"
#include "connect/secretstore.h"

#include <QDirIterator>
#include <QJsonDocument>
#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <qt6keychain/keychain.h>

using namespace vigil;

namespace {
const char* kChildEnv = "VIGIL_KEYCHAIN_TEST_CHILD";
const char* kChildSecretEnv = "VIGIL_KEYCHAIN_TEST_SECRET"; // test-only value, never a real password

QString randomSecret()
{
    QString s = QStringLiteral("pw-");
    for (int i = 0; i < 24; ++i)
        s += QChar(u'a' + QRandomGenerator::global()->bounded(26));
    return s;
}

// Every directory Vigil (QSettings, QStandardPaths) could write to under the test HOME.
QStringList vigilDirs()
{
    QStringList dirs;
    for (auto loc : {QStandardPaths::ConfigLocation, QStandardPaths::AppConfigLocation,
                     QStandardPaths::GenericConfigLocation, QStandardPaths::AppDataLocation,
                     QStandardPaths::GenericDataLocation, QStandardPaths::CacheLocation, QStandardPaths::HomeLocation})
        dirs << QStandardPaths::writableLocation(loc);
    dirs.removeDuplicates();
    return dirs;
}

// Files under those directories whose bytes contain needle.
QStringList filesContaining(const QString& needle, int* scanned = nullptr)
{
    QStringList hits;
    int count = 0;
    for (const QString& dir : vigilDirs()) {
        QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            QFile f(path);
            if (!f.open(QIODevice::ReadOnly))
                continue;
            ++count;
            if (f.readAll().contains(needle.toUtf8()))
                hits << path;
        }
    }
    if (scanned)
        *scanned = count;
    hits.removeDuplicates();
    return hits;
}

Profile sampleProfile(const QString& name, const QString& password)
{
    Profile p;
    p.name = name;
    p.pgNodes = {{"pg1", "host=127.0.0.1 port=5432 dbname=trading user=ops password=" + password}};
    p.redisNodes = {"127.0.0.1:6379"};
    return p;
}
} // namespace

class TestKeychain : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        if (qEnvironmentVariableIsSet(kChildEnv))
            return;
        // Refuse to touch a real keychain or a real home directory.
        if (!QDir::homePath().contains(QLatin1String("vigil-keyring.")))
            QFAIL("run this test through tests/support/with-keyring.sh (ctest does)");
        QVERIFY(!qEnvironmentVariable("DBUS_SESSION_BUS_ADDRESS").isEmpty());
    }

    void storeReadRemove()
    {
        if (qEnvironmentVariableIsSet(kChildEnv))
            QSKIP("child process");
        const QString secret = randomSecret();
        const Profile profile
            = sampleProfile(QStringLiteral("keyring-%1").arg(QRandomGenerator::global()->generate()), secret);

        ProfileStore store;
        QString error;
        QHash<QString, QString> stripped;
        QVERIFY2(store.save(profile, &error, &stripped), qPrintable(error));
        QCOMPARE(stripped.value("pg1"), secret);

        SecretStore secrets;
        QSignalSpy written(&secrets, &SecretStore::writeFinished);
        secrets.write(profile.name, "pg1", stripped.value("pg1"));
        QTRY_COMPARE_WITH_TIMEOUT(written.size(), 1, 10000);
        QCOMPARE(written[0][2].value<SecretStore::Status>(), SecretStore::Status::Ok);
        QVERIFY2(written[0][3].toString().isEmpty(), qPrintable(written[0][3].toString()));

        // Read back through SecretStore on a fresh object.
        SecretStore reader;
        QSignalSpy read(&reader, &SecretStore::readFinished);
        reader.read(profile.name, "pg1");
        QTRY_COMPARE_WITH_TIMEOUT(read.size(), 1, 10000);
        QCOMPARE(read[0][2].value<SecretStore::Status>(), SecretStore::Status::Ok);
        QCOMPARE(read[0][3].toString(), secret);

        // Independently: a bare QtKeychain job with the documented service and key.
        auto* job = new QKeychain::ReadPasswordJob(QStringLiteral("vigil"));
        job->setAutoDelete(true);
        job->setKey(profile.name + "/pg1");
        QSignalSpy jobDone(job, &QKeychain::Job::finished);
        QString viaJob;
        connect(job, &QKeychain::Job::finished, this,
                [&viaJob](QKeychain::Job* j) { viaJob = static_cast<QKeychain::ReadPasswordJob*>(j)->textData(); });
        job->start();
        QTRY_COMPARE_WITH_TIMEOUT(jobDone.size(), 1, 10000);
        QCOMPARE(viaJob, secret);

        // And outside Qt altogether: the Secret Service lists an item for service "vigil"
        // (QtKeychain's libsecret schema names the attributes server=<service>, user=<key>).
        QProcess tool;
        tool.start("secret-tool", {"lookup", "server", "vigil", "user", profile.name + "/pg1"});
        QVERIFY(tool.waitForFinished(10000));
        QCOMPARE(QString::fromUtf8(tool.readAllStandardOutput()), secret);

        // The blocking helper the CLI uses sees the same value.
        QString blockingSecret, message;
        QCOMPARE(SecretStore::readBlocking(profile.name, "pg1", &blockingSecret, &message), SecretStore::Status::Ok);
        QCOMPARE(blockingSecret, secret);

        // The promise: the password is in no file Vigil could have written.
        int scanned = 0;
        const QStringList hits = filesContaining(secret, &scanned);
        QVERIFY2(hits.isEmpty(), qPrintable(hits.join(", ")));
        QVERIFY2(scanned > 0, "expected at least the settings file under the test HOME");
        QVERIFY(!filesContaining(QStringLiteral("host=127.0.0.1")).isEmpty()); // the scan does see the profile

        // Missing keys are NotFound, not Unavailable.
        QCOMPARE(SecretStore::readBlocking(profile.name, "redis", &blockingSecret, &message),
                 SecretStore::Status::NotFound);

        QSignalSpy removed(&secrets, &SecretStore::removeFinished);
        secrets.remove(profile.name, "pg1");
        QTRY_COMPARE_WITH_TIMEOUT(removed.size(), 1, 10000);
        QCOMPARE(removed[0][2].value<SecretStore::Status>(), SecretStore::Status::Ok);
        QSignalSpy readAgain(&reader, &SecretStore::readFinished);
        reader.read(profile.name, "pg1");
        QTRY_COMPARE_WITH_TIMEOUT(readAgain.size(), 1, 10000);
        QCOMPARE(readAgain[0][2].value<SecretStore::Status>(), SecretStore::Status::NotFound);
        QVERIFY(readAgain[0][3].toString().isEmpty());
        store.remove(profile.name);
    }

    // libsecret keeps its session-bus connection for the life of the process, so "no bus" is
    // tested in a child process of this same binary started with a dead bus address.
    void unavailableWhenNoBus()
    {
        if (qEnvironmentVariableIsSet(kChildEnv))
            QSKIP("child process");
        const QString secret = randomSecret();
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/vigil-no-bus");
        env.insert(kChildEnv, "1");
        env.insert(kChildSecretEnv, secret);
        QProcess child;
        child.setProcessEnvironment(env);
        child.setProcessChannelMode(QProcess::MergedChannels);
        child.start(QCoreApplication::applicationFilePath(), {"childWriteUnavailable"});
        QVERIFY(child.waitForFinished(60000));
        const QString output = QString::fromUtf8(child.readAll());
        QVERIFY2(child.exitStatus() == QProcess::NormalExit && child.exitCode() == 0, qPrintable(output));
        QVERIFY2(output.contains("PASS   : TestKeychain::childWriteUnavailable()"), qPrintable(output));
        const QStringList hits = filesContaining(secret);
        QVERIFY2(hits.isEmpty(), qPrintable(hits.join(", ")));
    }

    void childWriteUnavailable()
    {
        if (!qEnvironmentVariableIsSet(kChildEnv))
            QSKIP("runs only as the child of unavailableWhenNoBus");
        const QString secret = qEnvironmentVariable(kChildSecretEnv);
        QVERIFY(!secret.isEmpty());
        const Profile profile = sampleProfile("no-bus", secret);
        ProfileStore store;
        QString error;
        QHash<QString, QString> stripped;
        QVERIFY2(store.save(profile, &error, &stripped), qPrintable(error));

        SecretStore secrets;
        QSignalSpy written(&secrets, &SecretStore::writeFinished);
        secrets.write(profile.name, "pg1", stripped.value("pg1"));
        QTRY_COMPARE_WITH_TIMEOUT(written.size(), 1, 20000);
        QCOMPARE(written[0][2].value<SecretStore::Status>(), SecretStore::Status::Unavailable);
        const QString message = written[0][3].toString();
        qInfo("write reported: %s", qPrintable(message));
        QVERIFY2(message.startsWith("keychain unavailable: ") && message.size() > 22, qPrintable(message));
        QVERIFY(!message.contains(secret));

        QString readBack;
        QString readMessage;
        QCOMPARE(SecretStore::readBlocking(profile.name, "pg1", &readBack, &readMessage),
                 SecretStore::Status::Unavailable);
        QVERIFY(readBack.isEmpty());
        QVERIFY2(readMessage.startsWith("keychain unavailable: "), qPrintable(readMessage));

        const QStringList hits = filesContaining(secret);
        QVERIFY2(hits.isEmpty(), qPrintable(hits.join(", ")));
        store.remove(profile.name);
    }

    // The CLI says why on stderr, keeps the profile without the password, writes it nowhere.
    void cliAddWithoutKeychain()
    {
        if (qEnvironmentVariableIsSet(kChildEnv))
            QSKIP("child process");
        const QString vigil = qEnvironmentVariable("VIGIL_BIN");
        if (vigil.isEmpty())
            QSKIP("VIGIL_BIN not set (run through ctest)");
        const QString secret = randomSecret();
        QTemporaryDir inputDir; // outside Vigil's directories: the input file itself holds the secret
        QVERIFY(inputDir.isValid());
        const QString input = inputDir.filePath("p.json");
        {
            QFile f(input);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QJsonDocument(sampleProfile("cli-no-bus", secret).toJson()).toJson());
        }
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/vigil-no-bus");
        QProcess p;
        p.setProcessEnvironment(env);
        p.start(vigil, {"profile", "add", "--json", input});
        QVERIFY(p.waitForFinished(60000));
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QCOMPARE(p.exitCode(), 0);
        QVERIFY2(err.contains("keychain unavailable: ") && err.contains("NOT stored"), qPrintable(err));
        QVERIFY(!err.contains(secret));
        const std::optional<Profile> stored = ProfileStore().load("cli-no-bus");
        QVERIFY(stored.has_value());
        QVERIFY(!stored->pgNodes[0].conninfo.contains("password"));
        const QStringList hits = filesContaining(secret);
        QVERIFY2(hits.isEmpty(), qPrintable(hits.join(", ")));
        ProfileStore().remove("cli-no-bus");
    }
};

QTEST_GUILESS_MAIN(TestKeychain)
#include "tst_keychain.moc"
