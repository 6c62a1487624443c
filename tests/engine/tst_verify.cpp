// Verification checksums on real servers: the same rows give the same checksum on two servers
// whose catalogs differ (enum OIDs, a nondeterministic collation), and every kind of change a
// migration could make to a value, however small, gives a different one: numeric scale, -0,
// '24 hours' for '1 day', json whitespace, case under a case-insensitive collation, one byte, one
// microsecond, an array's bounds or dimensions, where a jsonb container ends, a row swapped for a
// copy of another. Run for each row-hash method both servers of a
// pair could agree on.
#include "testclusters.h"

#include "cutover/verify.h"
#include "engine/localengine.h"
#include "pg/connection.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace pgferry;
using cutover::RowHash;

namespace {

const QString kDb = QStringLiteral("verify");

// The same statements on both sides, after a side-specific prelude.
const QString kSchema = QStringLiteral(
    "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');"
    "CREATE COLLATION nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);"
    "CREATE DOMAIN ci_text AS text COLLATE nocase;"
    "CREATE TABLE wide (id int PRIMARY KEY, n numeric, f float8, iv interval, m mood, j jsonb, js json,"
    "  b bytea, t text, ci text COLLATE nocase, c char(5), ts timestamptz, arr int[], tarr text[], u uuid,"
    "  p point, mo money, v varchar(20), tags text[] COLLATE nocase, jn jsonb, sc jsonb, dt ci_text, bo "
    "bool, d date, ip inet, bc bpchar, \"odd%2name\" int,"
    "  g int GENERATED ALWAYS AS (id * 2) STORED);"
    "INSERT INTO wide (id, n, f, iv, m, j, js, b, t, ci, c, ts, arr, tarr, u, p, mo, v, tags, jn, sc, dt, "
    "bo, d, ip, bc, \"odd%2name\") VALUES"
    " (1, 1.5, 0, '1 day', 'ok', '{\"a\": [1, 2], \"b\": null}', '{\"a\":1}', '\\x00ff10', 'one', 'abc', "
    "'ab',"
    "  '2026-11-24 10:00:00+00', '{1,2,3}', '{x,Y}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '(1,2)', 12.5, "
    "'vee',"
    "  '{Tag}', '[[1], 2]', '1', 'Dee', true, '2026-11-24', '10.0.0.1/8', 'x ', 7),"
    " (2, 2.25, 1.5, '2 hours', 'sad', '[]', '[]', '', NULL, 'xyz', 'cd', '2000-01-01 00:00:00+00', '{}', "
    "'{}',"
    "  NULL, '(0,0)', 0, '', NULL, '[]', NULL, NULL, false, 'infinity', '::1', 'y', 8),"
    " (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'three', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
    "NULL,"
    "  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);"
    "CREATE TABLE nocols ();"
    "INSERT INTO nocols DEFAULT VALUES; INSERT INTO nocols DEFAULT VALUES;");

QList<cutover::VerifyColumn> columnsOf(pg::Connection &c, const QString &table)
{
    pg::Result r =
        c.exec(QStringLiteral("SELECT attname, atttypid, atttypid = 'bpchar'::regtype AND atttypmod > 0 "
                              "FROM pg_attribute WHERE attrelid = $1::regclass "
                              "AND attnum > 0 AND NOT attisdropped ORDER BY attnum"),
               {table});
    QList<cutover::VerifyColumn> out;
    for (int i = 0; i < r.rows(); ++i)
        out << cutover::VerifyColumn{r.text(i, 0), quint32(r.toInt(i, 1)), r.toBool(i, 2)};
    return out;
}

} // namespace

class TestVerify : public QObject
{
    Q_OBJECT
    std::unique_ptr<test::TwoClusters> m_pair;
    bool m_tamperSource = false;

private Q_SLOTS:
    void initTestCase()
    {
        m_pair = std::make_unique<test::TwoClusters>();
        m_pair->source.createDatabase(kDb);
        m_pair->target.createDatabase(kDb);
        m_pair->source.sql(kDb, kSchema);
        // On the target, other types first: the enum's labels get other OIDs there.
        m_pair->target.sql(
            kDb,
            QStringLiteral("CREATE TYPE other AS ENUM ('p', 'q', 'r', 's'); CREATE TABLE pad (x other);") +
                kSchema);
        pg::Connection s = m_pair->source.connect(kDb);
        pg::Connection t = m_pair->target.connect(kDb);
        const QString label = QStringLiteral("SELECT oid::text FROM pg_enum WHERE enumlabel = 'ok'");
        QVERIFY2(s.exec(label).text(0, 0) != t.exec(label).text(0, 0),
                 "the enum labels should have other OIDs on the target");
    }
    void cleanupTestCase() { m_pair.reset(); }

