#pragma once

#include "profile.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace vigil {

// Profiles live in QSettings (organization "Vigil", application "vigil"), one group per profile
// holding the JSON of Profile::toJson. Secrets never do: save() strips any inline password from
// the connection strings and hands it back so the caller can move it to SecretStore.
class ProfileStore
{
public:
    ProfileStore() = default;

    QStringList names() const;
    std::optional<Profile> load(const QString& name) const;
    bool contains(const QString& name) const;

    // Validates, strips inline passwords and stores. On success *strippedPasswords (if given)
    // holds every password that was removed, keyed as SecretStore expects: a PG node name,
    // "pgbouncer" or "pgbouncer-admin". *stored (if given) receives what was actually written.
    bool save(const Profile& profile, QString* error, QHash<QString, QString>* strippedPasswords = nullptr,
              Profile* stored = nullptr);
    bool remove(const QString& name);

    // {"profiles": [Profile::toJson, ...]} of the named profiles (all when names is empty).
    // Stored profiles carry no secrets, so neither does the export.
    QByteArray exportJson(const QStringList& names = {}) const;
    // Parses an export and saves every profile in it. Existing profiles with the same name are
    // replaced only when overwrite is set; otherwise they are skipped and listed in *skipped.
    // Inline passwords in an imported file are stripped and returned like save() does, keyed
    // "<profile>/<node>". Returns the names imported; *error is set when nothing could be read
    // or a profile did not validate.
    QStringList importJson(const QByteArray& json, QString* error, bool overwrite = false,
                           QStringList* skipped = nullptr, QHash<QString, QString>* strippedPasswords = nullptr);

    // Removes the password from a conninfo or URI. Returns the
    // conninfo to store; *password receives the removed password (empty when there was none).
    // A conninfo without a password comes back unchanged, so URIs and service= stay as written.
    static QString stripPassword(const QString& conninfo, QString* password);
    // Parses an export without saving anything.
    static QList<Profile> parseExport(const QByteArray& json, QString* error);
};

} // namespace vigil
