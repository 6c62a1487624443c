// An Azure identity that hands out ARM access tokens: a service principal with a client secret
// (AZURE_TENANT_ID / AZURE_CLIENT_ID / AZURE_CLIENT_SECRET), or a signed-in user whose refresh
// token came from the device-code flow (devicecodeflow.h) and lives in a TokenStore. Asynchronous:
// never blocks the calling thread. Tokens and secrets are never logged.
#pragma once

#include "azure/armerror.h"
#include "azure/cloud.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>
#include <optional>

class QNetworkAccessManager;

namespace pgferry::azure {

class TokenStore;

// A token endpoint's success answer.
struct TokenResponse
{
    QString accessToken;
    QString refreshToken;
    QDateTime expiresOn;
    QString scope;

    // Parses {token_type, access_token, refresh_token?, expires_in, scope}; nullopt with *error otherwise.
    static std::optional<TokenResponse> parse(const QByteArray &body, QString *error);
};

class Credential : public QObject
{
    Q_OBJECT
public:
    enum class Kind { ClientSecret, User };
    using TokenCallback = std::function<void(const QString &accessToken, const ArmError &error)>;

    // Well-known public client used for the device-code sign-in unless another is given.
    static QString defaultPublicClientId();

    static std::unique_ptr<Credential> forClientSecret(const Cloud &cloud, const QString &tenant,
                                                       const QString &clientId, const QString &clientSecret,
                                                       QObject *parent = nullptr);
    static std::unique_ptr<Credential> forUser(const Cloud &cloud, const QString &tenant,
                                               const QString &clientId, const TokenResponse &tokens,
                                               QObject *parent = nullptr);
    // AZURE_TENANT_ID / AZURE_CLIENT_ID / AZURE_CLIENT_SECRET (tenantOverride wins over the variable).
    // nullptr when AZURE_CLIENT_SECRET is unset (error empty) or the others are missing (error set).
    static std::unique_ptr<Credential> fromEnvironment(const Cloud &cloud, const QString &tenantOverride,
                                                       QString *error);
    // A user sign-in saved by save(); nullptr with *error when there is none or it is unreadable.
    static std::unique_ptr<Credential> fromStore(const Cloud &cloud, const QString &tenant, TokenStore &store,
                                                 QString *error);

    ~Credential() override;

    Kind kind() const { return m_kind; }
    const Cloud &cloud() const { return m_cloud; }
    QString tenant() const { return m_tenant; }
    QString clientId() const { return m_clientId; }
    bool hasRefreshToken() const { return !m_refreshToken.isEmpty(); }

    // Calls cb (in context's thread, once) with a valid access token or an error. forceRefresh
    // fetches a new one even if the cached token looks valid (after a 401).
    void token(QObject *context, TokenCallback cb, bool forceRefresh = false);
    // Forgets the access token (kept refresh token); the next token() fetches a new one.
    void invalidate();

    // Keeps the sign-in (refresh token, access token and expiry) in store under key after every
    // refresh; save() writes it now. Only user sign-ins are saved; a client secret never is.
    void setTokenStore(TokenStore *store, const QString &key);
    bool save(QString *error);

    // The scope tokens are asked for: empty (the default) is Resource Manager's,
    // cloud().defaultScope(); another, e.g. Cloud::databaseScope(), makes this credential hand out
    // tokens for that resource only. Forgets the cached token. A credential for another scope never
    // writes its access token to the store (the store's is Resource Manager's), only the refresh token.
    void setScope(const QString &scope);
    QString scope() const;

    void setNetworkAccessManager(QNetworkAccessManager *nam);
    void setRequestTimeoutMs(int ms) { m_timeoutMs = ms; }

Q_SIGNALS:
    void logLine(const QString &line);
    void tokensRefreshed();

private:
    Credential(Kind kind, const Cloud &cloud, const QString &tenant, const QString &clientId,
               QObject *parent);
    void fetch();
    void deliver(const QString &token, const ArmError &error);

    Kind m_kind;
    Cloud m_cloud;
    QString m_tenant;
    QString m_clientId;
    QString m_clientSecret;
    QString m_scope; // empty: m_cloud.defaultScope()
    QString m_refreshToken;
    QString m_accessToken;
    QDateTime m_expiresOn;
    TokenStore *m_store = nullptr;
    QString m_storeKey;
    QNetworkAccessManager *m_nam = nullptr;
    bool m_ownsNam = false;
    bool m_fetching = false;
    int m_timeoutMs = 60000;
    struct Waiter
    {
        QPointer<QObject> context;
        TokenCallback cb;
    };
    QList<Waiter> m_waiters;
};

} // namespace pgferry::azure

Q_DECLARE_METATYPE(pgferry::azure::TokenResponse)
