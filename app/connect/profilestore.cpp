#include "profilestore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QUrl>
#include <libpq-fe.h>

namespace vigil {

namespace {
const QString kGroup = QStringLiteral("profiles");
const QString kJsonKey = QStringLiteral("json");

QSettings settings()
{
    // Fixed names rather than the application's, so the CLI, the GUI and tests share one file.
    return QSettings(QStringLiteral("Vigil"), QStringLiteral("vigil"));
}

// QSettings treats '/' as a group separator and is picky about some characters; profile
// names are free text, so each one is percent-encoded into its group key.
QString groupKey(const QString& name)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(name));
}
QString nameFromKey(const QString& key)
{
    return QUrl::fromPercentEncoding(key.toLatin1());
}

// libpq's own quoting rules for a conninfo value: single quotes, backslash escapes.
QString quoteValue(const QString& value)
{
    if (!value.isEmpty() && !value.contains(QLatin1Char(' ')) && !value.contains(QLatin1Char('\''))
        && !value.contains(QLatin1Char('\\')))
        return value;
    QString out = value;
    out.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    out.replace(QLatin1Char('\''), QStringLiteral("\\'"));
    return QLatin1Char('\'') + out + QLatin1Char('\'');
}
} // namespace

QString ProfileStore::stripPassword(const QString& conninfo, QString* password)
{
    if (password)
        password->clear();
    char* err = nullptr;
    PQconninfoOption* opts = PQconninfoParse(conninfo.toUtf8().constData(), &err);
    if (!opts) {
        PQfreemem(err);
        return conninfo; // validate() reports it; nothing could be extracted anyway
    }
    QString found;
    bool hasPassword = false;
    for (PQconninfoOption* o = opts; o->keyword; ++o) {
        if (qstrcmp(o->keyword, "password") == 0 && o->val) {
            hasPassword = true;
            found = QString::fromUtf8(o->val);
        }
    }
    if (!hasPassword) {
        PQconninfoFree(opts);
        return conninfo;
    }
    // Rebuild as key=value pairs from what libpq parsed, so a URI's user:password@ part goes
    // too. Options left unset are NULL and stay out.
    QStringList parts;
    for (PQconninfoOption* o = opts; o->keyword; ++o) {
        if (!o->val || qstrcmp(o->keyword, "password") == 0)
            continue;
        parts << QString::fromUtf8(o->keyword) + QLatin1Char('=') + quoteValue(QString::fromUtf8(o->val));
    }
    PQconninfoFree(opts);
    if (password)
        *password = found;
    return parts.join(QLatin1Char(' '));
}

QStringList ProfileStore::names() const
{
    QSettings s = settings();
    s.beginGroup(kGroup);
    QStringList out;
    for (const QString& key : s.childGroups())
        out << nameFromKey(key);
    out.sort(Qt::CaseInsensitive);
    return out;
}

bool ProfileStore::contains(const QString& name) const
{
    return names().contains(name);
}

std::optional<Profile> ProfileStore::load(const QString& name) const
{
    QSettings s = settings();
    s.beginGroup(kGroup);
    s.beginGroup(groupKey(name));
    const QByteArray json = s.value(kJsonKey).toByteArray();
    if (json.isEmpty())
        return std::nullopt;
    const QJsonDocument doc = QJsonDocument::fromJson(json);
    if (!doc.isObject())
        return std::nullopt;
    Profile p = Profile::fromJson(doc.object());
    p.name = name; // the group key is authoritative
    return p;
}

