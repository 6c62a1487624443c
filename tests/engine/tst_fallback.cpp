// The fallback after a cutover, end to end with the real CLI against real servers: an online
// migration with settings.cutover.fallback is run to streaming and cut over; the run goes on in
// state "fallback". The applications' writes on the new server (inserts with new sequence values,
// updates, deletes, rows an audit trigger adds) reach the old server, where the trigger does not
// fire a second time; kill -9 of the run during the fallback stream and a new run resume it
// exactly once; fail-back leaves the old server identical (sequences included) and writable and
// the new one read-only, and removes the slot, publication and origin. `fallback end` leaves
// nothing behind either and the old server read-only; a column added on the new server that the
// old one lacks refuses fail-back, naming it. With a 10 -> 16 pair the same path runs back from
// 16 into 10.
#include "clirun.h"
#include "compare.h"
#include "engine/runfiles.h"
#include "project/projectfile.h"
#include "testclusters.h"

#include <QDeadlineTimer>
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
CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL, qty int NOT NULL DEFAULT 0, price float8);
CREATE TABLE orders (id bigserial PRIMARY KEY, item_id int NOT NULL REFERENCES items(id), n int);
CREATE TABLE audit (id bigserial PRIMARY KEY, item_id int, op text, at timestamptz DEFAULT now());
CREATE FUNCTION audit_items() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit(item_id, op) VALUES (CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END, TG_OP);
  RETURN NULL;
END $$;
CREATE TRIGGER items_audit AFTER INSERT OR UPDATE OR DELETE ON items FOR EACH ROW EXECUTE PROCEDURE audit_items();
INSERT INTO items(name, qty, price) SELECT 'item ' || g, g, g / 3.0 FROM generate_series(1, 500) g;
INSERT INTO orders(item_id, n) SELECT g, g FROM generate_series(1, 200) g;
)SQL";

} // namespace

class TestFallback : public QObject
{
    Q_OBJECT
    std::unique_ptr<test::TwoClusters> m_pair;
    QTemporaryDir m_dir;

    QString stateBase() const { return m_dir.filePath(QStringLiteral("state")); }
    std::unique_ptr<test::CliRunner> m_cli;
    QString stateDirOf(const project::Project &p) const { return m_cli->stateDirOf(p); }
    int cli(const QStringList &args, QString *out = nullptr, QString *err = nullptr) const
    {
        return m_cli->run(args, out, err);
    }
    std::unique_ptr<QProcess> runUntil(const QString &file, const QString &stateDir,
                                       const QString &state) const
    {
        return m_cli->startRunUntil(file, stateDir, state);
    }
    static bool waitForState(QProcess &p, const QString &stateDir, const QString &state, int ms = 240000)
    {
        return test::CliRunner::waitForState(p, stateDir, state, ms);
    }

    QString writeProject(project::Project &p, const QString &db, bool fallback = true) const
    {
        p.name = db;
        p.mode = project::Mode::Online;
        p.source = project::ConnectionProfile::fromConnInfo(m_pair->source.connInfo());
        p.target = project::ConnectionProfile::fromConnInfo(m_pair->target.connInfo());
        p.databases << project::DatabaseSelection{db, db + QStringLiteral("_new"), {}, {}};
        p.settings.jobs = 2;
        p.settings.cutover.fallback = fallback;
        const QString path = m_dir.filePath(db + QStringLiteral(".pgferry"));
        QString error;
        if (!project::saveProjectFile(p, path, &error))
            qFatal("cannot save the project: %s", qPrintable(error));
        return path;
    }

    qint64 count(const test::TestCluster &c, const QString &db, const QString &sql,
                 const QStringList &params = {}) const
    {
        pg::Connection conn = c.connect(db);
        pg::Params ps;
        for (const QString &x : params)
            ps.push_back(x);
        return conn.exec(sql, ps).toInt(0, 0);
    }

    // The old server's copy equals the new server's, row by row (sequences only when asked: they
    // are set on the old server at fail-back).
    bool waitIdentical(const QString &db, bool sequences, int ms = 120000) const
    {
        test::CompareOptions o;
        o.sequences = sequences;
        o.largeObjects = false;
        QDeadlineTimer deadline(ms);
        test::CompareResult r;
        while (!deadline.hasExpired()) {
            pg::Connection newer = m_pair->target.connect(db + QStringLiteral("_new"));
            pg::Connection older = m_pair->source.connect(db);
            r = test::compareDatabases(newer, older, o);
            if (r.identical() && r.tablesCompared >= 3)
                return true;
            QTest::qWait(300);
        }
        qWarning().noquote() << "differences:" << r.differences.mid(0, 10).join(u'\n');
        return false;
    }

