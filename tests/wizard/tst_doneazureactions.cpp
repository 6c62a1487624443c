// The Done page's Azure actions (alerts, delete lock, read replica) against the fake Azure Resource
// Manager (tests/azure/fakeazure.h), through the real CoreServices, CoreAzureSession and core/azure,
// signed in with the fake's service principal: each click sends what `pgferry-cli azure
// alerts|lock|replica` sends (checked body by body and by the fake's contract checks), runs while the
// page stays responsive (the replica's operation state shown as Azure reports it), and ends in a result
// line; without a service principal the device code is shown and the action runs once signed in; a
// rerun of the alerts updates the same rules;
// ARM's faults (403 AuthorizationFailed, 409 Conflict) end in a clear error with the page still
// usable; no token or secret reaches a label. A non-Azure target keeps its plain list; the sample
// session answers the screenshots' clicks.
#include "azureactions.h"
#include "coreservices.h"
#include "donepage.h"
#include "fakeazure.h"
#include "migrationwizard.h"
#include "sampleservices.h"

#include "azure/tokenstore.h"
#include "widgetfind.h"

#include <QComboBox>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>
#include <QTranslator>

using namespace pgferry;
using namespace pgferry::wizard;
using test::FakeAzure;
using test::FakeRequest;
using test::FakeResponse;

namespace {
const QString kSub = QStringLiteral("ffffffff-ffff-ffff-ffff-ffffffffffff");
const QString kGroup = QStringLiteral("/subscriptions/%1/resourceGroups/rg-data").arg(kSub);
const QString kServer =
    kGroup + QStringLiteral("/providers/Microsoft.DBforPostgreSQL/flexibleServers/orders-pg");
const QString kActionGroup =
    kGroup + QStringLiteral("/providers/Microsoft.Insights/actionGroups/pgferry-orders-pg-alerts");
const QString kLock =
    kServer + QStringLiteral("/providers/Microsoft.Authorization/locks/pgferry-do-not-delete");
const QString kReplica =
    kGroup + QStringLiteral("/providers/Microsoft.DBforPostgreSQL/flexibleServers/orders-pg-ro");
QString rulePath(const QString &key)
{
    return kGroup + QStringLiteral("/providers/Microsoft.Insights/metricAlerts/pgferry-orders-pg-") + key;
}
} // namespace

