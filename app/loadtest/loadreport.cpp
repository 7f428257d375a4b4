#include "loadreport.h"

#include <QJsonArray>
#include <algorithm>
#include <cmath>

namespace vigil::loadtest {

namespace {

double round3(double v)
{
    return std::round(v * 1000.0) / 1000.0;
}

QJsonObject latencyJson(const LatencySummary& l)
{
    return {{"avg", round3(l.avgMs)},
            {"p50", round3(l.p50Ms)},
            {"p95", round3(l.p95Ms)},
            {"p99", round3(l.p99Ms)},
            {"max", round3(l.maxMs)}};
}

QJsonObject countsJson(const QMap<QString, qint64>& m)
{
    QJsonObject o;
    for (auto it = m.cbegin(); it != m.cend(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

QString esc(const QString& s)
{
    return s.toHtmlEscaped();
}

// Two series on one chart: transactions per second (left axis) and p95 in ms (right axis).
QString svgChart(const RunResult& r)
{
    const int w = 900, h = 260, left = 60, right = 60, top = 20, bottom = 30;
    const int n = int(r.seconds.size());
    if (n == 0)
        return {};
    double maxTps = 1, maxP95 = 0.001;
    for (const LoadSecond& s : r.seconds) {
        maxTps = std::max(maxTps, double(s.transactions));
        maxP95 = std::max(maxP95, s.latency.p95Ms);
    }
    auto x = [&](int i) { return left + (n > 1 ? double(i) * (w - left - right) / (n - 1) : 0.0); };
    auto yTps = [&](double v) { return top + (h - top - bottom) * (1.0 - v / maxTps); };
    auto yP95 = [&](double v) { return top + (h - top - bottom) * (1.0 - v / maxP95); };
    QString tps, p95, err;
    for (int i = 0; i < n; ++i) {
        const LoadSecond& s = r.seconds[i];
        tps += QStringLiteral("%1,%2 ").arg(x(i), 0, 'f', 1).arg(yTps(double(s.transactions)), 0, 'f', 1);
        p95 += QStringLiteral("%1,%2 ").arg(x(i), 0, 'f', 1).arg(yP95(s.latency.p95Ms), 0, 'f', 1);
        if (s.errors)
            err += QStringLiteral("<circle cx='%1' cy='%2' r='3' fill='#c0392b'><title>%3 errors</title></circle>")
                       .arg(x(i), 0, 'f', 1)
                       .arg(h - bottom)
                       .arg(s.errors);
    }
    return QStringLiteral(
               "<svg xmlns='http://www.w3.org/2000/svg' width='%1' height='%2' font-family='sans-serif' font-size='11'>"
               "<rect x='%3' y='%4' width='%5' height='%6' fill='none' stroke='#ccc'/>"
               "<polyline fill='none' stroke='#2c7fb8' stroke-width='1.5' points='%7'/>"
               "<polyline fill='none' stroke='#e6550d' stroke-width='1.5' points='%8'/>%9"
               "<text x='4' y='%10' fill='#2c7fb8'>%11 tps</text><text x='%12' y='%10' fill='#e6550d'>p95 %13 ms</text>"
               "<text x='%3' y='%14'>0 s</text><text x='%15' y='%14' text-anchor='end'>%16 s</text></svg>")
        .arg(w)
        .arg(h)
        .arg(left)
        .arg(top)
        .arg(w - left - right)
        .arg(h - top - bottom)
        .arg(tps, p95, err)
        .arg(top + 10)
        .arg(maxTps, 0, 'f', 0)
        .arg(w - right + 4)
        .arg(maxP95, 0, 'f', 1)
        .arg(h - 10)
        .arg(w - right)
        .arg(n);
}

} // namespace

QJsonObject resultToJson(const RunResult& r)
{
    QJsonObject bp;
    if (r.breakingPoint.reached)
        bp = {{"second", r.breakingPoint.second},
              {"users", r.breakingPoint.users},
              {"error_rate", round3(r.breakingPoint.errorRate)},
              {"p95_ms", round3(r.breakingPoint.p95Ms)},
              {"tps", round3(r.breakingPoint.tps)},
              {"reason", r.breakingPoint.reason}};
    QJsonArray seconds;
    for (const LoadSecond& s : r.seconds)
        seconds.append(QJsonObject {{"second", s.second},
                                    {"transactions", s.transactions},
                                    {"statements", s.statements},
                                    {"errors", s.errors},
                                    {"active_users", s.activeUsers},
                                    {"target_users", s.targetUsers},
                                    {"latency_ms", latencyJson(s.latency)},
                                    {"errors_by_sqlstate", countsJson(s.errorsBySqlstate)}});
    QJsonArray statements;
    for (const StatementStats& s : r.perStatement)
        statements.append(QJsonObject {{"line", s.line},
                                       {"sql", s.sql},
                                       {"count", s.count},
                                       {"errors", s.errors},
                                       {"latency_ms", latencyJson(s.latency)}});
    return {{"requests", r.transactions},
            {"errors", r.errors},
            {"rps", round3(r.tps)},
            {"latency_ms", latencyJson(r.latency)},
            {"errors_by_sqlstate", countsJson(r.errorsBySqlstate)},
            {"breaking_point", r.breakingPoint.reached ? QJsonValue(bp) : QJsonValue(QJsonValue::Null)},
            {"statements", r.statements},
            {"duration_s", round3(r.durationSec)},
            {"users", r.users},
            {"max_active_users", r.maxActiveUsers},
            {"threads", r.threads},
            {"protocol", r.protocol},
            {"scenario", r.scenario},
            {"workload", r.workload},
            {"target", r.target},
            {"stop_reason", r.stopReason},
            {"messages", QJsonArray::fromStringList(r.messages)},
            {"per_second", seconds},
            {"per_statement", statements}};
}

QString resultToText(const RunResult& r)
{
    QString t = QStringLiteral("%1 users, %2 s, %3 protocol, %4 threads: %5 transactions, %6 errors, %7 tps\n"
                               "latency ms: avg %8  p50 %9  p95 %10  p99 %11  max %12\n")
                    .arg(r.users)
                    .arg(r.durationSec, 0, 'f', 1)
                    .arg(r.protocol)
                    .arg(r.threads)
                    .arg(r.transactions)
                    .arg(r.errors)
                    .arg(r.tps, 0, 'f', 1)
                    .arg(r.latency.avgMs, 0, 'f', 3)
                    .arg(r.latency.p50Ms, 0, 'f', 3)
                    .arg(r.latency.p95Ms, 0, 'f', 3)
                    .arg(r.latency.p99Ms, 0, 'f', 3)
                    .arg(r.latency.maxMs, 0, 'f', 3);
    for (auto it = r.errorsBySqlstate.cbegin(); it != r.errorsBySqlstate.cend(); ++it)
        t += QStringLiteral("errors %1: %2\n").arg(it.key()).arg(it.value());
    if (r.breakingPoint.reached)
        t += QStringLiteral("breaking point at %1 s with %2 users: %3\n")
                 .arg(r.breakingPoint.second)
                 .arg(r.breakingPoint.users)
                 .arg(r.breakingPoint.reason);
    t += QStringLiteral("ended by: %1\n").arg(r.stopReason);
    for (const QString& m : r.messages)
        t += QStringLiteral("  %1\n").arg(m);
    return t;
}

QString resultToHtml(const RunResult& r)
{
    QString html;
    html += QStringLiteral("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Vigil load test %1</title>"
                           "<style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;"
                           "font-size:13px}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}"
                           "th{background:#f4f4f4}td.l{text-align:left;font-family:monospace}</style></head><body>")
                .arg(esc(r.scenario.isEmpty() ? r.workload : r.scenario));
    html += QStringLiteral("<h1>Load test: %1</h1><p>Target %2, workload %3, %4 protocol, %5 users on %6 threads, "
                           "%7 s, ended by: %8.</p>")
                .arg(esc(r.scenario.isEmpty() ? QStringLiteral("ad hoc") : r.scenario), esc(r.target), esc(r.workload),
                     esc(r.protocol))
                .arg(r.users)
                .arg(r.threads)
                .arg(r.durationSec, 0, 'f', 1)
                .arg(esc(r.stopReason));
    html += QStringLiteral("<table><tr><th>transactions</th><th>errors</th><th>tps</th><th>avg ms</th><th>p50 ms</th>"
                           "<th>p95 ms</th><th>p99 ms</th><th>max ms</th></tr><tr><td>%1</td><td>%2</td><td>%3</td>"
                           "<td>%4</td><td>%5</td><td>%6</td><td>%7</td><td>%8</td></tr></table>")
                .arg(r.transactions)
                .arg(r.errors)
                .arg(r.tps, 0, 'f', 1)
                .arg(r.latency.avgMs, 0, 'f', 3)
                .arg(r.latency.p50Ms, 0, 'f', 3)
                .arg(r.latency.p95Ms, 0, 'f', 3)
                .arg(r.latency.p99Ms, 0, 'f', 3)
                .arg(r.latency.maxMs, 0, 'f', 3);
    if (r.breakingPoint.reached)
        html += QStringLiteral("<p><b>Breaking point</b> at %1 s with %2 users: %3.</p>")
                    .arg(r.breakingPoint.second)
                    .arg(r.breakingPoint.users)
                    .arg(esc(r.breakingPoint.reason));
    html += QStringLiteral("<h2>Per second</h2>") + svgChart(r);
    if (!r.errorsBySqlstate.isEmpty()) {
        html += QStringLiteral("<h2>Errors by SQLSTATE</h2><table><tr><th>SQLSTATE</th><th>count</th></tr>");
        for (auto it = r.errorsBySqlstate.cbegin(); it != r.errorsBySqlstate.cend(); ++it)
            html += QStringLiteral("<tr><td class='l'>%1</td><td>%2</td></tr>").arg(esc(it.key())).arg(it.value());
        html += QStringLiteral("</table><ul>");
        for (const QString& m : r.messages)
            html += QStringLiteral("<li><code>%1</code></li>").arg(esc(m));
        html += QStringLiteral("</ul>");
    }
    html += QStringLiteral("<h2>Statements</h2><table><tr><th>line</th><th>statement</th><th>count</th><th>errors</th>"
                           "<th>avg ms</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>max ms</th></tr>");
    for (const StatementStats& s : r.perStatement)
        html += QStringLiteral("<tr><td>%1</td><td class='l'>%2</td><td>%3</td><td>%4</td><td>%5</td><td>%6</td>"
                               "<td>%7</td><td>%8</td><td>%9</td></tr>")
                    .arg(s.line)
                    .arg(esc(s.sql.left(200)))
                    .arg(s.count)
                    .arg(s.errors)
                    .arg(s.latency.avgMs, 0, 'f', 3)
                    .arg(s.latency.p50Ms, 0, 'f', 3)
                    .arg(s.latency.p95Ms, 0, 'f', 3)
                    .arg(s.latency.p99Ms, 0, 'f', 3)
                    .arg(s.latency.maxMs, 0, 'f', 3);
    html += QStringLiteral("</table><h2>Per-second table</h2><table><tr><th>s</th><th>users</th><th>transactions</th>"
                           "<th>statements</th><th>errors</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th>"
                           "<th>max ms</th></tr>");
    for (const LoadSecond& s : r.seconds)
        html += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td><td>%4</td><td>%5</td><td>%6</td><td>%7</td>"
                               "<td>%8</td><td>%9</td></tr>")
                    .arg(s.second)
                    .arg(s.activeUsers)
                    .arg(s.transactions)
                    .arg(s.statements)
                    .arg(s.errors)
                    .arg(s.latency.p50Ms, 0, 'f', 3)
                    .arg(s.latency.p95Ms, 0, 'f', 3)
                    .arg(s.latency.p99Ms, 0, 'f', 3)
                    .arg(s.latency.maxMs, 0, 'f', 3);
    html += QStringLiteral("</table><p><small>Generated by Vigil.</small></p></body></html>\n");
    return html;
}

} // namespace vigil::loadtest
