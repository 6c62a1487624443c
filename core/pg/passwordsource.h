// A password that is fetched when a connection opens instead of being stored: a Microsoft Entra ID
// access token for Azure Database for PostgreSQL (azure/entrapasswordsource.h) lives 5 to 60
// minutes, a migration lasts days. ConnInfo holds one and is copied between threads, so every
// implementation is thread-safe. What it returns is a secret: never logged, never stored.
#pragma once

#include <QString>

namespace pgferry::pg {

class PasswordSource
{
public:
    virtual ~PasswordSource();
    // A password valid for at least the next few minutes; may block (a network round trip). Empty
    // with *error saying what failed and what to do.
    virtual QString password(QString *error) = 0;
    // What the password is, for logs and errors, e.g. "a Microsoft Entra ID token". Never the secret.
    virtual QString description() const = 0;
};

} // namespace pgferry::pg
