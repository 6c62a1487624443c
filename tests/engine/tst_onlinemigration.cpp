// Online migration with the local engine between two real PostgreSQL 15 servers, while writers
// keep changing the source during the load and during streaming (inserts, updates that move rows
// between partitions, deletes, a REPLICA IDENTITY FULL table with duplicate rows, a truncate,
// trigger-fired writes): cut over, then the target is identical, sequences included, with no slot,
// publication or origin left. Runs with pgoutput and with test_decoding.
#include "compare.h"
#include "engine/localengine.h"
#include "sandbox/sandbox.h"
#include "testclusters.h"

#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <atomic>
#include <thread>

using namespace pgferry;
using namespace std::chrono_literals;

namespace {

// A writer with its own connection and thread, doing a mix of changes until stopped.
class Writer
{
public:
    Writer(pg::ConnInfo ci, quint32 seed) : m_ci(std::move(ci)), m_rng(seed) {}
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
    void loop()
    {
        try {
            pg::Connection c = pg::Connection::open(m_ci);
            while (!m_stop.load()) {
                const int k = int(m_rng.bounded(10));
                c.exec(QStringLiteral("BEGIN"));
                switch (k) {
                case 0:
                case 1: // trigger-fired write into rental_log as well
                    c.exec(QStringLiteral("INSERT INTO rental (rental_date, inventory_id, customer_id) "
                                          "VALUES (now(), $1, $2)"),
                           {int(1 + m_rng.bounded(4500)), int(1 + m_rng.bounded(600))});
                    break;
                case 2:
                    c.exec(QStringLiteral("UPDATE rental SET return_date = now() WHERE rental_id = $1"),
                           {int(1 + m_rng.bounded(6000))});
                    break;
                case 3: // moves a row to another partition
                    c.exec(
                        QStringLiteral("UPDATE payment SET payment_date = payment_date + interval '31 days' "
                                       "WHERE payment_id = $1 AND payment_date < '2025-02-20'"),
                        {int(1 + m_rng.bounded(3000))});
                    break;
                case 4: // duplicates in a REPLICA IDENTITY FULL table: touch exactly one
                    c.exec(QStringLiteral("INSERT INTO rental_log (logged_at, rental_id, note) VALUES "
                                          "('2025-01-01', 1, 'dup')"));
                    c.exec(QStringLiteral("UPDATE rental_log SET note = 'dup-updated' WHERE ctid = (SELECT "
                                          "ctid FROM rental_log "
                                          "WHERE note = 'dup' LIMIT 1)"));
                    break;
                case 5:
                    c.exec(QStringLiteral("DELETE FROM film_actor WHERE actor_id = $1 AND film_id = $2"),
                           {int(1 + m_rng.bounded(200)), int(1 + m_rng.bounded(1000))});
                    break;
                case 6: // a big value, then an update that leaves it alone (unchanged TOAST)
                    c.exec(QStringLiteral("UPDATE film SET description = repeat(md5(random()::text), 400) "
                                          "WHERE film_id = $1"),
                           {int(1 + m_rng.bounded(1000))});
                    c.exec(QStringLiteral("UPDATE film SET rental_rate = rental_rate + 1 WHERE film_id = $1"),
                           {int(1 + m_rng.bounded(1000))});
                    break;
                case 7:
                    c.exec(QStringLiteral("INSERT INTO customer (first_name, last_name) VALUES ('New', $1)"),
                           {QStringLiteral("Ünïcødé %1").arg(m_rng.bounded(1000))});
                    break;
                case 8:
                    c.exec(QStringLiteral("INSERT INTO category (name) VALUES ($1) ON CONFLICT DO NOTHING"),
                           {QStringLiteral("Genre %1").arg(m_rng.bounded(100000))});
                    break;
                default:
                    c.exec(QStringLiteral("UPDATE customer SET email = NULL WHERE customer_id = $1"),
                           {int(1 + m_rng.bounded(600))});
                }
                c.exec(QStringLiteral("COMMIT"));
                ++m_ops;
                std::this_thread::sleep_for(2ms);
            }
        } catch (const pg::Exception &e) {
            m_error = e.error().toString();
        }
    }

    pg::ConnInfo m_ci;
    QRandomGenerator m_rng;
    std::atomic_bool m_stop{false};
    std::atomic<qint64> m_ops{0};
    std::thread m_thread;
    QString m_error;
};

} // namespace

class TestOnlineMigration : public QObject
{
    Q_OBJECT
    std::unique_ptr<test::TwoClusters> m_pair;

private Q_SLOTS:
    void initTestCase() { m_pair = std::make_unique<test::TwoClusters>(); }
    void cleanupTestCase() { m_pair.reset(); }

