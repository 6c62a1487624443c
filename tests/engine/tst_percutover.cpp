// Each database on its own clock, with the real CLI against real servers: one project of five
// online databases, written all the time by an application thread until each is cut over;
// `cutover FILE --database a` cuts over a alone (drained, its sequences, keys and triggers,
// verified, its slot and publication gone, its source read-only) while the others keep streaming
// and the run goes on; cutting a over again is refused by name; b follows by name, and `cutover
// FILE` takes the rest and ends the run. Every database arrives identical, and no slot is left
// on the source.
#include "appwriter.h"
#include "clirun.h"
#include "compare.h"
#include "engine/runfiles.h"
#include "project/projectfile.h"
#include "testclusters.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace pgferry;

class TestPerDatabaseCutover : public QObject
{
    Q_OBJECT
    std::unique_ptr<test::TwoClusters> m_pair;
    std::unique_ptr<test::CliRunner> m_cli;
    QTemporaryDir m_dir;
    const QStringList m_dbs{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"),
                            QStringLiteral("d"), QStringLiteral("e")};

    QString phaseOf(const QString &stateDir, const QString &db) const
    {
        for (const QJsonValue &v : engine::RunFiles::readStatus(stateDir).value(u"databases").toArray())
            if (v.toObject().value(u"name").toString() == db)
                return v.toObject().value(u"phase").toString();
        return {};
    }

    void writeTo(const QString &db, int round) const
    {
        m_pair->source.sql(
            db, QStringLiteral(
                    "INSERT INTO items(name, qty) SELECT 'r%1-' || g, g FROM generate_series(1, 50) g;"
                    "UPDATE items SET qty = qty + %1 WHERE id % 5 = 0;"
                    "DELETE FROM items WHERE id % 17 = %1;"
                    "INSERT INTO notes(item, body) SELECT id, 'note ' || id FROM items WHERE id % 9 = %1;")
                    .arg(round));
    }

    bool identical(const QString &db) const
    {
        pg::Connection s = m_pair->source.connect(db);
        pg::Connection t = m_pair->target.connect(db);
        const test::CompareResult r = test::compareDatabases(s, t);
        if (!r.identical())
            qWarning().noquote() << db << "differs:" << r.differences.mid(0, 8).join(u'\n');
        return r.identical() && r.tablesCompared == 2;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_pair = std::make_unique<test::TwoClusters>();
        m_cli = std::make_unique<test::CliRunner>(*m_pair, m_dir.filePath(QStringLiteral("state")));
        for (const QString &db : m_dbs) {
            m_pair->source.createDatabase(db);
            m_pair->source.sql(
                db,
                QStringLiteral(
                    "CREATE TABLE items (id serial PRIMARY KEY, name text, qty int);"
                    "CREATE TABLE notes (id bigserial PRIMARY KEY, item int REFERENCES items ON DELETE "
                    "CASCADE, body text);"
                    "INSERT INTO items(name, qty) SELECT 'item ' || g, g FROM generate_series(1, 400) g;"
                    "INSERT INTO notes(item, body) SELECT g, 'n' || g FROM generate_series(1, 400, 3) g;"));
        }
    }
    void cleanupTestCase()
    {
        m_cli.reset();
        m_pair.reset();
    }

