// ProfileStore round trips in a private settings directory, password stripping, import/export
// without secrets, and the validation messages an operator sees for bad input.
#include "connect/profilestore.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace vigil;

class TestProfileStore : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    static Profile sample(const QString& name = QStringLiteral("prod-eu"))
    {
        Profile p;
        p.name = name;
        p.pgNodes = {{"pg1", "host=10.0.0.1 port=5432 dbname=trading user=ops"},
                     {"pg2", "host=10.0.0.2 port=5432 dbname=trading user=ops"}};
        p.pgbouncer = "host=10.0.0.3 port=6432 dbname=trading user=app";
        p.pgbouncerAdmin = "host=10.0.0.3 port=6432 dbname=pgbouncer user=pgbouncer";
        p.redisNodes = {"10.0.0.4:6379", "10.0.0.5:6379"};
        p.sentinels = {"10.0.0.4:26379", "10.0.0.5:26379", "10.0.0.6:26379"};
        p.masterName = "trading";
        p.redisUsername = "ops";
        p.redisNeedsPassword = true;
        p.healthUrls = {"http://10.0.0.7:8080/health"};
        p.prometheusUrl = QStringLiteral("http://10.0.0.9:9090");
        p.production = true;
        p.slowThresholdMs = 250;
        return p;
    }

    // Every byte Vigil's settings hold, to prove a secret is absent from all of them.
    QByteArray allSettingsBytes() const
    {
        QByteArray all;
        QDir dir(m_dir.path());
        const QStringList files = dir.entryList(QDir::Files | QDir::NoDotAndDotDot);
        for (const QString& sub : QDir(m_dir.path()).entryList(QDir::Dirs | QDir::NoDotAndDotDot))
            for (const QString& f : QDir(m_dir.filePath(sub)).entryList(QDir::Files)) {
                QFile file(m_dir.filePath(sub + "/" + f));
                if (file.open(QIODevice::ReadOnly))
                    all += file.readAll();
            }
        for (const QString& f : files) {
            QFile file(m_dir.filePath(f));
            if (file.open(QIODevice::ReadOnly))
                all += file.readAll();
        }
        return all;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QStandardPaths::setTestModeEnabled(true);
        // QSettings caches its user path on first use; pointing it here before any use keeps the
        // operator's real profiles out of reach.
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.path());
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.path());
        QVERIFY(ProfileStore().names().isEmpty());
    }

    void cleanup()
    {
        ProfileStore store;
        for (const QString& n : store.names())
            store.remove(n);
    }

    void roundTrip()
    {
        ProfileStore store;
        const Profile p = sample();
        QString error;
        QHash<QString, QString> stripped;
        QVERIFY2(store.save(p, &error, &stripped), qPrintable(error));
        QVERIFY(stripped.isEmpty());
        QCOMPARE(store.names(), QStringList {"prod-eu"});
        const std::optional<Profile> loaded = store.load("prod-eu");
        QVERIFY(loaded.has_value());
        QCOMPARE(*loaded, p);
        QVERIFY(!store.load("nope").has_value());

        // The file is where QSettings puts organization Vigil, application vigil.
        QVERIFY(QFile::exists(m_dir.filePath("Vigil/vigil.conf")));

        QVERIFY(store.remove("prod-eu"));
        QVERIFY(!store.remove("prod-eu"));
        QVERIFY(store.names().isEmpty());
        QVERIFY(!store.load("prod-eu").has_value());
    }

    void namesWithSeparators()
    {
        ProfileStore store;
        QString error;
        QVERIFY2(store.save(sample("eu/prod 1%"), &error), qPrintable(error));
        QVERIFY2(store.save(sample("asia"), &error), qPrintable(error));
        QCOMPARE(store.names(), (QStringList {"asia", "eu/prod 1%"}));
        QCOMPARE(store.load("eu/prod 1%")->name, QString("eu/prod 1%"));
        QVERIFY(store.remove("eu/prod 1%"));
        QCOMPARE(store.names(), QStringList {"asia"});
    }

    void inlinePasswordStripped()
    {
        const QString secret = QStringLiteral("s3cr3t-'quoted' pw");
        Profile p = sample();
        p.pgNodes[0].conninfo = "host=10.0.0.1 port=5432 dbname=trading user=ops password='s3cr3t-\\'quoted\\' pw'";
        p.pgNodes[1].conninfo = "postgresql://ops:uri-secret@10.0.0.2:5433/trading?sslmode=disable";
        p.pgbouncerAdmin = "host=10.0.0.3 port=6432 dbname=pgbouncer user=pgbouncer password=adminpw";
        ProfileStore store;
        QString error;
        QHash<QString, QString> stripped;
        Profile stored;
        QVERIFY2(store.save(p, &error, &stripped, &stored), qPrintable(error));
        QCOMPARE(stripped.value("pg1"), secret);
        QCOMPARE(stripped.value("pg2"), QString("uri-secret"));
        QCOMPARE(stripped.value("pgbouncer-admin"), QString("adminpw"));
        QVERIFY(!stripped.contains("pgbouncer"));
        QCOMPARE(stripped.size(), 3);

        const Profile loaded = *store.load(p.name);
        QCOMPARE(loaded, stored);
        for (const PgNode& n : loaded.pgNodes)
            QVERIFY2(!n.conninfo.contains("password"), qPrintable(n.conninfo));
        // Everything else of the connection survived the rewrite.
        QVERIFY(loaded.pgNodes[1].conninfo.contains("host=10.0.0.2"));
        QVERIFY(loaded.pgNodes[1].conninfo.contains("port=5433"));
        QVERIFY(loaded.pgNodes[1].conninfo.contains("user=ops"));
        QVERIFY(loaded.pgNodes[1].conninfo.contains("sslmode=disable"));
        QVERIFY(loaded.pgNodes[0].conninfo.contains("dbname=trading"));
        QVERIFY(loaded.validate().isEmpty());

        const QByteArray onDisk = allSettingsBytes();
        QVERIFY(onDisk.contains("10.0.0.1"));
        QVERIFY(!onDisk.contains("s3cr3t"));
        QVERIFY(!onDisk.contains("uri-secret"));
        QVERIFY(!onDisk.contains("adminpw"));
    }

    void stripLeavesPasswordlessConninfoAlone()
    {
        QString pw = "x";
        const QString uri = "postgresql://ops@db1:5432/trading";
        QCOMPARE(ProfileStore::stripPassword(uri, &pw), uri);
        QVERIFY(pw.isEmpty());
        QCOMPARE(ProfileStore::stripPassword("service=prod", &pw), QString("service=prod"));
        QCOMPARE(ProfileStore::stripPassword("", &pw), QString());
    }

    void exportImportWithoutSecrets()
    {
        ProfileStore store;
        QString error;
        Profile a = sample("a");
        a.pgNodes[0].conninfo += " password=topsecret";
        QVERIFY2(store.save(a, &error), qPrintable(error));
        QVERIFY2(store.save(sample("b"), &error), qPrintable(error));
        QVERIFY2(store.save(sample("c"), &error), qPrintable(error));

        const QByteArray exported = store.exportJson({"a", "b"});
        QVERIFY(!exported.contains("topsecret"));
        QVERIFY(!exported.contains("password="));
        const QJsonArray list = QJsonDocument::fromJson(exported).object().value("profiles").toArray();
        QCOMPARE(list.size(), 2);
        QCOMPARE(QJsonDocument::fromJson(store.exportJson()).object().value("profiles").toArray().size(), 3);

        const Profile storedA = *store.load("a");
        const Profile storedB = *store.load("b");
        store.remove("a");
        store.remove("b");
        QStringList skipped;
        QStringList imported = store.importJson(exported, &error, false, &skipped);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(imported, (QStringList {"a", "b"}));
        QVERIFY(skipped.isEmpty());
        QCOMPARE(*store.load("a"), storedA);
        QCOMPARE(*store.load("b"), storedB);

        // Existing names are skipped unless overwrite is asked for.
        imported = store.importJson(exported, &error, false, &skipped);
        QVERIFY(imported.isEmpty());
        QCOMPARE(skipped, (QStringList {"a", "b"}));
        imported = store.importJson(exported, &error, true);
        QCOMPARE(imported.size(), 2);

        // A hand-written file with an inline password: imported without it, password handed back.
        Profile d = sample("d");
        d.pgNodes[1].conninfo += " password=fromfile";
        const QByteArray withSecret = QJsonDocument(QJsonObject {{"profiles", QJsonArray {d.toJson()}}}).toJson();
        QHash<QString, QString> stripped;
        imported = store.importJson(withSecret, &error, false, nullptr, &stripped);
        QCOMPARE(imported, QStringList {"d"});
        QCOMPARE(stripped.value("d/pg2"), QString("fromfile"));
        QVERIFY(!store.load("d")->pgNodes[1].conninfo.contains("fromfile"));
        QVERIFY(!allSettingsBytes().contains("fromfile"));
    }

    void importRejectsBadInput()
    {
        ProfileStore store;
        QString error;
        QVERIFY(store.importJson("{not json", &error).isEmpty());
        QVERIFY2(error.contains("not valid JSON"), qPrintable(error));
        error.clear();
        QVERIFY(store.importJson("[1,2]", &error).isEmpty());
        QVERIFY2(error.contains("profiles"), qPrintable(error));

        // One invalid profile imports nothing at all.
        Profile bad = sample("bad");
        bad.sentinels = {"nohostport"};
        const QByteArray json
            = QJsonDocument(QJsonObject {{"profiles", QJsonArray {sample("good").toJson(), bad.toJson()}}}).toJson();
        error.clear();
        QVERIFY(store.importJson(json, &error).isEmpty());
        QVERIFY2(error.contains("bad") && error.contains("HOST:PORT"), qPrintable(error));
        QVERIFY(store.names().isEmpty());
    }

    void validateMessages_data()
    {
        QTest::addColumn<int>("mutation");
        QTest::addColumn<QStringList>("words");
        QTest::newRow("malformed conninfo") << 0 << QStringList {"pg1", "does not parse"};
        QTest::newRow("bad host:port") << 1 << QStringList {"not a Redis address", "HOST:PORT"};
        QTest::newRow("sentinels without master name") << 2 << QStringList {"master name is empty"};
        QTest::newRow("no name") << 3 << QStringList {"needs a name"};
        QTest::newRow("no servers") << 4 << QStringList {"at least one"};
        QTest::newRow("bad pgbouncer") << 5 << QStringList {"pgbouncer", "does not parse"};
    }

    void validateMessages()
    {
        QFETCH(int, mutation);
        QFETCH(QStringList, words);
        Profile p = sample();
        switch (mutation) {
        case 0:
            p.pgNodes[0].conninfo = "host=db1 port";
            break;
        case 1:
            p.redisNodes = {"10.0.0.4"};
            break;
        case 2:
            p.masterName.clear();
            break;
        case 3:
            p.name = "  ";
            break;
        case 4:
            p.pgNodes.clear();
            p.redisNodes.clear();
            p.sentinels.clear();
            break;
        case 5:
            p.pgbouncer = "host='unterminated";
            break;
        }
        const QString message = p.validate();
        for (const QString& w : words)
            QVERIFY2(message.contains(w, Qt::CaseInsensitive), qPrintable(message));

        // save() refuses the same input with the same message and stores nothing.
        ProfileStore store;
        QString error;
        QVERIFY(!store.save(p, &error));
        QCOMPARE(error, message);
        QVERIFY(store.names().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestProfileStore)
#include "tst_profilestore.moc"
