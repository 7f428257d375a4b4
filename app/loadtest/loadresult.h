#pragma once

// What a load run reports: one immutable snapshot per second while it runs (delivered by a queued
// signal, so a chart can plot it without waiting), and the RunResult at the end.
#include <QList>
#include <QMap>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QtNumeric>

namespace vigil::loadtest {

struct LatencySummary
{
    double avgMs = 0, p50Ms = 0, p95Ms = 0, p99Ms = 0, maxMs = 0;
};

struct LoadSecond
{
    int second = 0; // 1 = the first second of the run (transactions that ended in [0 s, 1 s))
    qint64 transactions = 0; // script runs that completed without an error
    qint64 statements = 0;
    qint64 errors = 0; // failed script runs (a statement error, a lost connection, a failed connect)
    int activeUsers = 0; // connected virtual users (the most at any moment of the second)
    int targetUsers = 0; // users the scenario wants by now (ramp)
    LatencySummary latency; // of the completed transactions
    QMap<QString, qint64> errorsBySqlstate;
};

// The first step of a run where the error rate passed the limit or p95 passed the SLO.
struct BreakingPoint
{
    bool reached = false;
    int second = 0; // end of the step (seconds into the run)
    int users = 0; // users at that step
    double errorRate = 0; // errors / (transactions + errors)
    double p95Ms = 0;
    double tps = 0;
    QString reason; // "error rate 7.1 % > 5 %" or "p95 812 ms > SLO 500 ms"
};

// What the monitored database did during one second of the run (the Load tests tab fills it from
// its monitor; NaN where nothing was seen): worst replica replay lag, clients waiting in
// pgbouncer, and the primary's mean statement time over the second.
struct DatabaseSecond
{
    int second = 0;
    double replayLagSec = qQNaN(), poolWaiting = qQNaN(), meanQueryMs = qQNaN();
};

struct StatementStats
{
    int line = 0;
    QString sql;
    qint64 count = 0, errors = 0;
    LatencySummary latency;
};

struct RunResult
{
    QString scenario, workload, target, protocol;
    int users = 0, threads = 0;
    double durationSec = 0; // measured, from the start to the stop
    qint64 transactions = 0, statements = 0, errors = 0;
    double tps = 0; // transactions per second over durationSec, as pgbench's tps
    LatencySummary latency;
    QMap<QString, qint64> errorsBySqlstate;
    QList<LoadSecond> seconds;
    QList<StatementStats> perStatement;
    QList<DatabaseSecond> database; // empty when no monitor watched the run (the CLI)
    BreakingPoint breakingPoint;
    int maxActiveUsers = 0;
    QString stopReason; // "duration", "stopped", "stop condition: ...", "error: ..."
    QStringList messages; // first distinct error messages, for the operator
    bool ok = false; // the run happened (errors during it are in the figures, not here)
    QString error; // why it could not start
};

} // namespace vigil::loadtest

Q_DECLARE_METATYPE(vigil::loadtest::LoadSecond)
Q_DECLARE_METATYPE(vigil::loadtest::RunResult)
