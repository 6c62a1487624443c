// Where signed-in Azure tokens are kept between runs: an interface, and an in-memory store for
// tests and for runs that must not touch the keychain. The OS keychain store is keychaintokenstore.h.
#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>

#include <optional>

namespace pgferry::azure {

class TokenStore
{
public:
    virtual ~TokenStore() = default;
    // nullopt when there is no entry (error empty) or the store failed (error set).
    virtual std::optional<QByteArray> read(const QString &key, QString *error) = 0;
    virtual bool write(const QString &key, const QByteArray &data, QString *error) = 0;
    virtual bool remove(const QString &key, QString *error) = 0;
};

class MemoryTokenStore : public TokenStore
{
public:
    std::optional<QByteArray> read(const QString &key, QString *error) override
    {
        if (error)
            error->clear();
        auto it = m_entries.constFind(key);
        if (it == m_entries.cend())
            return std::nullopt;
        return *it;
    }
    bool write(const QString &key, const QByteArray &data, QString *) override
    {
        m_entries.insert(key, data);
        return true;
    }
    bool remove(const QString &key, QString *) override
    {
        m_entries.remove(key);
        return true;
    }
    int size() const { return int(m_entries.size()); }

private:
    QHash<QString, QByteArray> m_entries;
};

} // namespace pgferry::azure
