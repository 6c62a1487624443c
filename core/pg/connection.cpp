#include "pg/connection.h"

#include <QThread>
#include <cerrno>
#include <cstring>
#include <libpq-fe.h>
#include <poll.h>

namespace pgferry::pg {

using Clock = std::chrono::steady_clock;

// ---------------------------------------------------------------- Result

void Result::Deleter::operator()(pg_result *r) const
{
    PQclear(r);
}

Result::Result(pg_result *r) : m_res(r, Deleter{}) {}

int Result::rows() const
{
    return m_res ? PQntuples(m_res.get()) : 0;
}
int Result::columns() const
{
    return m_res ? PQnfields(m_res.get()) : 0;
}
bool Result::isNull(int row, int col) const
{
    return !m_res || PQgetisnull(m_res.get(), row, col);
}

QString Result::text(int row, int col) const
{
    if (isNull(row, col))
        return QString();
    return QString::fromUtf8(PQgetvalue(m_res.get(), row, col), PQgetlength(m_res.get(), row, col));
}

QByteArray Result::bytes(int row, int col) const
{
    if (isNull(row, col))
        return QByteArray();
    return QByteArray(PQgetvalue(m_res.get(), row, col), PQgetlength(m_res.get(), row, col));
}

qint64 Result::toInt(int row, int col, qint64 fallback) const
{
    if (isNull(row, col))
        return fallback;
    bool ok = false;
    const qint64 v = QByteArray(PQgetvalue(m_res.get(), row, col)).toLongLong(&ok);
    return ok ? v : fallback;
}

double Result::toDouble(int row, int col) const
{
    if (isNull(row, col))
        return 0.0;
    return QByteArray(PQgetvalue(m_res.get(), row, col)).toDouble();
}

bool Result::toBool(int row, int col) const
{
    if (isNull(row, col))
        return false;
    const char c = PQgetvalue(m_res.get(), row, col)[0];
    return c == 't' || c == 'T' || c == '1' || c == 'y' || c == 'Y' || c == 'o';
}

int Result::column(const char *name) const
{
    return m_res ? PQfnumber(m_res.get(), name) : -1;
}

QString Result::fieldName(int col) const
{
    return m_res ? QString::fromUtf8(PQfname(m_res.get(), col)) : QString();
}

qint64 Result::affectedRows() const
{
    if (!m_res)
        return 0;
    return QByteArray(PQcmdTuples(m_res.get())).toLongLong();
}

// ---------------------------------------------------------------- Canceller

void Canceller::Deleter::operator()(pg_cancel *c) const
{
    PQfreeCancel(c);
}

Canceller::Canceller(pg_conn *conn)
{
    if (conn)
        m_cancel.reset(PQgetCancel(conn), Deleter{});
}

bool Canceller::cancel() const
{
    if (!m_cancel)
        return false;
    char err[256];
    return PQcancel(m_cancel.get(), err, sizeof err) == 1;
}

// ---------------------------------------------------------------- errors

Error classifyConnectionFailure(const QString &raw, const ConnInfo &info)
{
    Error e;
    e.message = raw.trimmed();
    const QString where = QStringLiteral("connecting to %1").arg(info.redacted());
    e.context = where;
    const QString m = e.message.toLower();
    if (m.contains(u"password authentication failed") || m.contains(u"authentication failed") ||
        m.contains(u"no password supplied") || m.contains(u"password is required")) {
        e.category = ErrorCategory::Auth;
        e.sqlstate = QStringLiteral("28P01");
        e.hint =
            info.passwordSource
                ? QStringLiteral("The server refused %1: the user must be the Microsoft Entra ID principal's "
                                 "name exactly as its role is spelled (case-sensitive), the role must be an "
                                 "Entra role (pgaadauth_create_principal), and the token must be for the "
                                 "Azure Database for PostgreSQL scope.")
                      .arg(info.passwordSource->description())
                : QStringLiteral(
                      "Check the user name and password; for pipelines set PGFERRY_SOURCE_PASSWORD "
                      "or PGFERRY_TARGET_PASSWORD, or store the password in the keychain.");
    } else if (m.contains(u"no pg_hba.conf entry") || m.contains(u"pg_hba.conf rejects")) {
        e.category = ErrorCategory::Auth;
        e.sqlstate = QStringLiteral("28000");
        e.hint = QStringLiteral("Add a pg_hba.conf line for this client address, user and database, then "
                                "reload the server (SELECT pg_reload_conf()).");
    } else if (m.contains(u"ssl") || m.contains(u"certificate") || m.contains(u"tls")) {
        e.category = ErrorCategory::Tls;
        e.hint =
            QStringLiteral("Check sslmode and the CA file (sslrootcert); verify-full needs the server's CA "
                           "and a certificate matching the host name.");
    } else if (m.contains(u"could not translate host name") || m.contains(u"name or service not known") ||
               m.contains(u"temporary failure in name resolution")) {
        e.category = ErrorCategory::Connection;
        e.hint = QStringLiteral("The host name cannot be resolved (DNS). Check the spelling of the host.");
    } else if (m.contains(u"connection refused")) {
        e.category = ErrorCategory::Connection;
        e.hint =
            QStringLiteral("Nothing listens on that host and port. Check that the server runs, the port, "
                           "and listen_addresses in postgresql.conf.");
    } else if (m.contains(u"timeout expired") || m.contains(u"timed out")) {
        e.category = ErrorCategory::Timeout;
        e.hint = QStringLiteral("The server did not answer in time. Check the host, the port, and firewalls "
                                "between this machine and the server.");
    } else if (m.contains(u"does not exist") && m.contains(u"database")) {
        e.category = ErrorCategory::NotFound;
        e.sqlstate = QStringLiteral("3D000");
        e.hint = QStringLiteral("Check the database name, or create the database.");
    } else if (m.contains(u"role") && m.contains(u"does not exist")) {
        e.category = ErrorCategory::Auth;
        e.sqlstate = QStringLiteral("28000");
        e.hint = QStringLiteral("Check the user name.");
    } else if (m.contains(u"too many connections") || m.contains(u"remaining connection slots")) {
        e.category = ErrorCategory::Resource;
        e.sqlstate = QStringLiteral("53300");
        e.hint = QStringLiteral("Lower the number of parallel jobs or raise max_connections.");
    } else if (m.contains(u"the database system is starting up") || m.contains(u"shutting down") ||
               m.contains(u"in recovery mode")) {
        e.category = ErrorCategory::Shutdown;
        e.sqlstate = QStringLiteral("57P03");
    } else if (m.contains(u"replication")) {
        e.category = ErrorCategory::Privilege;
        e.sqlstate = QStringLiteral("42501");
        e.hint = QStringLiteral("The user needs the REPLICATION attribute (ALTER ROLE ... REPLICATION) and a "
                                "pg_hba.conf entry that allows replication connections.");
    } else {
        e.category = ErrorCategory::Connection;
    }
    return e;
}

// ---------------------------------------------------------------- Connection

Connection::Connection() = default;
Connection::~Connection()
{
    close();
}

Connection::Connection(Connection &&o) noexcept
    : m_conn(std::exchange(o.m_conn, nullptr)), m_info(std::move(o.m_info)), m_cancelFlag(o.m_cancelFlag),
      m_statementTimeout(o.m_statementTimeout), m_canceller(std::move(o.m_canceller)),
      m_probeIdle(o.m_probeIdle), m_probe(std::move(o.m_probe))
{}

Connection &Connection::operator=(Connection &&o) noexcept
{
    if (this != &o) {
        close();
        m_conn = std::exchange(o.m_conn, nullptr);
        m_info = std::move(o.m_info);
        m_cancelFlag = o.m_cancelFlag;
        m_statementTimeout = o.m_statementTimeout;
        m_canceller = std::move(o.m_canceller);
        m_probeIdle = o.m_probeIdle;
        m_probe = std::move(o.m_probe);
    }
    return *this;
}

void Connection::close()
{
    if (m_conn) {
        PQfinish(m_conn);
        m_conn = nullptr;
    }
    m_canceller = Canceller();
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
Canceller Connection::canceller() const
{
    return m_canceller;
}

QString Connection::parameterStatus(const char *name) const
{
    if (!m_conn)
        return QString();
    const char *v = PQparameterStatus(m_conn, name);
    return v ? QString::fromUtf8(v) : QString();
}

Connection Connection::open(const ConnInfo &info, const ConnectOptions &options)
{
    // A password from a source (an Entra ID token) is fetched fresh for every connection; when it
    // cannot be had, say so instead of letting the server answer "password authentication failed".
    QString sourceError;
    const std::optional<ConnInfo> sourced = info.withSourcedPassword(&sourceError);
    if (!sourced) {
        Error e = Error::client(ErrorCategory::Auth, sourceError,
                                QStringLiteral("connecting to %1").arg(info.redacted()));
        throw Exception(e);
    }
    const auto kv = sourced->keywords(options.replication);
    std::vector<const char *> keys, vals;
    for (const auto &[k, v] : kv) {
        keys.push_back(k.constData());
        vals.push_back(v.constData());
    }
    keys.push_back(nullptr);
    vals.push_back(nullptr);

    Connection c;
    c.m_info = info;
    c.m_info.password.clear(); // never kept past the handshake
    c.m_cancelFlag = options.cancel;
    c.m_conn = PQconnectStartParams(keys.data(), vals.data(), 0);
    if (!c.m_conn)
        throw Exception(Error::client(ErrorCategory::Resource, QStringLiteral("out of memory"),
                                      QStringLiteral("connecting to %1").arg(info.redacted())));
    if (PQstatus(c.m_conn) == CONNECTION_BAD)
        throw Exception(classifyConnectionFailure(QString::fromUtf8(PQerrorMessage(c.m_conn)), info));

    const auto deadline = Clock::now() + options.timeout;
    PostgresPollingStatusType st = PGRES_POLLING_WRITING;
    while (true) {
        if (st == PGRES_POLLING_OK)
            break;
        if (st == PGRES_POLLING_FAILED)
            throw Exception(classifyConnectionFailure(QString::fromUtf8(PQerrorMessage(c.m_conn)), info));
        const bool forWrite = (st == PGRES_POLLING_WRITING);
        // Wait in short slices so that the cancel flag and the deadline are honoured.
        while (true) {
            if (options.cancel && options.cancel->load())
                throw Exception(Error::client(ErrorCategory::Cancelled,
                                              QStringLiteral("connection attempt cancelled"),
                                              QStringLiteral("connecting to %1").arg(info.redacted())));
            const auto now = Clock::now();
            if (now >= deadline) {
                Error e = Error::client(ErrorCategory::Timeout,
                                        QStringLiteral("no answer within %1 ms").arg(options.timeout.count()),
                                        QStringLiteral("connecting to %1").arg(info.redacted()));
                e.hint = QStringLiteral(
                    "Check the host, the port, and firewalls between this machine and the server.");
                throw Exception(e);
            }
            pollfd pfd{PQsocket(c.m_conn), short(forWrite ? POLLOUT : POLLIN), 0};
            const int slice = int(std::min<qint64>(
                100, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1));
            const int rc = ::poll(&pfd, 1, slice);
            if (rc > 0 || (rc < 0 && errno != EINTR))
                break;
        }
        st = PQconnectPoll(c.m_conn);
    }
    // Server notices ("relation already exists, skipping") are not for our stderr.
    PQsetNoticeProcessor(
        c.m_conn, [](void *, const char *) {}, nullptr);
    // Blocking mode for COPY IN puts; results are still read with the async API.
    PQsetnonblocking(c.m_conn, 0);
    c.m_canceller = Canceller(c.m_conn);
    if (!options.replication) {
        // Every session speaks UTF-8 to us, whatever the database encoding.
        PQsetClientEncoding(c.m_conn, "UTF8");
    }
    return c;
}

Error Connection::connectionError(const QString &context) const
{
    Error e;
    e.context = context;
    e.message =
        m_conn ? QString::fromUtf8(PQerrorMessage(m_conn)).trimmed() : QStringLiteral("not connected");
    if (!m_conn || PQstatus(m_conn) == CONNECTION_BAD) {
        e.category = ErrorCategory::Connection;
        e.sqlstate = QStringLiteral("08006");
    } else {
        e.category = ErrorCategory::Protocol;
    }
    if (e.message.isEmpty())
        e.message = QStringLiteral("connection lost");
    return e;
}

Error Connection::resultError(pg_result *r, const QString &context) const
{
    Error e;
    e.context = context;
    auto field = [r](int code) {
        const char *v = PQresultErrorField(r, code);
        return v ? QString::fromUtf8(v) : QString();
    };
    e.sqlstate = field(PG_DIAG_SQLSTATE);
    e.message = field(PG_DIAG_MESSAGE_PRIMARY);
    e.detail = field(PG_DIAG_MESSAGE_DETAIL);
    e.hint = field(PG_DIAG_MESSAGE_HINT);
    if (e.message.isEmpty())
        e.message = QString::fromUtf8(PQresultErrorMessage(r)).trimmed();
    if (e.message.isEmpty() && m_conn)
        e.message = QString::fromUtf8(PQerrorMessage(m_conn)).trimmed();
    if (e.sqlstate.isEmpty()) {
        // No SQLSTATE: the client lost the server (libpq's own error).
        if (!m_conn || PQstatus(m_conn) == CONNECTION_BAD) {
            e.category = ErrorCategory::Connection;
            e.sqlstate = QStringLiteral("08006");
        } else {
            e.category = ErrorCategory::Other;
        }
    } else {
        e.category = Error::categoryFromSqlState(e.sqlstate);
    }
    if (m_cancelFlag && m_cancelFlag->load() && e.sqlstate == u"57014")
        e.category = ErrorCategory::Cancelled;
    return e;
}

void Connection::raise(const Error &e)
{
    throw Exception(e);
}

void Connection::waitSocket(bool forWrite, Clock::time_point deadline, bool cancelOnDeadline)
{
    bool cancelSent = false;
    auto quietSince = Clock::now();
    while (true) {
        if (m_probe && m_probeIdle.count() > 0 && !cancelSent && Clock::now() - quietSince >= m_probeIdle) {
            const QString stalled = m_probe();
            if (!stalled.isEmpty()) {
                Error e = Error::client(
                    ErrorCategory::Timeout,
                    QStringLiteral("no data from the server for %1 s and the session looks stalled: %2")
                        .arg(std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - quietSince)
                                 .count())
                        .arg(stalled));
                e.hint = QStringLiteral("the connection is dropped and opened again; check the network path "
                                        "to the server if this repeats");
                throw Exception(e);
            }
            quietSince = Clock::now();
        }
        if (m_cancelFlag && m_cancelFlag->load() && !cancelSent) {
            m_canceller.cancel();
            cancelSent = true; // the server answers with 57014; keep reading
        }
        int slice = 100;
        if (deadline != Clock::time_point{}) {
            const auto now = Clock::now();
            if (now >= deadline) {
                if (cancelOnDeadline)
                    m_canceller.cancel();
                Error e = Error::client(ErrorCategory::Timeout, QStringLiteral("statement timed out"));
                // Drain so that the connection stays usable when possible.
                PQconsumeInput(m_conn);
                throw Exception(e);
            }
            slice = int(std::min<qint64>(
                100, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1));
        }
        pollfd pfd{PQsocket(m_conn), short(forWrite ? POLLOUT : POLLIN), 0};
        const int rc = ::poll(&pfd, 1, slice);
        if (rc > 0)
            return;
        if (rc < 0 && errno != EINTR)
            throw Exception(
                Error::client(ErrorCategory::Connection, QString::fromUtf8(std::strerror(errno))));
    }
}

Result Connection::collect(const QString &context)
{
    const auto deadline =
        m_statementTimeout.count() > 0 ? Clock::now() + m_statementTimeout : Clock::time_point{};
    Result last;
    std::optional<Error> firstError;
    while (true) {
        while (PQisBusy(m_conn)) {
            waitSocket(false, deadline);
            if (!PQconsumeInput(m_conn))
                throw Exception(connectionError(context));
        }
        pg_result *r = PQgetResult(m_conn);
        if (!r)
            break;
        const auto st = PQresultStatus(r);
        if (st == PGRES_FATAL_ERROR || st == PGRES_BAD_RESPONSE || st == PGRES_NONFATAL_ERROR) {
            if (!firstError)
                firstError = resultError(r, context);
            PQclear(r);
            continue;
        }
        if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH) {
            // COPY started: hand control to the caller.
            return Result(r);
        }
        last = Result(r);
    }
    if (firstError)
        throw Exception(*firstError);
    if (PQstatus(m_conn) == CONNECTION_BAD)
        throw Exception(connectionError(context));
    return last;
}

