// `pgferry-cli azure login` end to end against the fake identity platform and the real keychain:
// the device code is shown, the sign-in is kept in the keychain (service pgferry, azure/<tenant>),
// later commands use it without any AZURE_* secret, refresh it after a 401, and logout forgets it.
// Needs a D-Bus session with an unlocked keyring: scripts/with-keyring ctest -L keyring
#include "fakeazure.h"
#include "project/secretstore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace pgferry;
using test::FakeAzure;
using test::FakeRequest;
using test::FakeResponse;

class TestAzureLogin : public QObject
{
    Q_OBJECT
    std::unique_ptr<FakeAzure> m_fake;
    QTemporaryDir m_dir;
    QString m_cloudConfig;
    QString m_tenant = QStringLiteral("00000000-1111-2222-3333-444444444444");

    struct Run
    {
        int code = -1;
        QString out, err;
    };
    Run cli(const QStringList &args)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("AZURE_CLIENT_SECRET"));
        env.remove(QStringLiteral("AZURE_CLIENT_ID"));
        env.remove(QStringLiteral("AZURE_TENANT_ID"));
        p.setProcessEnvironment(env);
        QSignalSpy done(&p, &QProcess::finished);
        p.start(QStringLiteral(PGFERRY_CLI_PATH),
                QStringList{QStringLiteral("azure")} + args +
                    QStringList{QStringLiteral("--cloud-config"), m_cloudConfig, QStringLiteral("--tenant"),
                                m_tenant});
        if (!done.wait(120000))
            p.kill();
        return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()),
                QString::fromUtf8(p.readAllStandardError())};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString why;
        if (!project::SecretStore::keychainAvailable(&why))
            QSKIP(qPrintable(QStringLiteral("no keychain: %1 (run under scripts/with-keyring)").arg(why)));
        m_fake = std::make_unique<FakeAzure>();
        m_cloudConfig = m_fake->writeCloudConfig(m_dir.path());
    }
    void cleanupTestCase()
    {
        if (m_fake)
            QVERIFY2(m_fake->violations().isEmpty(), qPrintable(m_fake->violations().join(u'\n')));
        QString why;
        project::SecretStore::deleteSecret(QStringLiteral("azure/") + m_tenant, &why);
    }

    void loginKeepsTheSignInAndLaterCommandsUseAndRefreshIt()
    {
        m_fake->on("POST", QStringLiteral("/login/[^/]+/oauth2/v2.0/devicecode"),
                   [](const FakeRequest &) { return FakeAzure::deviceCodeAnswer(); });
        int polls = 0;
        m_fake->on("POST", QStringLiteral("/login/[^/]+/oauth2/v2.0/token"), [&](const FakeRequest &req) {
            if (req.form().queryItemValue(QStringLiteral("grant_type"), QUrl::FullyDecoded) !=
                u"urn:ietf:params:oauth:grant-type:device_code") {
                // Refresh grants go to the fake's own identity endpoint logic.
                const QString rt =
                    req.form().queryItemValue(QStringLiteral("refresh_token"), QUrl::FullyDecoded);
                if (!m_fake->refreshTokens().contains(rt))
                    return FakeResponse::raw(400, "{\"error\":\"invalid_grant\"}");
                return FakeResponse::json(
                    200, QJsonObject{{QStringLiteral("token_type"), QStringLiteral("Bearer")},
                                     {QStringLiteral("expires_in"), 3600},
                                     {QStringLiteral("access_token"), m_fake->issueAccessToken()},
                                     {QStringLiteral("refresh_token"), m_fake->issueRefreshToken()}});
            }
            if (++polls < 2)
                return FakeResponse::raw(400, "{\"error\":\"authorization_pending\"}");
            return FakeResponse::json(
                200, QJsonObject{{QStringLiteral("token_type"), QStringLiteral("Bearer")},
                                 {QStringLiteral("expires_in"), 3600},
                                 {QStringLiteral("access_token"), m_fake->issueAccessToken()},
                                 {QStringLiteral("refresh_token"), m_fake->issueRefreshToken()}});
        });
        m_fake->on("GET", QStringLiteral("/subscriptions"), [](const FakeRequest &) {
            return FakeResponse::json(200,
                                      QJsonObject{{QStringLiteral("value"),
                                                   QJsonArray{QJsonObject{{QStringLiteral("subscriptionId"),
                                                                           QStringLiteral("s1")}}}}});
        });

        Run r =
            cli({QStringLiteral("login"), QStringLiteral("--client-id"), QStringLiteral("public-client")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.err.contains(u"WXYZ-1234"));
        QVERIFY(r.out.contains(u"signed in"));
        QString why;
        const auto saved = project::SecretStore::readSecret(QStringLiteral("azure/") + m_tenant, &why);
        QVERIFY2(saved, qPrintable(why));
        QVERIFY(saved->contains(u"public-client"));

        r = cli({QStringLiteral("subscriptions"), QStringLiteral("--json")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).array().size(), 1);
        const int issued = m_fake->tokensIssued();

        m_fake->expireAccessTokens(); // 401 → refresh with the kept refresh token → retry
        r = cli({QStringLiteral("subscriptions"), QStringLiteral("--verbose")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(m_fake->tokensIssued(), issued + 1);
        const QString all = r.out + r.err;
        QVERIFY(!all.contains(u"eyJfake") && !all.contains(u"fake-refresh-token"));

        r = cli({QStringLiteral("logout")});
        QCOMPARE(r.code, 0);
        r = cli({QStringLiteral("subscriptions")});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains(u"pgferry-cli azure login"));
    }
};

QTEST_GUILESS_MAIN(TestAzureLogin)
#include "tst_azurelogin.moc"
