// The workload: concurrent writers against the traps and pagila fixtures run every operation
// without an error, change rows (moves across partitions, TOAST-unchanged updates, one of two
// duplicates, truncates, audit-trigger writes, sequences), survive a server restart when asked to,
// and report errors instead of hiding them.
#include "compare.h"
#include "fixtures.h"
#include "workload.h"

#include <QElapsedTimer>
#include <QTest>

using namespace pgferry;
using test::Workload;

class TestWorkload : public QObject
{
    Q_OBJECT
    std::unique_ptr<test::TestCluster> m_cluster;

    void copyDatabase(const QString &from, const QString &to)
    {
        pg::Connection admin = m_cluster->connect();
        admin.exec(QStringLiteral("CREATE DATABASE %1 TEMPLATE %2 STRATEGY FILE_COPY")
                       .arg(admin.quoteIdent(to), admin.quoteIdent(from)));
    }

    // Runs until every operation of the profile has committed at least once and `minimumMs` passed.
    static test::WorkloadStats runUntilEveryOperationRan(Workload &w, Workload::Profile profile, int writers,
                                                         int minimumMs)
    {
        const QStringList names = Workload::operationNames(profile);
        QElapsedTimer clock;
        clock.start();
        w.start(writers);
        auto done = [&] {
            const test::WorkloadStats s = w.stats();
            if (!s.errors.isEmpty())
                return true; // stop early: the caller reports them
            for (const QString &n : names)
                if (s.operations.value(n) == 0)
                    return false;
            return clock.elapsed() >= minimumMs;
        };
        // The caller checks what ran; a timeout shows up there as missing operations.
        (void)QTest::qWaitFor(done, 60000);
        return w.stop();
    }

    static QString missingOperations(const test::WorkloadStats &s, Workload::Profile profile)
    {
        QStringList missing;
        for (const QString &n : Workload::operationNames(profile))
            if (s.operations.value(n) == 0)
                missing << n;
        return missing.join(u", ");
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_cluster = std::make_unique<test::TestCluster>(QStringLiteral("workload"));
        test::loadTraps(*m_cluster, QStringLiteral("traps"));
        test::loadPagila(*m_cluster, QStringLiteral("pagila"));
        copyDatabase(QStringLiteral("traps"), QStringLiteral("traps before"));
        copyDatabase(QStringLiteral("pagila"), QStringLiteral("pagila before"));
    }
    void cleanupTestCase() { m_cluster.reset(); }

