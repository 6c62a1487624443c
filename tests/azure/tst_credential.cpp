// Credential against the fake identity platform: client secret, cached tokens, a wrong secret,
// refresh tokens that rotate and are saved to the token store, sign-ins read back from the store.
#include "azure/credential.h"
#include "azure/tokenstore.h"
#include "fakeazure.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace pgferry;
using namespace pgferry::azure;
using test::FakeAzure;

namespace {
struct Got
{
    QString token;
    ArmError error;
    bool done = false;
};

Got fetch(Credential &c, bool force = false)
{
    Got g;
    QObject ctx;
    c.token(
        &ctx,
        [&g](const QString &t, const ArmError &e) {
            g.token = t;
            g.error = e;
            g.done = true;
        },
        force);
    QDeadlineTimer deadline(10000);
    while (!g.done && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    if (!g.done)
        g.error = {ArmError::Kind::Timeout, 0, {}, QStringLiteral("no answer within 10 s")};
    return g;
}
} // namespace

class TestCredential : public QObject
{
    Q_OBJECT
    std::unique_ptr<FakeAzure> m_fake;

private Q_SLOTS:
    void init() { m_fake = std::make_unique<FakeAzure>(); }
    void cleanup()
    {
        QVERIFY2(m_fake->violations().isEmpty(), qPrintable(m_fake->violations().join(u'\n')));
        m_fake.reset();
    }

    void aClientSecretGetsATokenWithTheDefaultScopeAndCachesIt()
    {
        auto c = Credential::forClientSecret(m_fake->cloud(), m_fake->tenant, m_fake->clientId,
                                             m_fake->clientSecret);
        const Got a = fetch(*c);
        QVERIFY2(!a.error.isError(), qPrintable(a.error.userMessage()));
        QVERIFY(a.token.startsWith(u"eyJfake."));
        const Got b = fetch(*c);
        QCOMPARE(b.token, a.token);
        QCOMPARE(m_fake->tokensIssued(), 1);
        // The secret, with '+' and '/', arrived intact and form-encoded.
        const auto form = m_fake->requests().first().form();
        QCOMPARE(form.queryItemValue(QStringLiteral("client_secret"), QUrl::FullyDecoded),
                 m_fake->clientSecret);
        QCOMPARE(form.queryItemValue(QStringLiteral("scope"), QUrl::FullyDecoded),
                 QStringLiteral("https://management.core.windows.net/.default"));
        QCOMPARE(m_fake->requests().first().path,
                 QStringLiteral("/login/%1/oauth2/v2.0/token").arg(m_fake->tenant));
        // forceRefresh fetches a new one.
        QVERIFY(fetch(*c, true).token != a.token);
    }

    // expires_in as sent (number or string), and absurd values (found by the fuzzer: a number too
    // large for a 64-bit integer was converted unchecked) taken as five minutes.
    void aTokensLifetimeIsReadSafely_data()
    {
        QTest::addColumn<QByteArray>("expiresIn");
        QTest::addColumn<qint64>("seconds");
        QTest::newRow("number") << QByteArray("3599") << qint64(3599);
        QTest::newRow("string") << QByteArray("\"900\"") << qint64(900);
        QTest::newRow("missing") << QByteArray() << qint64(3600);
        QTest::newRow("zero") << QByteArray("0") << qint64(300);
        QTest::newRow("negative") << QByteArray("-5") << qint64(300);
        QTest::newRow("not a number") << QByteArray("\"soon\"") << qint64(300);
        QTest::newRow("beyond a year") << QByteArray("40000000") << qint64(300);
        QTest::newRow("beyond 64 bits")
            << QByteArray("719855555555555555555555555555555555555555555555555555") << qint64(300);
    }
    void aTokensLifetimeIsReadSafely()
    {
        QFETCH(QByteArray, expiresIn);
        QFETCH(qint64, seconds);
        QByteArray body = "{\"token_type\":\"Bearer\",\"access_token\":\"eyJ0\"";
        if (!expiresIn.isEmpty())
            body += ",\"expires_in\":" + expiresIn;
        body += '}';
        const QDateTime before = QDateTime::currentDateTimeUtc();
        QString why;
        const auto t = azure::TokenResponse::parse(body, &why);
        QVERIFY2(t, qPrintable(why));
        const qint64 got = before.secsTo(t->expiresOn);
        QVERIFY2(got >= seconds - 2 && got <= seconds + 2, qPrintable(QString::number(got)));
    }

