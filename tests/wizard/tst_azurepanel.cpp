// The Target page's Azure panel against the fake Azure Resource Manager and identity platform
// (tests/azure/fakeazure.h), through the real CoreServices and core/azure: the device-code
// sign-in (authorization_pending, then a token) shows the code while the event loop keeps
// running, the pickers load, a picked server fills the target form and the project, a server is
// created through a long-running operation, a firewall rule is added for this machine, and ARM's
// faults end in a clear message with the panel still usable.
#include "azurepanel.h"
#include "connectionform.h"
#include "coreservices.h"
#include "fakeazure.h"
#include "migrationwizard.h"
#include "targetpage.h"

#include "azure/credential.h"
#include "azure/tokenstore.h"
#include "project/projectfile.h"
#include "widgetfind.h"

#include <QComboBox>
#include <QGroupBox>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTranslator>

using namespace pgferry;
using namespace pgferry::wizard;
using test::FakeAzure;
using test::FakeRequest;
using test::FakeResponse;

namespace {
const QString kSub = QStringLiteral("ffffffff-ffff-ffff-ffff-ffffffffffff");
const QString kServers =
    QStringLiteral(
        "/subscriptions/%1/resourceGroups/rg-data/providers/Microsoft.DBforPostgreSQL/flexibleServers")
        .arg(kSub);
const QString kServerExample = QStringLiteral("postgresql-flexible/examples/2024-08-01_ServerCreate.json");
} // namespace

