#include "fakeazure.h"
#include "testclusters.h"

#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>
#include <QUuid>

namespace pgferry::test {

QString specsDir()
{
    return sharedDir() + QStringLiteral("/azure-specs");
}

QJsonObject FakeRequest::json() const
{
    return QJsonDocument::fromJson(body).object();
}
QUrlQuery FakeRequest::form() const
{
    // application/x-www-form-urlencoded: '+' is a space, %XX decoded.
    QByteArray b = body;
    b.replace('+', ' ');
    return QUrlQuery(QString::fromUtf8(b));
}

FakeResponse FakeResponse::json(int status, const QJsonObject &body)
{
    FakeResponse r;
    r.status = status;
    r.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    return r;
}

FakeResponse FakeResponse::armError(int status, const QString &code, const QString &message)
{
    return json(status,
                QJsonObject{{QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), code},
                                                                  {QStringLiteral("message"), message}}}});
}

FakeResponse FakeResponse::raw(int status, const QByteArray &body)
{
    FakeResponse r;
    r.status = status;
    r.body = body;
    return r;
}

FakeAzure::FakeAzure(QObject *parent) : QObject(parent)
{
    if (!m_server.listen(QHostAddress::LocalHost, 0))
        qFatal("FakeAzure: cannot listen on 127.0.0.1");
    connect(&m_server, &QTcpServer::newConnection, this, &FakeAzure::onConnection);
}

QString FakeAzure::baseUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort());
}

azure::Cloud FakeAzure::cloud() const
{
    return {QStringLiteral("FakeCloud"), QUrl(baseUrl() + QStringLiteral("/login")), QUrl(baseUrl() + u'/'),
            resourceId};
}

QString FakeAzure::writeCloudConfig(const QString &dir) const
{
    const QString path = dir + QStringLiteral("/cloud.json");
    QFile f(path);
    if (f.open(QIODevice::WriteOnly))
        f.write(QJsonDocument(cloud().toJson()).toJson());
    return path;
}

void FakeAzure::on(const QByteArray &method, const QString &pathPattern, Handler handler)
{
    m_routes.prepend({method,
                      QRegularExpression(QRegularExpression::anchoredPattern(pathPattern),
                                         QRegularExpression::CaseInsensitiveOption),
                      std::move(handler)});
}

void FakeAzure::failNext(const QByteArray &method, const QString &pathPattern, const FakeResponse &response,
                         int times)
{
    m_faults.append({method,
                     QRegularExpression(QRegularExpression::anchoredPattern(pathPattern),
                                        QRegularExpression::CaseInsensitiveOption),
                     response, times});
}

int FakeAzure::count(const QByteArray &method, const QString &pathPattern) const
{
    const QRegularExpression re(QRegularExpression::anchoredPattern(pathPattern),
                                QRegularExpression::CaseInsensitiveOption);
    int n = 0;
    for (const FakeRequest &r : m_requests)
        if (r.method == method && re.match(r.path).hasMatch())
            ++n;
    return n;
}

void FakeAzure::clearLog()
{
    m_requests.clear();
    m_violations.clear();
    m_unhandled.clear();
}

QString FakeAzure::issueAccessToken()
{
    const QString t = QStringLiteral("eyJfake.access-token-%1.%2")
                          .arg(++m_tokenCounter)
                          .arg(QUuid::createUuid().toString(QUuid::Id128));
    m_accessTokens.insert(t);
    return t;
}

QString FakeAzure::issueRefreshToken()
{
    const QString t = QStringLiteral("0.fake-refresh-token-%1.%2")
                          .arg(m_tokenCounter)
                          .arg(QUuid::createUuid().toString(QUuid::Id128));
    m_refreshTokens.insert(t);
    return t;
}

QJsonObject FakeAzure::example(const QString &relativePath)
{
    QFile f(specsDir() + u'/' + relativePath);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("FakeAzure: cannot read the example %s", qPrintable(f.fileName()));
    return QJsonDocument::fromJson(f.readAll()).object();
}

QByteArray FakeAzure::rewrite(const QByteArray &json) const
{
    QByteArray out = json;
    out.replace("https://management.azure.com", baseUrl().toUtf8());
    return out;
}

QJsonObject FakeAzure::exampleBody(const QString &relativePath, const QString &status) const
{
    const QJsonObject body = example(relativePath)
                                 .value(u"responses")
                                 .toObject()
                                 .value(status)
                                 .toObject()
                                 .value(u"body")
                                 .toObject();
    return QJsonDocument::fromJson(rewrite(QJsonDocument(body).toJson(QJsonDocument::Compact))).object();
}

FakeResponse FakeAzure::deviceCodeAnswer()
{
    return FakeResponse::json(
        200,
        QJsonObject{{QStringLiteral("device_code"), QStringLiteral("DEV-1")},
                    {QStringLiteral("user_code"), QStringLiteral("WXYZ-1234")},
                    {QStringLiteral("verification_uri"), QStringLiteral("https://microsoft.com/devicelogin")},
                    {QStringLiteral("expires_in"), 900},
                    {QStringLiteral("interval"), 0},
                    {QStringLiteral("message"),
                     QStringLiteral("Open https://microsoft.com/devicelogin and enter WXYZ-1234.")}});
}

