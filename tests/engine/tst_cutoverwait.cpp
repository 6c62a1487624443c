// A cutover asked for while the replication lag is above the "ready" threshold (it was below a
// moment ago, the source then wrote a burst) is accepted and waits for the lag to fall before it
// touches the source; one asked for before the run streams is refused with the reason. The lag is
// held up deterministically by a lock on the target that the applier has to wait for.
#include "compare.h"
#include "testclusters.h"

#include "engine/localengine.h"
#include "pg/connection.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace pgferry;

class TestCutoverWait : public QObject
{
    Q_OBJECT
    std::unique_ptr<test::TwoClusters> m_pair;

private Q_SLOTS:
    void initTestCase()
    {
        m_pair = std::make_unique<test::TwoClusters>();
        m_pair->source.createDatabase(QStringLiteral("burst"));
        m_pair->source.sql(
            QStringLiteral("burst"),
            QStringLiteral("CREATE TABLE events (id bigint PRIMARY KEY, payload text);"
                           "INSERT INTO events SELECT g, md5(g::text) FROM generate_series(1, 1000) g;"));
    }
    void cleanupTestCase() { m_pair.reset(); }

    void aCutoverDuringALagBurstWaitsForTheLag()
    {
        QTemporaryDir state;
        engine::LocalEngineConfig c = m_pair->engineConfig(
            state.path(), project::Mode::Online, QStringLiteral("burst"), QStringLiteral("burst_copy"));
        c.project.settings.cutover.maxLagBytesForReady = 64 * 1024;
        engine::LocalEngine e(c);
        QSignalSpy done(&e, &engine::MigrationEngine::finished);
        e.start(engine::MigrationEngine::Until::Done);

        QString why;
        QVERIFY(!e.requestCutover(&why)); // not streaming yet: refused, and says why
        QVERIFY2(why.contains(u"not ready"), qPrintable(why));

        QTRY_VERIFY2_WITH_TIMEOUT(e.status().readyForCutover() || !done.isEmpty(), "never ready", 180000);
        QVERIFY2(done.isEmpty(), qPrintable(e.status().errors.join(u'\n')));

        // The applier will wait on this lock: the burst stays pending, the lag above the threshold.
        pg::Connection blocker = m_pair->target.connect(QStringLiteral("burst_copy"));
        blocker.exec(QStringLiteral("BEGIN"));
        blocker.exec(QStringLiteral("LOCK TABLE events IN ACCESS EXCLUSIVE MODE"));
        m_pair->source.sql(
            QStringLiteral("burst"),
            QStringLiteral(
                "INSERT INTO events SELECT g, repeat(md5(g::text), 4) FROM generate_series(1001, 6000) g;"));
        QTRY_VERIFY2_WITH_TIMEOUT(e.status().databases.first().notReadyReason.startsWith(u"replication lag"),
                                  qPrintable(e.status().databases.first().notReadyReason), 60000);

        QVERIFY2(e.requestCutover(&why), qPrintable(why));
        QTRY_VERIFY_WITH_TIMEOUT(e.status().log.join(u'\n').contains(u"waiting for the replication lag"),
                                 10000);
        // Waiting, not cutting over: the source is still writable and the stream still open.
        QTest::qWait(1500);
        QVERIFY(done.isEmpty());
        QCOMPARE(e.status().databases.first().phase, engine::DatabasePhase::Streaming);

        blocker.exec(QStringLiteral("ROLLBACK"));
        QVERIFY(done.wait(180000));
        const engine::MigrationStatus last = e.status();
        QVERIFY2(done.first().first().toBool(),
                 qPrintable(last.errors.join(u'\n') + u'\n' + last.log.join(u'\n')));
        QCOMPARE(last.databases.first().phase, engine::DatabasePhase::Done);
        pg::Connection s = m_pair->source.connect(QStringLiteral("burst"));
        pg::Connection t = m_pair->target.connect(QStringLiteral("burst_copy"));
        QCOMPARE(t.exec(QStringLiteral("SELECT count(*) FROM events")).toInt(0, 0), 6000);
        const auto cmp = test::compareDatabases(s, t);
        QVERIFY2(cmp.identical(), qPrintable(cmp.differences.join(u'\n')));
    }
};

QTEST_GUILESS_MAIN(TestCutoverWait)
#include "tst_cutoverwait.moc"
