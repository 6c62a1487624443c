// Cloud: the built-in clouds, `az cloud show` files, endpoint checks (https, or http on loopback),
// token URLs and scopes; and ResourceId parsing.
#include "azure/cloud.h"
#include "azure/resourceid.h"

#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace pgferry::azure;

class TestCloud : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void builtInCloudsAreKnownByName_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("arm");
        QTest::newRow("public") << QStringLiteral("AzureCloud") << QStringLiteral("management.azure.com");
        QTest::newRow("china") << QStringLiteral("azurechinacloud")
                               << QStringLiteral("management.chinacloudapi.cn");
        QTest::newRow("usgov") << QStringLiteral("AzureUSGovernment")
                               << QStringLiteral("management.usgovcloudapi.net");
    }
    void builtInCloudsAreKnownByName()
    {
        QFETCH(QString, name);
        QFETCH(QString, arm);
        const auto c = Cloud::builtin(name);
        QVERIFY(c);
        QCOMPARE(c->resourceManager.host(), arm);
        QString why;
        QVERIFY2(c->validate(&why), qPrintable(why));
        QVERIFY(!Cloud::builtin(QStringLiteral("Mars")));
    }

    void tokenUrlAndScopeFollowTheIdentityPlatform()
    {
        const Cloud c = Cloud::azurePublic();
        QCOMPARE(
            c.tokenUrl(QStringLiteral("contoso.onmicrosoft.com")).toString(),
            QStringLiteral("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"));
        QCOMPARE(c.deviceCodeUrl(QStringLiteral("organizations")).toString(),
                 QStringLiteral("https://login.microsoftonline.com/organizations/oauth2/v2.0/devicecode"));
        QCOMPARE(c.defaultScope(), QStringLiteral("https://management.core.windows.net/.default"));
        QCOMPARE(c.armUrl(QStringLiteral("/subscriptions")).toString(),
                 QStringLiteral("https://management.azure.com/subscriptions"));
        QVERIFY(c.isArmUrl(QUrl(QStringLiteral("https://management.azure.com/x"))));
        QVERIFY(!c.isArmUrl(QUrl(QStringLiteral("https://evil.example/x"))));
        QVERIFY(!c.isArmUrl(QUrl(QStringLiteral("http://management.azure.com/x"))));
    }

    void cloudFilesAreCheckedForHttpsOrLoopback_data()
    {
        QTest::addColumn<QString>("arm");
        QTest::addColumn<bool>("ok");
        QTest::newRow("https") << QStringLiteral("https://arm.contoso.local/") << true;
        QTest::newRow("http loopback v4") << QStringLiteral("http://127.0.0.1:8080/") << true;
        QTest::newRow("http localhost") << QStringLiteral("http://localhost:8080/") << true;
        QTest::newRow("http loopback v6") << QStringLiteral("http://[::1]:8080/") << true;
        QTest::newRow("http remote") << QStringLiteral("http://arm.contoso.local/") << false;
        QTest::newRow("ftp") << QStringLiteral("ftp://arm.contoso.local/") << false;
        QTest::newRow("relative") << QStringLiteral("arm/") << false;
    }
    void cloudFilesAreCheckedForHttpsOrLoopback()
    {
        QFETCH(QString, arm);
        QFETCH(bool, ok);
        const QJsonObject o{
            {QStringLiteral("name"), QStringLiteral("Stack")},
            {QStringLiteral("endpoints"),
             QJsonObject{{QStringLiteral("activeDirectory"), QStringLiteral("https://login.contoso.local")},
                         {QStringLiteral("resourceManager"), arm},
                         {QStringLiteral("activeDirectoryResourceId"),
                          QStringLiteral("https://management.contoso.local/")}}}};
        QString why;
        const auto c = Cloud::fromJson(o, &why);
        QCOMPARE(bool(c), ok);
        if (!ok)
            QVERIFY(why.contains(u"resourceManager"));
    }

    void aCloudFileRoundTripsAndBadFilesAreExplained()
    {
        QTemporaryDir dir;
        const QString good = dir.filePath(QStringLiteral("good.json"));
        QFile f(good);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QJsonDocument(Cloud::azureChina().toJson()).toJson());
        f.close();
        QString why;
        const auto c = Cloud::fromFile(good, &why);
        QVERIFY2(c, qPrintable(why));
        QCOMPARE(c->resourceManager, Cloud::azureChina().resourceManager);
        QFile bad(dir.filePath(QStringLiteral("bad.json")));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("{ not json");
        bad.close();
        QVERIFY(!Cloud::fromFile(bad.fileName(), &why));
        QVERIFY(why.contains(u"az cloud show"));
        QVERIFY(!Cloud::fromJson(QJsonObject{{QStringLiteral("name"), QStringLiteral("x")}}, &why));
        QVERIFY(why.contains(u"endpoints"));
    }

    void resourceIdsParseCaseInsensitively()
    {
        const auto id = ResourceId::parse(QStringLiteral(
            "/subscriptions/s/resourcegroups/g/providers/Microsoft.DBForPostgreSql/flexibleservers/n"));
        QVERIFY(id);
        QCOMPARE(id->subscriptionId, QStringLiteral("s"));
        QCOMPARE(id->resourceGroup, QStringLiteral("g"));
        QCOMPARE(id->name, QStringLiteral("n"));
        QVERIFY(id->isFlexibleServer());
        QString why;
        QVERIFY(!ResourceId::parse(QStringLiteral("/subscriptions/s"), &why));
        QVERIFY(why.contains(u"flexibleServers/NAME"));
        QVERIFY(!ResourceId::parse(QStringLiteral("/subscriptions/s/resourceGroups/g/providers/P/t/n?x=1"),
                                   &why));
        QVERIFY(!ResourceId::parse(
                     QStringLiteral(
                         "/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/n"))
                     ->isFlexibleServer());
    }
};

QTEST_GUILESS_MAIN(TestCloud)
#include "tst_cloud.moc"