FakeResponse FakeAzure::accepted(const QString &operationId, int retryAfterSeconds) const
{
    FakeResponse r;
    r.status = 202;
    const QByteArray base = baseUrl().toUtf8() + "/subscriptions/ffffffff-ffff-ffff-ffff-ffffffffffff/"
                                                 "providers/Microsoft.DBforPostgreSQL/locations/eastus/";
    r.header("Azure-AsyncOperation",
             base + "azureAsyncOperation/" + operationId.toUtf8() + "?api-version=2025-08-01");
    r.header("Location", base + "operationResults/" + operationId.toUtf8() + "?api-version=2025-08-01");
    r.header("Retry-After", QByteArray::number(retryAfterSeconds));
    return r;
}

QJsonObject FakeAzure::configuration(const QString &serverId, const QString &name) const
{
    static const QSet<QString> dynamicOnes{QStringLiteral("constraint_exclusion"),
                                           QStringLiteral("work_mem")};
    const bool pending = pendingValues.contains(name);
    return QJsonObject{
        {QStringLiteral("id"), QString(serverId + QStringLiteral("/configurations/") + name)},
        {QStringLiteral("name"), name},
        {QStringLiteral("type"), QStringLiteral("Microsoft.DBforPostgreSQL/flexibleServers/configurations")},
        {QStringLiteral("properties"),
         QJsonObject{
             {QStringLiteral("value"), pending ? pendingValues.value(name) : parameterValues.value(name)},
             {QStringLiteral("source"),
              pending ? QStringLiteral("user-override") : QStringLiteral("system-default")},
             {QStringLiteral("dataType"),
              name == u"wal_level" ? QStringLiteral("Enumeration") : QStringLiteral("Integer")},
             {QStringLiteral("isDynamicConfig"), dynamicOnes.contains(name)},
             {QStringLiteral("isReadOnly"), false},
             {QStringLiteral("isConfigPendingRestart"), pending}}}};
}

void FakeAzure::serveServerParameters(const QString &serverId, const QHash<QString, QString> &values)
{
    parameterValues = values;
    const QString config =
        QRegularExpression::escape(serverId) + QStringLiteral("/configurations/([-\\w._]+)");
    auto nameOf = [config](const FakeRequest &req) {
        return QRegularExpression(QRegularExpression::anchoredPattern(config),
                                  QRegularExpression::CaseInsensitiveOption)
            .match(req.path)
            .captured(1);
    };
    on("GET", config, [this, serverId, nameOf](const FakeRequest &req) {
        const QString name = nameOf(req);
        if (!parameterValues.contains(name))
            return FakeResponse::armError(404, QStringLiteral("ResourceNotFound"),
                                          QStringLiteral("The configuration %1 was not found.").arg(name));
        return FakeResponse::json(200, configuration(serverId, name));
    });
    const auto set = [this, nameOf](const FakeRequest &req) {
        const QString name = nameOf(req);
        if (!parameterValues.contains(name))
            return FakeResponse::armError(404, QStringLiteral("ResourceNotFound"),
                                          QStringLiteral("The configuration %1 was not found.").arg(name));
        const QString value = req.json().value(u"properties").toObject().value(u"value").toString();
        if (name == u"constraint_exclusion" || name == u"work_mem")
            parameterValues.insert(name, value);
        else if (value == parameterValues.value(name))
            pendingValues.remove(name);
        else
            pendingValues.insert(name, value);
        return accepted(QStringLiteral("config-") + name);
    };
    on("PUT", config, set);
    on("PATCH", config, set);
    on("POST", QRegularExpression::escape(serverId) + QStringLiteral("/restart"),
       [this](const FakeRequest &) {
           ++restarts;
           return accepted(QStringLiteral("restart-%1").arg(restarts));
       });
    on("GET",
       QStringLiteral("/subscriptions/[^/]+/providers/Microsoft.DBforPostgreSQL/locations/[^/]+/"
                      "azureAsyncOperation/(config|restart)-.*"),
       [this](const FakeRequest &req) {
           QJsonObject op{{QStringLiteral("name"), req.path.section(u'/', -1)},
                          {QStringLiteral("startTime"), QStringLiteral("2026-12-07T10:00:00Z")}};
           if (req.path.contains(u"/restart-") && !restartFailure.isEmpty()) {
               op.insert(QStringLiteral("status"), QStringLiteral("Failed"));
               op.insert(QStringLiteral("error"), restartFailure);
               return FakeResponse::json(200, op);
           }
           if (req.path.contains(u"/restart-")) {
               for (auto it = pendingValues.cbegin(); it != pendingValues.cend(); ++it)
                   parameterValues.insert(it.key(), it.value());
               pendingValues.clear();
           }
           op.insert(QStringLiteral("status"), QStringLiteral("Succeeded"));
           return FakeResponse::json(200, op);
       });
    on("GET",
       QStringLiteral("/subscriptions/[^/]+/providers/Microsoft.DBforPostgreSQL/locations/[^/]+/"
                      "operationResults/restart-.*"),
       [](const FakeRequest &) { return FakeResponse::raw(200, QByteArray()); });
}

