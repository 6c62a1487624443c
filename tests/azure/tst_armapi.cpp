// The ARM operations (armapi.h) against the fake, answered with the official examples: server
// create (HA off, geo-redundant backup), read replica, point-in-time restore, firewall rule,
// database, server parameter, CanNotDelete lock, migration name check, create, cutover and cancel,
// resource groups, backup checks, and the name and address validators. Private access: a server
// created in a delegated subnet with a private DNS zone, a migration with a runtime server, the
// fake refusing malformed ids as Azure does, and the detection of a server without public access.
#include "azure/armapi.h"
#include "azure/armclient.h"
#include "azure/armmodels.h"
#include "azure/credential.h"
#include "azure/networkaccess.h"
#include "fakeazure.h"

#include <QJsonArray>
#include <QTest>

using namespace pgferry;
using namespace pgferry::azure;
using test::FakeAzure;
using test::FakeRequest;
using test::FakeResponse;

namespace {
const QString kEx = QStringLiteral("postgresql-flexible/examples/");
const QString kSub = QStringLiteral("ffffffff-ffff-ffff-ffff-ffffffffffff");
ResourceId srv(const QString &name, const QString &rg = QStringLiteral("testrg"))
{
    return ResourceId::flexibleServer(kSub, rg, name);
}
QString path(const ResourceId &id)
{
    return id.toString();
}
} // namespace

class TestArmApi : public QObject
{
    Q_OBJECT
    std::unique_ptr<FakeAzure> m_fake;
    std::unique_ptr<Credential> m_cred;
    std::unique_ptr<ArmClient> m_client;
    QJsonObject m_sent;

    // PUT/PATCH answered 202 with the example's own LRO headers (rewritten to the fake), then
    // Succeeded, then the final GET with `final`.
    void serveLro(const QByteArray &method, const QString &resourcePath, const QString &example,
                  const QJsonObject &final)
    {
        const QJsonObject headers = FakeAzure::example(example)
                                        .value(u"responses")
                                        .toObject()
                                        .value(u"202")
                                        .toObject()
                                        .value(u"headers")
                                        .toObject();
        m_fake->on(method, resourcePath, [this, headers](const FakeRequest &req) {
            m_sent = req.json();
            FakeResponse r;
            r.status = 202;
            for (auto it = headers.begin(); it != headers.end(); ++it)
                r.header(it.key().toLatin1(), m_fake->rewrite(it.value().toString().toUtf8()));
            r.header("Retry-After", "0");
            return r;
        });
        m_fake->on("GET",
                   QStringLiteral("/subscriptions/[^/]+/providers/Microsoft.DBforPostgreSQL/locations/[^/]+/"
                                  "azureAsyncOperation/.*"),
                   [](const FakeRequest &) {
                       return FakeResponse::json(
                           200, QJsonObject{{QStringLiteral("status"), QStringLiteral("Succeeded")}});
                   });
        m_fake->on("GET", resourcePath,
                   [final](const FakeRequest &) { return FakeResponse::json(200, final); });
    }

private Q_SLOTS:
    void init()
    {
        m_fake = std::make_unique<FakeAzure>();
        m_cred = Credential::forClientSecret(m_fake->cloud(), m_fake->tenant, m_fake->clientId,
                                             m_fake->clientSecret);
        ArmClient::Options o;
        o.defaultPollMs = 10;
        o.backoffBaseMs = 10;
        m_client = std::make_unique<ArmClient>(m_fake->cloud(), m_cred.get(), o);
        m_sent = {};
    }
    void cleanup()
    {
        QVERIFY2(m_fake->violations().isEmpty(), qPrintable(m_fake->violations().join(u'\n')));
        QVERIFY2(m_fake->unhandled().isEmpty(), qPrintable(m_fake->unhandled().join(u'\n')));
        m_client.reset();
        m_cred.reset();
        m_fake.reset();
    }

