#include "loadrunstore.h"

#include "loadtest/loadreport.h"
#include "localstore.h"

#include <QJsonDocument>
#include <QSqlQuery>

namespace vigil::store {

LoadRunRecord LoadRunRecord::fromResult(const loadtest::RunResult& r)
{
    LoadRunRecord rec;
    rec.target = r.target;
    rec.scenario = r.scenario;
    rec.workload = r.workload;
    rec.stopReason = r.stopReason;
    rec.users = r.maxActiveUsers > 0 ? r.maxActiveUsers : r.users;
    rec.durationSec = r.durationSec;
    rec.requests = r.transactions;
    rec.errors = r.errors;
    rec.tps = r.tps;
    rec.avgMs = r.latency.avgMs;
    rec.p50Ms = r.latency.p50Ms;
    rec.p95Ms = r.latency.p95Ms;
    rec.p99Ms = r.latency.p99Ms;
    return rec;
}

LoadRunStore::LoadRunStore(LocalStore* store)
    : m_store(store)
{
}

qint64 LoadRunStore::save(const QString& profile, const QDateTime& startedAt, const loadtest::RunResult& r)
{
    const LoadRunRecord rec = LoadRunRecord::fromResult(r);
    const QByteArray json = QJsonDocument(loadtest::resultToJson(r)).toJson(QJsonDocument::Compact);
    QSqlQuery q = m_store->exec(
        QStringLiteral("INSERT INTO load_run (profile, started_at, target, scenario, workload, users, duration_s, "
                       "requests, errors, tps, avg_ms, p50_ms, p95_ms, p99_ms, stop_reason, result_json) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {LocalStore::text(profile), startedAt.toMSecsSinceEpoch(), LocalStore::text(rec.target),
         LocalStore::text(rec.scenario), LocalStore::text(rec.workload), rec.users, rec.durationSec, rec.requests,
         rec.errors, rec.tps, rec.avgMs, rec.p50Ms, rec.p95Ms, rec.p99Ms, LocalStore::text(rec.stopReason),
         QString::fromUtf8(json)});
    if (!q.isActive())
        return -1;
    return q.lastInsertId().toLongLong();
}

QList<LoadRunRecord> LoadRunStore::list(const QString& profile, int limit) const
{
    QList<LoadRunRecord> out;
    QSqlQuery q = m_store->exec(
        QStringLiteral("SELECT id, profile, started_at, target, scenario, workload, users, duration_s, requests, "
                       "errors, tps, avg_ms, p50_ms, p95_ms, p99_ms, stop_reason FROM load_run WHERE profile = ? "
                       "ORDER BY started_at DESC, id DESC LIMIT ?"),
        {LocalStore::text(profile), limit});
    while (q.next()) {
        LoadRunRecord r;
        r.id = q.value(0).toLongLong();
        r.profile = q.value(1).toString();
        r.startedAt = QDateTime::fromMSecsSinceEpoch(q.value(2).toLongLong(), Qt::UTC);
        r.target = q.value(3).toString();
        r.scenario = q.value(4).toString();
        r.workload = q.value(5).toString();
        r.users = q.value(6).toInt();
        r.durationSec = q.value(7).toDouble();
        r.requests = q.value(8).toLongLong();
        r.errors = q.value(9).toLongLong();
        r.tps = q.value(10).toDouble();
        r.avgMs = q.value(11).toDouble();
        r.p50Ms = q.value(12).toDouble();
        r.p95Ms = q.value(13).toDouble();
        r.p99Ms = q.value(14).toDouble();
        r.stopReason = q.value(15).toString();
        out << r;
    }
    return out;
}

QJsonObject LoadRunStore::resultJson(qint64 id) const
{
    QSqlQuery q = m_store->exec(QStringLiteral("SELECT result_json FROM load_run WHERE id = ?"), {id});
    return q.next() ? QJsonDocument::fromJson(q.value(0).toString().toUtf8()).object() : QJsonObject();
}

bool LoadRunStore::remove(qint64 id)
{
    return m_store->exec(QStringLiteral("DELETE FROM load_run WHERE id = ?"), {id}).isActive();
}

} // namespace vigil::store
