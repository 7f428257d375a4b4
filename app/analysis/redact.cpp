#include "redact.h"

#include <QRegularExpression>

namespace vigil::analysis {

QString redactSecrets(const QString& sql)
{
    if (!sql.contains(QLatin1String("password"), Qt::CaseInsensitive))
        return sql; // the common case costs one scan
    static const QRegularExpression literal(QStringLiteral("(\\bPASSWORD\\s+)(E?'(?:[^']|'')*')"),
                                            QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression keyword(QStringLiteral("(\\bpassword\\s*=\\s*)('[^']*'|[^\\s']+)"),
                                            QRegularExpression::CaseInsensitiveOption);
    QString out = sql;
    out.replace(literal, QStringLiteral("\\1'********'"));
    out.replace(keyword, QStringLiteral("\\1********"));
    return out;
}

} // namespace vigil::analysis
