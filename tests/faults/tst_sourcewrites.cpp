// What a complete online migration writes to the source: only its slot, its publication, its
// schema-change capture (event triggers, their functions and two tables in schema _pgferry, all
// removed at cutover), and the reversible read-only switch at cutover. Proved on a quiet source,
// four ways:
//  - a logical slot of the test's own (test_decoding, created before the run) decodes every row
//    change committed during the run: none but in pgferry's own tables in _pgferry;
//  - an event trigger logs every DDL command: only CREATE and DROP PUBLICATION of pgferry's own,
//    and the creation and removal of the capture's objects in _pgferry;
//  - the catalogs (relations, functions, schemas, types, roles, large objects, settings) compare
//    equal before and after, but for default_transaction_read_only on the database;
//  - the statistics' tuple counters of every table did not move.
#include "compare.h"
#include "faultkit.h"

#include "pg/connection.h"

#include <QTest>

using namespace pgferry;

namespace {

QString catalogFingerprint(pg::Connection &c)
{
    // Everything that a write to the source could leave behind, as one text.
    return c
        .exec(QStringLiteral(R"SQL(
SELECT concat_ws(E'\n',
  (SELECT string_agg(oid::text || ':' || relname || ':' || relkind::text, ',' ORDER BY oid) FROM pg_class
     WHERE relnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
       AND relnamespace::regnamespace::text NOT LIKE 'pg_toast%'),
  (SELECT string_agg(oid::text || ':' || proname, ',' ORDER BY oid) FROM pg_proc
     WHERE pronamespace <> 'pg_catalog'::regnamespace),
  (SELECT string_agg(oid::text || ':' || nspname, ',' ORDER BY oid) FROM pg_namespace),
  (SELECT count(*)::text FROM pg_type),
  (SELECT count(*)::text FROM pg_trigger),
  (SELECT count(*)::text FROM pg_largeobject_metadata),
  (SELECT string_agg(concat_ws(':', rolname, rolsuper, rolcanlogin, rolreplication), ',' ORDER BY rolname) FROM pg_roles),
  (SELECT string_agg(concat_ws(':', datname, datallowconn, datconnlimit), ',' ORDER BY datname) FROM pg_database))
)SQL"))
        .text(0, 0);
}

qint64 tupleCounters(const pg::ConnInfo &ci)
{
    // A new session: statistics are read once per transaction and cached.
    pg::Connection c = pg::Connection::open(ci);
    return c
        .exec(QStringLiteral("SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del + n_tup_hot_upd), 0) "
                             "FROM pg_stat_user_tables WHERE relname <> 'ddl_log'"))
        .toInt(0, 0);
}

} // namespace

class TestSourceWrites : public QObject
{
    Q_OBJECT
    std::unique_ptr<test::TwoClusters> m_pair;

private Q_SLOTS:
    void initTestCase() { m_pair = std::make_unique<test::TwoClusters>(); }
    void cleanupTestCase() { m_pair.reset(); }

