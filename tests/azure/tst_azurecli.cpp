// The real `pgferry-cli azure` against the fake ARM, with --cloud-config and a service principal
// from the AZURE_* variables: subscriptions, servers, firewall-allow (a long-running operation),
// a wrong secret, usage errors, prepare-fallback (server parameters and the restart, with faults),
// alerts (action group and metric alert rules, idempotent, with faults), create-server with private
// access (a subnet that is not a subnet refused by name; the body as the contract has it).
// No token or secret ever appears in the output.
#include "fakeazure.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace pgferry;
using test::FakeAzure;
using test::FakeRequest;
using test::FakeResponse;

namespace {
const QString kRg = QStringLiteral("exampleresourcegroup");
const QString kSub = QStringLiteral("ffffffff-ffff-ffff-ffff-ffffffffffff");
const QString kServerId =
    QStringLiteral("/subscriptions/ffffffff-ffff-ffff-ffff-ffffffffffff/resourceGroups/exampleresourcegroup/"
                   "providers/Microsoft.DBforPostgreSQL/flexibleServers/exampleserver");

struct Run
{
    int code = -1;
    QString out;
    QString err;
};
} // namespace

class TestAzureCli : public QObject
{
    Q_OBJECT
    std::unique_ptr<FakeAzure> m_fake;
    QTemporaryDir m_dir;
    QString m_cloudConfig;

    // Runs the CLI asynchronously so that the fake keeps answering in this process.
    Run cli(const QStringList &args, const QString &secret = {})
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("AZURE_TENANT_ID"), m_fake->tenant);
        env.insert(QStringLiteral("AZURE_CLIENT_ID"), m_fake->clientId);
        env.insert(QStringLiteral("AZURE_CLIENT_SECRET"), secret.isEmpty() ? m_fake->clientSecret : secret);
        p.setProcessEnvironment(env);
        QSignalSpy done(&p, &QProcess::finished);
        p.start(QStringLiteral(PGFERRY_CLI_PATH), QStringList{QStringLiteral("azure")} + args);
        if (!done.wait(60000))
            p.kill();
        return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()),
                QString::fromUtf8(p.readAllStandardError())};
    }

    void verifyNoSecrets(const Run &r)
    {
        const QString all = r.out + r.err;
        QVERIFY2(!all.contains(m_fake->clientSecret), "the client secret was printed");
        QVERIFY2(!all.contains(u"eyJfake"), "an access token was printed");
        QVERIFY2(!all.contains(u"fake-refresh-token"), "a refresh token was printed");
    }