class TestAzurePanel : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QTcpServer m_addressService; // answers this machine's "public" address, like api.ipify.org
    std::unique_ptr<FakeAzure> m_fake;
    std::shared_ptr<azure::MemoryTokenStore> m_store;
    std::unique_ptr<MigrationWizard> m_wizard;
    QTranslator m_english;
    QTimer m_ticker;
    int m_ticks = 0;
    // The identity platform's state for the device code.
    bool m_approved = true;
    bool m_decline = false;
    bool m_refuseRefresh = false;
    int m_polls = 0;
    QStringList m_badTokenRequests;

    template<typename T> T *find(const char *name) { return test::findNamed<T>(m_wizard.get(), name); }
    AzurePanel *panel()
    {
        return static_cast<TargetPage *>(m_wizard->pageAt(MigrationWizard::TargetPage))->azurePanel();
    }
    ConnectionForm *form()
    {
        return static_cast<TargetPage *>(m_wizard->pageAt(MigrationWizard::TargetPage))->form();
    }
    static void choose(QComboBox *box, int index)
    {
        box->setCurrentIndex(index);
        Q_EMIT box->activated(index);
    }

    // The example server sits in a delegated subnet (private access); public unless asked otherwise.
    QJsonObject server(const QString &name, const QString &version, bool privateAccess = false) const
    {
        QJsonObject s = m_fake->exampleBody(kServerExample, QStringLiteral("200"));
        if (!privateAccess) {
            QJsonObject p = s.value(u"properties").toObject();
            p.insert(QStringLiteral("network"),
                     QJsonObject{{QStringLiteral("publicNetworkAccess"), QStringLiteral("Enabled")}});
            s.insert(QStringLiteral("properties"), p);
        }
        s.insert(QStringLiteral("name"), name);
        s.insert(QStringLiteral("id"), QStringLiteral("%1/%2").arg(kServers, name));
        s.insert(QStringLiteral("location"), QStringLiteral("westeurope"));
        QJsonObject p = s.value(u"properties").toObject();
        p.insert(QStringLiteral("fullyQualifiedDomainName"),
                 QString(name + QStringLiteral(".postgres.database.azure.com")));
        p.insert(QStringLiteral("administratorLogin"), QStringLiteral("pgadmin"));
        p.insert(QStringLiteral("version"), version);
        s.insert(QStringLiteral("properties"), p);
        return s;
    }
    FakeResponse tokens()
    {
        return FakeResponse::json(
            200, QJsonObject{{QStringLiteral("token_type"), QStringLiteral("Bearer")},
                             {QStringLiteral("expires_in"), 3600},
                             {QStringLiteral("access_token"), m_fake->issueAccessToken()},
                             {QStringLiteral("refresh_token"), m_fake->issueRefreshToken()}});
    }

    void serveIdentityAndListings()
    {
        m_fake->on("POST", QStringLiteral("/login/[^/]+/oauth2/v2.0/devicecode"),
                   [this](const FakeRequest &req) {
                       if (req.form().queryItemValue(QStringLiteral("client_id"), QUrl::FullyDecoded) !=
                           azure::Credential::defaultPublicClientId())
                           m_badTokenRequests << QStringLiteral("devicecode without the public client id");
                       return FakeAzure::deviceCodeAnswer();
                   });
        m_fake->on(
            "POST", QStringLiteral("/login/%1/oauth2/v2.0/token").arg(m_fake->tenant),
            [this](const FakeRequest &req) {
                const QUrlQuery f = req.form();
                if (f.queryItemValue(QStringLiteral("grant_type"), QUrl::FullyDecoded) == u"refresh_token") {
                    if (m_refuseRefresh || !m_fake->refreshTokens().contains(f.queryItemValue(
                                               QStringLiteral("refresh_token"), QUrl::FullyDecoded)))
                        return FakeResponse::raw(400, "{\"error\":\"invalid_grant\",\"error_description\":"
                                                      "\"AADSTS70000: The refresh token was revoked.\"}");
                    return tokens();
                }
                if (f.queryItemValue(QStringLiteral("device_code"), QUrl::FullyDecoded) != u"DEV-1")
                    m_badTokenRequests << QStringLiteral("token poll without the device code");
                ++m_polls;
                if (m_decline)
                    return FakeResponse::raw(400, "{\"error\":\"authorization_declined\"}");
                if (!m_approved) {
                    FakeResponse r = FakeResponse::raw(400, "{\"error\":\"authorization_pending\"}");
                    r.delayMs = 20; // the protocol's interval, shortened
                    return r;
                }
                return tokens();
            });
        m_fake->on("GET", QStringLiteral("/subscriptions"), [](const FakeRequest &) {
            auto sub = [](const QString &id, const QString &name, const QString &state) {
                return QJsonObject{{QStringLiteral("id"), QString(QStringLiteral("/subscriptions/") + id)},
                                   {QStringLiteral("subscriptionId"), id},
                                   {QStringLiteral("displayName"), name},
                                   {QStringLiteral("state"), state}};
            };
            return FakeResponse::json(
                200, QJsonObject{{QStringLiteral("value"),
                                  QJsonArray{sub(kSub, QStringLiteral("Contoso Production"),
                                                 QStringLiteral("Enabled")),
                                             sub(QStringLiteral("11111111-2222-3333-4444-555555555555"),
                                                 QStringLiteral("Contoso Dev"), QStringLiteral("Enabled")),
                                             sub(QStringLiteral("99999999-2222-3333-4444-555555555555"),
                                                 QStringLiteral("Old"), QStringLiteral("Disabled"))}}});
        });
        m_fake->on("GET", QStringLiteral("/subscriptions/[^/]+/resourcegroups"), [](const FakeRequest &) {
            return FakeResponse::json(
                200,
                QJsonObject{{QStringLiteral("value"),
                             QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("rg-web")}},
                                        QJsonObject{{QStringLiteral("name"), QStringLiteral("rg-data")}}}}});
        });
        m_fake->on("GET", kServers, [this](const FakeRequest &) {
            return FakeResponse::json(
                200, QJsonObject{{QStringLiteral("value"),
                                  QJsonArray{server(QStringLiteral("orders-pg"), QStringLiteral("16")),
                                             server(QStringLiteral("crm-pg"), QStringLiteral("15"))}}});
        });
    }

    // Signs in with the device code already approved and waits for the pickers to fill.
    void signIn()
    {
        QTest::mouseClick(find<QPushButton>("azureSignIn"), Qt::LeftButton);
        QVERIFY(panel()->isBusy());
        QTRY_VERIFY(!panel()->isBusy());
        QCOMPARE(find<QComboBox>("azureServer")->count(), 2);
        QVERIFY2(!panel()->messageIsError(), qPrintable(panel()->message()));
    }

    void choose(const char *comboName, const QString &text)
    {
        QComboBox *box = find<QComboBox>(comboName);
        const int i = box->findText(text, Qt::MatchStartsWith);
        QVERIFY2(i >= 0, qPrintable(text));
        choose(box, i);
    }

