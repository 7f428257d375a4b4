#include "redisconnection.h"

#include <hiredis/hiredis.h>

namespace vigil::redis {

namespace {
Reply convert(const redisReply* r)
{
    Reply out;
    if (!r)
        return out;
    switch (r->type) {
    case REDIS_REPLY_STATUS:
        out.type = Reply::Type::Status;
        out.str = QByteArray(r->str, static_cast<qsizetype>(r->len));
        break;
    case REDIS_REPLY_ERROR:
        out.type = Reply::Type::Error;
        out.str = QByteArray(r->str, static_cast<qsizetype>(r->len));
        break;
    case REDIS_REPLY_STRING:
        out.type = Reply::Type::String;
        out.str = QByteArray(r->str, static_cast<qsizetype>(r->len));
        break;
    case REDIS_REPLY_INTEGER:
        out.type = Reply::Type::Integer;
        out.integer = r->integer;
        break;
    case REDIS_REPLY_ARRAY:
        out.type = Reply::Type::Array;
        out.elements.reserve(r->elements);
        for (size_t i = 0; i < r->elements; ++i)
            out.elements.push_back(convert(r->element[i]));
        break;
    default:
        break;
    }
    return out;
}

Reply errorReply(const QString& message)
{
    Reply r;
    r.type = Reply::Type::Error;
    r.str = message.toUtf8();
    return r;
}
} // namespace

bool Endpoint::parse(const QString& text, Endpoint* out)
{
    const QString t = text.trimmed();
    const int colon = t.lastIndexOf(QLatin1Char(':'));
    if (colon <= 0)
        return false;
    QString host = t.left(colon);
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    bool ok = false;
    const int port = t.mid(colon + 1).toInt(&ok);
    if (!ok || port <= 0 || port > 65535 || host.isEmpty())
        return false;
    out->host = host;
    out->port = port;
    return true;
}

Connection::~Connection()
{
    close();
}

bool Connection::open(const Endpoint& endpoint, int timeoutMs, const QString& username, const QString& password)
{
    close();
    m_endpoint = endpoint;
    m_lastError.clear();
    const timeval tv {timeoutMs / 1000, (timeoutMs % 1000) * 1000};
    m_ctx = redisConnectWithTimeout(endpoint.host.toUtf8().constData(), endpoint.port, tv);
    if (!m_ctx || m_ctx->err) {
        m_lastError = m_ctx ? QString::fromUtf8(m_ctx->errstr) : QStringLiteral("out of memory");
        close();
        return false;
    }
    redisSetTimeout(m_ctx, tv);
    redisEnableKeepAlive(m_ctx);
    if (!password.isEmpty()) {
        QByteArrayList args {"AUTH"};
        if (!username.isEmpty())
            args << username.toUtf8();
        args << password.toUtf8();
        const Reply r = command(args);
        if (r.isError()) {
            m_lastError = QStringLiteral("AUTH failed: %1").arg(r.text());
            close();
            return false;
        }
    }
    // Name the connection so CLIENT LIST shows which sessions are Vigil's own.
    command({"CLIENT", "SETNAME", "vigil"});
    return true;
}

void Connection::close()
{
    if (m_ctx)
        redisFree(m_ctx);
    m_ctx = nullptr;
}

Reply Connection::command(std::initializer_list<const char*> args)
{
    QByteArrayList list;
    for (const char* a : args)
        list << QByteArray(a);
    return command(list);
}

Reply Connection::command(const QByteArrayList& args)
{
    if (!m_ctx)
        return errorReply(m_lastError.isEmpty() ? QStringLiteral("not connected") : m_lastError);
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    argv.reserve(args.size());
    lens.reserve(args.size());
    for (const QByteArray& a : args) {
        argv.push_back(a.constData());
        lens.push_back(static_cast<size_t>(a.size()));
    }
    auto* raw
        = static_cast<redisReply*>(redisCommandArgv(m_ctx, static_cast<int>(argv.size()), argv.data(), lens.data()));
    if (!raw) {
        m_lastError = QString::fromUtf8(m_ctx->errstr);
        if (m_lastError.isEmpty())
            m_lastError = QStringLiteral("connection lost");
        close();
        return errorReply(m_lastError);
    }
    Reply r = convert(raw);
    freeReplyObject(raw);
    return r;
}

std::vector<Reply> Connection::pipeline(const QList<QByteArrayList>& commands)
{
    std::vector<Reply> out;
    out.reserve(size_t(commands.size()));
    auto failAll = [&](const QString& why) {
        out.clear();
        for (qsizetype i = 0; i < commands.size(); ++i)
            out.push_back(errorReply(why));
        return out;
    };
    if (!m_ctx)
        return failAll(m_lastError.isEmpty() ? QStringLiteral("not connected") : m_lastError);
    for (const QByteArrayList& args : commands) {
        std::vector<const char*> argv;
        std::vector<size_t> lens;
        for (const QByteArray& a : args) {
            argv.push_back(a.constData());
            lens.push_back(static_cast<size_t>(a.size()));
        }
        if (redisAppendCommandArgv(m_ctx, static_cast<int>(argv.size()), argv.data(), lens.data()) != REDIS_OK)
            return failAll(QStringLiteral("out of memory"));
    }
    for (qsizetype i = 0; i < commands.size(); ++i) {
        void* raw = nullptr;
        if (redisGetReply(m_ctx, &raw) != REDIS_OK || !raw) {
            m_lastError = QString::fromUtf8(m_ctx->errstr);
            if (m_lastError.isEmpty())
                m_lastError = QStringLiteral("connection lost");
            close();
            return failAll(m_lastError);
        }
        out.push_back(convert(static_cast<redisReply*>(raw)));
        freeReplyObject(raw);
    }
    return out;
}

ReplyReader::ReplyReader()
    : m_reader(redisReaderCreate())
{
}

ReplyReader::~ReplyReader()
{
    redisReaderFree(static_cast<redisReader*>(m_reader));
}

void ReplyReader::reset()
{
    redisReaderFree(static_cast<redisReader*>(m_reader));
    m_reader = redisReaderCreate();
}

void ReplyReader::feed(const QByteArray& bytes)
{
    redisReaderFeed(static_cast<redisReader*>(m_reader), bytes.constData(), static_cast<size_t>(bytes.size()));
}

bool ReplyReader::next(Reply* reply, QString* error)
{
    void* raw = nullptr;
    auto* reader = static_cast<redisReader*>(m_reader);
    if (redisReaderGetReply(reader, &raw) != REDIS_OK) {
        *error = QString::fromUtf8(reader->errstr);
        return false;
    }
    if (!raw)
        return false;
    *reply = convert(static_cast<redisReply*>(raw));
    freeReplyObject(raw);
    return true;
}

QByteArray encodeCommand(const QByteArrayList& args)
{
    QByteArray out = '*' + QByteArray::number(args.size()) + "\r\n";
    for (const QByteArray& a : args)
        out += '$' + QByteArray::number(a.size()) + "\r\n" + a + "\r\n";
    return out;
}

QHash<QString, QString> parseInfo(const QByteArray& info)
{
    QHash<QString, QString> out;
    for (const QByteArray& rawLine : info.split('\n')) {
        const QByteArray line = rawLine.trimmed();
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        const int colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        out.insert(QString::fromUtf8(line.left(colon)), QString::fromUtf8(line.mid(colon + 1)));
    }
    return out;
}

} // namespace vigil::redis
