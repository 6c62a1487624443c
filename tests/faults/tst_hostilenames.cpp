// SQL built from catalog names: a database, schema, tables, columns, indexes, a sequence, a
// foreign key, a trigger and a publication-worthy table whose names hold quotes, semicolons,
// comment markers and SQL keywords migrate correctly, offline and online (with changes streamed
// on them), and run nothing they should not: the `victim` table is still there on both sides.
#include "faultkit.h"

#include "engine/localengine.h"
#include "pg/connection.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace pgferry;

namespace {
// Defined at the end of the file: moc cannot read these raw strings.
extern const char *const kHostileSchema;
extern const char *const kHostileTable;
} // namespace

class TestHostileNames : public QObject
{
    Q_OBJECT
    std::unique_ptr<test::TwoClusters> m_pair;

private Q_SLOTS:
    void initTestCase() { m_pair = std::make_unique<test::TwoClusters>(); }
    void cleanupTestCase() { m_pair.reset(); }

    void hostileNamesMigrateAndRunNothing_data()
    {
        QTest::addColumn<bool>("online");
        QTest::newRow("offline") << false;
        QTest::newRow("online, with changes streamed") << true;
    }
    void hostileNamesMigrateAndRunNothing()
    {
        QFETCH(bool, online);
        const QString db = online ? QStringLiteral("on; DROP DATABASE postgres; --\"'")
                                  : QStringLiteral("off; DROP DATABASE postgres; --\"'");
        const QString tdb = db + QStringLiteral(" copy");
        m_pair->source.createDatabase(db);
        m_pair->source.sql(db, QString::fromUtf8(kHostileSchema));

        QTemporaryDir state;
        engine::LocalEngineConfig c;
        c.project.name = QStringLiteral("hostile");
        c.project.mode = online ? project::Mode::Online : project::Mode::Offline;
        c.project.databases.append({db, tdb, {}, {}, {}});
        c.project.settings.jobs = 2;
        c.project.settings.splitThresholdBytes = 64 * 1024; // the hostile table is copied in ranges
        c.source = m_pair->source.connInfo();
        c.target = m_pair->target.connInfo();
        c.stateDir = state.path();

        engine::LocalEngine e(c);
        QSignalSpy done(&e, &engine::MigrationEngine::finished);
        e.start(engine::MigrationEngine::Until::Done);
        if (online) {
            QTRY_VERIFY2_WITH_TIMEOUT(e.status().readyForCutover() || !done.isEmpty(),
                                      "not ready for cutover", 180000);
            QVERIFY2(done.isEmpty(), qPrintable(e.status().errors.join(u'\n')));
            // Changes on the hostile names stream across.
            pg::Connection s = m_pair->source.connect(db);
            const QString t = QString::fromUtf8(kHostileTable);
            s.exec(QStringLiteral(
                       "INSERT INTO %1 (\"from\"\"; DELETE FROM victim; --\", \"a;b\") VALUES ($1, 5)")
                       .arg(t),
                   {QStringLiteral("new'; --")});
            s.exec(QStringLiteral(
                       "UPDATE %1 SET \"a;b\" = \"a;b\" + 1, \"Ünï Cødé'\" = 'ü''' WHERE \"select\" % 7 = 0")
                       .arg(t));
            s.exec(QStringLiteral("DELETE FROM \"table\" WHERE \"user\" > 90"));
            s.exec(QStringLiteral("DELETE FROM %1 WHERE \"select\" % 11 = 0 AND \"select\" > 100").arg(t));
            s.exec(QStringLiteral("UPDATE victim SET note = 'changed; --'"));
            QTRY_VERIFY_WITH_TIMEOUT(e.requestCutover(), 60000);
        }
        QVERIFY(done.wait(180000));
        const engine::MigrationStatus last = e.status();
        QVERIFY2(done.first().first().toBool(),
                 qPrintable(last.errors.join(u'\n') + u'\n' + last.log.join(u'\n')));

        if (online)
            test::makeWritable(m_pair->source, db);
        const QString diff = test::differences(m_pair->source, db, m_pair->target, tdb);
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
        for (test::TestCluster *cluster : {&m_pair->source, &m_pair->target}) {
            pg::Connection conn = cluster->connect(cluster == &m_pair->source ? db : tdb);
            QCOMPARE(conn.exec(QStringLiteral("SELECT count(*) FROM victim")).toInt(0, 0), 1);
            QCOMPARE(
                conn.exec(QStringLiteral("SELECT count(*) FROM %1").arg(QString::fromUtf8(kHostileTable)))
                        .toInt(0, 0) > 2500,
                true);
            QCOMPARE(conn.exec(QStringLiteral("SELECT count(*) FROM pg_trigger WHERE tgname = $1"),
                               {QStringLiteral("t\"; DROP TABLE victim; --")})
                         .toInt(0, 0),
                     1);
            QCOMPARE(conn.exec(QStringLiteral("SELECT count(*) FROM pg_indexes WHERE indexname = $1"),
                               {QStringLiteral("idx'; DROP TABLE victim; --")})
                         .toInt(0, 0),
                     1);
        }
        // The maintenance database the names aimed at is there too.
        QCOMPARE(m_pair->target.connect()
                     .exec(QStringLiteral("SELECT count(*) FROM pg_database WHERE datname = 'postgres'"))
                     .toInt(0, 0),
                 1);
        pg::Connection t = m_pair->target.connect(tdb);
        QCOMPARE(
            t.exec(QStringLiteral("SELECT last_value FROM \"seq\"\"; DROP TABLE victim; --\"")).toInt(0, 0),
            7);
    }
};

