#include "pg/error.h"

namespace pgferry::pg {

QString categoryName(ErrorCategory c)
{
    switch (c) {
    case ErrorCategory::None:
        return QStringLiteral("none");
    case ErrorCategory::Connection:
        return QStringLiteral("connection");
    case ErrorCategory::Auth:
        return QStringLiteral("authentication");
    case ErrorCategory::Tls:
        return QStringLiteral("tls");
    case ErrorCategory::Privilege:
        return QStringLiteral("privilege");
    case ErrorCategory::Syntax:
        return QStringLiteral("syntax");
    case ErrorCategory::Integrity:
        return QStringLiteral("integrity");
    case ErrorCategory::Serialization:
        return QStringLiteral("serialization");
    case ErrorCategory::Resource:
        return QStringLiteral("resource");
    case ErrorCategory::NotFound:
        return QStringLiteral("not-found");
    case ErrorCategory::Cancelled:
        return QStringLiteral("cancelled");
    case ErrorCategory::Shutdown:
        return QStringLiteral("shutdown");
    case ErrorCategory::Timeout:
        return QStringLiteral("timeout");
    case ErrorCategory::Protocol:
        return QStringLiteral("protocol");
    case ErrorCategory::Data:
        return QStringLiteral("data");
    case ErrorCategory::Other:
        return QStringLiteral("other");
    }
    return QStringLiteral("other");
}

ErrorCategory Error::categoryFromSqlState(const QString &s)
{
    if (s.isEmpty())
        return ErrorCategory::Other;
    if (s == u"42501")
        return ErrorCategory::Privilege;
    if (s == u"3D000" || s == u"42P01" || s == u"42704" || s == u"42883" || s == u"3F000")
        return ErrorCategory::NotFound;
    if (s == u"57014")
        return ErrorCategory::Cancelled;
    if (s == u"53300") // too many connections: a resource, retry later
        return ErrorCategory::Resource;
    const QStringView cls = QStringView(s).left(2);
    if (cls == u"08")
        return ErrorCategory::Connection;
    if (cls == u"28")
        return ErrorCategory::Auth;
    if (cls == u"42")
        return ErrorCategory::Syntax;
    if (cls == u"23")
        return ErrorCategory::Integrity;
    if (cls == u"40")
        return ErrorCategory::Serialization;
    if (cls == u"53" || cls == u"54")
        return ErrorCategory::Resource;
    if (cls == u"57")
        return s.startsWith(u"57P") ? ErrorCategory::Shutdown : ErrorCategory::Other;
    if (cls == u"22")
        return ErrorCategory::Data;
    return ErrorCategory::Other;
}

bool Error::retryable() const
{
    switch (category) {
    case ErrorCategory::Connection:
    case ErrorCategory::Serialization:
    case ErrorCategory::Shutdown:
    case ErrorCategory::Timeout:
        return true;
    case ErrorCategory::Resource:
        // Disk full (53100) will not heal by itself quickly; too many connections and OOM may.
        return sqlstate != u"53100";
    default:
        return false;
    }
}

bool Error::breaksConnection() const
{
    return category == ErrorCategory::Connection || category == ErrorCategory::Shutdown ||
           category == ErrorCategory::Protocol || category == ErrorCategory::Timeout ||
           category == ErrorCategory::Tls || category == ErrorCategory::Auth;
}

QString Error::toString() const
{
    QString out;
    if (!context.isEmpty())
        out += context + u": ";
    out += message.trimmed();
    if (!sqlstate.isEmpty())
        out += u" (SQLSTATE " + sqlstate + u')';
    if (!detail.isEmpty())
        out += u" DETAIL: " + detail.trimmed();
    if (!hint.isEmpty())
        out += u" HINT: " + hint.trimmed();
    return out;
}

Error Error::client(ErrorCategory c, const QString &message, const QString &context)
{
    Error e;
    e.category = c;
    e.message = message;
    e.context = context;
    return e;
}

Exception::Exception(Error e) : m_error(std::move(e)), m_what(m_error.toString().toStdString()) {}

} // namespace pgferry::pg