    void methodFollowsTheOlderServer()
    {
        QCOMPARE(cutover::rowHashFor(90600, 150000), RowHash::Md5);
        QCOMPARE(cutover::rowHashFor(150000, 100000), RowHash::Md5);
        QCOMPARE(cutover::rowHashFor(110000, 150000), RowHash::Text);
        QCOMPARE(cutover::rowHashFor(150000, 130000), RowHash::Text);
        QCOMPARE(cutover::rowHashFor(140000, 150000), RowHash::NativeTypes);
        QCOMPARE(cutover::rowHashFor(150000, 150000), RowHash::NativeTypes);
    }

    void sameRowsSameChecksum_data()
    {
        QTest::addColumn<RowHash>("method");
        QTest::newRow("native types") << RowHash::NativeTypes;
        QTest::newRow("text") << RowHash::Text;
        QTest::newRow("md5") << RowHash::Md5;
    }
    void sameRowsSameChecksum()
    {
        QFETCH(RowHash, method);
        pg::Connection s = m_pair->source.connect(kDb);
        pg::Connection t = m_pair->target.connect(kDb);
        for (const QString &table : {QStringLiteral("wide"), QStringLiteral("nocols")}) {
            const auto cols = columnsOf(s, table);
            const cutover::TableChecksum a =
                cutover::tableChecksum(s, QStringLiteral("public"), table, cols, method);
            const cutover::TableChecksum b =
                cutover::tableChecksum(t, QStringLiteral("public"), table, cols, method);
            QCOMPARE(a.rows, table == u"wide" ? 3 : 2);
            QCOMPARE(b.rows, a.rows);
            QVERIFY(!a.checksum.isEmpty());
            QCOMPARE(b.checksum, a.checksum);
        }
        // The whole path, as the engine calls it (both sides at once for a big table).
        cutover::TableRef ref{QStringLiteral("public"), QStringLiteral("wide"),
                              columnsOf(s, QStringLiteral("wide")), 1LL << 40};
        const cutover::TableVerification v = cutover::verifyTable(s, t, ref);
        QVERIFY2(v.matches(), qPrintable(v.error + u' ' + v.source.checksum + u' ' + v.target.checksum));
    }