    void migratesOnlineUnderWritesAndCutsOver_data()
    {
        QTest::addColumn<QString>("decoder");
        QTest::newRow("pgoutput") << QStringLiteral("pgoutput");
        QTest::newRow("test_decoding") << QStringLiteral("test_decoding");
    }
    void migratesOnlineUnderWritesAndCutsOver()
    {
        QFETCH(QString, decoder);
        const QString db = QStringLiteral("shop_") + decoder;
        m_pair->source.createDatabase(db);
        m_pair->source.sql(db, sandbox::sampleSql());

        QTemporaryDir state;
        engine::LocalEngineConfig c;
        c.project.name = QStringLiteral("online");
        c.project.mode = project::Mode::Online;
        c.project.databases.append({db, db + QStringLiteral("_copy"), {}, {}});
        c.project.settings.jobs = 2;
        c.project.settings.splitThresholdBytes = 64 * 1024;
        c.project.settings.cutover.makeSourceReadOnly = true;
        c.source = m_pair->source.connInfo();
        c.target = m_pair->target.connInfo();
        c.stateDir = state.path();
        c.decoder = decoder;

        Writer w1(m_pair->source.connInfo(db), 1), w2(m_pair->source.connInfo(db), 2);
        w1.start();
        w2.start();
        engine::LocalEngine e(c);
        QSignalSpy done(&e, &engine::MigrationEngine::finished);
        e.start(engine::MigrationEngine::Until::Done);
        QTRY_VERIFY2_WITH_TIMEOUT(e.status().readyForCutover() || !done.isEmpty(),
                                  qPrintable(e.status().errors.join(u'\n')), 300000);
        QVERIFY2(done.isEmpty(), qPrintable(e.status().errors.join(u'\n')));
        // Keep writing while streaming for a moment, then stop the applications and cut over.
        QTest::qWait(1500);
        const qint64 ops = w1.stop() + w2.stop();
        QVERIFY2(w1.error().isEmpty() && w2.error().isEmpty(), qPrintable(w1.error() + w2.error()));
        QVERIFY(ops > 50);
        QString why;
        QTRY_VERIFY_WITH_TIMEOUT(e.requestCutover(&why), 60000);
        QVERIFY(done.wait(300000));
        const engine::MigrationStatus last = e.status();
        QVERIFY2(done.first().first().toBool(),
                 qPrintable(last.errors.join(u'\n') + u'\n' + last.log.join(u'\n')));
        QCOMPARE(last.state, engine::RunState::Completed);
        const auto &d = last.databases.first();
        QVERIFY(d.inserts + d.updates + d.deletes > 0);

        m_pair->source.sql(QStringLiteral("postgres"),
                           QStringLiteral("ALTER DATABASE %1 RESET default_transaction_read_only").arg(db));
        pg::Connection s = m_pair->source.connect(db);
        pg::Connection t = m_pair->target.connect(db + QStringLiteral("_copy"));
        const auto cmp = test::compareDatabases(s, t);
        QVERIFY2(cmp.identical(), qPrintable(cmp.differences.join(u'\n')));
        pg::Result slots = s.exec(QStringLiteral(
            "SELECT string_agg(slot_name || ' active=' || active, ', ') FROM pg_replication_slots"));
        QVERIFY2(slots.isNull(0, 0), qPrintable(slots.text(0, 0) + u'\n' + last.log.join(u'\n')));
        QCOMPARE(s.exec(QStringLiteral("SELECT count(*) FROM pg_publication")).toInt(0, 0), 0);
        QCOMPARE(t.exec(QStringLiteral("SELECT count(*) FROM pg_replication_origin")).toInt(0, 0), 0);
        // Audit trigger fired once per rental on the source only: counts equal means no double fire.
        QCOMPARE(t.exec(QStringLiteral("SELECT count(*) FROM rental_log")).toInt(0, 0),
                 s.exec(QStringLiteral("SELECT count(*) FROM rental_log")).toInt(0, 0));
        QVERIFY(
            t.exec(QStringLiteral("SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal")).toInt(0, 0) >=
            3);
    }

