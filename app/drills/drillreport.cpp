#include "drillreport.h"

#include <QCoreApplication>
#include <QLocale>
#include <algorithm>

namespace vigil::drills {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("vigil::drills::Report", text);
}

QString esc(const QString& s)
{
    return s.toHtmlEscaped();
}

QString num(qint64 v)
{
    return v < 0 ? QStringLiteral("–") : QLocale(QLocale::English).toString(v);
}

QString kindTitle(const QString& kind)
{
    if (kind == QLatin1String("pg"))
        return tr("PostgreSQL unplanned failover (primary crashes)");
    if (kind == QLatin1String("pg-switchover"))
        return tr("PostgreSQL planned switchover");
    if (kind == QLatin1String("redis"))
        return tr("Redis unplanned failover (master paused)");
    if (kind == QLatin1String("redis-manual"))
        return tr("Redis SENTINEL FAILOVER");
    return kind;
}

} // namespace

DrillVerdict judge(const DrillResult& r, const DrillTargets& t)
{
    DrillVerdict v;
    v.rtoOk = r.ok && r.rtoMs >= 0 && r.rtoMs <= t.rtoMs;
    v.rpoOk = r.ok && r.rpoLostWrites >= 0 && r.rpoLostWrites <= t.rpoWrites;
    return v;
}

QString probeChartSvg(const DrillResult& r, int width, int height)
{
    const int left = 44, right = 12, top = 14, bottom = 34;
    const int plotW = width - left - right, plotH = height - top - bottom;
    qint64 endMs = 1000;
    int maxAck = 1, maxFail = 1;
    for (const ProbeBucket& b : r.probe) {
        endMs = std::max(endMs, b.atMs + 100);
        maxAck = std::max(maxAck, b.acknowledged);
        maxFail = std::max(maxFail, b.failed);
    }
    for (const DrillStep& s : r.steps)
        endMs = std::max(endMs, s.startMs + s.ms);
    // Acknowledged writes above the zero line, failed ones below it, on one scale.
    const double zeroY = top + plotH * double(maxAck) / double(maxAck + maxFail);
    const double perWrite = plotH / double(maxAck + maxFail);
    const auto x = [&](qint64 ms) { return left + plotW * double(ms) / double(endMs); };
    QString svg;
    svg += QStringLiteral("<svg xmlns='http://www.w3.org/2000/svg' width='%1' height='%2' viewBox='0 0 %1 %2' "
                          "font-family='sans-serif' font-size='11'>")
               .arg(width)
               .arg(height);
    svg += QStringLiteral("<rect x='0' y='0' width='%1' height='%2' fill='#ffffff'/>").arg(width).arg(height);
    const qint64 fault = r.faultAtMs();
    if (fault >= 0 && r.rtoMs >= 0)
        svg += QStringLiteral("<rect x='%1' y='%2' width='%3' height='%4' fill='#fff3e0'><title>%5</title></rect>")
                   .arg(x(fault), 0, 'f', 1)
                   .arg(top)
                   .arg(std::max(1.0, x(fault + r.rtoMs) - x(fault)), 0, 'f', 1)
                   .arg(plotH)
                   .arg(esc(tr("RTO: %1 ms from the fault to the first acknowledged write").arg(r.rtoMs)));
    const double barW = std::max(1.0, plotW * 100.0 / double(endMs) - 1.0);
    for (const ProbeBucket& b : r.probe) {
        if (b.acknowledged > 0)
            svg += QStringLiteral("<rect x='%1' y='%2' width='%3' height='%4' fill='#2e7d32'/>")
                       .arg(x(b.atMs), 0, 'f', 1)
                       .arg(zeroY - b.acknowledged * perWrite, 0, 'f', 1)
                       .arg(barW, 0, 'f', 1)
                       .arg(b.acknowledged * perWrite, 0, 'f', 1);
        if (b.failed > 0)
            svg += QStringLiteral("<rect x='%1' y='%2' width='%3' height='%4' fill='#c62828'/>")
                       .arg(x(b.atMs), 0, 'f', 1)
                       .arg(zeroY, 0, 'f', 1)
                       .arg(barW, 0, 'f', 1)
                       .arg(b.failed * perWrite, 0, 'f', 1);
    }
    svg += QStringLiteral("<line x1='%1' y1='%2' x2='%3' y2='%2' stroke='#555'/>")
               .arg(left)
               .arg(zeroY, 0, 'f', 1)
               .arg(left + plotW);
    if (fault >= 0)
        svg += QStringLiteral("<line x1='%1' y1='%2' x2='%1' y2='%3' stroke='#c62828' stroke-dasharray='4 3'/>"
                              "<text x='%4' y='%5' fill='#c62828'>%6</text>")
                   .arg(x(fault), 0, 'f', 1)
                   .arg(top)
                   .arg(top + plotH)
                   .arg(x(fault) + 3, 0, 'f', 1)
                   .arg(top + 10)
                   .arg(esc(tr("fault")));
    // Time axis: a tick per second (or per 5 s on long drills).
    const qint64 step = endMs > 30000 ? 5000 : 1000;
    for (qint64 t = 0; t <= endMs; t += step)
        svg += QStringLiteral("<line x1='%1' y1='%2' x2='%1' y2='%3' stroke='#999'/><text x='%1' y='%4' "
                              "text-anchor='middle' fill='#333'>%5</text>")
                   .arg(x(t), 0, 'f', 1)
                   .arg(top + plotH)
                   .arg(top + plotH + 4)
                   .arg(top + plotH + 16)
                   .arg(t / 1000);
    svg += QStringLiteral("<text x='%1' y='%2' text-anchor='middle' fill='#333'>%3</text>")
               .arg(left + plotW / 2)
               .arg(height - 4)
               .arg(esc(tr("seconds since the drill started")));
    svg += QStringLiteral("<text x='4' y='%1' fill='#2e7d32'>%2</text><text x='4' y='%3' fill='#c62828'>%4</text>")
               .arg(top + 10)
               .arg(esc(tr("ack %1").arg(maxAck)))
               .arg(top + plotH)
               .arg(esc(tr("fail %1").arg(maxFail)));
    svg += QStringLiteral("</svg>");
    return svg;
}

