#include "workloads.h"

#include <QFile>
#include <QFileInfo>

namespace vigil::loadtest {

QStringList builtinWorkloads()
{
    return {QStringLiteral("select-only"), QStringLiteral("tpcb-like"), QStringLiteral("trading")};
}

QString builtinWorkloadText(const QString& name)
{
    if (!builtinWorkloads().contains(name))
        return {};
    QFile f(QStringLiteral(":/workloads/%1.sql").arg(name));
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

bool loadWorkload(const QString& nameOrPath, Script* out, QString* error)
{
    QString text, name;
    if (builtinWorkloads().contains(nameOrPath)) {
        text = builtinWorkloadText(nameOrPath);
        name = nameOrPath;
    } else {
        QFile f(nameOrPath);
        if (!f.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read workload %1: %2 (built-in workloads: %3)")
                         .arg(nameOrPath, f.errorString(), builtinWorkloads().join(QStringLiteral(", ")));
            return false;
        }
        text = QString::fromUtf8(f.readAll());
        name = QFileInfo(nameOrPath).fileName();
    }
    std::string message;
    if (!parseScript(text.toStdString(), name.toStdString(), out, &message)) {
        *error = QString::fromStdString(message);
        return false;
    }
    return true;
}

} // namespace vigil::loadtest
