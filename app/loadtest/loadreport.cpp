#include "loadreport.h"

#include "axisscale.h"

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

struct ChartLine
{
    QString name, colour;
    std::vector<double> values; // one per second; NaN = nothing that second
    bool dashed = false;
};

QString number(double v)
{
    return v >= 100 || v == std::floor(v) ? QString::number(v, 'f', 0) : QString::number(v, 'g', 3);
}

// One chart as inline SVG, like the tab's: seconds into the run on x (whole ticks), the lines'
// common unit on y with labelled ticks, a legend under it. Empty when no line has a value.
QString svgChart(const QString& title, const QString& unit, const std::vector<ChartLine>& lines, int seconds)
{
    const int w = 440, h = 230, left = 52, right = 12, top = 26, bottom = 58;
    double maxY = 0;
    bool any = false;
    for (const ChartLine& l : lines)
        for (const double v : l.values)
            if (std::isfinite(v)) {
                any = true;
                maxY = std::max(maxY, v);
            }
    if (!any || seconds <= 0)
        return {};
    const double topY = niceAxisTop(maxY);
    const double plotW = w - left - right, plotH = h - top - bottom;
    auto x = [&](double sec) { return left + sec * plotW / seconds; };
    auto y = [&](double v) { return top + plotH * (1.0 - v / topY); };
    QString svg = QStringLiteral("<svg xmlns='http://www.w3.org/2000/svg' width='%1' height='%2' "
                                 "font-family='sans-serif' font-size='11'><text x='%3' y='15' text-anchor='middle' "
                                 "font-weight='bold'>%4</text>")
                      .arg(w)
                      .arg(h)
                      .arg(w / 2)
                      .arg(esc(title));
    for (int k = 0; k <= 4; ++k) { // y ticks and grid
        const double v = topY * k / 4;
        svg += QStringLiteral("<line x1='%1' x2='%2' y1='%3' y2='%3' stroke='#e4e4e4'/>"
                              "<text x='%4' y='%5' text-anchor='end'>%6</text>")
                   .arg(left)
                   .arg(w - right)
                   .arg(y(v), 0, 'f', 1)
                   .arg(left - 4)
                   .arg(y(v) + 4, 0, 'f', 1)
                   .arg(number(v));
    }
    const double step = secondsTickStep(seconds);
    for (double sec = 0; sec <= seconds + 1e-9; sec += step)
        svg += QStringLiteral("<text x='%1' y='%2' text-anchor='middle'>%3</text>")
                   .arg(x(sec), 0, 'f', 1)
                   .arg(top + plotH + 14)
                   .arg(number(sec));
    svg += QStringLiteral("<text x='%1' y='%2' text-anchor='middle' fill='#555'>seconds into the run (y: %3)</text>")
               .arg(left + plotW / 2, 0, 'f', 0)
               .arg(top + plotH + 30)
               .arg(esc(unit));
    svg += QStringLiteral("<rect x='%1' y='%2' width='%3' height='%4' fill='none' stroke='#bbb'/>")
               .arg(left)
               .arg(top)
               .arg(plotW, 0, 'f', 0)
               .arg(plotH, 0, 'f', 0);
    double legendX = left;
    for (const ChartLine& l : lines) {
        // A line per run of consecutive values; a second without one breaks it.
        QString points;
        const auto flush = [&] {
            if (!points.isEmpty())
                svg += QStringLiteral("<polyline fill='none' stroke='%1' stroke-width='%2'%3 points='%4'/>")
                           .arg(l.colour, l.dashed ? QStringLiteral("1.5") : QStringLiteral("2"),
                                l.dashed ? QStringLiteral(" stroke-dasharray='5,3'") : QString(), points);
            points.clear();
        };
        for (size_t i = 0; i < l.values.size(); ++i) {
            if (!std::isfinite(l.values[i])) {
                flush();
                continue;
            }
            points += QStringLiteral("%1,%2 ").arg(x(double(i + 1)), 0, 'f', 1).arg(y(l.values[i]), 0, 'f', 1);
        }
        flush();
        svg += QStringLiteral("<rect x='%1' y='%2' width='10' height='10' fill='%3'/><text x='%4' y='%5'>%6</text>")
                   .arg(legendX, 0, 'f', 0)
                   .arg(h - 14)
                   .arg(l.colour)
                   .arg(legendX + 14, 0, 'f', 0)
                   .arg(h - 5)
                   .arg(esc(l.name));
        legendX += 24 + 7 * l.name.size();
    }
    return svg + QStringLiteral("</svg>");
}