    void createServerSendsVersionSkuStorageRegionHaOffAndGeoBackup()
    {
        api::ServerSpec spec;
        spec.id = srv(QStringLiteral("pgtestsvc4"));
        spec.location = QStringLiteral("westus");
        spec.version = QStringLiteral("16");
        spec.skuName = QStringLiteral("Standard_D4ds_v5");
        spec.storageSizeGB = 512;
        spec.administratorLogin = QStringLiteral("cloudsa");
        spec.administratorLoginPassword = QStringLiteral("pw-not-logged");
        spec.geoRedundantBackup = true;
        QVERIFY(api::checkServerSpec(spec).isEmpty());
        const QString ex = kEx + QStringLiteral("2024-08-01_ServerCreate.json");
        serveLro("PUT", path(spec.id),
                 QStringLiteral("postgresql-flexible/examples/2025-08-01_ServersCreateReplica.json"),
                 m_fake->exampleBody(ex, QStringLiteral("200")));
        const ArmResult r = m_client->call(api::createServer(spec));
        QVERIFY2(r.ok(), qPrintable(r.error.userMessage()));
        const QJsonObject p = m_sent.value(u"properties").toObject();
        QCOMPARE(m_sent.value(u"location").toString(), QStringLiteral("westus"));
        QCOMPARE(m_sent.value(u"sku").toObject().value(u"name").toString(),
                 QStringLiteral("Standard_D4ds_v5"));
        QCOMPARE(m_sent.value(u"sku").toObject().value(u"tier").toString(), QStringLiteral("GeneralPurpose"));
        QCOMPARE(p.value(u"createMode").toString(), QStringLiteral("Create"));
        QCOMPARE(p.value(u"version").toString(), QStringLiteral("16"));
        QCOMPARE(p.value(u"storage").toObject().value(u"storageSizeGB").toInt(), 512);
        QCOMPARE(p.value(u"highAvailability").toObject().value(u"mode").toString(),
                 QStringLiteral("Disabled"));
        QCOMPARE(p.value(u"backup").toObject().value(u"geoRedundantBackup").toString(),
                 QStringLiteral("Enabled"));
        const FlexibleServer f = FlexibleServer::fromJson(r.body);
        QCOMPARE(f.name, QStringLiteral("exampleserver"));
        QVERIFY(!f.fullyQualifiedDomainName.isEmpty());
        QVERIFY(!m_client->recentLog().join(u'\n').contains(u"pw-not-logged"));
    }

    void badServerSpecsSayWhatToFix_data()
    {
        QTest::addColumn<int>("variant");
        QTest::addColumn<QString>("expected");
        QTest::newRow("name") << 0 << QStringLiteral("server name");
        QTest::newRow("version") << 1 << QStringLiteral("choose 11 to 18");
        QTest::newRow("tier") << 2 << QStringLiteral("Burstable");
        QTest::newRow("storage") << 3 << QStringLiteral("32 to 32767");
        QTest::newRow("password") << 4 << QStringLiteral("PGFERRY_TARGET_PASSWORD");
    }
    void badServerSpecsSayWhatToFix()
    {
        QFETCH(int, variant);
        QFETCH(QString, expected);
        api::ServerSpec s;
        s.id = srv(QStringLiteral("good-name"));
        s.location = QStringLiteral("westus");
        s.administratorLogin = QStringLiteral("a");
        s.administratorLoginPassword = QStringLiteral("b");
        QVERIFY(api::checkServerSpec(s).isEmpty());
        if (variant == 0)
            s.id.name = QStringLiteral("-bad");
        if (variant == 1)
            s.version = QStringLiteral("9");
        if (variant == 2)
            s.skuTier = QStringLiteral("Basic");
        if (variant == 3)
            s.storageSizeGB = 1;
        if (variant == 4)
            s.administratorLoginPassword.clear();
        QVERIFY(api::checkServerSpec(s).contains(expected));
    }

    void aReadReplicaIsCreatedInAnotherRegion()
    {
        const ResourceId source =
            srv(QStringLiteral("examplesourceserver"), QStringLiteral("exampleresourcegroup"));
        const ResourceId replica =
            srv(QStringLiteral("exampleserver"), QStringLiteral("exampleresourcegroup"));
        QJsonObject final =
            m_fake->exampleBody(kEx + QStringLiteral("2024-08-01_ServerCreate.json"), QStringLiteral("200"));
        final.insert(QStringLiteral("location"), QStringLiteral("eastus"));
        serveLro("PUT", path(replica), kEx + QStringLiteral("2025-08-01_ServersCreateReplica.json"), final);
        const ArmResult r = m_client->call(api::createReadReplica(replica, QStringLiteral("eastus"), source));
        QVERIFY2(r.ok(), qPrintable(r.error.userMessage()));
        // The body matches the official example's shape.
        const QJsonObject example =
            FakeAzure::example(kEx + QStringLiteral("2025-08-01_ServersCreateReplica.json"))
                .value(u"parameters")
                .toObject()
                .value(u"parameters")
                .toObject();
        QCOMPARE(m_sent.value(u"properties").toObject().value(u"createMode"),
                 example.value(u"properties").toObject().value(u"createMode"));
        QCOMPARE(m_sent.value(u"properties").toObject().value(u"sourceServerResourceId"),
                 example.value(u"properties").toObject().value(u"sourceServerResourceId"));
        QCOMPARE(m_sent.value(u"location").toString(), QStringLiteral("eastus"));
    }

