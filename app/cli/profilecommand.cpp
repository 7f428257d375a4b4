// `vigil profile ...`: the connection profiles from the command line. Secrets go to the OS
// keychain only; when it is unavailable the command says so on stderr and carries on without.
#include "commands.h"

#include "connect/connectioncheck.h"
#include "connect/profilestore.h"
#include "connect/secretstore.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTextStream>

namespace vigil::cli {

namespace {
int usage(QTextStream& err)
{
    err << "usage: vigil profile list [--json]\n"
           "       vigil profile show NAME\n"
           "       vigil profile add --json FILE [--replace]\n"
           "       vigil profile remove NAME\n"
           "       vigil profile export [--out FILE] [NAME...]\n"
           "       vigil profile import FILE [--replace]\n"
           "       vigil profile test NAME [--json] [--timeout SEC]\n"
           "Passwords are kept in the OS keychain (service \"vigil\"); an inline password= in a\n"
           "connection string is moved there and never written to Vigil's settings.\n";
    return 2;
}

bool readFile(const QString& path, QByteArray* data, QTextStream& err)
{
    QFile f(path);
    if (path == QLatin1String("-") ? !f.open(stdin, QIODevice::ReadOnly) : !f.open(QIODevice::ReadOnly)) {
        err << "vigil profile: cannot read " << path << ": " << f.errorString() << "\n";
        return false;
    }
    *data = f.readAll();
    return true;
}

// Moves passwords stripped out of conninfos into the keychain; keys are "<profile>/<node>".
void storeSecrets(const QHash<QString, QString>& secrets, QTextStream& err)
{
    for (auto it = secrets.cbegin(); it != secrets.cend(); ++it) {
        const qsizetype slash = it.key().indexOf(QLatin1Char('/'));
        const QString profile = it.key().left(slash);
        const QString node = it.key().mid(slash + 1);
        QString message;
        if (SecretStore::writeBlocking(profile, node, it.value(), &message) == SecretStore::Status::Ok) {
            err << "vigil profile: the password for " << node << " was moved to the keychain\n";
        } else {
            err << "vigil profile: " << message << "; the password for " << node
                << " was removed from the connection string and NOT stored; Vigil will ask for it when "
                   "connecting (or put it in ~/.pgpass)\n";
        }
    }
}

int list(const QStringList& args, QTextStream& out)
{
    ProfileStore store;
    if (args.contains(QLatin1String("--json"))) {
        out << QJsonDocument(QJsonArray::fromStringList(store.names())).toJson(QJsonDocument::Compact) << "\n";
        return 0;
    }
    for (const QString& n : store.names())
        out << n << "\n";
    return 0;
}

int show(const QStringList& args, QTextStream& out, QTextStream& err)
{
    if (args.size() != 1)
        return usage(err);
    const std::optional<Profile> p = ProfileStore().load(args[0]);
    if (!p) {
        err << "vigil profile: no profile named \"" << args[0] << "\"\n";
        return 1;
    }
    out << QJsonDocument(p->toJson()).toJson(QJsonDocument::Indented);
    return 0;
}

int add(const QStringList& args, QTextStream& err)
{
    const qsizetype i = args.indexOf(QLatin1String("--json"));
    if (i < 0 || i + 1 >= args.size())
        return usage(err);
    QByteArray data;
    if (!readFile(args[i + 1], &data, err))
        return 1;
    const QJsonDocument doc = QJsonDocument::fromJson(data);
    if (!doc.isObject()) {
        err << "vigil profile: " << args[i + 1] << " is not a JSON object (the shape of `vigil profile show`)\n";
        return 1;
    }
    const Profile p = Profile::fromJson(doc.object());
    ProfileStore store;
    if (store.contains(p.name.trimmed()) && !args.contains(QLatin1String("--replace"))) {
        err << "vigil profile: a profile named \"" << p.name << "\" exists; add --replace to overwrite it\n";
        return 1;
    }
    QString error;
    QHash<QString, QString> stripped;
    if (!store.save(p, &error, &stripped)) {
        err << "vigil profile: " << error << "\n";
        return 1;
    }
    QHash<QString, QString> keyed;
    for (auto it = stripped.cbegin(); it != stripped.cend(); ++it)
        keyed.insert(p.name.trimmed() + QLatin1Char('/') + it.key(), it.value());
    storeSecrets(keyed, err);
    err << "vigil profile: saved \"" << p.name.trimmed() << "\"\n";
    return 0;
}

int remove(const QStringList& args, QTextStream& err)
{
    if (args.size() != 1)
        return usage(err);
    ProfileStore store;
    const std::optional<Profile> p = store.load(args[0]);
    if (!p) {
        err << "vigil profile: no profile named \"" << args[0] << "\"\n";
        return 1;
    }
    store.remove(p->name);
    // "redis" too: the flag may have been switched off after a password was stored.
    QStringList nodes = p->secretNodes();
    if (!nodes.contains(QStringLiteral("redis")))
        nodes << QStringLiteral("redis");
    for (const QString& node : nodes) {
        QString message;
        if (SecretStore::removeBlocking(p->name, node, &message) != SecretStore::Status::Ok) {
            err << "vigil profile: " << message << "; stored passwords (if any) were not removed\n";
            break;
        }
    }
    err << "vigil profile: removed \"" << p->name << "\"\n";
    return 0;
}

int exportProfiles(QStringList args, QTextStream& out, QTextStream& err)
{
    QString outPath;
    if (const qsizetype i = args.indexOf(QLatin1String("--out")); i >= 0) {
        if (i + 1 >= args.size())
            return usage(err);
        outPath = args[i + 1];
        args.remove(i, 2);
    }
    ProfileStore store;
    for (const QString& n : args) {
        if (!store.contains(n)) {
            err << "vigil profile: no profile named \"" << n << "\"\n";
            return 1;
        }
    }
    const QByteArray json = store.exportJson(args);
    if (outPath.isEmpty()) {
        out << json;
        return 0;
    }
    QFile f(outPath);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(json) != json.size()) {
        err << "vigil profile: cannot write " << outPath << ": " << f.errorString() << "\n";
        return 1;
    }
    return 0;
}

int importProfiles(const QStringList& args, QTextStream& out, QTextStream& err)
{
    const QStringList files = QStringList(args).filter(QRegularExpression(QStringLiteral("^(?!--)")));
    if (files.size() != 1)
        return usage(err);
    QByteArray data;
    if (!readFile(files[0], &data, err))
        return 1;
    QString error;
    QStringList skipped;
    QHash<QString, QString> stripped;
    const QStringList imported
        = ProfileStore().importJson(data, &error, args.contains(QLatin1String("--replace")), &skipped, &stripped);
    storeSecrets(stripped, err);
    for (const QString& s : skipped)
        err << "vigil profile: skipped \"" << s << "\": it exists (use --replace)\n";
    if (!error.isEmpty()) {
        err << "vigil profile: " << error << "\n";
        return 1;
    }
    out << QJsonDocument(QJsonObject {{"imported", QJsonArray::fromStringList(imported)},
                                      {"skipped", QJsonArray::fromStringList(skipped)}})
               .toJson(QJsonDocument::Compact)
        << "\n";
    return 0;
}

int test(QStringList args, QTextStream& out, QTextStream& err)
{
    const bool json = args.removeAll(QStringLiteral("--json")) > 0;
    int timeoutSec = 3;
    if (const qsizetype i = args.indexOf(QLatin1String("--timeout")); i >= 0) {
        bool ok = false;
        timeoutSec = i + 1 < args.size() ? args[i + 1].toInt(&ok) : 0;
        if (!ok || timeoutSec < 1)
            return usage(err);
        args.remove(i, 2);
    }
    if (args.size() != 1)
        return usage(err);
    const std::optional<Profile> p = ProfileStore().load(args[0]);
    if (!p) {
        err << "vigil profile: no profile named \"" << args[0] << "\"\n";
        return 1;
    }
    QHash<QString, QString> passwords;
    for (const QString& node : p->secretNodes()) {
        QString secret, message;
        const SecretStore::Status st = SecretStore::readBlocking(p->name, node, &secret, &message);
        if (st == SecretStore::Status::Ok) {
            passwords.insert(node, secret);
        } else if (st == SecretStore::Status::Unavailable) {
            // One keychain outage explains every node; say it once and test without.
            err << "vigil profile: " << message
                << "; testing without stored passwords (libpq still reads ~/.pgpass and PGPASSWORD)\n";
            break;
        }
    }
    const QList<CheckResult> results = checkProfile(*p, passwords, timeoutSec);
    bool allOk = true;
    QJsonArray array;
    for (const CheckResult& r : results) {
        allOk = allOk && r.ok;
        QJsonObject o {{"node", r.node}, {"kind", r.kind}, {"ok", r.ok}, {"summary", r.summary}, {"ms", r.ms}};
        if (!r.ok)
            o.insert("diagnosis",
                     QJsonObject {{"what", r.diagnosis.what}, {"why", r.diagnosis.why}, {"todo", r.diagnosis.todo}});
        array.append(o);
        if (!json) {
            out << (r.ok ? "ok    " : "FAIL  ") << r.kind.leftJustified(10) << r.node << "  "
                << (r.ok ? r.summary : r.diagnosis.toText().simplified()) << "\n";
        }
    }
    if (json)
        out << QJsonDocument(QJsonObject {{"profile", p->name}, {"ok", allOk}, {"results", array}})
                   .toJson(QJsonDocument::Indented);
    return allOk ? 0 : 1;
}
} // namespace

int profileCommand(const QStringList& args)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    if (args.isEmpty())
        return usage(err);
    const QString verb = args.first();
    const QStringList rest = args.mid(1);
    if (verb == QLatin1String("list"))
        return list(rest, out);
    if (verb == QLatin1String("show"))
        return show(rest, out, err);
    if (verb == QLatin1String("add"))
        return add(rest, err);
    if (verb == QLatin1String("remove"))
        return remove(rest, err);
    if (verb == QLatin1String("export"))
        return exportProfiles(rest, out, err);
    if (verb == QLatin1String("import"))
        return importProfiles(rest, out, err);
    if (verb == QLatin1String("test"))
        return test(rest, out, err);
    if (verb == QLatin1String("help") || verb == QLatin1String("--help")) {
        usage(out);
        return 0;
    }
    err << "vigil profile: unknown command '" << verb << "'\n";
    return usage(err);
}

} // namespace vigil::cli
