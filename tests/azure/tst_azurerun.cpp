// `pgferry-cli run/status/cutover` unchanged for an "azure" engine project, against the fake ARM:
// the real `project new --engine azure --target-resource-id`, then `run --json` in the background,
// `status` while it runs, `cutover --yes` (the PATCH goes through the running `run`), and `run`
// exiting 0 once the fake migration reaches Succeeded. Also `azure cancel-migration` (DELETE) while
// a run watches, and SIGINT, which stops only the watching. A target without public access (the
// example server sits in a delegated subnet): `assess` says where pgferry must run, and the run passes
// the project's runtime server to Azure. No secret reaches any output or file.
#include "fakeazure.h"
#include "project/projectfile.h"

#include <QDirIterator>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace pgferry;
using test::FakeAzure;
using test::FakeRequest;
using test::FakeResponse;

namespace {
const QString kServer =
    QStringLiteral("/subscriptions/ffffffff-ffff-ffff-ffff-ffffffffffff/resourceGroups/exampleresourcegroup/"
                   "providers/Microsoft.DBforPostgreSQL/flexibleServers/exampletarget");
const QString kMigration = kServer + QStringLiteral("/migrations/pgferry[a-z0-9]+");
const QString kExamples = QStringLiteral("postgresql-flexible/examples/");
const QString kDb = QStringLiteral("exampledatabase");
const QString kSourcePassword = QStringLiteral("src-Pa55-Only-In-Body");
const QString kTargetPassword = QStringLiteral("tgt-Pa55-Only-In-Body");

struct Run
{
    int code = -1;
    QString out;
    QString err;
};

QJsonObject dbDetail(const QString &state, int queued, int loading, int done, qint64 incoming, qint64 applied)
{
    return {{QStringLiteral("databaseName"), kDb},
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

class TestAzureRun : public QObject
{
    Q_OBJECT
    std::unique_ptr<FakeAzure> m_fake;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_project;
    QString m_stateDir;
    QStringList m_outputs; // everything the CLI printed, checked for secrets in cleanup()

    // The migration's life in the fake: each GET advances it until it waits for the cutover
    // trigger; the PATCH moves it on to CompletingMigration, then Succeeded; DELETE cancels it.
    QJsonObject m_resource;
    bool m_exists = false;
    bool m_triggered = false;
    bool m_cancelled = false;
    int m_step = 0;
    QJsonObject m_created;

    QProcessEnvironment env() const
    {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert(QStringLiteral("AZURE_TENANT_ID"), m_fake->tenant);
        e.insert(QStringLiteral("AZURE_CLIENT_ID"), m_fake->clientId);
        e.insert(QStringLiteral("AZURE_CLIENT_SECRET"), m_fake->clientSecret);
        e.insert(QStringLiteral("PGFERRY_SOURCE_PASSWORD"), kSourcePassword);
        e.insert(QStringLiteral("PGFERRY_TARGET_PASSWORD"), kTargetPassword);
        e.insert(QStringLiteral("PGFERRY_STATE_DIR"), m_dir->filePath(QStringLiteral("state")));
        e.insert(QStringLiteral("PGFERRY_AZURE_POLL_SECONDS"), QStringLiteral("0.1"));
        e.insert(QStringLiteral("XDG_RUNTIME_DIR"), m_dir->path());
        e.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS")); // no keychain: everything from the environment
        return e;
    }

    // Runs the CLI while this event loop keeps the fake answering.
    Run cli(const QStringList &args)
    {
        QProcess p;
        p.setProcessEnvironment(env());
        QSignalSpy done(&p, &QProcess::finished);
        p.start(QStringLiteral(PGFERRY_CLI_PATH), args);
        if (!done.wait(60000))
            p.kill();
        Run r{p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
              QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
        m_outputs << r.out << r.err;
        return r;
    }

    std::unique_ptr<QProcess> startRun()
    {
        auto p = std::make_unique<QProcess>();
        p->setProcessEnvironment(env());
        p->start(QStringLiteral(PGFERRY_CLI_PATH),
                 {QStringLiteral("run"), m_project, QStringLiteral("--json")});
        return p;
    }

    Run finish(QProcess &p)
    {
        if (p.state() != QProcess::NotRunning) {
            QSignalSpy done(&p, &QProcess::finished);
            if (!done.wait(60000))
                p.kill();
        }
        Run r{p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
              QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
        m_outputs << r.out << r.err;
        return r;
    }

    QJsonObject status()
    {
        const Run r = cli({QStringLiteral("status"), m_project, QStringLiteral("--json")});
        return r.code == 0 ? QJsonDocument::fromJson(r.out.toUtf8()).object() : QJsonObject();
    }

    void setStatus(const QString &state, const QString &sub, const QJsonObject &db)
    {
        QJsonObject props = m_resource.value(u"properties").toObject();
        QJsonObject details{{QStringLiteral("currentSubState"), sub}};
        if (!db.isEmpty())
            details.insert(QStringLiteral("dbDetails"), QJsonObject{{kDb, db}});
        props.insert(QStringLiteral("currentStatus"),
                     QJsonObject{{QStringLiteral("state"), state},
                                 {QStringLiteral("currentSubStateDetails"), details}});
        props.insert(QStringLiteral("migrationMode"), QStringLiteral("Online"));
        m_resource.insert(QStringLiteral("properties"), props);
    }

    void serveMigration()
    {
        QJsonObject server = m_fake->exampleBody(kExamples + QStringLiteral("2024-08-01_ServerCreate.json"),
                                                 QStringLiteral("200"));
        server.insert(QStringLiteral("location"), QStringLiteral("westus"));
        m_fake->on("GET", kServer, [server](const FakeRequest &) { return FakeResponse::json(200, server); });
        m_resource = m_fake->exampleBody(
            kExamples + QStringLiteral("2026-01-01-preview_MigrationsCreate.json"), QStringLiteral("201"));
        m_fake->on("GET", kMigration, [this](const FakeRequest &) {
            if (!m_exists)
                return FakeResponse::armError(404, QStringLiteral("ResourceNotFound"),
                                              QStringLiteral("The migration was not found."));
            if (m_cancelled)
                return FakeResponse::json(
                    200, m_fake->exampleBody(kExamples + QStringLiteral("2024-08-01_Migrations_Cancel.json"),
                                             QStringLiteral("200")));
            ++m_step;
            if (m_step == 1)
                setStatus(QStringLiteral("InProgress"), QStringLiteral("ValidationInProgress"), {});
            else if (m_step == 2)
                setStatus(QStringLiteral("InProgress"), QStringLiteral("MigratingData"),
                          dbDetail(QStringLiteral("InProgress"), 3, 2, 5, 0, 0));
            else if (!m_triggered)
                setStatus(QStringLiteral("WaitingForUserAction"), QStringLiteral("WaitingForCutoverTrigger"),
                          dbDetail(QStringLiteral("WaitingForCutoverTrigger"), 0, 0, 10, 40, 38));
            else if (m_step < 1000)
                setStatus(QStringLiteral("InProgress"), QStringLiteral("CompletingMigration"),
                          dbDetail(QStringLiteral("InProgress"), 0, 0, 10, 40, 40)),
                    m_step = 1000;
            else
                m_resource = m_fake->exampleBody(
                    kExamples +
                        QStringLiteral(
                            "2024-08-01_Migrations_GetMigrationWithSuccessfulValidationAndMigration.json"),
                    QStringLiteral("200"));
            return FakeResponse::json(200, m_resource);
        });
        m_fake->on("PUT", kMigration, [this](const FakeRequest &req) {
            m_created = req.json();
            m_exists = true;
            return FakeResponse::json(201, m_resource);
        });
        m_fake->on("PATCH", kMigration, [this](const FakeRequest &req) {
            if (req.json().value(u"properties").toObject().value(u"triggerCutover").toString() != u"True")
                return FakeResponse::armError(400, QStringLiteral("InvalidParameter"),
                                              QStringLiteral("triggerCutover expected"));
            m_triggered = true;
            setStatus(QStringLiteral("InProgress"), QStringLiteral("CompletingMigration"), {});
            return FakeResponse::json(200, m_resource);
        });
        m_fake->on("DELETE", kMigration, [this](const FakeRequest &) {
            m_cancelled = true;
            return FakeResponse::json(
                200, m_fake->exampleBody(kExamples + QStringLiteral("2024-08-01_Migrations_Cancel.json"),
                                         QStringLiteral("200")));
        });
    }

    // A project written by the real `project new`, pointed at the fake cloud.
    void makeProject()
    {
        const Run made =
            cli({QStringLiteral("project"), QStringLiteral("new"), QStringLiteral("-o"), m_project,
                 QStringLiteral("--name"), QStringLiteral("orders"), QStringLiteral("--source"),
                 QStringLiteral("postgresql://postgres@20.228.214.65:5432/postgres?sslmode=require"),
                 QStringLiteral("--target"),
                 QStringLiteral("postgresql://azureadmin@exampletarget.postgres.database.azure.com/"
                                "postgres?sslmode=require"),
                 QStringLiteral("--database"), kDb, QStringLiteral("--engine"), QStringLiteral("azure"),
                 QStringLiteral("--target-resource-id"), kServer});
        QVERIFY2(made.code == 0, qPrintable(made.err));
        // The cloud comes from the project (the wizard's choice); here the fake's cloud configuration file.
        project::LoadResult loaded = project::loadProjectFile(m_project);
        QVERIFY2(loaded.ok(), qPrintable(loaded.errors.join(u'\n')));
        QCOMPARE(loaded.project->target.azureResourceId, kServer);
        loaded.project->azure.cloudConfigFile = m_fake->writeCloudConfig(m_dir->path());
        QString why;
        QVERIFY2(project::saveProjectFile(*loaded.project, m_project, &why), qPrintable(why));
        m_stateDir = m_dir->filePath(QStringLiteral("state/runs/")) + loaded.project->id;
    }

    // Waits until the watching run says it is ready for the cutover. When it does not, says why:
    // what the run printed, the last status, and the requests the fake cloud saw (the test machine
    // may be busy; the limit is generous, and a failure must be diagnosable from the log alone).
    bool waitReady(QProcess &run, int timeoutMs = 90000)
    {
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < timeoutMs) {
            if (readyForCutover())
                return true;
            if (run.state() == QProcess::NotRunning)
                break;
            QTest::qWait(100);
        }
        QStringList seen;
        for (const FakeRequest &r : m_fake->requests())
            seen << QString::fromLatin1(r.method) + u' ' + r.path;
        qWarning().noquote() << "not ready after" << t.elapsed() << "ms; run state" << run.state() << "exit"
                             << run.exitCode()
                             << "\nrun stderr:" << QString::fromUtf8(run.readAllStandardError()).right(3000)
                             << "\nstatus:"
                             << QJsonDocument(status()).toJson(QJsonDocument::Compact).left(3000)
                             << "\nrequests (last 30):"
                             << seen.mid(std::max<qsizetype>(0, seen.size() - 30)).join(u'\n')
                             << "\nunhandled:" << m_fake->unhandled().join(u'\n');
        return false;
    }

    bool readyForCutover()
    {
        const QJsonObject st = status();
        return st.value(u"running").toBool() && st.value(u"ready_for_cutover").toBool();
    }

private Q_SLOTS:
    void init()
    {
        m_fake = std::make_unique<FakeAzure>();
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_project = m_dir->filePath(QStringLiteral("orders.pgferry"));
        m_outputs.clear();
        m_exists = m_triggered = m_cancelled = false;
        m_step = 0;
        m_created = {};
        serveMigration();
        makeProject();
    }

    void cleanup()
    {
        QVERIFY2(m_fake->violations().isEmpty(), qPrintable(m_fake->violations().join(u'\n')));
        // No secret in anything printed, nor in any file pgferry wrote (project, run state).
        QStringList secrets{m_fake->clientSecret, kSourcePassword, kTargetPassword, QStringLiteral("eyJfake"),
                            QStringLiteral("fake-refresh-token")};
        for (const QString &out : std::as_const(m_outputs))
            for (const QString &s : std::as_const(secrets))
                QVERIFY2(!out.contains(s),
                         qPrintable(QStringLiteral("a secret (%1…) was printed").arg(s.left(4))));
        int files = 0;
        QDirIterator it(m_dir->path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile f(it.next());
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray content = f.readAll();
            for (const QString &s : std::as_const(secrets))
                QVERIFY2(!content.contains(s.toUtf8()),
                         qPrintable(QStringLiteral("a secret (%1…) is in %2").arg(s.left(4), f.fileName())));
            ++files;
        }
        QVERIFY(files >= 3); // project, cloud configuration, status.json at least
        m_fake.reset();
        m_dir.reset();
    }

    void anOnlineAzureMigrationRunsWatchedAndCutsOverFromTheCli()
    {
        auto run = startRun();
        QVERIFY(waitReady(*run));

        // The create request: the passwords travel in its body, and only there.
        QCOMPARE(m_fake->count("PUT", kMigration), 1);
        const QJsonObject admin = m_created.value(u"properties")
                                      .toObject()
                                      .value(u"secretParameters")
                                      .toObject()
                                      .value(u"adminCredentials")
                                      .toObject();
        QCOMPARE(admin.value(u"sourceServerPassword").toString(), kSourcePassword);
        QCOMPARE(m_created.value(u"properties").toObject().value(u"sourceDbServerResourceId").toString(),
                 QStringLiteral("20.228.214.65:5432@postgres"));
        QVERIFY(m_fake->count("GET", kMigration) >= 3);

        // `status` shows Azure's state, from the running run.
        const QJsonObject st = status();
        QCOMPARE(st.value(u"engine").toString(), QStringLiteral("azure"));
        QCOMPARE(st.value(u"state").toString(), QStringLiteral("streaming"));
        QCOMPARE(st.value(u"engine_state").toString(),
                 QStringLiteral("WaitingForUserAction / WaitingForCutoverTrigger"));
        QCOMPARE(st.value(u"pid").toInteger(), run->processId());
        const QJsonObject db = st.value(u"databases").toArray().at(0).toObject();
        QCOMPARE(db.value(u"name").toString(), kDb);
        QCOMPARE(db.value(u"tables_done").toInt(), 10);
        QCOMPARE(db.value(u"pending_changes").toInteger(), 2);
        const Run human = cli({QStringLiteral("status"), m_project});
        QCOMPARE(human.code, 0);
        QVERIFY2(human.out.contains(u"Azure migration pgferry") &&
                     human.out.contains(u"WaitingForCutoverTrigger"),
                 qPrintable(human.out));
        QVERIFY2(human.out.contains(u"ready for cutover: yes"), qPrintable(human.out));
        QCOMPARE(m_fake->count("PATCH", kMigration), 0); // nothing cuts over by itself

        // `cutover` asks the running run, which sends the PATCH, then follows it to the end.
        const Run cut = cli({QStringLiteral("cutover"), m_project, QStringLiteral("--yes")});
        QVERIFY2(cut.code == 0, qPrintable(cut.out + cut.err));
        QVERIFY2(cut.out.contains(u"cutover started") && cut.out.contains(u"cutover complete"),
                 qPrintable(cut.out));
        QCOMPARE(m_fake->count("PATCH", kMigration), 1);

        const Run r = finish(*run);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(m_fake->count("DELETE", kMigration), 0);
        const QStringList lines = r.out.trimmed().split(u'\n');
        QVERIFY(lines.size() >= 2);
        for (const QString &l : lines)
            QVERIFY2(QJsonDocument::fromJson(l.toUtf8()).isObject(),
                     qPrintable(l)); // one JSON object per line
        QCOMPARE(QJsonDocument::fromJson(lines.last().toUtf8()).object().value(u"state").toString(),
                 QStringLiteral("completed"));

        const QJsonObject after = status();
        QCOMPARE(after.value(u"state").toString(), QStringLiteral("completed"));
        QCOMPARE(after.value(u"running").toBool(), false);
        QVERIFY(!QFile::exists(m_stateDir + QStringLiteral("/run.pid")));
    }

    void cancelMigrationDeletesItAndTheWatchingRunStops()
    {
        auto run = startRun();
        QVERIFY(waitReady(*run));

        // Without a terminal to ask on, nothing happens without --yes.
        Run c = cli({QStringLiteral("azure"), QStringLiteral("cancel-migration"), m_project});
        QCOMPARE(c.code, 2);
        QVERIFY2(c.err.contains(u"--yes"), qPrintable(c.err));
        QCOMPARE(m_fake->count("DELETE", kMigration), 0);

        c = cli({QStringLiteral("azure"), QStringLiteral("cancel-migration"), m_project,
                 QStringLiteral("--yes")});
        QVERIFY2(c.code == 0, qPrintable(c.err));
        QVERIFY2(c.out.contains(u"cancelled Azure migration pgferry") && c.out.contains(u"exampletarget"),
                 qPrintable(c.out));
        QCOMPARE(m_fake->count("DELETE", kMigration), 1);

        const Run r = finish(*run);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(u"cancelled in Azure"), qPrintable(r.err));
        QCOMPARE(status().value(u"state").toString(), QStringLiteral("cancelled"));
        QCOMPARE(m_fake->count("PATCH", kMigration), 0);
    }

    void sigintStopsWatchingAndTheMigrationKeepsRunningInAzure()
    {
        auto run = startRun();
        QVERIFY(waitReady(*run));
        QVERIFY(::kill(pid_t(run->processId()), SIGINT) == 0);
        const Run r = finish(*run);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(u"keeps running in Azure"), qPrintable(r.err));
        QVERIFY2(r.err.contains(u"pgferry-cli azure cancel-migration " + m_project), qPrintable(r.err));
        QCOMPARE(m_fake->count("DELETE", kMigration), 0);
        QCOMPARE(m_fake->count("PATCH", kMigration), 0);

        const QJsonObject st = status();
        QCOMPARE(st.value(u"running").toBool(), false);
        QCOMPARE(st.value(u"state").toString(), QStringLiteral("stopped"));
        const Run human = cli({QStringLiteral("status"), m_project});
        QVERIFY2(human.out.contains(u"may still be running in Azure"), qPrintable(human.out));

        // The next run resumes watching the same migration instead of creating another.
        const int puts = m_fake->count("PUT", kMigration);
        auto again = startRun();
        QVERIFY(waitReady(*again));
        QCOMPARE(m_fake->count("PUT", kMigration), puts);
        QVERIFY(::kill(pid_t(again->processId()), SIGTERM) == 0);
        QCOMPARE(finish(*again).code, 1);
    }
    void aPrivateTargetIsExplainedByAssessAndTheRunPassesTheRuntimeServer()
    {
        const QString runtime = QStringLiteral(
            "/subscriptions/ffffffff-ffff-ffff-ffff-ffffffffffff/resourceGroups/exampleresourcegroup/"
            "providers/Microsoft.DBforPostgreSQL/flexibleServers/examplesourcemigration");
        project::LoadResult loaded = project::loadProjectFile(m_project);
        QVERIFY(loaded.ok());
        loaded.project->azure.runtimeServer = runtime;
        QString why;
        QVERIFY2(project::saveProjectFile(*loaded.project, m_project, &why), qPrintable(why));

        // The server's network comes from ARM: no public access, the subnet named, where to run.
        const Run a = cli({QStringLiteral("assess"), m_project, QStringLiteral("--json")});
        QVERIFY2(a.code == 3 || a.code == 0, qPrintable(a.err));
        QJsonObject network;
        for (const QJsonValue &c :
             QJsonDocument::fromJson(a.out.toUtf8()).object().value(u"checks").toArray())
            if (c.toObject().value(u"id").toString() == u"target.azure_network")
                network = c.toObject();
        QVERIFY2(!network.isEmpty(), qPrintable(a.out.left(2000)));
        QCOMPARE(network.value(u"severity").toString(), QStringLiteral("warning"));
        const QString message = network.value(u"message").toString();
        QVERIFY2(message.contains(u"examplesubnet") && message.contains(u"examplevirtualnetwork") &&
                     message.contains(u"ExpressRoute"),
                 qPrintable(message));
        QVERIFY(network.value(u"remediation").toString().contains(u"runtime_server"));

        auto run = startRun();
        QVERIFY(waitReady(*run));
        QCOMPARE(m_created.value(u"properties").toObject().value(u"migrationInstanceResourceId").toString(),
                 runtime);
        QVERIFY(::kill(pid_t(run->processId()), SIGTERM) == 0);
        QCOMPARE(finish(*run).code, 1);
    }
};

QTEST_GUILESS_MAIN(TestAzureRun)
#include "tst_azurerun.moc"
