// Signing in to the target database with Microsoft Entra ID, end to end: a real PostgreSQL whose
// role, named like an Entra principal, has as its password the database-scope token that the fake
// identity platform issues (the fake sets it as it issues each one). pgferry's connections succeed
// with a project whose target.auth is "entra", a token for Resource Manager's scope is refused, an
// expired token is replaced by a new one, identity faults end in a clear error, no token reaches
// the project file, the logs or the redacted connection string, and an offline migration built by
// the engine factory runs into that target (pg_dump and pg_restore get the token as PGPASSWORD).
#include "azure/entrapasswordsource.h"
#include "engine/enginefactory.h"
#include "engine/migrationengine.h"
#include "fakeazure.h"
#include "project/projectfile.h"
#include "testclusters.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <future>

using namespace pgferry;
using test::FakeAzure;
using test::FakeResponse;

namespace {

const QString kPrincipal = QStringLiteral("migrator@contoso.onmicrosoft.com");

// Everything Qt logs, to look for tokens in it.
QStringList g_messages;
QtMessageHandler g_previous = nullptr;
void collect(QtMsgType type, const QMessageLogContext &ctx, const QString &msg)
{
    g_messages << msg;
    if (g_previous)
        g_previous(type, ctx, msg);
}

// Runs f on a plain thread (as the engine's workers do) while this thread's event loop serves the
// fake identity platform; returns its result, or rethrows what it threw.
template<class F> auto offThread(F f) -> decltype(f())
{
    auto future = std::async(std::launch::async, std::move(f));
    QDeadlineTimer deadline(60000);
    while (future.wait_for(std::chrono::milliseconds(0)) != std::future_status::ready &&
           !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    return future.get();
}

// current_user of a new connection, or the connection's error.
struct Signed
{
    QString user;
    pg::Error error;
};

Signed signIn(const pg::ConnInfo &ci)
{
    return offThread([ci] {
        Signed s;
        try {
            pg::Connection c = pg::Connection::open(ci);
            s.user = c.exec(QStringLiteral("SELECT current_user")).text(0, 0);
        } catch (const pg::Exception &e) {
            s.error = e.error();
        }
        return s;
    });
}

} // namespace

class TestEntraDb : public QObject
{
    Q_OBJECT
    std::unique_ptr<test::TwoClusters> m_pair;
    std::unique_ptr<FakeAzure> m_fake;
    QTemporaryDir m_dir;
    QStringList m_issued; // every token issued, to look for in what must not hold one

    project::Project makeProject() const
    {
        project::Project p;
        p.name = QStringLiteral("entra");
        p.mode = project::Mode::Offline;
        p.source = project::ConnectionProfile::fromConnInfo(m_pair->source.connInfo());
        pg::ConnInfo t = m_pair->target.connInfo();
        t.user = kPrincipal;
        t.password.clear();
        p.target = project::ConnectionProfile::fromConnInfo(t);
        p.target.auth = project::Auth::Entra;
        p.azure.cloudConfigFile = m_fake->writeCloudConfig(m_dir.path());
        p.azure.tenantId = m_fake->tenant;
        return p;
    }

    // The role's password becomes each database-scope token as the fake issues it: the token is
    // the password, and only the newest one works.
    void setRolePassword(const QString &token)
    {
        pg::Connection c = m_pair->target.connect();
        c.exec(QStringLiteral("SELECT set_config('pgferry_test.token', $1, false)"), {token.toUtf8()});
        c.exec(QStringLiteral(
            "DO $$BEGIN EXECUTE format('ALTER ROLE %I PASSWORD %L', "
            "'migrator@contoso.onmicrosoft.com', current_setting('pgferry_test.token')); END$$"));
    }

    void checkNoTokenIn(const QString &where, const QString &text) const
    {
        for (const QString &t : m_issued)
            QVERIFY2(!text.contains(t), qPrintable(where + QStringLiteral(" holds a token")));
        QVERIFY2(!text.contains(u"ossrdbms-token"), qPrintable(where + QStringLiteral(" holds a token")));
    }

private Q_SLOTS:
    void initTestCase()
    {
        g_previous = qInstallMessageHandler(collect);
        m_pair = std::make_unique<test::TwoClusters>();
        m_pair->target.sql(QStringLiteral("postgres"),
                           QStringLiteral("CREATE ROLE \"migrator@contoso.onmicrosoft.com\" LOGIN CREATEDB "
                                          "SUPERUSER"));
        qputenv("PGFERRY_STATE_DIR", m_dir.filePath(QStringLiteral("state")).toUtf8());
        qputenv("PGFERRY_SOURCE_PASSWORD", m_pair->source->password().toUtf8());
        qunsetenv("PGFERRY_TARGET_PASSWORD");
    }

