#pragma once

#include <QString>
#include <libpq-fe.h>
#include <memory>

namespace vigil::pg {

// Owns one PGresult (PQclear on destruction) and reads typed values out of it.
class Result
{
public:
    Result() = default;
    explicit Result(PGresult* res, QString clientError = {});

    // True for a command or rows result; false for an error or when no result came back.
    bool ok() const;
    QString errorMessage() const;
    // Five-character SQLSTATE, empty for client-side failures (timeout, lost connection).
    QString sqlState() const;

    int rows() const { return m_res ? PQntuples(m_res.get()) : 0; }
    int columns() const { return m_res ? PQnfields(m_res.get()) : 0; }
    int column(const char* name) const { return m_res ? PQfnumber(m_res.get(), name) : -1; }
    QString columnName(int col) const;

    bool isNull(int row, int col) const;
    QString text(int row, int col) const;
    QByteArray bytes(int row, int col) const;
    qint64 toInt64(int row, int col, qint64 fallback = 0) const;
    double toDouble(int row, int col, double fallback = 0.0) const;
    bool toBool(int row, int col) const;

    // Same accessors by column name; an unknown name reads as NULL.
    QString text(int row, const char* name) const { return text(row, column(name)); }
    qint64 toInt64(int row, const char* name, qint64 fallback = 0) const
    {
        return toInt64(row, column(name), fallback);
    }
    double toDouble(int row, const char* name, double fallback = 0.0) const
    {
        return toDouble(row, column(name), fallback);
    }
    bool isNull(int row, const char* name) const { return isNull(row, column(name)); }
    bool toBool(int row, const char* name) const { return toBool(row, column(name)); }

    // Bytes of row data received, for measuring what a poll costs on the wire.
    qint64 payloadBytes() const;

private:
    struct Deleter
    {
        void operator()(PGresult* r) const { PQclear(r); }
    };
    std::shared_ptr<PGresult> m_res;
    QString m_clientError;
};

} // namespace vigil::pg