Result Connection::exec(const QString &sql, const Params &params)
{
    if (!m_conn)
        throw Exception(Error::client(ErrorCategory::Protocol, QStringLiteral("not connected")));
    const QByteArray q = sql.toUtf8();
    int ok;
    if (params.empty()) {
        ok = PQsendQuery(m_conn, q.constData());
    } else {
        std::vector<const char *> values;
        values.reserve(params.size());
        for (const Param &p : params)
            values.push_back(p.isNull() ? nullptr : p.value().constData());
        ok = PQsendQueryParams(m_conn, q.constData(), int(params.size()), nullptr, values.data(), nullptr,
                               nullptr, 0);
    }
    if (!ok)
        throw Exception(connectionError());
    return collect(QString());
}

void Connection::prepare(const QByteArray &name, const QString &sql, const std::vector<quint32> &paramTypes)
{
    if (!m_conn)
        throw Exception(Error::client(ErrorCategory::Protocol, QStringLiteral("not connected")));
    const QByteArray q = sql.toUtf8();
    std::vector<Oid> types(paramTypes.begin(), paramTypes.end());
    if (!PQsendPrepare(m_conn, name.constData(), q.constData(), int(types.size()),
                       types.empty() ? nullptr : types.data()))
        throw Exception(connectionError());
    collect(QString());
}