void FakeAzure::serveMonitor()
{
    const QString pattern = QStringLiteral("/subscriptions/[^/]+/resourceGroups/[^/]+/providers/"
                                           "Microsoft.Insights/(actionGroups|metricAlerts)/[^/]+");
    on("GET", pattern, [this](const FakeRequest &req) {
        const auto it = monitorResources.constFind(req.path.toLower());
        if (it == monitorResources.cend())
            return FakeResponse::armError(
                404, QStringLiteral("ResourceNotFound"),
                QStringLiteral("The Resource '%1' was not found.").arg(req.path.section(u'/', -2)));
        return FakeResponse::json(200, *it);
    });
    on("PUT", pattern, [this](const FakeRequest &req) {
        const QJsonObject b = req.json();
        const bool group = req.path.contains(u"/actionGroups/", Qt::CaseInsensitive);
        const QJsonObject stored{
            {QStringLiteral("id"), req.path},
            {QStringLiteral("name"), req.path.section(u'/', -1)},
            {QStringLiteral("type"), group ? QStringLiteral("Microsoft.Insights/ActionGroups")
                                           : QStringLiteral("Microsoft.Insights/metricAlerts")},
            {QStringLiteral("location"), b.value(u"location")},
            {QStringLiteral("properties"), b.value(u"properties")}};
        const bool existed = monitorResources.contains(req.path.toLower());
        monitorResources.insert(req.path.toLower(), stored);
        return FakeResponse::json(existed || !group ? 200 : 201, stored);
    });
}

namespace {
// The SourceType enum of the flexible-server contract.
QStringList migrationSourceTypes()
{
    static const QStringList types = [] {
        QFile f(specsDir() + QStringLiteral("/postgresql-flexible/2025-08-01/openapi.json"));
        if (!f.open(QIODevice::ReadOnly))
            qFatal("FakeAzure: cannot read %s", qPrintable(f.fileName()));
        QStringList t;
        const QJsonArray e = QJsonDocument::fromJson(f.readAll())
                                 .object()
                                 .value(u"definitions")
                                 .toObject()
                                 .value(u"SourceType")
                                 .toObject()
                                 .value(u"enum")
                                 .toArray();
        for (const QJsonValue &v : e)
            t << v.toString();
        return t;
    }();
    return types;
}

// The metric names of METRICS.md's tables (`name` in the first column).
QSet<QString> flexibleServerMetrics()
{
    static const QSet<QString> names = [] {
        QSet<QString> n;
        QFile f(specsDir() + QStringLiteral("/monitor/METRICS.md"));
        if (!f.open(QIODevice::ReadOnly))
            qFatal("FakeAzure: cannot read %s", qPrintable(f.fileName()));
        static const QRegularExpression row(QStringLiteral("^\\| `([a-zA-Z_]+)`"),
                                            QRegularExpression::MultilineOption);
        for (auto it = row.globalMatch(QString::fromUtf8(f.readAll())); it.hasNext();)
            n.insert(it.next().captured(1));
        return n;
    }();
    return names;
}
} // namespace

void FakeAzure::onConnection()
{
    while (QTcpSocket *socket = m_server.nextPendingConnection()) {
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        auto buffer = std::make_shared<QByteArray>();
        connect(socket, &QTcpSocket::readyRead, this, [this, socket, buffer] {
            buffer->append(socket->readAll());
            const qsizetype headerEnd = buffer->indexOf("\r\n\r\n");
            if (headerEnd < 0)
                return;
            const QList<QByteArray> lines = buffer->left(headerEnd).split('\n');
            FakeRequest req;
            const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
            req.method = first.value(0);
            const QUrl url(QString::fromUtf8(first.value(1)));
            req.path = url.path(QUrl::FullyDecoded);
            req.query = QUrlQuery(url.query(QUrl::FullyEncoded));
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const qsizetype colon = lines[i].indexOf(':');
                if (colon > 0)
                    req.headers.insert(lines[i].left(colon).trimmed().toLower(),
                                       lines[i].mid(colon + 1).trimmed());
            }
            const qsizetype length = req.headers.value("content-length").toLongLong();
            if (buffer->size() < headerEnd + 4 + length)
                return;
            req.body = buffer->mid(headerEnd + 4, length);
            buffer->clear();
            socket->disconnect(this);
            dispatch(socket, req);
        });
    }
}

