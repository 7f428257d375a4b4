// `vigil report TARGET [--threshold-ms N] [--json]`: the optimization report.
#include "commands.h"
#include "report.h"

#include <QJsonDocument>
#include <QTextStream>

namespace vigil::cli {

int reportCommand(const QStringList& argsIn)
{
    QStringList args = argsIn;
    QTextStream err(stderr);
    QString error;
    Target target;
    if (!takeTarget(&args, &target, &error)) {
        err << "vigil report: " << error << "\n";
        return 2;
    }
    const bool json = takeFlag(&args, QStringLiteral("json"));
    const QStringList threshold = takeOption(&args, QStringLiteral("threshold-ms"), &error);
    if (!args.isEmpty() || !error.isEmpty()) {
        err << "vigil report: " << (error.isEmpty() ? QStringLiteral("unexpected argument ") + args.first() : error)
            << "\n";
        return 2;
    }
    ReportOptions options;
    if (!threshold.isEmpty()) {
        bool ok = false;
        options.thresholdMs = threshold.last().toInt(&ok);
        if (!ok || options.thresholdMs <= 0) {
            err << "vigil report: --threshold-ms takes a positive number of milliseconds\n";
            return 2;
        }
    }
    QJsonObject report;
    if (!buildReport(target, options, &report, &error)) {
        err << "vigil report: " << error << "\n";
        return 1;
    }
    QTextStream out(stdout);
    if (json)
        out << QJsonDocument(report).toJson(QJsonDocument::Indented);
    else
        out << reportText(report);
    return 0;
}

} // namespace vigil::cli