Result Connection::execPrepared(const QByteArray &name, const Params &params)
{
    if (!m_conn)
        throw Exception(Error::client(ErrorCategory::Protocol, QStringLiteral("not connected")));
    std::vector<const char *> values;
    values.reserve(params.size());
    for (const Param &p : params)
        values.push_back(p.isNull() ? nullptr : p.value().constData());
    if (!PQsendQueryPrepared(m_conn, name.constData(), int(params.size()), values.data(), nullptr, nullptr,
                             0))
        throw Exception(connectionError());
    return collect(QString());
}

std::optional<Error> Connection::tryExec(const QString &sql, const Params &params, Result *out)
{
    try {
        Result r = exec(sql, params);
        if (out)
            *out = r;
        return std::nullopt;
    } catch (const Exception &e) {
        return e.error();
    }
}

QString Connection::quoteIdent(const QString &name) const
{
    const QByteArray n = name.toUtf8();
    char *q = m_conn ? PQescapeIdentifier(m_conn, n.constData(), size_t(n.size())) : nullptr;
    if (!q) {
        // No connection (or out of memory): fall back to the standard quoting rule.
        QString s = name;
        s.replace(u'"', QStringLiteral("\"\""));
        return u'"' + s + u'"';
    }
    QString out = QString::fromUtf8(q);
    PQfreemem(q);
    return out;
}

