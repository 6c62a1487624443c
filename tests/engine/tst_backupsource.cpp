// `pgferry-cli backup-source`, with the real CLI against a real server: the final backup of a
// source database is a pg_dump custom archive whose size and SHA-256 are in the report and match
// the file; it restores with pg_restore into an empty database identical to the source; an
// existing archive is never overwritten; an unknown database is a usage error.
#include "clirun.h"
#include "compare.h"
#include "project/projectfile.h"
#include "schema/pgtools.h"
#include "testclusters.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace pgferry;

class TestBackupSource : public QObject
{
    Q_OBJECT
    std::unique_ptr<test::TwoClusters> m_pair;
    std::unique_ptr<test::CliRunner> m_cli;
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_pair = std::make_unique<test::TwoClusters>();
        m_cli = std::make_unique<test::CliRunner>(*m_pair, m_dir.filePath(QStringLiteral("state")));
    }
    void cleanupTestCase()
    {
        m_cli.reset();
        m_pair.reset();
    }

    void theArchiveRestoresIdenticallyAndItsHashIsInTheReport()
    {
        const QString db = QStringLiteral("ledger ü");
        m_pair->source.createDatabase(db);
        m_pair->source.sql(db,
                           QStringLiteral("CREATE TABLE accounts (id serial PRIMARY KEY, owner text, balance "
                                          "numeric(12,2), opened timestamptz);"
                                          "CREATE TABLE moves (id bigserial PRIMARY KEY, account int "
                                          "REFERENCES accounts, amount float8, note jsonb);"
                                          "INSERT INTO accounts (owner, balance, opened) SELECT 'owner ' || "
                                          "g, g * 1.5, '2020-01-01'::timestamptz + g * interval '1 day' "
                                          "  FROM generate_series(1, 2000) g;"
                                          "INSERT INTO moves (account, amount, note) SELECT 1 + g % 2000, g "
                                          "/ 7.0, jsonb_build_object('g', g) "
                                          "  FROM generate_series(1, 20000) g;"));
        project::Project p;
        p.name = QStringLiteral("ledger");
        p.mode = project::Mode::Online;
        p.source = project::ConnectionProfile::fromConnInfo(m_pair->source.connInfo());
        p.target = project::ConnectionProfile::fromConnInfo(m_pair->target.connInfo());
        p.databases << project::DatabaseSelection{db, {}, {}, {}};
        const QString file = m_dir.filePath(QStringLiteral("ledger.pgferry"));
        QString error;
        QVERIFY2(project::saveProjectFile(p, file, &error), qPrintable(error));
        const QString out = m_dir.filePath(QStringLiteral("backups"));

        QString stdOut, stdErr;
        QCOMPARE(m_cli->run({QStringLiteral("backup-source"), file, QStringLiteral("-o"), out,
                             QStringLiteral("--json")},
                            &stdOut, &stdErr),
                 0);
        const QJsonObject result =
            QJsonDocument::fromJson(stdOut.toUtf8()).object().value(u"backups").toArray().first().toObject();
        const QString archive = result.value(u"path").toString();
        QCOMPARE(archive, QDir(out).absoluteFilePath(db + QStringLiteral(".dump")));
        QFile f(archive);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCryptographicHash hash(QCryptographicHash::Sha256);
        QVERIFY(hash.addData(&f));
        QCOMPARE(result.value(u"sha256").toString(), QString::fromLatin1(hash.result().toHex()));
        QCOMPARE(qint64(result.value(u"bytes").toDouble()), f.size());
        QVERIFY(f.size() > 100000);
        QVERIFY(!QFile::exists(archive + QStringLiteral(".partial")));
        QCOMPARE(int(f.permissions() & (QFile::ReadOther | QFile::ReadGroup)), 0);
        // The report keeps it.
        QFile rep(m_cli->stateDirOf(p) + QStringLiteral("/report.json"));
        QVERIFY(rep.open(QIODevice::ReadOnly));
        const QJsonObject fb = QJsonDocument::fromJson(rep.readAll())
                                   .object()
                                   .value(u"databases")
                                   .toObject()
                                   .value(db)
                                   .toObject()
                                   .value(u"final_backup")
                                   .toObject();
        QCOMPARE(fb.value(u"sha256").toString(), result.value(u"sha256").toString());

        // Never overwritten.
        QCOMPARE(
            m_cli->run({QStringLiteral("backup-source"), file, QStringLiteral("-o"), out}, &stdOut, &stdErr),
            1);
        QVERIFY2(stdErr.contains(u"exists already"), qPrintable(stdErr));
        QCOMPARE(m_cli->run({QStringLiteral("backup-source"), file, QStringLiteral("-o"), out,
                             QStringLiteral("--database"), QStringLiteral("nope")},
                            &stdOut, &stdErr),
                 2);
        QCOMPARE(m_cli->run({QStringLiteral("backup-source"), file}, &stdOut, &stdErr), 2);

        // It restores into an empty database, identical to the source.
        m_pair->target.createDatabase(QStringLiteral("restored"));
        const schema::PgTools tools = schema::PgTools::find(1500);
        QVERIFY(tools.isValid());
        const schema::ToolResult restored = tools.run(
            QStringLiteral("pg_restore"),
            {QStringLiteral("--no-owner"), QStringLiteral("-d"), QStringLiteral("restored"), archive},
            m_pair->target.connInfo(QStringLiteral("restored")));
        QVERIFY2(restored.ok(), qPrintable(restored.output));
        pg::Connection s = m_pair->source.connect(db);
        pg::Connection t = m_pair->target.connect(QStringLiteral("restored"));
        const test::CompareResult cmp = test::compareDatabases(s, t);
        QVERIFY2(cmp.identical(), qPrintable(cmp.differences.join(u'\n')));
        QCOMPARE(cmp.tablesCompared, 2);
        QCOMPARE(cmp.rowsCompared, 22000);
    }
};

QTEST_GUILESS_MAIN(TestBackupSource)
#include "tst_backupsource.moc"