    static void write(const test::TestCluster &c, const QString &db, const QString &sql) { c.sql(db, sql); }

    qint64 fallbackObjects(const QString &db, const QString &name) const
    {
        const QString fb = name + QStringLiteral("_fb");
        return count(
                   m_pair->target, db + QStringLiteral("_new"),
                   QStringLiteral("SELECT (SELECT count(*) FROM pg_replication_slots WHERE slot_name = $1) + "
                                  "(SELECT count(*) FROM pg_publication WHERE pubname = $1)"),
                   {fb}) +
               count(m_pair->source, db,
                     QStringLiteral("SELECT count(*) FROM pg_replication_origin WHERE roname = $1"), {fb});
    }

    // Whether a plain session of `db` may write (default_transaction_read_only off).
    // As a new session of `db` would find it, read from the maintenance database: a session in
    // `db` itself may be one of those a fail-back or cutover ends while the test polls.
    static bool writable(const test::TestCluster &c, const QString &db)
    {
        pg::Connection conn = c.connect(QStringLiteral("postgres"));
        return !conn.exec(
                        QStringLiteral("SELECT EXISTS (SELECT 1 FROM pg_db_role_setting s JOIN pg_database d "
                                       "ON d.oid = s.setdatabase WHERE d.datname = $1 AND s.setrole = 0 AND "
                                       "'default_transaction_read_only=on' = ANY (s.setconfig))"),
                        {db})
                    .toBool(0, 0);
    }

    void cutOverWithFallback(const QString &db, project::Project &p, QString &file,
                             std::unique_ptr<QProcess> &run)
    {
        m_pair->source.createDatabase(db);
        m_pair->source.sql(db, QString::fromUtf8(kSchema));
        file = writeProject(p, db);
        const QString state = stateDirOf(p);
        run = runUntil(file, state, QStringLiteral("streaming"));
        QVERIFY(run);
        // A write while changes stream forward: it must arrive too.
        write(m_pair->source, db, QStringLiteral("UPDATE items SET qty = qty + 1000 WHERE id <= 10"));
        QString out;
        QCOMPARE(cli({QStringLiteral("cutover"), file, QStringLiteral("--yes")}, &out), 0);
        QVERIFY2(out.contains(u"fail-back"), qPrintable(out));
        QCOMPARE(engine::RunFiles::readStatus(state).value(u"state").toString(), QStringLiteral("fallback"));
        QCOMPARE(run->state(), QProcess::Running);
        QVERIFY(!writable(m_pair->source, db));
        QVERIFY(waitIdentical(db, true));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_pair = std::make_unique<test::TwoClusters>();
        m_cli = std::make_unique<test::CliRunner>(*m_pair, stateBase());
    }
    void cleanupTestCase()
    {
        m_cli.reset();
        m_pair.reset();
    }