QString Connection::quoteLiteral(const QString &value) const
{
    const QByteArray n = value.toUtf8();
    char *q = m_conn ? PQescapeLiteral(m_conn, n.constData(), size_t(n.size())) : nullptr;
    if (!q)
        throw Exception(Error::client(ErrorCategory::Protocol, QStringLiteral("cannot quote a literal")));
    QString out = QString::fromUtf8(q);
    PQfreemem(q);
    return out;
}

QString Connection::qualified(const QString &schema, const QString &name) const
{
    return quoteIdent(schema) + u'.' + quoteIdent(name);
}

qint64 Connection::copyOut(const QString &sql, const std::function<void(const char *, int)> &sink)
{
    Result start = exec(sql);
    Q_UNUSED(start);
    const auto deadline =
        m_statementTimeout.count() > 0 ? Clock::now() + m_statementTimeout : Clock::time_point{};
    while (true) {
        char *buf = nullptr;
        const int n = PQgetCopyData(m_conn, &buf, 1);
        if (n > 0) {
            try {
                sink(buf, n);
            } catch (...) {
                PQfreemem(buf);
                // Stop the server side and swallow the rest so the connection stays coherent.
                m_canceller.cancel();
                while (true) {
                    char *rest = nullptr;
                    const int m = PQgetCopyData(m_conn, &rest, 0);
                    if (rest)
                        PQfreemem(rest);
                    if (m < 0)
                        break;
                }
                while (pg_result *r = PQgetResult(m_conn))
                    PQclear(r);
                throw;
            }
            PQfreemem(buf);
            continue;
        }
        if (n == 0) {
            waitSocket(false, deadline);
            if (!PQconsumeInput(m_conn))
                throw Exception(connectionError(QStringLiteral("reading COPY data")));
            continue;
        }
        if (n == -2)
            throw Exception(connectionError(QStringLiteral("reading COPY data")));
        break; // -1: COPY done
    }
    Result done = collect(QStringLiteral("finishing COPY"));
    return done.affectedRows();
}

