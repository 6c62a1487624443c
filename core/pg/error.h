// One error value for everything libpq and the server can report, typed from SQLSTATE
// (after libpqxx's error model), plus an exception that carries it inside core.
#pragma once

#include <QString>
#include <exception>
#include <string>

namespace pgferry::pg {

enum class ErrorCategory {
    None,
    Connection,    // cannot reach the server, or the link broke (08xxx, socket errors)
    Auth,          // wrong password, no pg_hba entry (28xxx)
    Tls,           // TLS negotiation or certificate verification failed
    Privilege,     // insufficient privilege (42501)
    Syntax,        // SQL the server cannot parse or resolve (42xxx)
    Integrity,     // constraint violations (23xxx)
    Serialization, // serialization failure, deadlock (40xxx)
    Resource,      // disk full, out of memory, too many connections (53xxx)
    NotFound,      // undefined object, database, table (3D000, 42P01, 42704)
    Cancelled,     // query cancelled by us (57014) or by the operator
    Shutdown,      // server shutting down or crashed (57Pxx)
    Timeout,       // our own deadline elapsed
    Protocol,      // unexpected protocol state, client-side misuse
    Data,          // bad data (22xxx)
    Other,
};

QString categoryName(ErrorCategory c);

struct Error
{
    ErrorCategory category = ErrorCategory::None;
    QString sqlstate; // five characters, empty for client-side errors
    QString message;  // primary message
    QString detail;
    QString hint;
    QString context; // what pgferry was doing, e.g. "copying table public.film"

    bool isError() const { return category != ErrorCategory::None; }
    // Whether trying the same operation again, perhaps on a new connection, may succeed.
    bool retryable() const;
    // Whether the connection that produced this error must be discarded.
    bool breaksConnection() const;
    // "context: message (SQLSTATE 42501) DETAIL: … HINT: …" on one line, for logs and users.
    QString toString() const;

    static ErrorCategory categoryFromSqlState(const QString &sqlstate);
    static Error client(ErrorCategory c, const QString &message, const QString &context = {});
};

class Exception : public std::exception
{
public:
    explicit Exception(Error e);
    const Error &error() const noexcept { return m_error; }
    const char *what() const noexcept override { return m_what.c_str(); }

private:
    Error m_error;
    std::string m_what;
};

} // namespace pgferry::pg
