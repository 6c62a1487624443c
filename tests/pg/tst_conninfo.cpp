// ConnInfo: URIs in and out, passwords kept apart and never in the redacted or URI forms.
#include "pg/conninfo.h"

#include <QTest>

#include <atomic>

using pgferry::pg::ConnInfo;

class TestConnInfo : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parsesUriParts_data()
    {
        QTest::addColumn<QString>("uri");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("db");
        QTest::addColumn<QString>("sslmode");
        QTest::newRow("full") << "postgresql://alice@db.example.com:6543/sales?sslmode=require"
                              << "db.example.com" << 6543 << "alice"
                              << "sales"
                              << "require";
        QTest::newRow("defaults") << "postgresql://localhost"
                                  << "localhost" << 5432 << ""
                                  << ""
                                  << "";
        QTest::newRow("keyvalue") << "host=10.0.0.5 port=5433 user=bob dbname=x"
                                  << "10.0.0.5" << 5433 << "bob"
                                  << "x"
                                  << "";
        QTest::newRow("encoded db") << "postgresql://u@h/sales%3B2019"
                                    << "h" << 5432 << "u"
                                    << "sales;2019"
                                    << "";
    }
    void parsesUriParts()
    {
        QFETCH(QString, uri);
        QString err;
        auto ci = ConnInfo::parse(uri, &err);
        QVERIFY2(ci.has_value(), qPrintable(err));
        QFETCH(QString, host);
        QFETCH(int, port);
        QFETCH(QString, user);
        QFETCH(QString, db);
        QFETCH(QString, sslmode);
        QCOMPARE(ci->host, host);
        QCOMPARE(ci->port, port);
        QCOMPARE(ci->user, user);
        QCOMPARE(ci->database, db);
        QCOMPARE(ci->sslmode, sslmode);
    }

    void passwordIsSeparatedAndNeverPrinted()
    {
        auto ci = ConnInfo::parse(QStringLiteral("postgresql://alice:s3cr3t-Pa55@db:5432/app"));
        QVERIFY(ci);
        QCOMPARE(ci->password, QStringLiteral("s3cr3t-Pa55"));
        QVERIFY(!ci->toUri().contains(u"s3cr3t"));
        QVERIFY(!ci->redacted().contains(u"s3cr3t"));
        QVERIFY(ci->redacted().contains(u"password set"));
    }

    void uriRoundTrips()
    {
        auto ci = ConnInfo::parse(QStringLiteral("postgresql://alice@db.example.com:6543/"
                                                 "sales%3B2019?sslmode=verify-full&sslrootcert=/etc/ca.pem"));
        QVERIFY(ci);
        auto again = ConnInfo::parse(ci->toUri());
        QVERIFY(again);
        QCOMPARE(*again, *ci);
    }

    void badInputGivesAMessage_data()
    {
        QTest::addColumn<QString>("uri");
        QTest::newRow("empty") << "";
        QTest::newRow("garbage scheme") << "postgresql://[::1";
        QTest::newRow("bad port") << "postgresql://h:99999/db";
        QTest::newRow("unknown keyword") << "hots=abc";
    }
    void badInputGivesAMessage()
    {
        QFETCH(QString, uri);
        QString err;
        auto ci = ConnInfo::parse(uri, &err);
        QVERIFY(!ci.has_value());
        QVERIFY(!err.isEmpty());
    }

    void childEnvironmentCarriesPasswordNotArguments()
    {
        ConnInfo ci;
        ci.host = QStringLiteral("h");
        ci.password = QStringLiteral("pw");
        const auto env = ci.childEnvironment();
        QCOMPARE(env.value(QStringLiteral("PGPASSWORD")), QStringLiteral("pw"));
        QCOMPARE(env.value(QStringLiteral("PGHOST")), QStringLiteral("h"));
    }

    // A password source (an Entra ID token) is asked on every use, its answer never printed; a
    // source that has none says why.
    void aPasswordSourceIsAskedEachTimeAndNeverPrinted()
    {
        struct Counting : pgferry::pg::PasswordSource
        {
            std::atomic_int asked{0};
            bool fail = false;
            QString password(QString *error) override
            {
                if (fail) {
                    *error = QStringLiteral("the identity platform said no");
                    return {};
                }
                return QStringLiteral("token-%1").arg(++asked);
            }
            QString description() const override { return QStringLiteral("a test credential"); }
        };
        auto source = std::make_shared<Counting>();
        ConnInfo ci;
        ci.host = QStringLiteral("h");
        ci.user = QStringLiteral("u@contoso.onmicrosoft.com");
        ci.passwordSource = source;
        const ConnInfo copy = ci; // copies share the source
        QCOMPARE(copy.childEnvironment().value(QStringLiteral("PGPASSWORD")), QStringLiteral("token-1"));
        bool found = false;
        for (const auto &[k, v] : ci.keywords())
            if (k == "password")
                found = v == "token-2";
        QVERIFY(found);
        const auto sourced = ci.withSourcedPassword(nullptr);
        QVERIFY(sourced);
        QCOMPARE(sourced->password, QStringLiteral("token-3"));
        QVERIFY(!ci.redacted().contains(u"token-"));
        QVERIFY2(ci.redacted().contains(u"a test credential"),
                 qPrintable(ci.redacted())); // says where it comes from
        QVERIFY(!sourced->redacted().contains(u"token-3"));
        QVERIFY(!ci.toUri().contains(u"token-"));

        source->fail = true;
        QString why;
        QVERIFY(!ci.withSourcedPassword(&why));
        QCOMPARE(why, QStringLiteral("the identity platform said no"));
        QVERIFY(!ci.childEnvironment().contains(QStringLiteral("PGPASSWORD")));
        // A password given outright wins over the source.
        ConnInfo given = ci;
        given.password = QStringLiteral("pw");
        QCOMPARE(given.childEnvironment().value(QStringLiteral("PGPASSWORD")), QStringLiteral("pw"));
    }
};

QTEST_GUILESS_MAIN(TestConnInfo)
#include "tst_conninfo.moc"
