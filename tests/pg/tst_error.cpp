// Error: categories from SQLSTATE, retryability, and connection failures told apart.
#include "pg/connection.h"
#include "pg/error.h"

#include <QTest>

using namespace pgferry::pg;

class TestError : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void categoryFromSqlState_data()
    {
        QTest::addColumn<QString>("state");
        QTest::addColumn<int>("category");
        QTest::addColumn<bool>("retryable");
        QTest::newRow("privilege") << "42501" << int(ErrorCategory::Privilege) << false;
        QTest::newRow("undefined table") << "42P01" << int(ErrorCategory::NotFound) << false;
        QTest::newRow("syntax") << "42601" << int(ErrorCategory::Syntax) << false;
        QTest::newRow("unique") << "23505" << int(ErrorCategory::Integrity) << false;
        QTest::newRow("serialization") << "40001" << int(ErrorCategory::Serialization) << true;
        QTest::newRow("deadlock") << "40P01" << int(ErrorCategory::Serialization) << true;
        QTest::newRow("disk full") << "53100" << int(ErrorCategory::Resource) << false;
        QTest::newRow("too many connections") << "53300" << int(ErrorCategory::Resource) << true;
        QTest::newRow("admin shutdown") << "57P01" << int(ErrorCategory::Shutdown) << true;
        QTest::newRow("cancel") << "57014" << int(ErrorCategory::Cancelled) << false;
        QTest::newRow("connection failure") << "08006" << int(ErrorCategory::Connection) << true;
        QTest::newRow("bad password") << "28P01" << int(ErrorCategory::Auth) << false;
    }
    void categoryFromSqlState()
    {
        QFETCH(QString, state);
        QFETCH(int, category);
        QFETCH(bool, retryable);
        Error e;
        e.sqlstate = state;
        e.category = Error::categoryFromSqlState(state);
        QCOMPARE(int(e.category), category);
        QCOMPARE(e.retryable(), retryable);
    }

    void connectionFailuresAreToldApart_data()
    {
        QTest::addColumn<QString>("message");
        QTest::addColumn<int>("category");
        QTest::newRow("dns") << "could not translate host name \"nope\" to address: Name or service not known"
                             << int(ErrorCategory::Connection);
        QTest::newRow("refused") << "connection to server at \"127.0.0.1\", port 1 failed: Connection refused"
                                 << int(ErrorCategory::Connection);
        QTest::newRow("auth") << "FATAL:  password authentication failed for user \"x\""
                              << int(ErrorCategory::Auth);
        QTest::newRow("hba") << "FATAL:  no pg_hba.conf entry for host \"1.2.3.4\""
                             << int(ErrorCategory::Auth);
        QTest::newRow("hba reject") << "FATAL:  pg_hba.conf rejects connection for host \"127.0.0.1\", user "
                                       "\"x\", database \"y\", no encryption"
                                    << int(ErrorCategory::Auth);
        QTest::newRow("tls") << "SSL error: certificate verify failed" << int(ErrorCategory::Tls);
        QTest::newRow("timeout") << "timeout expired" << int(ErrorCategory::Timeout);
        QTest::newRow("no db") << "FATAL:  database \"x\" does not exist" << int(ErrorCategory::NotFound);
    }
    void connectionFailuresAreToldApart()
    {
        QFETCH(QString, message);
        QFETCH(int, category);
        ConnInfo ci;
        ci.host = QStringLiteral("h");
        ci.password = QStringLiteral("topsecret");
        const Error e = classifyConnectionFailure(message, ci);
        QCOMPARE(int(e.category), category);
        QVERIFY(!e.toString().contains(u"topsecret"));
        QVERIFY(e.toString().contains(u"connecting to"));
    }

    void toStringCarriesEverything()
    {
        Error e;
        e.category = ErrorCategory::Privilege;
        e.sqlstate = QStringLiteral("42501");
        e.message = QStringLiteral("permission denied for table film");
        e.hint = QStringLiteral("GRANT SELECT");
        e.context = QStringLiteral("copying public.film");
        const QString s = e.toString();
        QVERIFY(s.contains(u"copying public.film"));
        QVERIFY(s.contains(u"42501"));
        QVERIFY(s.contains(u"GRANT SELECT"));
    }
};

QTEST_GUILESS_MAIN(TestError)
#include "tst_error.moc"
