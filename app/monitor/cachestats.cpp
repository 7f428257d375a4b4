#include "cachestats.h"

#include "pg/pgconnection.h"
#include "pgpoller.h"

#include <QDateTime>

namespace vigil {

std::shared_ptr<TaskResult> CacheStatsTask::run(pg::Connection& conn)
{
    auto out = std::make_shared<CacheSnapshot>();
    out->sampledAt = QDateTime::currentDateTimeUtc();
    const pg::Result r = conn.exec(bundledSql(QStringLiteral("cache_stats.sql")));
    if (!r.ok()) {
        out->error = r.errorMessage();
        return out;
    }
    const qint64 nowNs = out->sampledAt.toMSecsSinceEpoch() * 1000000LL;
    const double elapsed = m_prevNs > 0 ? double(nowNs - m_prevNs) / 1e9 : kNoValue;
    QHash<QString, std::pair<qint64, qint64>> next;
    for (int i = 0; i < r.rows(); ++i) {
        CacheRow row;
        const QString kind = r.text(i, 0);
        row.name = r.text(i, 1);
        row.table = r.text(i, 2);
        row.hit = r.toInt64(i, 3);
        row.read = r.toInt64(i, 4);
        if (row.hit + row.read > 0)
            row.hitPct = 100.0 * double(row.hit) / double(row.hit + row.read);
        const QString key = kind + QLatin1Char('/') + row.table + QLatin1Char('/') + row.name;
        if (const auto p = m_prev.constFind(key); p != m_prev.constEnd() && hasValue(elapsed) && elapsed > 0) {
            const qint64 dh = row.hit - p->first, dr = row.read - p->second;
            if (dh >= 0 && dr >= 0) {
                if (dh + dr > 0)
                    row.intervalHitPct = 100.0 * double(dh) / double(dh + dr);
                row.readsPerSec = double(dr) / elapsed;
            }
        }
        next.insert(key, {row.hit, row.read});
        if (kind == QLatin1String("database"))
            out->databases.append(row);
        else if (kind == QLatin1String("table"))
            out->tables.append(row);
        else
            out->indexes.append(row);
    }
    out->currentDatabase = QString::fromUtf8(PQdb(conn.raw()));
    m_prev = std::move(next);
    m_prevNs = nowNs;
    out->ok = true;
    return out;
}

} // namespace vigil
