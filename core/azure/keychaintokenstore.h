// Azure sign-ins in the OS keychain (service "pgferry", keys "azure/<tenant>"), through
// project::SecretStore, which runs QtKeychain with a bounded local event loop.
#pragma once

#include "azure/tokenstore.h"

namespace pgferry::azure {

class KeychainTokenStore : public TokenStore
{
public:
    std::optional<QByteArray> read(const QString &key, QString *error) override;
    bool write(const QString &key, const QByteArray &data, QString *error) override;
    bool remove(const QString &key, QString *error) override;

    static QString keyForTenant(const QString &tenant) { return QStringLiteral("azure/") + tenant; }
};

} // namespace pgferry::azure
