#include "azure/credential.h"
#include "azure/tokenstore.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcessEnvironment>
#include <QUrlQuery>
#include <cmath>

namespace pgferry::azure {

std::optional<TokenResponse> TokenResponse::parse(const QByteArray &body, QString *error)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        if (error)
            *error =
                QStringLiteral("the token endpoint answered with malformed JSON (%1)").arg(pe.errorString());
        return std::nullopt;
    }
    const QJsonObject o = doc.object();
    TokenResponse t;
    t.accessToken = o.value(u"access_token").toString();
    t.refreshToken = o.value(u"refresh_token").toString();
    t.scope = o.value(u"scope").toString();
    // expires_in is a number, though some endpoints send it as a string. A token lives minutes to
    // hours: anything else (not a number, negative, or beyond a year, which would not even fit the
    // conversion) counts as five minutes, so that it is renewed soon.
    const QJsonValue ev = o.value(u"expires_in");
    const double seconds = ev.isString() ? ev.toString().toDouble() : ev.toDouble(3600);
    const qint64 expiresIn =
        std::isfinite(seconds) && seconds >= 1 && seconds <= 366.0 * 86400 ? qint64(seconds) : 300;
    t.expiresOn = QDateTime::currentDateTimeUtc().addSecs(expiresIn);
    if (t.accessToken.isEmpty()) {
        if (error)
            *error = QStringLiteral("the token endpoint's answer has no access_token");
        return std::nullopt;
    }
    return t;
}

QString Credential::defaultPublicClientId()
{
    // The Azure CLI's public client, which Microsoft Entra ID accepts for the device-code flow
    // against Resource Manager in every tenant. Override with --client-id or AZURE_CLIENT_ID.
    return QStringLiteral("04b07795-8ddb-461a-bbee-02f9e1bf7b46");
}

Credential::Credential(Kind kind, const Cloud &cloud, const QString &tenant, const QString &clientId,
                       QObject *parent)
    : QObject(parent), m_kind(kind), m_cloud(cloud), m_tenant(tenant), m_clientId(clientId)
{}

Credential::~Credential()
{
    if (m_ownsNam)
        delete m_nam;
}

std::unique_ptr<Credential> Credential::forClientSecret(const Cloud &cloud, const QString &tenant,
                                                        const QString &clientId, const QString &clientSecret,
                                                        QObject *parent)
{
    std::unique_ptr<Credential> c(new Credential(Kind::ClientSecret, cloud, tenant, clientId, parent));
    c->m_clientSecret = clientSecret;
    return c;
}

std::unique_ptr<Credential> Credential::forUser(const Cloud &cloud, const QString &tenant,
                                                const QString &clientId, const TokenResponse &tokens,
                                                QObject *parent)
{
    std::unique_ptr<Credential> c(new Credential(Kind::User, cloud, tenant, clientId, parent));
    c->m_refreshToken = tokens.refreshToken;
    c->m_accessToken = tokens.accessToken;
    c->m_expiresOn = tokens.expiresOn;
    return c;
}

std::unique_ptr<Credential> Credential::fromEnvironment(const Cloud &cloud, const QString &tenantOverride,
                                                        QString *error)
{
    if (error)
        error->clear();
    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const QString secret = env.value(QStringLiteral("AZURE_CLIENT_SECRET"));
    if (secret.isEmpty())
        return nullptr;
    const QString tenant =
        tenantOverride.isEmpty() ? env.value(QStringLiteral("AZURE_TENANT_ID")) : tenantOverride;
    const QString clientId = env.value(QStringLiteral("AZURE_CLIENT_ID"));
    if (tenant.isEmpty() || clientId.isEmpty()) {
        if (error)
            *error = QStringLiteral("AZURE_CLIENT_SECRET is set but %1 is not; set AZURE_TENANT_ID and "
                                    "AZURE_CLIENT_ID for the service principal")
                         .arg(tenant.isEmpty() ? QStringLiteral("AZURE_TENANT_ID (or --tenant)")
                                               : QStringLiteral("AZURE_CLIENT_ID"));
        return nullptr;
    }
    if (tenant == u"common" || tenant == u"organizations" || tenant == u"consumers") {
        if (error)
            *error = QStringLiteral("a service principal signs in to a specific tenant; set AZURE_TENANT_ID "
                                    "to the tenant id, not \"%1\"")
                         .arg(tenant);
        return nullptr;
    }
    return forClientSecret(cloud, tenant, clientId, secret);
}