    // Databases in other encodings arrive byte for byte, loaded and streamed. A SQL_ASCII database
    // holds bytes that are no valid UTF-8 (the load failed: "invalid byte sequence"); in a LATIN1
    // one, the bytes of 'Ã¼' are the UTF-8 for 'ü', which the stream, printed in LATIN1 but
    // applied as UTF-8, silently turned into 'ü'.
    void legacyEncodingsArriveByteForByte_data()
    {
        QTest::addColumn<QString>("encoding");
        QTest::addColumn<bool>("online");
        QTest::addColumn<QString>("decoder");
        const QString pgoutput = QStringLiteral("pgoutput"), testDecoding = QStringLiteral("test_decoding");
        QTest::newRow("SQL_ASCII offline") << QStringLiteral("SQL_ASCII") << false << pgoutput;
        QTest::newRow("SQL_ASCII online") << QStringLiteral("SQL_ASCII") << true << pgoutput;
        QTest::newRow("LATIN1 online") << QStringLiteral("LATIN1") << true << pgoutput;
        QTest::newRow("SQL_ASCII online, test_decoding")
            << QStringLiteral("SQL_ASCII") << true << testDecoding;
        QTest::newRow("LATIN1 online, test_decoding") << QStringLiteral("LATIN1") << true << testDecoding;
    }
    void legacyEncodingsArriveByteForByte()
    {
        QFETCH(QString, encoding);
        QFETCH(bool, online);
        QFETCH(QString, decoder);
        const QString db =
            QStringLiteral("enc_%1_%2_%3").arg(encoding.toLower()).arg(online).arg(decoder.left(4));
        m_pair->source.sql(
            QStringLiteral("postgres"),
            QStringLiteral("CREATE DATABASE %1 TEMPLATE template0 ENCODING '%2' LC_COLLATE 'C' LC_CTYPE 'C'")
                .arg(db, encoding));
        // Rows by their bytes: 'fc' (latin1 ü), 'c3bc' (UTF-8 ü), 'e9', 'ff'.
        const QString insert = QStringLiteral("INSERT INTO t SELECT g, convert_from(decode(h, 'hex'), '%1') "
                                              "FROM (VALUES (%2, 'fc4d'), (%3, 'c3bc'), "
                                              "(%4, '41e942'), (%5, 'ff')) v(g, h)");
        m_pair->source.sql(db, QStringLiteral("CREATE TABLE t (id int PRIMARY KEY, v text);") +
                                   insert.arg(encoding).arg(1).arg(2).arg(3).arg(4));
        QTemporaryDir state;
        engine::LocalEngineConfig c =
            m_pair->engineConfig(state.path(), online ? project::Mode::Online : project::Mode::Offline, db);
        c.decoder = decoder;
        engine::LocalEngine e(c);
        QSignalSpy done(&e, &engine::MigrationEngine::finished);
        e.start(engine::MigrationEngine::Until::Done);
        if (online) {
            QTRY_VERIFY2_WITH_TIMEOUT(e.status().readyForCutover() || !done.isEmpty(),
                                      qPrintable(e.status().errors.join(u'\n')), 300000);
            QVERIFY2(done.isEmpty(), qPrintable(e.status().errors.join(u'\n')));
            m_pair->source.sql(db, insert.arg(encoding).arg(11).arg(12).arg(13).arg(14) +
                                       QStringLiteral("; UPDATE t SET v = v || v WHERE id = 2"));
            QString why;
            QTRY_VERIFY_WITH_TIMEOUT(e.requestCutover(&why), 60000);
        }
        QVERIFY(done.wait(300000));
        const engine::MigrationStatus last = e.status();
        QVERIFY2(done.first().first().toBool(), qPrintable(last.errors.join(u'\n')));
        if (online)
            m_pair->source.sql(
                QStringLiteral("postgres"),
                QStringLiteral("ALTER DATABASE %1 RESET default_transaction_read_only").arg(db));
        const QString bytes =
            QStringLiteral(
                "SELECT string_agg(id || ':' || encode(convert_to(v, '%1'), 'hex'), ',' ORDER BY id) FROM t")
                .arg(encoding);
        pg::Connection s = m_pair->source.connect(db);
        pg::Connection t = m_pair->target.connect(db);
        const QString want = s.exec(bytes).text(0, 0);
        QVERIFY2(want.contains(u"2:c3bcc3bc") == online && want.contains(u"1:fc4d"), qPrintable(want));
        QCOMPARE(t.exec(bytes).text(0, 0), want);
    }

    void refusesATableWithoutIdentityAndLeavesTheSourceAlone()
    {
        const QString db = QStringLiteral("nokey");
        m_pair->source.createDatabase(db);
        m_pair->source.sql(
            db, QStringLiteral("CREATE TABLE keyed (id int PRIMARY KEY); CREATE TABLE loose (v text);"
                               "INSERT INTO loose VALUES ('a');"));
        QTemporaryDir state;
        engine::LocalEngineConfig c;
        c.project.mode = project::Mode::Online;
        c.project.databases.append({db, {}, {}, {}});
        c.source = m_pair->source.connInfo();
        c.target = m_pair->target.connInfo();
        c.stateDir = state.path();
        engine::LocalEngine e(c);
        QSignalSpy done(&e, &engine::MigrationEngine::finished);
        e.start(engine::MigrationEngine::Until::Done);
        QVERIFY(done.wait(120000));
        QVERIFY(!done.first().first().toBool());
        const QString err = e.status().errors.join(u' ');
        QVERIFY2(err.contains(u"public.loose") && err.contains(u"REPLICA IDENTITY"), qPrintable(err));
        pg::Connection s = m_pair->source.connect(db);
        QCOMPARE(s.exec(QStringLiteral("SELECT count(*) FROM pg_replication_slots")).toInt(0, 0), 0);
        QCOMPARE(s.exec(QStringLiteral("SELECT count(*) FROM pg_publication")).toInt(0, 0), 0);
        s.exec(QStringLiteral("UPDATE loose SET v = 'b'")); // the source's own writes still work
    }
};

QTEST_GUILESS_MAIN(TestOnlineMigration)
#include "tst_onlinemigration.moc"
