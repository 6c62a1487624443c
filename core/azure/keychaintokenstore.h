// Azure tokens in the OS keychain through QtKeychain (service "pgferry", keys "azure/<tenant>").
// Each call waits for the keychain in a local event loop (bounded), so the GUI keeps painting.
#pragma once

#include "azure/tokenstore.h"

namespace pgferry::azure {

class KeychainTokenStore : public TokenStore
{
public:
    explicit KeychainTokenStore(QString service = QStringLiteral("pgferry"), int timeoutMs = 15000);
    std::optional<QByteArray> read(const QString &key, QString *error) override;
    bool write(const QString &key, const QByteArray &data, QString *error) override;
    bool remove(const QString &key, QString *error) override;

    static QString keyForTenant(const QString &tenant) { return QStringLiteral("azure/") + tenant; }

private:
    QString m_service;
    int m_timeoutMs;
};

} // namespace pgferry::azure