    void aPointInTimeRestoreCreatesANewServer()
    {
        const QString ex = kEx + QStringLiteral("2024-08-01_ServerCreatePointInTimeRestore.json");
        const QJsonObject params = FakeAzure::example(ex).value(u"parameters").toObject();
        const ResourceId source = *ResourceId::parse(params.value(u"parameters")
                                                         .toObject()
                                                         .value(u"properties")
                                                         .toObject()
                                                         .value(u"sourceServerResourceId")
                                                         .toString());
        const ResourceId target = srv(QStringLiteral("pgtestsvc5"));
        const QJsonObject created = m_fake->exampleBody(ex, QStringLiteral("201"));
        m_fake->on("PUT", path(target), [this, created](const FakeRequest &req) {
            m_sent = req.json();
            return FakeResponse::json(201, created); // no provisioningState: done
        });
        const QDateTime when =
            QDateTime::fromString(QStringLiteral("2021-06-27T00:04:59.407Z"), Qt::ISODateWithMs);
        const ArmResult r =
            m_client->call(api::pointInTimeRestore(target, QStringLiteral("westus"), source, when));
        QVERIFY2(r.ok(), qPrintable(r.error.userMessage()));
        const QJsonObject p = m_sent.value(u"properties").toObject();
        QCOMPARE(p.value(u"createMode").toString(), QStringLiteral("PointInTimeRestore"));
        QCOMPARE(p.value(u"sourceServerResourceId").toString(), source.toString());
        QCOMPARE(QDateTime::fromString(p.value(u"pointInTimeUTC").toString(), Qt::ISODateWithMs), when);
        QCOMPARE(FlexibleServer::fromJson(r.body).name, QStringLiteral("pgtestsvc5"));
    }

    void aFirewallRuleMatchesTheExample()
    {
        const QString ex = kEx + QStringLiteral("2024-08-01_FirewallRuleCreate.json");
        const ResourceId s = srv(QStringLiteral("exampleserver"), QStringLiteral("exampleresourcegroup"));
        serveLro("PUT", path(s) + QStringLiteral("/firewallRules/examplefirewallrule"), ex,
                 m_fake->exampleBody(ex, QStringLiteral("200")));
        const ArmResult r = m_client->call(api::putFirewallRule(s, QStringLiteral("examplefirewallrule"),
                                                                QStringLiteral("0.0.0.0"),
                                                                QStringLiteral("255.255.255.255")));
        QVERIFY2(r.ok(), qPrintable(r.error.userMessage()));
        QCOMPARE(m_sent,
                 FakeAzure::example(ex).value(u"parameters").toObject().value(u"parameters").toObject());
        const FirewallRule rule = FirewallRule::fromJson(r.body);
        QCOMPARE(rule.endIpAddress, QStringLiteral("255.255.255.255"));
    }