class TestDoneAzureActions : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    std::unique_ptr<FakeAzure> m_fake;
    std::unique_ptr<MigrationWizard> m_wizard;
    QTranslator m_english;
    QJsonObject m_lockSent;
    QJsonObject m_replicaSent;
    int m_replicaPolls = 0;
    bool m_replicaDone = true; // false: the replica's operation stays InProgress

    template<typename T> T *find(const char *name) { return test::findNamed<T>(m_wizard.get(), name); }
    AzureActions *actions()
    {
        return static_cast<DonePage *>(m_wizard->pageAt(MigrationWizard::DonePage))->azureActions();
    }
    void click(const char *button)
    {
        QPushButton *b = find<QPushButton>(button);
        QVERIFY2(b->isEnabled(), button);
        QTest::mouseClick(b, Qt::LeftButton);
    }
    // Clicks, sees the action running (buttons off, progress shown), waits for its end.
    void run(const char *button, AzureActions::Action a)
    {
        click(button);
        QVERIFY(actions()->isBusy());
        QVERIFY(find<QWidget>("azureActionsBusy")->isVisible());
        QVERIFY(!find<QPushButton>("azureDeleteLock")->isEnabled());
        QVERIFY(!actions()->result(a).isEmpty()); // what is going on
        QTRY_VERIFY_WITH_TIMEOUT(!actions()->isBusy(), 20000);
        QVERIFY(!find<QWidget>("azureActionsBusy")->isVisible());
    }

    QJsonObject serverJson(const QString &id, const QString &name, const QString &role) const
    {
        return QJsonObject{{QStringLiteral("id"), id},
                           {QStringLiteral("name"), name},
                           {QStringLiteral("location"), QStringLiteral("westeurope")},
                           {QStringLiteral("properties"),
                            QJsonObject{{QStringLiteral("state"), QStringLiteral("Ready")},
                                        {QStringLiteral("replicationRole"), role},
                                        {QStringLiteral("version"), QStringLiteral("16")},
                                        {QStringLiteral("fullyQualifiedDomainName"),
                                         QString(name + QStringLiteral(".postgres.database.azure.com"))}}}};
    }

    void serveServer()
    {
        m_fake->on("GET", kServer, [this](const FakeRequest &) {
            return FakeResponse::json(
                200, serverJson(kServer, QStringLiteral("orders-pg"), QStringLiteral("Primary")));
        });
        m_fake->serveServerParameters(kServer, {{QStringLiteral("max_connections"), QStringLiteral("200")}});
        m_fake->serveMonitor();
        m_fake->on("PUT", kLock, [this](const FakeRequest &req) {
            m_lockSent = req.json();
            return FakeResponse::json(
                200, QJsonObject{{QStringLiteral("id"), kLock},
                                 {QStringLiteral("name"), QStringLiteral("pgferry-do-not-delete")},
                                 {QStringLiteral("type"), QStringLiteral("Microsoft.Authorization/locks")},
                                 {QStringLiteral("properties"), req.json().value(u"properties")}});
        });
        m_fake->on("PUT", kReplica, [this](const FakeRequest &req) {
            m_replicaSent = req.json();
            return m_fake->accepted(QStringLiteral("op-replica"));
        });
        m_fake->on("GET",
                   QStringLiteral("/subscriptions/[^/]+/providers/Microsoft.DBforPostgreSQL/locations/[^/]+/"
                                  "azureAsyncOperation/op-replica"),
                   [this](const FakeRequest &) {
                       return FakeResponse::json(
                           200, QJsonObject{{QStringLiteral("status"), ++m_replicaPolls < 3 || !m_replicaDone
                                                                           ? QStringLiteral("InProgress")
                                                                           : QStringLiteral("Succeeded")}});
                   });
        m_fake->on("GET", kReplica, [this](const FakeRequest &) {
            QJsonObject s =
                serverJson(kReplica, QStringLiteral("orders-pg-ro"), QStringLiteral("AsyncReplica"));
            s.insert(QStringLiteral("location"), QStringLiteral("northeurope"));
            return FakeResponse::json(200, s);
        });
    }

    project::Project azureProject() const
    {
        project::Project p;
        p.name = QStringLiteral("to Azure");
        p.source.host = QStringLiteral("127.0.0.1");
        p.target.host = QStringLiteral("orders-pg.postgres.database.azure.com");
        p.target.azureResourceId = kServer;
        p.azure.cloudConfigFile = m_fake->writeCloudConfig(m_dir.path());
        p.azure.tenantId = m_fake->tenant;
        p.azure.subscriptionId = kSub;
        p.azure.resourceGroup = QStringLiteral("rg-data");
        p.azure.serverName = QStringLiteral("orders-pg");
        return p;
    }

    void open(std::shared_ptr<WizardServices> services, const project::Project &p)
    {
        m_wizard = std::make_unique<MigrationWizard>(std::move(services));
        m_wizard->setProject(p);
        m_wizard->goToPage(MigrationWizard::DonePage);
        m_wizard->resize(1180, 900);
        m_wizard->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_wizard.get()));
    }

    void verifyNoSecretOnThePage()
    {
        for (const QLabel *l : m_wizard->findChildren<QLabel *>()) {
            QVERIFY2(!l->text().contains(u"eyJfake"), qPrintable(l->text()));
            QVERIFY2(!l->text().contains(m_fake->clientSecret), qPrintable(l->text()));
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_english.load(QStringLiteral(":/i18n/pgferry_en")));
        QCoreApplication::installTranslator(&m_english);
    }

    void init()
    {
        m_fake = std::make_unique<FakeAzure>();
        // The fake's service principal, as AZURE_* gives it to the CLI and the engine.
        qputenv("AZURE_TENANT_ID", m_fake->tenant.toUtf8());
        qputenv("AZURE_CLIENT_ID", m_fake->clientId.toUtf8());
        qputenv("AZURE_CLIENT_SECRET", m_fake->clientSecret.toUtf8());
        m_lockSent = m_replicaSent = {};
        m_replicaPolls = 0;
        m_replicaDone = true;
        serveServer();
        auto services = std::make_shared<CoreServices>();
        CoreAzureSession::Config azure;
        azure.tokenStore = std::make_shared<azure::MemoryTokenStore>();
        azure.armOptions.maxRetries = 2;
        azure.armOptions.backoffBaseMs = 5;
        azure.armOptions.backoffMaxMs = 20;
        azure.armOptions.defaultPollMs = 10;
        azure.armOptions.requestTimeoutMs = 20000;
        services->setAzureConfig(azure);
        open(services, azureProject());
    }

    void cleanup()
    {
        if (m_wizard)
            verifyNoSecretOnThePage();
        m_wizard.reset();
        QVERIFY2(m_fake->violations().isEmpty(), qPrintable(m_fake->violations().join(u'\n')));
        QVERIFY2(m_fake->unhandled().isEmpty(), qPrintable(m_fake->unhandled().join(u'\n')));
        m_fake.reset();
        for (const char *v : {"AZURE_CLIENT_SECRET", "AZURE_CLIENT_ID", "AZURE_TENANT_ID"})
            qunsetenv(v);
    }

    void anAzureTargetShowsTheActionsAndTheirLinks()
    {
        QVERIFY(actions()->isVisible());
        QCOMPARE(actions()->serverResourceId(), kServer);
        QVERIFY(!find<QPushButton>("azureCreateAlerts")->isEnabled()); // no address yet
        QVERIFY(find<QPushButton>("azureDeleteLock")->isEnabled());
        QCOMPARE(find<QLineEdit>("azureReplicaName")->text(), QStringLiteral("orders-pg-replica"));
        QVERIFY(find<QPushButton>("azureCreateReplica")->isEnabled());
        int links = 0;
        for (const QLabel *l : actions()->findChildren<QLabel *>())
            links += l->text().contains(u"learn.microsoft.com") ? 1 : 0;
        QCOMPARE(links, 3);
        QVERIFY(find<QLabel>("postMigrationSteps")->text().contains(u"geo-redundant"));
        QVERIFY(m_fake->requests().isEmpty()); // nothing is sent before a click
    }

    void alertsCreateTheGroupAndTheRulesAndARerunUpdatesThem()
    {
        QTest::keyClicks(find<QLineEdit>("azureAlertEmail"), QStringLiteral("dba@contoso.com"));
        run("azureCreateAlerts", AzureActions::Action::Alerts);
        const QString text = actions()->result(AzureActions::Action::Alerts);
        QVERIFY2(!actions()->resultIsError(AzureActions::Action::Alerts), qPrintable(text));
        QVERIFY2(text.contains(u"pgferry-orders-pg-cpu_percent") && text.contains(u"dba@contoso.com") &&
                     text.contains(u"pgferry-orders-pg-alerts"),
                 qPrintable(text));
        QCOMPARE(find<QLabel>("azureAlertsResult")->text(), text);

        // The action group e-mails the address.
        const QJsonObject group = m_fake->monitorResources.value(kActionGroup.toLower());
        QCOMPARE(group.value(u"location").toString(), QStringLiteral("Global"));
        const QJsonArray receivers = group.value(u"properties").toObject().value(u"emailReceivers").toArray();
        QCOMPARE(receivers.size(), 1);
        QCOMPARE(receivers.at(0).toObject().value(u"emailAddress").toString(),
                 QStringLiteral("dba@contoso.com"));
        // The rules of a primary with max_connections 200, no fallback: six, on the server, to the group.
        QCOMPARE(m_fake->monitorResources.size(), 7);
        for (const char *key : {"cpu_percent", "memory_percent", "storage_percent", "active_connections",
                                "is_db_alive", "replication_lag_seconds"}) {
            const QJsonObject props =
                m_fake->monitorResources.value(rulePath(QString::fromLatin1(key)).toLower())
                    .value(u"properties")
                    .toObject();
            QVERIFY2(!props.isEmpty(), key);
            QCOMPARE(props.value(u"scopes").toArray().at(0).toString(), kServer);
            QCOMPARE(props.value(u"actions").toArray().at(0).toObject().value(u"actionGroupId").toString(),
                     kActionGroup);
        }
        const QJsonObject connections =
            m_fake->alertCriterion(rulePath(QStringLiteral("active_connections")));
        QCOMPARE(connections.value(u"threshold").toDouble(), 160.0); // 80 % of 200
        QVERIFY(!m_fake->monitorResources.contains(
            rulePath(QStringLiteral("logical_replication_lag_mb")).toLower()));

        // Again: the same names are replaced, nothing added; the group, already right, is not written.
        run("azureCreateAlerts", AzureActions::Action::Alerts);
        QVERIFY(!actions()->resultIsError(AzureActions::Action::Alerts));
        QCOMPARE(m_fake->monitorResources.size(), 7);
        QCOMPARE(m_fake->count("PUT", kActionGroup), 1);
        QCOMPARE(m_fake->count("PUT", rulePath(QStringLiteral("cpu_percent"))), 2);
    }

    void aWrongAddressIsRefusedBeforeAnyRequest()
    {
        QTest::keyClicks(find<QLineEdit>("azureAlertEmail"), QStringLiteral("dba at contoso"));
        click("azureCreateAlerts");
        QTRY_VERIFY(!actions()->isBusy());
        QVERIFY(actions()->resultIsError(AzureActions::Action::Alerts));
        QVERIFY2(actions()->result(AzureActions::Action::Alerts).contains(u"not an e-mail address"),
                 qPrintable(actions()->result(AzureActions::Action::Alerts)));
        QCOMPARE(m_fake->count("PUT", QStringLiteral(".*")), 0);
    }

    void aDeleteLockIsPutOnTheServer()
    {
        run("azureDeleteLock", AzureActions::Action::Lock);
        const QString text = actions()->result(AzureActions::Action::Lock);
        QVERIFY2(!actions()->resultIsError(AzureActions::Action::Lock), qPrintable(text));
        QVERIFY2(text.contains(u"pgferry-do-not-delete") && text.contains(u"orders-pg"), qPrintable(text));
        QCOMPARE(m_lockSent.value(u"properties").toObject().value(u"level").toString(),
                 QStringLiteral("CanNotDelete"));
        QVERIFY(!m_lockSent.value(u"properties").toObject().value(u"notes").toString().isEmpty());
        QCOMPARE(m_fake->count("PUT", kLock), 1);
    }

    void aReadReplicaIsCreatedThroughTheLongRunningOperation()
    {
        QLineEdit *name = find<QLineEdit>("azureReplicaName");
        name->clear();
        QTest::keyClicks(name, QStringLiteral("orders-pg-ro"));
        find<QComboBox>("azureReplicaRegion")->setCurrentText(QStringLiteral("northeurope"));
        run("azureCreateReplica", AzureActions::Action::Replica);
        const QString text = actions()->result(AzureActions::Action::Replica);
        QVERIFY2(!actions()->resultIsError(AzureActions::Action::Replica), qPrintable(text));
        QVERIFY2(text.contains(u"orders-pg-ro") && text.contains(u"northeurope"), qPrintable(text));
        QCOMPARE(m_replicaPolls, 3);
        QCOMPARE(m_replicaSent.value(u"location").toString(), QStringLiteral("northeurope"));
        const QJsonObject props = m_replicaSent.value(u"properties").toObject();
        QCOMPARE(props.value(u"createMode").toString(), QStringLiteral("Replica"));
        QCOMPARE(props.value(u"sourceServerResourceId").toString(), kServer);
    }

    void aReplicaShowsAzuresProgressWhileThePageStaysResponsive()
    {
        m_replicaDone = false;
        QLineEdit *name = find<QLineEdit>("azureReplicaName");
        name->clear();
        QTest::keyClicks(name, QStringLiteral("orders-pg-ro"));
        click("azureCreateReplica");
        QTRY_VERIFY2(actions()->result(AzureActions::Action::Replica).contains(u"InProgress"),
                     qPrintable(actions()->result(AzureActions::Action::Replica)));
        QVERIFY(actions()->isBusy());
        // The GUI thread is free: typing works while Azure works.
        QLineEdit *email = find<QLineEdit>("azureAlertEmail");
        email->setFocus();
        QTest::keyClicks(email, QStringLiteral("ops@contoso.com"));
        QCOMPARE(email->text(), QStringLiteral("ops@contoso.com"));
        QVERIFY(!find<QPushButton>("azureCreateAlerts")->isEnabled()); // one action at a time
        m_replicaDone = true;
        QTRY_VERIFY_WITH_TIMEOUT(!actions()->isBusy(), 20000);
        QVERIFY2(!actions()->resultIsError(AzureActions::Action::Replica) &&
                     actions()->result(AzureActions::Action::Replica).contains(u"orders-pg-ro"),
                 qPrintable(actions()->result(AzureActions::Action::Replica)));
        QVERIFY(find<QPushButton>("azureCreateAlerts")->isEnabled());
    }

    void closingTheWizardWhileAnActionRunsStopsIt()
    {
        m_replicaDone = false;
        QLineEdit *name = find<QLineEdit>("azureReplicaName");
        name->clear();
        QTest::keyClicks(name, QStringLiteral("orders-pg-ro"));
        click("azureCreateReplica");
        QTRY_VERIFY(m_replicaPolls >= 1);
        verifyNoSecretOnThePage();
        m_wizard.reset(); // the session goes with the page; its calls are cancelled, nobody is told
        QTest::qWait(50); // a poll already on the wire may still arrive
        const int polls = m_replicaPolls;
        QTest::qWait(300); // the operation is polled every 10 ms while it runs
        QCOMPARE(m_replicaPolls, polls);
    }

    void withoutAServicePrincipalTheDeviceCodeIsShownAndTheActionRunsOnceSignedIn()
    {
        for (const char *v : {"AZURE_CLIENT_SECRET", "AZURE_CLIENT_ID", "AZURE_TENANT_ID"})
            qunsetenv(v);
        bool approved = false;
        int polls = 0;
        m_fake->on("POST", QStringLiteral("/login/[^/]+/oauth2/v2.0/devicecode"),
                   [](const FakeRequest &) { return FakeAzure::deviceCodeAnswer(); });
        m_fake->on("POST", QStringLiteral("/login/%1/oauth2/v2.0/token").arg(m_fake->tenant),
                   [&](const FakeRequest &req) {
                       if (req.form().queryItemValue(QStringLiteral("device_code"), QUrl::FullyDecoded) !=
                           u"DEV-1")
                           return FakeResponse::raw(400, "{\"error\":\"invalid_grant\"}");
                       ++polls;
                       if (!approved) {
                           FakeResponse r = FakeResponse::raw(400, "{\"error\":\"authorization_pending\"}");
                           r.delayMs = 20;
                           return r;
                       }
                       return FakeResponse::json(
                           200, QJsonObject{{QStringLiteral("token_type"), QStringLiteral("Bearer")},
                                            {QStringLiteral("expires_in"), 3600},
                                            {QStringLiteral("access_token"), m_fake->issueAccessToken()},
                                            {QStringLiteral("refresh_token"), m_fake->issueRefreshToken()}});
                   });
        click("azureDeleteLock");
        QLabel *code = find<QLabel>("azureActionsDeviceCode");
        QTRY_VERIFY(code->isVisible());
        QVERIFY2(code->text().contains(u"WXYZ-1234") &&
                     code->text().contains(u"https://microsoft.com/devicelogin"),
                 qPrintable(code->text()));
        QTRY_VERIFY(polls >= 2);
        QVERIFY(actions()->isBusy());
        QCOMPARE(m_fake->count("PUT", kLock), 0);
        approved = true;
        QTRY_VERIFY_WITH_TIMEOUT(!actions()->isBusy(), 20000);
        QVERIFY(!code->isVisible());
        QVERIFY2(!actions()->resultIsError(AzureActions::Action::Lock),
                 qPrintable(actions()->result(AzureActions::Action::Lock)));
        QCOMPARE(m_fake->count("PUT", kLock), 1);
        // Signed in now: the next action asks for no new code.
        const int before = polls;
        run("azureDeleteLock", AzureActions::Action::Lock);
        QVERIFY(!actions()->resultIsError(AzureActions::Action::Lock));
        QCOMPARE(polls, before);
        QVERIFY(!code->isVisible());
    }

    void faultsEndInAClearErrorAndThePageStaysUsable_data()
    {
        QTest::addColumn<int>("action");
        QTest::addColumn<QString>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QStringList>("expected");
        const QString forbidden = QStringLiteral("AuthorizationFailed");
        QTest::newRow("alerts: a rule refused")
            << int(AzureActions::Action::Alerts) << QStringLiteral("PUT")
            << rulePath(QStringLiteral("storage_percent")) << 403 << forbidden
            << QStringList{forbidden, QStringLiteral("pgferry-orders-pg-storage_percent"),
                           QStringLiteral("permission"), QStringLiteral("create the alerts again")};
        QTest::newRow("alerts: the group unreadable")
            << int(AzureActions::Action::Alerts) << QStringLiteral("GET") << kActionGroup << 403 << forbidden
            << QStringList{forbidden, QStringLiteral("pgferry-orders-pg-alerts")};
        QTest::newRow("lock: refused")
            << int(AzureActions::Action::Lock) << QStringLiteral("PUT") << kLock << 403 << forbidden
            << QStringList{forbidden, QStringLiteral("pgferry-do-not-delete"), QStringLiteral("Owner")};
        QTest::newRow("replica: conflict")
            << int(AzureActions::Action::Replica) << QStringLiteral("PUT") << kReplica << 409
            << QStringLiteral("Conflict")
            << QStringList{QStringLiteral("Conflict"), QStringLiteral("orders-pg-ro"),
                           QStringLiteral("try again")};
    }

    void faultsEndInAClearErrorAndThePageStaysUsable()
    {
        QFETCH(int, action);
        QFETCH(QString, method);
        QFETCH(QString, path);
        QFETCH(int, status);
        QFETCH(QString, code);
        QFETCH(QStringList, expected);
        const auto a = AzureActions::Action(action);
        m_fake->failNext(
            method.toLatin1(), QRegularExpression::escape(path),
            FakeResponse::armError(status, code,
                                   QStringLiteral("The request was refused by the fake (%1).").arg(status)));
        QTest::keyClicks(find<QLineEdit>("azureAlertEmail"), QStringLiteral("dba@contoso.com"));
        QLineEdit *name = find<QLineEdit>("azureReplicaName");
        name->clear();
        QTest::keyClicks(name, QStringLiteral("orders-pg-ro"));
        const char *button = a == AzureActions::Action::Alerts ? "azureCreateAlerts"
                             : a == AzureActions::Action::Lock ? "azureDeleteLock"
                                                               : "azureCreateReplica";
        run(button, a);
        const QString text = actions()->result(a);
        QVERIFY2(actions()->resultIsError(a), qPrintable(text));
        for (const QString &e : expected)
            QVERIFY2(text.contains(e, Qt::CaseInsensitive),
                     qPrintable(QStringLiteral("%1 not in: %2").arg(e, text)));
        if (method == u"GET") // no rule without its group
            QCOMPARE(m_fake->count("PUT", QStringLiteral(".*/metricAlerts/.*")), 0);
        // The fault is gone: the same click now succeeds.
        run(button, a);
        QVERIFY2(!actions()->resultIsError(a), qPrintable(actions()->result(a)));
    }

    void withoutAServerIdTheActionsWaitForOne()
    {
        project::Project p = azureProject();
        p.target.azureResourceId.clear();
        p.azure.serverName.clear();
        m_wizard.reset();
        open(std::make_shared<CoreServices>(), p);
        QVERIFY(actions()->isVisible());
        QVERIFY(!find<QPushButton>("azureDeleteLock")->isEnabled());
        QVERIFY(!find<QPushButton>("azureCreateReplica")->isEnabled());
        QVERIFY(find<QLabel>("azureActionsNote")->text().contains(u"Target page"));
    }

    void aNonAzureTargetKeepsTheList()
    {
        project::Project p = azureProject();
        p.azure = {};
        p.target.azureResourceId.clear();
        p.target.host = QStringLiteral("db.internal.example");
        m_wizard.reset();
        open(std::make_shared<CoreServices>(), p);
        QVERIFY(!actions()->isVisible());
        const QString steps = find<QLabel>("postMigrationSteps")->text();
        QVERIFY2(steps.contains(u"Set up replicas and backups"), qPrintable(steps));
        QVERIFY(!steps.contains(u"learn.microsoft.com"));
    }

    void theSampleSessionAnswersEveryAction()
    {
        m_wizard.reset();
        project::Project p = SampleServices::sampleProject();
        p.target.azureResourceId = kServer;
        open(std::make_shared<SampleServices>(), p);
        QTest::keyClicks(find<QLineEdit>("azureAlertEmail"), QStringLiteral("dba@contoso.com"));
        run("azureCreateAlerts", AzureActions::Action::Alerts);
        QVERIFY(actions()->result(AzureActions::Action::Alerts).contains(u"pgferry-orders-pg-is_db_alive"));
        run("azureDeleteLock", AzureActions::Action::Lock);
        QVERIFY(actions()->result(AzureActions::Action::Lock).contains(u"pgferry-do-not-delete"));
        run("azureCreateReplica", AzureActions::Action::Replica);
        QVERIFY(actions()->result(AzureActions::Action::Replica).contains(u"orders-pg-replica"));
        QVERIFY(m_fake->requests().isEmpty());
    }
};

QTEST_MAIN(TestDoneAzureActions)
#include "tst_doneazureactions.moc"
