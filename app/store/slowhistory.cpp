#include "slowhistory.h"

#include "localstore.h"

#include <QIODevice>
#include <QSet>
#include <QSqlQuery>

namespace vigil::store {

namespace {
// Times are stored as UTC milliseconds: integers compare and sort without parsing.
QVariant toMs(const QDateTime& t)
{
    return t.isValid() ? QVariant(t.toMSecsSinceEpoch()) : QVariant(qint64(0));
}

QDateTime fromMs(const QVariant& v)
{
    return QDateTime::fromMSecsSinceEpoch(v.toLongLong(), Qt::UTC);
}

QString isoMs(const QDateTime& t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODateWithMs) : QString();
}

const char* const SelectColumns = "profile, node, pid, query_start, last_seen, duration_ms, database, user_name, "
                                  "application, client, wait_event, query, query_id";

SlowSighting readSighting(const QSqlQuery& q)
{
    SlowSighting s;
    s.profile = q.value(0).toString();
    s.node = q.value(1).toString();
    s.pid = q.value(2).toInt();
    s.queryStart = fromMs(q.value(3));
    s.lastSeen = fromMs(q.value(4));
    s.durationMs = q.value(5).toDouble();
    s.database = q.value(6).toString();
    s.user = q.value(7).toString();
    s.application = q.value(8).toString();
    s.client = q.value(9).toString();
    s.waitEvent = q.value(10).toString();
    s.query = q.value(11).toString();
    s.queryId = q.value(12).toLongLong();
    return s;
}
} // namespace

SlowHistory::SlowHistory(LocalStore* store)
    : m_store(store)
{
}

bool SlowHistory::record(const QList<SlowSighting>& sightings)
{
    if (sightings.isEmpty())
        return true;
    // The newer sighting decides the columns that change while a statement runs (wait event);
    // query_id may only become known in a later poll, so a 0 never overwrites a known id.
    static const QString Upsert = QStringLiteral(
        "INSERT INTO slow_query (profile, node, pid, query_start, last_seen, duration_ms, database, user_name, "
        "application, client, wait_event, query, query_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (profile, node, pid, query_start) DO UPDATE SET "
        "duration_ms = max(duration_ms, excluded.duration_ms), "
        "wait_event = CASE WHEN excluded.last_seen >= last_seen THEN excluded.wait_event ELSE wait_event END, "
        "last_seen = max(last_seen, excluded.last_seen), "
        "query_id = CASE WHEN excluded.query_id <> 0 THEN excluded.query_id ELSE query_id END, "
        "query = CASE WHEN length(excluded.query) > length(query) THEN excluded.query ELSE query END");
    if (!m_store->beginWrite())
        return false;
    QSet<QString> profiles;
    for (const SlowSighting& s : sightings) {
        const QDateTime lastSeen = s.lastSeen.isValid() ? s.lastSeen : QDateTime::currentDateTimeUtc();
        const QSqlQuery q = m_store->exec(
            Upsert,
            {LocalStore::text(s.profile), LocalStore::text(s.node), s.pid, toMs(s.queryStart), toMs(lastSeen),
             s.durationMs, LocalStore::text(s.database), LocalStore::text(s.user), LocalStore::text(s.application),
             LocalStore::text(s.client), LocalStore::text(s.waitEvent), LocalStore::text(s.query), s.queryId});
        if (!q.isActive()) {
            m_store->rollback();
            return false;
        }
        profiles.insert(s.profile);
    }
    if (m_keepLast > 0) {
        for (const QString& profile : std::as_const(profiles)) {
            if (!trim(profile, m_keepLast)) {
                m_store->rollback();
                return false;
            }
        }
    }
    if (!m_store->commit()) {
        m_store->rollback();
        return false;
    }
    return true;
}

bool SlowHistory::trim(const QString& profile, int keepLast)
{
    if (keepLast < 0)
        keepLast = m_keepLast;
    return m_store
        ->exec(QStringLiteral("DELETE FROM slow_query WHERE profile = ? AND id NOT IN (SELECT id FROM slow_query "
                              "WHERE profile = ? ORDER BY last_seen DESC, id DESC LIMIT ?)"),
               {LocalStore::text(profile), LocalStore::text(profile), keepLast})
        .isActive();
}