    void trapsWorkloadRunsEveryOperationWithoutErrors()
    {
        Workload w(m_cluster->connInfo(QStringLiteral("traps")), {Workload::Profile::Traps, 7, 60, false});
        const test::WorkloadStats s = runUntilEveryOperationRan(w, Workload::Profile::Traps, 2, 3000);
        QVERIFY2(s.errors.isEmpty(), qPrintable(s.errors.join(u'\n')));
        QVERIFY2(missingOperations(s, Workload::Profile::Traps).isEmpty(),
                 qPrintable(missingOperations(s, Workload::Profile::Traps)));
        QVERIFY(s.inserts > 0 && s.updates > 0 && s.deletes > 0);
        QVERIFY(s.truncates >= 1);
        QVERIFY(s.nextvals > 0);
        QVERIFY(!w.isRunning());
        qInfo().noquote() << s.summary();

        pg::Connection c = m_cluster->connect(QStringLiteral("traps"));
        pg::Connection before = m_cluster->connect(QStringLiteral("traps before"));
        // The audit trigger fired.
        QVERIFY(
            c.exec(QStringLiteral(R"(SELECT count(*) FROM "Weird ""Schema""".audit_log)")).toInt(0, 0) >
            before.exec(QStringLiteral(R"(SELECT count(*) FROM "Weird ""Schema""".audit_log)")).toInt(0, 0));
        // TOASTed documents were updated while their body stayed as it was.
        QVERIFY(c.exec(QStringLiteral("SELECT count(*) FROM public.documents WHERE id <= 30 AND version > 1"))
                    .toInt(0, 0) > 0);
        // Rows left their partition: some 2023 ids now live in another leaf.
        const QString leaves =
            QStringLiteral("SELECT string_agg(id::text || tableoid::regclass::text, ',' ORDER BY id) "
                           "FROM public.measurements WHERE id <= 12000");
        QVERIFY(c.exec(leaves).text(0, 0) != before.exec(leaves).text(0, 0));
        // And the comparison sees the changes: tables and sequences.
        const test::CompareResult diff = test::compareDatabases(before, c);
        QVERIFY(!diff.identical());
        const QString all = diff.differences.join(u'\n');
        QVERIFY2(all.contains(u"\"measurements_") && all.contains(u"\"dup_rows\"") &&
                     all.contains(u"sequence "),
                 qPrintable(all));
    }

    void pagilaWorkloadWritesRentalsAndPayments()
    {
        Workload w(m_cluster->connInfo(QStringLiteral("pagila")), {Workload::Profile::Pagila, 11, 60, false});
        const test::WorkloadStats s = runUntilEveryOperationRan(w, Workload::Profile::Pagila, 2, 3000);
        QVERIFY2(s.errors.isEmpty(), qPrintable(s.errors.join(u'\n')));
        QVERIFY2(missingOperations(s, Workload::Profile::Pagila).isEmpty(),
                 qPrintable(missingOperations(s, Workload::Profile::Pagila)));
        QVERIFY(s.inserts > 0 && s.updates > 0 && s.deletes > 0);
        qInfo().noquote() << s.summary();

        pg::Connection c = m_cluster->connect(QStringLiteral("pagila"));
        pg::Connection before = m_cluster->connect(QStringLiteral("pagila before"));
        const test::CompareResult diff = test::compareDatabases(before, c);
        const QString all = diff.differences.join(u'\n');
        QVERIFY2(all.contains(u"\"rental\"") && all.contains(u"\"payment_p2022_"), qPrintable(all));
    }

    void aSecondRunOnTheSameDatabaseFindsFreshKeys()
    {
        // Engine tests run the workload again after a crash: keys come from sequences, never collide.
        Workload w(m_cluster->connInfo(QStringLiteral("traps")), {Workload::Profile::Traps, 7, 0, false});
        const test::WorkloadStats s = runUntilEveryOperationRan(w, Workload::Profile::Traps, 3, 0);
        QVERIFY2(s.errors.isEmpty(), qPrintable(s.errors.join(u'\n')));
    }

    void aServerRestartIsSurvivedWhenReconnectIsOn()
    {
        Workload w(m_cluster->connInfo(QStringLiteral("pagila")), {Workload::Profile::Pagila, 3, 50, true});
        w.start(2);
        QTRY_VERIFY_WITH_TIMEOUT(w.stats().transactions >= 20, 30000);
        (*m_cluster)->restart();
        const qint64 afterRestart = w.stats().transactions;
        QTRY_VERIFY_WITH_TIMEOUT(w.stats().transactions >= afterRestart + 20, 30000);
        const test::WorkloadStats s = w.stop();
        QVERIFY2(s.errors.isEmpty(), qPrintable(s.errors.join(u'\n')));
        QVERIFY(s.reconnects >= 1);
    }

    void errorsAreReportedNotSwallowed()
    {
        copyDatabase(QStringLiteral("traps before"), QStringLiteral("traps broken"));
        m_cluster->sql(QStringLiteral("traps broken"), QStringLiteral("DROP TABLE public.truncate_me"));
        Workload w(m_cluster->connInfo(QStringLiteral("traps broken")),
                   {Workload::Profile::Traps, 5, 0, false});
        w.start(1);
        QTRY_VERIFY_WITH_TIMEOUT(!w.stats().errors.isEmpty(), 30000);
        const test::WorkloadStats s = w.stop();
        QVERIFY2(s.errors.first().contains(u"truncate"), qPrintable(s.errors.first()));
        QVERIFY(s.errors.first().contains(u"writer 0"));
    }

    void aDatabaseWithoutTheFixtureIsRefusedAtStart()
    {
        Workload w(m_cluster->connInfo(QStringLiteral("postgres")));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, w.start(1));
        QVERIFY(!w.isRunning());
    }
};

QTEST_GUILESS_MAIN(TestWorkload)
#include "tst_workload.moc"
