// The trap database and compareDatabases(): traps.sql holds every trap of DESIGN.md and issue 5,
// a pg_dump | pg_restore copy compares identical, and every kind of difference is reported, naming
// the object. Pagila loads as-is and copies identically too.
#include "compare.h"
#include "fixtures.h"

#include <QTest>

using namespace pgferry;

class TestTrapsFixture : public QObject
{
    Q_OBJECT
    std::unique_ptr<test::TestCluster> m_cluster;
    const QString m_reference = QStringLiteral("reference copy");
    int m_cases = 0;

    pg::Connection source() { return m_cluster->connect(test::trapsDatabaseName()); }

private Q_SLOTS:
    void initTestCase()
    {
        m_cluster = std::make_unique<test::TestCluster>(QStringLiteral("traps"));
        test::loadTraps(*m_cluster, test::trapsDatabaseName());
        test::dumpRestore(*m_cluster, test::trapsDatabaseName(), *m_cluster, m_reference);
    }
    void cleanupTestCase() { m_cluster.reset(); }

    void trapsDatabaseHoldsEveryTrap_data()
    {
        QTest::addColumn<QString>("check");
        auto row = [](const char *name, const char *sql) { QTest::newRow(name) << QString::fromUtf8(sql); };
        row("a quoted schema with a space and a quote",
            "SELECT EXISTS (SELECT FROM pg_namespace WHERE nspname = 'Weird \"Schema\"')");
        row("a Unicode schema, table and columns",
            "SELECT EXISTS (SELECT FROM pg_attribute WHERE attrelid = '\"Ünïcødé "
            "schema\".\"Ünïcødé\"'::regclass AND attname = '名前')");
        row("a reserved-word table and columns", "SELECT to_regclass('public.\"select\"') IS NOT NULL");
        row("names with a semicolon", "SELECT to_regclass('public.\"semi;colon table\"') IS NOT NULL AND "
                                      "to_regclass('\"Weird \"\"Schema\"\"\".\"Seq; down\"') IS NOT NULL");
        row("a 63-byte identifier", "SELECT EXISTS (SELECT FROM pg_attribute WHERE "
                                    "octet_length(attname::text) = 63 AND NOT attisdropped)");
        row("two tables differing only in case",
            "SELECT to_regclass('public.\"MixedCase\"') <> to_regclass('public.mixedcase')");
        row("identity ALWAYS and BY DEFAULT",
            "SELECT count(DISTINCT attidentity) = 2 FROM pg_attribute WHERE attidentity IN ('a', 'd')");
        row("a generated column", "SELECT EXISTS (SELECT FROM pg_attribute WHERE attgenerated = 's')");
        row("a dropped column with data written before",
            "SELECT EXISTS (SELECT FROM pg_attribute WHERE attisdropped "
            "AND attrelid = '\"Weird \"\"Schema\"\"\".\"Order Items\"'::regclass)");
        row("a zero-column table with rows",
            "SELECT relnatts = 0 AND (SELECT count(*) FROM public.\"zero columns\") = 5 "
            "FROM pg_class WHERE oid = 'public.\"zero columns\"'::regclass");
        row("range and list partitioning", "SELECT count(DISTINCT partstrat) = 2 FROM pg_partitioned_table");
        row("default partitions", "SELECT count(*) >= 3 FROM pg_partitioned_table WHERE partdefid <> 0");
        row("a sub-partitioned partition",
            "SELECT EXISTS (SELECT FROM pg_class WHERE relkind = 'p' AND relispartition)");
        row("a leaf whose column order differs from its parent",
            "SELECT (SELECT attnum FROM pg_attribute WHERE attrelid = "
            "'public.measurements_2023_h2'::regclass AND attname = 'id') "
            "<> (SELECT attnum FROM pg_attribute WHERE attrelid = 'public.measurements'::regclass AND "
            "attname = 'id')");
        row("inheritance outside partitioning",
            "SELECT count(*) = 2 FROM pg_inherits WHERE inhparent = 'public.vehicles'::regclass");
        row("enum, domain, composite, range and multirange types",
            "SELECT count(DISTINCT typtype) = 5 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
            "WHERE n.nspname = 'Weird \"Schema\"' AND typtype IN ('e', 'd', 'c', 'r', 'm')");
        row("an array of a composite type",
            "SELECT EXISTS (SELECT FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
            "JOIN pg_type e ON e.oid = t.typelem WHERE e.typtype = 'c' AND a.attrelid = "
            "'public.all_types'::regclass)");
        row("json, jsonb, xml and bytea",
            "SELECT count(DISTINCT atttypid) = 4 FROM pg_attribute WHERE attrelid = "
            "'public.all_types'::regclass "
            "AND atttypid IN ('json'::regtype, 'jsonb'::regtype, 'xml'::regtype, 'bytea'::regtype)");
        row("float NaN and both infinities", "SELECT count(DISTINCT f8) FILTER (WHERE f8 IN ('NaN', "
                                             "'Infinity', '-Infinity')) = 3 FROM public.all_types");
        row("numeric NaN and both infinities", "SELECT count(DISTINCT n) FILTER (WHERE n IN ('NaN', "
                                               "'Infinity', '-Infinity')) = 3 FROM public.all_types");
        row("a numeric of more than 100,000 digits",
            "SELECT max(length(n::text)) > 100000 FROM public.all_types");
        row("TOASTed text over 100 kB",
            "SELECT count(*) >= 20 FROM public.documents WHERE octet_length(body) > 100000 "
            "AND pg_column_size(body) > 100000");
        row("large objects, one empty, one over 300 kB",
            "SELECT count(*) = 5 AND min(octet_length(lo_get(oid))) = 0 AND max(octet_length(lo_get(oid))) > "
            "300000 FROM pg_largeobject_metadata");
        row("sequences counting down, by a billion, cycling and never called",
            "SELECT bool_or(increment_by < 0) AND bool_or(increment_by > 1000000000) AND bool_or(cycle) AND "
            "bool_or(last_value IS NULL) "
            "FROM pg_sequences");
        row("views and materialized views, one never populated",
            "SELECT (SELECT count(*) FROM pg_views WHERE schemaname = 'Weird \"Schema\"') = 1 "
            "AND (SELECT count(*) FILTER (WHERE ispopulated) = 1 AND count(*) = 2 FROM pg_matviews)");
        row("row-level security, forced, with policies",
            "SELECT relrowsecurity AND relforcerowsecurity AND (SELECT count(*) FROM pg_policy WHERE "
            "polrelid = c.oid) = 2 "
            "FROM pg_class c WHERE oid = 'public.tenant_data'::regclass");
        row("comments on many kinds of object",
            "SELECT count(DISTINCT classoid) >= 5 FROM pg_description WHERE objoid >= 16384");
        row("grants to extra roles", "SELECT has_table_privilege('pgferry_reader', '\"Weird "
                                     "\"\"Schema\"\"\".\"Order Items\"', 'SELECT') "
                                     "AND has_column_privilege('pgferry Writer ü', '\"Weird "
                                     "\"\"Schema\"\"\".\"Order Items\"', 'qty', 'UPDATE') "
                                     "AND NOT has_column_privilege('pgferry Writer ü', '\"Weird "
                                     "\"\"Schema\"\"\".\"Order Items\"', 'price', 'UPDATE')");
        row("objects owned by another role",
            "SELECT count(*) >= 2 FROM pg_class WHERE relowner = 'pgferry_owner'::regrole");
        row("an audit trigger writing to an audit table",
            "SELECT count(*) > 0 FROM \"Weird \"\"Schema\"\"\".audit_log");
        row("a disabled trigger",
            "SELECT EXISTS (SELECT FROM pg_trigger WHERE tgname = 'never_fires' AND tgenabled = 'D')");
        row("deferrable foreign keys, one self-referencing",
            "SELECT count(*) = 2 AND bool_or(conrelid = confrelid) FROM pg_constraint WHERE contype = 'f' "
            "AND condeferrable");
        row("an exclusion constraint using btree_gist",
            "SELECT EXISTS (SELECT FROM pg_constraint WHERE contype = 'x') AND EXISTS (SELECT FROM "
            "pg_extension WHERE extname = 'btree_gist')");
        row("REPLICA IDENTITY FULL with duplicate rows and NULLs",
            "SELECT (SELECT relreplident = 'f' FROM pg_class WHERE oid = 'public.dup_rows'::regclass) "
            "AND EXISTS (SELECT FROM public.dup_rows GROUP BY a, b, c, d HAVING count(*) > 1) "
            "AND EXISTS (SELECT FROM public.dup_rows WHERE b IS NULL)");
        row("an unlogged table",
            "SELECT relpersistence = 'u' FROM pg_class WHERE oid = 'public.scratch_unlogged'::regclass");
        row("check constraints, one NOT VALID and violated",
            "SELECT EXISTS (SELECT FROM pg_constraint WHERE contype = 'c' AND NOT convalidated) "
            "AND EXISTS (SELECT FROM public.checked WHERE low <= 0)");
        row("a primary key on the third column", "SELECT conkey = '{3}' FROM pg_constraint WHERE conrelid = "
                                                 "'public.\"select\"'::regclass AND contype = 'p'");
        row("every logged table has a primary key or REPLICA IDENTITY FULL",
            "SELECT NOT EXISTS (SELECT FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE "
            "c.relkind = 'r' "
            "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND c.relreplident <> 'f' "
            "AND NOT EXISTS (SELECT FROM pg_constraint p WHERE p.conrelid = c.oid AND p.contype = 'p'))");
        row("tens of thousands of rows in all",
            "SELECT sum(reltuples) BETWEEN 20000 AND 200000 FROM pg_class c JOIN pg_namespace n ON n.oid = "
            "c.relnamespace "
            "WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')");
    }