    void writesOnTheNewServerReachTheOldOneExactlyOnceAndFailBackReturnsToIt()
    {
        const QString db = QStringLiteral("shop");
        project::Project p;
        QString file;
        std::unique_ptr<QProcess> run;
        cutOverWithFallback(db, p, file, run);
        QVERIFY(run);
        const QString state = stateDirOf(p);
        const QString name = project::migrationObjectName(p.id, 0);
        const QString newDb = db + QStringLiteral("_new");

        // The applications on the new server.
        write(m_pair->target, newDb,
              QStringLiteral(
                  "INSERT INTO items(name, qty, price) SELECT 'new ' || g, g, g * 1.5 FROM "
                  "generate_series(1, 100) g;"
                  "UPDATE items SET qty = qty + 1, price = price * 2 WHERE id % 7 = 0;"
                  "DELETE FROM orders WHERE id % 5 = 0;"
                  "DELETE FROM items i WHERE i.id % 11 = 0 AND NOT EXISTS (SELECT 1 FROM orders o WHERE "
                  "o.item_id = i.id);"
                  "INSERT INTO orders(item_id, n) SELECT id, 1 FROM items WHERE name LIKE 'new %';"));
        QVERIFY(waitIdentical(db, false));
        // The audit trigger fired on the new server only: its rows arrived, none were added again.
        QCOMPARE(count(m_pair->source, db, QStringLiteral("SELECT count(*) FROM audit")),
                 count(m_pair->target, newDb, QStringLiteral("SELECT count(*) FROM audit")));
        QVERIFY(count(m_pair->source, db, QStringLiteral("SELECT count(*) FROM audit")) > 100);
        QCOMPARE(fallbackObjects(db, name), 3);
        {
            const QJsonObject s = engine::RunFiles::readStatus(state);
            const QJsonObject d = s.value(u"databases").toArray().first().toObject();
            QCOMPARE(d.value(u"phase").toString(), QStringLiteral("fallback"));
            QCOMPARE(d.value(u"fallback").toString(), QStringLiteral("streaming"));
            QVERIFY(d.contains(u"lag_bytes"));
        }

        // kill -9 in the middle of the stream back, more writes, a new run: exactly once.
        write(m_pair->target, newDb,
              QStringLiteral(
                  "UPDATE items SET qty = qty + 1 WHERE id % 3 = 0;"
                  "INSERT INTO items(name, qty) SELECT 'later ' || g, g FROM generate_series(1, 300) g;"));
        run->kill();
        QVERIFY(run->waitForFinished(30000));
        write(m_pair->target, newDb,
              QStringLiteral(
                  "UPDATE items SET name = name || '!' WHERE id % 4 = 0;"
                  "INSERT INTO orders(item_id, n) SELECT id, 2 FROM items WHERE name LIKE 'later %';"));
        run = runUntil(file, state, QStringLiteral("fallback"));
        QVERIFY(run);
        QVERIFY(waitIdentical(db, false));
        QCOMPARE(count(m_pair->source, db, QStringLiteral("SELECT count(*) FROM audit")),
                 count(m_pair->target, newDb, QStringLiteral("SELECT count(*) FROM audit")));

        // Refused without confirmation; nothing changes.
        QString out, err;
        QCOMPARE(cli({QStringLiteral("fail-back"), file}, &out, &err), 2);
        QVERIFY(err.contains(u"--yes"));
        QCOMPARE(engine::RunFiles::readStatus(state).value(u"state").toString(), QStringLiteral("fallback"));

        // Fail back.
        write(m_pair->target, newDb,
              QStringLiteral("INSERT INTO items(name, qty) VALUES ('the last one', 1)"));
        QCOMPARE(cli({QStringLiteral("fail-back"), file, QStringLiteral("--yes")}, &out, &err), 0);
        QVERIFY2(out.contains(u"failed back"), qPrintable(out));
        QVERIFY(run->waitForFinished(60000));
        QCOMPARE(run->exitCode(), 0);
        QVERIFY(waitIdentical(db, true, 5000)); // sequences included
        QVERIFY(writable(m_pair->source, db));
        QVERIFY(!writable(m_pair->target, newDb));
        QCOMPARE(fallbackObjects(db, name), 0);
        // The old server's sequences go on after the new server's last values.
        QVERIFY(count(m_pair->source, db,
                      QStringLiteral("INSERT INTO items(name) VALUES ('back home') RETURNING id")) >
                count(m_pair->target, newDb, QStringLiteral("SELECT max(id) FROM items")));
        const QJsonObject st = engine::RunFiles::readStatus(state);
        QCOMPARE(st.value(u"state").toString(), QStringLiteral("completed"));
        QCOMPARE(st.value(u"databases").toArray().first().toObject().value(u"fallback").toString(),
                 QStringLiteral("failed back"));
        QFile rep(state + QStringLiteral("/report.json"));
        QVERIFY(rep.open(QIODevice::ReadOnly));
        const QJsonObject fb = QJsonDocument::fromJson(rep.readAll())
                                   .object()
                                   .value(u"databases")
                                   .toObject()
                                   .value(db)
                                   .toObject()
                                   .value(u"fallback")
                                   .toObject();
        QCOMPARE(fb.value(u"outcome").toString(), QStringLiteral("failed back"));
        QCOMPARE(fb.value(u"verification").toArray().size(), 3);
        // Nothing more to fail back.
        QVERIFY(cli({QStringLiteral("fail-back"), file, QStringLiteral("--yes")}, &out, &err) != 0);
    }

