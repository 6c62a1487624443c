// The version matrix: migrations between real PostgreSQL servers of different majors, 9.6 to 18
// (scripts/install-postgres-versions installs them). Online rows load and stream while writers
// change the source (inserts routed by an inheritance trigger, updates of floats and arrays of
// them, deletes, TOAST-unchanged updates, one-of-duplicates updates in a REPLICA IDENTITY FULL
// table, audit-trigger writes, nextval), cut over with the default full verification, and compare
// the target row by row with the source (floats by value: 9.6-11 print them with a fixed number
// of digits, 12+ in the shortest exact form). Offline rows load and verify. Refusals: a target
// older than the source, a source newer than every installed pg_dump. Fallback rows cut over with
// settings.cutover.fallback and stream the new server's writes back into the older major, then
// fail back and compare.
//
// Each row is its own ctest test (tests/versions/CMakeLists.txt), so that ctest -j runs them side
// by side. A major that is not installed skips its rows, except in CI (CI=true), where it fails.
#include "assess/assessment.h"
#include "compare.h"
#include "engine/localengine.h"
#include "pg/version.h"
#include "schema/pgtools.h"
#include "testclusters.h"

#include <QFile>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <atomic>
#include <thread>

using namespace pgferry;
using namespace std::chrono_literals;

namespace {

const QString kDb = QStringLiteral("legacy ü");

QString fixtureSql()
{
    QFile f(QStringLiteral(PGFERRY_SOURCE_DIR "/tests/fixtures/legacy.sql"));
    if (!f.open(QIODevice::ReadOnly))
        throw std::runtime_error("cannot read tests/fixtures/legacy.sql");
    return QString::fromUtf8(f.readAll());
}

// A writer on the legacy fixture, with its own connection and thread, until stopped.
class Writer
{
public:
    Writer(pg::ConnInfo ci, quint32 seed, int sourceVersion)
        : m_ci(std::move(ci)), m_rng(seed), m_version(sourceVersion)
    {}
    ~Writer() { stop(); }
    void start()
    {
        m_thread = std::thread([this] { loop(); });
    }
    qint64 stop()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
        return m_ops;
    }
    QString error() const { return m_error; }

private:
    void step(pg::Connection &c)
    {
        const int k = int(m_rng.bounded(m_version >= 100000 ? 11 : 9));
        switch (k) {
        case 0: // routed to a child by the parent's trigger; floats with every digit
            c.exec(
                QStringLiteral(
                    "INSERT INTO public.readings (taken, value, f4, vals, pair, note) VALUES "
                    "(DATE '2023-06-01' + $1::int, $2::float8 / 7, $2::float4 / 3, "
                    "ARRAY[$2::float8 / 3, NULL, 0.1::float8 + 0.2::float8], ROW($2::float8 / 9, 'w'), 'w')"),
                {int(m_rng.bounded(400)), int(m_rng.bounded(100000))});
            break;
        case 1:
            c.exec(
                QStringLiteral(
                    "UPDATE public.readings SET value = value * 1.0000001, vals = vals || (1.0::float8 / 3) "
                    "WHERE id = $1"),
                {int(1 + m_rng.bounded(3000))});
            break;
        case 2:
            c.exec(QStringLiteral("DELETE FROM public.readings WHERE id = $1"),
                   {int(1 + m_rng.bounded(3000))});
            break;
        case 3: // fires the audit trigger on the source only
            c.exec(
                QStringLiteral("UPDATE public.customers SET score = score + 1, mood = 'happy' WHERE id = $1"),
                {int(1 + m_rng.bounded(2000))});
            break;
        case 4:
            c.exec(QStringLiteral(
                       "INSERT INTO public.customers (email, mood, score, referrer) VALUES ($1, 'ok', 5, 1)"),
                   {QStringLiteral("New%1@Ünïcødé.example").arg(m_rng.generate())});
            break;
        case 5: // duplicates in a REPLICA IDENTITY FULL table: touch exactly one
            c.exec(QStringLiteral("INSERT INTO public.dup_rows VALUES (42, 'dup', 0.5)"));
            c.exec(QStringLiteral("UPDATE public.dup_rows SET b = 'dup-updated' WHERE ctid = "
                                  "(SELECT ctid FROM public.dup_rows WHERE a = 42 AND b = 'dup' LIMIT 1)"));
            break;
        case 6: // a big value, then an update that leaves it alone (unchanged TOAST)
            c.exec(QStringLiteral(
                       "UPDATE public.docs SET body = repeat(md5(random()::text), 400) WHERE id = $1"),
                   {int(1 + m_rng.bounded(300))});
            c.exec(QStringLiteral("UPDATE public.docs SET counter = counter + 1 WHERE id = $1"),
                   {int(1 + m_rng.bounded(300))});
            break;
        case 7:
            c.exec(QStringLiteral(
                       "INSERT INTO \"Legacy \"\"Schema\"\"\".\"Order Items\" (\"select\", \"semi;colon\", "
                       "\"größe\", customer) VALUES ('w', ';', 1.5, $1)"),
                   {int(1 + m_rng.bounded(2000))});
            break;
        case 8:
            c.exec(QStringLiteral("INSERT INTO public.\"zero columns\" DEFAULT VALUES"));
            break;
        case 9: // 10+: a declarative partition and an identity column
            c.exec(QStringLiteral(
                "INSERT INTO public.events VALUES (nextval('public.events_id_seq'), 'view', '{\"w\": 1}')"));
            c.exec(QStringLiteral("INSERT INTO public.tickets (title) VALUES ('streamed')"));
            break;
        default:
            c.exec(QStringLiteral("UPDATE public.events SET payload = '{\"u\": 2}' WHERE id = $1"),
                   {int(1 + m_rng.bounded(900))});
        }
    }

