// Table filters on real servers, with the real CLI. A database's include patterns (a quoted
// schema and table with spaces, and a plain one) bring the selected tables with everything they
// need: their schema, an enum, a domain, a function a CHECK calls, a free-standing sequence a
// default draws from, their owned sequence, index and the foreign key between them, and a view
// over them alone; and nothing that holds rows outside the selection: the other tables, their
// data, comments, grants and triggers, the views over them. A foreign key and a view that refer
// to a left-out table are not created and are named in the log and the report. Offline with
// include patterns; online with exclude patterns under writes to both kinds of tables, compared
// row by row after cutover. The assessment names what the filter leaves out. Offline also from a 9.6 source
// into 17.
#include "clirun.h"
#include "compare.h"
#include "engine/runfiles.h"
#include "project/projectfile.h"
#include "testclusters.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace pgferry;

namespace {

const char *kSchema = R"SQL(
CREATE SCHEMA "Sales Dept";
CREATE SCHEMA archive;
CREATE TYPE mood AS ENUM ('calm', 'busy');
CREATE DOMAIN qty AS int CHECK (VALUE >= 0);
CREATE SEQUENCE shared_no START 100;
CREATE FUNCTION line_total(q int, p numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS 'SELECT q * p';
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.note := NEW.note || '.'; RETURN NEW; END $$;
CREATE TABLE public.kitchen_sink (id int PRIMARY KEY, note text, m mood DEFAULT 'calm');
CREATE TABLE archive.old_orders (id int PRIMARY KEY, note text);
CREATE TABLE public.unrelated (id int PRIMARY KEY, x text);
CREATE TABLE "Sales Dept"."Order Lines" (
  id serial PRIMARY KEY,
  sink_id int REFERENCES public.kitchen_sink(id),
  old_id int CONSTRAINT lines_old_fk REFERENCES archive.old_orders(id),
  q qty NOT NULL,
  price numeric CHECK (line_total(q, price) < 1000000),
  no int DEFAULT nextval('shared_no'),
  m mood);
CREATE INDEX lines_sink ON "Sales Dept"."Order Lines"(sink_id);
CREATE VIEW public.v_lines AS SELECT l.id, l.q, k.note FROM "Sales Dept"."Order Lines" l JOIN public.kitchen_sink k ON k.id = l.sink_id;
CREATE VIEW public.v_mixed AS SELECT l.id, o.note FROM "Sales Dept"."Order Lines" l JOIN archive.old_orders o ON o.id = l.old_id;
CREATE VIEW archive.v_old AS SELECT * FROM archive.old_orders;
COMMENT ON TABLE archive.old_orders IS 'left out';
COMMENT ON COLUMN archive.old_orders.note IS 'left out too';
COMMENT ON TABLE public.kitchen_sink IS 'carried';
COMMENT ON SCHEMA archive IS 'left out with its tables';
GRANT USAGE ON SCHEMA archive TO PUBLIC;
ALTER DEFAULT PRIVILEGES IN SCHEMA archive GRANT SELECT ON TABLES TO PUBLIC;
COMMENT ON SCHEMA "Sales Dept" IS 'carried';
GRANT SELECT ON archive.old_orders TO PUBLIC;
CREATE TRIGGER old_touch BEFORE UPDATE ON archive.old_orders FOR EACH ROW EXECUTE PROCEDURE touch();
INSERT INTO public.kitchen_sink SELECT g, 'sink ' || g FROM generate_series(1, 300) g;
INSERT INTO archive.old_orders SELECT g, 'old ' || g FROM generate_series(1, 200) g;
INSERT INTO public.unrelated SELECT g, 'x' FROM generate_series(1, 50) g;
INSERT INTO "Sales Dept"."Order Lines"(sink_id, old_id, q, price, m)
  SELECT 1 + g % 300, CASE WHEN g % 2 = 0 THEN 1 + g % 200 END, g % 9, g / 7.0, 'busy' FROM generate_series(1, 2000) g;
)SQL";

} // namespace

class TestTableFilters : public QObject
{
    Q_OBJECT
    std::unique_ptr<test::TwoClusters> m_pair;
    std::unique_ptr<test::CliRunner> m_cli;
    QTemporaryDir m_dir;

    QString writeProject(project::Project &p, const QString &db, project::Mode mode,
                         const QStringList &include, const QStringList &exclude) const
    {
        p.name = db;
        p.mode = mode;
        p.source = project::ConnectionProfile::fromConnInfo(m_pair->source.connInfo());
        p.target = project::ConnectionProfile::fromConnInfo(m_pair->target.connInfo());
        p.databases << project::DatabaseSelection{db, db + QStringLiteral("_new"), include, exclude};
        p.settings.jobs = 2;
        const QString path = m_dir.filePath(db + QStringLiteral(".pgferry"));
        QString error;
        if (!project::saveProjectFile(p, path, &error))
            qFatal("cannot save the project: %s", qPrintable(error));
        return path;
    }

