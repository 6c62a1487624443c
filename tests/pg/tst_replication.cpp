// Replication connection: IDENTIFY_SYSTEM, a slot that exports a snapshot which another session
// imports, and CopyBoth streaming of test_decoding output with standby status updates.
#include "pg/replication.h"
#include "testclusters.h"

#include <QTest>

using namespace pgferry;
using namespace std::chrono_literals;

class TestReplication : public QObject
{
    Q_OBJECT
    std::unique_ptr<test::TestCluster> m_server;

private Q_SLOTS:
    void initTestCase()
    {
        m_server = std::make_unique<test::TestCluster>(QStringLiteral("repl"));
        m_server->sql(QStringLiteral("postgres"),
                      QStringLiteral("CREATE TABLE items (id int PRIMARY KEY, v text);"
                                     "INSERT INTO items VALUES (1, 'before');"));
    }
    void cleanupTestCase() { m_server.reset(); }

    void identifiesTheSystem()
    {
        auto rc = pg::ReplicationConnection::open(m_server->connInfo());
        const auto id = rc.identifySystem();
        QVERIFY(!id.systemId.isEmpty());
        QVERIFY(id.timeline >= 1);
        QVERIFY(id.xlogpos > 0);
        QCOMPARE(id.dbname, QStringLiteral("postgres"));
    }

    void snapshotAndStreamMeetExactly()
    {
        auto rc = pg::ReplicationConnection::open(m_server->connInfo());
        const auto slot =
            rc.createLogicalSlot(QStringLiteral("pgferry_test_slot"), QStringLiteral("test_decoding"), true);
        QVERIFY(!slot.snapshotName.isEmpty());
        QVERIFY(slot.consistentPoint > 0);

        // A change after the slot: invisible to the snapshot, present in the stream.
        pg::Connection writer = m_server->connect();
        writer.exec(QStringLiteral("INSERT INTO items VALUES (2, 'after')"));

        pg::Connection reader = m_server->connect();
        reader.exec(QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ"));
        reader.exec(QStringLiteral("SET TRANSACTION SNAPSHOT ") + reader.quoteLiteral(slot.snapshotName));
        QCOMPARE(reader.exec(QStringLiteral("SELECT count(*) FROM items")).toInt(0, 0), 1);
        reader.exec(QStringLiteral("COMMIT"));

        // The exporting connection may now stream (the snapshot is no longer needed).
        rc.startLogical(slot.name, slot.consistentPoint, {});
        QByteArray seen;
        pg::Lsn last = 0;
        const auto deadline = std::chrono::steady_clock::now() + 20s;
        while (!seen.contains("COMMIT") && std::chrono::steady_clock::now() < deadline) {
            const auto m = rc.read(500ms);
            if (m.kind == pg::ReplicationMessage::Kind::XLogData) {
                seen += m.data + '\n';
                last = m.walStart;
            } else if (m.kind == pg::ReplicationMessage::Kind::Keepalive && m.replyRequested) {
                rc.sendStatus(last, last, last);
            }
        }
        QVERIFY2(seen.contains("table public.items: INSERT: id[integer]:2 v[text]:'after'"),
                 seen.constData());
        QVERIFY(!seen.contains("'before'"));
        rc.sendStatus(last, last, last);
        rc.endStreaming();

        // The confirmed position moved on the server.
        QTRY_VERIFY_WITH_TIMEOUT(writer
                                     .exec(QStringLiteral("SELECT confirmed_flush_lsn > $1::pg_lsn FROM "
                                                          "pg_replication_slots WHERE slot_name = $2"),
                                           {pg::formatLsn(slot.consistentPoint), slot.name})
                                     .toBool(0, 0),
                                 10000);
        rc.dropSlot(slot.name);
        QCOMPARE(writer.exec(QStringLiteral("SELECT count(*) FROM pg_replication_slots")).toInt(0, 0), 0);
    }

    void badSlotNamesAreRefused()
    {
        auto rc = pg::ReplicationConnection::open(m_server->connInfo());
        QVERIFY_THROWS_EXCEPTION(pg::Exception, rc.createLogicalSlot(QStringLiteral("bad name; DROP"),
                                                                     QStringLiteral("test_decoding"), false));
    }

    void lsnFormatRoundTrips()
    {
        bool ok = false;
        const pg::Lsn l = pg::parseLsn(QStringLiteral("16/B374D848"), &ok);
        QVERIFY(ok);
        QCOMPARE(l, (pg::Lsn(0x16) << 32) | 0xB374D848);
        QCOMPARE(pg::formatLsn(l), QStringLiteral("16/B374D848"));
        pg::parseLsn(QStringLiteral("garbage"), &ok);
        QVERIFY(!ok);
    }
};

QTEST_GUILESS_MAIN(TestReplication)
#include "tst_replication.moc"
