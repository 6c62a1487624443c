// ArmError: ARM and OAuth error bodies turned into messages that say what happened, to which
// object and what to do; which errors are retryable.
#include "azure/armerror.h"

#include <QTest>

using namespace pgferry::azure;

class TestArmError : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void armBodiesBecomeActionableMessages_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("advice");
        QTest::addColumn<bool>("retryable");
        QTest::newRow("forbidden") << 403
                                   << QByteArray(R"({"error":{"code":"AuthorizationFailed","message":"no"}})")
                                   << QStringLiteral("AuthorizationFailed") << QStringLiteral("Contributor")
                                   << false;
        QTest::newRow("throttled") << 429
                                   << QByteArray(R"({"error":{"code":"TooManyRequests","message":"slow"}})")
                                   << QStringLiteral("TooManyRequests") << QStringLiteral("throttling")
                                   << true;
        QTest::newRow("busy") << 409
                              << QByteArray(
                                     R"({"error":{"code":"AnotherOperationInProgress","message":"busy"}})")
                              << QStringLiteral("AnotherOperationInProgress")
                              << QStringLiteral("Another operation") << true;
        QTest::newRow("conflict") << 409 << QByteArray(R"({"error":{"code":"Conflict","message":"exists"}})")
                                  << QStringLiteral("Conflict") << QStringLiteral("wait") << false;
        QTest::newRow("locked") << 409 << QByteArray(R"({"error":{"code":"ScopeLocked","message":"locked"}})")
                                << QStringLiteral("ScopeLocked") << QStringLiteral("lock") << false;
        QTest::newRow("provider")
            << 409 << QByteArray(R"({"error":{"code":"MissingSubscriptionRegistration","message":"x"}})")
            << QStringLiteral("MissingSubscriptionRegistration") << QStringLiteral("az provider register")
            << false;
        QTest::newRow("quota") << 400 << QByteArray(R"({"error":{"code":"QuotaExceeded","message":"x"}})")
                               << QStringLiteral("QuotaExceeded") << QStringLiteral("quota") << false;
        QTest::newRow("bare code") << 404 << QByteArray(R"({"code":"ResourceNotFound","message":"gone"})")
                                   << QStringLiteral("ResourceNotFound") << QStringLiteral("resource id")
                                   << false;
        QTest::newRow("oauth")
            << 400 << QByteArray(R"({"error":"invalid_grant","error_description":"AADSTS70008: expired"})")
            << QStringLiteral("invalid_grant") << QStringLiteral("azure login") << false;
        QTest::newRow("server") << 500 << QByteArray("<html>oops</html>") << QString()
                                << QStringLiteral("request id") << true;
        QTest::newRow("empty") << 502 << QByteArray() << QString() << QStringLiteral("try again later")
                               << true;
    }
    void armBodiesBecomeActionableMessages()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(QString, code);
        QFETCH(QString, advice);
        QFETCH(bool, retryable);
        ArmError e = ArmError::fromBody(status, body);
        e.object = QStringLiteral("create server s1");
        e.requestId = QStringLiteral("req-1");
        QCOMPARE(e.code, code);
        QCOMPARE(e.retryable(), retryable);
        const QString msg = e.userMessage();
        QVERIFY2(msg.startsWith(u"create server s1: ") && msg.contains(advice) && msg.contains(u"req-1"),
                 qPrintable(msg));
    }

    void detailsAndTargetAreKept()
    {
        const ArmError e = ArmError::fromBody(
            400, R"({"error":{"code":"InvalidParameter","message":"bad","target":"properties.version",
            "details":[{"code":"VersionNotSupported","message":"9.6 is gone","details":[{"code":"Inner","message":"deep"}]}]}})");
        QCOMPARE(e.target, QStringLiteral("properties.version"));
        QCOMPARE(e.details, (QStringList{QStringLiteral("VersionNotSupported: 9.6 is gone"),
                                         QStringLiteral("Inner: deep")}));
        QVERIFY(e.userMessage().contains(u"Correct properties.version"));
    }
};

QTEST_GUILESS_MAIN(TestArmError)
#include "tst_armerror.moc"
