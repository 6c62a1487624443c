// `pgferry-cli project new|check` end to end, with no keychain reachable: the round trip, usage
// errors (exit 2), bad files (exit 1), an azure engine project without its target server (refused
// by new, reported by check), a password in a URI refused without being printed, the sample
// project of resources/ passes check, and `run` prints progress for people into a pipe when asked.
// The run state folder: many `status` processes creating it at once all get it; one that cannot
// be made stops `status` and `run` with its name and the reason.
#include "project/projectfile.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

using namespace pgferry::project;

namespace {
const QString kServerId =
    QStringLiteral("/subscriptions/ffffffff-ffff-ffff-ffff-ffffffffffff/resourceGroups/rg/providers/"
                   "Microsoft.DBforPostgreSQL/flexibleServers/sales");

struct Run
{
    int code = -1;
    QString out;
    QString err;
};
} // namespace

class TestProjectCli : public QObject
{
    Q_OBJECT
    QTemporaryDir m_tmp;
    QTemporaryDir m_runtime;
    QTemporaryDir m_state;

    QProcessEnvironment env(const QString &stateDir) const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS")); // no keychain for these tests
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), m_runtime.path());
        env.insert(QStringLiteral("PGFERRY_STATE_DIR"), stateDir);
        env.remove(QStringLiteral("PGFERRY_SOURCE_PASSWORD"));
        env.remove(QStringLiteral("PGFERRY_TARGET_PASSWORD"));
        return env;
    }
    Run cli(const QStringList &args, const QString &stateDir = {})
    {
        QProcess p;
        p.setProcessEnvironment(env(stateDir.isEmpty() ? m_state.path() : stateDir));
        p.start(QStringLiteral(PGFERRY_CLI_PATH), args);
        if (!p.waitForFinished(60000))
            return {};
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
    }
    QString file(const QString &name) const { return m_tmp.filePath(name); }
    void write(const QString &name, const QByteArray &content)
    {
        QFile f(file(name));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
    }

