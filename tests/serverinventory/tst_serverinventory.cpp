// ServerInventory against a real PostgreSQL 15: databases with size and table count (leaf
// partitions counted, system schemas not), awkward names, tables largest first, clear errors.
#include "assess/serverinventory.h"
#include "testclusters.h"

#include <QTest>

using namespace pgferry;

class TestServerInventory : public QObject
{
    Q_OBJECT
    std::unique_ptr<test::TestCluster> m_server;

private Q_SLOTS:
    void initTestCase()
    {
        m_server = std::make_unique<test::TestCluster>(QStringLiteral("inventory"));
        m_server->createDatabase(QStringLiteral("shop"));
        m_server->createDatabase(QStringLiteral("we\"ird; db"));
        m_server->sql(
            QStringLiteral("shop"),
            QStringLiteral(
                "CREATE TABLE small (id int); CREATE TABLE big (id int, pad text);"
                "INSERT INTO big SELECT g, repeat('x', 200) FROM generate_series(1, 5000) g; ANALYZE big;"
                "CREATE SCHEMA \"Sales\"; CREATE TABLE \"Sales\".\"Ørders\" (id int) PARTITION BY RANGE (id);"
                "CREATE TABLE \"Sales\".o1 PARTITION OF \"Sales\".\"Ørders\" FOR VALUES FROM (0) TO (10);"
                "CREATE VIEW v AS SELECT 1;"));
    }
    void cleanupTestCase() { m_server.reset(); }

    void listsDatabasesWithSizeAndTableCount()
    {
        pg::Error err;
        auto inv = assess::inventoryServer(m_server->connInfo(), &err);
        QVERIFY2(inv, qPrintable(err.toString()));
        QVERIFY(inv->serverVersion >= 150000);
        QCOMPARE(inv->walLevel, QStringLiteral("logical"));
        QVERIFY(inv->superuser);
        QStringList names;
        for (const auto &d : inv->databases)
            names << d.name;
        QVERIFY(names.contains(QStringLiteral("shop")));
        QVERIFY(names.contains(QStringLiteral("we\"ird; db")));
        QVERIFY(!names.contains(QStringLiteral("template1")));
        for (const auto &d : inv->databases) {
            QVERIFY2(d.sizeBytes > 0, qPrintable(d.name));
            if (d.name == u"shop")
                QCOMPARE(d.tableCount, 3); // small, big, the leaf partition; not the parent or the view
            if (d.name == u"we\"ird; db")
                QCOMPARE(d.tableCount, 0);
        }
    }

    void skipsTableCountsWhenNotAsked()
    {
        pg::Error err;
        auto inv = assess::inventoryServer(m_server->connInfo(), &err, false);
        QVERIFY(inv);
        for (const auto &d : inv->databases)
            QCOMPARE(d.tableCount, -1);
    }

    void listsTablesLargestFirst()
    {
        pg::Error err;
        auto tables = assess::inventoryTables(m_server->connInfo(QStringLiteral("shop")), &err);
        QVERIFY2(tables, qPrintable(err.toString()));
        QCOMPARE(tables->size(), 3);
        QCOMPARE(tables->first().qualifiedName(), QStringLiteral("public.big"));
        QCOMPARE(tables->first().rowsEstimated, 5000);
        QVERIFY(tables->first().sizeBytes > tables->last().sizeBytes);
        bool sawLeaf = false;
        for (const auto &t : *tables)
            sawLeaf |= t.qualifiedName() == u"Sales.o1";
        QVERIFY(sawLeaf);
    }

    void unreachableServerIsAConnectionErrorNotAnException()
    {
        pg::ConnInfo ci = m_server->connInfo();
        ci.port = sandbox::freeLoopbackPort();
        pg::Error err;
        QVERIFY(!assess::inventoryServer(ci, &err));
        QCOMPARE(err.category, pg::ErrorCategory::Connection);
        QVERIFY(!err.toString().isEmpty());
    }

    void missingDatabaseIsNotFound()
    {
        pg::Error err;
        QVERIFY(!assess::inventoryTables(m_server->connInfo(QStringLiteral("no_such_db")), &err));
        QVERIFY(err.isError());
    }
};

QTEST_GUILESS_MAIN(TestServerInventory)
#include "tst_serverinventory.moc"