void FakeAzure::dispatch(QTcpSocket *socket, const FakeRequest &req)
{
    m_requests.append(req);
    const FakeResponse r = answer(req);
    if (r.delayMs > 0) {
        QPointer<QTcpSocket> s(socket);
        QTimer::singleShot(r.delayMs, this, [s, r] {
            if (s && s->state() == QAbstractSocket::ConnectedState)
                send(s, r);
        });
        return;
    }
    send(socket, r);
}

void FakeAzure::send(QTcpSocket *socket, const FakeResponse &r)
{
    QByteArray out =
        "HTTP/1.1 " + QByteArray::number(r.status) + (r.status < 300 ? " OK" : " Error") + "\r\n";
    bool hasType = false;
    for (const auto &[k, v] : r.headers) {
        out += k + ": " + v + "\r\n";
        hasType = hasType || k.toLower() == "content-type";
    }
    if (!hasType && !r.body.isEmpty())
        out += "Content-Type: application/json; charset=utf-8\r\n";
    out += "x-ms-request-id: " + QUuid::createUuid().toByteArray(QUuid::WithoutBraces) + "\r\n";
    out += "Content-Length: " + QByteArray::number(r.body.size()) + "\r\nConnection: close\r\n\r\n" + r.body;
    socket->write(out);
    socket->flush();
    socket->disconnectFromHost();
}

FakeResponse FakeAzure::identity(const FakeRequest &req)
{
    const QUrlQuery f = req.form();
    const QString grant = f.queryItemValue(QStringLiteral("grant_type"), QUrl::FullyDecoded);
    auto oauthError = [](int status, const QString &code, const QString &desc) {
        return FakeResponse::json(status, QJsonObject{{QStringLiteral("error"), code},
                                                      {QStringLiteral("error_description"), desc},
                                                      {QStringLiteral("error_codes"), QJsonArray{7000215}}});
    };
    // The scope asked for, without offline_access: Resource Manager's or the database's.
    QStringList scopes =
        f.queryItemValue(QStringLiteral("scope"), QUrl::FullyDecoded).split(u' ', Qt::SkipEmptyParts);
    scopes.removeAll(QStringLiteral("offline_access"));
    const QString scope = scopes.join(u' ');
    const QString armScope = resourceId + QStringLiteral(".default");
    auto tokens = [this, scope, armScope](bool withRefresh) {
        QString access;
        if (scope == armScope) {
            access = issueAccessToken();
        } else {
            access = QStringLiteral("eyJfake.ossrdbms-token-%1.%2")
                         .arg(++m_tokenCounter)
                         .arg(QUuid::createUuid().toString(QUuid::Id128));
        }
        m_issuedByScope[scope].append(access);
        if (onTokenIssued)
            onTokenIssued(scope, access);
        QJsonObject o{{QStringLiteral("token_type"), QStringLiteral("Bearer")},
                      {QStringLiteral("expires_in"), tokenLifetimeSeconds},
                      {QStringLiteral("scope"), scope},
                      {QStringLiteral("access_token"), access}};
        if (withRefresh)
            o.insert(QStringLiteral("refresh_token"), issueRefreshToken());
        return FakeResponse::json(200, o);
    };
    if (scope != armScope && scope != databaseScope)
        return oauthError(
            400, QStringLiteral("invalid_scope"),
            QStringLiteral("AADSTS70011: The provided value for scope %1 is not valid.").arg(scope));
    if (grant == u"client_credentials") {
        if (f.queryItemValue(QStringLiteral("client_id"), QUrl::FullyDecoded) != clientId ||
            f.queryItemValue(QStringLiteral("client_secret"), QUrl::FullyDecoded) != clientSecret)
            return oauthError(401, QStringLiteral("invalid_client"),
                              QStringLiteral("AADSTS7000215: Invalid client secret provided."));
        return tokens(false);
    }
    if (grant == u"refresh_token") {
        const QString rt = f.queryItemValue(QStringLiteral("refresh_token"), QUrl::FullyDecoded);
        if (!m_refreshTokens.contains(rt))
            return oauthError(400, QStringLiteral("invalid_grant"),
                              QStringLiteral("AADSTS70000: The refresh token is not valid."));
        m_refreshTokens.remove(rt); // rotate
        return tokens(true);
    }
    return oauthError(400, QStringLiteral("unsupported_grant_type"),
                      QStringLiteral("no fake handler for grant %1").arg(grant));
}