    QString one(const QString &db, const QString &sql) const
    {
        pg::Connection c = m_pair->target.connect(db);
        return c.exec(sql).text(0, 0);
    }
    // The target's user tables and views, "schema.name" sorted.
    QString relations(const QString &db, const QString &kinds) const
    {
        return one(db, QStringLiteral("SELECT string_agg(n.nspname || '.' || c.relname, ',' ORDER BY "
                                      "n.nspname || '.' || c.relname COLLATE \"C\") FROM pg_class c "
                                      "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN (%1) "
                                      "AND n.nspname NOT IN ('pg_catalog', 'information_schema', '_pgferry') "
                                      "AND n.nspname !~ '^pg_toast'")
                           .arg(kinds));
    }

    // What both runs must leave on the target: the selection and what it needs, nothing else.
    void checkTarget(const QString &newDb) const
    {
        QCOMPARE(relations(newDb, QStringLiteral("'r', 'p'")),
                 QStringLiteral("Sales Dept.Order Lines,public.kitchen_sink"));
        QCOMPARE(relations(newDb, QStringLiteral("'v', 'm'")), QStringLiteral("public.v_lines"));
        // A schema the filter empties is not created; one with a selected table is, with its comment.
        QCOMPARE(
            one(newDb, QStringLiteral("SELECT string_agg(nspname || ':' || coalesce(obj_description(oid, "
                                      "'pg_namespace'), ''), ',' ORDER BY nspname COLLATE \"C\") FROM "
                                      "pg_namespace WHERE nspname IN ('archive', 'Sales Dept')")),
            QStringLiteral("Sales Dept:carried"));
        QCOMPARE(one(newDb, QStringLiteral("SELECT count(*) FROM pg_default_acl")), QStringLiteral("0"));
        QCOMPARE(one(newDb, QStringLiteral("SELECT count(*) FROM pg_type WHERE typname IN ('mood', 'qty')")),
                 QStringLiteral("2"));
        QCOMPARE(one(newDb, QStringLiteral("SELECT count(*) FROM pg_proc WHERE proname = 'line_total'")),
                 QStringLiteral("1"));
        QCOMPARE(one(newDb, QStringLiteral("SELECT string_agg(relname, ',' ORDER BY relname COLLATE \"C\") "
                                           "FROM pg_class WHERE relkind = 'S'")),
                 QStringLiteral("Order Lines_id_seq,shared_no"));
        QCOMPARE(one(newDb, QStringLiteral("SELECT string_agg(conname, ',' ORDER BY conname COLLATE \"C\") "
                                           "FROM pg_constraint WHERE contype = 'f'")),
                 QStringLiteral("Order Lines_sink_id_fkey"));
        QCOMPARE(one(newDb, QStringLiteral("SELECT count(*) FROM pg_indexes WHERE indexname = 'lines_sink'")),
                 QStringLiteral("1"));
        QCOMPARE(
            one(newDb, QStringLiteral("SELECT obj_description('public.kitchen_sink'::regclass, 'pg_class')")),
            QStringLiteral("carried"));
        QCOMPARE(one(newDb, QStringLiteral("SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal")),
                 QStringLiteral("0"));
        // The defaults still draw from their sequences, and the enum and domain still check.
        pg::Connection c = m_pair->target.connect(newDb);
        const QString id =
            c.exec(QStringLiteral("INSERT INTO \"Sales Dept\".\"Order Lines\"(sink_id, q, price, m) "
                                  "VALUES (1, 2, 3, 'calm') RETURNING no"))
                .text(0, 0);
        QVERIFY2(id.toInt() >= 100, qPrintable(id));
        QVERIFY(
            c.tryExec(QStringLiteral(
                          "INSERT INTO \"Sales Dept\".\"Order Lines\"(sink_id, q, price) VALUES (1, -1, 3)"))
                .has_value());
        c.exec(QStringLiteral("DELETE FROM \"Sales Dept\".\"Order Lines\" WHERE no = ") + id);
    }

    void checkRows(const QString &db, const QString &newDb) const
    {
        pg::Connection s = m_pair->source.connect(db);
        pg::Connection t = m_pair->target.connect(newDb);
        test::CompareOptions o;
        o.skipTables = QStringList{QStringLiteral("archive.old_orders"), QStringLiteral("public.unrelated")};
        o.sequences = false; // the source's left-out serials have no counterpart
        const test::CompareResult r = test::compareDatabases(s, t, o);
        QVERIFY2(r.identical(), qPrintable(r.differences.mid(0, 8).join(u'\n')));
        QCOMPARE(r.tablesCompared, 2);
    }