bool ProfileStore::save(const Profile& profile, QString* error, QHash<QString, QString>* strippedPasswords,
                        Profile* stored)
{
    if (const QString problem = profile.validate(); !problem.isEmpty()) {
        if (error)
            *error = problem;
        return false;
    }
    Profile clean = profile;
    clean.name = profile.name.trimmed();
    QHash<QString, QString> removed;
    QString pw;
    for (PgNode& n : clean.pgNodes) {
        n.conninfo = stripPassword(n.conninfo, &pw);
        if (!pw.isEmpty())
            removed.insert(n.name, pw);
    }
    clean.pgbouncer = stripPassword(clean.pgbouncer, &pw);
    if (!pw.isEmpty())
        removed.insert(QStringLiteral("pgbouncer"), pw);
    clean.pgbouncerAdmin = stripPassword(clean.pgbouncerAdmin, &pw);
    if (!pw.isEmpty())
        removed.insert(QStringLiteral("pgbouncer-admin"), pw);

    QSettings s = settings();
    s.beginGroup(kGroup);
    s.beginGroup(groupKey(clean.name));
    s.setValue(kJsonKey, QJsonDocument(clean.toJson()).toJson(QJsonDocument::Compact));
    s.endGroup();
    s.endGroup();
    s.sync();
    if (s.status() != QSettings::NoError) {
        if (error)
            *error = QStringLiteral("could not write %1").arg(s.fileName());
        return false;
    }
    if (strippedPasswords)
        *strippedPasswords = removed;
    if (stored)
        *stored = clean;
    return true;
}

bool ProfileStore::remove(const QString& name)
{
    QSettings s = settings();
    s.beginGroup(kGroup);
    const QString key = groupKey(name);
    if (!s.childGroups().contains(key))
        return false;
    s.remove(key);
    s.endGroup();
    s.sync();
    return s.status() == QSettings::NoError;
}

QByteArray ProfileStore::exportJson(const QStringList& names) const
{
    QJsonArray list;
    for (const QString& name : names.isEmpty() ? this->names() : names) {
        if (const std::optional<Profile> p = load(name))
            list.append(p->toJson());
    }
    return QJsonDocument(QJsonObject {{"profiles", list}}).toJson(QJsonDocument::Indented);
}

QList<Profile> ProfileStore::parseExport(const QByteArray& json, QString* error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        if (error)
            *error = QStringLiteral("not valid JSON: %1 at offset %2")
                         .arg(parseError.errorString())
                         .arg(parseError.offset);
        return {};
    }
    QJsonArray array;
    if (doc.isObject() && doc.object().value("profiles").isArray())
        array = doc.object().value("profiles").toArray();
    else if (doc.isObject() && doc.object().contains("name"))
        array.append(doc.object()); // a single profile, as `vigil profile show` prints it
    else {
        if (error)
            *error = QStringLiteral("expected {\"profiles\": [...]} or a single profile object");
        return {};
    }
    QList<Profile> out;
    for (const QJsonValue& v : array)
        out << Profile::fromJson(v.toObject());
    return out;
}

QStringList ProfileStore::importJson(const QByteArray& json, QString* error, bool overwrite, QStringList* skipped,
                                     QHash<QString, QString>* strippedPasswords)
{
    QString parseError;
    const QList<Profile> profiles = parseExport(json, &parseError);
    if (!parseError.isEmpty()) {
        if (error)
            *error = parseError;
        return {};
    }
    // Validate everything first so a bad file imports nothing rather than half of itself.
    for (const Profile& p : profiles) {
        if (const QString problem = p.validate(); !problem.isEmpty()) {
            if (error)
                *error = QStringLiteral("profile \"%1\": %2").arg(p.name, problem);
            return {};
        }
    }
    QStringList imported;
    for (const Profile& p : profiles) {
        if (!overwrite && contains(p.name.trimmed())) {
            if (skipped)
                *skipped << p.name;
            continue;
        }
        QHash<QString, QString> removed;
        QString saveError;
        if (!save(p, &saveError, &removed)) {
            if (error)
                *error = QStringLiteral("profile \"%1\": %2").arg(p.name, saveError);
            return imported;
        }
        if (strippedPasswords)
            for (auto it = removed.cbegin(); it != removed.cend(); ++it)
                strippedPasswords->insert(p.name.trimmed() + QLatin1Char('/') + it.key(), it.value());
        imported << p.name.trimmed();
    }
    return imported;
}

} // namespace vigil
