// ManagedEngine against a fake migration service: a migration walked through its states to
// Succeeded (with the wait for the cutover trigger), resume of an existing migration, Azure's
// validation failures and migration failures with their remedies, cancel with DELETE, and the
// projects Azure's service cannot run. Passwords travel only in the create request's body.
#include "azure/armclient.h"
#include "azure/credential.h"
#include "azure/managedengine.h"
#include "fakeazure.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace pgferry;
using namespace pgferry::azure;
using engine::MigrationEngine;
using engine::RunState;
using test::FakeAzure;
using test::FakeRequest;
using test::FakeResponse;

namespace {
const QString kServer =
    QStringLiteral("/subscriptions/ffffffff-ffff-ffff-ffff-ffffffffffff/resourceGroups/exampleresourcegroup/"
                   "providers/Microsoft.DBforPostgreSQL/flexibleServers/exampletarget");
const QString kExamples = QStringLiteral("postgresql-flexible/examples/");

project::Project makeProject(project::Mode mode)
{
    project::Project p;
    p.id = QStringLiteral("1b4e28ba-2fa1-11d2-883f-0016d3cca427");
    p.name = QStringLiteral("orders");
    p.mode = mode;
    p.engine = project::Engine::Azure;
    p.source.host = QStringLiteral("20.228.214.65");
    p.source.port = 5432;
    p.source.user = QStringLiteral("postgres");
    p.source.sslmode = QStringLiteral("require");
    p.target.host = QStringLiteral("exampletarget.postgres.database.azure.com");
    p.target.user = QStringLiteral("azureadmin");
    p.target.azureResourceId = kServer;
    p.databases = {{QStringLiteral("exampledatabase"), {}, {}, {}}};
    p.settings.schema.overwrite = true;
    return p;
}

QJsonObject dbDetail(const QString &name, const QString &state, int queued, int loading, int done,
                     qint64 incoming, qint64 applied)
{
    return {{QStringLiteral("databaseName"), name},
            {QStringLiteral("migrationState"), state},
            {QStringLiteral("fullLoadQueuedTables"), queued},
            {QStringLiteral("fullLoadLoadingTables"), loading},
            {QStringLiteral("fullLoadCompletedTables"), done},
            {QStringLiteral("fullLoadErroredTables"), 0},
            {QStringLiteral("cdcInsertCounter"), 12},
            {QStringLiteral("cdcUpdateCounter"), 5},
            {QStringLiteral("cdcDeleteCounter"), 1},
            {QStringLiteral("incomingChanges"), incoming},
            {QStringLiteral("appliedChanges"), applied},
            {QStringLiteral("latency"), 2}};
}
} // namespace

class TestManagedEngine : public QObject
{
    Q_OBJECT
    std::unique_ptr<FakeAzure> m_fake;
    std::unique_ptr<Credential> m_cred;
    std::unique_ptr<ArmClient> m_client;
    QJsonObject m_created; // what the PUT sent

    std::unique_ptr<ManagedEngine> engineFor(const project::Project &p)
    {
        ManagedEngine::Options o;
        o.pollIntervalMs = 10;
        return std::make_unique<ManagedEngine>(p, QStringLiteral("src-Secret-1"),
                                               QStringLiteral("tgt-Secret-2"), m_client.get(), o);
    }

