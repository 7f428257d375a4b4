#include "pgresult.h"

namespace vigil::pg {

Result::Result(PGresult* res, QString clientError)
    : m_res(res, Deleter {})
    , m_clientError(std::move(clientError))
{
}

bool Result::ok() const
{
    if (!m_res)
        return false;
    const auto status = PQresultStatus(m_res.get());
    return status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK || status == PGRES_EMPTY_QUERY;
}

QString Result::errorMessage() const
{
    if (!m_clientError.isEmpty())
        return m_clientError;
    if (!m_res)
        return QStringLiteral("no result from server");
    return QString::fromUtf8(PQresultErrorMessage(m_res.get())).trimmed();
}

QString Result::sqlState() const
{
    if (!m_res)
        return {};
    const char* state = PQresultErrorField(m_res.get(), PG_DIAG_SQLSTATE);
    return state ? QString::fromLatin1(state) : QString();
}

QString Result::columnName(int col) const
{
    return m_res ? QString::fromUtf8(PQfname(m_res.get(), col)) : QString();
}

bool Result::isNull(int row, int col) const
{
    if (!m_res || col < 0 || row < 0 || row >= rows() || col >= columns())
        return true;
    return PQgetisnull(m_res.get(), row, col) != 0;
}

QString Result::text(int row, int col) const
{
    if (isNull(row, col))
        return {};
    return QString::fromUtf8(PQgetvalue(m_res.get(), row, col), PQgetlength(m_res.get(), row, col));
}

QByteArray Result::bytes(int row, int col) const
{
    if (isNull(row, col))
        return {};
    return {PQgetvalue(m_res.get(), row, col), PQgetlength(m_res.get(), row, col)};
}

qint64 Result::toInt64(int row, int col, qint64 fallback) const
{
    if (isNull(row, col))
        return fallback;
    bool ok = false;
    const qint64 v = QByteArray::fromRawData(PQgetvalue(m_res.get(), row, col), PQgetlength(m_res.get(), row, col))
                         .toLongLong(&ok);
    return ok ? v : fallback;
}

double Result::toDouble(int row, int col, double fallback) const
{
    if (isNull(row, col))
        return fallback;
    bool ok = false;
    const double v
        = QByteArray::fromRawData(PQgetvalue(m_res.get(), row, col), PQgetlength(m_res.get(), row, col)).toDouble(&ok);
    return ok ? v : fallback;
}

bool Result::toBool(int row, int col) const
{
    if (isNull(row, col))
        return false;
    const char c = PQgetvalue(m_res.get(), row, col)[0];
    return c == 't' || c == 'T' || c == '1';
}

qint64 Result::payloadBytes() const
{
    qint64 total = 0;
    for (int r = 0; r < rows(); ++r)
        for (int c = 0; c < columns(); ++c)
            total += PQgetlength(m_res.get(), r, c);
    return total;
}

} // namespace vigil::pg
