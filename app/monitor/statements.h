#pragma once

#include "pgtask.h"

#include <QHash>
#include <QList>
#include <QString>

namespace vigil {

// pg_stat_statements identifies a pattern by user, database and queryid (top-level only here).
struct StatementKey
{
    quint32 userId = 0;
    quint32 dbId = 0;
    qint64 queryId = 0;
    bool operator==(const StatementKey&) const = default;
};
inline size_t qHash(const StatementKey& k, size_t seed = 0)
{
    return qHashMulti(seed, k.userId, k.dbId, k.queryId);
}

enum class StatementKind { Select, Insert, Update, Delete, Other };
QString statementKindName(StatementKind kind);

struct StatementEntry
{
    StatementKey key;
    QString database;
    QString user;
    std::shared_ptr<const QString> text; // shared with the worker's cache: fetched once per queryid
    StatementKind kind = StatementKind::Other;
    bool vigil = false; // one of Vigil's own (/* vigil */) statements
    qint64 calls = 0;
    double totalMs = 0, meanMs = 0, minMs = 0, maxMs = 0, stddevMs = 0;
    qint64 rows = 0;
    qint64 sharedHit = 0, sharedRead = 0;
    double hitPct = kNoValue; // shared-buffer hit ratio of this pattern, lifetime
    double callsPerSec = kNoValue; // between the last two polls, over the measured elapsed time
    double msPerSec = kNoValue; // execution time spent per second of wall time
    double rowsPerCall() const { return calls > 0 ? double(rows) / double(calls) : kNoValue; }
};

struct StatementsSnapshot : TaskResult
{
    double elapsedSec = kNoValue; // since the previous poll
    QList<StatementEntry> entries;
    qint64 bytesFetched = 0; // row data received for this poll (statistics + any new texts)
    int newTexts = 0; // texts fetched this poll
};

// Reads pg_stat_statements(false) each period; fetches texts only for queryids not seen before;
// never resets the view. Statement kinds come from the PostgreSQL parser, once per queryid.
class StatementsTask final : public PgTask
{
public:
    explicit StatementsTask(int periodMs = 10000)
        : PgTask(periodMs)
    {
    }
    QString name() const override { return QStringLiteral("statements"); }
    std::shared_ptr<TaskResult> run(pg::Connection& conn) override;
    std::shared_ptr<TaskResult> emptyResult() const override { return std::make_shared<StatementsSnapshot>(); }
    void reset() override;

private:
    struct Known
    {
        std::shared_ptr<const QString> text;
        StatementKind kind = StatementKind::Other;
        bool vigil = false;
    };
    struct Previous
    {
        qint64 calls = 0;
        double totalMs = 0;
    };
    bool checkExtension(pg::Connection& conn, StatementsSnapshot* out);

    void resolveNames(pg::Connection& conn, StatementsSnapshot* out);

    QHash<qint64, Known> m_texts;
    QHash<quint32, QString> m_databases; // oid -> name, refreshed when an unknown oid shows up
    QHash<quint32, QString> m_roles;
    QHash<StatementKey, Previous> m_prev;
    qint64 m_prevNs = 0;
    bool m_extensionOk = false;
};

StatementKind classifyStatement(const QString& text);

} // namespace vigil
