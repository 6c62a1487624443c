// FallbackReadiness: what a fallback needs from an Azure flexible server's parameters (wal_level
// logical, slots and senders), read through the fake ARM, and the assessment's check for a project
// whose target names its resource id (signed in as the managed engine signs in).
#include "assess/assessment.h"
#include "azure/armclient.h"
#include "azure/credential.h"
#include "azure/fallbackreadiness.h"
#include "fakeazure.h"

#include <QTemporaryDir>
#include <QTest>

using namespace pgferry;
using namespace pgferry::azure;
using test::FakeAzure;
using test::FakeRequest;
using test::FakeResponse;

namespace {
const QString kServer = QStringLiteral(
    "/subscriptions/ffffffff-ffff-ffff-ffff-ffffffffffff/resourceGroups/exampleresourcegroup/providers/"
    "Microsoft.DBforPostgreSQL/flexibleServers/exampleserver");

ServerConfiguration param(const QString &name, const QString &value, bool pending = false)
{
    ServerConfiguration c;
    c.name = name;
    c.value = value;
    c.isConfigPendingRestart = pending;
    return c;
}
} // namespace

class TestFallbackReadiness : public QObject
{
    Q_OBJECT
    std::unique_ptr<FakeAzure> m_fake;
    QTemporaryDir m_dir;

    QHash<QString, QString> parameters(const QString &walLevel) const
    {
        return {{QStringLiteral("wal_level"), walLevel},
                {QStringLiteral("max_replication_slots"), QStringLiteral("10")},
                {QStringLiteral("max_wal_senders"), QStringLiteral("10")}};
    }
    project::Project project() const
    {
        project::Project p;
        p.target.azureResourceId = kServer;
        p.azure.cloudConfigFile = m_fake->writeCloudConfig(m_dir.path());
        p.databases = {{QStringLiteral("orders"), {}, {}, {}}, {QStringLiteral("crm"), {}, {}, {}}};
        p.settings.cutover.fallback = true;
        return p;
    }

private Q_SLOTS:
    void init()
    {
        m_fake = std::make_unique<FakeAzure>();
        qputenv("AZURE_TENANT_ID", m_fake->tenant.toUtf8());
        qputenv("AZURE_CLIENT_ID", m_fake->clientId.toUtf8());
        qputenv("AZURE_CLIENT_SECRET", m_fake->clientSecret.toUtf8());
    }
    void cleanup()
    {
        QVERIFY2(m_fake->violations().isEmpty(), qPrintable(m_fake->violations().join(u'\n')));
        m_fake.reset();
    }

    void whatIsMissingIsListedWithItsWantedValue_data()
    {
        QTest::addColumn<QList<ServerConfiguration>>("params");
        QTest::addColumn<int>("databases");
        QTest::addColumn<QStringList>("changes");
        QTest::addColumn<QStringList>("pending");
        const auto ok = [](const QString &wal, const QString &slots, const QString &senders,
                           bool pendingWal = false) {
            return QList<ServerConfiguration>{param(QStringLiteral("wal_level"), wal, pendingWal),
                                              param(QStringLiteral("max_replication_slots"), slots),
                                              param(QStringLiteral("max_wal_senders"), senders)};
        };
        QTest::newRow("ready") << ok(QStringLiteral("logical"), QStringLiteral("10"), QStringLiteral("10"))
                               << 3 << QStringList{} << QStringList{};
        QTest::newRow("replica") << ok(QStringLiteral("replica"), QStringLiteral("10"), QStringLiteral("10"))
                                 << 1 << QStringList{QStringLiteral("wal_level=logical")} << QStringList{};
        QTest::newRow("too few for 12 databases")
            << ok(QStringLiteral("logical"), QStringLiteral("10"), QStringLiteral("10")) << 12
            << QStringList{QStringLiteral("max_replication_slots=12"), QStringLiteral("max_wal_senders=12")}
            << QStringList{};
        QTest::newRow("lowered below the default")
            << ok(QStringLiteral("logical"), QStringLiteral("2"), QStringLiteral("10")) << 3
            << QStringList{QStringLiteral("max_replication_slots=10")} << QStringList{};
        QTest::newRow("set, waiting for a restart")
            << ok(QStringLiteral("logical"), QStringLiteral("10"), QStringLiteral("10"), true) << 1
            << QStringList{} << QStringList{QStringLiteral("wal_level")};
    }
    void whatIsMissingIsListedWithItsWantedValue()
    {
        QFETCH(QList<ServerConfiguration>, params);
        QFETCH(int, databases);
        QFETCH(QStringList, changes);
        QFETCH(QStringList, pending);
        const FallbackReadiness r = FallbackReadiness::evaluate(params, databases);
        QStringList got;
        for (const ParameterChange &c : r.changes)
            got << c.name + u'=' + c.wanted;
        QCOMPARE(got, changes);
        QCOMPARE(r.pendingRestart, pending);
        QCOMPARE(r.ready(), changes.isEmpty() && pending.isEmpty());
    }