private Q_SLOTS:
    void aNewProjectPassesCheckAndLoadsBackEqual()
    {
        const QString path = file(QStringLiteral("round.pgferry"));
        const Run made = cli(
            {QStringLiteral("project"),
             QStringLiteral("new"),
             QStringLiteral("-o"),
             path,
             QStringLiteral("--name"),
             QStringLiteral("Sales → Azure"),
             QStringLiteral("--source"),
             QStringLiteral("postgresql://alice@db1.example.com:5433/postgres?sslmode=require"),
             QStringLiteral(
                 "--target=postgresql://bob@sales.postgres.database.azure.com/postgres?sslmode=verify-full"),
             QStringLiteral("--database"),
             QStringLiteral("sales;2019"),
             QStringLiteral("--database"),
             QStringLiteral("hr:people"),
             QStringLiteral("--database"),
             QStringLiteral("odd\\:name:odd\\\\new"),
             QStringLiteral("--mode"),
             QStringLiteral("offline"),
             QStringLiteral("--jobs"),
             QStringLiteral("8"),
             QStringLiteral("--engine"),
             QStringLiteral("azure"),
             QStringLiteral("--target-resource-id"),
             kServerId,
             QStringLiteral("--verify"),
             QStringLiteral("count")});
        QVERIFY2(made.code == 0, qPrintable(made.err));
        QVERIFY2(made.out.contains(path), qPrintable(made.out));

        const Run checked = cli({QStringLiteral("project"), QStringLiteral("check"), path});
        QVERIFY2(checked.code == 0, qPrintable(checked.err));
        QVERIFY2(checked.out.contains(u"valid pgferry project"), qPrintable(checked.out));
        QVERIFY2(checked.out.contains(u"Sales → Azure"), qPrintable(checked.out));
        QVERIFY2(checked.out.contains(kServerId), qPrintable(checked.out));
        QVERIFY2(checked.out.contains(u"hr -> people"), qPrintable(checked.out));
        QVERIFY2(checked.out.contains(u"verification count"), qPrintable(checked.out));
        // The azure engine says, per setting, what Azure's service will not do (and what it refuses).
        for (const Run *r : {&made, &checked}) {
            QVERIFY2(r->err.contains(u"warning: settings.jobs") &&
                         r->err.contains(u"warning: settings.verify (count)") &&
                         r->err.contains(u"will refuse to run it: database hr is renamed"),
                     qPrintable(r->err));
            QVERIFY2(!r->err.contains(u"capture_ddl"), qPrintable(r->err)); // offline: nothing streams
        }

        const LoadResult loaded = loadProjectFile(path);
        QVERIFY2(loaded.ok(), qPrintable(loaded.errors.join(u'\n')));
        Project expected;
        expected.id = loaded.project->id;
        expected.name = QStringLiteral("Sales → Azure");
        expected.source.host = QStringLiteral("db1.example.com");
        expected.source.port = 5433;
        expected.source.user = QStringLiteral("alice");
        expected.source.sslmode = QStringLiteral("require");
        expected.target.host = QStringLiteral("sales.postgres.database.azure.com");
        expected.target.user = QStringLiteral("bob");
        expected.target.sslmode = QStringLiteral("verify-full");
        expected.mode = Mode::Offline;
        expected.engine = Engine::Azure;
        expected.target.azureResourceId = kServerId;
        expected.settings.jobs = 8;
        expected.settings.verifyLevel = VerifyLevel::Count;
        DatabaseSelection a, b, c;
        a.name = QStringLiteral("sales;2019");
        b.name = QStringLiteral("hr");
        b.targetName = QStringLiteral("people");
        c.name = QStringLiteral("odd:name");
        c.targetName = QStringLiteral("odd\\new");
        expected.databases = {a, b, c};
        QCOMPARE(loaded.project->databases.size(), 3);
        QCOMPARE(loaded.project->databases[2].name, c.name);
        QCOMPARE(loaded.project->databases[2].targetName, c.targetName);
        QVERIFY(*loaded.project == expected);
        // And it survives a save by the library unchanged.
        QVERIFY(parseProject(serializeProject(*loaded.project)).project == loaded.project);
    }

    // --target-auth entra: the file says "entra" and names the principal, holds no password, and
    // needs no keychain (none is asked for).
    void aNewEntraProjectRecordsTheAuthAndNoSecret()
    {
        const QString path = file(QStringLiteral("entra.pgferry"));
        const Run made =
            cli({QStringLiteral("project"), QStringLiteral("new"), QStringLiteral("-o"), path,
                 QStringLiteral("--name"), QStringLiteral("entra"), QStringLiteral("--source"),
                 QStringLiteral("postgresql://alice@db1.example.com/postgres"), QStringLiteral("--target"),
                 QStringLiteral("postgresql://migrator%40contoso.onmicrosoft.com@sales.postgres."
                                "database.azure.com/postgres?sslmode=require"),
                 QStringLiteral("--target-auth"), QStringLiteral("entra")});
        QVERIFY2(made.code == 0, qPrintable(made.err));
        const Run checked = cli({QStringLiteral("project"), QStringLiteral("check"), path});
        QVERIFY2(checked.code == 0, qPrintable(checked.err));
        QVERIFY2(checked.out.contains(u"signs in with a Microsoft Entra ID token"), qPrintable(checked.out));
        const LoadResult loaded = loadProjectFile(path);
        QVERIFY2(loaded.ok(), qPrintable(loaded.errors.join(u'\n')));
        QCOMPARE(loaded.project->target.auth, Auth::Entra);
        QCOMPARE(loaded.project->target.user, QStringLiteral("migrator@contoso.onmicrosoft.com"));
        QCOMPARE(loaded.project->source.auth, Auth::Password);
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray json = f.readAll();
        QVERIFY(json.contains("\"auth\": \"entra\""));
        QVERIFY(!json.contains("password"));
        QVERIFY(!json.contains("token"));
        const Run help = cli({QStringLiteral("project"), QStringLiteral("--help")});
        QVERIFY2(help.out.contains(u"--target-auth password|entra"), qPrintable(help.out));
    }

    void anExistingFileIsKeptUnlessForced()
    {
        const QString path = file(QStringLiteral("exists.pgferry"));
        write(QStringLiteral("exists.pgferry"), "keep me");
        const QStringList args{QStringLiteral("project"),  QStringLiteral("new"),
                               QStringLiteral("-o"),       path,
                               QStringLiteral("--name"),   QStringLiteral("x"),
                               QStringLiteral("--source"), QStringLiteral("host=a"),
                               QStringLiteral("--target"), QStringLiteral("host=b")};
        const Run refused = cli(args);
        QCOMPARE(refused.code, 1);
        QVERIFY2(refused.err.contains(u"--force"), qPrintable(refused.err));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray("keep me"));
        f.close();
        const Run forced = cli(args + QStringList{QStringLiteral("--force")});
        QVERIFY2(forced.code == 0, qPrintable(forced.err));
        QVERIFY(loadProjectFile(path).ok());
    }

    void usageErrorsExitTwoWithAUsageLine_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        const QString out = file(QStringLiteral("usage.pgferry"));
        const QStringList base{QStringLiteral("project"),  QStringLiteral("new"),
                               QStringLiteral("-o"),       out,
                               QStringLiteral("--name"),   QStringLiteral("n"),
                               QStringLiteral("--source"), QStringLiteral("host=a"),
                               QStringLiteral("--target"), QStringLiteral("host=b")};
        auto with = [&](const QStringList &more) { return base + more; };
        QTest::newRow("no action") << QStringList{QStringLiteral("project")} << QString();
        QTest::newRow("unknown action")
            << QStringList{QStringLiteral("project"), QStringLiteral("frobnicate")}
            << QStringLiteral("unknown action");
        QTest::newRow("no output") << QStringList{QStringLiteral("project"),  QStringLiteral("new"),
                                                  QStringLiteral("--name"),   QStringLiteral("n"),
                                                  QStringLiteral("--source"), QStringLiteral("host=a"),
                                                  QStringLiteral("--target"), QStringLiteral("host=b")}
                                   << QStringLiteral("-o FILE is required");
        QTest::newRow("no name") << QStringList{QStringLiteral("project"),  QStringLiteral("new"),
                                                QStringLiteral("-o"),       out,
                                                QStringLiteral("--source"), QStringLiteral("host=a"),
                                                QStringLiteral("--target"), QStringLiteral("host=b")}
                                 << QStringLiteral("--name NAME is required");
        QTest::newRow("no target") << QStringList{QStringLiteral("project"),  QStringLiteral("new"),
                                                  QStringLiteral("-o"),       out,
                                                  QStringLiteral("--name"),   QStringLiteral("n"),
                                                  QStringLiteral("--source"), QStringLiteral("host=a")}
                                   << QStringLiteral("--target URI is required");
        QTest::newRow("option without value")
            << QStringList{QStringLiteral("project"), QStringLiteral("new"), QStringLiteral("-o")}
            << QStringLiteral("-o needs a value");
        QTest::newRow("unknown option") << with({QStringLiteral("--colour"), QStringLiteral("red")})
                                        << QStringLiteral("unknown option \"--colour\"");
        QTest::newRow("bad mode") << with({QStringLiteral("--mode"), QStringLiteral("sideways")})
                                  << QStringLiteral("--mode: expected online or offline");
        QTest::newRow("bad engine") << with({QStringLiteral("--engine=cloud")})
                                    << QStringLiteral("--engine: expected local or azure");
        QTest::newRow("jobs zero") << with({QStringLiteral("--jobs"), QStringLiteral("0")})
                                   << QStringLiteral("--jobs: expected a whole number from 1 to 256");
        QTest::newRow("jobs text") << with({QStringLiteral("--jobs"), QStringLiteral("many")})
                                   << QStringLiteral("--jobs");
        QTest::newRow("unknown verify level") << with({QStringLiteral("--verify"), QStringLiteral("some")})
                                              << QStringLiteral("--verify: expected full, count or none");
        QTest::newRow("bad source URI")
            << QStringList{QStringLiteral("project"),  QStringLiteral("new"),
                           QStringLiteral("-o"),       out,
                           QStringLiteral("--name"),   QStringLiteral("n"),
                           QStringLiteral("--source"), QStringLiteral("postgresql://h:99999/x"),
                           QStringLiteral("--target"), QStringLiteral("host=b")}
            << QStringLiteral("--source: not a valid libpq URI");
        QTest::newRow("unsupported URI parameter")
            << QStringList{QStringLiteral("project"),  QStringLiteral("new"),
                           QStringLiteral("-o"),       out,
                           QStringLiteral("--name"),   QStringLiteral("n"),
                           QStringLiteral("--source"), QStringLiteral("host=a"),
                           QStringLiteral("--target"), QStringLiteral("host=b options=-cjit=off")}
            << QStringLiteral("--target: the parameter \"options\" cannot be kept");
        QTest::newRow("two colons") << with({QStringLiteral("--database"), QStringLiteral("a:b:c")})
                                    << QStringLiteral("more than one ':'");
        QTest::newRow("no source name") << with({QStringLiteral("--database"), QStringLiteral(":b")})
                                        << QStringLiteral("no database name");
        QTest::newRow("no target name") << with({QStringLiteral("--database"), QStringLiteral("a:")})
                                        << QStringLiteral("no target database name");
        QTest::newRow("database twice") << with({QStringLiteral("--database"), QStringLiteral("a"),
                                                 QStringLiteral("--database"), QStringLiteral("a")})
                                        << QStringLiteral("databases[1].name: \"a\" is listed twice");
        QTest::newRow("name too long") << with({QStringLiteral("--database"), QString(70, u'x')})
                                       << QStringLiteral("longer than 63 bytes");
        QTest::newRow("azure engine without the target server")
            << with({QStringLiteral("--engine"), QStringLiteral("azure")})
            << QStringLiteral("target.azure_resource_id: missing");
        QTest::newRow("target resource id of another type")
            << with({QStringLiteral("--engine"), QStringLiteral("azure"),
                     QStringLiteral("--target-resource-id"),
                     QStringLiteral("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Sql/servers/x")})
            << QStringLiteral("not an Azure Database for PostgreSQL flexible server");
        QTest::newRow("target resource id that is no id")
            << with({QStringLiteral("--target-resource-id"), QStringLiteral("sales")})
            << QStringLiteral("--target-resource-id \"sales\"");
        QTest::newRow("unknown target auth")
            << with({QStringLiteral("--target-auth"), QStringLiteral("kerberos")})
            << QStringLiteral("--target-auth: expected password or entra");
        QTest::newRow("entra with the azure engine")
            << with({QStringLiteral("--target-auth"), QStringLiteral("entra"), QStringLiteral("--engine"),
                     QStringLiteral("azure"), QStringLiteral("--target-resource-id"), kServerId})
            << QStringLiteral("--target-auth entra is for --engine local");
        QTest::newRow("entra with a password in the target URI")
            << QStringList{QStringLiteral("project"),
                           QStringLiteral("new"),
                           QStringLiteral("-o"),
                           out,
                           QStringLiteral("--name"),
                           QStringLiteral("n"),
                           QStringLiteral("--source"),
                           QStringLiteral("host=a"),
                           QStringLiteral("--target"),
                           QStringLiteral("host=b user=u password=hunter2"),
                           QStringLiteral("--target-auth=entra")}
            << QStringLiteral("leave it out of the URI");
        QTest::newRow("entra without a user")
            << with({QStringLiteral("--target-auth"), QStringLiteral("entra")})
            << QStringLiteral("needs the Entra principal's name");
        QTest::newRow("check without a file")
            << QStringList{QStringLiteral("project"), QStringLiteral("check")}
            << QStringLiteral("expected exactly one FILE");
        QTest::newRow("check with two files")
            << QStringList{QStringLiteral("project"), QStringLiteral("check"), QStringLiteral("a"),
                           QStringLiteral("b")}
            << QStringLiteral("expected exactly one FILE");
    }
    void usageErrorsExitTwoWithAUsageLine()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        const Run r = cli(args);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(u"usage: pgferry-cli project"), qPrintable(r.err));
        QVERIFY2(r.err.contains(expected), qPrintable(r.err));
        QVERIFY(!QFile::exists(file(QStringLiteral("usage.pgferry"))));
    }

    void helpExitsZero()
    {
        const Run r = cli({QStringLiteral("project"), QStringLiteral("--help")});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains(u"\\:"));
    }

    void badFilesExitOneWithTheProblem_data()
    {
        QTest::addColumn<QByteArray>("content"); // null: the file does not exist
        QTest::addColumn<QString>("expected");
        QTest::newRow("missing") << QByteArray() << QStringLiteral("no such file");
        QTest::newRow("empty") << QByteArray("") << QStringLiteral("the file is empty");
        QTest::newRow("truncated")
            << QByteArray("{\"format\": \"pgferry-project\", \"version\": 1, \"id\": \"x\", \"sou")
            << QStringLiteral("looks truncated");
        QTest::newRow("not JSON") << QByteArray("\x89PNG\r\n\x1a\n binary")
                                  << QStringLiteral("not valid JSON");
        QTest::newRow("newer version")
            << QByteArray("{\"format\": \"pgferry-project\", \"version\": 9}")
            << QStringLiteral("this file is version 9, written by a newer pgferry; this build reads project "
                              "files up to version 1");
        QTest::newRow("wrong type")
            << QByteArray("{\"format\": \"pgferry-project\", \"version\": 1, \"id\": \"x\", \"source\": {}, "
                          "\"target\": {}, "
                          "\"databases\": [{\"name\": \"a\"}, {\"name\": \"b\"}, {\"name\": false}]}")
            << QStringLiteral("databases[2].name: expected a string, found false");
        QTest::newRow("a password") << QByteArray(
                                           "{\"format\": \"pgferry-project\", \"version\": 1, \"id\": \"x\", "
                                           "\"source\": {\"password\": \"pw-in-file\"}, \"target\": {}}")
                                    << QStringLiteral("source.password: project files never hold passwords");
    }
    void badFilesExitOneWithTheProblem()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        const QString path = file(QStringLiteral("bad-%1.pgferry")
                                      .arg(QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'-')));
        if (!content.isNull())
            write(QFileInfo(path).fileName(), content);
        const Run r = cli({QStringLiteral("project"), QStringLiteral("check"), path});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.startsWith(path + QStringLiteral(": ")), qPrintable(r.err));
        QVERIFY2(r.err.contains(expected), qPrintable(r.err));
        QVERIFY2(r.err.contains(u"is not a valid project file"), qPrintable(r.err));
        QVERIFY(!r.err.contains(u"pw-in-file"));
        QVERIFY(r.out.isEmpty());
    }

    void checkReportsAnAzureProjectWithoutItsTargetServer()
    {
        Project p;
        p.name = QStringLiteral("draft");
        p.engine = Engine::Azure;
        p.source.host = QStringLiteral("db1");
        p.target.host = QStringLiteral("sales.postgres.database.azure.com");
        p.databases = {{QStringLiteral("sales"), {}, {}, {}, {}}};
        const QString path = file(QStringLiteral("azure-draft.pgferry"));
        QString why;
        QVERIFY2(saveProjectFile(p, path, &why), qPrintable(why)); // a draft loads and saves
        QVERIFY(loadProjectFile(path).ok());
        Run r = cli({QStringLiteral("project"), QStringLiteral("check"), path});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(path + QStringLiteral(": target.azure_resource_id: missing")),
                 qPrintable(r.err));
        QVERIFY2(r.err.contains(u"pgferry-cli azure servers") && r.err.contains(u"--target-resource-id"),
                 qPrintable(r.err));
        QVERIFY2(r.err.contains(u"cannot run"), qPrintable(r.err));

        // So does `run`, before it looks for any credential.
        r = cli({QStringLiteral("run"), path, QStringLiteral("--json")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(u"target.azure_resource_id: missing"), qPrintable(r.err));
        QVERIFY2(!r.err.contains(u"AZURE_"), qPrintable(r.err));

        // The server given by its parts is enough.
        p.azure.subscriptionId = QStringLiteral("ffffffff-ffff-ffff-ffff-ffffffffffff");
        p.azure.resourceGroup = QStringLiteral("rg");
        p.azure.serverName = QStringLiteral("sales");
        QVERIFY2(saveProjectFile(p, path, &why), qPrintable(why));
        r = cli({QStringLiteral("project"), QStringLiteral("check"), path});
        QVERIFY2(r.code == 0, qPrintable(r.err));
    }

    void aPasswordInAUriIsRefusedWithoutAKeychain()
    {
        const QString path = file(QStringLiteral("password.pgferry"));
        const QString secret = QStringLiteral("Refused-Pa55-%1").arg(QCoreApplication::applicationPid());
        const Run r = cli({QStringLiteral("project"), QStringLiteral("new"), QStringLiteral("-o"), path,
                           QStringLiteral("--name"), QStringLiteral("n"), QStringLiteral("--source"),
                           QStringLiteral("postgresql://alice:%1@db/postgres").arg(secret),
                           QStringLiteral("--target"), QStringLiteral("host=b")});
        QCOMPARE(r.code, 1);
        QVERIFY(!QFile::exists(path));
        QVERIFY2(!r.out.contains(secret) && !r.err.contains(secret), "the CLI printed the password");
        QVERIFY2(r.err.contains(u"--source holds a password"), qPrintable(r.err));
        QVERIFY2(r.err.contains(u"PGFERRY_SOURCE_PASSWORD"), qPrintable(r.err));
        QVERIFY2(r.err.contains(u"no keychain is available"), qPrintable(r.err));
    }

    // `run` and `status` started together on a fresh project both create the state folder; the
    // one that came second used to get an empty path (and a run wrote its pid file to /run.pid).
    void manyStatusProcessesStartedTogetherAllGetTheSameStateFolder()
    {
        const QString path = file(QStringLiteral("race.pgferry"));
        const Run made = cli({QStringLiteral("project"), QStringLiteral("new"), QStringLiteral("-o"), path,
                              QStringLiteral("--name"), QStringLiteral("race"), QStringLiteral("--source"),
                              QStringLiteral("host=a"), QStringLiteral("--target"), QStringLiteral("host=b"),
                              QStringLiteral("--database"), QStringLiteral("d")});
        QVERIFY2(made.code == 0, qPrintable(made.err));
        const auto loaded = loadProjectFile(path);
        QVERIFY(loaded.ok());
        QFile projectFile(path);
        QVERIFY(projectFile.open(QIODevice::ReadOnly));
        const QByteArray content = projectFile.readAll();
        const int processes = 8;
        const int rounds = 12;
        for (int round = 0; round < rounds; ++round) {
            const QString base = m_tmp.filePath(QStringLiteral("race-state/%1").arg(round));
            const QString expected =
                QDir(base).absolutePath() + QStringLiteral("/runs/") + loaded.project->id;
            // The starting gate: each process reads the project from its own FIFO, so all of them
            // wait, fully started, until the project is written to every FIFO at once; then they
            // create the folder within microseconds of each other.
            std::vector<std::unique_ptr<QProcess>> started;
            std::vector<QByteArray> fifos;
            for (int i = 0; i < processes; ++i) {
                fifos.push_back(QFile::encodeName(
                    m_tmp.filePath(QStringLiteral("gate-%1-%2.pgferry").arg(round).arg(i))));
                QVERIFY(::mkfifo(fifos.back().constData(), 0600) == 0);
                auto p = std::make_unique<QProcess>();
                p->setProcessEnvironment(env(base));
                p->start(
                    QStringLiteral(PGFERRY_CLI_PATH),
                    {QStringLiteral("status"), QFile::decodeName(fifos.back()), QStringLiteral("--json")});
                started.push_back(std::move(p));
            }
            std::vector<int> writers;
            for (const QByteArray &fifo : fifos) {
                // Opening the write end without blocking fails (ENXIO) until the reader is there.
                QElapsedTimer waited;
                waited.start();
                int fd = -1;
                while ((fd = ::open(fifo.constData(), O_WRONLY | O_NONBLOCK)) < 0 && waited.elapsed() < 60000)
                    QTest::qWait(5);
                QVERIFY2(fd >= 0, "a status process never opened its project file");
                writers.push_back(fd);
            }
            for (int fd : writers) {
                QCOMPARE(::write(fd, content.constData(), size_t(content.size())), ssize_t(content.size()));
                ::close(fd);
            }
            for (int i = 0; i < processes; ++i) {
                QProcess &p = *started[std::size_t(i)];
                QVERIFY(p.waitForFinished(60000));
                const QString err = QString::fromUtf8(p.readAllStandardError());
                const QByteArray out = p.readAllStandardOutput();
                QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0,
                         qPrintable(QStringLiteral("round %1, process %2: %3").arg(round).arg(i).arg(err)));
                QVERIFY2(err.isEmpty(), qPrintable(err));
                const QJsonObject st = QJsonDocument::fromJson(out).object();
                QCOMPARE(st.value(u"state_dir").toString(), expected);
                QCOMPARE(st.value(u"running").toBool(), false);
            }
            QVERIFY(QFileInfo(expected).isDir());
        }
    }

    void aStateFolderThatCannotBeMadeStopsStatusAndRunByName()
    {
        const QString path = file(QStringLiteral("nostate.pgferry"));
        const Run made = cli({QStringLiteral("project"), QStringLiteral("new"), QStringLiteral("-o"), path,
                              QStringLiteral("--name"), QStringLiteral("nostate"), QStringLiteral("--source"),
                              QStringLiteral("host=a"), QStringLiteral("--target"), QStringLiteral("host=b"),
                              QStringLiteral("--database"), QStringLiteral("d")});
        QVERIFY2(made.code == 0, qPrintable(made.err));
        // The base is a file: no folder can be made under it.
        write(QStringLiteral("not-a-folder"), "x");
        const QString base = file(QStringLiteral("not-a-folder"));
        const bool hadRootPid = QFile::exists(QStringLiteral("/run.pid"));
        for (const QString &verb :
             {QStringLiteral("status"), QStringLiteral("run"), QStringLiteral("cutover")}) {
            QStringList args{verb, path};
            if (verb == u"cutover")
                args << QStringLiteral("--yes");
            const Run r = cli(args, base + QStringLiteral("/state"));
            QVERIFY2(r.code == 1, qPrintable(verb + u' ' + r.err));
            QVERIFY2(
                r.err.contains(QStringLiteral("pgferry-cli %1: cannot use the run state folder").arg(verb)) &&
                    r.err.contains(base),
                qPrintable(r.err));
            QVERIFY2(!r.err.contains(u"QDir::mkpath"), qPrintable(r.err));
        }
        QCOMPARE(QFile::exists(QStringLiteral("/run.pid")), hadRootPid);
    }

    // resources/sample.pgferry, installed with the application, is a valid project without secrets.
    void theSampleProjectPassesCheck()
    {
        const QString sample = QStringLiteral(PGFERRY_SOURCE_DIR "/resources/sample.pgferry");
        const Run r = cli({QStringLiteral("project"), QStringLiteral("check"), sample});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const LoadResult loaded = loadProjectFile(sample);
        QVERIFY(loaded.ok());
        QVERIFY(!loaded.project->name.isEmpty());
        QCOMPARE(loaded.project->databases.size(), 2);
        QFile f(sample);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(!f.readAll().toLower().contains("password"));
    }

    // scripts/demo runs `run --progress` with stdout into a pipe or a log: lines for people, no JSON
    // and no terminal control sequences. --json and --progress together are a usage error.
    void runWithProgressPrintsLinesForPeopleIntoAPipe()
    {
        const QString path = file(QStringLiteral("unreachable.pgferry"));
        Project p;
        p.name = QStringLiteral("unreachable");
        p.mode = Mode::Offline;
        p.source.host = QStringLiteral("127.0.0.1");
        p.source.port = 1; // nothing listens: the run fails at once
        p.source.user = QStringLiteral("nobody");
        p.target = p.source;
        p.databases = {{QStringLiteral("shop"), {}, {}, {}, {}}};
        QString why;
        QVERIFY2(saveProjectFile(p, path, &why), qPrintable(why));

        Run r = cli({QStringLiteral("run"), path, QStringLiteral("--json"), QStringLiteral("--progress")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(u"--json and --progress exclude each other"), qPrintable(r.err));

        // Connections refused: the run resumes a few times (some 20 s of backoff), then fails.
        r = cli({QStringLiteral("run"), path, QStringLiteral("--progress")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(u"the migration failed"), qPrintable(r.err));
        QVERIFY2(!r.out.contains(u'{') && !r.out.contains(u'\x1b') && !r.out.contains(u'\r'),
                 qPrintable(r.out));
        QVERIFY2(r.out.contains(u"shop: connecting to"), qPrintable(r.out));            // the log
        QVERIFY2(r.out.contains(u"shop [....................] 0%"), qPrintable(r.out)); // the progress
        QVERIFY2(r.out.endsWith(u'\n'), qPrintable(r.out));
    }
};

QTEST_GUILESS_MAIN(TestProjectCli)
#include "tst_projectcli.moc"