    void failBackRefusesWhatTheOldServerLacksAndFallbackEndLeavesNothingBehind()
    {
        const QString db = QStringLiteral("depot");
        project::Project p;
        QString file;
        std::unique_ptr<QProcess> run;
        cutOverWithFallback(db, p, file, run);
        QVERIFY(run);
        const QString state = stateDirOf(p);
        const QString name = project::migrationObjectName(p.id, 0);
        const QString newDb = db + QStringLiteral("_new");

        write(m_pair->target, newDb, QStringLiteral("ALTER TABLE items ADD COLUMN colour text"));
        QString out, err;
        QCOMPARE(cli({QStringLiteral("fail-back"), file, QStringLiteral("--yes")}, &out, &err), 1);
        QVERIFY2(err.contains(u"colour"), qPrintable(err));
        // Still in fallback, both sides as they were.
        QVERIFY(waitForState(*run, state, QStringLiteral("fallback"), 10000));
        QVERIFY(writable(m_pair->target, newDb));
        QVERIFY(!writable(m_pair->source, db));

        QCOMPARE(cli({QStringLiteral("fallback"), QStringLiteral("end"), file, QStringLiteral("--yes")}, &out,
                     &err),
                 0);
        QVERIFY(run->waitForFinished(60000));
        QCOMPARE(run->exitCode(), 0);
        QCOMPARE(fallbackObjects(db, name), 0);
        QCOMPARE(count(m_pair->target, newDb, QStringLiteral("SELECT count(*) FROM pg_replication_slots")),
                 0);
        QCOMPARE(count(m_pair->source, db, QStringLiteral("SELECT count(*) FROM pg_replication_slots")), 0);
        QCOMPARE(count(m_pair->source, db, QStringLiteral("SELECT count(*) FROM pg_replication_origin")), 0);
        QVERIFY(!writable(m_pair->source, db));
        QVERIFY(writable(m_pair->target, newDb));
        QCOMPARE(engine::RunFiles::readStatus(state)
                     .value(u"databases")
                     .toArray()
                     .first()
                     .toObject()
                     .value(u"fallback")
                     .toString(),
                 QStringLiteral("ended"));
        QVERIFY(!QDir(state + QStringLiteral("/db-0/fallback-spool")).exists());
    }

