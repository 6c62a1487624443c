// AlertSetup (core/azure/alertsetup.h) against the fake ARM: the steps in order (server, its
// max_connections, the action group, then each rule), ruleDone() once per rule in place, the settings
// read from the server (a primary's replica lag rule, the connection threshold), an existing group's
// other receivers kept and an unchanged group not written again, and a failed call ending the setup
// with the step and resource that failed, no rule put without its group. finished() comes once.
#include "fakeazure.h"

#include "azure/alertsetup.h"
#include "azure/armclient.h"
#include "azure/credential.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace pgferry;
using namespace pgferry::azure;
using test::FakeAzure;
using test::FakeRequest;
using test::FakeResponse;

namespace {
const QString kServerId =
    QStringLiteral("/subscriptions/ffffffff-ffff-ffff-ffff-ffffffffffff/resourceGroups/rg-data/providers/"
                   "Microsoft.DBforPostgreSQL/flexibleServers/orders-pg");
} // namespace

class TestAlertSetup : public QObject
{
    Q_OBJECT
    std::unique_ptr<FakeAzure> m_fake;
    std::unique_ptr<Credential> m_cred;
    std::unique_ptr<ArmClient> m_client;
    ResourceId m_server;
    ResourceId m_group;

    void serveServer(const QString &role)
    {
        m_fake->on("GET", kServerId, [role](const FakeRequest &) {
            return FakeResponse::json(
                200, QJsonObject{{QStringLiteral("id"), kServerId},
                                 {QStringLiteral("name"), QStringLiteral("orders-pg")},
                                 {QStringLiteral("location"), QStringLiteral("westeurope")},
                                 {QStringLiteral("properties"),
                                  QJsonObject{{QStringLiteral("state"), QStringLiteral("Ready")},
                                              {QStringLiteral("replicationRole"), role}}}});
        });
    }

    // Runs a setup to its end; *reported: the rules ruleDone() named, in order.
    void run(AlertSetup &setup, QStringList *reported = nullptr)
    {
        QStringList names;
        connect(&setup, &AlertSetup::ruleDone, this, [&names](const ResourceId &id, const AlertRule &rule) {
            names << id.name;
            QVERIFY(id.name.endsWith(rule.key));
        });
        QSignalSpy finished(&setup, &AlertSetup::finished);
        setup.start();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
        QVERIFY(setup.isFinished());
        QTest::qWait(20);
        QCOMPARE(finished.count(), 1);
        if (reported)
            *reported = names;
    }

private Q_SLOTS:
    void init()
    {
        m_fake = std::make_unique<FakeAzure>();
        m_cred = Credential::forClientSecret(m_fake->cloud(), m_fake->tenant, m_fake->clientId,
                                             m_fake->clientSecret);
        ArmClient::Options o;
        o.backoffBaseMs = 5;
        o.backoffMaxMs = 20;
        o.maxRetries = 2;
        o.requestTimeoutMs = 10000;
        m_client = std::make_unique<ArmClient>(m_fake->cloud(), m_cred.get(), o);
        m_server = *ResourceId::parse(kServerId);
        m_group = defaultActionGroupId(m_server);
        m_fake->serveServerParameters(kServerId,
                                      {{QStringLiteral("max_connections"), QStringLiteral("200")}});
        m_fake->serveMonitor();
    }
    void cleanup()
    {
        QVERIFY2(m_fake->violations().isEmpty(), qPrintable(m_fake->violations().join(u'\n')));
        m_client.reset();
        m_cred.reset();
        m_fake.reset();
    }

    void thePrimarysRulesArePutInOrderAfterTheGroup()
    {
        serveServer(QStringLiteral("Primary"));
        AlertSettings settings;
        settings.overrides.insert(QStringLiteral("cpu_percent"), 85);
        AlertSetup setup(m_client.get(), m_server, m_group, QStringLiteral("dba@contoso.com"), settings);
        QStringList reported;
        run(setup, &reported);
        const AlertSetup::Outcome &o = setup.outcome();
        QVERIFY(o.ok);
        QVERIFY(o.groupChanged);
        QStringList expected;
        AlertSettings read = settings;
        read.hasReplicas = true;
        read.maxConnections = 200;
        for (const AlertRule &r : alertRules(read))
            expected << alertRuleId(m_server, r.key).name;
        QCOMPARE(expected.size(), 6);
        QCOMPARE(reported, expected);
        QCOMPARE(o.rules.size(), expected.size());
        // The group first, then the rules: the order of the PUTs the fake received.
        QStringList puts;
        for (const FakeRequest &r : m_fake->requests())
            if (r.method == "PUT")
                puts << r.path.section(u'/', -1);
        QCOMPARE(puts.first(), m_group.name);
        QCOMPARE(puts.mid(1), expected);
        QCOMPARE(m_fake->alertCriterion(alertRuleId(m_server, QStringLiteral("cpu_percent")).toString())
                     .value(u"threshold")
                     .toDouble(),
                 85.0);
    }

