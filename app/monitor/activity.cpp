#include "activity.h"

#include "analysis/redact.h"

#include "pg/pgconnection.h"
#include "pgpoller.h"

namespace vigil {

std::shared_ptr<TaskResult> ActivityTask::run(pg::Connection& conn)
{
    auto out = std::make_shared<ActivitySnapshot>();
    out->sampledAt = QDateTime::currentDateTimeUtc();
    out->thresholdMs = thresholdMs();
    const pg::Result r = conn.exec(bundledSql(QStringLiteral("slow_activity.sql")), {out->thresholdMs});
    if (!r.ok()) {
        out->error = r.errorMessage();
        return out;
    }
    for (int i = 0; i < r.rows(); ++i) {
        RunningStatement s;
        s.pid = int(r.toInt64(i, "pid"));
        s.database = r.text(i, "datname");
        s.user = r.text(i, "usename");
        s.application = r.text(i, "application_name");
        s.client = r.text(i, "client");
        s.state = r.text(i, "state");
        s.waitEventType = r.text(i, "wait_event_type");
        s.waitEvent = r.text(i, "wait_event");
        s.queryStart = QDateTime::fromMSecsSinceEpoch(r.toInt64(i, "query_start_ms"), Qt::UTC);
        s.durationMs = r.toDouble(i, "duration_ms");
        for (const QString& p : r.text(i, "blocked_by").split(QLatin1Char(','), Qt::SkipEmptyParts))
            s.blockedBy << p.toInt();
        s.query = analysis::redactSecrets(r.text(i, "query"));
        s.queryId = r.toInt64(i, "query_id");
        s.backendType = r.text(i, "backend_type");
        out->running.append(s);
    }
    out->ok = true;
    return out;
}

} // namespace vigil
