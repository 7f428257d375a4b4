#include "childprocess.h"

#include <QFileInfo>
#include <QPointer>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTimer>
#include <csignal>

namespace vigil::loadtest {

QString findProgram(const QString& name, const QStringList& fallbacks)
{
    const QString onPath = QStandardPaths::findExecutable(name);
    if (!onPath.isEmpty())
        return onPath;
    for (const QString& f : fallbacks)
        if (QFileInfo(f).isExecutable())
            return f;
    return {};
}

QString shellJoin(const QString& program, const QStringList& args)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_./:=,@%+-]+$"));
    QStringList parts;
    for (const QString& a : QStringList(program) + args) {
        if (!a.isEmpty() && plain.match(a).hasMatch())
            parts << a;
        else
            parts << QLatin1Char('\'') + QString(a).replace(QLatin1String("'"), QLatin1String("'\\''"))
                    + QLatin1Char('\'');
    }
    return parts.join(QLatin1Char(' '));
}

void interruptThenKill(QProcess* process, int signal, int graceMs)
{
    if (!process || process->state() == QProcess::NotRunning)
        return;
    if (process->processId() > 0)
        ::kill(pid_t(process->processId()), signal);
    QPointer<QProcess> p(process);
    QTimer::singleShot(graceMs, process, [p] {
        if (p && p->state() != QProcess::NotRunning)
            p->kill();
    });
}

} // namespace vigil::loadtest
