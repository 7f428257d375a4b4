#pragma once

#include "cli/target.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <atomic>
#include <functional>

// The daily checklist of the runbook (issue 8 §2): one line per thing an operator looks at each
// morning, each marked ok / warn / fail with the figure it was judged on. Blocking: for the CLI.
namespace vigil::checklist {

struct ChecklistItem
{
    QString id; // stable key for scripts: "nodes", "pg_replication", "archiving", ...
    QString title;
    QString status; // "ok" | "warn" | "fail"
    QString figure; // the measured value the status was judged on, one line
    QString detail; // what is behind the figure, or what to do about it
};

struct ChecklistOptions
{
    QDateTime since; // UTC; alerts and archiver failures after this count
    // The index advisor plans every statement with HypoPG: seconds on the sandbox, possibly
    // minutes on a large workload. The checklist stops it after this and says so.
    int adviceBudgetMs = 20000;
    QString storePath; // local store with the slow-query history; empty: the default
    // The console's Cancel, set from another thread: checked between steps and by the advisor
    // between planner calls; build() then returns the items done so far.
    const std::atomic_bool* cancel = nullptr;
    // Called on the building thread before each step (done, total, what comes next, translated).
    std::function<void(int done, int total, const QString& step)> progress;
};

QList<ChecklistItem> build(const cli::Target& target, const ChecklistOptions& options);

bool anyFailed(const QList<ChecklistItem>& items);

// {"ok", "generated_at", "since", "items": [{"id", "title", "status", "figure", "detail"}]}
QJsonObject toJson(const QList<ChecklistItem>& items, const QDateTime& generatedAt, const QDateTime& since);

// A table for people: status, title, figure; details indented below.
QString toText(const QList<ChecklistItem>& items, const QDateTime& generatedAt, const QDateTime& since);

// "24h", "90m", "7d" (before now) or an ISO 8601 date-time; invalid QDateTime when neither.
QDateTime parseSince(const QString& text, const QDateTime& now);

} // namespace vigil::checklist