    void databasesAreCutOverOneByOneWhileTheOthersStream()
    {
        project::Project p;
        p.name = QStringLiteral("five");
        p.mode = project::Mode::Online;
        p.source = project::ConnectionProfile::fromConnInfo(m_pair->source.connInfo());
        p.target = project::ConnectionProfile::fromConnInfo(m_pair->target.connInfo());
        for (const QString &db : m_dbs)
            p.databases << project::DatabaseSelection{db, {}, {}, {}};
        p.settings.jobs = 2;
        const QString file = m_dir.filePath(QStringLiteral("five.pgferry"));
        QString error;
        QVERIFY2(project::saveProjectFile(p, file, &error), qPrintable(error));
        const QString state = m_cli->stateDirOf(p);

        std::unique_ptr<QProcess> run = m_cli->startRunUntil(file, state, QStringLiteral("streaming"));
        QVERIFY(run);
        for (const QString &db : m_dbs)
            writeTo(db, 1);
        // The application: small transactions on every database, round after round, until the
        // database is cut over (its source turns read-only and refuses them).
        test::ApplicationWriter app(
            m_pair->source, m_dbs,
            QStringLiteral("INSERT INTO items(name, qty) VALUES ('app', 1);"
                           "UPDATE items SET qty = qty + 1 WHERE id = 1 + (random() * 300)::int"));

        // a alone.
        QString out, err;
        QCOMPARE(m_cli->run({QStringLiteral("cutover"), file, QStringLiteral("--database"),
                             QStringLiteral("a"), QStringLiteral("--yes")},
                            &out, &err),
                 0);
        QVERIFY2(out.contains(u"cutover of a complete"), qPrintable(out));
        QCOMPARE(phaseOf(state, QStringLiteral("a")), QStringLiteral("done"));
        QCOMPARE(phaseOf(state, QStringLiteral("b")), QStringLiteral("streaming"));
        QCOMPARE(phaseOf(state, QStringLiteral("c")), QStringLiteral("streaming"));
        QCOMPARE(run->state(), QProcess::Running);
        QVERIFY(identical(QStringLiteral("a")));
        QVERIFY(m_pair->source.readOnly(QStringLiteral("a")));
        QVERIFY(!m_pair->source.readOnly(QStringLiteral("b")));
        QCOMPARE(m_pair->source.slotCount(QStringLiteral("a")), 0);
        QCOMPARE(m_pair->source.slotCount(QStringLiteral("b")), 1);

        // The others go on streaming; a is not cut over twice.
        writeTo(QStringLiteral("b"), 2);
        writeTo(QStringLiteral("c"), 2);
        QCOMPARE(m_cli->run({QStringLiteral("cutover"), file, QStringLiteral("--database"),
                             QStringLiteral("a"), QStringLiteral("--yes")},
                            &out, &err),
                 1);
        QVERIFY2(err.contains(u"cut over already"), qPrintable(err));
        QCOMPARE(m_cli->run({QStringLiteral("cutover"), file, QStringLiteral("--database"),
                             QStringLiteral("nope"), QStringLiteral("--yes")},
                            &out, &err),
                 1);
        QVERIFY2(err.contains(u"no database nope"), qPrintable(err));

        QCOMPARE(m_cli->run({QStringLiteral("cutover"), file, QStringLiteral("--database"),
                             QStringLiteral("b"), QStringLiteral("--yes")},
                            &out, &err),
                 0);
        QCOMPARE(phaseOf(state, QStringLiteral("c")), QStringLiteral("streaming"));
        QVERIFY(identical(QStringLiteral("b")));
        writeTo(QStringLiteral("c"), 3);

        // The rest, and the run ends.
        QCOMPARE(m_cli->run({QStringLiteral("cutover"), file, QStringLiteral("--yes")}, &out, &err), 0);
        QVERIFY(run->waitForFinished(60000));
        QCOMPARE(run->exitCode(), 0);
        QCOMPARE(engine::RunFiles::readStatus(state).value(u"state").toString(), QStringLiteral("completed"));
        const qint64 writes = app.stop();
        qInfo("%lld application writes while the databases were cut over", writes);
        QVERIFY(writes > 50);
        for (const QString &db : m_dbs) {
            QVERIFY2(identical(db), qPrintable(db));
            QCOMPARE(m_pair->source.slotCount(db), 0);
            QVERIFY(m_pair->source.readOnly(db));
        }
    }
};

QTEST_GUILESS_MAIN(TestPerDatabaseCutover)
#include "tst_percutover.moc"