bool FakeAzure::checkContract(const FakeRequest &req, QString *v)
{
    const QString p = req.path;
    auto fail = [&](const QString &why) {
        *v = QStringLiteral("%1 %2: %3").arg(QString::fromLatin1(req.method), p, why);
        return false;
    };
    // api-version by resource provider.
    const bool poll = p.contains(u"/azureAsyncOperation/", Qt::CaseInsensitive) ||
                      p.contains(u"/operationResults/", Qt::CaseInsensitive);
    QString expected;
    if (p.contains(u"/providers/Microsoft.Authorization/locks", Qt::CaseInsensitive))
        expected = QStringLiteral("2020-05-01");
    else if (p.contains(u"/providers/Microsoft.Insights/actionGroups", Qt::CaseInsensitive))
        expected = QStringLiteral("2023-01-01");
    else if (p.contains(u"/providers/Microsoft.Insights/metricAlerts", Qt::CaseInsensitive))
        expected = QStringLiteral("2018-03-01");
    else if (p.contains(u"/providers/Microsoft.DBforPostgreSQL/", Qt::CaseInsensitive))
        expected = QStringLiteral("2025-08-01");
    else if (QRegularExpression(QStringLiteral("^/subscriptions/[^/]+/resourcegroups(/[^/]+)?$"),
                                QRegularExpression::CaseInsensitiveOption)
                 .match(p)
                 .hasMatch())
        expected = QStringLiteral("2025-04-01");
    else if (QRegularExpression(QStringLiteral("^/subscriptions(/[^/]+)?$"),
                                QRegularExpression::CaseInsensitiveOption)
                 .match(p)
                 .hasMatch())
        expected = QStringLiteral("2022-12-01");
    if (!poll && expected.isEmpty())
        return fail(QStringLiteral("no operation of the copied specs has this path"));
    if (!poll && req.apiVersion() != expected)
        return fail(
            QStringLiteral("api-version \"%1\", the contract says %2").arg(req.apiVersion(), expected));
    if (!req.header("authorization").startsWith("Bearer "))
        return fail(QStringLiteral("no bearer token"));
    if (req.method == "POST" && p.endsWith(u"/restart", Qt::CaseInsensitive)) {
        // Servers_Restart: the RestartParameter body is optional.
        if (req.body.isEmpty())
            return true;
        const QJsonObject b = QJsonDocument::fromJson(req.body).object();
        const QJsonValue withFailover = b.value(u"restartWithFailover");
        const QJsonValue mode = b.value(u"failoverMode");
        if (!withFailover.isUndefined() && !withFailover.isBool())
            return fail(QStringLiteral("restartWithFailover must be a boolean"));
        if (!mode.isUndefined() &&
            !QStringList{QStringLiteral("PlannedFailover"), QStringLiteral("ForcedFailover"),
                         QStringLiteral("PlannedSwitchover"), QStringLiteral("ForcedSwitchover")}
                 .contains(mode.toString()))
            return fail(QStringLiteral("failoverMode \"%1\" is not one of the contract's values")
                            .arg(mode.toString()));
        return true;
    }
    if (req.method == "PUT" || req.method == "PATCH") {
        if (!req.header("content-type").startsWith("application/json"))
            return fail(QStringLiteral("body without Content-Type: application/json"));
        QJsonParseError pe;
        const QJsonDocument doc = QJsonDocument::fromJson(req.body, &pe);
        if (pe.error != QJsonParseError::NoError || !doc.isObject())
            return fail(QStringLiteral("body is not a JSON object"));
        const QJsonObject b = doc.object();
        const QJsonObject props = b.value(u"properties").toObject();
        auto need = [&](bool ok, const QString &field) {
            return ok ? true : fail(QStringLiteral("required field %1 missing or wrong").arg(field));
        };
        auto trueFalse = [&](const QJsonObject &o) {
            for (const char16_t *k :
                 {u"overwriteDbsInTarget", u"migrateRoles", u"setupLogicalReplicationOnSourceDbIfNeeded",
                  u"startDataMigration", u"triggerCutover", u"cancel"}) {
                const QJsonValue x = o.value(QStringView(k));
                if (!x.isUndefined() && x.toString() != u"True" && x.toString() != u"False")
                    return fail(QStringLiteral("%1 must be the string \"True\" or \"False\"")
                                    .arg(QString::fromUtf16(k)));
            }
            return true;
        };
        const QRegularExpression ipv4(QStringLiteral("^\\d{1,3}(\\.\\d{1,3}){3}$"));
        if (p.contains(u"/firewallRules/", Qt::CaseInsensitive) && req.method == "PUT")
            return need(ipv4.match(props.value(u"startIpAddress").toString()).hasMatch(),
                        QStringLiteral("properties.startIpAddress")) &&
                   need(ipv4.match(props.value(u"endIpAddress").toString()).hasMatch(),
                        QStringLiteral("properties.endIpAddress"));
        if (p.contains(u"/providers/Microsoft.Insights/actionGroups/", Qt::CaseInsensitive)) {
            // ActionGroupResource: groupShortName (at most 12) and enabled required; e-mail receivers need a
            // name unique in the group and an address.
            const QString shortName = props.value(u"groupShortName").toString();
            if (!need(!b.value(u"location").toString().isEmpty(), QStringLiteral("location")) ||
                !need(!shortName.isEmpty() && shortName.size() <= 12,
                      QStringLiteral("properties.groupShortName")) ||
                !need(props.value(u"enabled").isBool(), QStringLiteral("properties.enabled")))
                return false;
            QSet<QString> names;
            for (const QJsonValue &r : props.value(u"emailReceivers").toArray()) {
                const QString name = r.toObject().value(u"name").toString();
                if (!need(!name.isEmpty() && !names.contains(name),
                          QStringLiteral("properties.emailReceivers[].name (unique)")) ||
                    !need(r.toObject().value(u"emailAddress").toString().contains(u'@'),
                          QStringLiteral("properties.emailReceivers[].emailAddress")))
                    return false;
                names.insert(name);
            }
            return true;
        }
        if (p.contains(u"/providers/Microsoft.Insights/metricAlerts/", Qt::CaseInsensitive)) {
            // MetricAlertProperties: enabled, severity, evaluationFrequency, windowSize, criteria, scopes.
            const QRegularExpression duration(QStringLiteral("^PT\\d+[MH]$"),
                                              QRegularExpression::CaseInsensitiveOption);
            const QJsonObject criteria = props.value(u"criteria").toObject();
            const int severity = props.value(u"severity").toInt(-1);
            if (!need(!b.value(u"location").toString().isEmpty(), QStringLiteral("location")) ||
                !need(props.value(u"enabled").isBool(), QStringLiteral("properties.enabled")) ||
                !need(severity >= 0 && severity <= 4, QStringLiteral("properties.severity (0-4)")) ||
                !need(duration.match(props.value(u"evaluationFrequency").toString()).hasMatch(),
                      QStringLiteral("properties.evaluationFrequency")) ||
                !need(duration.match(props.value(u"windowSize").toString()).hasMatch(),
                      QStringLiteral("properties.windowSize")) ||
                !need(!props.value(u"scopes").toArray().isEmpty(), QStringLiteral("properties.scopes")) ||
                !need(criteria.value(u"odata.type").toString() ==
                          u"Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
                      QStringLiteral("properties.criteria.odata.type")) ||
                !need(!criteria.value(u"allOf").toArray().isEmpty(),
                      QStringLiteral("properties.criteria.allOf")))
                return false;
            for (const QJsonValue &v : criteria.value(u"allOf").toArray()) {
                const QJsonObject c = v.toObject();
                if (!need(QStringList{QStringLiteral("StaticThresholdCriterion"),
                                      QStringLiteral("DynamicThresholdCriterion")}
                              .contains(c.value(u"criterionType").toString()),
                          QStringLiteral("criterionType")) ||
                    !need(!c.value(u"name").toString().isEmpty(), QStringLiteral("allOf[].name")) ||
                    !need(QStringList{QStringLiteral("Average"), QStringLiteral("Count"),
                                      QStringLiteral("Minimum"), QStringLiteral("Maximum"),
                                      QStringLiteral("Total")}
                              .contains(c.value(u"timeAggregation").toString()),
                          QStringLiteral("allOf[].timeAggregation")) ||
                    !need(QStringList{QStringLiteral("Equals"), QStringLiteral("GreaterThan"),
                                      QStringLiteral("GreaterThanOrEqual"), QStringLiteral("LessThan"),
                                      QStringLiteral("LessThanOrEqual")}
                              .contains(c.value(u"operator").toString()),
                          QStringLiteral("allOf[].operator")) ||
                    !need(c.value(u"threshold").isDouble(), QStringLiteral("allOf[].threshold")))
                    return false;
                if (!flexibleServerMetrics().contains(c.value(u"metricName").toString()))
                    return fail(
                        QStringLiteral(
                            "metric \"%1\" is not emitted by Microsoft.DBforPostgreSQL/flexibleServers")
                            .arg(c.value(u"metricName").toString()));
            }
            return true;
        }
        if (p.contains(u"/providers/Microsoft.Authorization/locks/", Qt::CaseInsensitive))
            return need(QStringList{QStringLiteral("NotSpecified"), QStringLiteral("CanNotDelete"),
                                    QStringLiteral("ReadOnly")}
                            .contains(props.value(u"level").toString()),
                        QStringLiteral("properties.level"));
        if (p.contains(u"/migrations/", Qt::CaseInsensitive)) {
            if (!QRegularExpression(QStringLiteral("/migrations/[a-z][a-z0-9]*$")).match(p).hasMatch())
                return fail(QStringLiteral("migration name does not match ^[a-z][a-z0-9]*$"));
            if (req.method == "PUT") {
                const QJsonObject admin =
                    props.value(u"secretParameters").toObject().value(u"adminCredentials").toObject();
                if (!need(!b.value(u"location").toString().isEmpty(), QStringLiteral("location")) ||
                    !need(!admin.value(u"sourceServerPassword").toString().isEmpty(),
                          QStringLiteral(
                              "properties.secretParameters.adminCredentials.sourceServerPassword")) ||
                    !need(!admin.value(u"targetServerPassword").toString().isEmpty(),
                          QStringLiteral(
                              "properties.secretParameters.adminCredentials.targetServerPassword")) ||
                    !need(props.value(u"dbsToMigrate").isArray() &&
                              props.value(u"dbsToMigrate").toArray().size() <= 50,
                          QStringLiteral("properties.dbsToMigrate")) ||
                    !need(QStringList{QStringLiteral("Online"), QStringLiteral("Offline")}.contains(
                              props.value(u"migrationMode").toString()),
                          QStringLiteral("properties.migrationMode")) ||
                    !need(props.value(u"sourceType").isUndefined() ||
                              migrationSourceTypes().contains(props.value(u"sourceType").toString()),
                          QStringLiteral("properties.sourceType (one of the contract's SourceType values)")))
                    return false;
            }
            return trueFalse(props);
        }
        if (p.contains(u"/configurations/", Qt::CaseInsensitive))
            return need(props.value(u"value").isString(), QStringLiteral("properties.value"));
        if (p.contains(u"/databases/", Qt::CaseInsensitive))
            return need(b.value(u"properties").isObject(), QStringLiteral("properties"));
        if (QRegularExpression(QStringLiteral("/flexibleServers/[^/]+$"),
                               QRegularExpression::CaseInsensitiveOption)
                .match(p)
                .hasMatch() &&
            req.method == "PUT") {
            if (!need(!b.value(u"location").toString().isEmpty(), QStringLiteral("location")))
                return false;
            const QString mode = props.value(u"createMode").toString();
            if (mode == u"Create")
                return need(!b.value(u"sku").toObject().value(u"name").toString().isEmpty(),
                            QStringLiteral("sku.name")) &&
                       need(!b.value(u"sku").toObject().value(u"tier").toString().isEmpty(),
                            QStringLiteral("sku.tier")) &&
                       need(!props.value(u"administratorLogin").toString().isEmpty(),
                            QStringLiteral("properties.administratorLogin")) &&
                       need(!props.value(u"administratorLoginPassword").toString().isEmpty(),
                            QStringLiteral("properties.administratorLoginPassword")) &&
                       need(!props.value(u"version").toString().isEmpty(),
                            QStringLiteral("properties.version"));
            if (mode == u"Replica")
                return need(!props.value(u"sourceServerResourceId").toString().isEmpty(),
                            QStringLiteral("properties.sourceServerResourceId"));
            if (mode == u"PointInTimeRestore")
                return need(!props.value(u"sourceServerResourceId").toString().isEmpty(),
                            QStringLiteral("properties.sourceServerResourceId")) &&
                       need(
                           QDateTime::fromString(props.value(u"pointInTimeUTC").toString(), Qt::ISODateWithMs)
                               .isValid(),
                           QStringLiteral("properties.pointInTimeUTC"));
            return fail(QStringLiteral("createMode \"%1\" not expected").arg(mode));
        }
    }
    return true;
}

