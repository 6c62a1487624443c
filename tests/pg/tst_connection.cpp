// Connection against a real PostgreSQL 15: parameters, quoting, errors with SQLSTATE, bad
// passwords, refused and silent ports, cancellation and timeouts.
#include "pg/connection.h"
#include "testclusters.h"

#include <QTcpServer>
#include <QTest>
#include <thread>

using namespace pgferry;
using namespace std::chrono_literals;

class TestConnection : public QObject
{
    Q_OBJECT
    std::unique_ptr<test::TestCluster> m_server;

private Q_SLOTS:
    void initTestCase() { m_server = std::make_unique<test::TestCluster>(QStringLiteral("conn")); }
    void cleanupTestCase() { m_server.reset(); }

    void connectsAndRunsParameterisedQueries()
    {
        pg::Connection c = m_server->connect();
        QVERIFY(c.isOpen());
        QVERIFY(c.serverVersion() >= 150000);
        pg::Result r = c.exec(QStringLiteral("SELECT $1::int + $2::int, $3::text IS NULL, $4::text"),
                              {40, 2, nullptr, QStringLiteral("Grüße ☃")});
        QCOMPARE(r.toInt(0, 0), 42);
        QVERIFY(r.toBool(0, 1));
        QCOMPARE(r.text(0, 2), QStringLiteral("Grüße ☃"));
    }

    void quotesAwkwardIdentifiers()
    {
        pg::Connection c = m_server->connect();
        const QString name = QStringLiteral("We\"ird; DROP TABLE x; --Ñame");
        c.exec(QStringLiteral("CREATE TABLE %1 (%2 int)")
                   .arg(c.quoteIdent(name), c.quoteIdent(QStringLiteral("select"))));
        c.exec(QStringLiteral("INSERT INTO %1 VALUES (7)").arg(c.quoteIdent(name)));
        pg::Result r = c.exec(QStringLiteral("SELECT %1 FROM %2")
                                  .arg(c.quoteIdent(QStringLiteral("select")), c.quoteIdent(name)));
        QCOMPARE(r.toInt(0, 0), 7);
        QCOMPARE(c.quoteLiteral(QStringLiteral("it's")), QStringLiteral("'it''s'"));
    }

    void serverErrorsCarrySqlstateAndKeepTheConnection()
    {
        pg::Connection c = m_server->connect();
        try {
            c.exec(QStringLiteral("SELECT * FROM no_such_table"));
            QFAIL("expected an error");
        } catch (const pg::Exception &e) {
            QCOMPARE(e.error().sqlstate, QStringLiteral("42P01"));
            QCOMPARE(e.error().category, pg::ErrorCategory::NotFound);
            QVERIFY(!e.error().breaksConnection());
        }
        QCOMPARE(c.exec(QStringLiteral("SELECT 1")).toInt(0, 0), 1);
        auto err = c.tryExec(QStringLiteral("SELECT 1/0"));
        QVERIFY(err);
        QCOMPARE(err->sqlstate, QStringLiteral("22012"));
    }

    void wrongPasswordIsAnAuthError()
    {
        pg::ConnInfo ci = m_server->connInfo();
        ci.password = QStringLiteral("definitely-wrong-pw-123");
        try {
            pg::Connection::open(ci);
            QFAIL("expected an authentication error");
        } catch (const pg::Exception &e) {
            QCOMPARE(e.error().category, pg::ErrorCategory::Auth);
            QVERIFY(!QString::fromUtf8(e.what()).contains(u"definitely-wrong-pw-123"));
            QVERIFY(!e.error().hint.isEmpty());
        }
    }

    void refusedPortIsAConnectionError()
    {
        pg::ConnInfo ci = m_server->connInfo();
        ci.port = sandbox::freeLoopbackPort();
        try {
            pg::Connection::open(ci, {.timeout = 5000ms});
            QFAIL("expected an error");
        } catch (const pg::Exception &e) {
            QCOMPARE(e.error().category, pg::ErrorCategory::Connection);
            QVERIFY(e.error().hint.contains(u"listen"));
        }
    }

    void unknownHostIsAConnectionError()
    {
        pg::ConnInfo ci = m_server->connInfo();
        ci.host = QStringLiteral("no-such-host.invalid");
        try {
            pg::Connection::open(ci, {.timeout = 5000ms});
            QFAIL("expected an error");
        } catch (const pg::Exception &e) {
            QVERIFY(e.error().category == pg::ErrorCategory::Connection);
            QVERIFY(e.error().toString().contains(u"no-such-host.invalid"));
        }
    }

    void silentServerTimesOutWithoutHanging()
    {
        QTcpServer silent; // accepts and never answers
        QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
        pg::ConnInfo ci = m_server->connInfo();
        ci.port = silent.serverPort();
        ci.connectTimeoutSeconds = 0;
        const auto t0 = std::chrono::steady_clock::now();
        try {
            pg::Connection::open(ci, {.timeout = 700ms});
            QFAIL("expected a timeout");
        } catch (const pg::Exception &e) {
            QCOMPARE(e.error().category, pg::ErrorCategory::Timeout);
        }
        QVERIFY(std::chrono::steady_clock::now() - t0 < 10s);
    }

    void cancelFlagAbandonsARunningStatement()
    {
        pg::Connection c = m_server->connect();
        std::atomic_bool cancel{false};
        c.setCancelFlag(&cancel);
        std::thread t([&cancel] {
            std::this_thread::sleep_for(300ms);
            cancel = true;
        });
        try {
            c.exec(QStringLiteral("SELECT pg_sleep(30)"));
            t.join();
            QFAIL("expected a cancellation");
        } catch (const pg::Exception &e) {
            t.join();
            QCOMPARE(e.error().category, pg::ErrorCategory::Cancelled);
        }
        cancel = false;
        QCOMPARE(c.exec(QStringLiteral("SELECT 2")).toInt(0, 0), 2);
    }

    void statementTimeoutElapses()
    {
        pg::Connection c = m_server->connect();
        c.setStatementTimeout(300ms);
        try {
            c.exec(QStringLiteral("SELECT pg_sleep(20)"));
            QFAIL("expected a timeout");
        } catch (const pg::Exception &e) {
            QCOMPARE(e.error().category, pg::ErrorCategory::Timeout);
        }
    }

    void droppedConnectionIsReported()
    {
        pg::Connection victim = m_server->connect();
        pg::Connection admin = m_server->connect();
        admin.exec(QStringLiteral("SELECT pg_terminate_backend($1)"), {victim.backendPid()});
        try {
            victim.exec(QStringLiteral("SELECT 1"));
            QFAIL("expected a connection error");
        } catch (const pg::Exception &e) {
            QVERIFY2(e.error().breaksConnection(), qPrintable(e.error().toString()));
            QVERIFY(e.error().retryable());
        }
    }
};

QTEST_GUILESS_MAIN(TestConnection)
#include "tst_connection.moc"
