// The device-code sign-in against the fake identity platform: the code and address are shown,
// polling honours the interval through authorization_pending and slow_down (+5 s), and
// expired_token, authorization_declined and a code that outlives expires_in stop the flow.
#include "azure/devicecodeflow.h"
#include "fakeazure.h"

#include <QSignalSpy>
#include <QTest>

using namespace pgferry;
using namespace pgferry::azure;
using test::FakeAzure;
using test::FakeRequest;
using test::FakeResponse;

class TestDeviceCodeFlow : public QObject
{
    Q_OBJECT
    std::unique_ptr<FakeAzure> m_fake;

    void serveDeviceCode(int interval, int expiresIn)
    {
        m_fake->on("POST", QStringLiteral("/login/[^/]+/oauth2/v2.0/devicecode"),
                   [=](const FakeRequest &req) {
                       if (req.form().queryItemValue(QStringLiteral("client_id")) != u"public-client")
                           return FakeResponse::raw(400, "{\"error\":\"invalid_client\"}");
                       return FakeResponse::json(
                           200, QJsonObject{{QStringLiteral("device_code"), QStringLiteral("DEVCODE-123")},
                                            {QStringLiteral("user_code"), QStringLiteral("ABCD-EFGH")},
                                            {QStringLiteral("verification_uri"),
                                             QStringLiteral("https://microsoft.com/devicelogin")},
                                            {QStringLiteral("expires_in"), expiresIn},
                                            {QStringLiteral("interval"), interval},
                                            {QStringLiteral("message"),
                                             QStringLiteral("To sign in, use a web browser to open the page "
                                                            "https://microsoft.com/devicelogin and enter the "
                                                            "code ABCD-EFGH to authenticate.")}});
                   });
    }
    void serveTokenAnswers(const QStringList &answers)
    {
        auto index = std::make_shared<int>(0);
        m_fake->on("POST", QStringLiteral("/login/[^/]+/oauth2/v2.0/token"),
                   [this, answers, index](const FakeRequest &req) {
                       const auto f = req.form();
                       if (f.queryItemValue(QStringLiteral("grant_type"), QUrl::FullyDecoded) !=
                               u"urn:ietf:params:oauth:grant-type:device_code" ||
                           f.queryItemValue(QStringLiteral("device_code")) != u"DEVCODE-123")
                           return FakeResponse::raw(400, "{\"error\":\"bad_verification_code\"}");
                       const QString a = answers.value(std::min<int>(*index, int(answers.size()) - 1));
                       ++*index;
                       if (a == u"ok")
                           return FakeResponse::json(
                               200,
                               QJsonObject{{QStringLiteral("token_type"), QStringLiteral("Bearer")},
                                           {QStringLiteral("expires_in"), 3600},
                                           {QStringLiteral("access_token"), m_fake->issueAccessToken()},
                                           {QStringLiteral("refresh_token"), m_fake->issueRefreshToken()}});
                       return FakeResponse::json(400, QJsonObject{{QStringLiteral("error"), a},
                                                                  {QStringLiteral("error_description"),
                                                                   QString(QStringLiteral("AADSTS: ") + a)}});
                   });
    }

private Q_SLOTS:
    void init() { m_fake = std::make_unique<FakeAzure>(); }
    void cleanup()
    {
        QVERIFY2(m_fake->violations().isEmpty(), qPrintable(m_fake->violations().join(u'\n')));
        m_fake.reset();
    }

