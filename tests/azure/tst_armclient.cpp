// ArmClient against the fake ARM: bearer tokens, a 401 answered by one refresh, 429 with
// Retry-After, 500 then success, long-running operations that succeed or end Failed, Location
// polling, provisioningState polling, malformed JSON, a slow server with cancel and a timeout,
// nextLink paging over three pages, and a request log without tokens or secrets.
#include "azure/armapi.h"
#include "azure/armcall.h"
#include "azure/armclient.h"
#include "azure/credential.h"
#include "fakeazure.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

using namespace pgferry;
using namespace pgferry::azure;
using test::FakeAzure;
using test::FakeRequest;
using test::FakeResponse;

namespace {
const QString kServerId =
    QStringLiteral("/subscriptions/ffffffff-ffff-ffff-ffff-ffffffffffff/resourceGroups/exampleresourcegroup/"
                   "providers/Microsoft.DBforPostgreSQL/flexibleServers/exampleserver");
const QString kFirewallPath = kServerId + QStringLiteral("/firewallRules/examplefirewallrule");
const QString kAsyncPath = QStringLiteral(
    "/subscriptions/[^/]+/providers/Microsoft.DBforPostgreSQL/locations/eastus/azureAsyncOperation/(.+)");
const QString kLocationPath = QStringLiteral(
    "/subscriptions/[^/]+/providers/Microsoft.DBforPostgreSQL/locations/eastus/operationResults/(.+)");
const QString kFirewallExample =
    QStringLiteral("postgresql-flexible/examples/2024-08-01_FirewallRuleCreate.json");

ResourceId server()
{
    return *ResourceId::parse(kServerId);
}
} // namespace

class TestArmClient : public QObject
{
    Q_OBJECT
    std::unique_ptr<FakeAzure> m_fake;
    std::unique_ptr<Credential> m_cred;
    std::unique_ptr<ArmClient> m_client;

    ArmClient::Options fastOptions() const
    {
        ArmClient::Options o;
        o.backoffBaseMs = 10;
        o.backoffMaxMs = 50;
        o.defaultPollMs = 20;
        o.requestTimeoutMs = 10000;
        return o;
    }

private Q_SLOTS:
    void init()
    {
        m_fake = std::make_unique<FakeAzure>();
        m_cred = Credential::forClientSecret(m_fake->cloud(), m_fake->tenant, m_fake->clientId,
                                             m_fake->clientSecret);
        m_client = std::make_unique<ArmClient>(m_fake->cloud(), m_cred.get(), fastOptions());
    }
    void cleanup()
    {
        QVERIFY2(m_fake->violations().isEmpty(), qPrintable(m_fake->violations().join(u'\n')));
        m_client.reset();
        m_cred.reset();
        m_fake.reset();
    }

    void getsAResourceWithABearerTokenAndTheContractApiVersion()
    {
        const QJsonObject rg =
            FakeAzure::example(
                QStringLiteral("resources/resourcegroups/2025-04-01/examples/ResourceGroups_Get.json"))
                .value(u"responses")
                .toObject()
                .value(u"200")
                .toObject()
                .value(u"body")
                .toObject();
        m_fake->on("GET", QStringLiteral("/subscriptions/s1/resourcegroups/my-resource-group"),
                   [rg](const FakeRequest &) { return FakeResponse::json(200, rg); });
        const ArmResult r =
            m_client->call(api::getResourceGroup(QStringLiteral("s1"), QStringLiteral("my-resource-group")));
        QVERIFY2(r.ok(), qPrintable(r.error.userMessage()));
        QCOMPARE(r.body.value(u"location").toString(), QStringLiteral("westus2"));
        QCOMPARE(m_fake->requests().last().apiVersion(), QStringLiteral("2025-04-01"));
        QVERIFY(m_fake->requests().last().header("authorization").startsWith("Bearer eyJfake."));
        QVERIFY(!r.requestId.isEmpty());
    }

