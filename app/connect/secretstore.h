#pragma once

#include <QObject>
#include <QString>

namespace vigil {

// Passwords in the OS keychain through QtKeychain (Secret Service on Linux), service "vigil",
// key "<profile>/<node>" where node is a PostgreSQL node name, "pgbouncer", "pgbouncer-admin" or
// "redis". The insecure fallback is always off: when no keychain answers, the caller learns why
// ("keychain unavailable: ...") and asks for the password when connecting instead. A secret is
// never written to QSettings, a file, a log or a command line by this class.
class SecretStore : public QObject
{
    Q_OBJECT
public:
    enum class Status {
        Ok,
        NotFound, // the keychain works but holds nothing under that key
        Unavailable, // no Secret Service, locked, refused or no answer in time
    };
    Q_ENUM(Status)

    static inline const QString kService = QStringLiteral("vigil");

    explicit SecretStore(QObject* parent = nullptr);

    static QString key(const QString& profile, const QString& node);

    // Asynchronous; each emits exactly one of the finished signals below, later, on this
    // object's thread (which needs a running event loop). Safe on the GUI thread.
    void read(const QString& profile, const QString& node);
    void write(const QString& profile, const QString& node, const QString& secret);
    void remove(const QString& profile, const QString& node);

    // Blocking helpers for the CLI: they spin a local event loop for at most timeoutMs. Never call
    // them on the GUI thread. message receives "keychain unavailable: <why>" on Unavailable.
    static Status readBlocking(const QString& profile, const QString& node, QString* secret, QString* message,
                               int timeoutMs = 5000);
    static Status writeBlocking(const QString& profile, const QString& node, const QString& secret, QString* message,
                                int timeoutMs = 5000);
    static Status removeBlocking(const QString& profile, const QString& node, QString* message, int timeoutMs = 5000);

signals:
    void readFinished(const QString& profile, const QString& node, vigil::SecretStore::Status status,
                      const QString& secret, const QString& message);
    void writeFinished(const QString& profile, const QString& node, vigil::SecretStore::Status status,
                       const QString& message);
    // Removing a key that does not exist counts as Ok.
    void removeFinished(const QString& profile, const QString& node, vigil::SecretStore::Status status,
                        const QString& message);
};

} // namespace vigil