    void theAssessmentCheckReadsTheParametersThroughArm()
    {
        m_fake->serveServerParameters(kServer, parameters(QStringLiteral("replica")));
        assess::Check c = fallbackParametersCheck(project());
        QCOMPARE(c.id, QStringLiteral("target.azure_parameters"));
        QCOMPARE(c.severity, assess::Severity::Blocker);
        QVERIFY2(c.message.contains(u"wal_level is replica (needs logical)") &&
                     c.message.contains(u"restart"),
                 qPrintable(c.message));
        QVERIFY2(c.remediation.contains(
                     QStringLiteral("pgferry-cli azure prepare-fallback --server %1 --databases 2 --yes")
                         .arg(kServer)),
                 qPrintable(c.remediation));
        QCOMPARE(m_fake->count("GET", kServer + QStringLiteral("/configurations/.*")), 3);

        m_fake->parameterValues.insert(QStringLiteral("wal_level"), QStringLiteral("logical"));
        c = fallbackParametersCheck(project());
        QCOMPARE(c.severity, assess::Severity::Pass);
    }

    void theAssessmentOfAProjectReadsThemOnlyWithAFallbackAndAResourceId()
    {
        m_fake->serveServerParameters(kServer, parameters(QStringLiteral("replica")));
        m_fake->on("GET", kServer, [](const FakeRequest &) {
            return FakeResponse::json(
                200, QJsonObject{{QStringLiteral("name"), QStringLiteral("pgsrv")},
                                 {QStringLiteral("properties"),
                                  QJsonObject{{QStringLiteral("network"),
                                               QJsonObject{{QStringLiteral("publicNetworkAccess"),
                                                            QStringLiteral("Enabled")}}}}}});
        });
        project::Project p = project();
        assess::AssessmentInput in = assess::fromProject(p, {}, {});
        QVERIFY(in.extraChecks);
        QList<assess::Check> checks = in.extraChecks();
        QCOMPARE(checks.size(), 2);
        // The server's network access is read whenever the resource id is known.
        QCOMPARE(checks.first().id, QStringLiteral("target.azure_network"));
        QCOMPARE(checks.first().severity, assess::Severity::Pass);
        QCOMPARE(checks.last().id, QStringLiteral("target.azure_parameters"));
        QCOMPARE(checks.last().severity, assess::Severity::Blocker);
        p.settings.cutover.fallback = false;
        in = assess::fromProject(p, {}, {});
        QVERIFY(in.extraChecks);
        checks = in.extraChecks();
        QCOMPARE(checks.size(), 1);
        QCOMPARE(checks.first().id, QStringLiteral("target.azure_network"));
        p.settings.cutover.fallback = true;
        p.target.azureResourceId.clear();
        QVERIFY(!assess::fromProject(p, {}, {}).extraChecks);
    }

    void aForbiddenReadIsAWarningThatSaysHowToSignIn()
    {
        m_fake->serveServerParameters(kServer, parameters(QStringLiteral("replica")));
        m_fake->failNext("GET", kServer + QStringLiteral("/configurations/wal_level"),
                         FakeResponse::armError(403, QStringLiteral("AuthorizationFailed"),
                                                QStringLiteral("The client does not have authorization.")));
        const assess::Check c = fallbackParametersCheck(project());
        QCOMPARE(c.severity, assess::Severity::Warning);
        QVERIFY2(c.message.contains(u"AuthorizationFailed") && c.remediation.contains(u"AZURE_CLIENT_SECRET"),
                 qPrintable(QString(c.message + c.remediation)));
        QVERIFY(!QString(c.message + c.remediation).contains(m_fake->clientSecret));
    }

    void aProjectWithoutAFlexibleServerIdIsAWarning()
    {
        project::Project p = project();
        p.target.azureResourceId =
            QStringLiteral("/subscriptions/x/resourceGroups/y/providers/Microsoft.Sql/servers/z");
        const assess::Check c = fallbackParametersCheck(p);
        QCOMPARE(c.severity, assess::Severity::Warning);
        QVERIFY(c.message.contains(u"does not name a flexible server"));
        QCOMPARE(m_fake->requests().size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestFallbackReadiness)
#include "tst_fallbackreadiness.moc"
