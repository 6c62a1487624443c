// Large objects written while changes stream, with the real CLI on real servers. Logical decoding
// does not carry them: a large object created, one rewritten and one unlinked on the source after
// the snapshot must still be as the source has them after cutover (compared by content), and the
// report counts what the cutover wrote.
#include "clirun.h"
#include "compare.h"
#include "project/projectfile.h"
#include "testclusters.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace pgferry;

class TestLargeObjects : public QObject
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

    void largeObjectsWrittenWhileStreamingArriveAtCutover()
    {
        const QString db = QStringLiteral("docs");
        m_pair->source.createDatabase(db);
        m_pair->source.sql(
            db, QStringLiteral("CREATE TABLE doc (id int PRIMARY KEY, body oid);"
                               "INSERT INTO doc SELECT g, lo_from_bytea(0, convert_to(repeat('page ' || g, "
                               "1000 * g), 'UTF8')) FROM generate_series(1, 3) g;"));
        project::Project p;
        p.name = db;
        p.mode = project::Mode::Online;
        p.source = project::ConnectionProfile::fromConnInfo(m_pair->source.connInfo());
        p.target = project::ConnectionProfile::fromConnInfo(m_pair->target.connInfo());
        p.databases << project::DatabaseSelection{db, db + QStringLiteral("_new"), {}, {}};
        const QString file = m_dir.filePath(QStringLiteral("docs.pgferry"));
        QString error;
        QVERIFY2(project::saveProjectFile(p, file, &error), qPrintable(error));
        const QString state = m_cli->stateDirOf(p);
        std::unique_ptr<QProcess> run = m_cli->startRunUntil(file, state, QStringLiteral("streaming"));
        QVERIFY(run);

        // New (2 MB, over one copy chunk), rewritten in the middle, unlinked.
        m_pair->source.sql(
            db,
            QStringLiteral(
                "INSERT INTO doc VALUES (4, lo_from_bytea(0, convert_to(repeat('fresh ', 350000), 'UTF8')));"
                "SELECT lo_put(body, 100, convert_to('CHANGED', 'UTF8')) FROM doc WHERE id = 2;"
                "SELECT lo_unlink(body) FROM doc WHERE id = 3; UPDATE doc SET body = NULL WHERE id = 3;"));
        QString out, err;
        QCOMPARE(m_cli->run({QStringLiteral("cutover"), file, QStringLiteral("--yes")}, &out, &err), 0);
        QVERIFY(run->waitForFinished(60000));
        QCOMPARE(run->exitCode(), 0);

        pg::Connection s = m_pair->source.connect(db);
        pg::Connection t = m_pair->target.connect(db + QStringLiteral("_new"));
        const test::CompareResult r = test::compareDatabases(s, t); // rows, sequences and large objects
        QVERIFY2(r.identical(), qPrintable(r.differences.mid(0, 8).join(u'\n')));
        QCOMPARE(t.exec(QStringLiteral("SELECT count(*) FROM pg_largeobject_metadata")).toInt(0, 0), 3);

        QFile rep(state + QStringLiteral("/report.json"));
        QVERIFY(rep.open(QIODevice::ReadOnly));
        const QJsonObject lo = QJsonDocument::fromJson(rep.readAll())
                                   .object()
                                   .value(u"databases")
                                   .toObject()
                                   .value(db)
                                   .toObject()
                                   .value(u"large_objects")
                                   .toObject();
        QCOMPARE(lo.value(u"compared").toInt(), 3);
        QCOMPARE(lo.value(u"created").toInt(), 1);
        QCOMPARE(lo.value(u"rewritten").toInt(), 1);
        QCOMPARE(lo.value(u"removed").toInt(), 1);
    }
};

QTEST_GUILESS_MAIN(TestLargeObjects)
#include "tst_largeobjects.moc"