    void loop()
    {
        try {
            pg::Connection c = pg::Connection::open(m_ci);
            while (!m_stop.load()) {
                c.exec(QStringLiteral("BEGIN"));
                step(c);
                c.exec(QStringLiteral("COMMIT"));
                ++m_ops;
                std::this_thread::sleep_for(3ms);
            }
        } catch (const pg::Exception &e) {
            m_error = e.error().toString();
        }
    }

    pg::ConnInfo m_ci;
    QRandomGenerator m_rng;
    int m_version;
    std::atomic_bool m_stop{false};
    std::atomic<qint64> m_ops{0};
    std::thread m_thread;
    QString m_error;
};

// The pairs of the matrix: source major, target major, online.
struct Pair
{
    const char *tag;
    const char *source;
    const char *target;
    bool online;
};

const Pair kPairs[] = {
    {"online 9.6 to 15", "9.6", "15", true}, {"online 9.6 to 17", "9.6", "17", true},
    {"online 10 to 15", "10", "15", true},   {"online 10 to 18", "10", "18", true},
    {"online 11 to 16", "11", "16", true},   {"online 12 to 17", "12", "17", true},
    {"online 13 to 18", "13", "18", true},   {"online 14 to 16", "14", "16", true},
    {"online 15 to 18", "15", "18", true},   {"offline 9.6 to 16", "9.6", "16", false},
    {"offline 10 to 17", "10", "17", false}, {"offline 12 to 15", "12", "15", false},
};

QString slotsLeft(pg::Connection &c)
{
    return c
        .exec(QStringLiteral(
            "SELECT string_agg(slot_name || ' active=' || active, ', ') FROM pg_replication_slots"))
        .text(0, 0);
}

} // namespace