    void trapsDatabaseHoldsEveryTrap()
    {
        QFETCH(QString, check);
        pg::Connection c = source();
        pg::Result r = c.exec(check);
        QVERIFY2(r.toBool(0, 0), qPrintable(check));
    }

    void dumpRestoreCopyComparesIdentical()
    {
        pg::Connection a = source();
        pg::Connection b = m_cluster->connect(m_reference);
        const test::CompareResult res = test::compareDatabases(a, b);
        QVERIFY2(res.identical(), qPrintable(res.differences.join(u'\n')));
        QVERIFY2(res.tablesCompared >= 30, qPrintable(QString::number(res.tablesCompared)));
        QVERIFY2(res.rowsCompared >= 30000, qPrintable(QString::number(res.rowsCompared)));
    }

    void compareReportsEachKindOfDifference_data()
    {
        QTest::addColumn<QString>("change");
        QTest::addColumn<QString>("expected");
        auto row = [](const char *name, const char *change, const char *expected) {
            QTest::newRow(name) << QString::fromUtf8(change) << QString::fromUtf8(expected);
        };
        row("a changed row in a Unicode table",
            R"(UPDATE "Ünïcødé schema"."Ünïcødé" SET "名前" = 'x' WHERE "ключ" = 500)",
            R"("Ünïcødé schema"."Ünïcødé": row only on the target: (500,x,)");
        row("a row deleted from a leaf partition", "DELETE FROM public.measurements WHERE id = 77",
            R"("public"."measurements_default")");
        row("a row moved to another partition", "UPDATE public.events SET kind = 'click' WHERE id = 2",
            R"("public"."events_click": 1200 rows on the source, 1201 on the target)");
        row("an extra row in the zero-column table", R"(INSERT INTO public."zero columns" DEFAULT VALUES)",
            R"("public"."zero columns": 5 rows on the source, 6 on the target)");
        row("one of two duplicates lost",
            "DELETE FROM public.dup_rows WHERE ctid = (SELECT ctid FROM public.dup_rows WHERE a = 3 LIMIT 1)",
            R"("public"."dup_rows": row only on the source: (3,"dup 3",4.5,3))");
        row("one byte of a TOASTed value",
            "UPDATE public.documents SET body = overlay(body placing 'X' from 100000 for 1) WHERE id = 3",
            R"("public"."documents": same row count (200) but different contents)");
        row("NaN became Infinity", "UPDATE public.all_types SET f8 = 'Infinity' WHERE id = 10",
            R"("public"."all_types": row only on the target: (10,)");
        row("a generated column follows a changed input",
            R"(UPDATE "Weird ""Schema"""."Order Items" SET price = price + 1 WHERE id = 1000)",
            R"("Weird ""Schema"""."Order Items": row only on the target: (1000,)");
        row("a row of an inheritance child", "UPDATE ONLY public.cars SET doors = 9 WHERE id = 1001",
            R"("public"."cars": row only on the target: (1001,"car 1001",9))");
        row("a row of the unlogged table", "DELETE FROM public.scratch_unlogged WHERE id = 1",
            R"("public"."scratch_unlogged": 500 rows)");
        row("a sequence advanced", R"(SELECT nextval('"Weird ""Schema"""."Seq; down"'))",
            R"(sequence "Weird ""Schema"""."Seq; down" differs)");
        row("a sequence redefined", R"(ALTER SEQUENCE "Weird ""Schema""".seq_cycle NO CYCLE)",
            R"(sequence "Weird ""Schema"""."seq_cycle" differs)");
        row("a never-called sequence called", R"(SELECT nextval('"Weird ""Schema""".seq_unused'))",
            R"(sequence "Weird ""Schema"""."seq_unused" differs)");
        row("a large object changed", R"(SELECT lo_put(424203, 1000, '\x00'))",
            "large object 424203: different contents");
        row("a large object removed", "SELECT lo_unlink(424205)",
            "large object 424205 missing on the target");
        row("a large object added", "SELECT lo_from_bytea(424299, 'x')",
            "large object 424299 exists only on the target");
        row("a table dropped", R"(DROP TABLE public."semi;colon table")",
            R"(table "public"."semi;colon table" missing on the target)");
        row("a table added", "CREATE TABLE public.extra (id int)",
            R"(table "public"."extra" exists only on the target)");
    }

    void compareReportsEachKindOfDifference()
    {
        QFETCH(QString, change);
        QFETCH(QString, expected);
        const QString db = QStringLiteral("case %1").arg(++m_cases);
        {
            pg::Connection admin = m_cluster->connect();
            admin.exec(QStringLiteral("CREATE DATABASE %1 TEMPLATE %2 STRATEGY FILE_COPY")
                           .arg(admin.quoteIdent(db), admin.quoteIdent(m_reference)));
        }
        m_cluster->sql(db, change);
        pg::Connection a = source();
        pg::Connection b = m_cluster->connect(db);
        const test::CompareResult res = test::compareDatabases(a, b);
        QVERIFY(!res.identical());
        const QString all = res.differences.join(u'\n');
        QVERIFY2(all.contains(expected), qPrintable(all));
        // Nothing else is reported: each change touches one object.
        QVERIFY2(res.differences.size() <= 8, qPrintable(all));
    }

    void skippedTablesAreNotCompared()
    {
        const QString db = QStringLiteral("case skip");
        {
            pg::Connection admin = m_cluster->connect();
            admin.exec(QStringLiteral("CREATE DATABASE %1 TEMPLATE %2 STRATEGY FILE_COPY")
                           .arg(admin.quoteIdent(db), admin.quoteIdent(m_reference)));
        }
        m_cluster->sql(db, QStringLiteral("DELETE FROM public.truncate_me"));
        pg::Connection a = source();
        pg::Connection b = m_cluster->connect(db);
        test::CompareOptions options;
        options.skipTables << QStringLiteral("public.truncate_me");
        const test::CompareResult res = test::compareDatabases(a, b, options);
        QVERIFY2(res.identical(), qPrintable(res.differences.join(u'\n')));
    }

    void trapsLoadTwiceIntoOneCluster()
    {
        // Roles are cluster-wide: a second load must not trip over them.
        test::loadTraps(*m_cluster, QStringLiteral("traps again"));
        pg::Connection a = source();
        pg::Connection b = m_cluster->connect(QStringLiteral("traps again"));
        const test::CompareResult res = test::compareDatabases(a, b);
        QVERIFY2(res.identical(), qPrintable(res.differences.join(u'\n')));
    }

    void pagilaLoadsAsIsAndCopiesIdentically()
    {
        test::loadPagila(*m_cluster, QStringLiteral("pagila"));
        {
            pg::Connection c = m_cluster->connect(QStringLiteral("pagila"));
            QCOMPARE(c.exec(QStringLiteral("SELECT count(*) FROM public.rental")).toInt(0, 0), 16044);
            QCOMPARE(c.exec(QStringLiteral("SELECT count(*) FROM public.payment")).toInt(0, 0), 16049);
        }
        test::TestCluster other(QStringLiteral("pagila-target"));
        test::dumpRestore(*m_cluster, QStringLiteral("pagila"), other, QStringLiteral("pagila"));
        pg::Connection a = m_cluster->connect(QStringLiteral("pagila"));
        pg::Connection b = other.connect(QStringLiteral("pagila"));
        const test::CompareResult res = test::compareDatabases(a, b);
        QVERIFY2(res.identical(), qPrintable(res.differences.join(u'\n')));
        QVERIFY(res.tablesCompared >= 20);
    }
};

QTEST_GUILESS_MAIN(TestTrapsFixture)
#include "tst_trapsfixture.moc"
