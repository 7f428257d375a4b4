#include "alerthistory.h"

#include "localstore.h"
#include "slowhistory.h"

#include <QIODevice>
#include <QSqlQuery>
#include <cmath>

namespace vigil::store {

namespace {
QVariant ms(const QDateTime& t)
{
    return t.isValid() ? QVariant(t.toMSecsSinceEpoch()) : QVariant(QMetaType(QMetaType::LongLong));
}

QDateTime fromMs(const QVariant& v)
{
    return v.isNull() ? QDateTime() : QDateTime::fromMSecsSinceEpoch(v.toLongLong(), Qt::UTC);
}

const char* const kColumns = "profile, alert_key, source, rule_id, name, subject, severity, state, value, detail, "
                             "started_at, fired_at, resolved_at, acknowledged_at, updated_at";

AlertEpisode read(const QSqlQuery& q)
{
    AlertEpisode e;
    e.profile = q.value(0).toString();
    e.key = q.value(1).toString();
    e.source = q.value(2).toString();
    e.ruleId = q.value(3).toString();
    e.name = q.value(4).toString();
    e.subject = q.value(5).toString();
    e.severity = alerts::severityFromName(q.value(6).toString());
    e.stateText = q.value(7).toString();
    e.state = alerts::stateFromName(e.stateText);
    e.value = q.value(8).toDouble();
    e.detail = q.value(9).toString();
    e.startedAt = fromMs(q.value(10));
    e.firedAt = fromMs(q.value(11));
    e.resolvedAt = fromMs(q.value(12));
    e.acknowledgedAt = fromMs(q.value(13));
    e.updatedAt = fromMs(q.value(14));
    return e;
}

QString iso(const QDateTime& t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODateWithMs) : QString();
}
} // namespace

AlertHistory::AlertHistory(LocalStore* store)
    : m_store(store)
{
}

bool AlertHistory::record(const QString& profile, const alerts::Alert& a)
{
    const QDateTime started = a.pendingSince.isValid() ? a.pendingSince : QDateTime::currentDateTimeUtc();
    const QSqlQuery q = m_store->exec(
        QStringLiteral("INSERT INTO alert_history (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                       "ON CONFLICT (profile, alert_key, started_at) DO UPDATE SET severity = excluded.severity, "
                       "name = excluded.name, state = excluded.state, value = excluded.value, "
                       "detail = excluded.detail, fired_at = coalesce(excluded.fired_at, fired_at), "
                       "resolved_at = excluded.resolved_at, "
                       "acknowledged_at = coalesce(excluded.acknowledged_at, acknowledged_at), "
                       "updated_at = excluded.updated_at")
            .arg(QLatin1String(kColumns)),
        {LocalStore::text(profile), a.key, LocalStore::text(a.source), LocalStore::text(a.ruleId),
         LocalStore::text(a.name), LocalStore::text(a.subject), alerts::severityName(a.severity),
         alerts::stateName(a.state), std::isnan(a.value) ? QVariant() : QVariant(a.value), LocalStore::text(a.detail),
         started.toMSecsSinceEpoch(), ms(a.firedAt), ms(a.resolvedAt), ms(a.acknowledgedAt),
         QDateTime::currentDateTimeUtc().toMSecsSinceEpoch()});
    if (!q.isActive())
        return false;
    if (m_keepLast > 0)
        m_store->exec(QStringLiteral("DELETE FROM alert_history WHERE profile = ? AND id NOT IN (SELECT id FROM "
                                     "alert_history WHERE profile = ? ORDER BY updated_at DESC, id DESC LIMIT ?)"),
                      {LocalStore::text(profile), LocalStore::text(profile), m_keepLast});
    return true;
}

QList<AlertEpisode> AlertHistory::recent(const QString& profile, int limit) const
{
    QSqlQuery q = m_store->exec(QStringLiteral("SELECT %1 FROM alert_history WHERE profile = ? "
                                               "ORDER BY updated_at DESC, id DESC LIMIT ?")
                                    .arg(QLatin1String(kColumns)),
                                {LocalStore::text(profile), limit < 0 ? -1 : limit});
    QList<AlertEpisode> out;
    while (q.next())
        out << read(q);
    return out;
}

AlertSummary AlertHistory::summary(const QString& profile, const QDateTime& since) const
{
    AlertSummary s;
    const QString where = profile.isEmpty() ? QStringLiteral("1 = 1") : QStringLiteral("profile = ?");
    QVariantList p;
    if (!profile.isEmpty())
        p << profile;
    QSqlQuery fired
        = m_store->exec(QStringLiteral("SELECT count(*) FROM alert_history WHERE %1 AND fired_at >= ?").arg(where),
                        p + QVariantList {since.toMSecsSinceEpoch()});
    if (fired.next())
        s.fired = fired.value(0).toInt();
    QSqlQuery firing = m_store->exec(QStringLiteral("SELECT %1 FROM alert_history WHERE %2 AND state = 'firing' "
                                                    "ORDER BY severity = 'critical' DESC, fired_at DESC")
                                         .arg(QLatin1String(kColumns), where),
                                     p);
    while (firing.next()) {
        s.firing << read(firing);
        s.criticalFiring += s.firing.last().severity == alerts::Severity::Critical;
    }
    s.stillFiring = int(s.firing.size());
    return s;
}

bool AlertHistory::closeOpen(const QString& profile)
{
    return m_store
        ->exec(QStringLiteral("UPDATE alert_history SET state = 'unwatched', updated_at = ? WHERE profile = ? "
                              "AND state IN ('pending', 'firing')"),
               {QDateTime::currentDateTimeUtc().toMSecsSinceEpoch(), LocalStore::text(profile)})
        .isActive();
}

bool AlertHistory::exportCsv(const QString& profile, QIODevice* out) const
{
    QString csv = QStringLiteral("started_at,fired_at,resolved_at,acknowledged_at,state,severity,source,rule,"
                                 "name,subject,value,detail\r\n");
    for (const AlertEpisode& e : recent(profile)) {
        const QStringList fields {iso(e.startedAt),
                                  iso(e.firedAt),
                                  iso(e.resolvedAt),
                                  iso(e.acknowledgedAt),
                                  e.stateText,
                                  alerts::severityName(e.severity),
                                  e.source,
                                  e.ruleId,
                                  e.name,
                                  e.subject,
                                  QString::number(e.value, 'g', 12),
                                  e.detail};
        QStringList quoted;
        for (const QString& f : fields)
            quoted << SlowHistory::csvField(f);
        csv += quoted.join(QLatin1Char(',')) + QStringLiteral("\r\n");
    }
    return out->write(csv.toUtf8()) >= 0;
}

} // namespace vigil::store
