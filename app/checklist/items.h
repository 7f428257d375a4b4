#pragma once

#include "checklist.h"
#include "monitor/nodesnapshot.h"
#include "pg/pgconnection.h"

#include <QJsonObject>

// The checklist's items, one function each, for checklist.cpp. Each documents its thresholds.
namespace vigil::checklist {

ChecklistItem item(const QString& id, const QString& title, const QString& status, const QString& figure,
                   const QString& detail = {});
// "fail" over "warn" over "ok".
QString worse(const QString& a, const QString& b);

// From one poll of every node and the `report` replication section (clusterchecks.cpp).
ChecklistItem nodesItem(const QList<NodeSnapshot>& snaps);
ChecklistItem pgReplicationItem(const QJsonObject& replication, int pgNodes);
ChecklistItem redisReplicationItem(const QJsonObject& replication, int redisNodes);
ChecklistItem sentinelItem(const QJsonObject& replication, int sentinels);

// From the `report` object (reportchecks.cpp).
ChecklistItem connectionsItem(const QJsonObject& pool);
ChecklistItem pgbouncerItem(const QJsonObject& pool);
ChecklistItem slowPatternsItem(const QJsonObject& report);

// Live queries on a session to the primary (pgchecks.cpp).
ChecklistItem archivingItem(pg::Connection& conn, const QDateTime& since);
ChecklistItem invalidIndexesItem(pg::Connection& conn);
// `stop` (the console's Cancel) ends the analysis early, like the budget.
ChecklistItem recommendationsItem(pg::Connection& conn, int budgetMs, const std::atomic_bool* stop = nullptr);

} // namespace vigil::checklist
