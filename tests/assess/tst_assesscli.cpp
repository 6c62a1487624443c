// `pgferry-cli assess` end to end: exit codes 0 / 3 / 1 / 2, the JSON contract, the HTML report and
// the fix script, against a real source and target. A target URI that names the database being
// created works for `assess` and for an offline `run` (the maintenance connection falls back to
// postgres, as createdb does).
#include "pg/connection.h"
#include "project/projectfile.h"
#include "testclusters.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace pgferry;

class TestAssessCli : public QObject
{
    Q_OBJECT
    std::unique_ptr<test::TwoClusters> m_servers;
    QTemporaryDir m_dir;

    QString writeProject(const QString &name, const QString &database) const
    {
        project::Project p;
        p.name = name;
        p.source = project::ConnectionProfile::fromConnInfo(m_servers->source.connInfo());
        p.target = project::ConnectionProfile::fromConnInfo(m_servers->target.connInfo());
        p.databases << project::DatabaseSelection{database, {}, {}, {}};
        const QString path = m_dir.filePath(name + QStringLiteral(".pgferry"));
        QString error;
        if (!project::saveProjectFile(p, path, &error))
            qFatal("cannot save the project: %s", qPrintable(error));
        return path;
    }

    int runCli(const QStringList &args, QByteArray *out = nullptr, QByteArray *err = nullptr) const
    {
        return cli(QStringList{QStringLiteral("assess")} + args, out, err);
    }