    void serveServer()
    {
        QJsonObject server = m_fake->exampleBody(kExamples + QStringLiteral("2024-08-01_ServerCreate.json"),
                                                 QStringLiteral("200"));
        QJsonObject props = server.value(u"properties").toObject();
        props.insert(QStringLiteral("highAvailability"),
                     QJsonObject{{QStringLiteral("mode"), QStringLiteral("Disabled")}});
        server.insert(QStringLiteral("properties"), props);
        server.insert(QStringLiteral("location"), QStringLiteral("westus"));
        m_fake->on("GET", kServer, [server](const FakeRequest &) { return FakeResponse::json(200, server); });
    }

private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<engine::MigrationStatus>(); }
    void init()
    {
        m_fake = std::make_unique<FakeAzure>();
        m_cred = Credential::forClientSecret(m_fake->cloud(), m_fake->tenant, m_fake->clientId,
                                             m_fake->clientSecret);
        ArmClient::Options o;
        o.backoffBaseMs = 10;
        o.defaultPollMs = 10;
        m_client = std::make_unique<ArmClient>(m_fake->cloud(), m_cred.get(), o);
        serveServer();
    }
    void cleanup()
    {
        QVERIFY2(m_fake->violations().isEmpty(), qPrintable(m_fake->violations().join(u'\n')));
        m_client.reset();
        m_cred.reset();
        m_fake.reset();
    }

    void anOnlineMigrationWalksToSucceededThroughTheCutoverTrigger()
    {
        const QString migration =
            kServer + QStringLiteral("/migrations/pgferry1b4e28ba2fa111d2883f0016d3cca427");
        // The migration's life in Azure: each GET advances it, and it parks in WaitingForCutoverTrigger
        // until the PATCH arrives.
        QJsonObject resource = m_fake->exampleBody(
            kExamples + QStringLiteral("2026-01-01-preview_MigrationsCreate.json"), QStringLiteral("201"));
        int step = 0;
        bool triggered = false;
        auto setStatus = [&resource](const QString &state, const QString &sub, const QJsonObject &dbs) {
            QJsonObject props = resource.value(u"properties").toObject();
            QJsonObject details{{QStringLiteral("currentSubState"), sub}};
            if (!dbs.isEmpty())
                details.insert(QStringLiteral("dbDetails"), dbs);
            props.insert(QStringLiteral("currentStatus"),
                         QJsonObject{{QStringLiteral("state"), state},
                                     {QStringLiteral("currentSubStateDetails"), details}});
            props.insert(QStringLiteral("migrationMode"), QStringLiteral("Online"));
            resource.insert(QStringLiteral("properties"), props);
        };
        bool exists = false;
        m_fake->on("GET", migration, [&](const FakeRequest &) {
            if (!exists)
                return FakeResponse::armError(404, QStringLiteral("ResourceNotFound"),
                                              QStringLiteral("The migration was not found."));
            ++step;
            const QString db = QStringLiteral("exampledatabase");
            if (step == 1)
                setStatus(QStringLiteral("InProgress"), QStringLiteral("ValidationInProgress"), {});
            else if (step == 2)
                setStatus(QStringLiteral("InProgress"), QStringLiteral("MigratingData"),
                          {{db, dbDetail(db, QStringLiteral("InProgress"), 3, 2, 5, 0, 0)}});
            else if (!triggered)
                setStatus(QStringLiteral("WaitingForUserAction"), QStringLiteral("WaitingForCutoverTrigger"),
                          {{db, dbDetail(db, QStringLiteral("WaitingForCutoverTrigger"), 0, 0, 10, 40, 38)}});
            else if (step < 100)
                setStatus(QStringLiteral("InProgress"), QStringLiteral("CompletingMigration"),
                          {{db, dbDetail(db, QStringLiteral("InProgress"), 0, 0, 10, 40, 40)}}),
                    step = 100;
            else
                resource = m_fake->exampleBody(
                    kExamples +
                        QStringLiteral(
                            "2024-08-01_Migrations_GetMigrationWithSuccessfulValidationAndMigration.json"),
                    QStringLiteral("200"));
            return FakeResponse::json(200, resource);
        });
        m_fake->on("PUT", migration, [&](const FakeRequest &req) {
            m_created = req.json();
            exists = true;
            return FakeResponse::json(201, resource);
        });
        m_fake->on("PATCH", migration, [&](const FakeRequest &req) {
            const QJsonObject props = req.json().value(u"properties").toObject();
            if (props.value(u"triggerCutover").toString() != u"True")
                return FakeResponse::armError(400, QStringLiteral("InvalidParameter"),
                                              QStringLiteral("triggerCutover expected"));
            triggered = true;
            setStatus(QStringLiteral("InProgress"), QStringLiteral("CompletingMigration"), {});
            return FakeResponse::json(200, resource);
        });

        auto eng = engineFor(makeProject(project::Mode::Online));
        QSignalSpy finished(eng.get(), &MigrationEngine::finished);
        QSignalSpy changed(eng.get(), &MigrationEngine::statusChanged);
        QString why;
        QVERIFY(!eng->requestCutover(&why)); // not before it is ready
        QVERIFY(why.contains(u"not ready"));
        eng->start(MigrationEngine::Until::Done);
        QTRY_VERIFY_WITH_TIMEOUT(eng->status().readyForCutover(), 10000);

        // The create request followed the contract, with the passwords in the body only.
        const QJsonObject p = m_created.value(u"properties").toObject();
        QCOMPARE(m_created.value(u"location").toString(), QStringLiteral("westus"));
        QCOMPARE(p.value(u"migrationMode").toString(), QStringLiteral("Online"));
        QCOMPARE(p.value(u"migrationOption").toString(), QStringLiteral("ValidateAndMigrate"));
        QCOMPARE(p.value(u"sourceDbServerResourceId").toString(),
                 QStringLiteral("20.228.214.65:5432@postgres"));
        QCOMPARE(p.value(u"sslMode").toString(), QStringLiteral("Require"));
        QCOMPARE(p.value(u"overwriteDbsInTarget").toString(), QStringLiteral("True"));
        QCOMPARE(p.value(u"migrateRoles").toString(), QStringLiteral("False"));
        QCOMPARE(p.value(u"dbsToMigrate").toArray(), QJsonArray{QStringLiteral("exampledatabase")});
        const QJsonObject admin =
            p.value(u"secretParameters").toObject().value(u"adminCredentials").toObject();
        QCOMPARE(admin.value(u"sourceServerPassword").toString(), QStringLiteral("src-Secret-1"));
        QCOMPARE(admin.value(u"targetServerPassword").toString(), QStringLiteral("tgt-Secret-2"));

        // While it waits for the trigger: streaming, ready, with Azure's counters.
        const engine::MigrationStatus ready = eng->status();
        QCOMPARE(ready.state, RunState::Streaming);
        QCOMPARE(ready.engine, QStringLiteral("azure"));
        QCOMPARE(ready.databases.size(), 1);
        QCOMPARE(ready.databases[0].phase, engine::DatabasePhase::Streaming);
        QCOMPARE(ready.databases[0].tablesDone, 10);
        QCOMPARE(ready.databases[0].inserts, 12);
        QCOMPARE(ready.databases[0].pendingChanges, 2);
        QCOMPARE(ready.databases[0].lagSeconds, 2.0);
        QCOMPARE(finished.size(), 0); // Until::Done keeps waiting for the administrator
        const int polls = m_fake->count("GET", migration);
        QTRY_VERIFY(m_fake->count("GET", migration) > polls + 2); // still polling, still waiting
        QVERIFY(eng->status().readyForCutover());

        // An earlier full-load state was published with its table counts.
        bool sawFullLoad = false;
        for (const QList<QVariant> &args : std::as_const(changed)) {
            const auto s = args.at(0).value<engine::MigrationStatus>();
            if (!s.databases.isEmpty() && s.databases[0].phase == engine::DatabasePhase::FullLoad &&
                s.databases[0].tablesLoading == 2)
                sawFullLoad = true;
        }
        QVERIFY(sawFullLoad);

        QVERIFY(eng->requestCutover(&why));
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished.first().at(0).toBool(), true);
        QCOMPARE(eng->status().state, RunState::Completed);
        QCOMPARE(eng->status().databases[0].phase, engine::DatabasePhase::Done);
        QCOMPARE(m_fake->count("PATCH", migration), 1);
        // No password in anything the engine publishes or logs.
        const QString published = QString::fromUtf8(QJsonDocument(eng->status().toJson()).toJson()) +
                                  m_client->recentLog().join(u'\n');
        QVERIFY(!published.contains(u"Secret-1") && !published.contains(u"Secret-2"));
    }

    void untilReadyFinishesWhenReadyForCutover()
    {
        const QString migration = kServer + QStringLiteral("/migrations/m1");
        QJsonObject resource{
            {QStringLiteral("name"), QStringLiteral("m1")},
            {QStringLiteral("properties"),
             QJsonObject{
                 {QStringLiteral("migrationMode"), QStringLiteral("Online")},
                 {QStringLiteral("currentStatus"),
                  QJsonObject{{QStringLiteral("state"), QStringLiteral("WaitingForUserAction")},
                              {QStringLiteral("currentSubStateDetails"),
                               QJsonObject{{QStringLiteral("currentSubState"),
                                            QStringLiteral("WaitingForCutoverTrigger")},
                                           {QStringLiteral("dbDetails"),
                                            QJsonObject{{QStringLiteral("exampledatabase"),
                                                         dbDetail(QStringLiteral("exampledatabase"),
                                                                  QStringLiteral("WaitingForCutoverTrigger"),
                                                                  0, 0, 4, 0, 0)}}}}}}}}}};
        m_fake->on("GET", migration,
                   [resource](const FakeRequest &) { return FakeResponse::json(200, resource); });
        auto p = makeProject(project::Mode::Online);
        p.azure.migrationName = QStringLiteral("m1");
        auto eng = engineFor(p);
        QSignalSpy finished(eng.get(), &MigrationEngine::finished);
        eng->start(MigrationEngine::Until::Ready);
        QVERIFY(finished.wait(10000));
        QVERIFY(finished.first().at(0).toBool());
        QCOMPARE(eng->status().state, RunState::Streaming);
        QVERIFY(eng->status().readyForCutover());
        QCOMPARE(m_fake->count("PUT", migration), 0); // resumed, not recreated
    }

    void validationFailuresAreReportedWithRemedies()
    {
        const QString migration = kServer + QStringLiteral("/migrations/m2");
        const QJsonObject failed = m_fake->exampleBody(
            kExamples + QStringLiteral("2024-08-01_Migrations_GetMigrationWithValidationFailures.json"),
            QStringLiteral("200"));
        m_fake->on("GET", migration,
                   [failed](const FakeRequest &) { return FakeResponse::json(200, failed); });
        auto p = makeProject(project::Mode::Online);
        p.azure.migrationName = QStringLiteral("m2");
        auto eng = engineFor(p);
        QSignalSpy finished(eng.get(), &MigrationEngine::finished);
        eng->start(MigrationEngine::Until::Done);
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished.first().at(0).toBool(), false);
        QCOMPARE(eng->status().state, RunState::Failed);
        const QString errors = eng->status().errors.join(u'\n');
        QVERIFY2(errors.contains(u"ExtensionsValidation failed for database c.utf-8") &&
                     errors.contains(u"postgres_fdw") && errors.contains(u"azure.extensions") &&
                     errors.contains(u"validation of migration m2 failed"),
                 qPrintable(errors));
    }

    void aMigrationFailureNamesTheDatabaseAndCause()
    {
        const QString migration = kServer + QStringLiteral("/migrations/m3");
        const QJsonObject failed = m_fake->exampleBody(
            kExamples +
                QStringLiteral(
                    "2024-08-01_Migrations_GetMigrationWithSuccessfulValidationButMigrationFailure.json"),
            QStringLiteral("200"));
        m_fake->on("GET", migration,
                   [failed](const FakeRequest &) { return FakeResponse::json(200, failed); });
        auto p = makeProject(project::Mode::Offline);
        p.azure.migrationName = QStringLiteral("m3");
        p.databases = {{QStringLiteral("testdb6"), {}, {}, {}}};
        auto eng = engineFor(p);
        QSignalSpy finished(eng.get(), &MigrationEngine::finished);
        eng->start(MigrationEngine::Until::Done);
        QVERIFY(finished.wait(10000));
        QCOMPARE(eng->status().state, RunState::Failed);
        QCOMPARE(eng->status().databases[0].phase, engine::DatabasePhase::Failed);
        QVERIFY(
            eng->status().errors.join(u'\n').contains(u"database testdb6: Collation/Encoding not Supported"));
    }

    void cancelDeletesTheMigration()
    {
        const QString migration = kServer + QStringLiteral("/migrations/m4");
        const QJsonObject canceled = m_fake->exampleBody(
            kExamples + QStringLiteral("2024-08-01_Migrations_Cancel.json"), QStringLiteral("200"));
        m_fake->on("DELETE", migration,
                   [canceled](const FakeRequest &) { return FakeResponse::json(200, canceled); });
        auto p = makeProject(project::Mode::Online);
        p.azure.migrationName = QStringLiteral("m4");
        auto eng = engineFor(p);
        QSignalSpy finished(eng.get(), &MigrationEngine::finished);
        eng->cancelMigration();
        QVERIFY(finished.wait(10000));
        QCOMPARE(eng->status().state, RunState::Cancelled);
        QCOMPARE(m_fake->count("DELETE", migration), 1);
        QCOMPARE(m_fake->requests().last().apiVersion(), QStringLiteral("2025-08-01"));
    }

    void stopLeavesTheMigrationRunningInAzure()
    {
        const QString migration = kServer + QStringLiteral("/migrations/m5");
        m_fake->on("GET", migration, [](const FakeRequest &) {
            return FakeResponse::json(
                200,
                QJsonObject{{QStringLiteral("properties"),
                             QJsonObject{{QStringLiteral("currentStatus"),
                                          QJsonObject{{QStringLiteral("state"), QStringLiteral("InProgress")},
                                                      {QStringLiteral("currentSubStateDetails"),
                                                       QJsonObject{{QStringLiteral("currentSubState"),
                                                                    QStringLiteral("MigratingData")}}}}}}}});
        });
        auto p = makeProject(project::Mode::Online);
        p.azure.migrationName = QStringLiteral("m5");
        auto eng = engineFor(p);
        QSignalSpy finished(eng.get(), &MigrationEngine::finished);
        eng->start(MigrationEngine::Until::Done);
        QTRY_VERIFY(m_fake->count("GET", migration) >= 2);
        eng->stop();
        QCOMPARE(finished.size(), 1);
        QCOMPARE(eng->status().state, RunState::Stopped);
        QCOMPARE(m_fake->count("DELETE", migration), 0);
        // What the service does not honour is in the run's log, not silently dropped.
        QVERIFY2(eng->status().log.join(u'\n').contains(u"warning: settings.cutover.make_source_read_only"),
                 qPrintable(eng->status().log.join(u'\n')));
    }

    void theSourceTypeComesFromTheSourceHost_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("type");
        QTest::newRow("an address") << QStringLiteral("20.228.214.65") << QStringLiteral("OnPremises");
        QTest::newRow("a local name") << QStringLiteral("db1.contoso.local") << QStringLiteral("OnPremises");
        QTest::newRow("rds") << QStringLiteral("orders.abc123.eu-west-1.rds.amazonaws.com")
                             << QStringLiteral("AWS_RDS");
        QTest::newRow("aurora") << QStringLiteral("orders.cluster-abc123.eu-west-1.rds.amazonaws.com")
                                << QStringLiteral("AWS_AURORA");
        QTest::newRow("ec2") << QStringLiteral("ec2-3-8-1-2.eu-west-2.compute.amazonaws.com")
                             << QStringLiteral("AWS_EC2");
        QTest::newRow("azure vm") << QStringLiteral("pgvm.westeurope.cloudapp.azure.com")
                                  << QStringLiteral("AzureVM");
        QTest::newRow("flexible server") << QStringLiteral("OLD.postgres.database.azure.com")
                                         << QStringLiteral("PostgreSQLFlexibleServer");
        QTest::newRow("digitalocean") << QStringLiteral("db-pg-1-do-user-1.b.db.ondigitalocean.com")
                                      << QStringLiteral("Digital_Ocean_PostgreSQL");
    }
    void theSourceTypeComesFromTheSourceHost()
    {
        QFETCH(QString, host);
        QFETCH(QString, type);
        auto p = makeProject(project::Mode::Online);
        p.source.host = host;
        QCOMPARE(ManagedEngine::sourceTypeFor(p), type);
    }

    void theSettingsAzureDoesNotHonourAreWarnedOneByOne()
    {
        auto keys = [](const project::Project &p) {
            QStringList k;
            for (const QString &w : ManagedEngine::ignoredSettings(p))
                k << w.section(u':', 0, 0);
            return k;
        };
        auto p = makeProject(project::Mode::Online);
        QCOMPARE(keys(p), (QStringList{QStringLiteral("settings.schema.create_roles"),
                                       QStringLiteral("settings.schema.capture_ddl"),
                                       QStringLiteral("settings.cutover.make_source_read_only"),
                                       QStringLiteral("settings.verify (full)")}));
        for (const QString &w : ManagedEngine::ignoredSettings(p))
            QVERIFY2(w.contains(u"Azure's migration service") && w.contains(u';'),
                     qPrintable(w)); // the reason, then what to do
        p.settings.jobs = 16;
        p.settings.cutover.drainTimeoutSeconds = 60;
        QVERIFY(keys(p).contains(QStringLiteral("settings.jobs, index_jobs, split_threshold_bytes")));
        QVERIFY(keys(p).contains(
            QStringLiteral("settings.cutover.max_lag_bytes_for_ready, drain_timeout_seconds")));
        // Offline, there is no stream to carry DDL and no cutover to make read-only; with everything
        // the service does anyway, nothing to warn about.
        p = makeProject(project::Mode::Offline);
        p.settings.schema.createRoles = false;
        p.settings.verify = false;
        QCOMPARE(keys(p), QStringList{});
    }

    void projectsAzureCannotRunAreRefused_data()
    {
        QTest::addColumn<int>("variant");
        QTest::addColumn<QString>("expected");
        QTest::newRow("renamed database") << 0 << QStringLiteral("renamed");
        QTest::newRow("table filter") << 1 << QStringLiteral("table filters");
        QTest::newRow("too many databases") << 2 << QStringLiteral("at most 50");
        QTest::newRow("no target") << 3 << QStringLiteral("which Azure flexible server");
        QTest::newRow("bad migration name") << 4 << QStringLiteral("migration name");
        QTest::newRow("no owners") << 5 << QStringLiteral("settings.schema.no_owner");
        QTest::newRow("no grants") << 6 << QStringLiteral("settings.schema.no_acl");
    }
    void projectsAzureCannotRunAreRefused()
    {
        QFETCH(int, variant);
        QFETCH(QString, expected);
        auto p = makeProject(project::Mode::Online);
        if (variant == 0)
            p.databases[0].targetName = QStringLiteral("other");
        if (variant == 1)
            p.databases[0].includeTables = {QStringLiteral("public.*")};
        if (variant == 2)
            for (int i = 0; i < 50; ++i)
                p.databases.append({QStringLiteral("db%1").arg(i), {}, {}, {}});
        if (variant == 3)
            p.target.azureResourceId.clear();
        if (variant == 4)
            p.azure.migrationName = QStringLiteral("Has-Caps");
        if (variant == 5)
            p.settings.schema.noOwner = true;
        if (variant == 6)
            p.settings.schema.noAcl = true;
        auto eng = engineFor(p);
        QSignalSpy finished(eng.get(), &MigrationEngine::finished);
        eng->start(MigrationEngine::Until::Done);
        QVERIFY(finished.wait(5000));
        QCOMPARE(finished.first().at(0).toBool(), false);
        QVERIFY2(eng->status().errors.join(u'\n').contains(expected),
                 qPrintable(eng->status().errors.join(u'\n')));
        QCOMPARE(m_fake->requests().size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestManagedEngine)
#include "tst_managedengine.moc"