    void anExpiredTokenIsRefreshedOnceAndTheCallRetried()
    {
        m_fake->on("GET", QStringLiteral("/subscriptions"), [](const FakeRequest &) {
            return FakeResponse::json(200, QJsonObject{{QStringLiteral("value"), QJsonArray()}});
        });
        QVERIFY(m_client->call(api::listSubscriptions()).ok());
        QCOMPARE(m_fake->tokensIssued(), 1);
        m_fake->expireAccessTokens(); // the cached token is now rejected with 401
        const ArmResult r = m_client->call(api::listSubscriptions());
        QVERIFY2(r.ok(), qPrintable(r.error.userMessage()));
        QCOMPARE(m_fake->tokensIssued(), 2);
        QCOMPARE(m_fake->count("GET", QStringLiteral("/subscriptions")), 3);
    }

    void aSecond401IsReportedNotLooped()
    {
        m_fake->on("GET", QStringLiteral("/subscriptions"), [](const FakeRequest &) {
            return FakeResponse::armError(401, QStringLiteral("InvalidAuthenticationToken"),
                                          QStringLiteral("The access token is invalid."));
        });
        const ArmResult r = m_client->call(api::listSubscriptions());
        QVERIFY(!r.ok());
        QCOMPARE(r.error.httpStatus, 401);
        QCOMPARE(m_fake->count("GET", QStringLiteral("/subscriptions")), 2);
        QVERIFY(r.error.userMessage().contains(u"azure login"));
    }

    void throttlingIsRetriedAfterRetryAfter()
    {
        int calls = 0;
        m_fake->on("GET", QStringLiteral("/subscriptions"), [&calls](const FakeRequest &) {
            if (++calls == 1)
                return FakeResponse::armError(429, QStringLiteral("TooManyRequests"),
                                              QStringLiteral("Rate limit exceeded."))
                    .header("Retry-After", "1");
            return FakeResponse::json(200,
                                      QJsonObject{{QStringLiteral("value"),
                                                   QJsonArray{QJsonObject{{QStringLiteral("subscriptionId"),
                                                                           QStringLiteral("s1")}}}}});
        });
        const ArmResult r = m_client->call(api::listSubscriptions());
        QVERIFY2(r.ok(), qPrintable(r.error.userMessage()));
        QCOMPARE(calls, 2);
        QCOMPARE(r.items.size(), 1);
        // The wait honoured Retry-After (1 s, plus at most 10 % jitter), not the 10 ms backoff.
        const QRegularExpression retry(QStringLiteral("retry 1 of 5 in 1(0\\d\\d|100) ms"));
        QVERIFY2(m_client->recentLog().join(u'\n').contains(retry),
                 qPrintable(m_client->recentLog().join(u'\n')));
    }

    void retryAfterIsBounded()
    {
        auto o = fastOptions();
        o.maxRetryAfterMs = 50;
        m_client->setOptions(o);
        int calls = 0;
        m_fake->on("GET", QStringLiteral("/subscriptions"), [&calls](const FakeRequest &) {
            if (++calls == 1)
                return FakeResponse::armError(429, QStringLiteral("TooManyRequests"),
                                              QStringLiteral("slow down"))
                    .header("Retry-After", "3600");
            return FakeResponse::json(200, QJsonObject{{QStringLiteral("value"), QJsonArray()}});
        });
        QVERIFY(m_client->call(api::listSubscriptions()).ok());
        QVERIFY(m_client->recentLog().join(u'\n').contains(
            QRegularExpression(QStringLiteral("retry 1 of 5 in (5\\d) ms"))));
    }

