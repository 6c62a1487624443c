// Dropped and stalled connections between pgferry and the source, through a loopback TCP proxy:
// every connection cut (during the load and while streaming), new connections refused for a
// while, every chunk delayed, and a blackhole that forwards nothing and closes nothing. pgferry
// says it retries, never waits past its timeouts, and the target ends identical.
#include "faultkit.h"
#include "tcpproxy.h"

#include "engine/localengine.h"
#include "pg/connection.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace pgferry;

class TestDroppedConnections : public QObject
{
    Q_OBJECT
    std::unique_ptr<test::TwoClusters> m_pair;
    int m_seq = 0;

private Q_SLOTS:
    void initTestCase()
    {
        // Probe a quiet session after 3 s instead of 30 s, so a stranded worker is found quickly.
        qputenv("PGFERRY_STALL_PROBE_SECONDS", "3");
        m_pair = std::make_unique<test::TwoClusters>();
    }
    void cleanupTestCase() { m_pair.reset(); }

    void theProxyForwardsAndCuts()
    {
        test::TcpProxy proxy(QStringLiteral("127.0.0.1"), m_pair->source->port());
        pg::ConnInfo ci = m_pair->source.connInfo();
        ci.port = proxy.port();
        pg::Connection c = pg::Connection::open(ci);
        QCOMPARE(c.exec(QStringLiteral("SELECT 40 + 2")).toInt(0, 0), 42);
        QCOMPARE(proxy.cutAll(), 1);
        const auto err = c.tryExec(QStringLiteral("SELECT 1"));
        QVERIFY(err.has_value());
        QCOMPARE(err->category, pg::ErrorCategory::Connection);
        QVERIFY(err->retryable());
        // Blackhole: a connection attempt gives up at its deadline instead of hanging.
        proxy.setMode(test::TcpProxy::Mode::Blackhole);
        QElapsedTimer t;
        t.start();
        try {
            pg::Connection::open(ci, {.timeout = std::chrono::milliseconds(1500)});
            QFAIL("connected through a blackhole");
        } catch (const pg::Exception &e) {
            QCOMPARE(e.error().category, pg::ErrorCategory::Timeout);
        }
        QVERIFY(t.elapsed() < 10000);
        proxy.setMode(test::TcpProxy::Mode::Pass);
        pg::Connection again = pg::Connection::open(ci);
        QCOMPARE(again.exec(QStringLiteral("SELECT 1")).toInt(0, 0), 1);
    }