private Q_SLOTS:
    void init()
    {
        m_fake = std::make_unique<FakeAzure>();
        m_cloudConfig = m_fake->writeCloudConfig(m_dir.path());
    }
    void cleanup()
    {
        QVERIFY2(m_fake->violations().isEmpty(), qPrintable(m_fake->violations().join(u'\n')));
        m_fake.reset();
    }

    void subscriptionsAreListedAsJson()
    {
        m_fake->on("GET", QStringLiteral("/subscriptions"), [](const FakeRequest &) {
            return FakeResponse::json(
                200,
                QJsonObject{{QStringLiteral("value"),
                             QJsonArray{QJsonObject{
                                 {QStringLiteral("id"), QString(QStringLiteral("/subscriptions/") + kSub)},
                                 {QStringLiteral("subscriptionId"), kSub},
                                 {QStringLiteral("displayName"), QStringLiteral("Example Subscription")},
                                 {QStringLiteral("state"), QStringLiteral("Enabled")},
                                 {QStringLiteral("tenantId"), QStringLiteral("t")}}}}});
        });
        const Run r = cli({QStringLiteral("subscriptions"), QStringLiteral("--json"),
                           QStringLiteral("--cloud-config"), m_cloudConfig, QStringLiteral("--verbose")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonArray a = QJsonDocument::fromJson(r.out.toUtf8()).array();
        QCOMPARE(a.size(), 1);
        QCOMPARE(a[0].toObject().value(u"displayName").toString(), QStringLiteral("Example Subscription"));
        QVERIFY(r.err.contains(u"GET")); // the verbose request log, redacted
        verifyNoSecrets(r);
    }

    void serversOfAResourceGroupAreListed()
    {
        const QJsonObject server = m_fake->exampleBody(
            QStringLiteral("postgresql-flexible/examples/2024-08-01_ServerCreatePointInTimeRestore.json"),
            QStringLiteral("200"));
        m_fake->on(
            "GET",
            QStringLiteral(
                "/subscriptions/%1/resourceGroups/%2/providers/Microsoft.DBforPostgreSQL/flexibleServers")
                .arg(kSub, kRg),
            [server](const FakeRequest &) {
                return FakeResponse::json(200, QJsonObject{{QStringLiteral("value"), QJsonArray{server}}});
            });
        Run r =
            cli({QStringLiteral("servers"), QStringLiteral("--subscription"), kSub,
                 QStringLiteral("--resource-group"), kRg, QStringLiteral("--cloud-config"), m_cloudConfig});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.out.contains(u"pgtestsvc5"));
        QVERIFY(r.out.contains(u"PostgreSQL 12"));
        r = cli({QStringLiteral("servers"), QStringLiteral("--subscription"), kSub,
                 QStringLiteral("--resource-group"), kRg, QStringLiteral("--json"),
                 QStringLiteral("--cloud-config"), m_cloudConfig});
        QCOMPARE(r.code, 0);
        QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8())
                     .array()
                     .at(0)
                     .toObject()
                     .value(u"backupRetentionDays")
                     .toInt(),
                 7);
        verifyNoSecrets(r);
    }

    void firewallAllowCreatesTheRuleThroughTheLongRunningOperation()
    {
        const QString rulePath = kServerId + QStringLiteral("/firewallRules/allow-me");
        QJsonObject sent;
        m_fake->on("PUT", rulePath, [this, &sent](const FakeRequest &req) {
            sent = req.json();
            return m_fake->accepted(QStringLiteral("fw1"), 0);
        });
        m_fake->on("GET",
                   QStringLiteral("/subscriptions/[^/]+/providers/Microsoft.DBforPostgreSQL/locations/eastus/"
                                  "azureAsyncOperation/fw1"),
                   [](const FakeRequest &) {
                       return FakeResponse::json(
                           200, QJsonObject{{QStringLiteral("status"), QStringLiteral("Succeeded")}});
                   });
        m_fake->on("GET", rulePath, [&sent](const FakeRequest &) {
            QJsonObject o{{QStringLiteral("name"), QStringLiteral("allow-me")},
                          {QStringLiteral("properties"), sent.value(u"properties")}};
            return FakeResponse::json(200, o);
        });
        const Run r = cli({QStringLiteral("firewall-allow"), QStringLiteral("--server"), kServerId,
                           QStringLiteral("--ip"), QStringLiteral("203.0.113.7"), QStringLiteral("--name"),
                           QStringLiteral("allow-me"), QStringLiteral("--cloud-config"), m_cloudConfig,
                           QStringLiteral("--json")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(sent.value(u"properties").toObject().value(u"startIpAddress").toString(),
                 QStringLiteral("203.0.113.7"));
        QCOMPARE(sent.value(u"properties").toObject().value(u"endIpAddress").toString(),
                 QStringLiteral("203.0.113.7"));
        const QJsonObject out = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(out.value(u"name").toString(), QStringLiteral("allow-me"));
        QCOMPARE(out.value(u"startIpAddress").toString(), QStringLiteral("203.0.113.7"));
        verifyNoSecrets(r);
    }

    QHash<QString, QString> replicaParameters() const
    {
        return {{QStringLiteral("wal_level"), QStringLiteral("replica")},
                {QStringLiteral("max_replication_slots"), QStringLiteral("10")},
                {QStringLiteral("max_wal_senders"), QStringLiteral("10")}};
    }
    QStringList prepareFallback(const QStringList &more = {}) const
    {
        return QStringList{QStringLiteral("prepare-fallback"), QStringLiteral("--server"), kServerId,
                           QStringLiteral("--cloud-config"), m_cloudConfig} +
               more;
    }

    void prepareFallbackWithoutYesPrintsThePlanAndChangesNothing()
    {
        m_fake->serveServerParameters(kServerId, replicaParameters());
        const Run r = cli(prepareFallback());
        QVERIFY2(r.code == 2, qPrintable(QStringLiteral("exit %1: %2").arg(r.code).arg(r.err)));
        QVERIFY2(r.out.contains(u"would set wal_level from replica to logical") &&
                     r.out.contains(u"would restart server exampleserver") && r.out.contains(u"--yes"),
                 qPrintable(r.out));
        QVERIFY(!r.out.contains(u"max_wal_senders")); // 10 is enough for one database
        QCOMPARE(m_fake->count("PATCH", QStringLiteral(".*")) + m_fake->count("PUT", QStringLiteral(".*")),
                 0);
        QCOMPARE(m_fake->restarts, 0);
        verifyNoSecrets(r);
    }

    void prepareFallbackSetsTheParametersAndRestartsWithYesThroughThrottling()
    {
        m_fake->serveServerParameters(kServerId, replicaParameters());
        // Throttled once on a read and once on the restart: both are retried.
        m_fake->failNext("GET", kServerId + QStringLiteral("/configurations/wal_level"),
                         FakeResponse::armError(429, QStringLiteral("TooManyRequests"),
                                                QStringLiteral("Rate limit exceeded."))
                             .header("Retry-After", "0"));
        m_fake->failNext("POST", kServerId + QStringLiteral("/restart"),
                         FakeResponse::armError(429, QStringLiteral("TooManyRequests"),
                                                QStringLiteral("Rate limit exceeded."))
                             .header("Retry-After", "0"));
        const Run r = cli(prepareFallback({QStringLiteral("--databases"), QStringLiteral("12"),
                                           QStringLiteral("--yes"), QStringLiteral("--json")}));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject out = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QVERIFY(out.value(u"ready").toBool());
        QVERIFY(out.value(u"restarted").toBool());
        QCOMPARE(out.value(u"changes").toArray().size(),
                 3); // wal_level, and 12 slots and senders for 12 databases
        QCOMPARE(m_fake->parameterValues.value(QStringLiteral("wal_level")), QStringLiteral("logical"));
        QCOMPARE(m_fake->parameterValues.value(QStringLiteral("max_wal_senders")), QStringLiteral("12"));
        QCOMPARE(m_fake->restarts, 1);
        QCOMPARE(m_fake->count("POST", kServerId + QStringLiteral("/restart")), 2);
        // The restart comes after every parameter is set.
        const QList<FakeRequest> reqs = m_fake->requests();
        qsizetype lastSet = -1, restart = -1;
        for (qsizetype i = 0; i < reqs.size(); ++i) {
            if (reqs[i].method == "PATCH")
                lastSet = i;
            if (reqs[i].method == "POST" && reqs[i].path.endsWith(u"/restart") && restart < 0)
                restart = i;
        }
        QVERIFY(lastSet >= 0 && restart > lastSet);

        // A second run finds it ready and restarts nothing.
        const Run again = cli(prepareFallback({QStringLiteral("--yes")}));
        QVERIFY2(again.code == 0, qPrintable(again.err));
        QVERIFY2(again.out.contains(u"is ready for a fallback") && again.out.contains(u"REPLICATION"),
                 qPrintable(again.out));
        QCOMPARE(m_fake->restarts, 1);
        verifyNoSecrets(r);
    }

    void prepareFallbackReportsAFailedRestartAndAForbiddenChange()
    {
        m_fake->serveServerParameters(kServerId, replicaParameters());
        m_fake->restartFailure =
            QJsonObject{{QStringLiteral("code"), QStringLiteral("InternalServerError")},
                        {QStringLiteral("message"), QStringLiteral("The restart of the server failed.")}};
        Run r = cli(prepareFallback({QStringLiteral("--yes")}));
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(u"InternalServerError") && r.err.contains(u"run the command again"),
                 qPrintable(r.err));
        QCOMPARE(m_fake->pendingValues.value(QStringLiteral("wal_level")),
                 QStringLiteral("logical")); // set, waiting

        // Run again once the fault is gone: the pending value is seen, the restart finishes the job.
        m_fake->restartFailure = {};
        r = cli(prepareFallback());
        QCOMPARE(r.code, 2);
        QVERIFY2(r.out.contains(u"wal_level is set already and waits for a restart"), qPrintable(r.out));
        r = cli(prepareFallback({QStringLiteral("--yes")}));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(m_fake->parameterValues.value(QStringLiteral("wal_level")), QStringLiteral("logical"));

        // Without the right to change the server: 403 names the operation, and nothing restarts.
        m_fake->serveServerParameters(kServerId, replicaParameters());
        m_fake->restarts = 0;
        m_fake->failNext(
            "PATCH", kServerId + QStringLiteral("/configurations/wal_level"),
            FakeResponse::armError(
                403, QStringLiteral("AuthorizationFailed"),
                QStringLiteral("The client does not have authorization to perform action "
                               "'Microsoft.DBforPostgreSQL/flexibleServers/configurations/write'.")));
        r = cli(prepareFallback({QStringLiteral("--yes")}));
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(u"AuthorizationFailed") && r.err.contains(u"wal_level") &&
                     r.err.contains(u"not restarted"),
                 qPrintable(r.err));
        QCOMPARE(m_fake->restarts, 0);
        verifyNoSecrets(r);
    }

    // The server (a primary with read replicas), its max_connections, and Azure Monitor.
    void serveAlertTarget(const QString &role = QStringLiteral("Primary"))
    {
        m_fake->on("GET", kServerId, [role](const FakeRequest &) {
            return FakeResponse::json(
                200, QJsonObject{{QStringLiteral("id"), kServerId},
                                 {QStringLiteral("name"), QStringLiteral("exampleserver")},
                                 {QStringLiteral("location"), QStringLiteral("westeurope")},
                                 {QStringLiteral("properties"),
                                  QJsonObject{{QStringLiteral("state"), QStringLiteral("Ready")},
                                              {QStringLiteral("replicationRole"), role}}}});
        });
        m_fake->serveServerParameters(kServerId,
                                      {{QStringLiteral("max_connections"), QStringLiteral("200")}});
        m_fake->serveMonitor();
    }
    QStringList alerts(const QString &email, const QStringList &more = {}) const
    {
        return QStringList{QStringLiteral("alerts"),
                           QStringLiteral("--server"),
                           kServerId,
                           QStringLiteral("--email"),
                           email,
                           QStringLiteral("--cloud-config"),
                           m_cloudConfig} +
               more;
    }
    QString groupPath() const
    {
        return QStringLiteral("/subscriptions/%1/resourceGroups/%2/providers/Microsoft.Insights/actionGroups/"
                              "pgferry-exampleserver-alerts")
            .arg(kSub, kRg);
    }
    static QString rulePath(const QString &key)
    {
        return QStringLiteral("/subscriptions/%1/resourceGroups/%2/providers/Microsoft.Insights/metricAlerts/"
                              "pgferry-exampleserver-%3")
            .arg(kSub, kRg, key);
    }

    void alertsCreateTheGroupAndTheRulesAndARerunUpdatesThemInPlace()
    {
        serveAlertTarget();
        const QString dba = QStringLiteral("dba@contoso.com");
        Run r = cli(alerts(dba, {QStringLiteral("--threshold"), QStringLiteral("cpu_percent=85"),
                                 QStringLiteral("--threshold=active_connections=90"),
                                 QStringLiteral("--fallback"), QStringLiteral("--json")}));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QJsonObject out = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QVERIFY(out.value(u"action_group_changed").toBool());
        QHash<QString, QJsonObject> rules;
        for (const QJsonValue &v : out.value(u"rules").toArray())
            rules.insert(v.toObject().value(u"key").toString(), v.toObject());
        QCOMPARE(rules.size(), 7);
        QCOMPARE(rules.value(QStringLiteral("cpu_percent")).value(u"threshold").toDouble(), 85.0);
        QCOMPARE(rules.value(QStringLiteral("memory_percent")).value(u"threshold").toDouble(), 90.0);
        QCOMPARE(rules.value(QStringLiteral("active_connections")).value(u"threshold").toDouble(),
                 180.0); // 90 % of 200
        QCOMPARE(rules.value(QStringLiteral("is_db_alive")).value(u"operator").toString(),
                 QStringLiteral("LessThan"));
        QCOMPARE(rules.value(QStringLiteral("replication_lag_seconds")).value(u"metric").toString(),
                 QStringLiteral("physical_replication_delay_in_seconds"));
        QCOMPARE(rules.value(QStringLiteral("logical_replication_lag_mb")).value(u"metric").toString(),
                 QStringLiteral("logical_replication_delay_in_bytes"));

        // What Azure holds: the rule points at the group and the server, the group e-mails the DBA.
        const QJsonObject cpu =
            m_fake->monitorResources.value(rulePath(QStringLiteral("cpu_percent")).toLower())
                .value(u"properties")
                .toObject();
        QCOMPARE(cpu.value(u"scopes").toArray().at(0).toString(), kServerId);
        QVERIFY(cpu.value(u"actions")
                    .toArray()
                    .at(0)
                    .toObject()
                    .value(u"actionGroupId")
                    .toString()
                    .endsWith(u"/pgferry-exampleserver-alerts"));
        auto receivers = [this] {
            return m_fake->monitorResources.value(groupPath().toLower())
                .value(u"properties")
                .toObject()
                .value(u"emailReceivers")
                .toArray();
        };
        QCOMPARE(receivers().size(), 1);
        QCOMPARE(receivers().at(0).toObject().value(u"emailAddress").toString(), dba);
        const qsizetype stored = m_fake->monitorResources.size();
        QCOMPARE(stored, 8);

        // A second run: the same names, nothing added; the group, already right, is not written again.
        r = cli(alerts(dba, {QStringLiteral("--fallback"), QStringLiteral("--json")}));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        out = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QVERIFY(!out.value(u"action_group_changed").toBool());
        QCOMPARE(m_fake->monitorResources.size(), stored);
        QCOMPARE(m_fake->count("PUT", groupPath()), 1);
        QCOMPARE(m_fake->count("PUT", rulePath(QStringLiteral("cpu_percent"))), 2);
        QCOMPARE(
            m_fake->alertCriterion(rulePath(QStringLiteral("cpu_percent"))).value(u"threshold").toDouble(),
            80.0); // back to the default

        // Another address joins the same group; the first stays.
        r = cli(alerts(QStringLiteral("oncall@contoso.com")));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(u"pgferry-exampleserver-is_db_alive") &&
                     r.out.contains(u"e-mails oncall@contoso.com"),
                 qPrintable(r.out));
        QCOMPARE(receivers().size(), 2);
        verifyNoSecrets(r);
    }

    void alertsWithoutReplicasOrFallbackLeaveTheLagRulesOut()
    {
        serveAlertTarget(QStringLiteral("None"));
        const Run r = cli(alerts(QStringLiteral("dba@contoso.com"), {QStringLiteral("--json")}));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).object().value(u"rules").toArray().size(), 5);
        QVERIFY(!m_fake->monitorResources.contains(
            rulePath(QStringLiteral("replication_lag_seconds")).toLower()));
    }

    void alertsRetryThrottlingAndReportForbiddenAndFailedRequests()
    {
        serveAlertTarget();
        const auto throttled = FakeResponse::armError(429, QStringLiteral("TooManyRequests"),
                                                      QStringLiteral("Rate limit exceeded."))
                                   .header("Retry-After", "0");
        m_fake->failNext("PUT", rulePath(QStringLiteral("memory_percent")), throttled);
        m_fake->failNext("PUT", groupPath(), throttled);
        Run r = cli(alerts(QStringLiteral("dba@contoso.com")));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(m_fake->count("PUT", rulePath(QStringLiteral("memory_percent"))), 2);

        // No right to write alert rules: 403 names the operation.
        m_fake->failNext(
            "PUT", rulePath(QStringLiteral("storage_percent")),
            FakeResponse::armError(403, QStringLiteral("AuthorizationFailed"),
                                   QStringLiteral("The client does not have authorization to perform action "
                                                  "'Microsoft.Insights/metricAlerts/write'.")));
        r = cli(alerts(QStringLiteral("dba@contoso.com")));
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(u"AuthorizationFailed") &&
                     r.err.contains(u"pgferry-exampleserver-storage_percent") &&
                     r.err.contains(u"run the command again"),
                 qPrintable(r.err));

        // A failed response of the service (a request it refuses), then a refused action group.
        m_fake->failNext("PUT", rulePath(QStringLiteral("is_db_alive")),
                         FakeResponse::armError(400, QStringLiteral("BadRequest"),
                                                QStringLiteral("The metric alert could not be saved.")));
        r = cli(alerts(QStringLiteral("dba@contoso.com"), {QStringLiteral("--verbose")}));
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(u"BadRequest") && r.err.contains(u"pgferry-exampleserver-is_db_alive"),
                 qPrintable(r.err));
        verifyNoSecrets(r);
        m_fake->failNext(
            "GET", groupPath(),
            FakeResponse::armError(403, QStringLiteral("AuthorizationFailed"), QStringLiteral("no")));
        const int rulesBefore = m_fake->count("PUT", QStringLiteral(".*/metricAlerts/.*"));
        r = cli(alerts(QStringLiteral("dba@contoso.com")));
        QCOMPARE(r.code, 1);
        QCOMPARE(m_fake->count("PUT", QStringLiteral(".*/metricAlerts/.*")),
                 rulesBefore); // no rule without its group
    }

    void aWrongSecretFailsWithAnActionableMessage()
    {
        const Run r = cli({QStringLiteral("subscriptions"), QStringLiteral("--cloud-config"), m_cloudConfig,
                           QStringLiteral("--verbose")},
                          QStringLiteral("not-the-Secret-xyz"));
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(u"invalid_client") && r.err.contains(u"AZURE_CLIENT_SECRET"),
                 qPrintable(r.err));
        QVERIFY(!QString(r.out + r.err).contains(u"not-the-Secret-xyz"));
    }

    void armErrorsExitWithFailure()
    {
        m_fake->on(
            "GET",
            QStringLiteral("/subscriptions/%1/providers/Microsoft.DBforPostgreSQL/flexibleServers").arg(kSub),
            [](const FakeRequest &) {
                return FakeResponse::armError(404, QStringLiteral("SubscriptionNotFound"),
                                              QStringLiteral("The subscription could not be found."));
            });
        const Run r = cli({QStringLiteral("servers"), QStringLiteral("--subscription"), kSub,
                           QStringLiteral("--cloud-config"), m_cloudConfig});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(u"SubscriptionNotFound") &&
                     r.err.contains(u"pgferry-cli azure subscriptions"),
                 qPrintable(r.err));
    }

    void createServerWithPrivateAccessSendsTheSubnetAndZoneAndSaysWhereToRun()
    {
        const QString ex = QStringLiteral("postgresql-flexible/examples/2024-08-01_ServerCreate.json");
        const QJsonObject network = FakeAzure::example(ex)
                                        .value(u"parameters")
                                        .toObject()
                                        .value(u"parameters")
                                        .toObject()
                                        .value(u"properties")
                                        .toObject()
                                        .value(u"network")
                                        .toObject();
        const QString serverPath = QStringLiteral("/subscriptions/%1/resourceGroups/%2/providers/"
                                                  "Microsoft.DBforPostgreSQL/flexibleServers/exampleserver")
                                       .arg(kSub, kRg);
        QJsonObject sent;
        m_fake->on("PUT", serverPath, [this, &sent](const FakeRequest &req) {
            sent = req.json();
            return m_fake->accepted(QStringLiteral("create1"), 0);
        });
        m_fake->on("GET",
                   QStringLiteral("/subscriptions/[^/]+/providers/Microsoft.DBforPostgreSQL/locations/[^/]+/"
                                  "azureAsyncOperation/create1"),
                   [](const FakeRequest &) {
                       return FakeResponse::json(
                           200, QJsonObject{{QStringLiteral("status"), QStringLiteral("Succeeded")}});
                   });
        const QJsonObject created = m_fake->exampleBody(ex, QStringLiteral("201"));
        m_fake->on("GET", serverPath,
                   [created](const FakeRequest &) { return FakeResponse::json(200, created); });
        qputenv("PGFERRY_TARGET_PASSWORD", "Adm1n-Pa55-Not-Printed");
        const QStringList base{QStringLiteral("create-server"),
                               QStringLiteral("--subscription"),
                               kSub,
                               QStringLiteral("--resource-group"),
                               kRg,
                               QStringLiteral("--name"),
                               QStringLiteral("exampleserver"),
                               QStringLiteral("--location"),
                               QStringLiteral("westus"),
                               QStringLiteral("--admin-user"),
                               QStringLiteral("cloudsa"),
                               QStringLiteral("--cloud-config"),
                               m_cloudConfig};

        // A virtual network given as the subnet: refused by name before anything is sent.
        const QString vnet = network.value(u"delegatedSubnetResourceId").toString().section(u'/', 0, -3);
        Run r = cli(base + QStringList{QStringLiteral("--subnet"), vnet, QStringLiteral("--private-dns-zone"),
                                       network.value(u"privateDnsZoneArmResourceId").toString()});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(u"--subnet") && r.err.contains(vnet) &&
                     r.err.contains(u"virtualNetworks/VNET/subnets/SUBNET"),
                 qPrintable(r.err));
        QCOMPARE(m_fake->requests().size(), 0);
        r = cli(base + QStringList{QStringLiteral("--subnet"),
                                   network.value(u"delegatedSubnetResourceId").toString()});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(u"--private-dns-zone"), qPrintable(r.err));

        r = cli(base + QStringList{QStringLiteral("--subnet"),
                                   network.value(u"delegatedSubnetResourceId").toString(),
                                   QStringLiteral("--private-dns-zone"),
                                   network.value(u"privateDnsZoneArmResourceId").toString()});
        qunsetenv("PGFERRY_TARGET_PASSWORD");
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(sent.value(u"properties").toObject().value(u"network").toObject(), network);
        QVERIFY2(r.out.contains(u"private access only") && r.out.contains(u"examplevirtualnetwork") &&
                     r.out.contains(u"site-to-site VPN"),
                 qPrintable(r.out));
        QVERIFY(!QString(r.out + r.err).contains(u"Adm1n-Pa55"));
        verifyNoSecrets(r);
    }

    void usageErrorsExitWithTwo_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("no command") << QStringList{};
        QTest::newRow("unknown command") << QStringList{QStringLiteral("frobnicate")};
        QTest::newRow("servers without subscription") << QStringList{QStringLiteral("servers")};
        QTest::newRow("unknown option")
            << QStringList{QStringLiteral("subscriptions"), QStringLiteral("--bogus")};
        QTest::newRow("bad server id")
            << QStringList{QStringLiteral("firewall-allow"), QStringLiteral("--server"),
                           QStringLiteral("nope"), QStringLiteral("--ip"), QStringLiteral("1.2.3.4")};
        QTest::newRow("ipv6") << QStringList{QStringLiteral("firewall-allow"), QStringLiteral("--server"),
                                             kServerId, QStringLiteral("--ip"), QStringLiteral("::1")};
        QTest::newRow("bad rule name") << QStringList{
            QStringLiteral("firewall-allow"), QStringLiteral("--server"), kServerId,
            QStringLiteral("--ip"),           QStringLiteral("1.2.3.4"),  QStringLiteral("--name"),
            QStringLiteral("bad name!")};
        QTest::newRow("prepare-fallback without server")
            << QStringList{QStringLiteral("prepare-fallback"), QStringLiteral("--yes")};
        QTest::newRow("prepare-fallback bad databases")
            << QStringList{QStringLiteral("prepare-fallback"), QStringLiteral("--server"), kServerId,
                           QStringLiteral("--databases"), QStringLiteral("0")};
        QTest::newRow("alerts without email")
            << QStringList{QStringLiteral("alerts"), QStringLiteral("--server"), kServerId};
        QTest::newRow("alerts bad email")
            << QStringList{QStringLiteral("alerts"), QStringLiteral("--server"), kServerId,
                           QStringLiteral("--email"), QStringLiteral("dba")};
        QTest::newRow("alerts unknown threshold") << QStringList{
            QStringLiteral("alerts"),  QStringLiteral("--server"), kServerId,
            QStringLiteral("--email"), QStringLiteral("a@b.com"),  QStringLiteral("--threshold"),
            QStringLiteral("cpu=80")};
        QTest::newRow("alerts threshold out of range") << QStringList{
            QStringLiteral("alerts"),         QStringLiteral("--server"), kServerId,
            QStringLiteral("--email"),        QStringLiteral("a@b.com"),  QStringLiteral("--threshold"),
            QStringLiteral("cpu_percent=150")};
        QTest::newRow("alerts action group of another type") << QStringList{
            QStringLiteral("alerts"),  QStringLiteral("--server"),       kServerId, QStringLiteral("--email"),
            QStringLiteral("a@b.com"), QStringLiteral("--action-group"), kServerId};
        QTest::newRow("create-server with a virtual network as the subnet") << QStringList{
            QStringLiteral("create-server"),
            QStringLiteral("--subscription"),
            kSub,
            QStringLiteral("--resource-group"),
            kRg,
            QStringLiteral("--name"),
            QStringLiteral("pg1"),
            QStringLiteral("--location"),
            QStringLiteral("westus"),
            QStringLiteral("--admin-user"),
            QStringLiteral("a"),
            QStringLiteral("--subnet"),
            QStringLiteral("/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v"),
            QStringLiteral("--private-dns-zone"),
            QStringLiteral(
                "/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/privateDnsZones/z")};
        QTest::newRow("both cloud options") << QStringList{
            QStringLiteral("subscriptions"), QStringLiteral("--cloud"), QStringLiteral("AzureCloud")};
    }
    void usageErrorsExitWithTwo()
    {
        QFETCH(QStringList, args);
        const Run r = cli(args + QStringList{QStringLiteral("--cloud-config"), m_cloudConfig});
        QVERIFY2(r.code == 2, qPrintable(QStringLiteral("exit %1: %2").arg(r.code).arg(r.err)));
        QVERIFY(!r.err.isEmpty());
        QCOMPARE(m_fake->requests().size(), 0);
    }

    void optionsThatDoNotApplyAreRefusedByName_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("option");
        QTest::newRow("servers --ip")
            << QStringList{QStringLiteral("servers"), QStringLiteral("--subscription"), kSub,
                           QStringLiteral("--ip"), QStringLiteral("1.2.3.4")}
            << QStringLiteral("--ip");
        QTest::newRow("subscriptions --server")
            << QStringList{QStringLiteral("subscriptions"), QStringLiteral("--server"), kServerId}
            << QStringLiteral("--server");
        QTest::newRow("lock --yes") << QStringList{QStringLiteral("lock"), QStringLiteral("--server"),
                                                   kServerId, QStringLiteral("--yes")}
                                    << QStringLiteral("--yes");
        QTest::newRow("check-backups --threshold")
            << QStringList{QStringLiteral("check-backups"), QStringLiteral("--server"), kServerId,
                           QStringLiteral("--threshold"), QStringLiteral("cpu_percent=80")}
            << QStringLiteral("--threshold");
        QTest::newRow("firewall-allow --geo-redundant-backup")
            << QStringList{QStringLiteral("firewall-allow"),
                           QStringLiteral("--server"),
                           kServerId,
                           QStringLiteral("--ip"),
                           QStringLiteral("1.2.3.4"),
                           QStringLiteral("--geo-redundant-backup")}
            << QStringLiteral("--geo-redundant-backup");
        QTest::newRow("parameter --value and --add-extensions")
            << QStringList{QStringLiteral("parameter"),
                           QStringLiteral("--server"),
                           kServerId,
                           QStringLiteral("--name"),
                           QStringLiteral("azure.extensions"),
                           QStringLiteral("--value"),
                           QStringLiteral("x"),
                           QStringLiteral("--add-extensions"),
                           QStringLiteral("y")}
            << QStringLiteral("--add-extensions");
    }
    void optionsThatDoNotApplyAreRefusedByName()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, option);
        const Run r = cli(args + QStringList{QStringLiteral("--cloud-config"), m_cloudConfig});
        QVERIFY2(r.code == 2, qPrintable(QStringLiteral("exit %1: %2").arg(r.code).arg(r.err)));
        QVERIFY2(r.err.contains(option) && r.err.contains(QStringLiteral("azure ") + args.first()),
                 qPrintable(r.err));
        QCOMPARE(m_fake->requests().size(), 0);
    }

    void anUnknownCloudIsAUsageError()
    {
        QProcess p;
        p.start(QStringLiteral(PGFERRY_CLI_PATH), {QStringLiteral("azure"), QStringLiteral("subscriptions"),
                                                   QStringLiteral("--cloud"), QStringLiteral("Mars")});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 2);
        QVERIFY(p.readAllStandardError().contains("AzureChinaCloud"));
    }

    void anHttpCloudConfigOffLoopbackIsRefused()
    {
        QFile f(m_dir.filePath(QStringLiteral("remote.json")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        const QJsonObject remote{
            {QStringLiteral("name"), QStringLiteral("Remote")},
            {QStringLiteral("endpoints"),
             QJsonObject{{QStringLiteral("activeDirectory"), QStringLiteral("http://login.example.com")},
                         {QStringLiteral("resourceManager"), QStringLiteral("http://arm.example.com/")},
                         {QStringLiteral("activeDirectoryResourceId"),
                          QStringLiteral("https://management.core.windows.net/")}}}};
        f.write(QJsonDocument(remote).toJson());
        f.close();
        const Run r = cli({QStringLiteral("subscriptions"), QStringLiteral("--cloud-config"), f.fileName()});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains(u"plain http"));
    }
};

QTEST_GUILESS_MAIN(TestAzureCli)
#include "tst_azurecli.moc"