// The tab's four charts: throughput and errors, latency percentiles, virtual users, and the
// monitored database when the run was watched.
QString svgCharts(const RunResult& r)
{
    const int n = int(r.seconds.size());
    if (n == 0)
        return {};
    ChartLine tps {QStringLiteral("RPS"), QStringLiteral("#2c7fb8"), {}};
    ChartLine errors {QStringLiteral("errors/s"), QStringLiteral("#c0392b"), {}};
    ChartLine p50 {QStringLiteral("p50"), QStringLiteral("#2c7fb8"), {}};
    ChartLine p95 {QStringLiteral("p95"), QStringLiteral("#31a354"), {}};
    ChartLine p99 {QStringLiteral("p99"), QStringLiteral("#e6550d"), {}};
    ChartLine active {QStringLiteral("active"), QStringLiteral("#2c7fb8"), {}};
    ChartLine target {QStringLiteral("target"), QStringLiteral("#31a354"), {}, true};
    for (const LoadSecond& s : r.seconds) {
        tps.values.push_back(double(s.transactions));
        errors.values.push_back(double(s.errors));
        const bool timed = s.transactions > 0; // no completed transaction, no latency
        p50.values.push_back(timed ? s.latency.p50Ms : qQNaN());
        p95.values.push_back(timed ? s.latency.p95Ms : qQNaN());
        p99.values.push_back(timed ? s.latency.p99Ms : qQNaN());
        active.values.push_back(double(s.activeUsers));
        target.values.push_back(s.targetUsers > 0 ? double(s.targetUsers) : qQNaN());
    }
    QString out = QStringLiteral("<div class='charts'>");
    out += svgChart(QStringLiteral("Throughput"), QStringLiteral("per second"), {tps, errors}, n);
    out += svgChart(QStringLiteral("Latency"), QStringLiteral("ms"), {p50, p95, p99}, n);
    out += svgChart(QStringLiteral("Virtual users"), QStringLiteral("users"), {active, target}, n);
    if (!r.database.isEmpty()) {
        ChartLine lag {QStringLiteral("replica lag s"), QStringLiteral("#2c7fb8"), {}};
        ChartLine waiting {QStringLiteral("pool waiting"), QStringLiteral("#31a354"), {}};
        ChartLine mean {QStringLiteral("mean query ms"), QStringLiteral("#e6550d"), {}};
        for (auto* l : {&lag, &waiting, &mean})
            l->values.assign(size_t(n), qQNaN());
        for (const DatabaseSecond& d : r.database)
            if (d.second >= 1 && d.second <= n) {
                lag.values[size_t(d.second - 1)] = d.replayLagSec;
                waiting.values[size_t(d.second - 1)] = d.poolWaiting;
                mean.values[size_t(d.second - 1)] = d.meanQueryMs;
            }
        out += svgChart(QStringLiteral("Monitored database"), QStringLiteral("s / clients / ms"), {lag, waiting, mean},
                        n);
    }
    return out + QStringLiteral("</div>");
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
    QJsonArray database;
    const auto finite = [](double v) { return std::isfinite(v) ? QJsonValue(round3(v)) : QJsonValue(); };
    for (const DatabaseSecond& d : r.database)
        database.append(QJsonObject {{"second", d.second},
                                     {"replica_lag_s", finite(d.replayLagSec)},
                                     {"pool_waiting", finite(d.poolWaiting)},
                                     {"mean_query_ms", finite(d.meanQueryMs)}});
    QJsonObject out {{"requests", r.transactions},
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
    if (!database.isEmpty())
        out.insert(QStringLiteral("database_per_second"), database);
    return out;
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
                           "th{background:#f4f4f4}td.l{text-align:left;font-family:monospace}"
                           ".charts{display:flex;flex-wrap:wrap;gap:12px}</style></head><body>")
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
    html += QStringLiteral("<h2>Per second</h2>") + svgCharts(r);
    if (!r.errorsBySqlstate.isEmpty()) {
        html += QStringLiteral("<h2>Errors by SQLSTATE</h2><table><tr><th>SQLSTATE</th><th>count</th></tr>");
        for (auto it = r.errorsBySqlstate.cbegin(); it != r.errorsBySqlstate.cend(); ++it)
            html += QStringLiteral("<tr><td class='l'>%1</td><td>%2</td></tr>").arg(esc(it.key())).arg(it.value());
        html += QStringLiteral("</table><ul>");
        for (const QString& m : r.messages)
            html += QStringLiteral("<li><code>%1</code></li>").arg(esc(m));
        html += QStringLiteral("</ul>");
    }
    html += QStringLiteral("<h2>Statements</h2>");
    if (r.perStatement.isEmpty())
        html += QStringLiteral("<p>No per-statement figures: this runner reports whole transactions only.</p>");
    else
        html += QStringLiteral("<table><tr><th>line</th><th>statement</th><th>count</th><th>errors</th>"
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
    if (!r.perStatement.isEmpty())
        html += QStringLiteral("</table>");
    html += QStringLiteral("<h2>Per-second table</h2><table><tr><th>s</th><th>users</th><th>transactions</th>"
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
