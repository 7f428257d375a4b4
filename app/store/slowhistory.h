#pragma once

#include <QDateTime>
#include <QList>
#include <QString>

class QIODevice;

namespace vigil::store {

class LocalStore;

// One observation of a statement running longer than the profile's slow threshold, as read from
// pg_stat_activity. A backend (pid) running one statement (query_start) is one execution, however
// many polls see it.
struct SlowSighting
{
    QString profile, node;
    int pid = 0;
    QDateTime queryStart;
    QDateTime lastSeen;
    double durationMs = 0;
    QString database, user, application, client, waitEvent, query;
    qint64 queryId = 0; // pg_stat_activity.query_id (compute_query_id); 0 when unknown

    bool operator==(const SlowSighting&) const = default;
};

// Statements grouped for "what is slow most often": by query_id when the server reports one, by
// the statement text otherwise.
struct SlowPattern
{
    qint64 queryId = 0;
    QString query; // the most recently seen text of the pattern
    int count = 0; // executions (rows), not polls
    double maxMs = 0;
    double meanMs = 0;
    QDateTime lastSeen;
};

// The persisted slow-query history (a table in the local store), so what was slow before a
// restart is still there after it.
class SlowHistory
{
public:
    static constexpr int DefaultKeepLast = 100;

    explicit SlowHistory(LocalStore* store);

    // How many rows per profile record() keeps (the newest by last seen); 0 keeps everything.
    int keepLast() const { return m_keepLast; }
    void setKeepLast(int rows) { m_keepLast = qMax(0, rows); }

    // Upserts one row per (profile, node, pid, queryStart), keeping the longest duration and the
    // latest lastSeen (with the wait event and query id seen then), in one transaction; then trims
    // each profile it touched to keepLast(). False on a store error (see LocalStore::lastError).
    bool record(const QList<SlowSighting>& sightings);
    // Deletes all but the `keepLast` most recently seen rows of `profile` (-1: keepLast()).
    bool trim(const QString& profile, int keepLast = -1);
    // Newest first (by last seen); limit < 0 returns all.
    QList<SlowSighting> recent(const QString& profile, int limit = -1) const;
    // Patterns sorted by count, most frequent first (ties: most recently seen first).
    QList<SlowPattern> frequency(const QString& profile) const;
    // RFC 4180 CSV (header row, CRLF line ends, fields quoted when they hold a comma, quote, CR or
    // LF; quotes doubled), newest first, times in ISO 8601 UTC with milliseconds.
    bool exportCsv(const QString& profile, QIODevice* out) const;
    // Removes a profile's history (the profile was deleted).
    bool clear(const QString& profile);

    // One CSV field quoted as RFC 4180 requires (exposed for the other exporters and tests).
    static QString csvField(const QString& value);

private:
    LocalStore* m_store;
    int m_keepLast = DefaultKeepLast;
};

} // namespace vigil::store