    void aDatabaseIsCreatedFollowingTheExampleHeaders()
    {
        const QString ex = kEx + QStringLiteral("2025-08-01_DatabasesCreate.json");
        const ResourceId s = srv(QStringLiteral("exampleserver"), QStringLiteral("exampleresourcegroup"));
        const QJsonObject db{{QStringLiteral("name"), QStringLiteral("exampledatabase")},
                             {QStringLiteral("properties"),
                              QJsonObject{{QStringLiteral("charset"), QStringLiteral("utf8")},
                                          {QStringLiteral("collation"), QStringLiteral("en_US.utf8")}}}};
        serveLro("PUT", path(s) + QStringLiteral("/databases/exampledatabase"), ex, db);
        const ArmResult r = m_client->call(api::createDatabase(
            s, QStringLiteral("exampledatabase"), QStringLiteral("utf8"), QStringLiteral("en_US.utf8")));
        QVERIFY2(r.ok(), qPrintable(r.error.userMessage()));
        QCOMPARE(m_sent,
                 FakeAzure::example(ex).value(u"parameters").toObject().value(u"parameters").toObject());
        QCOMPARE(FlexibleDatabase::fromJson(r.body).collation, QStringLiteral("en_US.utf8"));
        // The poll used the example's Azure-AsyncOperation URL verbatim, with its own api-version.
        bool polledVerbatim = false;
        for (const FakeRequest &q : m_fake->requests())
            polledVerbatim = polledVerbatim || (q.path.contains(u"azureAsyncOperation/aaaaaaaa") &&
                                                q.apiVersion() == u"2025-06-01-preview");
        QVERIFY(polledVerbatim);
    }

    void azureExtensionsAreExtendedAndSet()
    {
        QCOMPARE(api::extensionsAllowList(QStringLiteral("pg_trgm,hstore"),
                                          {QStringLiteral("PostGIS"), QStringLiteral("hstore")}),
                 QStringLiteral("pg_trgm,hstore,postgis"));
        QCOMPARE(api::extensionsAllowList({}, {QStringLiteral("citext")}), QStringLiteral("citext"));
        const QString ex = kEx + QStringLiteral("2024-08-01_ConfigurationUpdate.json");
        const ResourceId s = srv(QStringLiteral("exampleserver"), QStringLiteral("exampleresourcegroup"));
        serveLro("PATCH", path(s) + QStringLiteral("/configurations/constraint_exclusion"), ex,
                 m_fake->exampleBody(ex, QStringLiteral("200")));
        const ArmResult r = m_client->call(
            api::setConfiguration(s, QStringLiteral("constraint_exclusion"), QStringLiteral("on")));
        QVERIFY2(r.ok(), qPrintable(r.error.userMessage()));
        QCOMPARE(m_sent,
                 FakeAzure::example(ex).value(u"parameters").toObject().value(u"parameters").toObject());
        const ServerConfiguration c = ServerConfiguration::fromJson(r.body);
        QCOMPARE(c.value, QStringLiteral("on"));
        QVERIFY(!c.isConfigPendingRestart);
    }

    void aCanNotDeleteLockIsPutOnTheServer()
    {
        const ResourceId s = srv(QStringLiteral("exampleserver"));
        const QJsonObject created = m_fake->exampleBody(
            QStringLiteral("locks/2020-05-01/examples/ManagementLocks_CreateOrUpdateAtResourceLevel.json"),
            QStringLiteral("201"));
        m_fake->on("PUT", path(s) + QStringLiteral("/providers/Microsoft.Authorization/locks/keep-me"),
                   [this, created](const FakeRequest &req) {
                       m_sent = req.json();
                       QJsonObject out = created;
                       out.insert(QStringLiteral("properties"), req.json().value(u"properties"));
                       out.insert(QStringLiteral("name"), QStringLiteral("keep-me"));
                       return FakeResponse::json(201, out);
                   });
        const ArmResult r = m_client->call(api::createLock(s.toString(), QStringLiteral("keep-me"),
                                                           QStringLiteral("CanNotDelete"),
                                                           QStringLiteral("after migration")));
        QVERIFY2(r.ok(), qPrintable(r.error.userMessage()));
        QCOMPARE(m_sent.value(u"properties").toObject().value(u"level").toString(),
                 QStringLiteral("CanNotDelete"));
        QCOMPARE(ManagementLock::fromJson(r.body).level, QStringLiteral("CanNotDelete"));
        QCOMPARE(m_fake->requests().last().apiVersion(), QStringLiteral("2020-05-01"));
    }

    void migrationNameAvailabilityFollowsTheExample()
    {
        const QString ex = kEx + QStringLiteral("2024-08-01_CheckMigrationNameAvailability.json");
        const ResourceId s = srv(QStringLiteral("testtarget"));
        m_fake->on("POST", path(s) + QStringLiteral("/checkMigrationNameAvailability"),
                   [this, ex](const FakeRequest &req) {
                       m_sent = req.json();
                       return FakeResponse::json(200, m_fake->exampleBody(ex, QStringLiteral("200")));
                   });
        const ArmResult r = m_client->call(api::checkMigrationNameAvailability(s, QStringLiteral("name1")));
        QVERIFY2(r.ok(), qPrintable(r.error.userMessage()));
        QCOMPARE(m_sent,
                 FakeAzure::example(ex).value(u"parameters").toObject().value(u"parameters").toObject());
        QVERIFY(r.body.value(u"nameAvailable").toBool());
    }

