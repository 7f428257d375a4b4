#pragma once

#include <QDateTime>
#include <QList>
#include <QString>

namespace vigil::store {

class LocalStore;

// What is about to be done to a server, written before it runs.
struct AuditEntry
{
    QDateTime at; // invalid: now
    QString profile, node;
    QString action; // "cancel", "terminate", "create-index", ...
    QString command; // the exact SQL or command
    QString osUser; // empty: the current OS user
};

// A stored entry with its outcome.
struct AuditRecord
{
    enum class State {
        Running, // begun; no outcome recorded (still running, or Vigil died while it ran)
        Ok,
        Failed,
        Refused, // gated (read-only, unconfirmed production, ...) before anything reached the server
    };
    qint64 id = 0;
    AuditEntry entry;
    State state = State::Running;
    QDateTime finishedAt;
    QString detail; // the outcome in words, or why it was refused
};

// The audit log of server-changing actions (a table in the local store). Entries are never
// updated except to record the outcome of a running one, and never deleted by Vigil.
//
// Password guard: a command that mentions "password" is never stored verbatim; what is stored (and
// warned about) is the text before that word followed by a redaction marker, so the log can never
// become a place secrets leak to. The action still runs; only its record is cut. Details are
// Vigil's own outcome wording and server messages, which carry no secrets, and are kept whole.
class AuditLog
{
public:
    explicit AuditLog(LocalStore* store);

    // Writes a Running entry; returns its id (> 0), or -1 when it could not be written, in which
    // case the caller must not run the action (nothing may change a server unrecorded).
    qint64 begin(const AuditEntry& entry);
    // Records the outcome of a Running entry. False if the id is unknown or already finished.
    bool finish(qint64 id, bool ok, const QString& detail);
    // Writes a finished Refused entry: the attempt is on record, and nothing touched the server.
    qint64 refused(const AuditEntry& entry, const QString& reason);
    // Newest first.
    QList<AuditRecord> list(int limit = 200) const;

    static QString currentOsUser();
    static bool mentionsPassword(const QString& text);
    // `text` unchanged when it does not mention a password; otherwise cut before the word.
    static QString redacted(const QString& text);
    static QString stateName(AuditRecord::State state);

private:
    qint64 insert(const AuditEntry& entry, AuditRecord::State state, const QString& detail);

    LocalStore* m_store;
};

} // namespace vigil::store