    void aWrongSecretSaysWhatToCheckWithoutShowingIt()
    {
        auto c = Credential::forClientSecret(m_fake->cloud(), m_fake->tenant, m_fake->clientId,
                                             QStringLiteral("wrong-secret-value"));
        const Got g = fetch(*c);
        QVERIFY(g.error.isError());
        QCOMPARE(g.error.code, QStringLiteral("invalid_client"));
        const QString msg = g.error.userMessage();
        QVERIFY2(msg.contains(u"AZURE_CLIENT_SECRET") && msg.contains(u"AADSTS7000215"), qPrintable(msg));
        QVERIFY(!msg.contains(u"wrong-secret-value"));
    }

    void anUnknownTenantIsReported()
    {
        auto c = Credential::forClientSecret(m_fake->cloud(), QStringLiteral("no-such-tenant"),
                                             m_fake->clientId, m_fake->clientSecret);
        const Got g = fetch(*c);
        QVERIFY(g.error.isError());
        QVERIFY(g.error.userMessage().contains(u"Tenant not found"));
    }

    void aRefreshTokenRotatesAndTheSignInIsSaved()
    {
        MemoryTokenStore store;
        TokenResponse t;
        t.refreshToken = m_fake->issueRefreshToken();
        t.accessToken = QStringLiteral("stale");
        t.expiresOn = QDateTime::currentDateTimeUtc().addSecs(-10);
        auto c = Credential::forUser(m_fake->cloud(), m_fake->tenant, QStringLiteral("public-client"), t);
        c->setTokenStore(&store, QStringLiteral("azure/") + m_fake->tenant);
        QSignalSpy refreshed(c.get(), &Credential::tokensRefreshed);
        const Got g = fetch(*c);
        QVERIFY2(!g.error.isError(), qPrintable(g.error.userMessage()));
        QCOMPARE(refreshed.size(), 1);
        const auto form = m_fake->requests().last().form();
        QCOMPARE(form.queryItemValue(QStringLiteral("grant_type")), QStringLiteral("refresh_token"));
        QCOMPARE(form.queryItemValue(QStringLiteral("refresh_token"), QUrl::FullyDecoded), t.refreshToken);
        QVERIFY(!m_fake->refreshTokens().contains(t.refreshToken)); // rotated
        // The store holds the new refresh token, and a credential read back from it works.
        QString why;
        const auto saved = store.read(QStringLiteral("azure/") + m_fake->tenant, &why);
        QVERIFY(saved);
        const QJsonObject o = QJsonDocument::fromJson(*saved).object();
        QVERIFY(m_fake->refreshTokens().contains(o.value(u"refresh_token").toString()));
        QCOMPARE(o.value(u"client_id").toString(), QStringLiteral("public-client"));
        auto again = Credential::fromStore(m_fake->cloud(), m_fake->tenant, store, &why);
        QVERIFY2(again, qPrintable(why));
        QCOMPARE(again->clientId(), QStringLiteral("public-client"));
        QCOMPARE(fetch(*again).token, g.token); // the cached access token is still valid
        QCOMPARE(m_fake->tokensIssued(), 1);
    }

