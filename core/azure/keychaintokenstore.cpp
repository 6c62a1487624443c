#include "azure/keychaintokenstore.h"

#include "project/secretstore.h"

namespace pgferry::azure {

std::optional<QByteArray> KeychainTokenStore::read(const QString &key, QString *error)
{
    const auto s = project::SecretStore::readSecret(key, error);
    if (!s)
        return std::nullopt;
    return s->toUtf8();
}

bool KeychainTokenStore::write(const QString &key, const QByteArray &data, QString *error)
{
    return project::SecretStore::writeSecret(key, QString::fromUtf8(data), error);
}

bool KeychainTokenStore::remove(const QString &key, QString *error)
{
    return project::SecretStore::deleteSecret(key, error);
}

} // namespace pgferry::azure
