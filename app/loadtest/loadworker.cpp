#include "loadworker.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cstring>
#include <ctime>

#include <sys/resource.h>
#include <unistd.h>

namespace vigil::loadtest {

using namespace std::chrono;

uint32_t packSqlstate(const char* state)
{
    if (!state || std::strlen(state) != 5)
        state = kConnectionLost;
    uint32_t code = 0;
    for (int i = 0; i < 5; ++i)
        code = code * 64 + uint32_t(static_cast<unsigned char>(state[i]) - 32) % 64;
    return code;
}

std::string unpackSqlstate(uint32_t code)
{
    std::string s(5, ' ');
    for (int i = 4; i >= 0; --i) {
        s[size_t(i)] = char(32 + code % 64);
        code /= 64;
    }
    return s;
}

void lowerThreadPriority()
{
    // Best effort: a failure only means the GUI competes with the engine on equal terms.
    (void)setpriority(PRIO_PROCESS, id_t(::gettid()), 10);
}

void IntervalStats::addError(uint32_t code, int64_t n)
{
    for (auto& [c, count] : errorsBySqlstate)
        if (c == code) {
            count += n;
            return;
        }
    errorsBySqlstate.emplace_back(code, n);
}

void IntervalStats::merge(const IntervalStats& other)
{
    transactions.merge(other.transactions);
    statements += other.statements;
    errors += other.errors;
    activeUsers += other.activeUsers;
    for (const auto& [c, n] : other.errorsBySqlstate)
        addError(c, n);
}

void IntervalStats::reset()
{
    transactions.reset();
    statements = 0;
    errors = 0;
    activeUsers = 0;
    errorsBySqlstate.clear();
}

void RunShared::addMessage(const std::string& message)
{
    std::lock_guard lock(mutex);
    if (messages.size() >= 10 || std::find(messages.begin(), messages.end(), message) != messages.end())
        return;
    messages.push_back(message);
}

namespace {
std::string trimmed(const char* message)
{
    std::string s = message ? message : "";
    while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
        s.pop_back();
    return s;
}
} // namespace

LoadWorker::LoadWorker(RunShared* shared, std::vector<int> userIds, std::vector<double> spawnOffsetsSec)
    : m_shared(shared)
    , m_script(*shared->script)
    , m_options(*shared->options)
{
    for (size_t i = 0; i < shared->connectKeywords.size(); ++i) {
        m_keywords.push_back(shared->connectKeywords[i].c_str());
        m_values.push_back(shared->connectValues[i].c_str());
    }
    m_keywords.push_back(nullptr);
    m_values.push_back(nullptr);
    size_t maxParams = 0;
    m_commandOfSql.assign(size_t(m_script.sqlCount), -1);
    for (size_t i = 0; i < m_script.commands.size(); ++i) {
        const ScriptCommand& c = m_script.commands[i];
        if (c.kind != ScriptCommand::Kind::Sql)
            continue;
        maxParams = std::max(maxParams, c.paramSlots.size());
        m_commandOfSql[size_t(c.sqlIndex)] = int(i);
    }
    for (int i = 0; i < m_script.sqlCount; ++i)
        m_statementNames.push_back("vigil_" + std::to_string(i));
    m_paramText.resize(std::max<size_t>(1, maxParams));
    m_paramPtr.resize(std::max<size_t>(1, maxParams));
    m_query.reserve(4096);
    statementLatency.resize(size_t(m_script.sqlCount));
    statementErrors.assign(size_t(m_script.sqlCount), 0);

    m_users.resize(userIds.size());
    for (size_t i = 0; i < userIds.size(); ++i) {
        User& u = m_users[i];
        u.id = userIds[i];
        u.spawnOffset = duration_cast<Clock::duration>(duration<double>(spawnOffsetsSec[i]));
        u.vars.resize(size_t(m_script.variables.size()));
        u.defined.assign(size_t(m_script.variables.size()), 0);
        u.rng.reseed(shared->seed ^ (uint64_t(u.id + 1) * 0x9e3779b97f4a7c15ULL));
        u.vars[size_t(m_script.scaleSlot)] = Value::integer(shared->scale);
        u.vars[size_t(m_script.clientIdSlot)] = Value::integer(u.id);
        u.vars[size_t(m_script.defaultSeedSlot)] = Value::integer(int64_t(shared->seed));
        u.vars[size_t(m_script.randomSeedSlot)] = Value::integer(int64_t(shared->seed));
        for (int s : {m_script.scaleSlot, m_script.clientIdSlot, m_script.defaultSeedSlot, m_script.randomSeedSlot})
            u.defined[size_t(s)] = 1;
    }
    m_pollfds.reserve(m_users.size());
    m_pollUsers.reserve(m_users.size());
}

LoadWorker::~LoadWorker()
{
    for (User& u : m_users)
        close(u);
}

void LoadWorker::connectFirst()
{
    if (m_options.lowPriority)
        lowerThreadPriority();
    for (User& u : m_users) {
        if (u.spawnOffset > Clock::duration::zero() || m_shared->stop.load())
            continue;
        PGconn* conn = PQconnectdbParams(m_keywords.data(), m_values.data(), 1);
        bool ok = conn && PQstatus(conn) == CONNECTION_OK;
        if (ok) {
            PQsetNoticeProcessor(
                conn, [](void*, const char*) {}, nullptr);
            for (int i = 0; ok && m_options.protocol == Protocol::Prepared && i < m_script.sqlCount; ++i) {
                const ScriptCommand& c = m_script.commands[size_t(m_commandOfSql[size_t(i)])];
                PGresult* r = PQprepare(conn, m_statementNames[size_t(i)].c_str(), c.preparedSql.c_str(),
                                        int(c.paramSlots.size()), nullptr);
                ok = PQresultStatus(r) == PGRES_COMMAND_OK;
                PQclear(r);
            }
        }
        if (!ok) {
            if (conn)
                PQfinish(conn);
            continue; // run() connects it the ordinary way and reports what goes wrong
        }
        PQsetnonblocking(conn, 1);
        u.conn = conn;
        u.connected = true;
        ++m_active;
        u.state = State::Ready;
    }
}

void LoadWorker::run()
{
    if (m_options.lowPriority)
        lowerThreadPriority();
    for (User& u : m_users)
        u.wakeAt = m_shared->start + u.spawnOffset;
    m_interval.activeUsers = m_active;
    m_nextBoundary = m_shared->start + seconds(1);
    while (true) {
        const Clock::time_point now = Clock::now();
        roll(now);
        if (!m_draining && (m_shared->stop.load(std::memory_order_relaxed) || now >= m_shared->deadline)) {
            // No new statement from here on; statements in flight get a short grace to finish so
            // the server is left clean, then are cancelled.
            m_draining = true;
            m_drainUntil = now + milliseconds(200);
            for (User& u : m_users)
                if (u.state != State::Busy && u.state != State::RollingBack && u.state != State::Preparing) {
                    close(u);
                    u.state = State::Done;
                }
        }
        bool anyAlive = false, anyBusy = false;
        for (User& u : m_users) {
            switch (u.state) {
            case State::NotStarted:
            case State::Backoff:
                if (now >= u.wakeAt)
                    startConnect(u, now);
                break;
            // A run (or the statement after a \sleep) starts when this user's turn comes, on a clock
            // read for it alone, as pgbench reads its clock per client: sending the users before
            // it, and being preempted by the backends those sends wake, happen before this user
            // starts, not inside its latency.
            case State::Ready:
                if (now >= u.wakeAt)
                    beginRun(u, Clock::now());
                break;
            case State::Sleeping:
                if (now >= u.wakeAt) {
                    u.state = State::Ready;
                    advance(u, Clock::now());
                }
                break;
            case State::Connecting:
                if (now >= u.connectDeadline)
                    dropConnection(u, packSqlstate(kConnectFailed),
                                   "timeout expired after " + std::to_string(m_options.connectTimeoutSec)
                                       + " s while connecting",
                                   now);
                break;
            default:
                break;
            }
            anyAlive = anyAlive || u.state != State::Done;
            anyBusy = anyBusy || u.state == State::Busy || u.state == State::RollingBack || u.state == State::Preparing;
        }
        if (!anyAlive || (m_draining && (!anyBusy || now >= m_drainUntil)))
            break;
        pollOnce(now);
    }
    // Cancel what is still running (the server stops working for us), then close everything.
    for (User& u : m_users) {
        if (u.conn && (u.state == State::Busy || u.state == State::RollingBack || u.state == State::Preparing)) {
            if (PGcancel* cancel = PQgetCancel(u.conn)) {
                char buffer[256];
                PQcancel(cancel, buffer, sizeof buffer);
                PQfreeCancel(cancel);
            }
        }
        close(u);
        u.state = State::Done;
    }
    flushInterval(); // the last, possibly partial, second
    finished.store(true);
}

void LoadWorker::pollOnce(Clock::time_point now)
{
    m_pollfds.clear();
    m_pollUsers.clear();
    // Wake at the first timer, the next second boundary, or after 20 ms at most so a stop request
    // is seen promptly.
    Clock::time_point wake = std::min(now + milliseconds(20), m_nextBoundary);
    if (m_draining)
        wake = std::min(wake, m_drainUntil);
    else
        wake = std::min(wake, m_shared->deadline);
    for (size_t i = 0; i < m_users.size(); ++i) {
        User& u = m_users[i];
        switch (u.state) {
        case State::NotStarted:
        case State::Backoff:
        case State::Ready:
        case State::Sleeping:
            wake = std::min(wake, u.wakeAt);
            break;
        case State::Connecting:
            wake = std::min(wake, u.connectDeadline);
            [[fallthrough]];
        case State::Preparing:
        case State::Busy:
        case State::RollingBack: {
            const int fd = PQsocket(u.conn);
            if (fd < 0) {
                // libpq closed the socket (connection lost): handled below without a poll.
                if (u.state != State::Connecting)
                    m_answered.push_back(int(i));
                break;
            }
            short events = u.wantWrite ? POLLOUT : 0;
            if (u.state != State::Connecting || !u.wantWrite)
                events |= POLLIN;
            m_pollfds.push_back({fd, events, 0});
            m_pollUsers.push_back(int(i));
            break;
        }
        case State::Done:
            break;
        }
    }
    auto waitNs = std::max<int64_t>(0, duration_cast<nanoseconds>(wake - now).count());
    if (!m_answered.empty())
        waitNs = 0;
    timespec ts {time_t(waitNs / 1000000000), long(waitNs % 1000000000)};
    const int n = ::ppoll(m_pollfds.data(), m_pollfds.size(), &ts, nullptr);
    for (size_t k = 0; n > 0 && k < m_pollfds.size(); ++k) {
        const short revents = m_pollfds[k].revents;
        if (!revents)
            continue;
        User& u = m_users[size_t(m_pollUsers[k])];
        if (u.state == State::Connecting) {
            continueConnect(u, Clock::now());
            continue;
        }
        if (!u.conn)
            continue;
        if (u.wantWrite && (revents & (POLLOUT | POLLERR | POLLHUP))) {
            const int f = PQflush(u.conn);
            if (f < 0) {
                dropConnection(u, packSqlstate(kConnectionLost), trimmed(PQerrorMessage(u.conn)), Clock::now());
                continue;
            }
            u.wantWrite = f == 1;
        }
        if (revents & (POLLIN | POLLERR | POLLHUP))
            onReadable(u);
    }
    // Replies already read in advance() and connections libpq has closed; a user handled above
    // meanwhile just finds its next statement still busy. A user whose next reply is complete
    // right after sending goes on at once, as pgbench's state machine does, rather than after
    // another (zero-timeout) ppoll; the passes are bounded so the others' sockets are polled
    // again soon even if the server keeps answering faster than we send.
    for (int pass = 0; pass < 8 && !m_answered.empty(); ++pass) {
        m_answeredNow.swap(m_answered);
        for (int index : m_answeredNow) {
            User& u = m_users[size_t(index)];
            if (u.conn && (u.state == State::Busy || u.state == State::Preparing || u.state == State::RollingBack))
                onReadable(u, false);
        }
        m_answeredNow.clear();
    }
}

void LoadWorker::roll(Clock::time_point now)
{
    while (now >= m_nextBoundary) {
        flushInterval();
        ++m_second;
        m_nextBoundary += seconds(1);
    }
}

void LoadWorker::flushInterval()
{
    // Users connected at any moment of the second (the peak), so a second in which everyone was
    // disconnected at the very end still shows who ran in it.
    m_interval.activeUsers = std::max(m_interval.activeUsers, m_active);
    {
        std::lock_guard lock(m_shared->mutex);
        m_shared->seconds[m_second].merge(m_interval);
    }
    m_interval.reset();
    m_interval.activeUsers = m_active;
    flushedSeconds.store(m_second + 1);
}

void LoadWorker::close(User& u)
{
    if (u.conn) {
        PQfinish(u.conn);
        u.conn = nullptr;
    }
    if (u.connected) {
        u.connected = false;
        --m_active;
    }
    u.wantWrite = false;
}

void LoadWorker::startConnect(User& u, Clock::time_point now)
{
    u.conn = PQconnectStartParams(m_keywords.data(), m_values.data(), 1);
    if (!u.conn || PQstatus(u.conn) == CONNECTION_BAD) {
        dropConnection(u, packSqlstate(kConnectFailed), u.conn ? trimmed(PQerrorMessage(u.conn)) : "out of memory",
                       now);
        return;
    }
    // Server messages (a FATAL on a terminated session, NOTICEs) are counted through results, not
    // printed: 500 users would flood the terminal.
    PQsetNoticeProcessor(
        u.conn, [](void*, const char*) {}, nullptr);
    u.state = State::Connecting;
    u.wantWrite = true; // libpq: behave as if PQconnectPoll had returned PGRES_POLLING_WRITING
    u.connectDeadline = now + seconds(std::max(1, m_options.connectTimeoutSec));
}

void LoadWorker::continueConnect(User& u, Clock::time_point now)
{
    switch (PQconnectPoll(u.conn)) {
    case PGRES_POLLING_READING:
        u.wantWrite = false;
        break;
    case PGRES_POLLING_WRITING:
        u.wantWrite = true;
        break;
    case PGRES_POLLING_OK:
        onConnected(u, now);
        break;
    default:
        dropConnection(u, packSqlstate(kConnectFailed), trimmed(PQerrorMessage(u.conn)), now);
        break;
    }
}

void LoadWorker::onConnected(User& u, Clock::time_point now)
{
    PQsetnonblocking(u.conn, 1);
    u.wantWrite = false;
    u.connected = true;
    ++m_active;
    m_interval.activeUsers = std::max(m_interval.activeUsers, m_active);
    if (m_options.protocol == Protocol::Prepared && m_script.sqlCount > 0) {
        u.preparing = 0;
        sendNextPrepare(u, now);
    } else {
        beginRun(u, now);
    }
}

void LoadWorker::sendNextPrepare(User& u, Clock::time_point now)
{
    const ScriptCommand& c = m_script.commands[size_t(m_commandOfSql[size_t(u.preparing)])];
    if (!PQsendPrepare(u.conn, m_statementNames[size_t(u.preparing)].c_str(), c.preparedSql.c_str(),
                       int(c.paramSlots.size()), nullptr)) {
        dropConnection(u, packSqlstate(kConnectionLost), trimmed(PQerrorMessage(u.conn)), now);
        return;
    }
    u.failure = 0;
    u.state = State::Preparing;
    const int f = PQflush(u.conn);
    u.wantWrite = f == 1;
}

void LoadWorker::beginRun(User& u, Clock::time_point now)
{
    u.cmd = 0;
    u.txStart = now;
    u.failure = 0;
    u.state = State::Ready;
    advance(u, now);
}

void LoadWorker::scriptError(User& u, const ScriptCommand& c, Clock::time_point now)
{
    // pgbench aborts a client whose script fails to evaluate: the same script would fail again.
    m_shared->addMessage(m_script.name + ":" + std::to_string(c.line) + ": " + m_error);
    if (now < m_shared->deadline) {
        roll(now);
        ++m_interval.errors;
        m_interval.addError(packSqlstate(kScriptError));
    }
    close(u);
    u.state = State::Done;
}

void LoadWorker::advance(User& u, Clock::time_point now)
{
    const auto& commands = m_script.commands;
    EvalContext ctx;
    ctx.variables = u.vars.data();
    ctx.defined = u.defined.data();
    ctx.names = &m_script.variables;
    ctx.rng = &u.rng;
    ctx.defaultSeed = int64_t(m_shared->seed);
    ctx.error = &m_error;
    while (true) {
        if (m_draining) {
            close(u);
            u.state = State::Done;
            return;
        }
        if (u.cmd >= int(commands.size())) {
            finishRun(u, now);
            return;
        }
        const ScriptCommand& c = commands[size_t(u.cmd)];
        Value v;
        switch (c.kind) {
        case ScriptCommand::Kind::Set:
            if (!evaluate(c.expr, ctx, &v)) {
                scriptError(u, c, now);
                return;
            }
            u.vars[size_t(c.variable)] = v;
            u.defined[size_t(c.variable)] = 1;
            ++u.cmd;
            break;
        case ScriptCommand::Kind::Sleep: {
            if (!evaluate(c.expr, ctx, &v)) {
                scriptError(u, c, now);
                return;
            }
            if (v.type != Value::Type::Int) {
                m_error = "\\sleep needs an integer";
                scriptError(u, c, now);
                return;
            }
            const int64_t amount = v.i;
            ++u.cmd;
            u.state = State::Sleeping;
            u.wakeAt = now + microseconds(std::max<int64_t>(0, amount) * c.unitUs);
            return;
        }
        case ScriptCommand::Kind::JumpIfFalse:
            if (!evaluate(c.expr, ctx, &v)) {
                scriptError(u, c, now);
                return;
            }
            u.cmd = truth(v) ? u.cmd + 1 : c.target;
            break;
        case ScriptCommand::Kind::Jump:
            u.cmd = c.target;
            break;
        case ScriptCommand::Kind::Sql:
            // As pgbench does: read once right after sending. When the server has already replied
            // (often, on loopback), the reply is handled without a poll and the sleep and wake-up
            // it costs, which also keeps that wake-up out of the measured latency.
            // A connection found closed here (a terminated backend) goes the same way: libpq has
            // dropped its socket, so no poll would ever report it.
            if (sendSql(u, c, now)
                && (!PQconsumeInput(u.conn) || !PQisBusy(u.conn) || PQstatus(u.conn) == CONNECTION_BAD))
                m_answered.push_back(int(&u - m_users.data()));
            return;
        }
    }
}

bool LoadWorker::sendSql(User& u, const ScriptCommand& c, Clock::time_point now)
{
    const int n = int(c.paramSlots.size());
    for (int k = 0; k < n; ++k) {
        const size_t slot = size_t(c.paramSlots[size_t(k)]);
        if (!u.defined[slot]) {
            m_error = "undefined variable \"" + m_script.variables.name(int(slot)) + "\"";
            scriptError(u, c, now);
            return false;
        }
        const Value& v = u.vars[slot];
        if (v.type == Value::Type::Null) {
            m_paramPtr[size_t(k)] = nullptr;
        } else {
            formatValue(v, m_paramText[size_t(k)].data(), int(m_paramText[size_t(k)].size()));
            m_paramPtr[size_t(k)] = m_paramText[size_t(k)].data();
        }
    }
    int ok = 0;
    switch (m_options.protocol) {
    case Protocol::Prepared:
        ok = PQsendQueryPrepared(u.conn, m_statementNames[size_t(c.sqlIndex)].c_str(), n, m_paramPtr.data(), nullptr,
                                 nullptr, 0);
        break;
    case Protocol::Extended:
        ok = PQsendQueryParams(u.conn, c.preparedSql.c_str(), n, nullptr, m_paramPtr.data(), nullptr, nullptr, 0);
        break;
    case Protocol::Simple:
        m_query.clear();
        for (int k = 0; k < n; ++k) {
            m_query += c.literals[size_t(k)];
            m_query += m_paramPtr[size_t(k)] ? m_paramPtr[size_t(k)] : "NULL";
        }
        m_query += c.literals.back();
        ok = PQsendQuery(u.conn, m_query.c_str());
        break;
    }
    if (!ok) {
        dropConnection(u, packSqlstate(kConnectionLost), trimmed(PQerrorMessage(u.conn)), now);
        return false;
    }
    const int f = PQflush(u.conn);
    if (f < 0) {
        dropConnection(u, packSqlstate(kConnectionLost), trimmed(PQerrorMessage(u.conn)), now);
        return false;
    }
    u.wantWrite = f == 1;
    u.stmtStart = now;
    u.failure = 0;
    u.state = State::Busy;
    return true;
}

void LoadWorker::onReadable(User& u, bool consume)
{
    if (consume && !PQconsumeInput(u.conn)) {
        // The socket is gone; a terminated backend usually left its FATAL message to read first.
        const Clock::time_point now = Clock::now();
        PGresult* r = PQgetResult(u.conn);
        uint32_t code = packSqlstate(kConnectionLost);
        std::string message = trimmed(PQerrorMessage(u.conn));
        if (r && PQresultErrorField(r, PG_DIAG_SQLSTATE)) {
            code = packSqlstate(PQresultErrorField(r, PG_DIAG_SQLSTATE));
            message = trimmed(PQresultErrorMessage(r));
        }
        if (r)
            PQclear(r);
        dropConnection(u, u.failure ? u.failure : code, message, now);
        return;
    }
    while (!PQisBusy(u.conn)) {
        PGresult* r = PQgetResult(u.conn);
        if (!r) {
            onStatementDone(u, Clock::now());
            return;
        }
        const ExecStatusType status = PQresultStatus(r);
        if (status == PGRES_FATAL_ERROR && !u.failure) {
            u.failure = packSqlstate(PQresultErrorField(r, PG_DIAG_SQLSTATE));
            m_error = trimmed(PQresultErrorMessage(r));
        }
        PQclear(r);
        if (PQstatus(u.conn) == CONNECTION_BAD)
            break;
    }
    if (PQstatus(u.conn) == CONNECTION_BAD)
        dropConnection(u, u.failure ? u.failure : packSqlstate(kConnectionLost),
                       m_error.empty() ? trimmed(PQerrorMessage(u.conn)) : m_error, Clock::now());
}

void LoadWorker::onStatementDone(User& u, Clock::time_point now)
{
    if (PQstatus(u.conn) == CONNECTION_BAD) {
        dropConnection(u, u.failure ? u.failure : packSqlstate(kConnectionLost), trimmed(PQerrorMessage(u.conn)), now);
        return;
    }
    switch (u.state) {
    case State::Preparing:
        if (u.failure) {
            // The statement itself is wrong (syntax, missing table): every run would fail the same.
            const ScriptCommand& c = m_script.commands[size_t(m_commandOfSql[size_t(u.preparing)])];
            m_error = "preparing failed: " + m_error;
            statementErrors[size_t(u.preparing)]++;
            scriptError(u, c, now);
            return;
        }
        if (m_draining) {
            close(u);
            u.state = State::Done;
            return;
        }
        if (++u.preparing < m_script.sqlCount)
            sendNextPrepare(u, now);
        else
            beginRun(u, now);
        return;
    case State::RollingBack:
        u.state = State::Ready;
        u.wakeAt = now + milliseconds(m_options.thinkTimeMs);
        return;
    case State::Busy: {
        const ScriptCommand& c = m_script.commands[size_t(u.cmd)];
        if (u.failure) {
            statementErrors[size_t(c.sqlIndex)]++;
            failRun(u, u.failure, m_script.name + ":" + std::to_string(c.line) + ": " + m_error, now);
            return;
        }
        if (now < m_shared->deadline) {
            roll(now);
            ++m_interval.statements;
            statementLatency[size_t(c.sqlIndex)].record(duration_cast<nanoseconds>(now - u.stmtStart).count());
        }
        ++u.cmd;
        u.state = State::Ready;
        advance(u, now);
        return;
    }
    default:
        return;
    }
}

void LoadWorker::failRun(User& u, uint32_t code, const std::string& message, Clock::time_point now)
{
    // A failed statement fails its script run (counted once, by SQLSTATE); the user goes on with
    // a new run, after rolling back if a transaction block was left open.
    m_shared->addMessage(message);
    if (now < m_shared->deadline) {
        roll(now);
        ++m_interval.errors;
        m_interval.addError(code);
    }
    const PGTransactionStatusType tx = PQtransactionStatus(u.conn);
    if (!m_draining && (tx == PQTRANS_INERROR || tx == PQTRANS_INTRANS)) {
        if (PQsendQuery(u.conn, "ROLLBACK")) {
            u.state = State::RollingBack;
            u.failure = 0;
            u.wantWrite = PQflush(u.conn) == 1;
            return;
        }
    }
    if (m_draining) {
        close(u);
        u.state = State::Done;
        return;
    }
    u.state = State::Ready;
    u.wakeAt = now + milliseconds(m_options.thinkTimeMs);
}

void LoadWorker::dropConnection(User& u, uint32_t code, const std::string& message, Clock::time_point now)
{
    // One error per lost connection or failed connect; the user reconnects after a backoff that
    // doubles from 100 ms to 2 s, so a dead server costs a few errors per user per second at most
    // and the run still ends on time.
    m_shared->addMessage(message);
    if (now < m_shared->deadline) {
        roll(now);
        ++m_interval.errors;
        m_interval.addError(code);
    }
    close(u);
    if (m_draining) {
        u.state = State::Done;
        return;
    }
    u.backoffMs = u.backoffMs ? std::min(u.backoffMs * 2, 2000) : 100;
    u.state = State::Backoff;
    u.wakeAt = now + milliseconds(u.backoffMs);
}

void LoadWorker::finishRun(User& u, Clock::time_point now)
{
    if (now < m_shared->deadline) {
        roll(now);
        m_interval.transactions.record(duration_cast<nanoseconds>(now - u.txStart).count());
    }
    u.backoffMs = 0;
    // The next run starts from the thread's loop, after the replies already at hand have been
    // handled, as pgbench's client goes back to its thread loop at the end of a transaction
    // (CSTATE_END_TX). Starting it right here kept every user always in flight (tps x latency =
    // users exactly, where pgbench has 8-9.7 of 10), which loaded the server more than pgbench
    // does and made the latencies incomparable. A script without SQL must not spin here either.
    u.state = State::Ready;
    u.wakeAt = now + milliseconds(m_options.thinkTimeMs);
}

} // namespace vigil::loadtest