    int cli(const QStringList &args, QByteArray *out = nullptr, QByteArray *err = nullptr,
            int timeoutMs = 120000) const
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("PGFERRY_SOURCE_PASSWORD"), m_servers->source->password());
        env.insert(QStringLiteral("PGFERRY_TARGET_PASSWORD"), m_servers->target->password());
        env.insert(QStringLiteral("PGFERRY_STATE_DIR"), m_dir.filePath(QStringLiteral("state")));
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(PGFERRY_CLI_PATH), args);
        if (!p.waitForFinished(timeoutMs))
            return -1;
        if (out)
            *out = p.readAllStandardOutput();
        if (err)
            *err = p.readAllStandardError();
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_servers = std::make_unique<test::TwoClusters>();
        m_servers->source.sql(QStringLiteral("postgres"),
                              QStringLiteral("CREATE DATABASE good; CREATE DATABASE keyless;"));
        m_servers->source.sql(QStringLiteral("good"), QStringLiteral("CREATE TABLE t (id int PRIMARY KEY);"));
        m_servers->source.sql(QStringLiteral("keyless"), QStringLiteral("CREATE TABLE t (id int);"));
        m_servers->source.sql(QStringLiteral("postgres"), QStringLiteral("CREATE DATABASE shop;"));
        m_servers->source.sql(
            QStringLiteral("shop"),
            QStringLiteral("CREATE TABLE items (id int PRIMARY KEY, name text);"
                           "INSERT INTO items SELECT i, 'item ' || i FROM generate_series(1, 250) i;"));
    }
    void cleanupTestCase() { m_servers.reset(); }

    void cleanProjectExitsZeroWithJsonChecks()
    {
        QByteArray out, err;
        QCOMPARE(
            runCli({writeProject(QStringLiteral("good"), QStringLiteral("good")), QStringLiteral("--json")},
                   &out, &err),
            0);
        const QJsonObject o = QJsonDocument::fromJson(out).object();
        QCOMPARE(o.value(u"blockers").toInt(), 0);
        const QJsonArray checks = o.value(u"checks").toArray();
        QVERIFY(!checks.isEmpty());
        for (const auto &v : checks) {
            const QJsonObject c = v.toObject();
            for (const char *key : {"id", "severity", "database", "objects", "message", "remediation"})
                QVERIFY2(c.contains(QLatin1String(key)), key);
        }
        QVERIFY(!out.contains(m_servers->source->password().toUtf8()));
        QVERIFY(!err.contains(m_servers->source->password().toUtf8()));
    }

    void blockersExitThreeAndWriteTheReports()
    {
        const QString html = m_dir.filePath(QStringLiteral("report.html"));
        const QString fix = m_dir.filePath(QStringLiteral("fix.sql"));
        QByteArray out;
        QCOMPARE(runCli({writeProject(QStringLiteral("keyless"), QStringLiteral("keyless")),
                         QStringLiteral("--html"), html, QStringLiteral("--fix-script"), fix},
                        &out),
                 3);
        QVERIFY2(out.contains("BLOCKER table.primary_key [keyless]"), out.constData());
        QFile h(html), f(fix);
        QVERIFY(h.open(QIODevice::ReadOnly));
        QVERIFY(h.readAll().contains("table.primary_key"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.readAll().contains("ALTER TABLE \"public\".\"t\" REPLICA IDENTITY FULL;"));
    }

    // postgresql://admin@host/shop with --database shop: the URI names the database that the run
    // creates. Both the assessment and the run used it as their maintenance database and failed.
    void aTargetUriNamingTheDatabaseBeingCreatedWorksForAssessAndRun()
    {
        project::Project p;
        p.name = QStringLiteral("shop");
        p.mode = project::Mode::Offline;
        p.source = project::ConnectionProfile::fromConnInfo(m_servers->source.connInfo());
        p.target =
            project::ConnectionProfile::fromConnInfo(m_servers->target.connInfo(QStringLiteral("shop")));
        QCOMPARE(p.target.database, QStringLiteral("shop"));
        p.databases << project::DatabaseSelection{QStringLiteral("shop"), {}, {}, {}};
        const QString path = m_dir.filePath(QStringLiteral("shop.pgferry"));
        QString error;
        QVERIFY2(project::saveProjectFile(p, path, &error), qPrintable(error));
        pg::Connection admin = m_servers->target.connect();
        QCOMPARE(
            admin.exec(QStringLiteral("SELECT count(*) FROM pg_database WHERE datname = 'shop'")).toInt(0, 0),
            0);

        QByteArray out, err;
        QCOMPARE(runCli({path, QStringLiteral("--json")}, &out, &err), 0);
        const QJsonObject report = QJsonDocument::fromJson(out).object();
        QCOMPARE(report.value(u"blockers").toInt(), 0);
        bool willCreate = false;
        for (const auto &v : report.value(u"checks").toArray()) {
            const QJsonObject c = v.toObject();
            willCreate = willCreate || (c.value(u"id").toString() == u"target.database_not_empty" &&
                                        c.value(u"message").toString().contains(u"will be created"));
        }
        QVERIFY2(willCreate, out.constData());

        const int code = cli({QStringLiteral("run"), path}, &out, &err, 300000);
        QVERIFY2(code == 0, err.constData());
        pg::Connection shop = m_servers->target.connect(QStringLiteral("shop"));
        QCOMPARE(shop.exec(QStringLiteral("SELECT count(*) FROM items")).toInt(0, 0), 250);
        QCOMPARE(shop.exec(QStringLiteral("SELECT sum(id) FROM items")).toInt(0, 0), 250 * 251 / 2);
    }

    void badInputIsAFailureOrAUsageError_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::newRow("no file") << QStringList{} << 2;
        QTest::newRow("unknown option")
            << QStringList{QStringLiteral("x.pgferry"), QStringLiteral("--frobnicate")} << 2;
        QTest::newRow("html without a file")
            << QStringList{QStringLiteral("x.pgferry"), QStringLiteral("--html")} << 2;
        QTest::newRow("missing project") << QStringList{QStringLiteral("/nonexistent/x.pgferry")} << 1;
    }
    void badInputIsAFailureOrAUsageError()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QByteArray err;
        QCOMPARE(runCli(args, nullptr, &err), exitCode);
        QVERIFY(!err.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestAssessCli)
#include "tst_assesscli.moc"
