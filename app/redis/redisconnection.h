#pragma once

#include <QByteArrayList>
#include <QHash>
#include <QString>
#include <vector>

struct redisContext;

namespace vigil::redis {

// A decoded RESP2 reply, owned (no hiredis memory escapes this file).
struct Reply
{
    enum class Type { Nil, Status, Error, Integer, String, Array };
    Type type = Type::Nil;
    QByteArray str;
    long long integer = 0;
    std::vector<Reply> elements;

    bool isError() const { return type == Type::Error; }
    QString text() const { return QString::fromUtf8(str); }
};

struct Endpoint
{
    QString host;
    int port = 0;
    QString toString() const { return host + QLatin1Char(':') + QString::number(port); }
    // "host:port" or "[v6]:port"; returns false for anything else.
    static bool parse(const QString& text, Endpoint* out);
};

// One blocking hiredis connection with connect and command timeouts; used by one thread.
class Connection
{
public:
    Connection() = default;
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // username may be empty (the default user); password may be empty (no AUTH).
    bool open(const Endpoint& endpoint, int timeoutMs, const QString& username = {}, const QString& password = {});
    void close();
    bool isOpen() const { return m_ctx != nullptr; }

    // Returns a Reply; on a transport failure the connection is closed and an Error reply is
    // returned with the reason, so callers handle one shape.
    Reply command(const QByteArrayList& args);
    Reply command(std::initializer_list<const char*> args);
    // Several commands in one round trip; one reply per command, in order (all Error replies
    // when the transport fails).
    std::vector<Reply> pipeline(const QList<QByteArrayList>& commands);

    QString lastError() const { return m_lastError; }
    const Endpoint& endpoint() const { return m_endpoint; }

private:
    redisContext* m_ctx = nullptr;
    Endpoint m_endpoint;
    QString m_lastError;
};

// Incremental RESP decoding for connections that are not hiredis-blocking (a QTcpSocket in a
// subscriber): feed bytes as they arrive, take complete replies out.
class ReplyReader
{
public:
    ReplyReader();
    ~ReplyReader();
    ReplyReader(const ReplyReader&) = delete;
    ReplyReader& operator=(const ReplyReader&) = delete;

    void feed(const QByteArray& bytes);
    // True and a reply when one is complete; false when more bytes are needed or on a protocol
    // error (then `error` is set and the reader must be reset).
    bool next(Reply* reply, QString* error);
    void reset();

private:
    void* m_reader = nullptr; // redisReader, kept out of this header
};

// Encodes one command as a RESP array of bulk strings.
QByteArray encodeCommand(const QByteArrayList& args);

// INFO output ("key:value" lines in "# Section" blocks) as a flat map.
QHash<QString, QString> parseInfo(const QByteArray& info);

} // namespace vigil::redis