    void everyChangeIsFound_data()
    {
        QTest::addColumn<RowHash>("method");
        QTest::addColumn<QString>("change");
        const QStringList changes{
            QStringLiteral("UPDATE wide SET n = 1.50 WHERE id = 1"),        // same number, other scale
            QStringLiteral("UPDATE wide SET f = '-0' WHERE id = 1"),        // -0 equals 0
            QStringLiteral("UPDATE wide SET iv = '24 hours' WHERE id = 1"), // equals '1 day'
            QStringLiteral("UPDATE wide SET m = 'happy' WHERE id = 1"),
            QStringLiteral("UPDATE wide SET j = '{\"a\": [2, 1], \"b\": null}' WHERE id = 1"),
            QStringLiteral("UPDATE wide SET js = '{\"a\": 1}' WHERE id = 1"), // json keeps its spaces
            QStringLiteral("UPDATE wide SET b = '\\x00ff11' WHERE id = 1"),
            QStringLiteral("UPDATE wide SET t = '' WHERE id = 2"),         // NULL became ''
            QStringLiteral("UPDATE wide SET ci = 'ABC' WHERE id = 1"),     // equal under the collation
            QStringLiteral("UPDATE wide SET tags = '{tag}' WHERE id = 1"), // likewise, in an array
            QStringLiteral("UPDATE wide SET dt = 'dee' WHERE id = 1"),     // and in a domain
            QStringLiteral("UPDATE wide SET c = 'ax' WHERE id = 1"),
            QStringLiteral("UPDATE wide SET ts = ts + interval '1 microsecond' WHERE id = 1"),
            QStringLiteral("UPDATE wide SET arr = '{1,3,2}' WHERE id = 1"),
            // Shapes that the types' own hash functions do not see.
            QStringLiteral("UPDATE wide SET arr = '[0:2]={1,2,3}' WHERE id = 1"), // other lower bound
            QStringLiteral("UPDATE wide SET arr = '{{1,2,3}}' WHERE id = 1"),     // other dimensions
            QStringLiteral("UPDATE wide SET jn = '[[1, 2]]' WHERE id = 1"), // a container ends elsewhere
            QStringLiteral("UPDATE wide SET jn = '{}' WHERE id = 2"),       // '[]' became '{}'
            QStringLiteral("UPDATE wide SET sc = '[1]' WHERE id = 1"),      // a scalar became an array
            QStringLiteral("UPDATE wide SET tarr = '{x,y}' WHERE id = 1"),
            QStringLiteral("UPDATE wide SET u = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12' WHERE id = 1"),
            QStringLiteral("UPDATE wide SET p = '(2,1)' WHERE id = 1"),
            QStringLiteral("UPDATE wide SET mo = 12.51 WHERE id = 1"),
            QStringLiteral("UPDATE wide SET v = 'vee ' WHERE id = 1"), // varchar keeps trailing spaces
            QStringLiteral("UPDATE wide SET bo = NOT bo WHERE id = 1"),
            QStringLiteral("UPDATE wide SET d = d + 1 WHERE id = 1"),
            QStringLiteral("UPDATE wide SET d = '-infinity' WHERE id = 2"),
            QStringLiteral("UPDATE wide SET ip = '10.0.0.1/9' WHERE id = 1"),
            QStringLiteral("UPDATE wide SET bc = 'x' WHERE id = 1"), // an unconstrained bpchar keeps 'x '
            QStringLiteral("UPDATE wide SET \"odd%2name\" = 9 WHERE id = 1"), // a name with %2 in it
            QStringLiteral(
                "UPDATE wide SET t = 'vee', v = 'one' WHERE id = 1"), // values swapped between columns
            QStringLiteral("UPDATE wide SET t = 'three', n = NULL WHERE id = 1"), // values moved between rows
            QStringLiteral("DELETE FROM wide WHERE id = 3; INSERT INTO wide (id, t) VALUES (4, 'three')"),
            QStringLiteral("INSERT INTO nocols DEFAULT VALUES"),
        };
        for (RowHash m : {RowHash::NativeTypes, RowHash::Text}) {
            int i = 0;
            for (const QString &c : changes)
                QTest::addRow("%s %d: %s", m == RowHash::NativeTypes ? "native" : "text", ++i,
                              qPrintable(c.left(60)))
                    << m << c;
        }
    }
    void everyChangeIsFound()
    {
        QFETCH(RowHash, method);
        QFETCH(QString, change);
        pg::Connection s = m_pair->source.connect(kDb);
        pg::Connection t = m_pair->target.connect(kDb);
        const QString table = change.contains(u"nocols") ? QStringLiteral("nocols") : QStringLiteral("wide");
        const auto cols = columnsOf(s, table);
        const cutover::TableChecksum before =
            cutover::tableChecksum(s, QStringLiteral("public"), table, cols, method);
        // Changed in a transaction that is rolled back: the next row starts from equal tables.
        t.exec(QStringLiteral("BEGIN"));
        for (const QString &statement : change.split(u';'))
            t.exec(statement);
        const cutover::TableChecksum after =
            cutover::tableChecksum(t, QStringLiteral("public"), table, cols, method);
        t.exec(QStringLiteral("ROLLBACK"));
        QVERIFY2(
            after.rows != before.rows || after.checksum != before.checksum,
            qPrintable(
                QStringLiteral("not found: %1 (checksum %2 on both sides)").arg(change, before.checksum)));
        const cutover::TableChecksum again =
            cutover::tableChecksum(t, QStringLiteral("public"), table, cols, method);
        QCOMPARE(again.checksum, before.checksum);
    }

    // The engine's own verification, during the load (each source side summed as soon as its table
    // is loaded, the target side after the indexes): one value changed on its way into the target
    // fails the run and names the table; the untouched tables pass. The change is made by a row
    // trigger that an event trigger, waiting in the empty target database, puts on the table as
    // soon as pgferry creates it (ENABLE ALWAYS: pgferry loads as a replica, which skips the others).
    void anOfflineRunFindsTheOneChangedValue_data()
    {
        QTest::addColumn<project::VerifyLevel>("level");
        QTest::addColumn<QString>("tamper"); // what the trigger does to row 12345
        QTest::addColumn<bool>("found");
        const QString change = QStringLiteral("NEW.v := NEW.v || '!'; RETURN NEW;");
        const QString drop = QStringLiteral("RETURN NULL;");
        QTest::newRow("full, one value changed") << project::VerifyLevel::Full << change << true;
        QTest::newRow("count only cannot see a changed value")
            << project::VerifyLevel::Count << change << false;
        // Count-only takes its counts from the COPY on each side: the target's COPY stored one
        // row fewer than the source's sent.
        QTest::newRow("count only, one row lost") << project::VerifyLevel::Count << drop << true;
        QTest::newRow("full, one row lost") << project::VerifyLevel::Full << drop << true;
    }
    void anOfflineRunFindsTheOneChangedValue()
    {
        try {
            offlineRun();
        } catch (const std::exception &e) {
            QFAIL(e.what());
        }
    }