    void cutoverIsAPatchAndCancelADelete()
    {
        const ResourceId s = srv(QStringLiteral("exampletarget"), QStringLiteral("exampleresourcegroup"));
        const QString m = path(s) + QStringLiteral("/migrations/examplemigration");
        const QJsonObject got = m_fake->exampleBody(
            kEx +
                QStringLiteral("2024-08-01_Migrations_GetMigrationWithSuccessfulValidationAndMigration.json"),
            QStringLiteral("200"));
        m_fake->on("PATCH", m, [this, got](const FakeRequest &req) {
            m_sent = req.json();
            return FakeResponse::json(200, got);
        });
        ArmResult r = m_client->call(
            api::triggerCutover(s, QStringLiteral("examplemigration"), {QStringLiteral("exampledatabase")}));
        QVERIFY2(r.ok(), qPrintable(r.error.userMessage()));
        QCOMPARE(m_sent, QJsonObject({{QStringLiteral("properties"),
                                       QJsonObject{{QStringLiteral("triggerCutover"), QStringLiteral("True")},
                                                   {QStringLiteral("dbsToTriggerCutoverOn"),
                                                    QJsonArray{QStringLiteral("exampledatabase")}}}}}));
        m_fake->on("DELETE", m, [](const FakeRequest &) { return FakeResponse::raw(204, {}); });
        r = m_client->call(api::cancelMigration(s, QStringLiteral("examplemigration")));
        QVERIFY2(r.ok(), qPrintable(r.error.userMessage()));
        QCOMPARE(m_fake->requests().last().method, QByteArray("DELETE"));
        QCOMPARE(m_fake->requests().last().apiVersion(), QStringLiteral("2025-08-01"));
    }

    void backupChecksReadTheServer()
    {
        const FlexibleServer geo = FlexibleServer::fromJson(
            m_fake->exampleBody(kEx + QStringLiteral("2024-08-01_ServerCreate.json"), QStringLiteral("200")));
        for (const BackupCheck &c : checkBackups(geo))
            QVERIFY2(c.ok, qPrintable(c.message));
        const FlexibleServer plain = FlexibleServer::fromJson(m_fake->exampleBody(
            kEx + QStringLiteral("2024-08-01_ServerCreatePointInTimeRestore.json"), QStringLiteral("200")));
        const auto checks = checkBackups(plain, 14);
        QCOMPARE(checks.size(), 3);
        QVERIFY(!checks[0].ok && checks[0].message.contains(u"at least 14"));
        QVERIFY(!checks[1].ok && checks[1].message.contains(u"read replica"));
        QVERIFY(!checks[2].ok);
    }

    void createServerWithPrivateAccessSendsTheSubnetAndZoneAsTheExampleDoes()
    {
        const QString ex = kEx + QStringLiteral("2024-08-01_ServerCreate.json");
        const QJsonObject exampleNetwork = FakeAzure::example(ex)
                                               .value(u"parameters")
                                               .toObject()
                                               .value(u"parameters")
                                               .toObject()
                                               .value(u"properties")
                                               .toObject()
                                               .value(u"network")
                                               .toObject();
        api::ServerSpec spec;
        spec.id = srv(QStringLiteral("exampleserver"));
        spec.location = QStringLiteral("westus");
        spec.administratorLogin = QStringLiteral("cloudsa");
        spec.administratorLoginPassword = QStringLiteral("pw-not-logged");
        spec.delegatedSubnetResourceId = exampleNetwork.value(u"delegatedSubnetResourceId").toString();
        spec.privateDnsZoneArmResourceId = exampleNetwork.value(u"privateDnsZoneArmResourceId").toString();
        QVERIFY2(api::checkServerSpec(spec).isEmpty(), qPrintable(api::checkServerSpec(spec)));
        serveLro("PUT", path(spec.id),
                 QStringLiteral("postgresql-flexible/examples/2025-08-01_ServersCreateReplica.json"),
                 m_fake->exampleBody(ex, QStringLiteral("201")));
        const ArmResult r = m_client->call(api::createServer(spec));
        QVERIFY2(r.ok(), qPrintable(r.error.userMessage()));
        // The contract: the subnet and the zone, and no publicNetworkAccess for a VNet-integrated server.
        QCOMPARE(m_sent.value(u"properties").toObject().value(u"network").toObject(), exampleNetwork);
        const FlexibleServer f = FlexibleServer::fromJson(r.body);
        QCOMPARE(f.publicNetworkAccess, QStringLiteral("Disabled"));
        const NetworkAccess n = NetworkAccess::of(f);
        QCOMPARE(n.kind, NetworkAccess::Kind::VNetIntegrated);
        QCOMPARE(n.virtualNetwork, QStringLiteral("examplevirtualnetwork"));
        QCOMPARE(n.subnet, QStringLiteral("examplesubnet"));
        QVERIFY(n.whereToRun().contains(u"ExpressRoute"));
        QVERIFY(!m_client->recentLog().join(u'\n').contains(u"pw-not-logged"));
    }