    void pollsThroughPendingAndSlowDownToTokens()
    {
        serveDeviceCode(1, 900);
        serveTokenAnswers({QStringLiteral("authorization_pending"), QStringLiteral("slow_down"),
                           QStringLiteral("authorization_pending"), QStringLiteral("ok")});
        DeviceCodeFlow flow(m_fake->cloud(), m_fake->tenant, QStringLiteral("public-client"));
        flow.setSecondMs(5); // protocol seconds are 5 ms here
        QSignalSpy code(&flow, &DeviceCodeFlow::codeReady);
        QSignalSpy states(&flow, &DeviceCodeFlow::pollResult);
        QSignalSpy ok(&flow, &DeviceCodeFlow::succeeded);
        QSignalSpy failed(&flow, &DeviceCodeFlow::failed);
        flow.start();
        QVERIFY(ok.wait(10000));
        QCOMPARE(failed.size(), 0);
        QCOMPARE(code.size(), 1);
        QCOMPARE(code.first().at(0).toString(), QStringLiteral("ABCD-EFGH"));
        QCOMPARE(code.first().at(1).toString(), QStringLiteral("https://microsoft.com/devicelogin"));
        QVERIFY(code.first().at(2).toString().contains(u"ABCD-EFGH"));
        QCOMPARE(states.size(), 3);
        QCOMPARE(states.at(1).at(0).toString(), QStringLiteral("slow_down"));
        QCOMPARE(flow.currentIntervalSeconds(), 6); // 1 + 5 after slow_down
        const auto tokens = ok.first().at(0).value<TokenResponse>();
        QVERIFY(tokens.accessToken.startsWith(u"eyJfake."));
        QVERIFY(m_fake->refreshTokens().contains(tokens.refreshToken));
        const auto first = m_fake->requests().first();
        QCOMPARE(first.path, QStringLiteral("/login/%1/oauth2/v2.0/devicecode").arg(m_fake->tenant));
        QVERIFY(first.form()
                    .queryItemValue(QStringLiteral("scope"), QUrl::FullyDecoded)
                    .contains(u"offline_access"));
    }

    void terminalAnswersStopTheFlow_data()
    {
        QTest::addColumn<QString>("answer");
        QTest::addColumn<QString>("expected");
        QTest::newRow("expired_token") << QStringLiteral("expired_token") << QStringLiteral("expired");
        QTest::newRow("authorization_declined")
            << QStringLiteral("authorization_declined") << QStringLiteral("declined");
        QTest::newRow("bad_verification_code")
            << QStringLiteral("bad_verification_code") << QStringLiteral("did not recognise");
    }
    void terminalAnswersStopTheFlow()
    {
        QFETCH(QString, answer);
        QFETCH(QString, expected);
        serveDeviceCode(0, 900);
        serveTokenAnswers({QStringLiteral("authorization_pending"), answer});
        DeviceCodeFlow flow(m_fake->cloud(), m_fake->tenant, QStringLiteral("public-client"));
        flow.setSecondMs(5);
        QSignalSpy ok(&flow, &DeviceCodeFlow::succeeded);
        QSignalSpy failed(&flow, &DeviceCodeFlow::failed);
        flow.start();
        QVERIFY(failed.wait(10000));
        const auto e = failed.first().at(0).value<ArmError>();
        QCOMPARE(e.code, answer);
        QVERIFY2(e.userMessage().contains(expected), qPrintable(e.userMessage()));
        QCOMPARE(ok.size(), 0);
        const int polls = m_fake->count("POST", QStringLiteral("/login/.*/token"));
        QTest::qWait(50); // no further polls after a terminal answer
        QCOMPARE(m_fake->count("POST", QStringLiteral("/login/.*/token")), polls);
    }

    void aCodeThatOutlivesExpiresInStopsLocally()
    {
        serveDeviceCode(1, 3);
        serveTokenAnswers({QStringLiteral("authorization_pending")});
        DeviceCodeFlow flow(m_fake->cloud(), m_fake->tenant, QStringLiteral("public-client"));
        flow.setSecondMs(20);
        QSignalSpy failed(&flow, &DeviceCodeFlow::failed);
        flow.start();
        QVERIFY(failed.wait(10000));
        QCOMPARE(failed.first().at(0).value<ArmError>().code, QStringLiteral("expired_token"));
    }

    void cancelStopsPolling()
    {
        serveDeviceCode(1, 900);
        serveTokenAnswers({QStringLiteral("authorization_pending")});
        DeviceCodeFlow flow(m_fake->cloud(), m_fake->tenant, QStringLiteral("public-client"));
        flow.setSecondMs(5);
        QSignalSpy code(&flow, &DeviceCodeFlow::codeReady);
        QSignalSpy failed(&flow, &DeviceCodeFlow::failed);
        flow.start();
        QVERIFY(code.wait(10000));
        flow.cancel();
        QCOMPARE(failed.size(), 1);
        QCOMPARE(failed.first().at(0).value<ArmError>().kind, ArmError::Kind::Cancelled);
    }
};

QTEST_GUILESS_MAIN(TestDeviceCodeFlow)
#include "tst_devicecodeflow.moc"