    // Text COPY (here forced by an enum column, as between major versions) and verification give
    // the same result whatever the two servers print by default: a source with 15 float digits,
    // "SQL, DMY" dates and SQL-standard intervals, a target reading "SQL, MDY" dates, other time
    // zones and money formats. Before pgferry set its sessions, 0.30000000000000004 arrived as 0.3
    // and 1 February as 2 January, and the verification (hashing the same lossy text) agreed.
    void textCopyIgnoresTheServersSettings()
    {
        const QString db = QStringLiteral("settings");
        m_pair->source.createDatabase(db);
        m_pair->source.sql(
            db,
            QStringLiteral(
                "CREATE TYPE mood AS ENUM ('sad', 'ok');"
                "CREATE TABLE t (id int PRIMARY KEY, m mood, f float8, d date, iv interval, ts timestamptz, "
                "mo money, b bytea);"
                "INSERT INTO t VALUES (1, 'ok', 0.1::float8 + 0.2::float8, '2026-02-01', '-1 day -02:03:04', "
                "  '2026-11-24 10:00:00+00', 12.5, '\\x00ff'),"
                " (2, 'sad', 1 / 3::float8, '2026-12-31', '1 year 2 months -3 days', '1999-12-31 "
                "23:59:59.999999+00', -0.01, ''),"
                " (3, NULL, 'NaN', '-infinity', '0', 'infinity', NULL, NULL);"));
        auto set = [](const test::TestCluster &c, const QString &settings) {
            c.sql(QStringLiteral("postgres"), settings + QStringLiteral("SELECT pg_reload_conf();"));
        };
        set(m_pair->source,
            QStringLiteral(
                "ALTER SYSTEM SET extra_float_digits = 0; ALTER SYSTEM SET datestyle = 'SQL, DMY';"
                "ALTER SYSTEM SET intervalstyle = sql_standard; ALTER SYSTEM SET timezone = 'Asia/Kolkata';"
                "ALTER SYSTEM SET bytea_output = escape;"));
        set(m_pair->target,
            QStringLiteral(
                "ALTER SYSTEM SET datestyle = 'SQL, MDY'; ALTER SYSTEM SET intervalstyle = iso_8601;"
                "ALTER SYSTEM SET timezone = 'America/New_York'; ALTER SYSTEM SET extra_float_digits = 1;"));
        QTest::qWait(300); // the servers reread their configuration
        QTemporaryDir state;
        engine::LocalEngineConfig c = m_pair->engineConfig(state.path(), project::Mode::Offline, db);
        engine::LocalEngine e(c);
        QSignalSpy done(&e, &engine::MigrationEngine::finished);
        e.start(engine::MigrationEngine::Until::Done);
        const bool finished = done.wait(300000);
        set(m_pair->source, QStringLiteral("ALTER SYSTEM RESET ALL;"));
        set(m_pair->target, QStringLiteral("ALTER SYSTEM RESET ALL;"));
        QTest::qWait(300);
        QVERIFY(finished);
        const engine::MigrationStatus st = e.status();
        QVERIFY2(done.first().first().toBool(), qPrintable(st.errors.join(u'\n')));
        pg::Connection s = m_pair->source.connect(db);
        pg::Connection t = m_pair->target.connect(db);
        for (pg::Connection *c : {&s, &t})
            c->exec(
                QStringLiteral("SET extra_float_digits = 3; SET timezone = 'UTC'; SET lc_monetary = 'C'"));
        const QString exact = QStringLiteral("SELECT string_agg(concat_ws('|', id, m, f, d, iv, ts, mo, "
                                             "encode(b, 'hex')), ';' ORDER BY id) FROM t");
        const QString want = s.exec(exact).text(0, 0);
        QVERIFY2(want.contains(u"0.30000000000000004") && want.contains(u"2026-02-01"), qPrintable(want));
        QCOMPARE(t.exec(exact).text(0, 0), want);
    }

private:
    void offlineRun()
    {
        QFETCH(project::VerifyLevel, level);
        QFETCH(QString, tamper);
        QFETCH(bool, found);
        const QString db = QStringLiteral("tamper");
        const bool dropsRow = tamper.startsWith(u"RETURN NULL");
        const QString copy =
            QStringLiteral("tamper_copy_%1_%2_%3").arg(int(level)).arg(int(dropsRow)).arg(found);
        if (!m_tamperSource) {
            m_pair->source.createDatabase(db);
            m_pair->source.sql(
                db, QStringLiteral(
                        "CREATE TABLE victim (id int PRIMARY KEY, v text);"
                        "INSERT INTO victim SELECT g, md5(g::text) FROM generate_series(1, 200000) g;"
                        "CREATE TABLE bystander (id int PRIMARY KEY, v text);"
                        "INSERT INTO bystander SELECT g, md5(g::text) FROM generate_series(1, 50000) g;"
                        "CREATE TABLE small (id int PRIMARY KEY);"
                        "INSERT INTO small SELECT generate_series(1, 10);"));
            m_tamperSource = true;
        }
        m_pair->target.createDatabase(copy);
        m_pair->target.sql(
            copy,
            QStringLiteral("CREATE FUNCTION public.tamper_row() RETURNS trigger LANGUAGE plpgsql AS $$"
                           "BEGIN IF NEW.id = 12345 THEN %1 END IF; RETURN NEW; END $$;"
                           "CREATE FUNCTION tamper_table() RETURNS event_trigger LANGUAGE plpgsql AS $$"
                           "BEGIN IF EXISTS (SELECT 1 FROM pg_event_trigger_ddl_commands() WHERE "
                           "object_identity = 'public.victim'"
                           "  AND command_tag = 'CREATE TABLE') THEN"
                           "  CREATE TRIGGER tamper BEFORE INSERT ON public.victim FOR EACH ROW EXECUTE "
                           "FUNCTION public.tamper_row();"
                           "  ALTER TABLE public.victim ENABLE ALWAYS TRIGGER tamper;"
                           "END IF; END $$;"
                           "CREATE EVENT TRIGGER tamper ON ddl_command_end EXECUTE FUNCTION tamper_table();")
                .arg(tamper));

        QTemporaryDir state;
        engine::LocalEngineConfig c = m_pair->engineConfig(state.path(), project::Mode::Offline, db, copy);
        c.project.settings.verifyLevel = level;
        engine::LocalEngine e(c);
        QSignalSpy done(&e, &engine::MigrationEngine::finished);
        e.start(engine::MigrationEngine::Until::Done);
        QVERIFY(done.wait(300000));
        const engine::MigrationStatus st = e.status();
        const QString errors = st.errors.join(u'\n');
        // The trigger really changed the row (else this test proves nothing).
        pg::Connection t = m_pair->target.connect(copy);
        QVERIFY2(t.exec(QStringLiteral("SELECT 1 FROM pg_class WHERE relname = 'victim'")).rows() == 1,
                 qPrintable(errors));
        if (dropsRow)
            QCOMPARE(t.exec(QStringLiteral("SELECT count(*) FROM victim WHERE id = 12345")).toInt(0, 0), 0);
        else
            QCOMPARE(t.exec(QStringLiteral("SELECT right(v, 1) FROM victim WHERE id = 12345")).text(0, 0),
                     QStringLiteral("!"));
        // Count-only verification of tables loaded whole takes the counts of their COPY.
        const bool fromCopy = st.log.join(u'\n').contains(u"row counts of 3 tables loaded whole by one COPY");
        QCOMPARE(fromCopy, level == project::VerifyLevel::Count);
        if (found) {
            QVERIFY2(!done.first().first().toBool(), "the run succeeded although a value differs");
            QVERIFY2(errors.contains(u"verification found 1 tables that differ") &&
                         errors.contains(u"public.victim"),
                     qPrintable(errors));
            QVERIFY2(!errors.contains(u"bystander"), qPrintable(errors));
        } else {
            QVERIFY2(done.first().first().toBool(), qPrintable(errors));
        }
    }
};

QTEST_GUILESS_MAIN(TestVerify)
#include "tst_verify.moc"
