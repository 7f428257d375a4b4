// `vigil checklist TARGET [--since 24h|ISO8601] [--json]`: the runbook's daily checklist, each item
// ok / warn / fail with its figure. Exit 1 when any item fails, so cron and CI can act on it.
#include "commands.h"
#include "target.h"

#include "checklist/checklist.h"

#include <QJsonDocument>
#include <QTextStream>

namespace vigil::cli {

int checklistCommand(const QStringList& argsIn)
{
    QStringList args = argsIn;
    QTextStream err(stderr);
    QString error;
    Target target;
    if (!takeTarget(&args, &target, &error)) {
        err << "vigil checklist: " << error << "\n";
        return 2;
    }
    const bool json = takeFlag(&args, QStringLiteral("json"));
    const QStringList since = takeOption(&args, QStringLiteral("since"), &error);
    if (!args.isEmpty() || !error.isEmpty()) {
        err << "vigil checklist: " << (error.isEmpty() ? QStringLiteral("unexpected argument ") + args.first() : error)
            << "\n";
        return 2;
    }
    const QDateTime now = QDateTime::currentDateTimeUtc();
    checklist::ChecklistOptions options;
    options.since = checklist::parseSince(since.value(0, QStringLiteral("24h")), now);
    if (!options.since.isValid() || options.since > now) {
        err << "vigil checklist: --since takes a past ISO 8601 date-time or an age such as 24h, 90m, 7d\n";
        return 2;
    }
    const QList<checklist::ChecklistItem> items = checklist::build(target, options);
    QTextStream out(stdout);
    if (json)
        out << QJsonDocument(checklist::toJson(items, now, options.since)).toJson(QJsonDocument::Indented);
    else
        out << checklist::toText(items, now, options.since);
    return checklist::anyFailed(items) ? 1 : 0;
}

} // namespace vigil::cli