    void privateAccessIdsAreCheckedByTypeAndNamed_data()
    {
        QTest::addColumn<QString>("subnet");
        QTest::addColumn<QString>("zone");
        QTest::addColumn<QString>("expected");
        const QString vnet =
            QStringLiteral("/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v");
        const QString zone = QStringLiteral("/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/"
                                            "privateDnsZones/z.private.postgres.database.azure.com");
        QTest::newRow("a virtual network, not its subnet")
            << vnet << zone << QStringLiteral("(it names a Microsoft.Network/virtualNetworks)");
        QTest::newRow("a bare name")
            << QStringLiteral("examplesubnet") << zone
            << QStringLiteral("subnet \"examplesubnet\" is not a Microsoft.Network/virtualNetworks/subnets");
        QTest::newRow("a subnet as the zone")
            << vnet + QStringLiteral("/subnets/s") << vnet + QStringLiteral("/subnets/s")
            << QStringLiteral("is not a Microsoft.Network/privateDnsZones resource id");
        QTest::newRow("a subnet without a zone")
            << vnet + QStringLiteral("/subnets/s") << QString() << QStringLiteral("needs both");
    }
    void privateAccessIdsAreCheckedByTypeAndNamed()
    {
        QFETCH(QString, subnet);
        QFETCH(QString, zone);
        QFETCH(QString, expected);
        api::ServerSpec s;
        s.id = srv(QStringLiteral("good-name"));
        s.location = QStringLiteral("westus");
        s.administratorLogin = QStringLiteral("a");
        s.administratorLoginPassword = QStringLiteral("b");
        s.delegatedSubnetResourceId = subnet;
        s.privateDnsZoneArmResourceId = zone;
        const QString why = api::checkServerSpec(s);
        QVERIFY2(why.contains(expected), qPrintable(why));
        QVERIFY(why.contains(u"expected") || why.contains(u"--subnet"));
    }

    void theFakeRefusesAMalformedNetworkAsAzureDoes()
    {
        api::ServerSpec spec;
        spec.id = srv(QStringLiteral("exampleserver"));
        spec.location = QStringLiteral("westus");
        spec.administratorLogin = QStringLiteral("cloudsa");
        spec.administratorLoginPassword = QStringLiteral("pw");
        spec.delegatedSubnetResourceId = QStringLiteral("examplesubnet"); // bypasses checkServerSpec
        spec.privateDnsZoneArmResourceId =
            QStringLiteral("/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/privateDnsZones/z");
        ArmResult r = m_client->call(api::createServer(spec));
        QVERIFY(!r.ok());
        QCOMPARE(r.error.httpStatus, 400);
        QCOMPARE(r.error.code, QStringLiteral("LinkedInvalidPropertyId"));
        QVERIFY(r.error.userMessage().contains(u"properties.network.delegatedSubnetResourceId"));
        spec.delegatedSubnetResourceId =
            QStringLiteral("/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v");
        r = m_client->call(api::createServer(spec));
        QCOMPARE(r.error.code, QStringLiteral("InvalidParameterValue"));
        QCOMPARE(m_fake->violations().size(), 2);
        m_fake->clearLog();
    }

