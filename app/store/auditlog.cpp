#include "auditlog.h"

#include "localstore.h"

#include <QSqlQuery>
#include <pwd.h>
#include <unistd.h>

namespace vigil::store {

namespace {
const QString PasswordWord = QStringLiteral("password");

AuditRecord::State stateFromName(const QString& name)
{
    if (name == QLatin1String("ok"))
        return AuditRecord::State::Ok;
    if (name == QLatin1String("failed"))
        return AuditRecord::State::Failed;
    if (name == QLatin1String("refused"))
        return AuditRecord::State::Refused;
    return AuditRecord::State::Running;
}
} // namespace

AuditLog::AuditLog(LocalStore* store)
    : m_store(store)
{
}

QString AuditLog::stateName(AuditRecord::State state)
{
    switch (state) {
    case AuditRecord::State::Running:
        return QStringLiteral("running");
    case AuditRecord::State::Ok:
        return QStringLiteral("ok");
    case AuditRecord::State::Failed:
        return QStringLiteral("failed");
    case AuditRecord::State::Refused:
        return QStringLiteral("refused");
    }
    return QStringLiteral("running");
}

QString AuditLog::currentOsUser()
{
    for (const char* var : {"USER", "LOGNAME"}) {
        const QString v = qEnvironmentVariable(var);
        if (!v.isEmpty())
            return v;
    }
    // getpwuid_r rather than getpwuid: actions audit from worker threads.
    passwd pw {};
    passwd* found = nullptr;
    char buf[4096];
    if (getpwuid_r(geteuid(), &pw, buf, sizeof buf, &found) == 0 && found)
        return QString::fromLocal8Bit(found->pw_name);
    return QString::number(geteuid());
}

bool AuditLog::mentionsPassword(const QString& text)
{
    return text.contains(PasswordWord, Qt::CaseInsensitive);
}

QString AuditLog::redacted(const QString& text)
{
    const qsizetype at = text.indexOf(PasswordWord, 0, Qt::CaseInsensitive);
    if (at < 0)
        return text;
    // Everything from the word on may be the secret (PASSWORD 'x', password=x, \password): drop it.
    return text.left(at) + QStringLiteral("[redacted: Vigil does not store text that mentions a password]");
}

qint64 AuditLog::insert(const AuditEntry& entry, AuditRecord::State state, const QString& detail)
{
    QString command = entry.command;
    if (mentionsPassword(command)) {
        command = redacted(command);
        qWarning("audit: %s on %s: the command mentions a password; stored as: %s", qPrintable(entry.action),
                 qPrintable(entry.node), qPrintable(command));
    }
    const QDateTime at = entry.at.isValid() ? entry.at : QDateTime::currentDateTimeUtc();
    const bool finished = state != AuditRecord::State::Running;
    const QSqlQuery q = m_store->exec(
        QStringLiteral("INSERT INTO audit_log (at, profile, node, action, command, os_user, state, finished_at, "
                       "detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {at.toMSecsSinceEpoch(), LocalStore::text(entry.profile), LocalStore::text(entry.node),
         LocalStore::text(entry.action), LocalStore::text(command),
         entry.osUser.isEmpty() ? currentOsUser() : entry.osUser, stateName(state),
         finished ? QVariant(QDateTime::currentMSecsSinceEpoch()) : QVariant(), LocalStore::text(detail)});
    if (!q.isActive())
        return -1;
    const qint64 id = q.lastInsertId().toLongLong();
    return id > 0 ? id : -1;
}

qint64 AuditLog::begin(const AuditEntry& entry)
{
    return insert(entry, AuditRecord::State::Running, {});
}

qint64 AuditLog::refused(const AuditEntry& entry, const QString& reason)
{
    return insert(entry, AuditRecord::State::Refused, reason);
}

bool AuditLog::finish(qint64 id, bool ok, const QString& detail)
{
    // Only a running entry takes an outcome: a recorded outcome is never rewritten.
    const QSqlQuery q = m_store->exec(
        QStringLiteral("UPDATE audit_log SET state = ?, finished_at = ?, detail = ? WHERE id = ? AND state = ?"),
        {stateName(ok ? AuditRecord::State::Ok : AuditRecord::State::Failed), QDateTime::currentMSecsSinceEpoch(),
         LocalStore::text(detail), id, stateName(AuditRecord::State::Running)});
    return q.isActive() && q.numRowsAffected() == 1;
}

QList<AuditRecord> AuditLog::list(int limit) const
{
    QSqlQuery q = m_store->exec(QStringLiteral("SELECT id, at, profile, node, action, command, os_user, state, "
                                               "finished_at, detail FROM audit_log ORDER BY at DESC, id DESC LIMIT ?"),
                                {limit < 0 ? -1 : limit});
    QList<AuditRecord> out;
    while (q.next()) {
        AuditRecord r;
        r.id = q.value(0).toLongLong();
        r.entry.at = QDateTime::fromMSecsSinceEpoch(q.value(1).toLongLong(), Qt::UTC);
        r.entry.profile = q.value(2).toString();
        r.entry.node = q.value(3).toString();
        r.entry.action = q.value(4).toString();
        r.entry.command = q.value(5).toString();
        r.entry.osUser = q.value(6).toString();
        r.state = stateFromName(q.value(7).toString());
        if (!q.value(8).isNull())
            r.finishedAt = QDateTime::fromMSecsSinceEpoch(q.value(8).toLongLong(), Qt::UTC);
        r.detail = q.value(9).toString();
        out.append(r);
    }
    return out;
}

} // namespace vigil::store