QList<SlowSighting> SlowHistory::recent(const QString& profile, int limit) const
{
    QSqlQuery q = m_store->exec(QStringLiteral("SELECT %1 FROM slow_query WHERE profile = ? "
                                               "ORDER BY last_seen DESC, id DESC LIMIT ?")
                                    .arg(QLatin1String(SelectColumns)),
                                {LocalStore::text(profile), limit < 0 ? -1 : limit}); // LIMIT -1: no limit in SQLite
    QList<SlowSighting> out;
    while (q.next())
        out.append(readSighting(q));
    return out;
}

QList<SlowPattern> SlowHistory::frequency(const QString& profile) const
{
    // The representative text is the newest row's, so an edited statement shows as it runs now.
    QSqlQuery q = m_store->exec(
        QStringLiteral("WITH s AS (SELECT CASE WHEN query_id <> 0 THEN 'id:' || query_id ELSE 'q:' || query END "
                       "AS pattern, query_id, query, duration_ms, last_seen, id FROM slow_query WHERE profile = ?) "
                       "SELECT max(query_id), (SELECT t.query FROM s AS t WHERE t.pattern = s.pattern "
                       "ORDER BY t.last_seen DESC, t.id DESC LIMIT 1), count(*), max(duration_ms), "
                       "avg(duration_ms), max(last_seen) FROM s GROUP BY pattern "
                       "ORDER BY count(*) DESC, max(last_seen) DESC, pattern"),
        {LocalStore::text(profile)});
    QList<SlowPattern> out;
    while (q.next()) {
        SlowPattern p;
        p.queryId = q.value(0).toLongLong();
        p.query = q.value(1).toString();
        p.count = q.value(2).toInt();
        p.maxMs = q.value(3).toDouble();
        p.meanMs = q.value(4).toDouble();
        p.lastSeen = fromMs(q.value(5));
        out.append(p);
    }
    return out;
}

QString SlowHistory::csvField(const QString& value)
{
    if (!value.contains(u',') && !value.contains(u'"') && !value.contains(u'\n') && !value.contains(u'\r'))
        return value;
    QString quoted = value;
    quoted.replace(u'"', QStringLiteral("\"\""));
    return u'"' + quoted + u'"';
}

bool SlowHistory::exportCsv(const QString& profile, QIODevice* out) const
{
    if (!out || !out->isWritable())
        return false;
    static const QStringList Header
        = {QStringLiteral("profile"),     QStringLiteral("node"),       QStringLiteral("pid"),
           QStringLiteral("query_start"), QStringLiteral("last_seen"),  QStringLiteral("duration_ms"),
           QStringLiteral("database"),    QStringLiteral("user"),       QStringLiteral("application"),
           QStringLiteral("client"),      QStringLiteral("wait_event"), QStringLiteral("query_id"),
           QStringLiteral("query")};
    auto writeRow = [out](const QStringList& fields) {
        QStringList quoted;
        quoted.reserve(fields.size());
        for (const QString& f : fields)
            quoted.append(csvField(f));
        const QByteArray line = (quoted.join(u',') + QStringLiteral("\r\n")).toUtf8();
        return out->write(line) == line.size();
    };
    if (!writeRow(Header))
        return false;
    for (const SlowSighting& s : recent(profile)) {
        const QStringList row = {s.profile,
                                 s.node,
                                 QString::number(s.pid),
                                 isoMs(s.queryStart),
                                 isoMs(s.lastSeen),
                                 QString::number(s.durationMs, 'f', 3),
                                 s.database,
                                 s.user,
                                 s.application,
                                 s.client,
                                 s.waitEvent,
                                 s.queryId ? QString::number(s.queryId) : QString(),
                                 s.query};
        if (!writeRow(row))
            return false;
    }
    return true;
}

bool SlowHistory::clear(const QString& profile)
{
    return m_store->exec(QStringLiteral("DELETE FROM slow_query WHERE profile = ?"), {LocalStore::text(profile)})
        .isActive();
}

} // namespace vigil::store