    void aMigrationCarriesItsRuntimeServerAsTheExampleDoes()
    {
        const QString ex =
            kEx + QStringLiteral("2024-08-01_Migrations_Create_With_PrivateEndpoint_Servers.json");
        const QJsonObject exampleProps = FakeAzure::example(ex)
                                             .value(u"parameters")
                                             .toObject()
                                             .value(u"parameters")
                                             .toObject()
                                             .value(u"properties")
                                             .toObject();
        const ResourceId s = srv(QStringLiteral("exampletarget"), QStringLiteral("exampleresourcegroup"));
        m_fake->on("PUT", path(s) + QStringLiteral("/migrations/examplemigration"),
                   [this, ex](const FakeRequest &req) {
                       m_sent = req.json();
                       return FakeResponse::json(201, m_fake->exampleBody(ex, QStringLiteral("201")));
                   });
        api::MigrationSpec spec;
        spec.location = QStringLiteral("westus");
        spec.online = false;
        spec.sourceDbServerResourceId = exampleProps.value(u"sourceDbServerResourceId").toString();
        spec.dbsToMigrate = {QStringLiteral("exampledatabase1")};
        spec.sourceServerPassword = QStringLiteral("s");
        spec.targetServerPassword = QStringLiteral("t");
        spec.migrationInstanceResourceId = exampleProps.value(u"migrationInstanceResourceId").toString();
        QVERIFY(api::checkMigrationSpec(spec).isEmpty());
        const ArmResult r = m_client->call(api::createMigration(s, QStringLiteral("examplemigration"), spec));
        QVERIFY2(r.ok(), qPrintable(r.error.userMessage()));
        QCOMPARE(m_sent.value(u"properties").toObject().value(u"migrationInstanceResourceId"),
                 exampleProps.value(u"migrationInstanceResourceId"));
        QCOMPARE(r.body.value(u"properties").toObject().value(u"migrationInstanceResourceId"),
                 exampleProps.value(u"migrationInstanceResourceId"));

        // A runtime server that is not a flexible server: refused here by name, and by the fake as Azure
        // does.
        spec.migrationInstanceResourceId = QStringLiteral(
            "/subscriptions/s/resourceGroups/g/providers/Microsoft.DBforPostgreSQL/servers/single");
        QVERIFY(api::checkMigrationSpec(spec).contains(u"runtime server"));
        const ArmResult bad =
            m_client->call(api::createMigration(s, QStringLiteral("examplemigration"), spec));
        QCOMPARE(bad.error.code, QStringLiteral("InvalidParameterValue"));
        QCOMPARE(m_fake->violations().size(), 1);
        m_fake->clearLog();
    }

