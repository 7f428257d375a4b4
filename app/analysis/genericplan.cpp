#include "genericplan.h"

#include <QRegularExpression>

namespace vigil::analysis {

int parameterCount(const QString& sql)
{
    static const QRegularExpression re(QStringLiteral("\\$(\\d+)"));
    int n = 0;
    for (auto it = re.globalMatch(sql); it.hasNext();)
        n = std::max(n, it.next().captured(1).toInt());
    return n;
}

QString genericPlan(pg::Connection& conn, const QString& sql, const QString& format, QString* error)
{
    // A fixed statement name on Vigil's own connection; deallocated whatever happens.
    const QString name = QStringLiteral("vigil_generic_plan");
    conn.execSimple(QStringLiteral("/* vigil */ DEALLOCATE ALL"));
    // Read-only session: even a hostile statement text could not change anything.
    pg::Result r = conn.exec(QStringLiteral("/* vigil */ SELECT set_config('plan_cache_mode', 'force_generic_plan', "
                                            "false), set_config('default_transaction_read_only', 'on', false)"));
    if (!r.ok()) {
        *error = r.errorMessage();
        return {};
    }
    // PREPARE cannot take the statement as a parameter. The extended protocol (exec) refuses a
    // string with several statements, and nothing is executed: only prepared and explained.
    r = conn.exec(QStringLiteral("/* vigil */ PREPARE %1 AS %2").arg(name, sql));
    if (!r.ok()) {
        *error = r.errorMessage();
        return {};
    }
    QStringList nulls;
    for (int i = parameterCount(sql); i > 0; --i)
        nulls << QStringLiteral("NULL");
    const QString args
        = nulls.isEmpty() ? QString() : QStringLiteral("(") + nulls.join(QLatin1Char(',')) + QLatin1Char(')');
    const QString fmt = format == QLatin1String("json") ? QStringLiteral("FORMAT JSON") : QStringLiteral("FORMAT TEXT");
    r = conn.exec(QStringLiteral("/* vigil */ EXPLAIN (%1) EXECUTE %2%3").arg(fmt, name, args));
    conn.execSimple(QStringLiteral("/* vigil */ DEALLOCATE %1").arg(name));
    conn.exec(QStringLiteral("/* vigil */ SELECT set_config('plan_cache_mode', 'auto', false)"));
    if (!r.ok()) {
        *error = r.errorMessage();
        return {};
    }
    QStringList lines;
    for (int i = 0; i < r.rows(); ++i)
        lines << r.text(i, 0);
    return lines.join(QLatin1Char('\n'));
}

} // namespace vigil::analysis
