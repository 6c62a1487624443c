// Helpers shared by the source and target probes and the cross-server checks.
#include "assess/probes.h"

namespace pgferry::assess::detail {

QString ident(const QString &name)
{
    // Without a live handle Connection::quoteIdent applies the standard rule: always quoted,
    // inner quotes doubled; the same output PQescapeIdentifier gives.
    static const pg::Connection noConnection;
    return noConnection.quoteIdent(name);
}

QString qualifiedName(const QString &schema, const QString &name)
{
    return ident(schema) + u'.' + ident(name);
}
QString displayName(const QString &schema, const QString &name)
{
    return schema + u'.' + name;
}

QString literal(const QString &value)
{
    QString s = value;
    s.replace(u'\'', QStringLiteral("''")); // standard_conforming_strings: backslashes are literal
    return u'\'' + s + u'\'';
}

QString hbaName(const QString &name)
{
    QString s = name;
    s.replace(u'"', QStringLiteral("\"\""));
    return u'"' + s + u'"';
}

Check makeCheck(const QString &id, Severity severity, const QString &database, const QStringList &objects,
                const QString &message, const QList<Fix> &fixes)
{
    Check c;
    c.id = id;
    c.severity = severity;
    c.database = database;
    c.objects = objects;
    c.message = message;
    c.setFixes(fixes);
    return c;
}

bool isCancelled(const AssessmentInput &in)
{
    return in.cancel && in.cancel->load();
}

Check connectivityCheck(const QString &id, const pg::Error &error, const pg::ConnInfo &info,
                        const QString &database)
{
    const bool source = id.startsWith(u"source");
    const QString server = source ? QStringLiteral("source") : QStringLiteral("target");
    const QString where = QStringLiteral("%1:%2").arg(info.host).arg(info.port);
    const QString lower = error.message.toLower();
    QString kind;
    QList<Fix> fixes;
    const FixTarget conf = source ? FixTarget::SourceConfig : FixTarget::TargetConfig;
    const FixTarget hba = source ? FixTarget::SourceHba : FixTarget::TargetConfig;
    const FixTarget sql = source ? FixTarget::SourceSql : FixTarget::TargetSql;
    const QString envVar =
        source ? QStringLiteral("PGFERRY_SOURCE_PASSWORD") : QStringLiteral("PGFERRY_TARGET_PASSWORD");
    switch (error.category) {
    case pg::ErrorCategory::Auth:
        if (lower.contains(u"pg_hba.conf")) {
            kind = QStringLiteral("Authentication (no pg_hba.conf entry)");
            fixes << Fix{hba,
                         {},
                         QStringLiteral("hostssl %1 %2 <address of this machine>/32 scram-sha-256")
                             .arg(hbaName(info.database), hbaName(info.user))};
        } else if (lower.contains(u"role") && lower.contains(u"does not exist")) {
            kind = QStringLiteral("Authentication (unknown user)");
            fixes << Fix{
                sql, {}, QStringLiteral("CREATE ROLE %1 LOGIN PASSWORD '<password>';").arg(ident(info.user))};
        } else {
            kind = QStringLiteral("Authentication");
            fixes << Fix{
                FixTarget::Manual,
                {},
                QStringLiteral(
                    "Check the user name and password of the %1 (user \"%2\"). For pipelines set %3, "
                    "or store the password in the keychain, or use ~/.pgpass.")
                    .arg(server, info.user, envVar)};
        }
        break;
    case pg::ErrorCategory::Tls:
        kind = QStringLiteral("TLS");
        if (source && lower.contains(u"does not support ssl"))
            fixes << Fix{
                conf,
                {},
                QStringLiteral("ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n"
                               "ssl_min_protocol_version = 'TLSv1.2'")};
        fixes << Fix{
            FixTarget::Manual,
            {},
            QStringLiteral(
                "Check sslmode (now \"%1\") and the CA file (sslrootcert) of the %2 connection; "
                "verify-full needs the server's CA certificate and a certificate matching the host name.")
                .arg(info.sslmode.isEmpty() ? QStringLiteral("prefer") : info.sslmode, server)};
        break;
    case pg::ErrorCategory::Timeout:
        kind = QStringLiteral("Timeout");
        fixes << Fix{
            FixTarget::Manual,
            {},
            source
                ? QStringLiteral("The source at %1 did not answer in time. Check the host and port, and "
                                 "firewalls between this machine and the server.")
                      .arg(where)
                : QStringLiteral("The target at %1 did not answer in time. Check the host and port and the "
                                 "firewall; for Azure allow this machine's address:\n"
                                 "az postgres flexible-server firewall-rule create --resource-group <group> "
                                 "--name <server> --rule-name pgferry --start-ip-address <your ip> "
                                 "--end-ip-address <your ip>")
                      .arg(where)};
        break;
    case pg::ErrorCategory::NotFound:
        kind = QStringLiteral("Database not found");
        fixes << Fix{sql, {}, QStringLiteral("CREATE DATABASE %1;").arg(ident(info.database))};
        break;
    case pg::ErrorCategory::Cancelled:
        kind = QStringLiteral("Cancelled");
        break;
    default:
        if (lower.contains(u"could not translate host name") ||
            lower.contains(u"name or service not known") ||
            lower.contains(u"temporary failure in name resolution")) {
            kind = QStringLiteral("DNS");
            fixes << Fix{
                FixTarget::Manual,
                {},
                QStringLiteral(
                    "The host name \"%1\" does not resolve. Check its spelling and this machine's DNS.")
                    .arg(info.host)};
        } else if (lower.contains(u"connection refused")) {
            kind = QStringLiteral("Refused");
            if (source)
                fixes << Fix{conf, {}, QStringLiteral("listen_addresses = '*'\nport = %1").arg(info.port)};
            fixes << Fix{
                FixTarget::Manual,
                {},
                QStringLiteral("Nothing listens on %1. Check that the %2 server runs and the port is right.")
                    .arg(where, server)};
        } else {
            kind = QStringLiteral("Connection");
            fixes << Fix{FixTarget::Manual,
                         {},
                         error.hint.isEmpty()
                             ? QStringLiteral("Check that the %1 server at %2 runs and is reachable.")
                                   .arg(server, where)
                             : error.hint};
        }
        break;
    }
    Check c = makeCheck(
        id, Severity::Blocker, database, {info.redacted()},
        QStringLiteral("%1: cannot connect to the %2 %3%4: %5")
            .arg(kind, server, where,
                 database.isEmpty() ? QString() : QStringLiteral(" (database \"%1\")").arg(database),
                 error.message),
        fixes);
    return c;
}

void runProbe(const AssessmentInput &in, const QString &side, const pg::ConnInfo &info, QList<Check> &checks,
              bool &reachable, int &version, const std::function<pg::Connection()> &open,
              const std::function<void(pg::Connection &)> &body)
{
    const QString id = side + QStringLiteral(".connectivity");
    try {
        pg::Connection c = open();
        reachable = true;
        version = c.serverVersion();
        checks << makeCheck(id, Severity::Pass, {}, {info.redacted()},
                            QStringLiteral("Connected to the %1 %2 (PostgreSQL %3).")
                                .arg(side, info.redacted(), c.parameterStatus("server_version")));
        body(c);
    } catch (const pg::Exception &e) {
        if (isCancelled(in))
            return;
        checks << connectivityCheck(id, e.error(), info, {});
    } catch (const std::exception &e) {
        checks << makeCheck(
            id, Severity::Blocker, {}, {},
            QStringLiteral("The %1 assessment stopped: %2").arg(side, QString::fromUtf8(e.what())));
    }
}

} // namespace pgferry::assess::detail