    void theRunGetsPastDroppedAndStalledConnections_data()
    {
        QTest::addColumn<QString>("fault");
        QTest::newRow("cut during the load") << QStringLiteral("cut-load");
        QTest::newRow("cut and refused while streaming") << QStringLiteral("cut-stream");
        // The applier applies a large transaction while it arrives: the cut throws away what it
        // read of it, and it is applied once, whole, when the source sends it again.
        QTest::newRow("cut in the middle of a large transaction") << QStringLiteral("cut-bigtxn");
        QTest::newRow("delayed chunks throughout") << QStringLiteral("delay");
        QTest::newRow("blackhole during the load, then back") << QStringLiteral("blackhole-load");
        QTest::newRow("blackhole while streaming") << QStringLiteral("blackhole-stream");
        QTest::newRow("open links stalled for good during the load") << QStringLiteral("stall-load");
    }
    void theRunGetsPastDroppedAndStalledConnections()
    {
        QFETCH(QString, fault);
        const QString db = QStringLiteral("proxy_%1").arg(++m_seq);
        const QString tdb = db + QStringLiteral("_copy");
        test::createFaultFixture(m_pair->source, db, 60000, 10);
        test::TcpProxy proxy(QStringLiteral("127.0.0.1"), m_pair->source->port());
        if (fault == u"delay")
            proxy.setDelayMs(30);

        QTemporaryDir state;
        engine::LocalEngineConfig c;
        c.project.name = QStringLiteral("proxy");
        c.project.mode = project::Mode::Online;
        c.project.databases.append({db, tdb, {}, {}, {}});
        c.project.settings.jobs = 2;
        c.project.settings.splitThresholdBytes = 512 * 1024;
        c.source = m_pair->source.connInfo();
        c.source.port = proxy.port(); // pgferry reaches the source through the proxy only
        c.target = m_pair->target.connInfo();
        c.stateDir = state.path();

        test::FaultWriter w1(m_pair->source.connInfo(db), 31), w2(m_pair->source.connInfo(db), 32);
        w1.start();
        w2.start();
        engine::LocalEngine e(c);
        QSignalSpy done(&e, &engine::MigrationEngine::finished);
        e.start(engine::MigrationEngine::Until::Done);

        if (fault.endsWith(u"-load")) {
            QTRY_VERIFY2_WITH_TIMEOUT(test::unitsCommitted(m_pair->target, tdb) > 0 || !done.isEmpty(),
                                      "the load did not start", 120000);
            QVERIFY2(done.isEmpty(), qPrintable(e.status().errors.join(u'\n')));
            if (fault == u"cut-load") {
                QVERIFY(proxy.cutAll() > 0);
            } else if (fault == u"stall-load") {
                // The copying sessions never hear from the source again, and nothing closes them:
                // the probe finds them stranded, the workers reconnect through fresh links.
                QVERIFY(proxy.freezeOpen() > 0);
                QTRY_VERIFY2_WITH_TIMEOUT(e.status().log.join(u'\n').contains(u"stalled") || !done.isEmpty(),
                                          "a stalled copy was not noticed", 60000);
                QVERIFY2(done.isEmpty(), qPrintable(e.status().errors.join(u'\n')));
            } else {
                proxy.setMode(test::TcpProxy::Mode::Blackhole);
                QTest::qWait(4000);
                proxy.setMode(test::TcpProxy::Mode::Pass);
            }
        } else if (fault == u"cut-bigtxn") {
            QTRY_VERIFY2_WITH_TIMEOUT(e.status().readyForCutover() || !done.isEmpty(),
                                      "not ready for cutover", 180000);
            QVERIFY2(done.isEmpty(), qPrintable(e.status().errors.join(u'\n')));
            w1.stop(); // the large transaction alone in the stream
            w2.stop();
            // A slow link: the transaction (about 60 MB of pgoutput) takes a while to arrive, and
            // the applier starts on it meanwhile.
            proxy.setRateLimit(4 << 20);
            m_pair->source.sql(
                db, QStringLiteral("BEGIN;"
                                   "UPDATE big SET payload = payload || 'x';"
                                   "INSERT INTO big (k, payload) SELECT g % 1000, repeat(md5(g::text), 6) "
                                   "FROM generate_series(1, 200000) g;"
                                   "COMMIT;"));
            // Inside it on the target (the applier's open transaction holds big's lock), then cut.
            pg::Connection t = m_pair->target.connect(tdb);
            QTRY_VERIFY_WITH_TIMEOUT(
                t.exec(
                     QStringLiteral(
                         "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                         "WHERE c.relname = 'big' AND l.mode = 'RowExclusiveLock' "
                         "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"))
                        .toInt(0, 0) > 0,
                120000);
            proxy.setMode(test::TcpProxy::Mode::Refuse);
            QVERIFY(proxy.cutAll() > 0);
            proxy.setRateLimit(0);
            QTest::qWait(2000);
            proxy.setMode(test::TcpProxy::Mode::Pass);
        } else if (fault.endsWith(u"-stream")) {
            QTRY_VERIFY2_WITH_TIMEOUT(e.status().readyForCutover() || !done.isEmpty(),
                                      "not ready for cutover", 180000);
            QVERIFY2(done.isEmpty(), qPrintable(e.status().errors.join(u'\n')));
            if (fault == u"cut-stream") {
                proxy.setMode(test::TcpProxy::Mode::Refuse);
                QVERIFY(proxy.cutAll() > 0);
                // Not connected, and it says so.
                QTRY_VERIFY_WITH_TIMEOUT(!e.status().databases.first().readyForCutover, 10000);
                QTest::qWait(3000);
                proxy.setMode(test::TcpProxy::Mode::Pass);
            } else {
                proxy.setMode(test::TcpProxy::Mode::Blackhole);
                // No hang: within the stall timeout (20 s) the stream gives the connection up,
                // reports why, and retries.
                QElapsedTimer t;
                t.start();
                QTRY_VERIFY_WITH_TIMEOUT(e.status().databases.first().notReadyReason.contains(u"stalled"),
                                         45000);
                QVERIFY(t.elapsed() < 45000);
                proxy.setMode(test::TcpProxy::Mode::Pass);
            }
        }

        QTRY_VERIFY2_WITH_TIMEOUT(e.status().readyForCutover() || !done.isEmpty(),
                                  qPrintable(e.status().log.join(u'\n')), 180000);
        if (!done.isEmpty()) // QVERIFY2 cuts long messages: the whole log first
            for (const QString &line : e.status().log)
                qInfo().noquote() << line;
        QVERIFY2(done.isEmpty(),
                 qPrintable(e.status().errors.join(u'\n') + u'\n' + e.status().log.join(u'\n')));
        QTest::qWait(500);
        QVERIFY(w1.stop() + w2.stop() > 0); // committed in all, whenever they were stopped
        QVERIFY2(w1.lastError().isEmpty() && w2.lastError().isEmpty(),
                 qPrintable(w1.lastError() + w2.lastError()));
        QTRY_VERIFY_WITH_TIMEOUT(e.requestCutover(), 60000);
        QVERIFY(done.wait(180000));
        const engine::MigrationStatus last = e.status();
        QVERIFY2(done.first().first().toBool(),
                 qPrintable(last.errors.join(u'\n') + u'\n' + last.log.join(u'\n')));
        if (fault.startsWith(u"cut") || fault == u"blackhole-stream" || fault == u"stall-load") {
            const QString log = last.log.join(u'\n');
            QVERIFY2(log.contains(u"retrying") || log.contains(u"resuming"), qPrintable(log));
        }
        if (fault == u"cut-bigtxn") { // what the applier had read of it was read again
            const QString log = last.log.join(u'\n');
            if (!log.contains(u"reading them again"))
                for (const QString &line : last.log)
                    qInfo().noquote() << line;
            QVERIFY(log.contains(u"reading them again"));
        }
        test::makeWritable(m_pair->source, db);
        const QString diff = test::differences(m_pair->source, db, m_pair->target, tdb);
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
    }
};

QTEST_GUILESS_MAIN(TestDroppedConnections)
#include "tst_droppedconnections.moc"
