// Connection parameters for libpq, built from a profile or a URI. The password is kept apart so
// that only the redacted form ever reaches a log, the screen, a report or a command line.
#pragma once

#include "pg/error.h"
#include "pg/passwordsource.h"

#include <QList>
#include <QMap>
#include <QString>
#include <memory>
#include <optional>

namespace pgferry::pg {

struct ConnInfo
{
    QString host;
    int port = 5432;
    QString user;
    QString database;
    QString sslmode;     // disable, allow, prefer, require, verify-ca, verify-full; empty: libpq default
    QString sslrootcert; // CA file for verify-ca/verify-full
    QString applicationName = QStringLiteral("pgferry");
    QString passfile; // libpq passfile, when not ~/.pgpass
    QString password; // never serialised, never logged
    // Asked for the password when `password` is empty, on every new connection (and for every
    // child's environment): a token that expires. Shared by copies; never serialised or logged.
    std::shared_ptr<PasswordSource> passwordSource;
    int connectTimeoutSeconds = 10;
    QMap<QString, QString> extra; // other libpq keywords (options, target_session_attrs, ...)

    // Parses a libpq URI or key=value string. A password found there is returned in `password`
    // so the caller can decide to move it to the keychain or refuse it.
    static std::optional<ConnInfo> parse(const QString &text, QString *errorMessage = nullptr);

    // A copy with `password` filled from passwordSource (when set and the password is empty), or
    // nullopt with *error saying why the source has none. Connection::open uses it.
    std::optional<ConnInfo> withSourcedPassword(QString *error) const;
    // libpq keywords and values, password included (from passwordSource when `password` is empty):
    // for PQconnectStartParams only.
    QList<std::pair<QByteArray, QByteArray>> keywords(bool replication = false) const;
    // postgresql://user@host:port/db?sslmode=... without the password: safe to log and to store.
    QString toUri() const;
    // Same as toUri() but marks that a password is set or where it comes from: for logs and reports.
    QString redacted() const;
    // The same server with another database.
    ConnInfo withDatabase(const QString &db) const;
    // Environment variables for a child process (pg_dump, pg_restore): PGHOST, PGPASSWORD, ...
    // Passwords go to children this way, never on their command line.
    QMap<QString, QString> childEnvironment() const;

    bool operator==(const ConnInfo &) const = default;
};

} // namespace pgferry::pg