    void anOnlineMigrationWritesOnlyItsSlotPublicationAndTheReadOnlySwitch()
    {
        const QString db = QStringLiteral("quiet");
        test::createFaultFixture(m_pair->source, db, 20000, 5);
        m_pair->source.sql(db, QStringLiteral(R"SQL(
SELECT lo_from_bytea(0, 'a large object');
CREATE TABLE ddl_log (id serial PRIMARY KEY, tag text NOT NULL, identity text, app text);
CREATE FUNCTION log_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  FOR r IN SELECT * FROM pg_event_trigger_ddl_commands() LOOP
    INSERT INTO ddl_log (tag, identity, app) VALUES (r.command_tag, r.object_identity, current_setting('application_name'));
  END LOOP;
END $$;
CREATE FUNCTION log_drop() RETURNS event_trigger LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  FOR r IN SELECT * FROM pg_event_trigger_dropped_objects() LOOP
    INSERT INTO ddl_log (tag, identity, app) VALUES ('DROP ' || r.object_type, r.object_identity, current_setting('application_name'));
  END LOOP;
END $$;
CREATE EVENT TRIGGER ddl_watch ON ddl_command_end EXECUTE FUNCTION log_ddl();
CREATE EVENT TRIGGER drop_watch ON sql_drop EXECUTE FUNCTION log_drop();
)SQL"));
        // The test's own witness slot: decodes every row change committed from now on.
        pg::Connection s = m_pair->source.connect(db);
        s.exec(QStringLiteral("SELECT pg_create_logical_replication_slot('witness', 'test_decoding')"));
        const QString before = catalogFingerprint(s);
        const qint64 countersBefore = tupleCounters(m_pair->source.connInfo(db));
        const QString walBefore = s.exec(QStringLiteral("SELECT pg_current_wal_lsn()::text")).text(0, 0);

        test::CliRig rig(m_pair->source.connInfo(), m_pair->target.connInfo(), db, project::Mode::Online,
                         QStringLiteral("quiet_copy"));
        const QString problem = rig.runOnlineToTheEnd();
        QVERIFY2(problem.isEmpty(), qPrintable(problem));

        // The read-only switch is the one setting pgferry leaves, and it is reversible.
        pg::Connection admin = m_pair->source.connect();
        QCOMPARE(admin
                     .exec(QStringLiteral("SELECT array_to_string(setconfig, ',') FROM pg_db_role_setting s "
                                          "JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = $1"),
                           {db})
                     .text(0, 0),
                 QStringLiteral("default_transaction_read_only=on"));
        test::makeWritable(m_pair->source, db);
        QCOMPARE(admin
                     .exec(QStringLiteral("SELECT count(*) FROM pg_db_role_setting s JOIN pg_database d ON "
                                          "d.oid = s.setdatabase "
                                          "WHERE d.datname = $1"),
                           {db})
                     .toInt(0, 0),
                 0);

        pg::Connection after = m_pair->source.connect(db);
        // 1. No row of any table changed during the run (the log of DDL aside).
        pg::Result changes = after.exec(QStringLiteral(
            "SELECT string_agg(data, E'\\n') FROM pg_logical_slot_get_changes('witness', NULL, NULL) "
            "WHERE data NOT LIKE 'BEGIN%' AND data NOT LIKE 'COMMIT%' AND data NOT LIKE 'table "
            "public.ddl_log:%' AND data NOT LIKE 'table _pgferry.pgferry_%'"));
        QVERIFY2(changes.isNull(0, 0), qPrintable(changes.text(0, 0).left(2000)));
        // 2. DDL: pgferry's publication, created and dropped; nothing else.
        pg::Result ddl = after.exec(QStringLiteral("SELECT string_agg(tag || ' ' || coalesce(identity, '') "
                                                   "|| ' by ' || app, E'\\n' ORDER BY id) FROM ddl_log"));
        const QStringList commands = ddl.text(0, 0).split(u'\n', Qt::SkipEmptyParts);
        // (Dropping a publication also drops its membership entries: they are listed one by one.)
        int creates = 0, drops = 0, capture = 0, captureDrops = 0;
        for (const QString &cmd : commands) {
            QVERIFY2(cmd.endsWith(u"by pgferry"), qPrintable(cmd));
            if (cmd.startsWith(u"CREATE PUBLICATION pgferry_"))
                ++creates;
            else if (cmd.startsWith(u"DROP publication pgferry_"))
                ++drops;
            else if (cmd.startsWith(u"DROP ") &&
                     (cmd.contains(u" _pgferry.pgferry_") || cmd.startsWith(u"DROP schema _pgferry ") ||
                      cmd.contains(u" pg_toast.pg_toast_")))
                ++captureDrops;
            else if (cmd.contains(u" _pgferry.pgferry_") || cmd.startsWith(u"CREATE SCHEMA _pgferry "))
                ++capture;
            else
                QVERIFY2(cmd.startsWith(u"DROP publication relation ") &&
                             cmd.contains(u" in publication pgferry_"),
                         qPrintable(cmd));
        }
        QCOMPARE(creates, 1);
        QCOMPARE(drops, 1);
        QVERIFY2(capture >= 8 && captureDrops >= 8, qPrintable(commands.join(u'\n')));
        // 3. The catalogs are as they were; no slot or publication of pgferry's is left.
        QCOMPARE(catalogFingerprint(after), before);
        QCOMPARE(after.exec(QStringLiteral("SELECT string_agg(slot_name, ',') FROM pg_replication_slots"))
                     .text(0, 0),
                 QStringLiteral("witness"));
        QCOMPARE(after.exec(QStringLiteral("SELECT count(*) FROM pg_publication")).toInt(0, 0), 0);
        // 4. The tuple counters did not move.
        QCOMPARE(tupleCounters(m_pair->source.connInfo(db)), countersBefore);
        // And the run did see the source: the witness decoded WAL written after its creation.
        QVERIFY(
            after.exec(QStringLiteral("SELECT pg_current_wal_lsn() > $1::pg_lsn"), {walBefore}).toBool(0, 0));
        after.exec(QStringLiteral("SELECT pg_drop_replication_slot('witness')"));

        // The copy is complete all the same.
        // (ddl_log excepted: the drop of the publication was logged after the stream ended, and
        // the event triggers log the target's own index builds there.)
        pg::Connection t = m_pair->target.connect(QStringLiteral("quiet_copy"));
        test::CompareOptions options;
        options.skipTables << QStringLiteral("public.ddl_log");
        options.sequences = false; // ddl_log's sequence moved on both sides; the others are checked elsewhere
        const test::CompareResult cmp = test::compareDatabases(after, t, options);
        QVERIFY2(cmp.identical(), qPrintable(cmp.differences.join(u'\n')));
        QVERIFY(cmp.tablesCompared > 5);
    }
};

QTEST_GUILESS_MAIN(TestSourceWrites)
#include "tst_sourcewrites.moc"
