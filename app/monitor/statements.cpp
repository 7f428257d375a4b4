#include "statements.h"

#include "analysis/redact.h"
#include "analysis/sqlshape.h"
#include "pg/pgconnection.h"
#include "pgpoller.h"

#include <QDateTime>

namespace vigil {

QString statementKindName(StatementKind kind)
{
    switch (kind) {
    case StatementKind::Select:
        return QStringLiteral("SELECT");
    case StatementKind::Insert:
        return QStringLiteral("INSERT");
    case StatementKind::Update:
        return QStringLiteral("UPDATE");
    case StatementKind::Delete:
        return QStringLiteral("DELETE");
    case StatementKind::Other:
        return QStringLiteral("other");
    }
    return {};
}

StatementKind classifyStatement(const QString& text)
{
    switch (analysis::statementType(text)) {
    case analysis::StatementType::Select:
        return StatementKind::Select;
    case analysis::StatementType::Insert:
        return StatementKind::Insert;
    case analysis::StatementType::Update:
        return StatementKind::Update;
    case analysis::StatementType::Delete:
        return StatementKind::Delete;
    default:
        return StatementKind::Other;
    }
}

void StatementsTask::reset()
{
    // Texts stay valid across reconnects to the same server; counters may not (restart, reset).
    m_prev.clear();
    m_prevNs = 0;
    m_extensionOk = false;
}

bool StatementsTask::checkExtension(pg::Connection& conn, StatementsSnapshot* out)
{
    const pg::Result r = conn.exec(bundledSql(QStringLiteral("statements_check.sql")));
    if (!r.ok()) {
        out->error = r.errorMessage();
        return false;
    }
    const QString db = r.text(0, "db");
    const QString user = r.text(0, "user_name");
    if (!r.toBool(0, "available")) {
        out->error = QStringLiteral("pg_stat_statements is not installed on the server");
        out->findings.append({QStringLiteral("pg_stat_statements is not installed on %1: install the server's contrib "
                                             "package (postgresql-contrib on Debian), then load and create it")
                                  .arg(out->node),
                              QString()});
        return false;
    }
    const bool unknownPreload = r.isNull(0, "preload");
    const bool preloaded = r.text(0, "preload").contains(QLatin1String("pg_stat_statements"));
    if (!unknownPreload && !preloaded) {
        QString libs = r.text(0, "preload").trimmed();
        libs = libs.isEmpty() ? QStringLiteral("pg_stat_statements") : libs + QStringLiteral(", pg_stat_statements");
        libs.replace(QLatin1Char('\''), QStringLiteral("''"));
        out->error = QStringLiteral("pg_stat_statements is not in shared_preload_libraries");
        out->findings.append(
            {QStringLiteral("pg_stat_statements is not loaded: it must be in "
                            "shared_preload_libraries, which needs a server restart"),
             QStringLiteral("ALTER SYSTEM SET shared_preload_libraries = '%1';\n-- restart PostgreSQL, then in "
                            "database %2:\nCREATE EXTENSION pg_stat_statements;")
                 .arg(libs, db)});
        return false;
    }
    if (!r.toBool(0, "created")) {
        out->error = QStringLiteral("pg_stat_statements is not created in database %1").arg(db);
        out->findings.append({QStringLiteral("pg_stat_statements is loaded but not created in database %1").arg(db),
                              QStringLiteral("CREATE EXTENSION pg_stat_statements;")});
        return false;
    }
    if (!r.toBool(0, "can_read_all")) {
        // Not fatal: the figures are there, other roles' texts read "<insufficient privilege>".
        out->findings.append(
            {QStringLiteral("role %1 sees only its own statements' texts (no pg_read_all_stats)").arg(user),
             QStringLiteral("GRANT pg_read_all_stats TO %1;").arg(conn.quoteIdent(user))});
    }
    m_extensionOk = true;
    return true;
}

void StatementsTask::resolveNames(pg::Connection& conn, StatementsSnapshot* out)
{
    const pg::Result r = conn.exec(bundledSql(QStringLiteral("statement_names.sql")));
    if (!r.ok())
        return;
    out->bytesFetched += r.payloadBytes();
    for (int i = 0; i < r.rows(); ++i)
        (r.text(i, 0) == QLatin1String("d") ? m_databases : m_roles).insert(quint32(r.toInt64(i, 1)), r.text(i, 2));
}

std::shared_ptr<TaskResult> StatementsTask::run(pg::Connection& conn)
{
    auto out = std::make_shared<StatementsSnapshot>();
    out->sampledAt = QDateTime::currentDateTimeUtc();
    if (!m_extensionOk && !checkExtension(conn, out.get()))
        return out;

    const pg::Result r = conn.exec(bundledSql(QStringLiteral("statements.sql")));
    const qint64 nowNs = QDateTime::currentMSecsSinceEpoch() * 1000000LL;
    if (!r.ok()) {
        out->error = r.errorMessage();
        m_extensionOk = false; // dropped extension, revoked privilege: check again next time
        return out;
    }
    out->bytesFetched = r.payloadBytes();
    const int n = r.rows();
    const int cUser = r.column("userid"), cDb = r.column("dbid"), cId = r.column("queryid"), cCalls = r.column("calls"),
              cTotal = r.column("total"), cMin = r.column("min"), cMax = r.column("max"), cStd = r.column("stddev"),
              cRows = r.column("rows"), cHit = r.column("hit"), cRead = r.column("rd");

    // Names by oid, looked up again only when an unknown oid appears; an oid that no longer
    // exists (dropped role or database) is remembered as such so it is not looked up every poll.
    bool resolved = false;
    for (int i = 0; i < n; ++i) {
        const quint32 db = quint32(r.toInt64(i, cDb)), user = quint32(r.toInt64(i, cUser));
        if (m_databases.contains(db) && m_roles.contains(user))
            continue;
        if (!resolved) {
            resolveNames(conn, out.get());
            resolved = true;
        }
        if (!m_databases.contains(db))
            m_databases.insert(db, QStringLiteral("(dropped database %1)").arg(db));
        if (!m_roles.contains(user))
            m_roles.insert(user, QStringLiteral("(dropped role %1)").arg(user));
    }

    // Texts only for queryids never seen before.
    QStringList missing;
    for (int i = 0; i < n; ++i) {
        const qint64 id = r.toInt64(i, cId);
        if (!m_texts.contains(id))
            missing << QString::number(id);
    }
    missing.removeDuplicates();
    if (!missing.isEmpty()) {
        const pg::Result t = conn.exec(bundledSql(QStringLiteral("statement_texts.sql")),
                                       {QStringLiteral("{") + missing.join(QLatin1Char(',')) + QLatin1Char('}')});
        if (t.ok()) {
            out->bytesFetched += t.payloadBytes();
            out->newTexts = t.rows();
            for (int i = 0; i < t.rows(); ++i) {
                const QString text = analysis::redactSecrets(t.text(i, 1));
                Known k;
                k.text = std::make_shared<const QString>(text);
                k.kind = classifyStatement(text);
                k.vigil = text.contains(QLatin1String("/* vigil */"));
                m_texts.insert(t.toInt64(i, 0), k);
            }
        }
    }

    const double elapsedSec = m_prevNs > 0 ? double(nowNs - m_prevNs) / 1e9 : kNoValue;
    out->elapsedSec = elapsedSec;
    QHash<StatementKey, Previous> next;
    next.reserve(n);
    out->entries.reserve(n);
    for (int i = 0; i < n; ++i) {
        StatementEntry e;
        e.key = {quint32(r.toInt64(i, cUser)), quint32(r.toInt64(i, cDb)), r.toInt64(i, cId)};
        e.database = m_databases.value(e.key.dbId);
        e.user = m_roles.value(e.key.userId);
        if (const auto it = m_texts.constFind(e.key.queryId); it != m_texts.constEnd()) {
            e.text = it->text;
            e.kind = it->kind;
            e.vigil = it->vigil;
        }
        e.calls = r.toInt64(i, cCalls);
        e.totalMs = r.toDouble(i, cTotal);
        e.minMs = r.toDouble(i, cMin);
        e.maxMs = r.toDouble(i, cMax);
        e.meanMs = e.calls > 0 ? e.totalMs / double(e.calls) : 0.0;
        e.stddevMs = r.toDouble(i, cStd);
        e.rows = r.toInt64(i, cRows);
        e.sharedHit = r.toInt64(i, cHit);
        e.sharedRead = r.toInt64(i, cRead);
        if (e.sharedHit + e.sharedRead > 0)
            e.hitPct = 100.0 * double(e.sharedHit) / double(e.sharedHit + e.sharedRead);
        if (hasValue(elapsedSec) && elapsedSec > 0) {
            const auto p = m_prev.constFind(e.key);
            // A pattern new since the last poll started from zero; a shrinking counter was reset.
            const Previous prev = p != m_prev.constEnd() ? *p : Previous {};
            if (e.calls >= prev.calls) {
                e.callsPerSec = double(e.calls - prev.calls) / elapsedSec;
                e.msPerSec = (e.totalMs - prev.totalMs) / elapsedSec;
            }
        }
        next.insert(e.key, {e.calls, e.totalMs});
        out->entries.append(std::move(e));
    }
    m_prev = std::move(next);
    m_prevNs = nowNs;
    out->ok = true;
    return out;
}

} // namespace vigil