    // A credential for the database's scope asks for that scope (with either grant), gets a token
    // Resource Manager refuses, and never saves its access token where the ARM one is kept.
    void anotherScopeIsAskedForAndItsTokenIsNotSavedAsResourceManagers()
    {
        auto c = Credential::forClientSecret(m_fake->cloud(), m_fake->tenant, m_fake->clientId,
                                             m_fake->clientSecret);
        c->setScope(m_fake->cloud().databaseScope());
        QCOMPARE(c->scope(), QStringLiteral("https://ossrdbms-aad.database.windows.net/.default"));
        const Got a = fetch(*c);
        QVERIFY2(!a.error.isError(), qPrintable(a.error.userMessage()));
        QCOMPARE(m_fake->requests().last().form().queryItemValue(QStringLiteral("scope"), QUrl::FullyDecoded),
                 m_fake->databaseScope);
        QCOMPARE(m_fake->tokensIssuedFor(m_fake->databaseScope), QStringList{a.token});

        MemoryTokenStore store;
        TokenResponse t;
        t.refreshToken = m_fake->issueRefreshToken();
        t.accessToken = QStringLiteral("an ARM token");
        t.expiresOn = QDateTime::currentDateTimeUtc().addSecs(3600);
        auto user = Credential::forUser(m_fake->cloud(), m_fake->tenant, QStringLiteral("public-client"), t);
        user->setTokenStore(&store, QStringLiteral("azure/") + m_fake->tenant);
        user->setScope(m_fake->cloud().databaseScope()); // forgets the ARM token it was given
        const Got b = fetch(*user);
        QVERIFY2(!b.error.isError(), qPrintable(b.error.userMessage()));
        QVERIFY(b.token != t.accessToken);
        QCOMPARE(m_fake->requests().last().form().queryItemValue(QStringLiteral("scope"), QUrl::FullyDecoded),
                 m_fake->databaseScope + QStringLiteral(" offline_access"));
        QString why;
        const QJsonObject o =
            QJsonDocument::fromJson(store.read(QStringLiteral("azure/") + m_fake->tenant, &why).value())
                .object();
        QVERIFY(m_fake->refreshTokens().contains(o.value(u"refresh_token").toString()));
        QCOMPARE(o.value(u"access_token").toString(), QString());
        // Scopes in the national clouds.
        QCOMPARE(Cloud::azureChina().databaseScope(),
                 QStringLiteral("https://ossrdbms-aad.database.chinacloudapi.cn/.default"));
        QCOMPARE(Cloud::azureUSGovernment().databaseScope(),
                 QStringLiteral("https://ossrdbms-aad.database.usgovcloudapi.net/.default"));
    }

    void aRevokedRefreshTokenAsksToSignInAgain()
    {
        TokenResponse t;
        t.refreshToken = QStringLiteral("revoked");
        auto c = Credential::forUser(m_fake->cloud(), m_fake->tenant, QStringLiteral("public-client"), t);
        const Got g = fetch(*c);
        QVERIFY(g.error.isError());
        QVERIFY(g.error.userMessage().contains(u"pgferry-cli azure login"));
    }

    void noSavedSignInSaysHowToSignIn()
    {
        MemoryTokenStore store;
        QString why;
        QVERIFY(!Credential::fromStore(m_fake->cloud(), QStringLiteral("t1"), store, &why));
        QVERIFY(why.contains(u"pgferry-cli azure login --tenant t1"));
        QVERIFY(why.contains(u"AZURE_CLIENT_SECRET"));
    }

    void theEnvironmentNeedsAllThreeVariables()
    {
        qputenv("AZURE_CLIENT_SECRET", "x");
        qunsetenv("AZURE_CLIENT_ID");
        qputenv("AZURE_TENANT_ID", "t1");
        QString why;
        QVERIFY(!Credential::fromEnvironment(m_fake->cloud(), {}, &why));
        QVERIFY(why.contains(u"AZURE_CLIENT_ID"));
        qputenv("AZURE_CLIENT_ID", "c1");
        auto c = Credential::fromEnvironment(m_fake->cloud(), {}, &why);
        QVERIFY(c);
        QCOMPARE(c->tenant(), QStringLiteral("t1"));
        QCOMPARE(Credential::fromEnvironment(m_fake->cloud(), QStringLiteral("t2"), &why)->tenant(),
                 QStringLiteral("t2"));
        QVERIFY(!Credential::fromEnvironment(m_fake->cloud(), QStringLiteral("common"), &why));
        QVERIFY(why.contains(u"specific tenant"));
        qunsetenv("AZURE_CLIENT_SECRET");
        QVERIFY(!Credential::fromEnvironment(m_fake->cloud(), {}, &why));
        QVERIFY(why.isEmpty()); // not configured is not an error
        qunsetenv("AZURE_CLIENT_ID");
        qunsetenv("AZURE_TENANT_ID");
    }
};

QTEST_GUILESS_MAIN(TestCredential)
#include "tst_credential.moc"