QString reportHtml(const DrillResult& r, const DrillTargets& t, const QString& profile, const QDateTime& startedAt)
{
    const DrillVerdict v = judge(r, t);
    const auto mark = [](bool ok) {
        return ok ? QStringLiteral("<b class='pass'>PASS</b>") : QStringLiteral("<b class='fail'>FAIL</b>");
    };
    QString h;
    h += QStringLiteral("<!DOCTYPE html><html><head><meta charset='utf-8'><title>%1</title><style>"
                        "body{font-family:sans-serif;margin:24px;color:#222;max-width:980px}"
                        "table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:4px 8px;"
                        "text-align:left;vertical-align:top}th{background:#f3f3f3}.num{text-align:right}"
                        ".pass{color:#2e7d32}.fail{color:#c62828}.card{border:1px solid #bbb;padding:10px 14px;"
                        "border-radius:6px;background:#fafafa}</style></head><body>")
             .arg(esc(tr("Vigil drill report")));
    h += QStringLiteral("<h1>%1</h1><p>%2</p>")
             .arg(esc(kindTitle(r.kind)),
                  esc(tr("Profile %1, started %2, run %3")
                          .arg(profile,
                               QLocale(QLocale::English)
                                   .toString(startedAt.toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm:ss t")),
                               r.runId)));
    h += QStringLiteral("<div class='card'>");
    if (!r.ok) {
        h += QStringLiteral("<p>%1 <b>%2</b></p><p>%3</p><p><b>%4</b> %5</p>")
                 .arg(mark(false), esc(tr("Drill aborted")), esc(r.abortReason), esc(tr("Next:")), esc(r.nextAction));
    } else {
        h += QStringLiteral("<p><b>%1</b> %2</p>").arg(esc(tr("Verdict:")), mark(v.pass()));
        h += QStringLiteral("<p>%1 → %2</p>").arg(esc(r.oldPrimary), esc(r.newPrimary));
        if (!r.nextAction.isEmpty())
            h += QStringLiteral("<p><b>%1</b> %2</p>").arg(esc(tr("Next:")), esc(r.nextAction));
    }
    h += QStringLiteral("<table><tr><th>%1</th><th>%2</th><th>%3</th><th></th></tr>")
             .arg(esc(tr("Measure")), esc(tr("Measured")), esc(tr("Target")));
    h += QStringLiteral("<tr><td>%1</td><td class='num'>%2 ms</td><td class='num'>≤ %3 ms</td><td>%4</td></tr>")
             .arg(esc(tr("RTO (fault → first acknowledged write on the new primary)")), num(r.rtoMs), num(t.rtoMs),
                  mark(v.rtoOk));
    h += QStringLiteral("<tr><td>%1</td><td class='num'>%2 / %3</td><td class='num'>≤ %4</td><td>%5</td></tr>")
             .arg(esc(tr("RPO (acknowledged probe writes missing afterwards)")), num(r.rpoLostWrites),
                  num(r.probeAcknowledged), num(t.rpoWrites), mark(v.rpoOk));
    if (r.rpoLostBytes >= 0)
        h += QStringLiteral("<tr><td>%1</td><td class='num'>%2</td><td></td><td></td></tr>")
                 .arg(esc(tr("WAL bytes acknowledged on the old primary and lost")), num(r.rpoLostBytes));
    if (r.demotedWritesAccepted >= 0)
        h += QStringLiteral("<tr><td>%1</td><td class='num'>%2 / %3 (%4 ms)</td><td></td><td></td></tr>")
                 .arg(esc(tr("Writes the demoted master acknowledged after it woke up / lost")),
                      num(r.demotedWritesAccepted), num(r.demotedWritesLost), num(r.demotedWindowMs));
    h += QStringLiteral("<tr><td>%1</td><td class='num'>%2 / %3</td><td></td><td></td></tr>")
             .arg(esc(tr("Probe writes acknowledged / failed")), num(r.probeAcknowledged), num(r.probeFailed));
    h += QStringLiteral("<tr><td>%1</td><td>%2</td><td></td><td></td></tr>")
             .arg(esc(tr("Old primary back as a replica")), r.repaired ? esc(tr("yes")) : esc(tr("no")));
    h += QStringLiteral("</table></div>");
    h += QStringLiteral("<h2>%1</h2>").arg(esc(tr("Probe writes per 100 ms")));
    h += probeChartSvg(r);
    h += QStringLiteral("<h2>%1</h2><table><tr><th>#</th><th>%2</th><th>%3</th><th>%4</th><th>%5</th><th>%6</th></tr>")
             .arg(esc(tr("Steps")), esc(tr("Step")), esc(tr("Outcome")), esc(tr("Start")), esc(tr("Took")),
                  esc(tr("What it saw")));
    int i = 0;
    for (const DrillStep& s : r.steps)
        h += QStringLiteral("<tr><td class='num'>%1</td><td>%2</td><td>%3</td><td class='num'>%4 ms</td><td "
                            "class='num'>%5 ms</td><td>%6</td></tr>")
                 .arg(++i)
                 .arg(esc(s.name),
                      s.ok() ? QStringLiteral("<span class='pass'>ok</span>")
                             : QStringLiteral("<span class='fail'>failed</span>"),
                      num(s.startMs), num(s.ms), esc(s.detail));
    h += QStringLiteral("</table><p><small>%1</small></p></body></html>")
             .arg(esc(tr("Generated by Vigil from the drill's own measurements.")));
    return h;
}

} // namespace vigil::drills
