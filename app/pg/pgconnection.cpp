#include "pgconnection.h"

#include <poll.h>
#include <vector>

namespace vigil::pg {

namespace {
using Clock = std::chrono::steady_clock;
constexpr auto kSlice = std::chrono::milliseconds(50); // how often an abort flag is looked at
} // namespace

QString conninfoError(const QString& conninfo)
{
    char* err = nullptr;
    PQconninfoOption* opts = PQconninfoParse(conninfo.toUtf8().constData(), &err);
    if (opts) {
        PQconninfoFree(opts);
        return {};
    }
    QString message = err ? QString::fromUtf8(err).trimmed() : QStringLiteral("out of memory");
    PQfreemem(err);
    return message;
}

Connection::~Connection()
{
    close();
}

bool Connection::open(const ConnectOptions& options, const std::atomic_bool* abort)
{
    close();
    m_options = options;
    m_abort = abort;
    m_lastError.clear();

    if (const QString err = conninfoError(options.conninfo); !err.isEmpty()) {
        m_lastError = QStringLiteral("malformed connection string: %1").arg(err);
        return false;
    }

    const QByteArray conninfo = options.conninfo.toUtf8();
    const QByteArray appName = options.applicationName.toUtf8();
    const QByteArray timeout = QByteArray::number(qMax(1, options.connectTimeoutSec));
    const QByteArray password = options.password.toUtf8();
    std::vector<const char*> keys {"dbname",          "application_name",    "connect_timeout", "keepalives",
                                   "keepalives_idle", "keepalives_interval", "keepalives_count"};
    std::vector<const char*> values {
        conninfo.constData(), appName.constData(), timeout.constData(), "1", "5", "2", "2"};
    if (!options.password.isEmpty()) {
        keys.push_back("password");
        values.push_back(password.constData());
    }
    // Only the first dbname is expanded as a conninfo; a second one is a plain database name.
    const QByteArray database = options.database.toUtf8();
    if (!options.database.isEmpty()) {
        keys.push_back("dbname");
        values.push_back(database.constData());
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);

    m_conn = PQconnectStartParams(keys.data(), values.data(), /*expand_dbname=*/1);
    if (!m_conn) {
        m_lastError = QStringLiteral("out of memory");
        return false;
    }
    // libpq applies connect_timeout per host attempt; this overall deadline also covers DNS and
    // multi-host conninfos so a bad target never holds a worker longer than we promised.
    const auto deadline = Clock::now() + std::chrono::seconds(qMax(1, options.connectTimeoutSec)) + kSlice * 4;
    PostgresPollingStatusType status = PGRES_POLLING_WRITING;
    while (status != PGRES_POLLING_OK && status != PGRES_POLLING_FAILED) {
        if (PQstatus(m_conn) == CONNECTION_BAD)
            break;
        if (!waitSocket(status == PGRES_POLLING_WRITING, deadline)) {
            if (m_lastError.isEmpty())
                m_lastError = QStringLiteral("timeout expired while connecting");
            close();
            return false;
        }
        status = PQconnectPoll(m_conn);
    }
    if (PQstatus(m_conn) != CONNECTION_OK) {
        m_lastError = QString::fromUtf8(PQerrorMessage(m_conn)).trimmed();
        PQfinish(m_conn);
        m_conn = nullptr;
        return false;
    }
    {
        std::lock_guard lock(m_cancelMutex);
        m_cancel = PQgetCancel(m_conn);
    }
    if (!options.pgbouncerAdmin) {
        const Result r = exec(QStringLiteral("/* vigil */ SELECT set_config('statement_timeout', $1, false)"),
                              {QString::number(options.statementTimeoutMs)});
        if (!r.ok()) {
            m_lastError = r.errorMessage();
            close();
            return false;
        }
    }
    return true;
}

void Connection::close()
{
    {
        std::lock_guard lock(m_cancelMutex);
        if (m_cancel)
            PQfreeCancel(m_cancel);
        m_cancel = nullptr;
    }
    if (m_conn)
        PQfinish(m_conn);
    m_conn = nullptr;
}

bool Connection::isOpen() const
{
    return m_conn && PQstatus(m_conn) == CONNECTION_OK;
}

int Connection::serverVersion() const
{
    return m_conn ? PQserverVersion(m_conn) : 0;
}

int Connection::backendPid() const
{
    return m_conn ? PQbackendPID(m_conn) : 0;
}

QString Connection::parameter(const char* name) const
{
    const char* v = m_conn ? PQparameterStatus(m_conn, name) : nullptr;
    return v ? QString::fromUtf8(v) : QString();
}

QString Connection::quoteIdent(const QString& name) const
{
    if (!m_conn)
        return {};
    const QByteArray utf8 = name.toUtf8();
    char* quoted = PQescapeIdentifier(m_conn, utf8.constData(), static_cast<size_t>(utf8.size()));
    if (!quoted)
        return {};
    QString result = QString::fromUtf8(quoted);
    PQfreemem(quoted);
    return result;
}

QString Connection::encryptPassword(const QString& user, const QString& password) const
{
    if (!m_conn)
        return {};
    char* verifier = PQencryptPasswordConn(m_conn, password.toUtf8().constData(), user.toUtf8().constData(), nullptr);
    if (!verifier)
        return {};
    QString out = QString::fromUtf8(verifier);
    PQfreemem(verifier);
    return out;
}

void Connection::cancel()
{
    std::lock_guard lock(m_cancelMutex);
    if (!m_cancel)
        return;
    char err[256];
    PQcancel(m_cancel, err, sizeof err);
}

bool Connection::waitSocket(bool forWrite, Clock::time_point deadline, bool honourAbort)
{
    const int fd = PQsocket(m_conn);
    if (fd < 0) {
        m_lastError = QStringLiteral("connection has no socket");
        return false;
    }
    pollfd pfd {fd, static_cast<short>(forWrite ? POLLOUT : POLLIN), 0};
    for (;;) {
        if (honourAbort && m_abort && m_abort->load()) {
            m_lastError = QStringLiteral("aborted");
            return false;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0)
            return false;
        const int rc = ::poll(&pfd, 1, static_cast<int>(std::min(left, std::chrono::milliseconds(kSlice)).count()));
        if (rc > 0)
            return true;
        if (rc < 0 && errno != EINTR) {
            m_lastError = qt_error_string(errno);
            return false;
        }
    }
}

Result Connection::exec(const QString& sql, const QVariantList& params)
{
    return run(sql, &params);
}

Result Connection::execSimple(const QString& sql)
{
    return run(sql, nullptr);
}

Result Connection::run(const QString& sql, const QVariantList* params)
{
    if (!isOpen())
        return Result(nullptr, m_lastError.isEmpty() ? QStringLiteral("not connected") : m_lastError);

    const QByteArray text = sql.toUtf8();
    int sent = 0;
    if (params) {
        std::vector<QByteArray> storage;
        storage.reserve(params->size());
        std::vector<const char*> values;
        values.reserve(params->size());
        for (const QVariant& p : *params) {
            if (p.isNull()) {
                values.push_back(nullptr);
            } else {
                storage.push_back(p.toString().toUtf8());
                values.push_back(storage.back().constData());
            }
        }
        sent = PQsendQueryParams(m_conn, text.constData(), static_cast<int>(values.size()), nullptr, values.data(),
                                 nullptr, nullptr, 0);
    } else {
        sent = PQsendQuery(m_conn, text.constData());
    }
    if (!sent)
        return Result(nullptr, QString::fromUtf8(PQerrorMessage(m_conn)).trimmed());

    // The server enforces statement_timeout; the client deadline is the backstop for pgbouncer
    // and for a server that stopped answering without closing the socket.
    auto deadline = Clock::now() + std::chrono::milliseconds(m_options.statementTimeoutMs) + std::chrono::seconds(2);
    QString clientError;
    while (PQisBusy(m_conn)) {
        if (!waitSocket(false, deadline, clientError.isEmpty())) {
            if (!clientError.isEmpty()) { // the cancel did not land either: drop the connection
                close();
                m_lastError = clientError;
                return Result(nullptr, clientError);
            }
            clientError = m_lastError == QLatin1String("aborted") ? m_lastError
                                                                  : QStringLiteral("query timed out on the client");
            cancel();
            deadline = Clock::now() + std::chrono::seconds(1);
            continue;
        }
        if (!PQconsumeInput(m_conn)) {
            m_lastError = QString::fromUtf8(PQerrorMessage(m_conn)).trimmed();
            const QString err = m_lastError;
            close();
            return Result(nullptr, err);
        }
    }
    // Keep the last result (and the first error) of a possibly multi-statement string.
    PGresult* keep = nullptr;
    while (PGresult* r = PQgetResult(m_conn)) {
        const bool isError = PQresultStatus(r) == PGRES_FATAL_ERROR;
        if (keep && PQresultStatus(keep) == PGRES_FATAL_ERROR && !isError) {
            PQclear(r);
            continue;
        }
        if (keep)
            PQclear(keep);
        keep = r;
    }
    if (PQstatus(m_conn) == CONNECTION_BAD) {
        m_lastError = QString::fromUtf8(PQerrorMessage(m_conn)).trimmed();
    }
    if (!clientError.isEmpty() && keep) {
        PQclear(keep);
        return Result(nullptr, clientError);
    }
    return Result(keep, keep ? QString() : QString::fromUtf8(PQerrorMessage(m_conn)).trimmed());
}

} // namespace vigil::pg
