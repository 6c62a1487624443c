// The acceptance runs of the local engine: the trap database (every trap of DESIGN.md, in a
// database whose name has ";", a quote, a space and Unicode) and the public pagila sample, each
// migrated offline and online while the workload writes to the source, then compared row by row,
// sequence by sequence and large object by large object with the source.
#include "compare.h"
#include "engine/localengine.h"
#include "fixtures.h"
#include "testclusters.h"
#include "workload.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace pgferry;

class TestTrapsAndPagila : public QObject
{
    Q_OBJECT
    std::unique_ptr<test::TwoClusters> m_pair;
    QString m_traps;

    engine::LocalEngineConfig config(const QString &state, const QString &db, const QString &targetDb,
                                     project::Mode mode, const QString &decoder = {})
    {
        engine::LocalEngineConfig c;
        c.project.name = QStringLiteral("acceptance");
        c.project.mode = mode;
        c.project.databases.append({db, targetDb, {}, {}});
        c.project.settings.jobs = 2;
        c.project.settings.splitThresholdBytes = 256 * 1024; // the larger tables go in ranges
        c.source = m_pair->source.connInfo();
        c.target = m_pair->target.connInfo();
        c.stateDir = state;
        c.decoder = decoder;
        return c;
    }

    void expectIdentical(const QString &db, const QString &targetDb)
    {
        pg::Connection s = m_pair->source.connect(db);
        pg::Connection t = m_pair->target.connect(targetDb);
        const auto cmp = test::compareDatabases(s, t);
        QVERIFY2(cmp.identical(), qPrintable(cmp.differences.mid(0, 20).join(u'\n')));
        QVERIFY(cmp.tablesCompared > 5);
    }

    void runOffline(const QString &db, const QString &targetDb)
    {
        QTemporaryDir state;
        engine::LocalEngine e(config(state.path(), db, targetDb, project::Mode::Offline));
        QSignalSpy done(&e, &engine::MigrationEngine::finished);
        e.start(engine::MigrationEngine::Until::Done);
        QVERIFY(done.wait(600000));
        QVERIFY2(done.first().first().toBool(), qPrintable(e.status().errors.join(u'\n')));
        expectIdentical(db, targetDb);
    }

    void runOnline(const QString &db, const QString &targetDb, test::Workload::Profile profile,
                   const QString &decoder)
    {
        QTemporaryDir state;
        test::Workload::Options wo;
        wo.profile = profile;
        wo.transactionsPerSecond = 60;
        test::Workload load(m_pair->source.connInfo(db), wo);
        load.start(2);
        auto cfg = config(state.path(), db, targetDb, project::Mode::Online, decoder);
        cfg.project.settings.cutover.makeSourceReadOnly = false; // the test stops its writers itself
        engine::LocalEngine e(cfg);
        QSignalSpy done(&e, &engine::MigrationEngine::finished);
        e.start(engine::MigrationEngine::Until::Done);
        QTRY_VERIFY2_WITH_TIMEOUT(e.status().readyForCutover() || !done.isEmpty(),
                                  qPrintable(e.status().errors.join(u'\n')), 600000);
        QVERIFY2(done.isEmpty(),
                 qPrintable(e.status().errors.join(u'\n') + u'\n' + e.status().log.join(u'\n')));
        QTest::qWait(2000); // streaming under writes
        const test::WorkloadStats ws = load.stop();
        QVERIFY2(ws.errors.isEmpty(), qPrintable(ws.errors.join(u'\n')));
        QVERIFY(ws.rowsChanged() > 20);
        QString why;
        QTRY_VERIFY_WITH_TIMEOUT(e.requestCutover(&why), 120000);
        QVERIFY(done.wait(600000));
        QVERIFY2(done.first().first().toBool(),
                 qPrintable(e.status().errors.join(u'\n') + u'\n' + e.status().log.join(u'\n')));
        expectIdentical(db, targetDb);
        // The cutover's schema comparison (columns, indexes, constraints by name) sees no
        // difference on the awkward schemas either.
        for (const QString &line : e.status().log)
            QVERIFY2(!line.contains(u"schema differs"), qPrintable(line));
        pg::Connection s = m_pair->source.connect(db);
        QCOMPARE(s.exec(QStringLiteral(
                            "SELECT count(*) FROM pg_replication_slots WHERE database = current_database()"))
                     .toInt(0, 0),
                 0);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_pair = std::make_unique<test::TwoClusters>();
        m_traps = test::trapsDatabaseName();
        test::loadTraps(m_pair->source, m_traps);
        test::loadPagila(m_pair->source, QStringLiteral("pagila"));
        // The trap roles exist on the source cluster; the engine creates them on the target.
    }
    void cleanupTestCase() { m_pair.reset(); }

    void trapsOffline() { runOffline(m_traps, m_traps + QStringLiteral(" offline")); }
    void pagilaOffline() { runOffline(QStringLiteral("pagila"), QStringLiteral("pagila_offline")); }
    void trapsOnlinePgoutput()
    {
        runOnline(m_traps, m_traps + QStringLiteral(" pgoutput"), test::Workload::Profile::Traps,
                  QStringLiteral("pgoutput"));
    }
    void trapsOnlineTestDecoding()
    {
        runOnline(m_traps, m_traps + QStringLiteral(" td"), test::Workload::Profile::Traps,
                  QStringLiteral("test_decoding"));
    }
    void pagilaOnlineUnderRentalAndPaymentWrites()
    {
        runOnline(QStringLiteral("pagila"), QStringLiteral("pagila_online"), test::Workload::Profile::Pagila,
                  QStringLiteral("pgoutput"));
    }
};

QTEST_GUILESS_MAIN(TestTrapsAndPagila)
#include "tst_trapsandpagila.moc"
