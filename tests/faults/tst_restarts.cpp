// The source or the target server restarts (cleanly, or after kill -9 of the postmaster) while
// pgferry loads and while it streams, with writers on the source: the run reconnects with bounded
// backoff, resumes from its journal where it must, and carries on; the target ends identical.
#include "faultkit.h"

#include "engine/localengine.h"
#include "pg/connection.h"
#include "schema/schemamigrator.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace pgferry;

class TestRestarts : public QObject
{
    Q_OBJECT
    std::unique_ptr<test::TwoClusters> m_pair;
    int m_seq = 0;

private Q_SLOTS:
    void initTestCase() { m_pair = std::make_unique<test::TwoClusters>(); }
    void cleanupTestCase() { m_pair.reset(); }

    // An index build (pg_restore) that cannot reach the target, as when the target crashed just
    // then, fails as a connection error the run resumes from, not as a failure of the migration.
    // (The engine test above met it once: the target went down as a table's indexes started.)
    void anIndexBuildThatLosesTheTargetIsResumable()
    {
        const QString db = QStringLiteral("restore_lost");
        m_pair->source.createDatabase(db);
        m_pair->source.sql(
            db, QStringLiteral("CREATE TABLE t (id int PRIMARY KEY, v text); CREATE INDEX t_v ON t (v);"));
        QTemporaryDir work;
        pg::ConnInfo gone = m_pair->target.connInfo(db);
        gone.port = sandbox::freeLoopbackPort(); // nothing listens there
        schema::SchemaMigrator m(schema::PgTools::find(15), m_pair->source.connInfo(db), gone, {},
                                 {db, {}, {}, {}}, work.path(), nullptr);
        m.dump(QString());
        QVERIFY(!m.postLoadEntries().isEmpty());
        try {
            m.restorePostLoadEntries(m.postLoadEntries(), 1, false, QStringLiteral("lost.list"));
            QFAIL("pg_restore reached a server that is not there");
        } catch (const pg::Exception &e) {
            QVERIFY2(e.error().retryable(), qPrintable(e.error().toString()));
            QVERIFY2(e.error().toString().contains(u"building indexes and keys"),
                     qPrintable(e.error().toString()));
        }
    }

    void theRunCarriesOnAfterAServerRestart_data()
    {
        QTest::addColumn<QString>("server");
        QTest::addColumn<QString>("when");
        QTest::addColumn<bool>("crash");
        QTest::newRow("source restarts during the load")
            << QStringLiteral("source") << QStringLiteral("load") << false;
        QTest::newRow("target crashes during the load")
            << QStringLiteral("target") << QStringLiteral("load") << true;
        QTest::newRow("source crashes while streaming")
            << QStringLiteral("source") << QStringLiteral("streaming") << true;
        QTest::newRow("target restarts while streaming")
            << QStringLiteral("target") << QStringLiteral("streaming") << false;
        // The applier commits asynchronously: the crash loses its last commits, and they are
        // applied again from the spool (pruned only up to what the target made durable).
        QTest::newRow("target crashes while streaming")
            << QStringLiteral("target") << QStringLiteral("streaming") << true;
    }
    void theRunCarriesOnAfterAServerRestart()
    {
        QFETCH(QString, server);
        QFETCH(QString, when);
        QFETCH(bool, crash);
        const QString db = QStringLiteral("restart_%1").arg(++m_seq);
        const QString tdb = db + QStringLiteral("_copy");
        test::createFaultFixture(m_pair->source, db, 80000, 10);

        QTemporaryDir state;
        engine::LocalEngineConfig c;
        c.project.name = QStringLiteral("restarts");
        c.project.mode = project::Mode::Online;
        c.project.databases.append({db, tdb, {}, {}, {}});
        c.project.settings.jobs = 2;
        c.project.settings.splitThresholdBytes = 512 * 1024;
        c.source = m_pair->source.connInfo();
        c.target = m_pair->target.connInfo();
        c.stateDir = state.path();

        test::FaultWriter w1(m_pair->source.connInfo(db), 21), w2(m_pair->source.connInfo(db), 22);
        w1.start();
        w2.start();
        engine::LocalEngine e(c);
        QSignalSpy done(&e, &engine::MigrationEngine::finished);
        e.start(engine::MigrationEngine::Until::Done);

        if (when == u"load")
            QTRY_VERIFY2_WITH_TIMEOUT(test::unitsCommitted(m_pair->target, tdb) > 0 || !done.isEmpty(),
                                      "the load did not start", 120000);
        else
            QTRY_VERIFY2_WITH_TIMEOUT(e.status().readyForCutover() || !done.isEmpty(),
                                      "not ready for cutover", 180000);
        QVERIFY2(done.isEmpty(), qPrintable(e.status().errors.join(u'\n')));
        if (when == u"load") // the load is still going on: the restart hits it
            QVERIFY(e.status().databases.first().phase == engine::DatabasePhase::FullLoad);

        test::TestCluster &victim = server == u"source" ? m_pair->source : m_pair->target;
        if (crash) {
            victim->kill9();
            victim->start();
        } else {
            victim->restart();
        }

        // It carries on by itself: ready for cutover again, with nothing to do by hand.
        QTest::qWait(1000);
        QTRY_VERIFY2_WITH_TIMEOUT(e.status().readyForCutover() || !done.isEmpty(),
                                  qPrintable(e.status().log.join(u'\n')), 180000);
        QVERIFY2(done.isEmpty(),
                 qPrintable(e.status().errors.join(u'\n') + u'\n' + e.status().log.join(u'\n')));
        const qint64 ops = w1.stop() + w2.stop();
        QVERIFY(ops > 0);
        QVERIFY2(w1.lastError().isEmpty() && w2.lastError().isEmpty(),
                 qPrintable(w1.lastError() + w2.lastError()));
        if (server == u"source")
            QVERIFY(w1.reconnects() + w2.reconnects() > 0); // the writers did see the restart

        QTRY_VERIFY_WITH_TIMEOUT(e.requestCutover(), 60000);
        QVERIFY(done.wait(180000));
        const engine::MigrationStatus last = e.status();
        if (!done.first().first().toBool())
            qWarning().noquote() << last.log.join(u'\n');
        QVERIFY2(done.first().first().toBool(),
                 qPrintable(last.errors.join(u'\n') + u'\n' + last.log.join(u'\n')));
        // The retries were visible in the log, and bounded.
        const QString log = last.log.join(u'\n');
        QVERIFY2(log.contains(u"retrying") || log.contains(u"resuming"), qPrintable(log));

        test::makeWritable(m_pair->source, db);
        const QString diff = test::differences(m_pair->source, db, m_pair->target, tdb);
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
    }
};

QTEST_GUILESS_MAIN(TestRestarts)
#include "tst_restarts.moc"