void Connection::beginCopyIn(const QString &sql)
{
    Result r = exec(sql);
    Q_UNUSED(r);
}

void Connection::putCopyData(const char *data, int len)
{
    if (PQputCopyData(m_conn, data, len) != 1)
        throw Exception(connectionError(QStringLiteral("sending COPY data")));
}

qint64 Connection::endCopyIn()
{
    if (PQputCopyEnd(m_conn, nullptr) != 1)
        throw Exception(connectionError(QStringLiteral("ending COPY")));
    Result r = collect(QString());
    return r.affectedRows();
}

void Connection::abortCopyIn(const QString &reason)
{
    if (!m_conn)
        return;
    const QByteArray msg = reason.toUtf8();
    PQputCopyEnd(m_conn, msg.constData());
    while (pg_result *r = PQgetResult(m_conn))
        PQclear(r);
}

void Connection::enterPipeline()
{
    if (PQpipelineStatus(m_conn) == PQ_PIPELINE_OFF && !PQenterPipelineMode(m_conn))
        throw Exception(connectionError(QStringLiteral("entering pipeline mode")));
}

bool Connection::inPipeline() const
{
    return m_conn && PQpipelineStatus(m_conn) != PQ_PIPELINE_OFF;
}

void Connection::sendPrepared(const QByteArray &name, const Params &params)
{
    std::vector<const char *> values;
    values.reserve(params.size());
    for (const Param &p : params)
        values.push_back(p.isNull() ? nullptr : p.value().constData());
    if (!PQsendQueryPrepared(m_conn, name.constData(), int(params.size()), values.data(), nullptr, nullptr,
                             0))
        throw Exception(connectionError(QStringLiteral("queueing a statement")));
}

