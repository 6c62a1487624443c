// `pgferry-cli sandbox up|status|down` end to end: real servers, the sample database, no password
// on the command line or in the URIs.
#include "pg/connection.h"
#include "testclusters.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace pgferry;

namespace {
struct Run
{
    int code;
    QString out;
    QString err;
};

Run cli(const QStringList &args)
{
    QProcess p;
    p.start(QStringLiteral(PGFERRY_CLI_PATH), args);
    p.waitForFinished(600000);
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}
} // namespace

class TestSandboxCli : public QObject
{
    Q_OBJECT
    QTemporaryDir m_tmp{QDir::tempPath() + QStringLiteral("/pgferry-test-sandbox-XXXXXX")};

private Q_SLOTS:
    void cleanupTestCase()
    {
        cli({QStringLiteral("sandbox"), QStringLiteral("down"), QStringLiteral("--dir"), m_tmp.path()});
    }

    void upCreatesTwoServersAndTheSample()
    {
        const Run up =
            cli({QStringLiteral("sandbox"), QStringLiteral("up"), QStringLiteral("--dir"), m_tmp.path()});
        QVERIFY2(up.code == 0, qPrintable(up.err));
        const Run st = cli({QStringLiteral("sandbox"), QStringLiteral("status"), QStringLiteral("--dir"),
                            m_tmp.path(), QStringLiteral("--json")});
        QCOMPARE(st.code, 0);
        const QJsonObject o = QJsonDocument::fromJson(st.out.toUtf8()).object();
        QVERIFY(o.value(u"source").toObject().value(u"running").toBool());
        QVERIFY(o.value(u"target").toObject().value(u"running").toBool());
        const QString uri = o.value(u"source").toObject().value(u"uri").toString();
        auto ci = pg::ConnInfo::parse(uri);
        QVERIFY(ci);
        QVERIFY(ci->password.isEmpty()); // the passfile carries it
        pg::Connection c = pg::Connection::open(*ci);
        QVERIFY(c.exec(QStringLiteral("SELECT count(*) FROM rental")).toInt(0, 0) >= 5000);
        QCOMPARE(c.exec(QStringLiteral("SELECT count(*) FROM pg_largeobject_metadata")).toInt(0, 0), 25);
        QCOMPARE(c.exec(QStringLiteral("SHOW wal_level")).text(0, 0), QStringLiteral("logical"));
        QCOMPARE(c.exec(QStringLiteral("SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = "
                                       "i.inhrelid WHERE c.relkind = 'r'"))
                     .toInt(0, 0),
                 3);
    }

    void upAgainIsIdempotent()
    {
        const Run up =
            cli({QStringLiteral("sandbox"), QStringLiteral("up"), QStringLiteral("--dir"), m_tmp.path()});
        QVERIFY2(up.code == 0, qPrintable(up.err));
    }

    void downStopsAndKeepsTheData()
    {
        const Run down =
            cli({QStringLiteral("sandbox"), QStringLiteral("down"), QStringLiteral("--dir"), m_tmp.path()});
        QCOMPARE(down.code, 0);
        QVERIFY(QFile::exists(m_tmp.path() + QStringLiteral("/source/data/PG_VERSION")));
        const Run st = cli({QStringLiteral("sandbox"), QStringLiteral("status"), QStringLiteral("--dir"),
                            m_tmp.path(), QStringLiteral("--json")});
        const QJsonObject o = QJsonDocument::fromJson(st.out.toUtf8()).object();
        QVERIFY(!o.value(u"source").toObject().value(u"running").toBool());
    }

    void usageErrorsExitTwo()
    {
        QCOMPARE(cli({QStringLiteral("sandbox"), QStringLiteral("sideways")}).code, 2);
        QCOMPARE(cli({QStringLiteral("no-such-verb")}).code, 2);
        QCOMPARE(cli({}).code, 2);
    }
};

QTEST_GUILESS_MAIN(TestSandboxCli)
#include "tst_sandboxcli.moc"