    void init()
    {
        m_fake = std::make_unique<FakeAzure>();
        m_fake->onTokenIssued = [this](const QString &scope, const QString &token) {
            m_issued << token;
            if (scope == m_fake->databaseScope)
                setRolePassword(token);
        };
        qputenv("AZURE_TENANT_ID", m_fake->tenant.toUtf8());
        qputenv("AZURE_CLIENT_ID", m_fake->clientId.toUtf8());
        qputenv("AZURE_CLIENT_SECRET", m_fake->clientSecret.toUtf8());
    }

    void cleanup()
    {
        QVERIFY2(m_fake->violations().isEmpty(), qPrintable(m_fake->violations().join(u'\n')));
        m_fake.reset();
    }

    void cleanupTestCase()
    {
        qInstallMessageHandler(g_previous);
        for (const QString &m : std::as_const(g_messages))
            checkNoTokenIn(QStringLiteral("a log message"), m);
    }

    void aProjectWithEntraAuthSignsInWithTheDatabaseScopeToken()
    {
        const project::Project p = makeProject();
        QString hint;
        const pg::ConnInfo ci = azure::resolveConnInfo(p, project::Role::Target, QString(), &hint);
        QVERIFY(ci.passwordSource);
        QVERIFY(ci.password.isEmpty());
        const Signed s = signIn(ci);
        QVERIFY2(!s.error.isError(), qPrintable(s.error.toString()));
        QCOMPARE(s.user, kPrincipal);
        QCOMPARE(m_fake->tokensIssuedFor(m_fake->databaseScope).size(), 1);
        QCOMPARE(m_fake->tokensIssuedFor(m_fake->resourceId + QStringLiteral(".default")).size(), 0);
        // A second connection within the token's life reuses it.
        QVERIFY2(!signIn(ci).error.isError(), "the second connection failed");
        QCOMPARE(m_fake->tokensIssuedFor(m_fake->databaseScope).size(), 1);

        // Nothing that is shown or kept holds the token.
        checkNoTokenIn(QStringLiteral("the redacted URI"), ci.redacted());
        QVERIFY2(ci.redacted().contains(u"Microsoft Entra ID"), qPrintable(ci.redacted()));
        checkNoTokenIn(QStringLiteral("the URI"), ci.toUri());
        const QByteArray file = project::serializeProject(p);
        checkNoTokenIn(QStringLiteral("the project file"), QString::fromUtf8(file));
        QVERIFY(file.contains("\"auth\": \"entra\""));
        const project::LoadResult back = project::parseProject(file);
        QVERIFY2(back.ok(), qPrintable(back.errors.join(u'\n')));
        QCOMPARE(back.project->target.auth, project::Auth::Entra);
        QCOMPARE(back.project->target.user, kPrincipal);
        // Children get it in their environment, never on a command line.
        const auto env = ci.childEnvironment();
        QCOMPARE(env.value(QStringLiteral("PGPASSWORD")),
                 m_fake->tokensIssuedFor(m_fake->databaseScope).last());
        QCOMPARE(env.value(QStringLiteral("PGUSER")), kPrincipal);
    }

    void aTokenForResourceManagerIsRefusedByTheServer()
    {
        // Sign in once with the right scope, so that the role has a password at all.
        QVERIFY(!signIn(azure::resolveConnInfo(makeProject(), project::Role::Target, {}, nullptr))
                     .error.isError());
        auto credential = azure::Credential::forClientSecret(m_fake->cloud(), m_fake->tenant,
                                                             m_fake->clientId, m_fake->clientSecret);
        pg::ConnInfo ci = m_pair->target.connInfo();
        ci.user = kPrincipal;
        ci.password.clear();
        ci.passwordSource = std::make_shared<azure::EntraPasswordSource>(std::move(credential),
                                                                         m_fake->cloud().defaultScope());
        const Signed s = signIn(ci);
        QVERIFY2(s.error.isError(), "a token for Resource Manager's scope signed in to the database");
        QCOMPARE(s.error.category, pg::ErrorCategory::Auth);
        QVERIFY2(s.error.message.contains(u"password authentication failed"), qPrintable(s.error.toString()));
        QVERIFY2(s.error.hint.contains(u"Microsoft Entra ID"), qPrintable(s.error.toString()));
        QCOMPARE(m_fake->tokensIssuedFor(m_fake->resourceId + QStringLiteral(".default")).size(), 1);
        checkNoTokenIn(QStringLiteral("the error"), s.error.toString());
    }