    void checkNotes(const project::Project &p, const QString &db) const
    {
        QFile rep(m_cli->stateDirOf(p) + QStringLiteral("/report.json"));
        QVERIFY(rep.open(QIODevice::ReadOnly));
        const QJsonArray notes = QJsonDocument::fromJson(rep.readAll())
                                     .object()
                                     .value(u"databases")
                                     .toObject()
                                     .value(db)
                                     .toObject()
                                     .value(u"left_out_by_filter")
                                     .toArray();
        const QString all = QString::fromUtf8(QJsonDocument(notes).toJson());
        QVERIFY2(all.contains(u"lines_old_fk") && all.contains(u"archive.old_orders"), qPrintable(all));
        QVERIFY2(all.contains(u"public.v_mixed"), qPrintable(all));
        QVERIFY2(!all.contains(u"v_old"), qPrintable(all)); // over left-out tables only: not a loss
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_pair = std::make_unique<test::TwoClusters>();
        m_cli = std::make_unique<test::CliRunner>(*m_pair, m_dir.filePath(QStringLiteral("state")));
    }
    void cleanupTestCase()
    {
        m_cli.reset();
        m_pair.reset();
    }

    void includePatternsBringWhatTheTablesNeedOffline()
    {
        const QString db = QStringLiteral("shelf");
        m_pair->source.createDatabase(db);
        m_pair->source.sql(db, QString::fromUtf8(kSchema));
        project::Project p;
        const QString file = writeProject(
            p, db, project::Mode::Offline,
            {QStringLiteral("\"Sales Dept\".\"Order Lines\""), QStringLiteral("public.kitchen_sink")}, {});
        QString out, err;
        // The assessment names what the filter leaves out, as a warning.
        QCOMPARE(m_cli->run({QStringLiteral("assess"), file, QStringLiteral("--json")}, &out, &err), 0);
        QVERIFY2(out.contains(u"\"table.filter\"") && out.contains(u"lines_old_fk") &&
                     out.contains(u"public.v_mixed"),
                 qPrintable(out));
        QCOMPARE(m_cli->run({QStringLiteral("run"), file}, &out, &err), 0);
        checkTarget(db + QStringLiteral("_new"));
        checkRows(db, db + QStringLiteral("_new"));
        checkNotes(p, db);
    }

    // The reference case's source: the filter reads a 9.6 catalog, pg_dump 15+ its archive.
    void includePatternsFromAnOldMajor()
    {
        auto pair = std::make_unique<test::TwoClusters>(QStringLiteral("9.6"), QStringLiteral("17"));
        std::swap(m_pair, pair);
        m_cli = std::make_unique<test::CliRunner>(*m_pair, m_dir.filePath(QStringLiteral("state")));
        includePatternsBringWhatTheTablesNeedOffline();
        std::swap(m_pair, pair);
        m_cli = std::make_unique<test::CliRunner>(*m_pair, m_dir.filePath(QStringLiteral("state")));
    }

    void excludePatternsLeaveTheirTablesBehindWhileStreaming()
    {
        const QString db = QStringLiteral("stream");
        m_pair->source.createDatabase(db);
        m_pair->source.sql(db, QString::fromUtf8(kSchema));
        project::Project p;
        const QString file = writeProject(p, db, project::Mode::Online, {},
                                          {QStringLiteral("archive.*"), QStringLiteral("unrelated")});
        const QString state = m_cli->stateDirOf(p);
        std::unique_ptr<QProcess> run = m_cli->startRunUntil(file, state, QStringLiteral("streaming"));
        QVERIFY(run);
        // Writes to both kinds of tables while changes stream.
        m_pair->source.sql(
            db, QStringLiteral(
                    "INSERT INTO public.kitchen_sink SELECT g, 'late ' || g FROM generate_series(301, 400) g;"
                    "UPDATE \"Sales Dept\".\"Order Lines\" SET q = q + 1 WHERE id % 5 = 0;"
                    "DELETE FROM \"Sales Dept\".\"Order Lines\" WHERE id % 13 = 0;"
                    "INSERT INTO archive.old_orders SELECT g, 'later' FROM generate_series(201, 260) g;"
                    "UPDATE archive.old_orders SET note = 'changed';"
                    "INSERT INTO public.unrelated SELECT g FROM generate_series(51, 90) g;"));
        QString out, err;
        QCOMPARE(m_cli->run({QStringLiteral("cutover"), file, QStringLiteral("--yes")}, &out, &err), 0);
        QVERIFY(run->waitForFinished(60000));
        QCOMPARE(run->exitCode(), 0);
        checkTarget(db + QStringLiteral("_new"));
        checkRows(db, db + QStringLiteral("_new"));
        checkNotes(p, db);
    }
};

QTEST_GUILESS_MAIN(TestTableFilters)
#include "tst_tablefilters.moc"
