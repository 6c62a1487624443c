// Redaction of the request log: secrets in JSON bodies, form bodies and URLs become ***.
#include "azure/redact.h"

#include <QJsonObject>
#include <QTest>

using namespace pgferry::azure;

class TestRedact : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void jsonSecretsAreMaskedAtAnyDepth()
    {
        const QByteArray body =
            R"({"location":"eastus","properties":{"administratorLoginPassword":"P@ss1","secretParameters":{"adminCredentials":{"sourceServerPassword":"a1","targetServerPassword":"b2"}},"dbsToMigrate":["db1"]}})";
        const QString s = redactBody(body);
        QVERIFY(!s.contains(u"P@ss1") && !s.contains(u"\"a1\"") && !s.contains(u"\"b2\""));
        QVERIFY(s.contains(u"eastus") && s.contains(u"db1") && s.contains(u"***"));
    }
    void formSecretsAreMasked()
    {
        const QString s =
            redactBody("grant_type=client_credentials&client_id=c1&client_secret=abc%2Bdef&refresh_token=r1");
        QVERIFY(s.contains(u"client_id=c1"));
        QVERIFY(!s.contains(u"abc") && !s.contains(u"r1"));
    }
    void urlSecretsAreMaskedButSkipTokensKept()
    {
        const QString u = redactUrl(QUrl(QStringLiteral(
            "https://user:pw@management.azure.com/x?api-version=1&sig=SECRET&$skipToken=page2")));
        QVERIFY(!u.contains(u"SECRET") && !u.contains(u"pw@"));
        QVERIFY(u.contains(u"page2") && u.contains(u"api-version=1"));
    }
    void nonJsonIsSummarised()
    {
        QCOMPARE(redactBody("<html> secret </html>"), QStringLiteral("<21 bytes, not JSON>"));
    }
};

QTEST_GUILESS_MAIN(TestRedact)
#include "tst_redact.moc"