    void anExpiredTokenIsReplacedForTheNextConnection()
    {
        // Tokens live 302 s; the credential renews five minutes early, so these are stale after 2 s.
        m_fake->tokenLifetimeSeconds = 302;
        const pg::ConnInfo ci = azure::resolveConnInfo(makeProject(), project::Role::Target, {}, nullptr);
        QVERIFY(!signIn(ci).error.isError());
        const QStringList first = m_fake->tokensIssuedFor(m_fake->databaseScope);
        QCOMPARE(first.size(), 1);
        QTest::qWait(2500); // the token's life, not a race: nothing else to wait for
        const Signed s = signIn(ci);
        QVERIFY2(!s.error.isError(), qPrintable(s.error.toString()));
        const QStringList second = m_fake->tokensIssuedFor(m_fake->databaseScope);
        QCOMPARE(second.size(), 2);
        QVERIFY(second.last() != first.first());
        // The first token no longer opens anything: the new connection used the new one.
        pg::ConnInfo old = ci;
        old.passwordSource.reset();
        old.password = first.first();
        QVERIFY(signIn(old).error.isError());
    }

    void identityFaultsEndInAClearError_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("delayMs");
        QTest::addColumn<QString>("expected");
        QTest::newRow("400 invalid_grant")
            << 400
            << QByteArray(
                   R"({"error":"invalid_grant","error_description":"AADSTS70000: The grant is expired."})")
            << 0 << QStringLiteral("invalid_grant");
        QTest::newRow("500") << 500 << QByteArray("{}") << 0 << QStringLiteral("500");
        QTest::newRow("no answer") << 200 << QByteArray("{}") << 5000 << QStringLiteral("");
        QTest::newRow("malformed answer")
            << 200 << QByteArray("not json") << 0 << QStringLiteral("malformed");
    }
    void identityFaultsEndInAClearError()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(int, delayMs);
        QFETCH(QString, expected);
        m_fake->on("POST", QStringLiteral("/login/.*/oauth2/v2.0/token"), [=](const test::FakeRequest &) {
            FakeResponse r = FakeResponse::raw(status, body);
            r.delayMs = delayMs;
            return r;
        });
        auto credential = azure::Credential::forClientSecret(m_fake->cloud(), m_fake->tenant,
                                                             m_fake->clientId, m_fake->clientSecret);
        pg::ConnInfo ci = m_pair->target.connInfo();
        ci.user = kPrincipal;
        ci.password.clear();
        ci.passwordSource =
            std::make_shared<azure::EntraPasswordSource>(std::move(credential), m_fake->databaseScope, 1000);
        const Signed s = signIn(ci);
        QVERIFY2(s.error.isError(), "signed in without a token");
        QCOMPARE(s.error.category, pg::ErrorCategory::Auth);
        const QString text = s.error.toString();
        QVERIFY2(text.contains(u"could not get a Microsoft Entra ID token for the target database"),
                 qPrintable(text));
        QVERIFY2(text.contains(u"pgferry-cli azure login"), qPrintable(text));
        QVERIFY2(text.contains(expected, Qt::CaseInsensitive), qPrintable(text));
        checkNoTokenIn(QStringLiteral("the error"), text);
        QVERIFY2(!text.contains(m_fake->clientSecret), "the error holds the client secret");
    }

    void withoutAnAzureSignInTheConnectionSaysWhatToSet()
    {
        qputenv("AZURE_CLIENT_ID", "");
        project::Project p = makeProject();
        // A service principal without its id: the sign-in is refused before any request.
        const pg::ConnInfo ci = azure::resolveConnInfo(p, project::Role::Target, {}, nullptr);
        const Signed s = signIn(ci);
        QVERIFY(s.error.isError());
        QVERIFY2(s.error.toString().contains(u"AZURE_CLIENT_ID"), qPrintable(s.error.toString()));
        QCOMPARE(m_fake->tokensIssued(), 0);
    }

    // `pgferry-cli assess` on a project file made for Entra: the target is reached (its version is
    // read) with a token, and neither its output nor its errors hold one.
    void theCliAssessesTheEntraTarget()
    {
        project::Project p = makeProject();
        const QString file = m_dir.filePath(QStringLiteral("entra.pgferry"));
        QString why;
        QVERIFY2(project::saveProjectFile(p, file, &why), qPrintable(why));
        QFile saved(file);
        QVERIFY(saved.open(QIODevice::ReadOnly));
        const QByteArray json = saved.readAll();
        QVERIFY(json.contains("\"auth\": \"entra\""));

        QProcess cli;
        cli.start(QStringLiteral(PGFERRY_CLI_PATH),
                  {QStringLiteral("assess"), file, QStringLiteral("--json")});
        QVERIFY(cli.waitForStarted());
        // The fake identity platform answers on this thread: keep its event loop turning.
        QTRY_VERIFY_WITH_TIMEOUT(cli.state() == QProcess::NotRunning, 120000);
        const QString out = QString::fromUtf8(cli.readAllStandardOutput());
        const QString err = QString::fromUtf8(cli.readAllStandardError());
        QVERIFY2(cli.exitCode() == 0 || cli.exitCode() == 3, qPrintable(err));
        checkNoTokenIn(QStringLiteral("assess's output"), out);
        checkNoTokenIn(QStringLiteral("assess's errors"), err);
        QVERIFY(m_fake->tokensIssuedFor(m_fake->databaseScope).size() >= 1);
        const QJsonArray checks = QJsonDocument::fromJson(out.toUtf8()).object().value(u"checks").toArray();
        QVERIFY2(!checks.isEmpty(), qPrintable(out.left(2000)));
        bool version = false;
        for (const QJsonValue &v : checks) {
            const QJsonObject c = v.toObject();
            const QString id = c.value(u"id").toString();
            if (id == u"target.connectivity")
                QVERIFY2(c.value(u"severity").toString() == u"pass",
                         qPrintable(QString::fromUtf8(QJsonDocument(c).toJson())));
            version = version || id == u"target.version";
        }
        QVERIFY2(version, "the target's version was not read: it did not connect");
    }

    // The engine factory attaches the token source: an offline migration into the Entra target,
    // its schema restored by pg_restore with the token as PGPASSWORD.
    void anOfflineMigrationRunsIntoTheEntraTarget()
    {
        const QString db = QStringLiteral("entra_shop");
        m_pair->source.createDatabase(db);
        m_pair->source.sql(
            db, QStringLiteral("CREATE TABLE item (id int PRIMARY KEY, name text);"
                               "INSERT INTO item SELECT g, 'item ' || g FROM generate_series(1, 500) g;"));
        project::Project p = makeProject();
        p.databases.append({db, {}, {}, {}});
        QString why;
        std::unique_ptr<engine::MigrationEngine> e = engine::createEngine(p, &why);
        QVERIFY2(e, qPrintable(why));
        QSignalSpy done(e.get(), &engine::MigrationEngine::finished);
        e->start(engine::MigrationEngine::Until::Done);
        QVERIFY(done.wait(300000));
        const engine::MigrationStatus st = e->status();
        QVERIFY2(done.first().first().toBool(), qPrintable(st.errors.join(u'\n')));
        QVERIFY(m_fake->tokensIssuedFor(m_fake->databaseScope).size() >= 1);
        pg::Connection t = m_pair->target.connect(db);
        QCOMPARE(t.exec(QStringLiteral("SELECT count(*) FROM item")).toInt(0, 0), 500);
        for (const QString &err : st.errors)
            checkNoTokenIn(QStringLiteral("the run's errors"), err);
        // The run's journal, logs and report hold no token.
        QDirIterator files(m_dir.filePath(QStringLiteral("state")), QDir::Files,
                           QDirIterator::Subdirectories);
        int read = 0;
        while (files.hasNext()) {
            QFile f(files.next());
            if (f.open(QIODevice::ReadOnly)) {
                checkNoTokenIn(f.fileName(), QString::fromUtf8(f.readAll()));
                ++read;
            }
        }
        QVERIFY(read > 0);
    }
};

QTEST_GUILESS_MAIN(TestEntraDb)
#include "tst_entradb.moc"