QList<Result> Connection::syncPipeline(int *failedIndex)
{
    sendPipelineSync();
    return readPipelineSync(failedIndex);
}

void Connection::sendPipelineSync()
{
    if (!PQpipelineSync(m_conn))
        throw Exception(connectionError(QStringLiteral("syncing the pipeline")));
    while (true) {
        const int f = PQflush(m_conn);
        if (f == 0)
            break;
        if (f < 0)
            throw Exception(connectionError(QStringLiteral("sending the pipeline")));
        waitSocket(true, Clock::time_point{});
    }
}

QList<Result> Connection::readPipelineSync(int *failedIndex)
{
    if (failedIndex)
        *failedIndex = -1;
    QList<Result> out;
    std::optional<Error> firstError;
    int failed = -1;
    while (true) {
        while (PQisBusy(m_conn)) {
            waitSocket(false, Clock::time_point{});
            if (!PQconsumeInput(m_conn))
                throw Exception(connectionError(QStringLiteral("reading pipeline results")));
        }
        pg_result *r = PQgetResult(m_conn);
        if (!r) {
            if (PQstatus(m_conn) == CONNECTION_BAD)
                throw Exception(connectionError(QStringLiteral("reading pipeline results")));
            continue; // the end of one statement's results
        }
        const auto st = PQresultStatus(r);
        if (st == PGRES_PIPELINE_SYNC) {
            PQclear(r);
            break;
        }
        if (st == PGRES_FATAL_ERROR || st == PGRES_BAD_RESPONSE) {
            if (!firstError) {
                firstError = resultError(r, QString());
                failed = int(out.size());
            }
            PQclear(r);
            out.append(Result());
            continue;
        }
        if (st == PGRES_PIPELINE_ABORTED) {
            PQclear(r);
            out.append(Result());
            continue;
        }
        out.append(Result(r));
    }
    if (firstError) {
        if (failedIndex)
            *failedIndex = failed;
        throw Exception(*firstError);
    }
    return out;
}

void Connection::exitPipeline()
{
    if (inPipeline() && !PQexitPipelineMode(m_conn))
        throw Exception(connectionError(QStringLiteral("leaving pipeline mode")));
}

} // namespace pgferry::pg