    void aServerErrorIsRetriedThenSucceeds_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::newRow("500") << 500 << QStringLiteral("InternalServerError");
        QTest::newRow("503") << 503 << QStringLiteral("ServiceUnavailable");
        QTest::newRow("409 another operation") << 409 << QStringLiteral("AnotherOperationInProgress");
    }
    void aServerErrorIsRetriedThenSucceeds()
    {
        QFETCH(int, status);
        QFETCH(QString, code);
        int calls = 0;
        m_fake->on("GET", QStringLiteral("/subscriptions"), [&](const FakeRequest &) {
            if (++calls == 1)
                return FakeResponse::armError(status, code, QStringLiteral("try later"));
            return FakeResponse::json(200, QJsonObject{{QStringLiteral("value"), QJsonArray()}});
        });
        const ArmResult r = m_client->call(api::listSubscriptions());
        QVERIFY2(r.ok(), qPrintable(r.error.userMessage()));
        QCOMPARE(calls, 2);
    }

    void persistentServerErrorsGiveUpWithAClearMessage()
    {
        auto o = fastOptions();
        o.maxRetries = 2;
        m_client->setOptions(o);
        m_fake->on("GET", QStringLiteral("/subscriptions"), [](const FakeRequest &) {
            return FakeResponse::armError(503, QStringLiteral("ServiceUnavailable"),
                                          QStringLiteral("The service is unavailable."));
        });
        const ArmResult r = m_client->call(api::listSubscriptions());
        QVERIFY(!r.ok());
        QCOMPARE(m_fake->count("GET", QStringLiteral("/subscriptions")), 3);
        const QString msg = r.error.userMessage();
        QVERIFY2(msg.contains(u"list subscriptions") && msg.contains(u"503") &&
                     msg.contains(u"ServiceUnavailable") && msg.contains(u"try again"),
                 qPrintable(msg));
    }

    void clientErrorsAreNotRetriedAndSayWhatToDo()
    {
        m_fake->on("PUT", kFirewallPath, [](const FakeRequest &) {
            return FakeResponse::json(
                403, QJsonObject{
                         {QStringLiteral("error"),
                          QJsonObject{{QStringLiteral("code"), QStringLiteral("AuthorizationFailed")},
                                      {QStringLiteral("message"),
                                       QStringLiteral(
                                           "The client does not have authorization to perform action.")}}}});
        });
        const ArmResult r =
            m_client->call(api::putFirewallRule(server(), QStringLiteral("examplefirewallrule"),
                                                QStringLiteral("1.2.3.4"), QStringLiteral("1.2.3.4")));
        QVERIFY(!r.ok());
        QCOMPARE(m_fake->count("PUT", kFirewallPath), 1);
        QVERIFY(r.error.userMessage().contains(u"Contributor"));
        QVERIFY(r.error.userMessage().contains(u"firewall rule examplefirewallrule"));
    }

    void aLongRunningOperationIsFollowedToTheFinalResource()
    {
        int polls = 0;
        m_fake->on("PUT", kFirewallPath,
                   [this](const FakeRequest &) { return m_fake->accepted(QStringLiteral("op1")); });
        m_fake->on("GET", kAsyncPath, [&polls](const FakeRequest &) {
            return FakeResponse::json(
                200, QJsonObject{{QStringLiteral("name"), QStringLiteral("op1")},
                                 {QStringLiteral("status"),
                                  ++polls < 3 ? QStringLiteral("InProgress") : QStringLiteral("Succeeded")}});
        });
        const QJsonObject rule = m_fake->exampleBody(kFirewallExample, QStringLiteral("200"));
        m_fake->on("GET", kFirewallPath,
                   [rule](const FakeRequest &) { return FakeResponse::json(200, rule); });
        ArmCall *call = m_client->start(api::putFirewallRule(server(), QStringLiteral("examplefirewallrule"),
                                                             QStringLiteral("0.0.0.0"),
                                                             QStringLiteral("255.255.255.255")));
        QSignalSpy progress(call, &ArmCall::progress);
        QSignalSpy done(call, &ArmCall::finished);
        QVERIFY(done.wait(10000));
        QVERIFY2(call->result().ok(), qPrintable(call->result().error.userMessage()));
        QCOMPARE(call->result().body.value(u"name").toString(), QStringLiteral("examplefirewallrule"));
        QCOMPARE(polls, 3);
        QCOMPARE(progress.size(), 2);
        QCOMPARE(m_fake->count("GET", kFirewallPath), 1);
    }

    void aLongRunningOperationThatFailsReportsTheArmError()
    {
        m_fake->on("PUT", kFirewallPath,
                   [this](const FakeRequest &) { return m_fake->accepted(QStringLiteral("op2")); });
        m_fake->on("GET", kAsyncPath, [](const FakeRequest &) {
            return FakeResponse::json(
                200,
                QJsonObject{
                    {QStringLiteral("status"), QStringLiteral("Failed")},
                    {QStringLiteral("error"),
                     QJsonObject{{QStringLiteral("code"), QStringLiteral("InvalidParameter")},
                                 {QStringLiteral("message"), QStringLiteral("The IP range is not valid.")},
                                 {QStringLiteral("target"), QStringLiteral("properties.startIpAddress")},
                                 {QStringLiteral("details"),
                                  QJsonArray{QJsonObject{
                                      {QStringLiteral("code"), QStringLiteral("RangeInverted")},
                                      {QStringLiteral("message"), QStringLiteral("start after end")}}}}}}});
        });
        const ArmResult r =
            m_client->call(api::putFirewallRule(server(), QStringLiteral("examplefirewallrule"),
                                                QStringLiteral("9.9.9.9"), QStringLiteral("1.1.1.1")));
        QVERIFY(!r.ok());
        QCOMPARE(r.error.kind, ArmError::Kind::OperationFailed);
        QCOMPARE(r.error.code, QStringLiteral("InvalidParameter"));
        const QString msg = r.error.userMessage();
        QVERIFY2(msg.contains(u"RangeInverted: start after end") &&
                     msg.contains(u"Correct properties.startIpAddress"),
                 qPrintable(msg));
        QCOMPARE(m_fake->count("GET", kFirewallPath), 0);
    }

    void deleteFollowsTheLocationHeaderTo204()
    {
        int polls = 0;
        m_fake->on("DELETE", kFirewallPath, [this](const FakeRequest &) {
            FakeResponse r;
            r.status = 202;
            r.header(
                "Location",
                m_fake->baseUrl().toUtf8() +
                    "/subscriptions/ffffffff-ffff-ffff-ffff-ffffffffffff/providers/Microsoft.DBforPostgreSQL/"
                    "locations/eastus/operationResults/op3?api-version=2025-08-01");
            r.header("Retry-After", "0");
            return r;
        });
        m_fake->on("GET", kLocationPath, [&polls](const FakeRequest &) {
            FakeResponse r;
            r.status = ++polls < 2 ? 202 : 204;
            return r;
        });
        const ArmResult r =
            m_client->call(api::deleteFirewallRule(server(), QStringLiteral("examplefirewallrule")));
        QVERIFY2(r.ok(), qPrintable(r.error.userMessage()));
        QCOMPARE(r.httpStatus, 204);
        QCOMPARE(polls, 2);
    }

    void aProvisioningStateIsPolledUntilTerminal()
    {
        const QString lockPath = kServerId + QStringLiteral("/providers/Microsoft.Authorization/locks/l1");
        const QString dbPath = kServerId + QStringLiteral("/databases/db1");
        int gets = 0;
        m_fake->on("PUT", dbPath, [](const FakeRequest &) {
            return FakeResponse::json(201, QJsonObject{{QStringLiteral("name"), QStringLiteral("db1")},
                                                       {QStringLiteral("properties"),
                                                        QJsonObject{{QStringLiteral("provisioningState"),
                                                                     QStringLiteral("Creating")}}}});
        });
        m_fake->on("GET", dbPath, [&gets](const FakeRequest &) {
            return FakeResponse::json(
                200, QJsonObject{
                         {QStringLiteral("name"), QStringLiteral("db1")},
                         {QStringLiteral("properties"),
                          QJsonObject{{QStringLiteral("provisioningState"),
                                       ++gets < 2 ? QStringLiteral("Creating") : QStringLiteral("Succeeded")},
                                      {QStringLiteral("charset"), QStringLiteral("UTF8")}}}});
        });
        const ArmResult r = m_client->call(api::createDatabase(server(), QStringLiteral("db1")));
        QVERIFY2(r.ok(), qPrintable(r.error.userMessage()));
        QCOMPARE(gets, 2);
        QCOMPARE(r.body.value(u"properties").toObject().value(u"charset").toString(), QStringLiteral("UTF8"));
    }

    void malformedJsonIsAnErrorNotACrash_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("truncated") << QByteArray("{\"value\": [ {\"id\": ");
        QTest::newRow("html") << QByteArray("<html><body>Bad gateway</body></html>");
        QTest::newRow("array") << QByteArray("[1,2,3]");
    }
    void malformedJsonIsAnErrorNotACrash()
    {
        QFETCH(QByteArray, body);
        m_fake->on("GET", QStringLiteral("/subscriptions"),
                   [body](const FakeRequest &) { return FakeResponse::raw(200, body); });
        const ArmResult r = m_client->call(api::listSubscriptions());
        QVERIFY(!r.ok());
        QCOMPARE(r.error.kind, ArmError::Kind::MalformedResponse);
        QVERIFY(r.error.userMessage().contains(u"list subscriptions"));
    }

    void aSlowServerCanBeCancelled()
    {
        m_fake->on("GET", QStringLiteral("/subscriptions"), [](const FakeRequest &) {
            FakeResponse r = FakeResponse::json(200, QJsonObject{{QStringLiteral("value"), QJsonArray()}});
            r.delayMs = 30000;
            return r;
        });
        m_fake->on("GET",
                   QStringLiteral("/subscriptions/s1/providers/Microsoft.DBforPostgreSQL/flexibleServers"),
                   [](const FakeRequest &) {
                       FakeResponse r =
                           FakeResponse::json(200, QJsonObject{{QStringLiteral("value"), QJsonArray()}});
                       r.delayMs = 30000;
                       return r;
                   });
        ArmCall *a = m_client->start(api::listSubscriptions());
        ArmCall *b = m_client->start(api::listServers(QStringLiteral("s1")));
        QSignalSpy doneA(a, &ArmCall::finished);
        QSignalSpy doneB(b, &ArmCall::finished);
        QTRY_COMPARE(m_fake->count("GET", QStringLiteral("/subscriptions")), 1);
        QTRY_COMPARE(m_fake->count(
                         "GET", QStringLiteral(
                                    "/subscriptions/s1/providers/Microsoft.DBforPostgreSQL/flexibleServers")),
                     1);
        QCOMPARE(m_client->callsInFlight(), 2);
        m_client->cancelAll();
        QTRY_COMPARE(doneA.size(), 1);
        QTRY_COMPARE(doneB.size(), 1);
        QCOMPARE(a->result().error.kind, ArmError::Kind::Cancelled);
        QCOMPARE(b->result().error.kind, ArmError::Kind::Cancelled);
        QCOMPARE(m_client->callsInFlight(), 0);
    }

    void aSilentServerTimesOut()
    {
        auto o = fastOptions();
        o.requestTimeoutMs = 300;
        o.maxRetries = 1;
        m_client->setOptions(o);
        m_fake->on("GET", QStringLiteral("/subscriptions"), [](const FakeRequest &) {
            FakeResponse r = FakeResponse::json(200, QJsonObject{});
            r.delayMs = 20000;
            return r;
        });
        const ArmResult r = m_client->call(api::listSubscriptions());
        QVERIFY(!r.ok());
        QCOMPARE(r.error.kind, ArmError::Kind::Timeout);
        QCOMPARE(m_fake->count("GET", QStringLiteral("/subscriptions")), 2); // retried once
        QVERIFY(r.error.userMessage().contains(u"network"));
    }

    void pagingFollowsNextLinkOverThreePages()
    {
        const QString base = m_fake->baseUrl();
        m_fake->on("GET", QStringLiteral("/subscriptions"), [base](const FakeRequest &req) {
            const QString skip = req.query.queryItemValue(QStringLiteral("$skipToken"));
            QJsonObject page;
            QJsonArray value;
            if (skip.isEmpty()) {
                value = QJsonArray{QJsonObject{{QStringLiteral("subscriptionId"), QStringLiteral("s1")},
                                               {QStringLiteral("displayName"), QStringLiteral("One")}},
                                   QJsonObject{{QStringLiteral("subscriptionId"), QStringLiteral("s2")}}};
                page.insert(
                    QStringLiteral("nextLink"),
                    QString(base + QStringLiteral("/subscriptions?api-version=2022-12-01&$skipToken=p2")));
            } else if (skip == u"p2") {
                // An empty page that still carries a nextLink.
                page.insert(
                    QStringLiteral("nextLink"),
                    QString(base + QStringLiteral("/subscriptions?api-version=2022-12-01&$skipToken=p3")));
            } else {
                value = QJsonArray{QJsonObject{{QStringLiteral("subscriptionId"), QStringLiteral("s3")}}};
                page.insert(QStringLiteral("nextLink"), QJsonValue());
            }
            page.insert(QStringLiteral("value"), value);
            return FakeResponse::json(200, page);
        });
        const ArmResult r = m_client->call(api::listSubscriptions());
        QVERIFY2(r.ok(), qPrintable(r.error.userMessage()));
        QCOMPARE(r.items.size(), 3);
        QCOMPARE(r.items.at(2).toObject().value(u"subscriptionId").toString(), QStringLiteral("s3"));
        QCOMPARE(m_fake->count("GET", QStringLiteral("/subscriptions")), 3);
    }

    void aNextLinkToAnotherHostIsRefused()
    {
        m_fake->on("GET", QStringLiteral("/subscriptions"), [](const FakeRequest &) {
            return FakeResponse::json(
                200, QJsonObject{{QStringLiteral("value"), QJsonArray()},
                                 {QStringLiteral("nextLink"),
                                  QStringLiteral("https://attacker.example/steal?api-version=2022-12-01")}});
        });
        const ArmResult r = m_client->call(api::listSubscriptions());
        QVERIFY(!r.ok());
        QVERIFY(r.error.userMessage().contains(u"not this cloud's Resource Manager"));
    }

    void theRequestLogHasNoTokenOrSecret()
    {
        m_fake->on("PUT", kServerId + QStringLiteral("/migrations/m1"),
                   [](const FakeRequest &req) { return FakeResponse::json(201, req.json()); });
        api::MigrationSpec spec;
        spec.location = QStringLiteral("eastus");
        spec.sourceDbServerResourceId = QStringLiteral("10.0.0.4:5432@postgres");
        spec.dbsToMigrate = {QStringLiteral("db1")};
        spec.sourceServerPassword = QStringLiteral("src-PASSWORD-123");
        spec.targetServerPassword = QStringLiteral("tgt-PASSWORD-456");
        QStringList lines;
        connect(m_client.get(), &ArmClient::logLine, this, [&lines](const QString &l) { lines << l; });
        const ArmResult r = m_client->call(api::createMigration(server(), QStringLiteral("m1"), spec));
        QVERIFY2(r.ok(), qPrintable(r.error.userMessage()));
        const QString log = lines.join(u'\n') + m_client->recentLog().join(u'\n');
        QVERIFY(log.contains(u"PUT"));
        QVERIFY(log.contains(u"***"));
        QVERIFY(!log.contains(u"PASSWORD"));
        QVERIFY(!log.contains(u"eyJfake"));
        QVERIFY(!log.contains(m_fake->clientSecret));
        // The passwords did reach Azure, in the body only.
        QVERIFY(m_fake->requests().last().body.contains("src-PASSWORD-123"));
        QVERIFY(!m_fake->requests().last().path.contains(u"PASSWORD"));
    }

    void theAsynchronousCallbackApiDeliversInTheContext()
    {
        m_fake->on("GET", QStringLiteral("/subscriptions"), [](const FakeRequest &) {
            return FakeResponse::json(200, QJsonObject{{QStringLiteral("value"), QJsonArray()}});
        });
        bool called = false;
        m_client->send(api::listSubscriptions(), this, [&called](const ArmResult &r) { called = r.ok(); });
        QVERIFY(!called); // never synchronous
        QTRY_VERIFY(called);
    }
};

QTEST_GUILESS_MAIN(TestArmClient)
#include "tst_armclient.moc"
