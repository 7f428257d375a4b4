#include "keyedtablemodel.h"
#include "monitor/nodesnapshot.h"
#include "nodetablemodel.h"

#include <QCoreApplication>
#include <QLocale>

namespace vigil::replfmt {

QString lagTime(double s)
{
    if (!hasValue(s))
        return QCoreApplication::translate("vigil::Replication", "idle");
    if (s < 1.0)
        return QStringLiteral("%1 ms").arg(QLocale().toString(s * 1000.0, 'f', 1));
    return QStringLiteral("%1 s").arg(QLocale().toString(s, 'f', 2));
}

QString bytes(double b)
{
    if (!hasValue(b) || b < 0)
        return {};
    return NodeTableModel::formatBytes(b);
}

} // namespace vigil::replfmt