    // A project without the fallback setting chooses it at cutover (`cutover --fallback`). The
    // cutover checks the target's needs before it touches the source: with no slot free it is not
    // started and the source stays writable. Then a fail-back held up by a row lock on the old server
    // is killed with -9 in the middle; the next run takes the fail-back up by itself and finishes
    // it: the old server identical and writable, the new one read-only, nothing left behind.
    void theFallbackIsChosenAtCutoverAndAFailBackKilledMidwayResumes()
    {
        const QString db = QStringLiteral("stall");
        m_pair->source.createDatabase(db);
        m_pair->source.sql(db, QString::fromUtf8(kSchema));
        project::Project p;
        const QString file = writeProject(p, db, false);
        const QString state = stateDirOf(p);
        const QString name = project::migrationObjectName(p.id, 0);
        const QString newDb = db + QStringLiteral("_new");
        std::unique_ptr<QProcess> run = runUntil(file, state, QStringLiteral("streaming"));
        QVERIFY(run);

        // Every slot on the target taken: the fallback could not be created after the drain.
        const qint64 free = count(
            m_pair->target, QStringLiteral("postgres"),
            QStringLiteral(
                "SELECT current_setting('max_replication_slots')::int - count(*) FROM pg_replication_slots"));
        QVERIFY(free > 0);
        m_pair->target.sql(QStringLiteral("postgres"),
                           QStringLiteral("SELECT pg_create_physical_replication_slot('pgferry_test_taken_' "
                                          "|| g) FROM generate_series(1, %1) g")
                               .arg(free));
        QString out, err;
        QVERIFY(cli({QStringLiteral("cutover"), file, QStringLiteral("--fallback"),
                     QStringLiteral("--no-fallback")},
                    &out, &err) == 2);
        QVERIFY(cli({QStringLiteral("cutover"), file, QStringLiteral("--fallback"), QStringLiteral("--yes")},
                    &out, &err) != 0);
        QVERIFY2(err.contains(u"no replication slot is free"), qPrintable(err));
        QVERIFY(run->waitForFinished(60000));
        QVERIFY(writable(m_pair->source, db));
        m_pair->target.sql(
            QStringLiteral("postgres"),
            QStringLiteral("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                           "WHERE slot_name LIKE 'pgferry_test_taken_%'"));

        run = runUntil(file, state, QStringLiteral("streaming"));
        QVERIFY(run);
        QCOMPARE(cli({QStringLiteral("cutover"), file, QStringLiteral("--fallback"), QStringLiteral("--yes")},
                     &out, &err),
                 0);
        QCOMPARE(engine::RunFiles::readStatus(state).value(u"state").toString(), QStringLiteral("fallback"));
        write(m_pair->target, newDb,
              QStringLiteral(
                  "INSERT INTO items(name, qty) SELECT 'after ' || g, g FROM generate_series(1, 50) g"));
        QVERIFY(waitIdentical(db, false));

        // A session on the old server holds a row of items: the fail-back's drain waits on it.
        pg::Connection blocker = m_pair->source.connect(db);
        blocker.exec(QStringLiteral("SET default_transaction_read_only = off"));
        blocker.exec(QStringLiteral("BEGIN"));
        blocker.exec(QStringLiteral("SELECT * FROM items WHERE id = 2 FOR UPDATE"));
        write(m_pair->target, newDb, QStringLiteral("UPDATE items SET qty = qty + 7 WHERE id % 2 = 0"));
        std::unique_ptr<QProcess> failBack =
            m_cli->start({QStringLiteral("fail-back"), file, QStringLiteral("--yes")});
        QVERIFY(failBack);
        QDeadlineTimer deadline(60000);
        bool waiting = false;
        while (!deadline.hasExpired() && !waiting) {
            const QJsonObject d =
                engine::RunFiles::readStatus(state).value(u"databases").toArray().first().toObject();
            waiting =
                d.value(u"fallback").toString() == u"failing back" && !writable(m_pair->target, newDb) &&
                count(m_pair->source, db,
                      QStringLiteral(
                          "SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype = 'transactionid'")) >
                    0;
            QTest::qWait(100);
        }
        QVERIFY2(waiting, "the fail-back did not start waiting on the lock");
        QTest::qWait(500); // into the drain
        run->kill();
        QVERIFY(run->waitForFinished(30000));
        QVERIFY(failBack->waitForFinished(60000));
        QVERIFY(failBack->exitCode() != 0);
        blocker.exec(QStringLiteral("ROLLBACK"));

        // The journal says "failing back": the next run finishes it without being asked again.
        run = m_cli->start({QStringLiteral("run"), file});
        QVERIFY(run);
        QVERIFY(run->waitForFinished(180000));
        QCOMPARE(run->exitCode(), 0);
        QVERIFY(waitIdentical(db, true, 5000));
        QVERIFY(writable(m_pair->source, db));
        QVERIFY(!writable(m_pair->target, newDb));
        QCOMPARE(fallbackObjects(db, name), 0);
        QCOMPARE(engine::RunFiles::readStatus(state)
                     .value(u"databases")
                     .toArray()
                     .first()
                     .toObject()
                     .value(u"fallback")
                     .toString(),
                 QStringLiteral("failed back"));
    }

    // A run stopped during the fallback: source-writable refuses (writing to both servers would
    // fork the data); abandon removes the fallback's slot and publication on the target and its
    // origin on the source, and leaves both databases (the source read-only, the target in use).
    void abandonDuringTheFallbackRemovesItsObjectsAndKeepsBothDatabases()
    {
        const QString db = QStringLiteral("kiosk");
        project::Project p;
        QString file;
        std::unique_ptr<QProcess> run;
        cutOverWithFallback(db, p, file, run);
        QVERIFY(run);
        const QString name = project::migrationObjectName(p.id, 0);
        const QString newDb = db + QStringLiteral("_new");
        write(m_pair->target, newDb, QStringLiteral("INSERT INTO items(name) VALUES ('one more')"));
        QVERIFY(waitIdentical(db, false));
        run->terminate();
        QVERIFY(run->waitForFinished(60000));
        QCOMPARE(fallbackObjects(db, name), 3);

        QString out, err;
        QCOMPARE(cli({QStringLiteral("source-writable"), file}, &out, &err), 1);
        QVERIFY2(err.contains(u"fallback"), qPrintable(err));
        QVERIFY(!writable(m_pair->source, db));

        QCOMPARE(
            cli({QStringLiteral("abandon"), file, QStringLiteral("--yes"), QStringLiteral("--drop-target")},
                &out, &err),
            0);
        QCOMPARE(fallbackObjects(db, name), 0);
        QCOMPARE(count(m_pair->target, newDb,
                       QStringLiteral("SELECT count(*) FROM items WHERE name = 'one more'")),
                 1);
        QVERIFY(!writable(m_pair->source, db));
        QCOMPARE(
            count(m_pair->source, db, QStringLiteral("SELECT count(*) FROM items WHERE name = 'one more'")),
            1);
    }
};

QTEST_GUILESS_MAIN(TestFallback)
#include "tst_fallback.moc"