private Q_SLOTS:
    void initTestCase()
    {
        // English with its plural forms, as the application loads it.
        QVERIFY(m_english.load(QStringLiteral(":/i18n/pgferry_en")));
        QCoreApplication::installTranslator(&m_english);
        for (const char *v : {"AZURE_CLIENT_SECRET", "AZURE_CLIENT_ID", "AZURE_TENANT_ID"})
            qunsetenv(v);
        QVERIFY(m_addressService.listen(QHostAddress::LocalHost, 0));
        connect(&m_addressService, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_addressService.nextPendingConnection()) {
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
                connect(s, &QTcpSocket::readyRead, s, [s] {
                    if (!s->readAll().contains("\r\n\r\n"))
                        return;
                    s->write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
                             "11\r\nConnection: close\r\n\r\n203.0.113.7");
                    s->disconnectFromHost();
                });
            }
        });
        m_ticker.setInterval(5);
        connect(&m_ticker, &QTimer::timeout, this, [this] { ++m_ticks; });
    }

    void init()
    {
        m_fake = std::make_unique<FakeAzure>();
        m_approved = true;
        m_decline = m_refuseRefresh = false;
        m_polls = 0;
        m_badTokenRequests.clear();
        serveIdentityAndListings();
        m_store = std::make_shared<azure::MemoryTokenStore>();

        auto services = std::make_shared<CoreServices>();
        CoreAzureSession::Config azure;
        azure.tokenStore = m_store;
        azure.armOptions.maxRetries = 2;
        azure.armOptions.backoffBaseMs = 5;
        azure.armOptions.backoffMaxMs = 20;
        azure.armOptions.defaultPollMs = 10;
        azure.armOptions.requestTimeoutMs = 20000;
        azure.publicAddressUrl =
            QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(m_addressService.serverPort()));
        services->setAzureConfig(azure);

        m_wizard = std::make_unique<MigrationWizard>(services);
        project::Project p;
        p.name = QStringLiteral("to Azure");
        p.source.host = QStringLiteral("127.0.0.1");
        p.source.user = QStringLiteral("postgres");
        p.azure.cloudConfigFile =
            m_fake->writeCloudConfig(m_dir.path()); // the endpoints, overridden as `--cloud-config` does
        p.azure.tenantId = m_fake->tenant;
        p.azure.resourceGroup = QStringLiteral("rg-data");
        m_wizard->setProject(p);
        m_wizard->goToPage(MigrationWizard::TargetPage);
        find<QRadioButton>("targetKindAzure")->setChecked(true);
        m_wizard->resize(1180, 900);
        m_wizard->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_wizard.get()));
        m_ticks = 0;
        m_ticker.start();
    }

    void cleanup()
    {
        m_ticker.stop();
        m_wizard.reset();
        QVERIFY2(m_fake->violations().isEmpty(), qPrintable(m_fake->violations().join(u'\n')));
        QVERIFY2(m_badTokenRequests.isEmpty(), qPrintable(m_badTokenRequests.join(u'\n')));
        m_fake.reset();
    }

    void signingInShowsTheCodeAndWaitsWhileTheEventLoopRuns()
    {
        m_approved = false;
        QTest::mouseClick(find<QPushButton>("azureSignIn"), Qt::LeftButton);
        QLabel *code = find<QLabel>("azureDeviceCode");
        QTRY_VERIFY(code->isVisible());
        QVERIFY(code->text().contains(u"WXYZ-1234"));
        QVERIFY(code->text().contains(u"https://microsoft.com/devicelogin"));
        QVERIFY(panel()->isBusy());
        QVERIFY(find<QPushButton>("azureCancel")->isVisible());

        // While Microsoft answers authorization_pending, the GUI thread keeps turning: timers
        // fire, and typing into the page works.
        const int ticks = m_ticks;
        QTRY_VERIFY(m_polls >= 3);
        QTRY_VERIFY(m_ticks > ticks + 3);
        QLineEdit *name = find<QLineEdit>("azureNewName");
        find<QGroupBox>("azureCreateBox")->setChecked(true);
        name->setFocus();
        QTest::keyClicks(name, QStringLiteral("typed-while-waiting"));
        QCOMPARE(name->text(), QStringLiteral("typed-while-waiting"));
        QVERIFY(code->isVisible());
        QCOMPARE(find<QComboBox>("azureSubscription")->count(), 0);

        m_approved = true;
        QTRY_COMPARE(find<QComboBox>("azureSubscription")->count(), 2); // the disabled one is left out
        QVERIFY(!code->isVisible());
        QCOMPARE(find<QComboBox>("azureSubscription")->currentData().toString(), kSub);
        QTRY_COMPARE(find<QComboBox>("azureResourceGroup")->count(), 2);
        QCOMPARE(find<QComboBox>("azureResourceGroup")->currentText(),
                 QStringLiteral("rg-data")); // the project's
        QTRY_COMPARE(find<QComboBox>("azureServer")->count(), 2);
        QTRY_VERIFY(!panel()->isBusy());
        QVERIFY(!find<QPushButton>("azureCancel")->isVisible());
        QVERIFY2(panel()->message().contains(u"2 flexible servers"), qPrintable(panel()->message()));
        QVERIFY(panel()->session()->isSignedIn());
        // The sign-in is kept where the CLI and the managed engine look for it.
        QCOMPARE(m_store->size(), 1);
        QString why;
        QVERIFY(m_store->read(QStringLiteral("azure/") + m_fake->tenant, &why).has_value());
    }

    void aKeptSignInNeedsNoNewCode()
    {
        signIn();
        const int polls = m_polls;
        m_wizard->setProject(m_wizard->project()); // a new session, e.g. the project reopened
        m_wizard->goToPage(MigrationWizard::TargetPage);
        QVERIFY(find<QRadioButton>("targetKindAzure")->isChecked());
        signIn();
        QCOMPARE(m_polls, polls);
        QVERIFY(!find<QLabel>("azureDeviceCode")->isVisible());
    }

    void pickingAServerFillsTheTargetFormAndTheProject()
    {
        signIn();
        choose("azureServer", QStringLiteral("crm-pg"));
        const project::ConnectionProfile t = form()->profile();
        QCOMPARE(t.host, QStringLiteral("crm-pg.postgres.database.azure.com"));
        QCOMPARE(t.port, 5432);
        QCOMPARE(t.user, QStringLiteral("pgadmin"));
        QCOMPARE(t.sslmode, QStringLiteral("verify-full"));

        const project::Project p = m_wizard->project();
        QCOMPARE(p.target.azureResourceId, QStringLiteral("%1/crm-pg").arg(kServers));
        QCOMPARE(p.azure.subscriptionId, kSub);
        QCOMPARE(p.azure.resourceGroup, QStringLiteral("rg-data"));
        QCOMPARE(p.azure.serverName, QStringLiteral("crm-pg"));
        QVERIFY(!p.azure.cloudConfigFile.isEmpty());
        // What the wizard saves is a project `pgferry-cli project check` accepts, as one made by
        // `project new --target-resource-id` is.
        const project::LoadResult back = project::parseProject(project::serializeProject(p));
        QVERIFY2(back.ok(), qPrintable(back.errors.join(u'\n')));
        QCOMPARE(back.project->target.azureResourceId, p.target.azureResourceId);
    }

    void creatingAServerFollowsTheOperationToTheEnd()
    {
        signIn();
        QJsonObject sent;
        int polls = 0;
        const QString path = kServers + QStringLiteral("/new-pg");
        m_fake->on("PUT", path, [&](const FakeRequest &req) {
            sent = req.json();
            return m_fake->accepted(QStringLiteral("op-create"));
        });
        m_fake->on(
            "GET",
            QStringLiteral("/subscriptions/[^/]+/providers/Microsoft.DBforPostgreSQL/locations/[^/]+/"
                           "azureAsyncOperation/op-create"),
            [&](const FakeRequest &) {
                return FakeResponse::json(
                    200, QJsonObject{{QStringLiteral("status"), ++polls < 3 ? QStringLiteral("InProgress")
                                                                            : QStringLiteral("Succeeded")}});
            });
        m_fake->on("GET", path, [this](const FakeRequest &) {
            return FakeResponse::json(200, server(QStringLiteral("new-pg"), QStringLiteral("17")));
        });

        find<QGroupBox>("azureCreateBox")->setChecked(true);
        QTest::keyClicks(find<QLineEdit>("azureNewName"), QStringLiteral("new-pg"));
        find<QComboBox>("azureNewVersion")->setCurrentText(QStringLiteral("17"));
        find<QComboBox>("azureNewSku")->setCurrentIndex(0); // Burstable B2s
        find<QSpinBox>("azureNewStorage")->setValue(256);
        find<QComboBox>("azureNewRegion")->setCurrentText(QStringLiteral("northeurope"));
        QTest::keyClicks(find<QLineEdit>("azureNewAdmin"), QStringLiteral("pgadmin"));
        QTest::keyClicks(find<QLineEdit>("azureNewPassword"), QStringLiteral("N0t-In-Any-Log!"));
        QSignalSpy progress(panel()->session(), &AzureSession::progress);
        QTest::mouseClick(find<QPushButton>("azureCreateServer"), Qt::LeftButton);
        QVERIFY2(panel()->isBusy(), qPrintable(panel()->message()));
        QVERIFY(!find<QPushButton>("azureCreateServer")->isEnabled());
        QTRY_VERIFY(!panel()->isBusy());
        QVERIFY2(!panel()->messageIsError(), qPrintable(panel()->message()));
        QVERIFY(panel()->message().contains(u"Created new-pg.postgres.database.azure.com"));
        QCOMPARE(polls, 3);
        QVERIFY(progress.count() >= 1);

        QCOMPARE(sent.value(u"location").toString(), QStringLiteral("northeurope"));
        QCOMPARE(sent.value(u"sku").toObject().value(u"name").toString(), QStringLiteral("Standard_B2s"));
        QCOMPARE(sent.value(u"sku").toObject().value(u"tier").toString(), QStringLiteral("Burstable"));
        const QJsonObject props = sent.value(u"properties").toObject();
        QCOMPARE(props.value(u"version").toString(), QStringLiteral("17"));
        QCOMPARE(props.value(u"storage").toObject().value(u"storageSizeGB").toInt(), 256);
        QCOMPARE(props.value(u"administratorLogin").toString(), QStringLiteral("pgadmin"));
        QCOMPARE(props.value(u"administratorLoginPassword").toString(), QStringLiteral("N0t-In-Any-Log!"));
        QVERIFY(find<QLineEdit>("azureNewPassword")->text().isEmpty());
        QVERIFY(!panel()->message().contains(u"N0t-In-Any-Log!"));

        // The new server is picked and the form points at it.
        QVERIFY(find<QComboBox>("azureServer")->currentText().startsWith(u"new-pg"));
        QCOMPARE(form()->profile().host, QStringLiteral("new-pg.postgres.database.azure.com"));
        QCOMPARE(m_wizard->project().target.azureResourceId, path);
    }

    void aServerWithoutPublicAccessSaysWhereToRunWhenPicked()
    {
        m_fake->on("GET", kServers, [this](const FakeRequest &) {
            return FakeResponse::json(
                200,
                QJsonObject{{QStringLiteral("value"),
                             QJsonArray{server(QStringLiteral("orders-pg"), QStringLiteral("16")),
                                        server(QStringLiteral("vnet-pg"), QStringLiteral("16"), true)}}});
        });
        signIn();
        choose("azureServer", QStringLiteral("orders-pg"));
        QVERIFY(!find<QLabel>("azureNetworkAccess")->isVisibleTo(m_wizard.get()));
        QVERIFY(find<QPushButton>("azureFirewall")->isEnabled());
        const int requests = int(m_fake->requests().size());
        choose("azureServer", QStringLiteral("vnet-pg"));
        // Said at once, from the listing: no connection attempt, no further request.
        QLabel *note = find<QLabel>("azureNetworkAccess");
        QVERIFY(note->isVisibleTo(m_wizard.get()));
        const QString text = note->accessibleDescription();
        QVERIFY2(text.contains(u"examplevirtualnetwork") && text.contains(u"examplesubnet") &&
                     text.contains(u"ExpressRoute"),
                 qPrintable(text));
        QVERIFY(!find<QPushButton>("azureFirewall")->isEnabled()); // a firewall rule cannot open it
        QCOMPARE(int(m_fake->requests().size()), requests);
        QCOMPARE(form()->profile().host, QStringLiteral("vnet-pg.postgres.database.azure.com"));
    }

    void creatingAServerWithPrivateAccessSendsTheSubnetAndTheZone()
    {
        signIn();
        QJsonObject sent;
        const QString path = kServers + QStringLiteral("/private-pg");
        m_fake->on("PUT", path, [&](const FakeRequest &req) {
            sent = req.json();
            return m_fake->accepted(QStringLiteral("op-private"));
        });
        m_fake->on("GET",
                   QStringLiteral("/subscriptions/[^/]+/providers/Microsoft.DBforPostgreSQL/locations/[^/]+/"
                                  "azureAsyncOperation/op-private"),
                   [](const FakeRequest &) {
                       return FakeResponse::json(
                           200, QJsonObject{{QStringLiteral("status"), QStringLiteral("Succeeded")}});
                   });
        m_fake->on("GET", path, [this](const FakeRequest &) {
            return FakeResponse::json(200, server(QStringLiteral("private-pg"), QStringLiteral("16"), true));
        });
        const QJsonObject network = FakeAzure::example(kServerExample)
                                        .value(u"parameters")
                                        .toObject()
                                        .value(u"parameters")
                                        .toObject()
                                        .value(u"properties")
                                        .toObject()
                                        .value(u"network")
                                        .toObject();
        const QString subnet = network.value(u"delegatedSubnetResourceId").toString();
        find<QGroupBox>("azureCreateBox")->setChecked(true);
        QTest::keyClicks(find<QLineEdit>("azureNewName"), QStringLiteral("private-pg"));
        QTest::keyClicks(find<QLineEdit>("azureNewAdmin"), QStringLiteral("pgadmin"));
        QTest::keyClicks(find<QLineEdit>("azureNewPassword"), QStringLiteral("N0t-In-Any-Log!"));
        // The virtual network instead of its subnet: refused by name, nothing sent.
        QTest::keyClicks(find<QLineEdit>("azureNewSubnet"), subnet.section(u'/', 0, -3));
        QTest::keyClicks(find<QLineEdit>("azureNewDnsZone"),
                         network.value(u"privateDnsZoneArmResourceId").toString());
        QTest::mouseClick(find<QPushButton>("azureCreateServer"), Qt::LeftButton);
        QTRY_VERIFY(!panel()->isBusy());
        QVERIFY(panel()->messageIsError());
        QVERIFY2(panel()->message().contains(u"subnet") &&
                     panel()->message().contains(u"virtualNetworks/VNET/subnets/SUBNET"),
                 qPrintable(panel()->message()));
        QVERIFY(sent.isEmpty());

        find<QLineEdit>("azureNewSubnet")->setText(subnet);
        QTest::mouseClick(find<QPushButton>("azureCreateServer"), Qt::LeftButton);
        QTRY_VERIFY(!panel()->isBusy());
        QVERIFY2(!panel()->messageIsError(), qPrintable(panel()->message()));
        QCOMPARE(sent.value(u"properties").toObject().value(u"network").toObject(), network);
        QVERIFY(panel()->message().contains(u"private access"));
        QVERIFY(find<QLabel>("azureNetworkAccess")->isVisibleTo(m_wizard.get()));
        QVERIFY(!panel()->message().contains(u"N0t-In-Any-Log!"));
    }

    void aFirewallRuleIsAddedForThisMachine()
    {
        signIn();
        choose("azureServer", QStringLiteral("orders-pg"));
        QJsonObject sent;
        m_fake->on("PUT", kServers + QStringLiteral("/orders-pg/firewallRules/pgferry-203-0-113-7"),
                   [&](const FakeRequest &req) {
                       sent = req.json();
                       QJsonObject rule = sent;
                       rule.insert(QStringLiteral("name"), QStringLiteral("pgferry-203-0-113-7"));
                       return FakeResponse::json(200, rule);
                   });
        QVERIFY(find<QLineEdit>("azureClientAddress")->text().isEmpty());
        QTest::mouseClick(find<QPushButton>("azureFirewall"), Qt::LeftButton);
        QTRY_VERIFY(!panel()->isBusy());
        QVERIFY2(!panel()->messageIsError(), qPrintable(panel()->message()));
        QCOMPARE(find<QLineEdit>("azureClientAddress")->text(),
                 QStringLiteral("203.0.113.7")); // found by the address service
        QCOMPARE(sent.value(u"properties").toObject().value(u"startIpAddress").toString(),
                 QStringLiteral("203.0.113.7"));
        QCOMPARE(sent.value(u"properties").toObject().value(u"endIpAddress").toString(),
                 QStringLiteral("203.0.113.7"));
        QVERIFY(panel()->message().contains(u"pgferry-203-0-113-7"));

        // A typed address is used as it is; a malformed one is refused before Azure is asked.
        QLineEdit *address = find<QLineEdit>("azureClientAddress");
        address->setText(QStringLiteral("203.0.113.300"));
        const int puts = m_fake->count("PUT", QStringLiteral(".*/firewallRules/.*"));
        QTest::mouseClick(find<QPushButton>("azureFirewall"), Qt::LeftButton);
        QTRY_VERIFY(panel()->messageIsError());
        QVERIFY(panel()->message().contains(u"203.0.113.300"));
        QCOMPARE(m_fake->count("PUT", QStringLiteral(".*/firewallRules/.*")), puts);
        QTRY_VERIFY(find<QPushButton>("azureFirewall")->isEnabled());
    }

    void faultsEndInAClearMessageAndThePanelStaysUsable_data()
    {
        QTest::addColumn<QString>("fault");
        QTest::addColumn<QString>("expected");
        QTest::newRow("403 listing servers") << "403"
                                             << "lacks permission";
        QTest::newRow("throttled listing resource groups") << "429"
                                                           << "throttling";
        QTest::newRow("401 with a revoked sign-in") << "401"
                                                    << "Sign in again";
        QTest::newRow("sign-in declined") << "declined"
                                          << "declined";
        QTest::newRow("409 creating a server") << "409"
                                               << "conflict";
        QTest::newRow("create operation ends Failed") << "lro-failed"
                                                      << "operation failed";
    }
    void faultsEndInAClearMessageAndThePanelStaysUsable()
    {
        QFETCH(QString, fault);
        QFETCH(QString, expected);
        const QString create = kServers + QStringLiteral("/new-pg");
        if (fault == u"403") {
            m_fake->on("GET", kServers, [](const FakeRequest &) {
                return FakeResponse::armError(
                    403, QStringLiteral("AuthorizationFailed"),
                    QStringLiteral("The client does not have authorization to perform action "
                                   "'Microsoft.DBforPostgreSQL/flexibleServers/read'."));
            });
        } else if (fault == u"429") {
            m_fake->on("GET", QStringLiteral("/subscriptions/[^/]+/resourcegroups"), [](const FakeRequest &) {
                return FakeResponse::armError(429, QStringLiteral("TooManyRequests"),
                                              QStringLiteral("Rate limit exceeded."))
                    .header("Retry-After", "0");
            });
        } else if (fault == u"declined") {
            m_decline = true;
        } else {
            signIn();
            if (fault == u"401") {
                m_fake->expireAccessTokens();
                m_refuseRefresh = true;
            } else if (fault == u"409") {
                m_fake->on("PUT", create, [](const FakeRequest &) {
                    return FakeResponse::armError(
                        409, QStringLiteral("ServerNameAlreadyExists"),
                        QStringLiteral("The server name new-pg is already in use."));
                });
            } else if (fault == u"lro-failed") {
                m_fake->on("PUT", create, [this](const FakeRequest &) {
                    return m_fake->accepted(QStringLiteral("op-fail"));
                });
                m_fake->on(
                    "GET",
                    QStringLiteral("/subscriptions/[^/]+/providers/Microsoft.DBforPostgreSQL/locations/[^/]+/"
                                   "azureAsyncOperation/op-fail"),
                    [](const FakeRequest &) {
                        return FakeResponse::json(
                            200, QJsonObject{
                                     {QStringLiteral("status"), QStringLiteral("Failed")},
                                     {QStringLiteral("error"),
                                      QJsonObject{
                                          {QStringLiteral("code"), QStringLiteral("InternalServerError")},
                                          {QStringLiteral("message"),
                                           QStringLiteral("Provisioning failed in region northeurope.")}}}});
                    });
            }
        }

        // The step that meets the fault.
        if (fault == u"401") {
            choose("azureResourceGroup", QStringLiteral("rg-data"));
        } else if (fault == u"409" || fault == u"lro-failed") {
            find<QGroupBox>("azureCreateBox")->setChecked(true);
            QTest::keyClicks(find<QLineEdit>("azureNewName"), QStringLiteral("new-pg"));
            QTest::keyClicks(find<QLineEdit>("azureNewAdmin"), QStringLiteral("pgadmin"));
            QTest::keyClicks(find<QLineEdit>("azureNewPassword"), QStringLiteral("N0t-In-Any-Log!"));
            QTest::mouseClick(find<QPushButton>("azureCreateServer"), Qt::LeftButton);
        } else {
            QTest::mouseClick(find<QPushButton>("azureSignIn"), Qt::LeftButton);
        }
        QTRY_VERIFY(panel()->messageIsError());
        QTRY_VERIFY(!panel()->isBusy());
        QVERIFY2(panel()->message().contains(expected, Qt::CaseInsensitive), qPrintable(panel()->message()));
        QVERIFY(!panel()->message().contains(u"N0t-In-Any-Log!"));
        QVERIFY(!panel()->message().contains(u"eyJfake"));
        // Usable: the buttons are back, and once Azure behaves, signing in again lists the servers.
        QVERIFY(find<QPushButton>("azureSignIn")->isEnabled());
        QVERIFY(!find<QPushButton>("azureCancel")->isVisible());
        if (fault == u"409" || fault == u"lro-failed")
            QVERIFY(find<QPushButton>("azureCreateServer")->isEnabled());
        m_decline = m_refuseRefresh = false;
        serveIdentityAndListings();
        signIn();
    }

    void cancellingAWaitingSignInStopsIt()
    {
        m_approved = false;
        QTest::mouseClick(find<QPushButton>("azureSignIn"), Qt::LeftButton);
        QTRY_VERIFY(find<QLabel>("azureDeviceCode")->isVisible());
        QTest::mouseClick(find<QPushButton>("azureCancel"), Qt::LeftButton);
        QTRY_VERIFY(!panel()->isBusy());
        QVERIFY(panel()->message().contains(u"cancelled", Qt::CaseInsensitive));
        QVERIFY(!find<QLabel>("azureDeviceCode")->isVisible());
        QVERIFY(!panel()->session()->isSignedIn());
        // A new sign-in starts over with a new code.
        m_approved = true;
        signIn();
    }
};

QTEST_MAIN(TestAzurePanel)
#include "tst_azurepanel.moc"
