// RAII owners of libpq connections and results. One connection belongs to one thread; only
// cancellation (an atomic flag plus PQcancel) crosses threads.
#pragma once

#include "pg/conninfo.h"
#include "pg/error.h"

#include <QByteArray>
#include <QString>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

struct pg_conn;
struct pg_result;
struct pg_cancel;

namespace pgferry::pg {

// A query parameter in text format; a default-constructed Param is SQL NULL.
class Param
{
public:
    Param() = default;
    Param(std::nullptr_t) {}
    Param(const QString &s) : m_value(s.toUtf8()), m_null(s.isNull()) {}
    Param(const QByteArray &b) : m_value(b), m_null(false) {}
    Param(const char *s) : m_value(s), m_null(s == nullptr) {}
    Param(qint64 v) : m_value(QByteArray::number(v)), m_null(false) {}
    Param(int v) : m_value(QByteArray::number(v)), m_null(false) {}
    Param(bool v) : m_value(v ? "true" : "false"), m_null(false) {}
    bool isNull() const { return m_null; }
    const QByteArray &value() const { return m_value; }

private:
    QByteArray m_value;
    bool m_null = true;
};
using Params = std::vector<Param>;

class Result
{
public:
    Result() = default;
    explicit Result(pg_result *r);
    int rows() const;
    int columns() const;
    bool isNull(int row, int col) const;
    QString text(int row, int col) const; // UTF-8 decoded
    QByteArray bytes(int row, int col) const;
    qint64 toInt(int row, int col, qint64 fallback = 0) const;
    double toDouble(int row, int col) const;
    bool toBool(int row, int col) const; // 't' / 'true'
    int column(const char *name) const;  // -1 when absent
    QString fieldName(int col) const;
    qint64 affectedRows() const;
    bool isValid() const { return m_res != nullptr; }

private:
    struct Deleter
    {
        void operator()(pg_result *r) const;
    };
    std::shared_ptr<pg_result> m_res;
};

// Thread-safe: may be called from any thread to cancel what the connection runs now.
class Canceller
{
public:
    Canceller() = default;
    explicit Canceller(pg_conn *conn);
    bool cancel() const;

private:
    struct Deleter
    {
        void operator()(pg_cancel *c) const;
    };
    std::shared_ptr<pg_cancel> m_cancel;
};

struct ConnectOptions
{
    std::chrono::milliseconds timeout{10000};
    const std::atomic_bool *cancel = nullptr; // set from another thread to abandon the attempt
    bool replication = false;                 // replication=database (walsender) connection
};

class Connection
{
public:
    Connection();
    ~Connection();
    Connection(Connection &&) noexcept;
    Connection &operator=(Connection &&) noexcept;
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;

    // Non-blocking connect with a deadline and a cancel flag. Throws pg::Exception with a
    // categorised error (DNS, refused, timeout, authentication, TLS told apart).
    static Connection open(const ConnInfo &info, const ConnectOptions &options = {});

    bool isOpen() const;
    void close();
    int serverVersion() const; // e.g. 150004
    QString parameterStatus(const char *name) const;
    const ConnInfo &info() const { return m_info; }
    int backendPid() const;

    // The flag that, when set from another thread, cancels the running statement.
    void setCancelFlag(const std::atomic_bool *flag) { m_cancelFlag = flag; }
    // A deadline for every following statement; zero means none.
    void setStatementTimeout(std::chrono::milliseconds t) { m_statementTimeout = t; }
    // A watchdog for waits on the server: after `idle` without a byte from it, `probe` is asked
    // whether the session still works (empty answer) or is stalled (the reason). A stalled session
    // throws a Timeout error naming the reason; the caller closes and reconnects. Asked again every
    // `idle` while the wait goes on. For links that may stall without TCP noticing (a middlebox
    // that keeps the socket open and forwards nothing). Zero idle or no probe: no watchdog.
    using LivenessProbe = std::function<QString()>;
    void setLivenessProbe(std::chrono::milliseconds idle, LivenessProbe probe)
    {
        m_probeIdle = idle;
        m_probe = std::move(probe);
    }
    Canceller canceller() const;

    // Runs SQL (several statements allowed when there are no parameters). Throws on error.
    Result exec(const QString &sql, const Params &params = {});
    // Same, returning the error instead of throwing.
    std::optional<Error> tryExec(const QString &sql, const Params &params = {}, Result *out = nullptr);

    // Pipeline mode: statements are queued without waiting for each answer; syncPipeline() sends a
    // sync and reads every queued result in order. Keep the depth bounded (a few hundred) so that
    // neither side's socket buffer fills up. Plain exec() is not allowed while in pipeline mode.
    void enterPipeline();
    bool inPipeline() const;
    void sendPrepared(const QByteArray &name, const Params &params);
    // One Result per queued statement. On an error, *failedIndex is the failing statement's index,
    // the rest of the queue was aborted by the server, and the error is thrown.
    QList<Result> syncPipeline(int *failedIndex = nullptr);
    // The same in two halves, so that one group of statements runs on the server while the next
    // is queued: sendPipelineSync() ends a group (sends a sync point), readPipelineSync() reads the
    // results of the oldest group not read yet, up to its sync point.
    void sendPipelineSync();
    QList<Result> readPipelineSync(int *failedIndex = nullptr);
    void exitPipeline();

    // Server-side prepared statements (extended protocol). paramTypes are type oids, 0 lets the
    // server infer the type. A statement lives as long as the session.
    void prepare(const QByteArray &name, const QString &sql, const std::vector<quint32> &paramTypes);
    Result execPrepared(const QByteArray &name, const Params &params);

    QString quoteIdent(const QString &name) const;
    QString quoteLiteral(const QString &value) const;
    // "schema"."name", each part quoted.
    QString qualified(const QString &schema, const QString &name) const;

    // COPY ... TO STDOUT; calls sink for every chunk the server sends (one row in text mode).
    // Returns the number of rows the server reports.
    qint64 copyOut(const QString &sql, const std::function<void(const char *, int)> &sink);
    // COPY ... FROM STDIN: begin, put any number of chunks, end (commits the COPY command).
    void beginCopyIn(const QString &sql);
    void putCopyData(const char *data, int len);
    qint64 endCopyIn();
    // Abandons a COPY FROM STDIN with an error message; the command fails on the server.
    void abortCopyIn(const QString &reason);

    // Raw access for the other classes of core/pg (replication, pipeline); not for other layers.
    pg_conn *raw() const { return m_conn; }
    // Waits until the socket is readable (or writable), honouring the cancel flag and deadline.
    // With cancelOnDeadline false, an elapsed deadline only throws Timeout (a poll, not a stuck
    // statement) and the server is left alone.
    void waitSocket(bool forWrite, std::chrono::steady_clock::time_point deadline,
                    bool cancelOnDeadline = true);
    Error connectionError(const QString &context = {}) const;
    Error resultError(pg_result *r, const QString &context = {}) const;
    [[noreturn]] void raise(const Error &e);

private:
    Result collect(const QString &context);
    pg_conn *m_conn = nullptr;
    ConnInfo m_info;
    const std::atomic_bool *m_cancelFlag = nullptr;
    std::chrono::milliseconds m_statementTimeout{0};
    Canceller m_canceller;
    std::chrono::milliseconds m_probeIdle{0};
    LivenessProbe m_probe;
};

// Classifies a libpq connection failure message (there is no SQLSTATE before a session exists).
Error classifyConnectionFailure(const QString &message, const ConnInfo &info);

} // namespace pgferry::pg