    void anExistingGroupKeepsItsReceiversAndARightOneIsNotWritten()
    {
        serveServer(QStringLiteral("None"));
        AlertSetup first(m_client.get(), m_server, m_group, QStringLiteral("dba@contoso.com"), {});
        run(first);
        QVERIFY(first.outcome().ok);
        QCOMPARE(first.outcome().rules.size(), 5); // no replica, no fallback
        AlertSetup again(m_client.get(), m_server, m_group, QStringLiteral("DBA@contoso.com"), {});
        run(again);
        QVERIFY(again.outcome().ok);
        QVERIFY(!again.outcome().groupChanged);
        QCOMPARE(m_fake->count("PUT", m_group.toString()), 1);
        AlertSetup other(m_client.get(), m_server, m_group, QStringLiteral("oncall@contoso.com"), {});
        run(other);
        QVERIFY(other.outcome().groupChanged);
        const QJsonArray receivers = m_fake->monitorResources.value(m_group.toString().toLower())
                                         .value(u"properties")
                                         .toObject()
                                         .value(u"emailReceivers")
                                         .toArray();
        QCOMPARE(receivers.size(), 2);
    }

    void aFailedCallEndsItWithTheStepAndTheResource_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("step");
        QTest::addColumn<int>("rulesBefore");
        const QString rule =
            alertRuleId(*ResourceId::parse(kServerId), QStringLiteral("storage_percent")).toString();
        QTest::newRow("server") << QByteArray("GET") << kServerId << int(AlertSetup::Step::ReadServer) << 0;
        QTest::newRow("max_connections")
            << QByteArray("GET") << QString(kServerId + QStringLiteral("/configurations/max_connections"))
            << int(AlertSetup::Step::ReadMaxConnections) << 0;
        QTest::newRow("group read") << QByteArray("GET")
                                    << defaultActionGroupId(*ResourceId::parse(kServerId)).toString()
                                    << int(AlertSetup::Step::ReadActionGroup) << 0;
        QTest::newRow("group write") << QByteArray("PUT")
                                     << defaultActionGroupId(*ResourceId::parse(kServerId)).toString()
                                     << int(AlertSetup::Step::WriteActionGroup) << 0;
        QTest::newRow("third rule") << QByteArray("PUT") << rule << int(AlertSetup::Step::WriteRule) << 2;
    }

    void aFailedCallEndsItWithTheStepAndTheResource()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(int, step);
        QFETCH(int, rulesBefore);
        serveServer(QStringLiteral("Primary"));
        m_fake->failNext(method, QRegularExpression::escape(path),
                         FakeResponse::armError(403, QStringLiteral("AuthorizationFailed"),
                                                QStringLiteral("The client does not have authorization.")));
        AlertSetup setup(m_client.get(), m_server, m_group, QStringLiteral("dba@contoso.com"), {});
        QStringList reported;
        run(setup, &reported);
        const AlertSetup::Outcome &o = setup.outcome();
        QVERIFY(!o.ok);
        QCOMPARE(int(o.failedStep), step);
        QCOMPARE(o.failure.httpStatus, 403);
        QCOMPARE(o.failure.error.code, QStringLiteral("AuthorizationFailed"));
        QVERIFY2(path.contains(o.failedResource.toString()), qPrintable(o.failedResource.toString()));
        QCOMPARE(int(o.rules.size()), rulesBefore);
        QCOMPARE(int(reported.size()), rulesBefore);
        // The refused rule was sent; none after it.
        QCOMPARE(m_fake->count("PUT", QStringLiteral(".*/metricAlerts/.*")),
                 rulesBefore + (step == int(AlertSetup::Step::WriteRule) ? 1 : 0));
    }
};

QTEST_MAIN(TestAlertSetup)
#include "tst_alertsetup.moc"