namespace {
// The type an ARM id names (Microsoft.Network/virtualNetworks/subnets), empty when it is not one.
QString armIdType(const QString &id)
{
    const QStringList p = id.split(u'/', Qt::SkipEmptyParts);
    if (!id.startsWith(u'/') || p.size() < 8 || p.size() % 2 != 0 ||
        p[0].compare(u"subscriptions", Qt::CaseInsensitive) != 0 ||
        p[2].compare(u"resourceGroups", Qt::CaseInsensitive) != 0 ||
        p[4].compare(u"providers", Qt::CaseInsensitive) != 0)
        return {};
    QString type = p[5];
    for (qsizetype i = 6; i < p.size(); i += 2)
        type += u'/' + p[i];
    return type;
}
} // namespace

std::optional<FakeResponse> FakeAzure::armIdFault(const FakeRequest &req)
{
    // The arm-id fields of a server create (network, x-ms-arm-id-details allowedResources) and of a
    // migration (migrationInstanceResourceId): Azure refuses a malformed id with
    // LinkedInvalidPropertyId and an id of another type with InvalidParameterValue.
    if (req.method != "PUT")
        return std::nullopt;
    const bool server = QRegularExpression(QStringLiteral("/flexibleServers/[^/]+$"),
                                           QRegularExpression::CaseInsensitiveOption)
                            .match(req.path)
                            .hasMatch();
    const bool migration = req.path.contains(u"/migrations/", Qt::CaseInsensitive);
    if (!server && !migration)
        return std::nullopt;
    const QJsonObject props = req.json().value(u"properties").toObject();
    QList<std::pair<QString, QString>> fields; // path, allowed type
    QJsonObject values;
    if (server) {
        const QJsonObject net = props.value(u"network").toObject();
        values = {{QStringLiteral("properties.network.delegatedSubnetResourceId"),
                   net.value(u"delegatedSubnetResourceId")},
                  {QStringLiteral("properties.network.privateDnsZoneArmResourceId"),
                   net.value(u"privateDnsZoneArmResourceId")}};
        fields = {{QStringLiteral("properties.network.delegatedSubnetResourceId"),
                   QStringLiteral("Microsoft.Network/virtualNetworks/subnets")},
                  {QStringLiteral("properties.network.privateDnsZoneArmResourceId"),
                   QStringLiteral("Microsoft.Network/privateDnsZones")}};
        if (!net.value(u"delegatedSubnetResourceId").toString().isEmpty() &&
            net.value(u"publicNetworkAccess").toString().compare(u"Enabled", Qt::CaseInsensitive) == 0) {
            const QString v = QStringLiteral("publicNetworkAccess Enabled is not supported for a server "
                                             "integrated into a virtual network");
            m_violations << QStringLiteral("PUT %1: %2").arg(req.path, v);
            return FakeResponse::armError(400, QStringLiteral("InvalidParameterValue"), v);
        }
    } else {
        values = {{QStringLiteral("properties.migrationInstanceResourceId"),
                   props.value(u"migrationInstanceResourceId")}};
        fields = {{QStringLiteral("properties.migrationInstanceResourceId"),
                   QStringLiteral("Microsoft.DBforPostgreSQL/flexibleServers")}};
    }
    for (const auto &[path, allowed] : fields) {
        const QJsonValue v = values.value(path);
        if (v.isUndefined())
            continue;
        const QString id = v.toString();
        const QString type = armIdType(id);
        if (type.isEmpty()) {
            m_violations << QStringLiteral("PUT %1: %2 is not an ARM id").arg(req.path, path);
            return FakeResponse::armError(
                400, QStringLiteral("LinkedInvalidPropertyId"),
                QStringLiteral(
                    "Property id '%1' at path '%2' is invalid. Expect fully qualified resource Id that start "
                    "with "
                    "'/subscriptions/{subscriptionId}' or '/providers/{resourceProviderNamespace}/'.")
                    .arg(id, path));
        }
        if (type.compare(allowed, Qt::CaseInsensitive) != 0) {
            m_violations
                << QStringLiteral("PUT %1: %2 names a %3, not a %4").arg(req.path, path, type, allowed);
            return FakeResponse::armError(
                400, QStringLiteral("InvalidParameterValue"),
                QStringLiteral("The value '%1' of '%2' is not a resource of type %3.")
                    .arg(id, path, allowed));
        }
    }
    return std::nullopt;
}