std::unique_ptr<Credential> Credential::fromStore(const Cloud &cloud, const QString &tenant,
                                                  TokenStore &store, QString *error)
{
    const QString key = QStringLiteral("azure/") + tenant;
    QString why;
    const auto data = store.read(key, &why);
    if (!data) {
        if (error)
            *error =
                why.isEmpty()
                    ? QStringLiteral("not signed in to Azure (tenant %1); run `pgferry-cli azure login%2` or "
                                     "set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET")
                          .arg(tenant,
                               tenant == u"organizations" ? QString() : QStringLiteral(" --tenant ") + tenant)
                    : why;
        return nullptr;
    }
    const QJsonObject o = QJsonDocument::fromJson(*data).object();
    TokenResponse t;
    t.refreshToken = o.value(u"refresh_token").toString();
    t.accessToken = o.value(u"access_token").toString();
    t.expiresOn = QDateTime::fromSecsSinceEpoch(qint64(o.value(u"expires_on").toDouble()), Qt::UTC);
    const QString clientId = o.value(u"client_id").toString(defaultPublicClientId());
    if (t.refreshToken.isEmpty() && t.accessToken.isEmpty()) {
        if (error)
            *error = QStringLiteral("the saved Azure sign-in for tenant %1 is unreadable; run `pgferry-cli "
                                    "azure login` again")
                         .arg(tenant);
        return nullptr;
    }
    if (o.value(u"cloud").toString() != cloud.name)
        t.accessToken.clear(); // a token for another cloud's endpoints is of no use here
    auto c = forUser(cloud, tenant, clientId, t);
    c->setTokenStore(&store, key);
    return c;
}

void Credential::setNetworkAccessManager(QNetworkAccessManager *nam)
{
    if (m_ownsNam)
        delete m_nam;
    m_nam = nam;
    m_ownsNam = false;
}

void Credential::setTokenStore(TokenStore *store, const QString &key)
{
    m_store = store;
    m_storeKey = key;
}

bool Credential::save(QString *error)
{
    if (!m_store || m_kind != Kind::User)
        return true;
    const QJsonObject o{
        {QStringLiteral("client_id"), m_clientId},
        {QStringLiteral("tenant"), m_tenant},
        {QStringLiteral("cloud"), m_cloud.name},
        {QStringLiteral("refresh_token"), m_refreshToken},
        {QStringLiteral("access_token"), m_scope.isEmpty() ? m_accessToken : QString()},
        {QStringLiteral("expires_on"), m_scope.isEmpty() ? double(m_expiresOn.toSecsSinceEpoch()) : 0.0}};
    return m_store->write(m_storeKey, QJsonDocument(o).toJson(QJsonDocument::Compact), error);
}

void Credential::setScope(const QString &scope)
{
    m_scope = scope == m_cloud.defaultScope() ? QString() : scope;
    invalidate();
}

QString Credential::scope() const
{
    return m_scope.isEmpty() ? m_cloud.defaultScope() : m_scope;
}

void Credential::invalidate()
{
    m_accessToken.clear();
    m_expiresOn = {};
}

void Credential::token(QObject *context, TokenCallback cb, bool forceRefresh)
{
    if (forceRefresh)
        invalidate();
    // Five minutes of margin, so that a token does not expire between here and ARM.
    if (!m_accessToken.isEmpty() && m_expiresOn.isValid() &&
        QDateTime::currentDateTimeUtc().addSecs(300) < m_expiresOn) {
        const QString t = m_accessToken;
        QMetaObject::invokeMethod(
            context ? context : this, [cb, t] { cb(t, {}); }, Qt::QueuedConnection);
        return;
    }
    m_waiters.append({QPointer<QObject>(context ? context : this), std::move(cb)});
    if (!m_fetching)
        fetch();
}

