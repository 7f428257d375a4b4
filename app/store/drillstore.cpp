#include "drillstore.h"

#include "localstore.h"

#include <QJsonDocument>
#include <QSqlQuery>

namespace vigil::store {

DrillStore::DrillStore(LocalStore* store)
    : m_store(store)
{
}

qint64 DrillStore::save(const QString& profile, const QDateTime& startedAt, const drills::DrillResult& r,
                        qint64 rtoTargetMs, qint64 rpoTargetWrites)
{
    const auto orNull = [](qint64 v) { return v < 0 ? QVariant() : QVariant(v); };
    const QByteArray json = QJsonDocument(r.toJson()).toJson(QJsonDocument::Compact);
    QSqlQuery q = m_store->exec(
        QStringLiteral("INSERT INTO drill_run (profile, started_at, kind, ok, old_primary, new_primary, rto_ms, "
                       "rpo_lost_writes, probe_acknowledged, rto_target_ms, rpo_target_writes, repaired, "
                       "abort_reason, result_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {LocalStore::text(profile), startedAt.toMSecsSinceEpoch(), LocalStore::text(r.kind), r.ok ? 1 : 0,
         LocalStore::text(r.oldPrimary), LocalStore::text(r.newPrimary), orNull(r.rtoMs), orNull(r.rpoLostWrites),
         r.probeAcknowledged, orNull(rtoTargetMs), orNull(rpoTargetWrites), r.repaired ? 1 : 0,
         LocalStore::text(r.abortReason), QString::fromUtf8(json)});
    if (!q.isActive())
        return -1;
    return q.lastInsertId().toLongLong();
}

QList<DrillRecord> DrillStore::list(const QString& profile, int limit) const
{
    QList<DrillRecord> out;
    QSqlQuery q = m_store->exec(
        QStringLiteral("SELECT id, profile, started_at, kind, ok, old_primary, new_primary, rto_ms, rpo_lost_writes, "
                       "probe_acknowledged, rto_target_ms, rpo_target_writes, repaired, abort_reason FROM drill_run "
                       "WHERE profile = ? ORDER BY started_at DESC, id DESC LIMIT ?"),
        {LocalStore::text(profile), limit});
    const auto num = [&q](int col) { return q.value(col).isNull() ? -1 : q.value(col).toLongLong(); };
    while (q.next()) {
        DrillRecord r;
        r.id = q.value(0).toLongLong();
        r.profile = q.value(1).toString();
        r.startedAt = QDateTime::fromMSecsSinceEpoch(q.value(2).toLongLong(), Qt::UTC);
        r.kind = q.value(3).toString();
        r.ok = q.value(4).toInt() != 0;
        r.oldPrimary = q.value(5).toString();
        r.newPrimary = q.value(6).toString();
        r.rtoMs = num(7);
        r.rpoLostWrites = num(8);
        r.probeAcknowledged = q.value(9).toLongLong();
        r.rtoTargetMs = num(10);
        r.rpoTargetWrites = num(11);
        r.repaired = q.value(12).toInt() != 0;
        r.abortReason = q.value(13).toString();
        out << r;
    }
    return out;
}

drills::DrillResult DrillStore::result(qint64 id) const
{
    QSqlQuery q = m_store->exec(QStringLiteral("SELECT result_json FROM drill_run WHERE id = ?"), {id});
    if (!q.next())
        return {};
    return drills::DrillResult::fromJson(QJsonDocument::fromJson(q.value(0).toString().toUtf8()).object());
}

} // namespace vigil::store