    void aServerWithoutPublicAccessIsDetectedFromItsNetwork_data()
    {
        QTest::addColumn<QJsonObject>("properties");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("says");
        const QJsonObject approved{
            {QStringLiteral("properties"),
             QJsonObject{{QStringLiteral("privateLinkServiceConnectionState"),
                          QJsonObject{{QStringLiteral("status"), QStringLiteral("Approved")}}}}}};
        const QJsonObject pending{
            {QStringLiteral("properties"),
             QJsonObject{{QStringLiteral("privateLinkServiceConnectionState"),
                          QJsonObject{{QStringLiteral("status"), QStringLiteral("Pending")}}}}}};
        auto net = [](const QString &access) {
            return QJsonObject{{QStringLiteral("publicNetworkAccess"), access}};
        };
        QTest::newRow("public") << QJsonObject{{QStringLiteral("network"), net(QStringLiteral("Enabled"))}}
                                << int(NetworkAccess::Kind::Public) << QString();
        QTest::newRow("public with a private endpoint")
            << QJsonObject{{QStringLiteral("network"), net(QStringLiteral("Enabled"))},
                           {QStringLiteral("privateEndpointConnections"), QJsonArray{approved}}}
            << int(NetworkAccess::Kind::Public) << QString();
        QTest::newRow("private endpoint")
            << QJsonObject{{QStringLiteral("network"), net(QStringLiteral("Disabled"))},
                           {QStringLiteral("privateEndpointConnections"), QJsonArray{approved, pending}}}
            << int(NetworkAccess::Kind::PrivateEndpoint) << QStringLiteral("1 private endpoint");
        QTest::newRow("closed") << QJsonObject{{QStringLiteral("network"), net(QStringLiteral("Disabled"))},
                                               {QStringLiteral("privateEndpointConnections"),
                                                QJsonArray{pending}}}
                                << int(NetworkAccess::Kind::Closed)
                                << QStringLiteral("no approved private endpoint");
        QTest::newRow("vnet")
            << QJsonObject{{QStringLiteral("network"),
                            QJsonObject{{QStringLiteral("publicNetworkAccess"), QStringLiteral("Disabled")},
                                        {QStringLiteral("delegatedSubnetResourceId"),
                                         QStringLiteral("/subscriptions/s/resourceGroups/g/providers/"
                                                        "Microsoft.Network/virtualNetworks/corp/subnets/db")},
                                        {QStringLiteral("privateDnsZoneArmResourceId"),
                                         QStringLiteral(
                                             "/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/"
                                             "privateDnsZones/corp.private.postgres.database.azure.com")}}}}
            << int(NetworkAccess::Kind::VNetIntegrated)
            << QStringLiteral("subnet db of virtual network corp");
    }
    void aServerWithoutPublicAccessIsDetectedFromItsNetwork()
    {
        QFETCH(QJsonObject, properties);
        QFETCH(int, kind);
        QFETCH(QString, says);
        const FlexibleServer f = FlexibleServer::fromJson(QJsonObject{
            {QStringLiteral("name"), QStringLiteral("pg1")}, {QStringLiteral("properties"), properties}});
        const NetworkAccess n = NetworkAccess::of(f);
        QCOMPARE(int(n.kind), kind);
        const assess::Check c = networkAccessCheck(f);
        QCOMPARE(c.id, QStringLiteral("target.azure_network"));
        if (says.isEmpty()) {
            QCOMPARE(c.severity, assess::Severity::Pass);
            QVERIFY(n.whereToRun().isEmpty());
            return;
        }
        QCOMPARE(c.severity, assess::Severity::Warning);
        QVERIFY2(c.message.contains(says), qPrintable(c.message));
        QVERIFY(c.message.contains(u"pg1"));
        QVERIFY(c.remediation.contains(u"VPN") && c.remediation.contains(u"ExpressRoute"));
    }

    void validatorsAcceptTheSpecPatterns_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("value");
        QTest::addColumn<bool>("ok");
        QTest::newRow("rule ok") << QStringLiteral("rule") << QStringLiteral("allow_me-1") << true;
        QTest::newRow("rule trailing hyphen") << QStringLiteral("rule") << QStringLiteral("allow-") << false;
        QTest::newRow("rule space") << QStringLiteral("rule") << QStringLiteral("a b") << false;
        QTest::newRow("migration ok") << QStringLiteral("migration") << QStringLiteral("m1") << true;
        QTest::newRow("migration digit first")
            << QStringLiteral("migration") << QStringLiteral("1m") << false;
        QTest::newRow("migration upper") << QStringLiteral("migration") << QStringLiteral("Mig") << false;
        QTest::newRow("lock ok") << QStringLiteral("lock") << QStringLiteral("do not delete") << true;
        QTest::newRow("lock slash") << QStringLiteral("lock") << QStringLiteral("a/b") << false;
        QTest::newRow("ip ok") << QStringLiteral("ip") << QStringLiteral("203.0.113.7") << true;
        QTest::newRow("ip v6") << QStringLiteral("ip") << QStringLiteral("2001:db8::1") << false;
        QTest::newRow("ip junk") << QStringLiteral("ip") << QStringLiteral("1.2.3") << false;
        QTest::newRow("db ok") << QStringLiteral("db") << QStringLiteral("orders_2024") << true;
        QTest::newRow("db semicolon") << QStringLiteral("db") << QStringLiteral("a;b") << false;
    }
    void validatorsAcceptTheSpecPatterns()
    {
        QFETCH(QString, kind);
        QFETCH(QString, value);
        QFETCH(bool, ok);
        QString why = kind == u"rule"        ? api::checkFirewallRuleName(value)
                      : kind == u"migration" ? api::checkMigrationName(value)
                      : kind == u"lock"      ? api::checkLockName(value)
                      : kind == u"ip"        ? api::checkIpv4(value)
                                             : api::checkDatabaseName(value);
        QCOMPARE(why.isEmpty(), ok);
        if (!ok)
            QVERIFY(why.contains(value));
    }
};

QTEST_GUILESS_MAIN(TestArmApi)
#include "tst_armapi.moc"
