#pragma once

#include "pg/pgconnection.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace vigil::analysis {

// An index that costs writes and space for nothing: never scanned since the statistics were
// reset (UNUSED_INDEX), or made redundant by another index it is a leading prefix of
// (DUPLICATE_INDEX). Unique indexes and indexes behind constraints are never reported.
struct IndexFinding
{
    QString type; // "UNUSED_INDEX" or "DUPLICATE_INDEX"
    QString schema, table, index;
    QStringList columns;
    qint64 sizeBytes = 0;
    QString coveredBy; // DUPLICATE_INDEX: the index that serves the same lookups
    QString statsSince; // UNUSED_INDEX: when the counters were last reset (empty: never)
    QString sql; // DROP INDEX CONCURRENTLY IF EXISTS ..., quoted
    QString reason;
};

// Reads the catalog and pg_stat_user_indexes of the connected database. Blocking.
QList<IndexFinding> findIndexFindings(pg::Connection& conn, QString* error);

} // namespace vigil::analysis
