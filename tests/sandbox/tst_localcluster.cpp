// LocalCluster: the harness every database test stands on. Start, stop, restart, kill -9, a port
// in use, and no server left behind when the test process itself is killed.
#include "pg/connection.h"
#include "sandbox/localcluster.h"
#include "testclusters.h"

#include <QCoreApplication>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <iostream>
#include <thread>

using namespace pgferry;
using namespace std::chrono_literals;

namespace {
bool portAnswers(int port)
{
    try {
        pg::ConnInfo ci;
        ci.host = QStringLiteral("127.0.0.1");
        ci.port = port;
        ci.user = QStringLiteral("postgres");
        ci.password = QStringLiteral("x");
        pg::Connection::open(ci, {.timeout = 2000ms});
        return true;
    } catch (const pg::Exception &e) {
        // An authentication failure still means a server answered.
        return e.error().category == pg::ErrorCategory::Auth;
    }
}
} // namespace

class TestLocalCluster : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void startsWithLogicalDecodingOn()
    {
        test::TestCluster c(QStringLiteral("lc"));
        pg::Connection conn = c.connect();
        QCOMPARE(conn.exec(QStringLiteral("SHOW wal_level")).text(0, 0), QStringLiteral("logical"));
        QVERIFY(conn.exec(QStringLiteral("SHOW max_replication_slots")).toInt(0, 0) >= 10);
        QCOMPARE(conn.exec(QStringLiteral("SELECT inet_server_addr()::text")).text(0, 0),
                 QStringLiteral("127.0.0.1/32"));
    }

    void restartsAndSurvivesKillNine()
    {
        test::TestCluster c(QStringLiteral("lc"));
        c.sql(QStringLiteral("postgres"),
              QStringLiteral("CREATE TABLE kept (i int); INSERT INTO kept VALUES (1);"));
        c->restart();
        QCOMPARE(c.connect().exec(QStringLiteral("SELECT count(*) FROM kept")).toInt(0, 0), 1);
        c->kill9();
        QVERIFY(!portAnswers(c->port()));
        c->start();
        QCOMPARE(c.connect().exec(QStringLiteral("SELECT count(*) FROM kept")).toInt(0, 0), 1);
        c->stop();
        QVERIFY(!c->isRunning());
    }

    void portInUseGivesAClearError()
    {
        QTcpServer squatter;
        QVERIFY(squatter.listen(QHostAddress::LocalHost, 0));
        QTemporaryDir tmp(QDir::tempPath() + QStringLiteral("/pgferry-test-port-XXXXXX"));
        QFile::setPermissions(tmp.path(),
                              QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ExeOther);
        sandbox::ClusterOptions o;
        o.port = squatter.serverPort();
        sandbox::LocalCluster c(tmp.path() + QStringLiteral("/c"), o);
        c.init();
        try {
            c.start();
            QFAIL("expected the start to fail");
        } catch (const std::runtime_error &e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(u"already in use"), e.what());
        }
    }

    void noServerOutlivesAKilledTestProcess()
    {
        QTemporaryDir tmp(QDir::tempPath() + QStringLiteral("/pgferry-test-orphan-XXXXXX"));
        QFile::setPermissions(tmp.path(),
                              QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ExeOther);
        QProcess child;
        child.start(QCoreApplication::applicationFilePath(),
                    {QStringLiteral("--child-cluster"), tmp.path() + QStringLiteral("/c")});
        QVERIFY(child.waitForStarted());
        QVERIFY(child.waitForReadyRead(120000));
        const int port = child.readLine().trimmed().toInt();
        QVERIFY(port > 0);
        QVERIFY(portAnswers(port));
        ::kill(pid_t(child.processId()), SIGKILL);
        child.waitForFinished();
        QTRY_VERIFY_WITH_TIMEOUT(!portAnswers(port), 20000);
    }

    void initRefusesAnInitialisedFolder()
    {
        test::TestCluster c(QStringLiteral("lc"));
        sandbox::LocalCluster again(c->dir());
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, again.init());
        again.setKeepRunning(true); // it is the other object's server
    }
};

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (argc == 3 && QByteArray(argv[1]) == "--child-cluster") {
        // Helper mode for noServerOutlivesAKilledTestProcess: start a cluster, print its port, wait.
        sandbox::LocalCluster c(QString::fromLocal8Bit(argv[2]));
        c.init();
        c.start();
        std::cout << c.port() << std::endl;
        while (true)
            std::this_thread::sleep_for(1s);
    }
    TestLocalCluster t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_localcluster.moc"