FakeResponse FakeAzure::answer(const FakeRequest &req)
{
    // Identity endpoints live under /login; routes registered by a test may replace them.
    if (req.path.startsWith(u"/login/")) {
        for (const Route &r : std::as_const(m_routes))
            if (r.method == req.method && r.path.match(req.path).hasMatch())
                return r.handler(req);
        if (req.method != "POST" ||
            !req.header("content-type").startsWith("application/x-www-form-urlencoded")) {
            m_violations << QStringLiteral("%1 %2: the identity platform takes form-encoded POSTs")
                                .arg(QString::fromLatin1(req.method), req.path);
            return FakeResponse::raw(400, "{}");
        }
        if (req.path != QStringLiteral("/login/%1/oauth2/v2.0/token").arg(tenant)) {
            m_unhandled << req.path;
            return FakeResponse::json(
                400, QJsonObject{{QStringLiteral("error"), QStringLiteral("invalid_request")},
                                 {QStringLiteral("error_description"),
                                  QStringLiteral("AADSTS90002: Tenant not found.")}});
        }
        return identity(req);
    }
    if (std::optional<FakeResponse> refused = armIdFault(req))
        return *refused;
    QString violation;
    if (!checkContract(req, &violation)) {
        m_violations << violation;
        return FakeResponse::armError(400, QStringLiteral("ContractViolation"), violation);
    }
    const QByteArray token = req.header("authorization").mid(7);
    if (!m_accessTokens.contains(QString::fromLatin1(token)))
        return FakeResponse::armError(
                   401, QStringLiteral("ExpiredAuthenticationToken"),
                   QStringLiteral("The access token expiry UTC time is earlier than current UTC time."))
            .header("WWW-Authenticate",
                    "Bearer authorization_uri=\"https://login.microsoftonline.com/tenant\", "
                    "error=\"invalid_token\"");
    for (Fault &f : m_faults)
        if (f.times > 0 && f.method == req.method && f.path.match(req.path).hasMatch()) {
            --f.times;
            return f.response;
        }
    for (const Route &r : std::as_const(m_routes))
        if (r.method == req.method && r.path.match(req.path).hasMatch())
            return r.handler(req);
    m_unhandled << QString::fromLatin1(req.method) + u' ' + req.path;
    return FakeResponse::armError(404, QStringLiteral("ResourceNotFound"),
                                  QStringLiteral("The resource was not found."));
}

QJsonObject FakeAzure::alertCriterion(const QString &ruleId) const
{
    return monitorResources.value(ruleId.toLower())
        .value(u"properties")
        .toObject()
        .value(u"criteria")
        .toObject()
        .value(u"allOf")
        .toArray()
        .at(0)
        .toObject();
}

} // namespace pgferry::test
