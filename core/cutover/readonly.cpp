#include "cutover/readonly.h"

namespace pgferry::cutover {

QString writableSql(const pg::Connection &c, const QString &database)
{
    return QStringLiteral("ALTER DATABASE %1 RESET default_transaction_read_only")
        .arg(c.quoteIdent(database));
}

void writeDespiteReadOnly(pg::Connection &c)
{
    c.exec(QStringLiteral("SET default_transaction_read_only = off"));
}

void makeReadOnly(pg::Connection &c, const QString &database)
{
    c.exec(QStringLiteral("ALTER DATABASE %1 SET default_transaction_read_only = on")
               .arg(c.quoteIdent(database)));
}

std::optional<pg::Error> makeWritable(pg::Connection &c, const QString &database)
{
    return c.tryExec(writableSql(c, database));
}

std::optional<pg::Error> endOtherSessions(pg::Connection &c)
{
    // Before 10 pg_stat_activity shows client backends only, and has no backend_type.
    QString others = QStringLiteral("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                    "WHERE datname = current_database() AND pid <> pg_backend_pid()");
    if (c.serverVersion() >= 100000)
        others += QStringLiteral(" AND backend_type = 'client backend'");
    return c.tryExec(others);
}

} // namespace pgferry::cutover
