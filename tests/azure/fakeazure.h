// A fake Azure Resource Manager and Microsoft identity platform for the Azure tests, on 127.0.0.1
// (plain QTcpServer, HTTP/1.1, one request per connection). It answers with the official example
// responses from tests/data/azure-specs (copied from ../shared), and checks every request against the
// contracts: method, path, api-version, bearer token, content type and the required body fields of each
// operation. Contract violations are collected in violations() (and answered 400) so that tests can assert
// none.
#pragma once

#include "azure/cloud.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QRegularExpression>
#include <QSet>
#include <QStringList>
#include <QTcpServer>
#include <QUrlQuery>

#include <functional>
#include <optional>

namespace pgferry::test {

struct FakeRequest
{
    QByteArray method;
    QString path; // decoded path, without the query
    QUrlQuery query;
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QByteArray body;

    QString apiVersion() const { return query.queryItemValue(QStringLiteral("api-version")); }
    QByteArray header(const char *name) const { return headers.value(QByteArray(name).toLower()); }
    QJsonObject json() const;
    QUrlQuery form() const;
};

struct FakeResponse
{
    int status = 200;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    int delayMs = 0;

    static FakeResponse json(int status, const QJsonObject &body);
    static FakeResponse armError(int status, const QString &code, const QString &message);
    static FakeResponse raw(int status, const QByteArray &body);
    FakeResponse &header(const QByteArray &name, const QByteArray &value)
    {
        headers.append({name, value});
        return *this;
    }
};

class FakeAzure : public QObject
{
    Q_OBJECT
public:
    using Handler = std::function<FakeResponse(const FakeRequest &)>;

    explicit FakeAzure(QObject *parent = nullptr);

    QString baseUrl() const;
    azure::Cloud cloud() const;
    // Writes the `az cloud show`-shaped configuration for this fake; returns its path.
    QString writeCloudConfig(const QString &dir) const;

    // Routes: the most recently registered matching route answers. pathPattern is a regular
    // expression matched (case-insensitively) against the whole path.
    void on(const QByteArray &method, const QString &pathPattern, Handler handler);

    // Fault injection: the next `times` requests matching method and path (after the contract and
    // token checks) get `response` instead of their route's answer (e.g. 429 with Retry-After, 403).
    void failNext(const QByteArray &method, const QString &pathPattern, const FakeResponse &response,
                  int times = 1);

    QList<FakeRequest> requests() const { return m_requests; }
    int count(const QByteArray &method, const QString &pathPattern) const;
    QStringList violations() const { return m_violations; }
    QStringList unhandled() const { return m_unhandled; }
    void clearLog();

    // Identity: the tenant, the service principal, and the tokens issued.
    QString tenant = QStringLiteral("00000000-1111-2222-3333-444444444444");
    QString clientId = QStringLiteral("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
    QString clientSecret = QStringLiteral("Sup3r~Secret+Value/==");
    QString resourceId = QStringLiteral("https://management.core.windows.net/");
    QString issueAccessToken();
    // Azure Database for PostgreSQL's scope: the identity endpoint issues tokens for it too (with
    // either grant). They are not Resource Manager tokens: ARM refuses them.
    QString databaseScope = QStringLiteral("https://ossrdbms-aad.database.windows.net/.default");
    int tokenLifetimeSeconds = 3599; // expires_in of every token issued
    // Called with each access token issued (the scope asked for, without offline_access), before the
    // answer goes out: a test sets a database role's password to it.
    std::function<void(const QString &scope, const QString &token)> onTokenIssued;
    QStringList tokensIssuedFor(const QString &scope) const { return m_issuedByScope.value(scope); }
    // The device-code endpoint's answer: user code WXYZ-1234, valid 15 minutes, poll at once.
    static FakeResponse deviceCodeAnswer();
    QString issueRefreshToken();
    void expireAccessTokens() { m_accessTokens.clear(); }
    int tokensIssued() const { return m_tokenCounter; }
    QSet<QString> refreshTokens() const { return m_refreshTokens; }

    // The official examples. example() is the whole file; exampleBody() one response's body with
    // https://management.azure.com rewritten to this fake's address.
    static QJsonObject example(const QString &relativePath);
    QJsonObject exampleBody(const QString &relativePath, const QString &status) const;
    QByteArray rewrite(const QByteArray &json) const;
    // An LRO acceptance (202 with Azure-AsyncOperation and Location pointing at this fake).
    FakeResponse accepted(const QString &operationId, int retryAfterSeconds = 0) const;

    // A flexible server's parameters (Configurations_Get, _Put, _Update) and its restart
    // (Servers_Restart: POST .../restart, 202 with Azure-AsyncOperation and Location, final state via
    // Location), as the contract describes: a static parameter's new value is reported with
    // isConfigPendingRestart until the server restarts. Faults: restartFailure (the operation ends
    // Failed with that error) and the routes a test registers afterwards (429, 403, ...).
    void serveServerParameters(const QString &serverId, const QHash<QString, QString> &values);
    QHash<QString, QString> parameterValues; // in effect
    QHash<QString, QString> pendingValues;   // set, in effect after the next restart
    int restarts = 0;
    QJsonObject restartFailure; // non-empty: the restart ends Failed with this error object

    // Azure Monitor action groups (2023-01-01) and metric alerts (2018-03-01) in any resource group:
    // GET (404 when absent) and PUT (201 created, 200 replaced), kept in monitorResources by
    // lower-case path. The contract check refuses a metric that flexible servers do not emit.
    void serveMonitor();
    QHash<QString, QJsonObject> monitorResources;
    // The first criterion (properties.criteria.allOf[0]) of the metric alert stored at `ruleId`
    // (any case); empty when there is none.
    QJsonObject alertCriterion(const QString &ruleId) const;

private:
    QJsonObject configuration(const QString &serverId, const QString &name) const;
    void onConnection();
    void dispatch(class QTcpSocket *socket, const FakeRequest &req);
    FakeResponse answer(const FakeRequest &req);
    std::optional<FakeResponse> armIdFault(const FakeRequest &req);
    FakeResponse identity(const FakeRequest &req);
    bool checkContract(const FakeRequest &req, QString *violation);
    static void send(QTcpSocket *socket, const FakeResponse &r);

    QTcpServer m_server;
    struct Route
    {
        QByteArray method;
        QRegularExpression path;
        Handler handler;
    };
    QList<Route> m_routes;
    struct Fault
    {
        QByteArray method;
        QRegularExpression path;
        FakeResponse response;
        int times = 0;
    };
    QList<Fault> m_faults;
    QList<FakeRequest> m_requests;
    QStringList m_violations;
    QStringList m_unhandled;
    QSet<QString> m_accessTokens;
    QHash<QString, QStringList> m_issuedByScope;
    QSet<QString> m_refreshTokens;
    int m_tokenCounter = 0;
};

// The example file paths used by the tests, relative to azure-specs/.
QString specsDir();

} // namespace pgferry::test