namespace {

const char *const kHostileSchema = R"SQL(
CREATE TABLE victim (id int PRIMARY KEY, note text NOT NULL);
INSERT INTO victim VALUES (1, 'still here');
CREATE SCHEMA "we""ird; DROP TABLE victim; --";
CREATE TABLE "we""ird; DROP TABLE victim; --"."x""; DROP TABLE victim; --" (
  "select" serial PRIMARY KEY,
  "from""; DELETE FROM victim; --" text NOT NULL,
  "a;b" int,
  "Ünï Cødé'" text,
  "order" int GENERATED ALWAYS AS ("a;b" * 2) STORED
);
CREATE INDEX "idx'; DROP TABLE victim; --" ON "we""ird; DROP TABLE victim; --"."x""; DROP TABLE victim; --" ("a;b");
INSERT INTO "we""ird; DROP TABLE victim; --"."x""; DROP TABLE victim; --" ("from""; DELETE FROM victim; --", "a;b", "Ünï Cødé'")
  SELECT 'v'';--' || g, g, E'line\nbreak ' || g FROM generate_series(1, 3000) g;
CREATE TABLE "table" ("user" int PRIMARY KEY, "x""; DROP TABLE victim; --_id" int REFERENCES
  "we""ird; DROP TABLE victim; --"."x""; DROP TABLE victim; --" ("select"));
INSERT INTO "table" SELECT g, g FROM generate_series(1, 100) g;
CREATE SEQUENCE "seq""; DROP TABLE victim; --" START 7;
SELECT nextval('"seq""; DROP TABLE victim; --"');
CREATE FUNCTION "trg'; DROP TABLE victim; --"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER "t""; DROP TABLE victim; --" BEFORE INSERT ON "table" FOR EACH ROW EXECUTE FUNCTION "trg'; DROP TABLE victim; --"();
CREATE VIEW "v; DROP TABLE victim; --" AS SELECT * FROM "table";
ANALYZE;
)SQL";

const char *const kHostileTable = R"("we""ird; DROP TABLE victim; --"."x""; DROP TABLE victim; --")";

} // namespace

QTEST_GUILESS_MAIN(TestHostileNames)
#include "tst_hostilenames.moc"