class TestVersionMatrix : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void migratesBetweenMajors_data()
    {
        QTest::addColumn<QString>("sourceMajor");
        QTest::addColumn<QString>("targetMajor");
        QTest::addColumn<bool>("online");
        for (const Pair &p : kPairs)
            QTest::newRow(p.tag) << QString::fromLatin1(p.source) << QString::fromLatin1(p.target)
                                 << p.online;
    }

    void migratesBetweenMajors()
    {
        QFETCH(QString, sourceMajor);
        QFETCH(QString, targetMajor);
        QFETCH(bool, online);
        PGFERRY_REQUIRE_MAJOR(sourceMajor);
        PGFERRY_REQUIRE_MAJOR(targetMajor);
        std::unique_ptr<test::TwoClusters> clusters;
        try {
            clusters = std::make_unique<test::TwoClusters>(sourceMajor, targetMajor);
            clusters->source.createDatabase(kDb);
            clusters->source.sql(kDb, fixtureSql());
        } catch (const std::exception &ex) {
            QFAIL(ex.what());
        }
        test::TwoClusters &pair = *clusters;
        const int sourceVersion = pair.source.connect().serverVersion();
        QCOMPARE(pg::majorName(sourceVersion), sourceMajor);
        QCOMPARE(pg::majorName(pair.target.connect().serverVersion()), targetMajor);

        QTemporaryDir state;
        engine::LocalEngineConfig c =
            pair.engineConfig(state.path(), online ? project::Mode::Online : project::Mode::Offline, kDb,
                              QStringLiteral("legacy copy"));
        c.project.settings.splitThresholdBytes = 64 * 1024; // ranges of ctid on old servers too
        c.project.settings.cutover.makeSourceReadOnly = true;

        std::vector<std::unique_ptr<Writer>> writers;
        if (online)
            for (quint32 seed : {1u, 2u})
                writers.push_back(std::make_unique<Writer>(pair.source.connInfo(kDb), seed, sourceVersion));
        for (auto &w : writers)
            w->start();

        engine::LocalEngine e(c);
        QSignalSpy done(&e, &engine::MigrationEngine::finished);
        e.start(engine::MigrationEngine::Until::Done);
        if (online) {
            QTRY_VERIFY2_WITH_TIMEOUT(e.status().readyForCutover() || !done.isEmpty(),
                                      qPrintable(e.status().errors.join(u'\n')), 300000);
            QVERIFY2(done.isEmpty(),
                     qPrintable(e.status().errors.join(u'\n') + u'\n' + e.status().log.join(u'\n')));
            QTest::qWait(1500); // writes keep streaming for a moment
            qint64 ops = 0;
            for (auto &w : writers) {
                ops += w->stop();
                QVERIFY2(w->error().isEmpty(), qPrintable(w->error()));
            }
            QVERIFY(ops > 30);
            QString why;
            QTRY_VERIFY_WITH_TIMEOUT(e.requestCutover(&why), 60000);
        }
        QVERIFY(done.wait(600000) || !done.isEmpty());
        const engine::MigrationStatus last = e.status();
        QVERIFY2(done.first().first().toBool(),
                 qPrintable(last.errors.join(u'\n') + u'\n' + last.log.join(u'\n')));
        for (const QString &line : last.log) // the cutover's schema comparison, between majors too
            QVERIFY2(!line.contains(u"schema differs"), qPrintable(line));
        QCOMPARE(last.state, engine::RunState::Completed);
        if (online) {
            const auto &d = last.databases.first();
            QVERIFY(d.inserts + d.updates + d.deletes > 0);
            pair.source.sql(
                QStringLiteral("postgres"),
                QStringLiteral("ALTER DATABASE \"%1\" RESET default_transaction_read_only").arg(kDb));
        }

        pg::Connection s = pair.source.connect(kDb);
        pg::Connection t = pair.target.connect(QStringLiteral("legacy copy"));
        test::CompareOptions opts;
        const auto cmp = test::compareDatabases(s, t, opts);
        QVERIFY2(cmp.identical(), qPrintable(cmp.differences.join(u'\n')));
        QVERIFY(cmp.tablesCompared >= 10);
        // Every float digit arrived: 0.1 + 0.2 is 0.30000000000000004, not 0.3.
        QVERIFY(t.exec(QStringLiteral(
                           "SELECT count(*) FROM public.readings WHERE value = 0.1::float8 + 0.2::float8"))
                    .toInt(0, 0) > 0);
        QCOMPARE(t.exec(QStringLiteral("SELECT count(*) FROM public.readings WHERE value = 0.3::float8"))
                     .toInt(0, 0),
                 s.exec(QStringLiteral("SELECT count(*) FROM public.readings WHERE value = 0.3::float8"))
                     .toInt(0, 0));
        // The routing trigger and the audit trigger are on the target, and fired there only as the
        // source's own writes: as many audit rows as on the source.
        QCOMPARE(t.exec(QStringLiteral("SELECT count(*) FROM public.audit_log")).toInt(0, 0),
                 s.exec(QStringLiteral("SELECT count(*) FROM public.audit_log")).toInt(0, 0));
        QCOMPARE(t.exec(QStringLiteral("SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal")).toInt(0, 0),
                 2);
        QCOMPARE(t.exec(QStringLiteral("SELECT count(*) FROM ONLY public.readings")).toInt(0, 0), 0);
        // Nothing of pgferry's is left on either server.
        const QString slots = slotsLeft(s);
        QVERIFY2(slots.isEmpty(), qPrintable(slots));
        if (sourceVersion >= 100000)
            QCOMPARE(s.exec(QStringLiteral("SELECT count(*) FROM pg_publication")).toInt(0, 0), 0);
        QCOMPARE(t.exec(QStringLiteral("SELECT count(*) FROM pg_replication_origin")).toInt(0, 0), 0);
    }

    // The assessment knows an old source's facts: tables WITH OIDS (gone in 12), TRUNCATE not
    // decoded before 11, extensions that arrive at a newer version, the pg_dump that reads 9.6.
    void assessesAnOldSource()
    {
        PGFERRY_REQUIRE_MAJOR(QStringLiteral("9.6"));
        PGFERRY_REQUIRE_MAJOR(QStringLiteral("17"));
        std::unique_ptr<test::TwoClusters> clusters;
        try {
            clusters = std::make_unique<test::TwoClusters>(QStringLiteral("9.6"), QStringLiteral("17"));
            clusters->source.createDatabase(kDb);
            clusters->source.sql(kDb, fixtureSql());
        } catch (const std::exception &ex) {
            QFAIL(ex.what());
        }
        QTemporaryDir state;
        const engine::LocalEngineConfig c = clusters->engineConfig(state.path(), project::Mode::Online, kDb);
        const assess::AssessmentReport report =
            assess::assess(assess::fromProject(c.project, c.source, c.target));
        auto only = [&](const QString &id) {
            const QList<assess::Check> found = report.find(id);
            return found.size() == 1 ? found.first() : assess::Check{};
        };
        const assess::Check oids = only(QStringLiteral("table.with_oids"));
        QCOMPARE(oids.severity, assess::Severity::Warning);
        QCOMPARE(oids.objects, QStringList{QStringLiteral("public.legacy_oids")});
        QVERIFY2(oids.remediation.contains(
                     QStringLiteral("-- ALTER TABLE \"public\".\"legacy_oids\" SET WITHOUT OIDS;")),
                 qPrintable(oids.remediation));
        QCOMPARE(only(QStringLiteral("stream.truncate")).severity, assess::Severity::Warning);
        const assess::Check ext = only(QStringLiteral("extension.version"));
        QCOMPARE(ext.severity, assess::Severity::Info);
        QVERIFY2(ext.message.contains(QStringLiteral("hstore 1.4 → ")), qPrintable(ext.message));
        QCOMPARE(only(QStringLiteral("client.pg_dump")).severity, assess::Severity::Pass);
        QCOMPARE(only(QStringLiteral("target.version")).severity, assess::Severity::Pass);
        QCOMPARE(report.find(QStringLiteral("source.version")).size(), 1);
    }

    // After a cutover with fallback, the new server's writes (text forms of the newer major: floats
    // in the shortest exact form, timestamps, numerics, jsonb, arrays) are applied on the older one,
    // its audit trigger not firing a second time; fail-back sets the sequences, verifies with the
    // default checksum across the two majors and leaves both identical.
    void fallsBackIntoAnOlderMajor_data()
    {
        QTest::addColumn<QString>("sourceMajor");
        QTest::addColumn<QString>("targetMajor");
        QTest::newRow("fallback 16 into 10") << QStringLiteral("10") << QStringLiteral("16");
        QTest::newRow("fallback 17 into 9.6") << QStringLiteral("9.6") << QStringLiteral("17");
    }
    void fallsBackIntoAnOlderMajor()
    {
        QFETCH(QString, sourceMajor);
        QFETCH(QString, targetMajor);
        PGFERRY_REQUIRE_MAJOR(sourceMajor);
        PGFERRY_REQUIRE_MAJOR(targetMajor);
        test::TwoClusters pair(sourceMajor, targetMajor);
        const QString db = QStringLiteral("app");
        pair.source.createDatabase(db);
        pair.source.sql(
            db, QStringLiteral("CREATE TABLE items (id serial PRIMARY KEY, name text, price float8, amount "
                               "numeric(12,3), at timestamptz, "
                               "  doc jsonb, tags text[], r float4);"
                               "CREATE TABLE audit (id bigserial PRIMARY KEY, item_id int, op text);"
                               "CREATE FUNCTION audit_items() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                               "  INSERT INTO audit(item_id, op) VALUES (CASE WHEN TG_OP = 'DELETE' THEN "
                               "OLD.id ELSE NEW.id END, TG_OP); "
                               "  RETURN NULL; END $$;"
                               "CREATE TRIGGER items_audit AFTER INSERT OR UPDATE OR DELETE ON items FOR "
                               "EACH ROW EXECUTE PROCEDURE audit_items();"
                               "INSERT INTO items(name, price, amount, at, doc, tags, r) SELECT 'item ' || "
                               "g, g / 7.0, g * 1.125, "
                               "  '2020-01-01'::timestamptz + g * interval '1 hour', jsonb_build_object('g', "
                               "g), ARRAY['a', g::text], g / 3.0 "
                               "  FROM generate_series(1, 300) g;"));

        QTemporaryDir state;
        engine::LocalEngineConfig c = pair.engineConfig(state.path(), project::Mode::Online, db);
        c.project.settings.cutover.fallback = true;
        engine::LocalEngine e(c);
        QSignalSpy done(&e, &engine::MigrationEngine::finished);
        e.start(engine::MigrationEngine::Until::Done);
        QTRY_VERIFY2_WITH_TIMEOUT(e.status().readyForCutover() || !done.isEmpty(),
                                  qPrintable(e.status().errors.join(u'\n')), 300000);
        QString why;
        QTRY_VERIFY_WITH_TIMEOUT(e.requestCutover(&why), 60000);
        QTRY_VERIFY2_WITH_TIMEOUT(
            e.status().state == engine::RunState::Fallback || !done.isEmpty(),
            qPrintable(e.status().errors.join(u'\n') + u'\n' + e.status().log.join(u'\n')), 300000);
        QVERIFY2(done.isEmpty(),
                 qPrintable(e.status().errors.join(u'\n') + u'\n' + e.status().log.join(u'\n')));

        pair.target.sql(
            db,
            QStringLiteral("INSERT INTO items(name, price, amount, at, doc, tags, r) SELECT 'new ' || g, 0.1 "
                           "+ g / 10.0, g / 3.0, now(), "
                           "  jsonb_build_object('new', true, 'n', g / 3.0), ARRAY['b', NULL, 'c \"q\"'], "
                           "1.0 / g FROM generate_series(1, 200) g;"
                           "UPDATE items SET price = price * 3, doc = doc || '{\"u\": 1}' WHERE id % 5 = 0;"
                           "DELETE FROM items WHERE id % 9 = 0;"));
        pg::Connection s = pair.source.connect(db);
        pg::Connection t = pair.target.connect(db);
        test::CompareOptions noSequences;
        noSequences.sequences = false;
        QTRY_VERIFY_WITH_TIMEOUT(test::compareDatabases(t, s, noSequences).identical(), 120000);
        QCOMPARE(s.exec(QStringLiteral("SELECT count(*) FROM audit")).toInt(0, 0),
                 t.exec(QStringLiteral("SELECT count(*) FROM audit")).toInt(0, 0));

        QVERIFY2(e.requestFallback(engine::MigrationEngine::FallbackAction::FailBack, db, &why),
                 qPrintable(why));
        QVERIFY(done.wait(300000) || !done.isEmpty());
        const engine::MigrationStatus last = e.status();
        QVERIFY2(done.first().first().toBool(),
                 qPrintable(last.errors.join(u'\n') + u'\n' + last.log.join(u'\n')));
        QCOMPARE(last.databases.first().fallback, QStringLiteral("failed back"));
        pg::Connection s2 = pair.source.connect(db);
        pg::Connection t2 = pair.target.connect(db);
        const auto cmp = test::compareDatabases(t2, s2);
        QVERIFY2(cmp.identical(), qPrintable(cmp.differences.join(u'\n')));
        QCOMPARE(s2.exec(QStringLiteral("SHOW default_transaction_read_only")).text(0, 0),
                 QStringLiteral("off"));
        QCOMPARE(t2.exec(QStringLiteral("SHOW default_transaction_read_only")).text(0, 0),
                 QStringLiteral("on"));
        QVERIFY(slotsLeft(t2).isEmpty());
        QCOMPARE(s2.exec(QStringLiteral("SELECT count(*) FROM pg_replication_origin")).toInt(0, 0), 0);
    }

    // A target older than the source is refused by the assessment and by the engine, before
    // anything is created; majors compare right across 9.x and 10+ (9.6 is not "9").
    void refusesATargetOlderThanTheSource_data()
    {
        QTest::addColumn<QString>("sourceMajor");
        QTest::addColumn<QString>("targetMajor");
        QTest::newRow("10 to 9.6") << QStringLiteral("10") << QStringLiteral("9.6");
        QTest::newRow("12 to 11") << QStringLiteral("12") << QStringLiteral("11");
    }
    void refusesATargetOlderThanTheSource()
    {
        QFETCH(QString, sourceMajor);
        QFETCH(QString, targetMajor);
        PGFERRY_REQUIRE_MAJOR(sourceMajor);
        PGFERRY_REQUIRE_MAJOR(targetMajor);
        test::TwoClusters pair(sourceMajor, targetMajor);
        pair.source.createDatabase(QStringLiteral("app"));
        pair.source.sql(QStringLiteral("app"),
                        QStringLiteral("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)"));

        QTemporaryDir state;
        engine::LocalEngineConfig c =
            pair.engineConfig(state.path(), project::Mode::Online, QStringLiteral("app"));
        assess::AssessmentInput in = assess::fromProject(c.project, c.source, c.target);
        const assess::AssessmentReport report = assess::assess(in);
        const QList<assess::Check> version = report.find(QStringLiteral("target.version"));
        QCOMPARE(version.size(), 1);
        QCOMPARE(version.first().severity, assess::Severity::Blocker);
        QVERIFY2(
            version.first().message.contains(
                QStringLiteral("PostgreSQL %1, older than the source's %2").arg(targetMajor, sourceMajor)),
            qPrintable(version.first().message));

        engine::LocalEngine e(c);
        QSignalSpy done(&e, &engine::MigrationEngine::finished);
        e.start(engine::MigrationEngine::Until::Done);
        QVERIFY(done.wait(120000));
        QVERIFY(!done.first().first().toBool());
        const QString errors = e.status().errors.join(u'\n');
        QVERIFY2(errors.contains(QStringLiteral("the target runs PostgreSQL %1 but the source runs %2")
                                     .arg(targetMajor, sourceMajor)),
                 qPrintable(errors));
        pg::Connection s = pair.source.connect(QStringLiteral("app"));
        QVERIFY(slotsLeft(s).isEmpty());
        if (s.serverVersion() >= 100000)
            QCOMPARE(s.exec(QStringLiteral("SELECT count(*) FROM pg_publication")).toInt(0, 0), 0);
    }

    // A source newer than every installed pg_dump: the assessment and the engine say which
    // client is needed and how to install it, and nothing is created.
    void refusesASourceNewerThanEveryPgDump()
    {
        const schema::PgTools newest = schema::PgTools::find(0);
        QVERIFY2(newest.isValid(), "no pg_dump is installed at all");
        QString sourceMajor;
        for (const QString &m : {QStringLiteral("16"), QStringLiteral("17"), QStringLiteral("18")}) {
            QString why;
            if (m.toInt() * 100 > newest.major() && !test::serverBinDir(m, &why).isEmpty()) {
                sourceMajor = m;
                break;
            }
        }
        if (sourceMajor.isEmpty())
            QSKIP("every installed server is readable by an installed pg_dump");
        test::TwoClusters pair(sourceMajor, sourceMajor);
        pair.source.createDatabase(QStringLiteral("app"));
        pair.source.sql(QStringLiteral("app"), QStringLiteral("CREATE TABLE t (id int PRIMARY KEY)"));
        QTemporaryDir state;
        engine::LocalEngineConfig c =
            pair.engineConfig(state.path(), project::Mode::Online, QStringLiteral("app"));

        const assess::AssessmentReport report =
            assess::assess(assess::fromProject(c.project, c.source, c.target));
        const QList<assess::Check> tools = report.find(QStringLiteral("client.pg_dump"));
        QCOMPARE(tools.size(), 1);
        QCOMPARE(tools.first().severity, assess::Severity::Blocker);
        const QString told = tools.first().message + u' ' + tools.first().remediation;
        QVERIFY2(told.contains(QStringLiteral("postgresql-client-") + sourceMajor), qPrintable(told));

        engine::LocalEngine e(c);
        QSignalSpy done(&e, &engine::MigrationEngine::finished);
        e.start(engine::MigrationEngine::Until::Done);
        QVERIFY(done.wait(120000));
        QVERIFY(!done.first().first().toBool());
        const QString errors = e.status().errors.join(u'\n');
        QVERIFY2(errors.contains(QStringLiteral("postgresql-client-") + sourceMajor), qPrintable(errors));
        QVERIFY2(errors.contains(QStringLiteral("the newest installed is ") + newest.majorName()),
                 qPrintable(errors));
        pg::Connection s = pair.source.connect(QStringLiteral("app"));
        QVERIFY2(slotsLeft(s).isEmpty(), qPrintable(slotsLeft(s)));
        QCOMPARE(s.exec(QStringLiteral("SELECT count(*) FROM pg_publication")).toInt(0, 0), 0);
    }

    // The newest pg_dump wins whatever the majors' spelling: 9.6's (906) is older than 15's (1500),
    // though "906 > 15" misled an earlier comparison.
    void findsTheNewestPgDump()
    {
        PGFERRY_REQUIRE_MAJOR(QStringLiteral("9.6"));
        const QString old = test::serverBinDir(QStringLiteral("9.6"));
        QCOMPARE(schema::toolMajorVersion(old + QStringLiteral("/pg_dump")), 906);
        qputenv("PGFERRY_PG_BINDIR", old.toUtf8());
        const schema::PgTools forOld = schema::PgTools::find(906);
        const schema::PgTools forTen = schema::PgTools::find(1000);
        qunsetenv("PGFERRY_PG_BINDIR");
        QVERIFY(forOld.isValid());
        QVERIFY2(forOld.major() >= 1500, qPrintable(forOld.binDir()));
        QVERIFY(forTen.isValid());
        QCOMPARE(forTen.binDir(), forOld.binDir());
    }
};

QTEST_GUILESS_MAIN(TestVersionMatrix)
#include "tst_versionmatrix.moc"