void Credential::fetch()
{
    if (m_kind == Kind::User && m_refreshToken.isEmpty()) {
        ArmError e;
        e.kind = ArmError::Kind::Auth;
        e.code = QStringLiteral("invalid_grant");
        e.object = QStringLiteral("Azure sign-in");
        e.message = QStringLiteral("the access token expired and there is no refresh token");
        deliver({}, e);
        return;
    }
    if (!m_nam) {
        m_nam = new QNetworkAccessManager;
        m_ownsNam = true;
    }
    m_fetching = true;
    QUrlQuery form;
    form.addQueryItem(QStringLiteral("client_id"), m_clientId);
    if (m_kind == Kind::ClientSecret) {
        form.addQueryItem(QStringLiteral("grant_type"), QStringLiteral("client_credentials"));
        form.addQueryItem(QStringLiteral("scope"), scope());
        form.addQueryItem(QStringLiteral("client_secret"), m_clientSecret);
    } else {
        form.addQueryItem(QStringLiteral("grant_type"), QStringLiteral("refresh_token"));
        form.addQueryItem(QStringLiteral("scope"), scope() + QStringLiteral(" offline_access"));
        form.addQueryItem(QStringLiteral("refresh_token"), m_refreshToken);
    }
    const QUrl url = m_cloud.tokenUrl(m_tenant);
    QNetworkRequest req(url);
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
    req.setTransferTimeout(m_timeoutMs);
    // Form values must be fully percent-encoded ('+' in a secret is not a space).
    QByteArray body;
    for (const auto &[k, v] : form.queryItems(QUrl::FullyDecoded)) {
        if (!body.isEmpty())
            body += '&';
        body += QUrl::toPercentEncoding(k) + '=' + QUrl::toPercentEncoding(v);
    }
    Q_EMIT logLine(QStringLiteral("POST %1 (grant_type=%2)")
                       .arg(url.toString(), m_kind == Kind::ClientSecret
                                                ? QStringLiteral("client_credentials")
                                                : QStringLiteral("refresh_token")));
    QNetworkReply *reply = m_nam->post(req, body);
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        m_fetching = false;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray data = status ? reply->readAll() : QByteArray(); // nothing to read after a timeout
        Q_EMIT logLine(QStringLiteral("token endpoint answered %1").arg(status));
        ArmError e;
        e.object = QStringLiteral("Azure sign-in (tenant %1)").arg(m_tenant);
        if (status == 0) {
            e.kind = reply->error() == QNetworkReply::OperationCanceledError ||
                             reply->error() == QNetworkReply::TimeoutError
                         ? ArmError::Kind::Timeout
                         : ArmError::Kind::Network;
            e.message = reply->errorString();
            deliver({}, e);
            return;
        }
        if (status != 200) {
            ArmError b = ArmError::fromBody(status, data);
            b.kind = ArmError::Kind::Auth;
            b.object = e.object;
            deliver({}, b);
            return;
        }
        QString why;
        auto t = TokenResponse::parse(data, &why);
        if (!t) {
            e.kind = ArmError::Kind::MalformedResponse;
            e.message = why;
            deliver({}, e);
            return;
        }
        m_accessToken = t->accessToken;
        m_expiresOn = t->expiresOn;
        if (!t->refreshToken.isEmpty())
            m_refreshToken = t->refreshToken; // refresh tokens rotate
        if (m_store && m_kind == Kind::User) {
            QString err;
            if (!save(&err))
                Q_EMIT logLine(QStringLiteral("could not save the refreshed Azure sign-in: %1").arg(err));
        }
        Q_EMIT tokensRefreshed();
        deliver(m_accessToken, {});
    });
}

void Credential::deliver(const QString &token, const ArmError &error)
{
    const QList<Waiter> waiters = std::exchange(m_waiters, {});
    for (const Waiter &w : waiters) {
        if (!w.context)
            continue;
        QMetaObject::invokeMethod(
            w.context.data(), [cb = w.cb, token, error] { cb(token, error); }, Qt::QueuedConnection);
    }
}

} // namespace pgferry::azure
