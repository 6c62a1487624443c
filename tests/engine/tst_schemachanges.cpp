// Schema changes on the source while an online migration streams. With DDL capture (the default,
// a superuser source role: the test clusters connect as one) event triggers on the source carry
// created tables (with the rows written in the same transaction), added, dropped and renamed
// columns, widened types, renamed tables, new indexes, sequences, views and functions to the
// target in stream order, under a writer that keeps going; at cutover the target is identical and
// the source keeps nothing of pgferry's. Without capture (watch only) a created table and a column
// added, dropped, renamed or retyped are carried by copying the table from a new snapshot, and
// types, sequences, routines and views are made, replaced or dropped on the target; a created
// table without a replica identity is unresolved and blocks the cutover, named, until it has one
// (with capture too). Runs with pgoutput and with test_decoding.
#include "compare.h"
#include "engine/localengine.h"
#include "testclusters.h"

#include <QDeadlineTimer>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

using namespace pgferry;
using namespace std::chrono_literals;

namespace {

constexpr int kOrders = 3000; // rows of orders (and of items) before the migration starts

// A writer with its own connection and thread: small transactions on orders and items, touching
// only the columns no schema change below renames, drops or needs (orders: id, amount, qty;
// items: id, order_id), so every statement stays valid across the changes. Any error ends it
// and is kept.
class Writer
{
public:
    Writer(pg::ConnInfo ci, quint32 seed)
        : m_ci(std::move(ci)), m_rng(seed), m_firstItem(1000000 + qint64(seed) * 10000000)
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
    qint64 ops() const { return m_ops; }
    QString error() const
    {
        std::lock_guard l(m_errorMutex);
        return m_error;
    }

private:
    void loop()
    {
        qint64 nextItem = m_firstItem;
        try {
            pg::Connection c = pg::Connection::open(m_ci);
            while (!m_stop.load()) {
                const int k = int(m_rng.bounded(8));
                c.exec(QStringLiteral("BEGIN"));
                switch (k) {
                case 0:
                case 1:
                    c.exec(QStringLiteral("INSERT INTO orders (amount, qty) VALUES (round((random() * "
                                          "1000)::numeric, 2), $1)"),
                           {int(1 + m_rng.bounded(50))});
                    break;
                case 2:
                case 3:
                    c.exec(QStringLiteral(
                               "UPDATE orders SET qty = qty + 1, amount = amount + 0.01 WHERE id = $1"),
                           {int(1 + m_rng.bounded(kOrders))});
                    break;
                case 4: // the newest order the writers added (no item refers to those)
                    c.exec(QStringLiteral(
                               "DELETE FROM orders WHERE id = (SELECT max(id) FROM orders WHERE id > $1)"),
                           {kOrders});
                    break;
                case 5:
                    c.exec(QStringLiteral("INSERT INTO items (id, order_id) VALUES ($1, $2)"),
                           {nextItem++, int(1 + m_rng.bounded(kOrders))});
                    break;
                case 6: // two changes in one transaction
                    c.exec(QStringLiteral("INSERT INTO orders (amount, qty) VALUES (1.50, 2)"));
                    c.exec(QStringLiteral("UPDATE orders SET qty = qty * 2 WHERE id = $1"),
                           {int(1 + m_rng.bounded(kOrders))});
                    break;
                default:
                    c.exec(QStringLiteral(
                        "DELETE FROM items WHERE id = (SELECT min(id) FROM items WHERE id >= 1000000)"));
                }
                c.exec(QStringLiteral("COMMIT"));
                ++m_ops;
                std::this_thread::sleep_for(2ms);
            }
        } catch (const pg::Exception &e) {
            std::lock_guard l(m_errorMutex);
            m_error = e.error().toString();
        }
    }
    pg::ConnInfo m_ci;
    QRandomGenerator m_rng;
    qint64 m_firstItem; // item ids of different writers never collide: each writes its own range
    std::atomic_bool m_stop{false};
    std::atomic<qint64> m_ops{0};
    std::thread m_thread;
    mutable std::mutex m_errorMutex;
    QString m_error;
};

QString describe(const engine::SchemaChange &c)
{
    return QStringLiteral("  %1 [%2] %3: %4%5%6")
        .arg(c.object, c.kind, c.state, c.statement,
             c.detail.isEmpty() ? QString() : QStringLiteral(" (") + c.detail + u')',
             c.lsn.isEmpty() ? QString() : QStringLiteral(" at ") + c.lsn);
}

// Everything worth reading when a check fails: errors, schema changes, the last log lines.
QString diagnose(const engine::MigrationStatus &s)
{
    QStringList out;
    out << QStringLiteral("state: %1").arg(engine::runStateName(s.state));
    out << QStringLiteral("errors:") << s.errors;
    for (const engine::DatabaseStatus &d : s.databases) {
        out << QStringLiteral("database %1: phase %2, ready %3 (%4), ddl capture \"%5\", schema changes:")
                   .arg(d.name, engine::phaseName(d.phase))
                   .arg(d.readyForCutover)
                   .arg(d.notReadyReason, d.ddlCapture);
        for (const engine::SchemaChange &c : d.schemaChanges)
            out << describe(c);
    }
    out << QStringLiteral("log (last 40 lines):") << s.log.mid(std::max<qsizetype>(0, s.log.size() - 40));
    return out.join(u'\n');
}

QList<engine::SchemaChange> schemaChanges(const engine::MigrationStatus &s)
{
    return s.databases.isEmpty() ? QList<engine::SchemaChange>{} : s.databases.first().schemaChanges;
}

bool hasChange(const engine::MigrationStatus &s, const QString &object, const QString &state = {})
{
    const auto list = schemaChanges(s);
    return std::any_of(list.begin(), list.end(), [&](const engine::SchemaChange &c) {
        return c.object == object && (state.isEmpty() || c.state == state);
    });
}

// What of `objects` has no applied change yet, and whether the run is not ready for cutover: empty
// once everything is carried and the run is ready again.
QString notYetCarried(const engine::MigrationStatus &s, const QStringList &objects)
{
    QStringList missing;
    for (const QString &o : objects)
        if (!hasChange(s, o, QStringLiteral("applied")))
            missing << o;
    if (!s.readyForCutover())
        missing << QStringLiteral("(the run is not ready for cutover)");
    return missing.join(QStringLiteral(", "));
}

QString ddlCapture(const engine::MigrationStatus &s)
{
    return s.databases.isEmpty() ? QString() : s.databases.first().ddlCapture;
}

// The first value of a query's result; -1, the error printed, when the query fails (a table the
// target lacks), so that the comparison after it fails with a readable message.
qint64 scalar(pg::Connection &c, const QString &sql)
{
    try {
        return c.exec(sql).toInt(0, 0);
    } catch (const pg::Exception &e) {
        qWarning().noquote() << sql << "failed:" << e.error().toString();
        return -1;
    }
}

// Polls (the event loop running) until the condition holds or the time is up; its last value.
template<class F> bool waitFor(F condition, int ms)
{
    QDeadlineTimer deadline(ms);
    while (!condition()) {
        if (deadline.hasExpired())
            return condition();
        QTest::qWait(50);
    }
    return true;
}

} // namespace

// QTest cuts a failure's message at about a thousand characters: print the engine's whole story
// (errors, schema changes, log) first, then fail with the condition and the short `extra`.
#define VERIFY_STATUS(cond, engine, extra)                                                                   \
    do {                                                                                                     \
        if (!(cond)) {                                                                                       \
            qWarning().noquote() << diagnose((engine).status());                                             \
            QFAIL(qPrintable(QStringLiteral(#cond) + QStringLiteral(": ") + QString(extra)));                \
        }                                                                                                    \
    } while (false)
#define TRY_STATUS(cond, engine, extra, ms)                                                                  \
    VERIFY_STATUS(waitFor([&] { return bool(cond); }, (ms)), engine, extra)

// Starts the engine and waits until it streams, ready for cutover.
#define START_UNTIL_READY(eng, done)                                                                         \
    do {                                                                                                     \
        (eng).start(engine::MigrationEngine::Until::Done);                                                   \
        TRY_STATUS((eng).status().readyForCutover() || !(done).isEmpty(), eng, QString(), 300000);           \
        VERIFY_STATUS((done).isEmpty(), eng, QStringLiteral("the run ended before the cutover"));            \
    } while (false)
// Asks for the cutover until it is accepted (`why` says why not), and waits until the run ends well.
#define CUT_OVER(eng, done, why)                                                                             \
    do {                                                                                                     \
        TRY_STATUS((eng).requestCutover(&(why)), eng, why, 60000);                                           \
        TRY_STATUS(!(done).isEmpty(), eng, QStringLiteral("no end within 300 s of the cutover"), 300000);    \
        VERIFY_STATUS((done).first().first().toBool(), eng, (eng).status().errors.join(u'\n'));              \
    } while (false)

class TestSchemaChanges : public QObject
{
    Q_OBJECT
    std::unique_ptr<test::TwoClusters> m_pair;

    void addDecoderRows()
    {
        QTest::addColumn<QString>("decoder");
        QTest::newRow("pgoutput") << QStringLiteral("pgoutput");
        QTest::newRow("test_decoding") << QStringLiteral("test_decoding");
    }

    // A small database with one keyed table, for the cases that only need streaming to start.
    void createSmallDatabase(const QString &db)
    {
        m_pair->source.createDatabase(db);
        m_pair->source.sql(
            db, QStringLiteral("CREATE TABLE base (id int PRIMARY KEY, v text);"
                               "INSERT INTO base SELECT g, 'v' || g FROM generate_series(1, 100) g;"));
    }

    // The database the writers work on: orders, and items that refer to them.
    void createOrdersDatabase(const QString &db)
    {
        m_pair->source.createDatabase(db);
        m_pair->source.sql(
            db, QStringLiteral(
                    "CREATE TABLE orders (id serial PRIMARY KEY, amount numeric(10,2), qty int, note text);"
                    "CREATE TABLE items (id int PRIMARY KEY, order_id int REFERENCES orders, name text);"
                    "INSERT INTO orders (amount, qty, note) SELECT (g % 1000) + 0.25, g % 17, 'note ' || g "
                    "FROM generate_series(1, %1) g;"
                    "INSERT INTO items SELECT g, g, 'item ' || g FROM generate_series(1, %1) g;")
                    .arg(kOrders));
    }

    // People with an enum column, for the tests between majors, then `more`.
    static void createPeopleDatabase(test::TestCluster &cluster, const QString &db, const QString &more)
    {
        cluster.createDatabase(db);
        cluster.sql(
            db, QStringLiteral("CREATE TYPE mood AS ENUM ('sad', 'ok');"
                               "CREATE TABLE people (id serial PRIMARY KEY, name text, score int, m mood);"
                               "INSERT INTO people (name, score, m) SELECT 'p' || g, g, 'ok' FROM "
                               "generate_series(1, 2000) g;") +
                    more);
    }

    int pgferryObjectsOnSource(const QString &db)
    {
        pg::Connection s = m_pair->source.connect(db);
        return int(scalar(
            s, QStringLiteral("SELECT (SELECT count(*) FROM pg_namespace WHERE nspname = '_pgferry') + "
                              "(SELECT count(*) FROM pg_event_trigger WHERE evtname LIKE 'pgferry%')")));
    }

private Q_SLOTS:
    void initTestCase() { m_pair = std::make_unique<test::TwoClusters>(); }
    void cleanupTestCase() { m_pair.reset(); }

    void carriesDdlUnderWrites_data() { addDecoderRows(); }
    void carriesDdlUnderWrites()
    {
        QFETCH(QString, decoder);
        const QString db = QStringLiteral("ddl_") + decoder;
        const QString targetDb = db + QStringLiteral("_copy");
        createOrdersDatabase(db);

        QTemporaryDir state;
        engine::LocalEngineConfig c = m_pair->engineConfig(state.path(), project::Mode::Online, db, targetDb);
        c.decoder = decoder;
        c.project.settings.schema.captureDdl = true;
        c.project.settings.cutover.makeSourceReadOnly = true;

        Writer w1(m_pair->source.connInfo(db), 1), w2(m_pair->source.connInfo(db), 2);
        w1.start();
        w2.start();
        engine::LocalEngine e(c);
        QSignalSpy done(&e, &engine::MigrationEngine::finished);
        START_UNTIL_READY(e, done);

        // The schema changes, each its own statement or transaction, the writers going on.
        const auto run = [&](const QString &sql) {
            m_pair->source.sql(db, sql);
            QTest::qWait(300);
        };
        const qint64 opsBefore = w1.ops() + w2.ops();
        run(QStringLiteral(
            "BEGIN;"
            "CREATE TABLE audit (id bigserial PRIMARY KEY, at timestamptz DEFAULT now(), what text);"
            "INSERT INTO audit (what) SELECT 'x' || g FROM generate_series(1, 500) g;"
            "COMMIT;"));
        run(QStringLiteral("INSERT INTO audit (what) SELECT 'y' || g FROM generate_series(1, 50) g"));
        run(QStringLiteral("CREATE TABLE batches (id int PRIMARY KEY, label text)"));
        run(QStringLiteral("INSERT INTO batches SELECT g, 'batch ' || g FROM generate_series(1, 20) g"));
        run(QStringLiteral("ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new'"));
        run(QStringLiteral("UPDATE orders SET status = 'paid' WHERE id % 3 = 0"));
        run(QStringLiteral("ALTER TABLE orders DROP COLUMN note"));
        run(QStringLiteral("ALTER TABLE orders ALTER COLUMN qty TYPE bigint"));
        run(QStringLiteral("UPDATE orders SET qty = qty + 5000000000 WHERE id % 50 = 0")); // needs the bigint
        run(QStringLiteral("ALTER TABLE orders ALTER COLUMN amount TYPE numeric(14,2)"));
        run(QStringLiteral(
            "UPDATE orders SET amount = 123456789012.34 WHERE id % 97 = 0")); // needs the numeric(14,2)
        run(QStringLiteral("ALTER TABLE items RENAME COLUMN name TO title"));
        run(QStringLiteral("UPDATE items SET title = title || ' (renamed)' WHERE id % 10 = 0"));
        run(QStringLiteral("ALTER TABLE batches RENAME TO shipment_batches"));
        run(QStringLiteral(
            "INSERT INTO shipment_batches SELECT g, 'batch ' || g FROM generate_series(21, 30) g;"
            "UPDATE shipment_batches SET label = 'first' WHERE id = 1;"
            "DELETE FROM shipment_batches WHERE id = 2;"));
        // Two indexes one after the other: the second among existing ones (matched by oid).
        run(QStringLiteral("CREATE INDEX orders_amount_idx ON orders (amount)"));
        run(QStringLiteral("CREATE INDEX orders_status_idx ON orders (status)"));
        run(QStringLiteral("ALTER INDEX orders_amount_idx RENAME TO orders_amount_ix"));
        run(QStringLiteral(
            "CREATE SEQUENCE ticket_seq;"
            "CREATE TABLE tickets (id bigint PRIMARY KEY DEFAULT nextval('ticket_seq'), body text);"));
        run(QStringLiteral("INSERT INTO tickets (body) SELECT 'ticket ' || g FROM generate_series(1, 40) g"));
        // A default that is not a constant: the rows already there get their own values on each
        // side, so the table is copied again (the writers' new rows bring theirs).
        run(QStringLiteral("ALTER TABLE items ADD COLUMN stamped timestamptz DEFAULT clock_timestamp()"));
        // CREATE TABLE AS fills the table before the capture sees it; without a key it waits, and
        // once it has one it is copied.
        run(QStringLiteral("CREATE TABLE summary AS SELECT id, qty FROM orders WHERE id <= 100"));
        run(QStringLiteral("ALTER TABLE summary ADD PRIMARY KEY (id)"));
        run(QStringLiteral("UPDATE summary SET qty = qty + 1 WHERE id % 2 = 0"));
        run(QStringLiteral("CREATE VIEW paid_orders AS SELECT id, amount FROM orders WHERE status = 'paid'"));
        run(QStringLiteral("CREATE FUNCTION paid_total() RETURNS numeric LANGUAGE sql STABLE "
                           "AS $$ SELECT coalesce(sum(amount), 0) FROM orders WHERE status = 'paid' $$"));
        run(QStringLiteral("INSERT INTO audit (what) SELECT 'z' || g FROM generate_series(1, 25) g;"
                           "INSERT INTO tickets (body) VALUES ('late ticket');"
                           "UPDATE orders SET status = 'shipped' WHERE id % 7 = 0;"));
        run(QStringLiteral(
            "UPDATE audit SET what = what || '!' WHERE id % 11 = 0; DELETE FROM audit WHERE id % 13 = 0"));

        // While streaming: capture by event trigger, installed on the source (checked at the end).
        const QString captureWhileStreaming = ddlCapture(e.status());
        const int pgferryObjectsWhileStreaming = pgferryObjectsOnSource(db);

        // The writers kept working through the changes.
        QTest::qWait(1500);
        QVERIFY2(w1.error().isEmpty() && w2.error().isEmpty(), qPrintable(w1.error() + u'\n' + w2.error()));
        QVERIFY2(w1.ops() + w2.ops() > opsBefore + 20,
                 qPrintable(QStringLiteral("writers: %1 ops before the changes, %2 after")
                                .arg(opsBefore)
                                .arg(w1.ops() + w2.ops())));
        const qint64 ops = w1.stop() + w2.stop();
        QVERIFY2(w1.error().isEmpty() && w2.error().isEmpty(), qPrintable(w1.error() + u'\n' + w2.error()));
        QVERIFY(ops > 50);
        VERIFY_STATUS(done.isEmpty(), e, QStringLiteral("the run ended before the cutover"));
        QTest::qWait(2000);

        QString why;
        TRY_STATUS(e.requestCutover(&why), e, why, 60000);
        TRY_STATUS(!done.isEmpty(), e, QStringLiteral("no end within 300 s of the cutover"), 300000);
        const engine::MigrationStatus last = e.status();
        VERIFY_STATUS(done.first().first().toBool(), e, last.errors.join(u'\n'));
        QCOMPARE(last.state, engine::RunState::Completed);

        m_pair->source.sql(QStringLiteral("postgres"),
                           QStringLiteral("ALTER DATABASE %1 RESET default_transaction_read_only").arg(db));
        pg::Connection s = m_pair->source.connect(db);
        pg::Connection t = m_pair->target.connect(targetDb);

        // Row by row, sequences included.
        const auto cmp = test::compareDatabases(s, t);
        VERIFY_STATUS(cmp.identical(), e, cmp.differences.join(u'\n'));

        // The created table and the rows of its own transaction.
        const qint64 auditRows = scalar(s, QStringLiteral("SELECT count(*) FROM audit"));
        QVERIFY2(auditRows >= 500, qPrintable(QString::number(auditRows)));
        VERIFY_STATUS(scalar(t, QStringLiteral("SELECT count(to_regclass('public.audit'))")) == 1, e,
                      QString());
        QCOMPARE(scalar(t, QStringLiteral("SELECT count(*) FROM audit")), auditRows);
        QCOMPARE(scalar(t, QStringLiteral("SELECT count(*) FROM audit WHERE what LIKE 'x%'")),
                 scalar(s, QStringLiteral("SELECT count(*) FROM audit WHERE what LIKE 'x%'")));
        // The renamed table, under its new name only.
        QCOMPARE(scalar(t, QStringLiteral("SELECT count(to_regclass('public.shipment_batches'))")), 1);
        QCOMPARE(scalar(t, QStringLiteral("SELECT count(to_regclass('public.batches'))")), 0);
        QCOMPARE(scalar(t, QStringLiteral("SELECT count(*) FROM shipment_batches")),
                 scalar(s, QStringLiteral("SELECT count(*) FROM shipment_batches")));
        // Columns: added, dropped, renamed, widened.
        const auto columnType = [](pg::Connection &c, const QString &table, const QString &column) {
            pg::Result r =
                c.exec(QStringLiteral("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                                      "WHERE attrelid = to_regclass($1) AND attname = $2 AND attnum > 0 "
                                      "AND NOT attisdropped"),
                       {table, column});
            return r.rows() == 0 ? QString() : r.text(0, 0);
        };
        QCOMPARE(columnType(t, QStringLiteral("orders"), QStringLiteral("status")), QStringLiteral("text"));
        QCOMPARE(columnType(t, QStringLiteral("orders"), QStringLiteral("note")), QString());
        QCOMPARE(columnType(t, QStringLiteral("orders"), QStringLiteral("qty")), QStringLiteral("bigint"));
        QCOMPARE(columnType(t, QStringLiteral("orders"), QStringLiteral("amount")),
                 QStringLiteral("numeric(14,2)"));
        QCOMPARE(columnType(t, QStringLiteral("items"), QStringLiteral("title")), QStringLiteral("text"));
        QCOMPARE(columnType(t, QStringLiteral("items"), QStringLiteral("name")), QString());
        QCOMPARE(
            scalar(t, QStringLiteral("SELECT count(*) FROM pg_attribute WHERE attrelid = 'orders'::regclass "
                                     "AND attname = 'status' AND attnotnull")),
            1);
        QCOMPARE(scalar(t, QStringLiteral("SELECT count(*) FROM orders WHERE status = 'paid'")),
                 scalar(s, QStringLiteral("SELECT count(*) FROM orders WHERE status = 'paid'")));
        // Index, view, function.
        QCOMPARE(scalar(t, QStringLiteral("SELECT count(*) FROM pg_indexes WHERE schemaname = 'public' "
                                          "AND indexname = 'orders_status_idx'")),
                 1);
        QCOMPARE(scalar(t, QStringLiteral("SELECT count(*) FROM pg_indexes WHERE schemaname = 'public' "
                                          "AND indexname IN ('orders_amount_ix', 'orders_amount_idx')")),
                 1);
        QCOMPARE(
            scalar(t, QStringLiteral("SELECT count(*) FROM pg_indexes WHERE indexname = 'orders_amount_ix'")),
            1);
        QCOMPARE(scalar(t, QStringLiteral(
                               "SELECT count(*) FROM pg_class WHERE oid = to_regclass('public.paid_orders') "
                               "AND relkind = 'v'")),
                 1);
        QCOMPARE(scalar(t, QStringLiteral("SELECT count(*) FROM paid_orders")),
                 scalar(s, QStringLiteral("SELECT count(*) FROM paid_orders")));
        QCOMPARE(scalar(t, QStringLiteral("SELECT count(to_regprocedure('public.paid_total()'))")), 1);
        // The new sequence, at least as far as the source's, and the default that uses it.
        QCOMPARE(scalar(t, QStringLiteral(
                               "SELECT count(*) FROM pg_class WHERE oid = to_regclass('public.ticket_seq') "
                               "AND relkind = 'S'")),
                 1);
        const qint64 sourceTicket = scalar(s, QStringLiteral("SELECT last_value FROM ticket_seq"));
        const qint64 targetTicket = scalar(t, QStringLiteral("SELECT last_value FROM ticket_seq"));
        QVERIFY2(targetTicket >= sourceTicket && sourceTicket >= 41,
                 qPrintable(
                     QStringLiteral("ticket_seq: source %1, target %2").arg(sourceTicket).arg(targetTicket)));
        QCOMPARE(scalar(t, QStringLiteral("SELECT count(*) FROM tickets")),
                 scalar(s, QStringLiteral("SELECT count(*) FROM tickets")));

        // The status lists the changes, all resolved.
        const auto changes = schemaChanges(last);
        VERIFY_STATUS(!changes.isEmpty(), e, QString());
        for (const engine::SchemaChange &ch : changes)
            VERIFY_STATUS(!ch.unresolved(), e, describe(ch));
        VERIFY_STATUS(hasChange(last, QStringLiteral("public.audit")), e, QString());
        // A column's change may name schema.table.column.
        VERIFY_STATUS(hasChange(last, QStringLiteral("public.orders")) ||
                          std::any_of(changes.begin(), changes.end(),
                                      [](const engine::SchemaChange &ch) {
                                          return ch.object.startsWith(u"public.orders.");
                                      }),
                      e, QString());
        QCOMPARE(captureWhileStreaming, QStringLiteral("event trigger"));
        QVERIFY2(pgferryObjectsWhileStreaming >= 2,
                 "no _pgferry schema or no pgferry event trigger on the source while streaming");

        // The source keeps nothing of pgferry's.
        QCOMPARE(scalar(s, QStringLiteral("SELECT count(*) FROM pg_namespace WHERE nspname = '_pgferry'")),
                 0);
        QCOMPARE(
            scalar(s, QStringLiteral("SELECT count(*) FROM pg_event_trigger WHERE evtname LIKE 'pgferry%'")),
            0);
        pg::Result slots = s.exec(QStringLiteral(
            "SELECT string_agg(slot_name || ' active=' || active, ', ') FROM pg_replication_slots "
            "WHERE database = current_database()"));
        VERIFY_STATUS(slots.isNull(0, 0), e, slots.text(0, 0));
        QCOMPARE(scalar(s, QStringLiteral("SELECT count(*) FROM pg_publication")), 0);
        QCOMPARE(scalar(t, QStringLiteral("SELECT count(*) FROM pg_replication_origin")), 0);

        // The target works on its own: the default draws from the carried sequence without collision.
        t.exec(QStringLiteral("INSERT INTO tickets (body) VALUES ('after cutover')"));
        t.exec(QStringLiteral("INSERT INTO orders (amount, qty) VALUES (1, 1)"));
    }

    // Capture off: only the catalog watch. A table created in a migrated schema and a column added
    // are carried anyway, under writes: the table is made on the target (pg_dump --table) and
    // copied from a new snapshot, the column added there and its table copied again, each joined
    // to the stream at its copy's position. The target is identical at cutover, the foreign key
    // of the new table included, and nothing of pgferry's was ever installed on the source.
    void watchOnlyCarriesNewTablesAndColumns_data() { addDecoderRows(); }
    void watchOnlyCarriesNewTablesAndColumns()
    {
        QFETCH(QString, decoder);
        const QString db = QStringLiteral("watchcarry_") + decoder;
        const QString targetDb = db + QStringLiteral("_copy");
        createOrdersDatabase(db);
        // A partitioned table: a column added to it reaches its partitions, and a partition made
        // while streaming is a new table of its own.
        m_pair->source.sql(
            db, QStringLiteral("CREATE TABLE events (id int, at date, v text, PRIMARY KEY (id, at)) "
                               "PARTITION BY RANGE (at);"
                               "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM "
                               "('2024-01-01') TO ('2025-01-01');"
                               "CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM "
                               "('2025-01-01') TO ('2026-01-01');"
                               "INSERT INTO events SELECT g, date '2024-01-01' + g, 'e' || g FROM "
                               "generate_series(1, 600) g;"
                               // Renamed and dropped while streaming.
                               "CREATE TABLE tags (id int PRIMARY KEY, tag text);"
                               "INSERT INTO tags SELECT g, 't' || g FROM generate_series(1, 300) g;"
                               "CREATE TABLE doomed (id int PRIMARY KEY, v text);"
                               "INSERT INTO doomed SELECT g, 'd' || g FROM generate_series(1, 100) g;"));
        QTemporaryDir state;
        engine::LocalEngineConfig c = m_pair->engineConfig(state.path(), project::Mode::Online, db, targetDb);
        c.decoder = decoder;
        c.project.settings.schema.captureDdl = false;
        c.project.settings.cutover.makeSourceReadOnly = true;
        Writer w1(m_pair->source.connInfo(db), 11), w2(m_pair->source.connInfo(db), 12);
        w1.start();
        w2.start();
        engine::LocalEngine e(c);
        QSignalSpy done(&e, &engine::MigrationEngine::finished);
        START_UNTIL_READY(e, done);
        QCOMPARE(ddlCapture(e.status()), QStringLiteral("watch only"));

        const auto run = [&](const QString &sql) {
            m_pair->source.sql(db, sql);
            QTest::qWait(200);
        };
        // A table created and filled in one transaction, then written to while it is copied.
        run(QStringLiteral(
            "BEGIN;"
            "CREATE TABLE audit (id bigserial PRIMARY KEY, at timestamptz DEFAULT now(), what text);"
            "INSERT INTO audit (what) SELECT 'x' || g FROM generate_series(1, 500) g;"
            "COMMIT;"));
        run(QStringLiteral("INSERT INTO audit (what) SELECT 'y' || g FROM generate_series(1, 50) g"));
        // One with a foreign key, an index and a check, filled over several transactions.
        run(QStringLiteral("CREATE TABLE batches (id int PRIMARY KEY, label text CHECK (label <> ''), "
                           "order_id int REFERENCES orders)"));
        run(QStringLiteral("CREATE INDEX batches_label_idx ON batches (label)"));
        for (int i = 0; i < 5; ++i)
            run(QStringLiteral("INSERT INTO batches SELECT g, 'batch ' || g, 1 + g % 100 FROM "
                               "generate_series(%1, %2) g")
                    .arg(i * 20 + 1)
                    .arg(i * 20 + 20));
        // Columns added while the writers go on (their inserts leave them to the default).
        run(QStringLiteral("ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new'"));
        run(QStringLiteral("UPDATE orders SET status = 'paid' WHERE id % 3 = 0"));
        run(QStringLiteral("ALTER TABLE items ADD COLUMN note varchar(40)"));
        run(QStringLiteral("UPDATE items SET note = 'n' || id WHERE id % 5 = 0"));
        run(QStringLiteral("ALTER TABLE events ADD COLUMN kind text NOT NULL DEFAULT 'plain'"));
        run(QStringLiteral("INSERT INTO events SELECT g, date '2024-06-01' + (g - 1000), 'f', 'new' FROM "
                           "generate_series(1001, 1300) g; UPDATE events SET kind = 'old' WHERE id % 4 = 0"));
        run(QStringLiteral(
            "CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO "
            "('2027-01-01'); INSERT INTO events SELECT g, date '2026-01-01' + g % 300, 'g', 'late' "
            "FROM generate_series(2001, 2100) g"));
        run(QStringLiteral(
            "UPDATE batches SET label = 'first' WHERE id = 1; DELETE FROM batches WHERE id = 2;"
            "UPDATE audit SET what = 'changed' WHERE id % 10 = 0; DELETE FROM audit WHERE id = 3"));
        // Tables renamed (one of the snapshot, one made while streaming) and one dropped, each
        // written to right before and (the renamed ones) right after: renamed or dropped on the
        // target once those rows are applied, the renamed ones copied again.
        run(QStringLiteral("UPDATE tags SET tag = tag || '+' WHERE id % 3 = 0"));
        run(QStringLiteral("ALTER TABLE tags RENAME TO labels"));
        run(QStringLiteral("UPDATE labels SET tag = 'renamed' WHERE id % 5 = 0; INSERT INTO labels VALUES "
                           "(1001, 'new')"));
        run(QStringLiteral("ALTER TABLE batches RENAME TO shipment_batches"));
        run(QStringLiteral(
            "INSERT INTO shipment_batches SELECT g, 'b' || g, 1 FROM generate_series(200, 220) g"));
        run(QStringLiteral("UPDATE doomed SET v = 'last' WHERE id < 10"));
        run(QStringLiteral("DROP TABLE doomed"));

        // A column dropped, one widened and used at once past its old width, one renamed (in its
        // place): the same on the target, each table copied again.
        run(QStringLiteral("ALTER TABLE items DROP COLUMN name"));
        run(QStringLiteral("ALTER TABLE orders ALTER COLUMN amount TYPE numeric(14,2)"));
        run(QStringLiteral("UPDATE orders SET amount = 123456789.12 WHERE id = 7"));
        run(QStringLiteral(
            "ALTER TABLE orders RENAME COLUMN note TO remark; UPDATE orders SET remark = 'r' || "
            "id WHERE id % 9 = 0"));

        // Carried: each applied, and ready again once every copy joined the stream.
        const QStringList carried{QStringLiteral("public.items.name"),
                                  QStringLiteral("public.orders.amount"),
                                  QStringLiteral("public.orders.remark"),
                                  QStringLiteral("public.audit"),
                                  QStringLiteral("public.batches"),
                                  QStringLiteral("public.orders.status"),
                                  QStringLiteral("public.items.note"),
                                  QStringLiteral("public.events_2024.kind"),
                                  QStringLiteral("public.events_2025.kind"),
                                  QStringLiteral("public.events_2026"),
                                  QStringLiteral("public.labels"),
                                  QStringLiteral("public.shipment_batches"),
                                  QStringLiteral("public.doomed")};
        TRY_STATUS(notYetCarried(e.status(), carried).isEmpty(), e,
                   QStringLiteral("not carried: ") + notYetCarried(e.status(), carried), 120000);
        for (const engine::SchemaChange &ch : schemaChanges(e.status()))
            VERIFY_STATUS(!ch.unresolved(), e, describe(ch));
        const auto kindOf = [&](const QString &object) {
            for (const engine::SchemaChange &ch : schemaChanges(e.status()))
                if (ch.object == object)
                    return ch.kind;
            return QString();
        };
        QCOMPARE(kindOf(QStringLiteral("public.labels")), QStringLiteral("table renamed"));
        QCOMPARE(kindOf(QStringLiteral("public.shipment_batches")), QStringLiteral("table renamed"));
        QCOMPARE(kindOf(QStringLiteral("public.doomed")), QStringLiteral("table dropped"));
        // And after the copies, the rows keep streaming.
        run(QStringLiteral(
            "INSERT INTO audit (what) VALUES ('after'); UPDATE orders SET status = 'late' WHERE "
            "id % 7 = 0; INSERT INTO shipment_batches VALUES (1000, 'last', 5); UPDATE items SET note = "
            "'later' WHERE id % 11 = 0"));
        // An index and a check on tables that stream: the watch does not carry them, the cutover
        // makes what the target lacks from the source's catalog.
        run(QStringLiteral("CREATE INDEX orders_qty_idx ON orders (qty)"));
        run(QStringLiteral("ALTER TABLE items ADD CONSTRAINT items_id_positive CHECK (id > 0)"));
        QTest::qWait(1000);
        const qint64 ops = w1.stop() + w2.stop();
        QVERIFY2(w1.error().isEmpty() && w2.error().isEmpty(), qPrintable(w1.error() + w2.error()));
        QVERIFY2(ops > 50, qPrintable(QStringLiteral("only %1 writes").arg(ops)));
        QCOMPARE(pgferryObjectsOnSource(db), 0);

        QString why;
        CUT_OVER(e, done, why);
        m_pair->source.sql(QStringLiteral("postgres"),
                           QStringLiteral("ALTER DATABASE %1 RESET default_transaction_read_only").arg(db));
        pg::Connection s = m_pair->source.connect(db);
        pg::Connection t = m_pair->target.connect(targetDb);
        const auto cmp = test::compareDatabases(s, t);
        VERIFY_STATUS(cmp.identical(), e, cmp.differences.join(u'\n'));
        QCOMPARE(
            scalar(t, QStringLiteral("SELECT count(*) FROM pg_indexes WHERE indexname = 'orders_qty_idx'")),
            1);
        QCOMPARE(scalar(t, QStringLiteral(
                               "SELECT count(*) FROM pg_constraint WHERE conname = 'items_id_positive'")),
                 1);
        for (const QString &table :
             {QStringLiteral("audit"), QStringLiteral("shipment_batches"), QStringLiteral("labels")})
            QCOMPARE(scalar(t, QStringLiteral("SELECT count(*) FROM ") + table),
                     scalar(s, QStringLiteral("SELECT count(*) FROM ") + table));
        // Under their new names only; the dropped one gone.
        QCOMPARE(scalar(t, QStringLiteral("SELECT count(*) FROM pg_class WHERE relname IN ('tags', "
                                          "'batches', 'doomed') AND relkind = 'r'")),
                 0);
        QCOMPARE(scalar(t, QStringLiteral("SELECT count(*) FROM labels WHERE tag = 'renamed'")), 60);
        // The new table's key, index, check and foreign key, and the column's default and NOT NULL.
        QCOMPARE(
            scalar(t, QStringLiteral(
                          "SELECT count(*) FROM pg_constraint WHERE conrelid = 'shipment_batches'::regclass "
                          "AND contype IN ('p', 'c', 'f')")),
            3);
        QCOMPARE(scalar(t, QStringLiteral(
                               "SELECT count(*) FROM pg_indexes WHERE indexname = 'batches_label_idx'")),
                 1);
        QCOMPARE(scalar(t, QStringLiteral(
                               "SELECT count(*) FROM pg_attribute a JOIN pg_attrdef d ON d.adrelid = "
                               "a.attrelid AND d.adnum = a.attnum WHERE a.attrelid = 'orders'::regclass "
                               "AND a.attname = 'status' AND a.attnotnull")),
                 1);
        // The new table's sequence, at least as far as the source's: the target can take over.
        const qint64 sourceSeq = scalar(s, QStringLiteral("SELECT last_value FROM audit_id_seq"));
        QVERIFY2(scalar(t, QStringLiteral("SELECT last_value FROM audit_id_seq")) >= sourceSeq &&
                     sourceSeq >= 551,
                 qPrintable(QString::number(sourceSeq)));
        t.exec(QStringLiteral("INSERT INTO audit (what) VALUES ('on the target')"));
        QCOMPARE(pgferryObjectsOnSource(db), 0);
        pg::Result slots = s.exec(QStringLiteral(
            "SELECT string_agg(slot_name || ' active=' || active, ', ') FROM pg_replication_slots "
            "WHERE database = current_database()"));
        VERIFY_STATUS(slots.isNull(0, 0), e, slots.text(0, 0));
        QCOMPARE(scalar(s, QStringLiteral("SELECT count(*) FROM pg_publication")), 0);
    }

    // Capture off: the objects other than tables. Types (an enum gaining labels that rows use at
    // once, a domain), functions, a procedure, views (one on another, one replaced with a column
    // more), a standalone sequence and a materialized view created while streaming are made on
    // the target, a view and a materialized view dropped on the source are dropped there, a table
    // using the new types is copied; a domain altered on the source is unresolved, named in the
    // refused cutover, until the target is altered alike; a table dropped with its view is dropped
    // there too; a view created just before the cutover is carried by the cutover's own last look.
    void watchOnlyCarriesViewsRoutinesAndTypes()
    {
        const QString db = QStringLiteral("watchobjects");
        const QString targetDb = db + QStringLiteral("_copy");
        createOrdersDatabase(db);
        m_pair->source.sql(
            db,
            QStringLiteral("CREATE TYPE mood AS ENUM ('sad', 'ok');"
                           "CREATE TABLE feelings (id int PRIMARY KEY, m mood);"
                           "INSERT INTO feelings SELECT g, 'ok' FROM generate_series(1, 20) g;"
                           "CREATE FUNCTION twice(int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT $1 * 2';"
                           "CREATE VIEW old_view AS SELECT id FROM orders WHERE qty > 10;"
                           "CREATE VIEW kept_view AS SELECT id, qty FROM orders;"
                           "CREATE MATERIALIZED VIEW old_mv AS SELECT count(*) AS n FROM orders;"
                           "CREATE TABLE scratch (id int PRIMARY KEY); INSERT INTO scratch VALUES (1);"
                           "CREATE VIEW scratch_view AS SELECT id FROM scratch;"));
        QTemporaryDir state;
        engine::LocalEngineConfig c = m_pair->engineConfig(state.path(), project::Mode::Online, db, targetDb);
        c.project.settings.schema.captureDdl = false;
        c.project.settings.cutover.makeSourceReadOnly = true;
        Writer w1(m_pair->source.connInfo(db), 21), w2(m_pair->source.connInfo(db), 22);
        w1.start();
        w2.start();
        engine::LocalEngine e(c);
        QSignalSpy done(&e, &engine::MigrationEngine::finished);
        START_UNTIL_READY(e, done);
        QCOMPARE(ddlCapture(e.status()), QStringLiteral("watch only"));

        const auto run = [&](const QString &sql) {
            m_pair->source.sql(db, sql);
            QTest::qWait(200);
        };
        // Labels used by rows right away: the applier waits for the watch to add them.
        run(QStringLiteral("ALTER TYPE mood ADD VALUE 'happy'"));
        run(QStringLiteral("ALTER TYPE mood ADD VALUE 'meh' BEFORE 'ok'"));
        run(QStringLiteral(
            "INSERT INTO feelings VALUES (100, 'happy'), (101, 'meh'); UPDATE feelings SET m = "
            "'sad' WHERE id <= 5"));
        // New types and a table that uses them, in one transaction.
        run(QStringLiteral(
            "BEGIN;"
            "CREATE TYPE priority AS ENUM ('low', 'high');"
            "CREATE DOMAIN positive AS int CHECK (VALUE > 0);"
            "CREATE TABLE tasks (id int PRIMARY KEY, p priority NOT NULL, n positive);"
            "INSERT INTO tasks SELECT g, CASE WHEN g % 2 = 0 THEN 'low' ELSE 'high' END::priority, "
            "g FROM generate_series(1, 200) g;"
            "COMMIT"));
        run(QStringLiteral("CREATE FUNCTION total_qty() RETURNS bigint LANGUAGE sql STABLE AS 'SELECT "
                           "sum(qty) FROM orders'"));
        run(QStringLiteral("CREATE OR REPLACE FUNCTION twice(int) RETURNS int LANGUAGE sql IMMUTABLE AS "
                           "'SELECT $1 + $1'"));
        run(QStringLiteral(
            "CREATE PROCEDURE touch(int) LANGUAGE sql AS 'UPDATE tasks SET n = n WHERE id = $1'"));
        // A view on a view, made in one transaction: the watch may meet them in either order.
        run(QStringLiteral("BEGIN;"
                           "CREATE VIEW big_orders AS SELECT id, amount, twice(qty) AS q2 FROM orders WHERE "
                           "amount > 500;"
                           "CREATE VIEW big_count AS SELECT count(*) AS n FROM big_orders;"
                           "COMMIT"));
        run(QStringLiteral("CREATE OR REPLACE VIEW kept_view AS SELECT id, qty, amount FROM orders"));
        run(QStringLiteral("DROP VIEW old_view; DROP MATERIALIZED VIEW old_mv"));
        run(QStringLiteral("CREATE SEQUENCE ticket_seq START 100; SELECT nextval('ticket_seq') FROM "
                           "generate_series(1, 5)"));
        // Items the writers leave alone (their ids are from a million on): the same at cutover.
        run(QStringLiteral("CREATE MATERIALIZED VIEW items_mv AS SELECT count(*) AS n FROM items WHERE id < "
                           "1000000"));
        run(QStringLiteral("INSERT INTO tasks VALUES (201, 'high', 7)"));
        run(QStringLiteral("ALTER SEQUENCE ticket_seq INCREMENT BY 10 MAXVALUE 50000"));

        const QStringList carried{QStringLiteral("public.mood"),
                                  QStringLiteral("public.priority"),
                                  QStringLiteral("public.positive"),
                                  QStringLiteral("public.tasks"),
                                  QStringLiteral("public.total_qty()"),
                                  QStringLiteral("public.twice(integer)"),
                                  QStringLiteral("public.touch(IN integer)"),
                                  QStringLiteral("public.big_orders"),
                                  QStringLiteral("public.big_count"),
                                  QStringLiteral("public.kept_view"),
                                  QStringLiteral("public.old_view"),
                                  QStringLiteral("public.old_mv"),
                                  QStringLiteral("public.ticket_seq"),
                                  QStringLiteral("public.items_mv")};
        TRY_STATUS(notYetCarried(e.status(), carried).isEmpty(), e,
                   QStringLiteral("not carried: ") + notYetCarried(e.status(), carried), 120000);
        for (const engine::SchemaChange &ch : schemaChanges(e.status()))
            VERIFY_STATUS(!ch.unresolved(), e, describe(ch));

        // A domain altered: not carried; the cutover is refused, naming it, until the target is
        // altered alike. A table dropped (and its view): dropped on the target too.
        run(QStringLiteral("ALTER DOMAIN positive ADD CONSTRAINT below_a_million CHECK (VALUE < 1000000)"));
        run(QStringLiteral("DROP TABLE scratch CASCADE"));
        TRY_STATUS(hasChange(e.status(), QStringLiteral("public.positive"), QStringLiteral("unresolved")) &&
                       hasChange(e.status(), QStringLiteral("public.scratch"), QStringLiteral("applied")),
                   e,
                   QStringLiteral("the altered domain is not unresolved, or the dropped table not dropped"),
                   60000);
        QString why;
        QVERIFY(!e.requestCutover(&why));
        QVERIFY2(why.contains(u"public.positive") && !why.contains(u"public.scratch"), qPrintable(why));
        pg::Connection t = m_pair->target.connect(targetDb);
        QCOMPARE(scalar(t, QStringLiteral("SELECT count(to_regclass('public.scratch'))")), 0);
        QCOMPARE(scalar(t, QStringLiteral("SELECT count(to_regclass('public.scratch_view'))")), 0);
        t.exec(
            QStringLiteral("ALTER DOMAIN positive ADD CONSTRAINT below_a_million CHECK (VALUE < 1000000)"));
        TRY_STATUS(!hasChange(e.status(), QStringLiteral("public.positive"), QStringLiteral("unresolved")) &&
                       e.status().readyForCutover(),
                   e, QStringLiteral("the domain mended on the target by hand is still unresolved"), 60000);

        QTest::qWait(1000);
        const qint64 ops = w1.stop() + w2.stop();
        QVERIFY2(w1.error().isEmpty() && w2.error().isEmpty(), qPrintable(w1.error() + w2.error()));
        QVERIFY2(ops > 50, qPrintable(QStringLiteral("only %1 writes").arg(ops)));
        // Made just before the cutover: the watch may not have seen it, the cutover's last look has.
        m_pair->source.sql(db, QStringLiteral("CREATE VIEW late_view AS SELECT count(*) AS n FROM tasks"));
        CUT_OVER(e, done, why);
        m_pair->source.sql(QStringLiteral("postgres"),
                           QStringLiteral("ALTER DATABASE %1 RESET default_transaction_read_only").arg(db));
        pg::Connection s = m_pair->source.connect(db);
        const auto cmp = test::compareDatabases(s, t);
        VERIFY_STATUS(cmp.identical(), e, cmp.differences.join(u'\n'));
        const auto text = [](pg::Connection &conn, const QString &sql) {
            try {
                return conn.exec(sql).text(0, 0);
            } catch (const pg::Exception &ex) {
                return QString(QStringLiteral("error: ") + ex.error().toString());
            }
        };
        const QString labels =
            QStringLiteral("SELECT string_agg(enumlabel::text, ',' ORDER BY enumsortorder) "
                           "FROM pg_enum WHERE enumtypid = 'mood'::regtype");
        QCOMPARE(text(t, labels), QStringLiteral("sad,meh,ok,happy"));
        QCOMPARE(text(t, labels), text(s, labels));
        QCOMPARE(text(t, QStringLiteral("SELECT twice(21)")), QStringLiteral("42"));
        QVERIFY(text(t, QStringLiteral("SELECT prosrc FROM pg_proc WHERE proname = 'twice'"))
                    .contains(u"$1 + $1"));
        QCOMPARE(text(t, QStringLiteral("SELECT total_qty()")),
                 text(s, QStringLiteral("SELECT total_qty()")));
        QCOMPARE(text(t, QStringLiteral("SELECT to_regprocedure('touch(int)') IS NOT NULL")),
                 QStringLiteral("t"));
        for (const QString &q :
             {QStringLiteral("SELECT n FROM big_count"), QStringLiteral("SELECT n FROM late_view"),
              QStringLiteral("SELECT n FROM items_mv"),
              QStringLiteral("SELECT count(*) FROM kept_view WHERE amount IS NOT NULL"),
              QStringLiteral("SELECT last_value FROM ticket_seq")})
            QCOMPARE(text(t, q), text(s, q));
        QCOMPARE(text(t, QStringLiteral("SELECT last_value FROM ticket_seq")), QStringLiteral("104"));
        const QString options = QStringLiteral("SELECT seqincrement || ',' || seqmax FROM pg_sequence WHERE "
                                               "seqrelid = 'ticket_seq'::regclass");
        QCOMPARE(text(t, options), QStringLiteral("10,50000"));
        QCOMPARE(text(t, QStringLiteral("SELECT n FROM items_mv")), QString::number(kOrders));
        QCOMPARE(
            text(t, QStringLiteral("SELECT count(*) FROM pg_class WHERE relname IN ('old_view', 'old_mv')")),
            QStringLiteral("0"));
        // The domain's checks hold on the target.
        QVERIFY(t.tryExec(QStringLiteral("INSERT INTO tasks VALUES (9999, 'low', 0)")).has_value());
        QVERIFY(t.tryExec(QStringLiteral("INSERT INTO tasks VALUES (9998, 'low', 2000000)")).has_value());
        QCOMPARE(pgferryObjectsOnSource(db), 0);
    }

    // Capture off, and a table created without a key: its updates and deletes cannot stream, so
    // it is unresolved, named, and the cutover is refused; nothing is installed on the source.
    // Once it has a key the watch carries it like any new table, and the cutover goes ahead.
    void watchOnlyHoldsAKeylessTableUntilItHasAKey_data() { addDecoderRows(); }
    void watchOnlyHoldsAKeylessTableUntilItHasAKey()
    {
        QFETCH(QString, decoder);
        const QString db = QStringLiteral("watch_") + decoder;
        createSmallDatabase(db);
        QTemporaryDir state;
        engine::LocalEngineConfig c =
            m_pair->engineConfig(state.path(), project::Mode::Online, db, db + QStringLiteral("_copy"));
        c.decoder = decoder;
        c.project.settings.schema.captureDdl = false;
        c.project.settings.cutover.makeSourceReadOnly = true;
        engine::LocalEngine e(c);
        QSignalSpy done(&e, &engine::MigrationEngine::finished);
        START_UNTIL_READY(e, done);

        m_pair->source.sql(
            db, QStringLiteral(
                    "CREATE TABLE latecomer (id int, v text); INSERT INTO latecomer VALUES (1, 'a');"));
        TRY_STATUS(hasChange(e.status(), QStringLiteral("public.latecomer"), QStringLiteral("unresolved")), e,
                   QString(), 30000);
        VERIFY_STATUS(!e.status().readyForCutover(), e, QString());
        QString why;
        VERIFY_STATUS(!e.requestCutover(&why), e, QStringLiteral("the cutover was accepted"));
        VERIFY_STATUS(why.contains(u"latecomer"), e, why);
        // Still refused a moment later: the watch does not forget it.
        QTest::qWait(3000);
        VERIFY_STATUS(!e.requestCutover(&why), e, QStringLiteral("the cutover was accepted"));
        VERIFY_STATUS(done.isEmpty(), e, QString());
        QCOMPARE(ddlCapture(e.status()), QStringLiteral("watch only"));
        QCOMPARE(pgferryObjectsOnSource(db), 0);

        m_pair->source.sql(
            db, QStringLiteral("ALTER TABLE latecomer ADD PRIMARY KEY (id);"
                               "INSERT INTO latecomer SELECT g, 'b' FROM generate_series(2, 200) g;"));
        TRY_STATUS(e.status().readyForCutover(), e, QStringLiteral("not ready once the table has a key"),
                   120000);
        VERIFY_STATUS(hasChange(e.status(), QStringLiteral("public.latecomer"), QStringLiteral("applied")), e,
                      QString());
        m_pair->source.sql(db, QStringLiteral("UPDATE latecomer SET v = 'c' WHERE id % 3 = 0;"
                                              "DELETE FROM latecomer WHERE id % 7 = 0;"));
        QTest::qWait(1000);
        CUT_OVER(e, done, why);
        m_pair->source.sql(QStringLiteral("postgres"),
                           QStringLiteral("ALTER DATABASE %1 RESET default_transaction_read_only").arg(db));
        pg::Connection s = m_pair->source.connect(db);
        pg::Connection t = m_pair->target.connect(db + QStringLiteral("_copy"));
        const auto cmp = test::compareDatabases(s, t);
        VERIFY_STATUS(cmp.identical(), e, cmp.differences.join(u'\n'));
        QCOMPARE(scalar(t, QStringLiteral("SELECT count(*) FROM latecomer")), 172);
        QCOMPARE(pgferryObjectsOnSource(db), 0);
    }

    // Capture on, but a created table without a key cannot stream its updates and deletes: it is
    // unresolved, named, and blocks the cutover.
    void createdTableWithoutKeyIsUnresolved_data() { addDecoderRows(); }
    void createdTableWithoutKeyIsUnresolved()
    {
        QFETCH(QString, decoder);
        const QString db = QStringLiteral("ddlnokey_") + decoder;
        createSmallDatabase(db);
        QTemporaryDir state;
        engine::LocalEngineConfig c =
            m_pair->engineConfig(state.path(), project::Mode::Online, db, db + QStringLiteral("_copy"));
        c.decoder = decoder;
        c.project.settings.schema.captureDdl = true;
        engine::LocalEngine e(c);
        QSignalSpy done(&e, &engine::MigrationEngine::finished);
        START_UNTIL_READY(e, done);

        m_pair->source.sql(
            db, QStringLiteral("CREATE TABLE nokey (a int, b text); INSERT INTO nokey VALUES (1, 'one');"));
        TRY_STATUS(hasChange(e.status(), QStringLiteral("public.nokey"), QStringLiteral("unresolved")), e,
                   QString(), 30000);
        VERIFY_STATUS(!e.status().readyForCutover(), e, QString());
        QString why;
        VERIFY_STATUS(!e.requestCutover(&why), e, QStringLiteral("the cutover was accepted"));
        VERIFY_STATUS(why.contains(u"nokey"), e, why);
        VERIFY_STATUS(done.isEmpty(), e, QString());
        QCOMPARE(ddlCapture(e.status()), QStringLiteral("event trigger"));

        e.stop();
        TRY_STATUS(!done.isEmpty(), e, QStringLiteral("no end within 120 s of the stop"), 120000);
        QCOMPARE(e.status().state, engine::RunState::Stopped);
    }

    // Between majors: the capture's catalog queries and the plan's statements on an old source
    // and a new target. 12 -> 17 with pgoutput; 9.6 -> 17 with test_decoding (9.6 has no
    // pgoutput).
    void carriesDdlBetweenMajors_data()
    {
        QTest::addColumn<QString>("sourceMajor");
        QTest::addColumn<QString>("targetMajor");
        QTest::newRow("12 to 17") << QStringLiteral("12") << QStringLiteral("17");
        QTest::newRow("9.6 to 17") << QStringLiteral("9.6") << QStringLiteral("17");
    }
    void carriesDdlBetweenMajors()
    {
        QFETCH(QString, sourceMajor);
        QFETCH(QString, targetMajor);
        PGFERRY_REQUIRE_MAJOR(sourceMajor);
        PGFERRY_REQUIRE_MAJOR(targetMajor);
        test::TwoClusters pair(sourceMajor, targetMajor);
        const QString db = QStringLiteral("ddlmajors");
        createPeopleDatabase(pair.source, db,
                             QStringLiteral("CREATE TABLE scratch (id int PRIMARY KEY);"
                                            "INSERT INTO scratch SELECT generate_series(1, 10);"));
        QTemporaryDir state;
        engine::LocalEngineConfig c = pair.engineConfig(state.path(), project::Mode::Online, db);
        c.project.settings.cutover.makeSourceReadOnly = true;
        engine::LocalEngine e(c);
        QSignalSpy done(&e, &engine::MigrationEngine::finished);
        START_UNTIL_READY(e, done);
        QCOMPARE(ddlCapture(e.status()), QStringLiteral("event trigger"));
        const QStringList steps{
            QStringLiteral("BEGIN; CREATE TABLE events (id bigserial PRIMARY KEY, at timestamptz NOT NULL "
                           "DEFAULT now(), "
                           "what text); INSERT INTO events (what) SELECT 'e' || g FROM generate_series(1, "
                           "300) g; COMMIT;"),
            QStringLiteral("ALTER TABLE people ADD COLUMN tier text NOT NULL DEFAULT 'basic'"),
            QStringLiteral("UPDATE people SET tier = 'gold' WHERE id % 5 = 0"),
            QStringLiteral("ALTER TABLE people ALTER COLUMN score TYPE bigint"),
            QStringLiteral("UPDATE people SET score = score + 10000000000 WHERE id % 7 = 0"),
            QStringLiteral("ALTER TABLE people RENAME COLUMN name TO full_name"),
            QStringLiteral("CREATE INDEX people_tier ON people (tier)"),
            QStringLiteral("ALTER TYPE mood ADD VALUE 'happy'"),
            QStringLiteral("UPDATE people SET m = 'happy' WHERE id % 3 = 0"),
            QStringLiteral("DROP TABLE scratch"),
            QStringLiteral("INSERT INTO events (what) VALUES ('last')"),
        };
        for (const QString &sql : steps) {
            pair.source.sql(db, sql);
            QTest::qWait(200);
        }
        QTest::qWait(1500);
        QString why;
        CUT_OVER(e, done, why);
        pair.source.sql(QStringLiteral("postgres"),
                        QStringLiteral("ALTER DATABASE %1 RESET default_transaction_read_only").arg(db));
        pg::Connection s = pair.source.connect(db);
        pg::Connection t = pair.target.connect(db);
        const auto cmp = test::compareDatabases(s, t);
        VERIFY_STATUS(cmp.identical(), e, cmp.differences.join(u'\n'));
        QCOMPARE(scalar(t, QStringLiteral("SELECT count(*) FROM events")), 301);
        QCOMPARE(scalar(t, QStringLiteral("SELECT count(to_regclass('public.scratch'))")), 0);
        QCOMPARE(scalar(t, QStringLiteral("SELECT count(*) FROM people WHERE m = 'happy'")),
                 scalar(s, QStringLiteral("SELECT count(*) FROM people WHERE m = 'happy'")));
        QCOMPARE(scalar(t, QStringLiteral("SELECT count(*) FROM pg_indexes WHERE indexname = 'people_tier'")),
                 1);
        QCOMPARE(scalar(s, QStringLiteral("SELECT count(*) FROM pg_namespace WHERE nspname = '_pgferry'")),
                 0);
        QCOMPARE(scalar(s, QStringLiteral("SELECT count(*) FROM pg_event_trigger")), 0);
    }

    // Without capture, between majors: the watch reads a 9.6 catalog (aggregates by proisagg, no
    // procedures) and carries what it finds to 17, whose catalog prints the same views otherwise.
    void watchesObjectsBetweenMajors_data()
    {
        QTest::addColumn<QString>("sourceMajor");
        QTest::addColumn<QString>("targetMajor");
        QTest::newRow("9.6 to 17") << QStringLiteral("9.6") << QStringLiteral("17");
    }
    void watchesObjectsBetweenMajors()
    {
        QFETCH(QString, sourceMajor);
        QFETCH(QString, targetMajor);
        PGFERRY_REQUIRE_MAJOR(sourceMajor);
        PGFERRY_REQUIRE_MAJOR(targetMajor);
        test::TwoClusters pair(sourceMajor, targetMajor);
        const QString db = QStringLiteral("watchmajors");
        createPeopleDatabase(
            pair.source, db,
            QStringLiteral("CREATE VIEW old_view AS SELECT id FROM people WHERE score > 10;"
                           "CREATE VIEW top_people AS SELECT id, name FROM people WHERE score > "
                           "1990;"
                           "CREATE AGGREGATE textcat_all (text) (sfunc = textcat, stype = text);"
                           "CREATE TABLE notes (id int PRIMARY KEY, body text);"
                           "INSERT INTO notes SELECT g, 'n' || g FROM generate_series(1, 50) g;"
                           "CREATE TABLE scrap (id int PRIMARY KEY);"
                           "INSERT INTO scrap SELECT generate_series(1, 10);"));
        QTemporaryDir state;
        engine::LocalEngineConfig c = pair.engineConfig(state.path(), project::Mode::Online, db);
        c.project.settings.schema.captureDdl = false;
        c.project.settings.cutover.makeSourceReadOnly = true;
        engine::LocalEngine e(c);
        QSignalSpy done(&e, &engine::MigrationEngine::finished);
        START_UNTIL_READY(e, done);
        QCOMPARE(ddlCapture(e.status()), QStringLiteral("watch only"));
        const QStringList steps{
            QStringLiteral("ALTER TYPE mood ADD VALUE 'happy'"),
            QStringLiteral("UPDATE people SET m = 'happy' WHERE id % 3 = 0"),
            QStringLiteral("BEGIN; CREATE DOMAIN grade AS int CHECK (VALUE BETWEEN 1 AND 6); CREATE TABLE "
                           "marks (id int PRIMARY KEY, g grade); INSERT INTO marks SELECT x, 1 + x % 6 FROM "
                           "generate_series(1, 100) x; COMMIT"),
            QStringLiteral(
                "CREATE FUNCTION doubled(int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT $1 * 2'"),
            QStringLiteral("CREATE VIEW scored AS SELECT id, doubled(score) AS d FROM people"),
            QStringLiteral(
                "CREATE OR REPLACE VIEW top_people AS SELECT id, name, score FROM people WHERE score "
                "> 1990"),
            QStringLiteral("DROP VIEW old_view"),
            QStringLiteral(
                "CREATE SEQUENCE ticket_seq; SELECT nextval('ticket_seq') FROM generate_series(1, 7)"),
            QStringLiteral("UPDATE notes SET body = 'before' WHERE id <= 10"),
            QStringLiteral("ALTER TABLE notes RENAME TO remarks"),
            QStringLiteral(
                "UPDATE remarks SET body = 'after' WHERE id > 40; INSERT INTO remarks VALUES (51, 'new')"),
            QStringLiteral("DELETE FROM scrap WHERE id = 1"),
            QStringLiteral("DROP TABLE scrap"),
            QStringLiteral("INSERT INTO people (name, score, m) VALUES ('last', 1, 'happy')"),
        };
        for (const QString &sql : steps) {
            pair.source.sql(db, sql);
            QTest::qWait(200);
        }
        const QStringList carried{
            QStringLiteral("public.mood"),     QStringLiteral("public.grade"),
            QStringLiteral("public.marks"),    QStringLiteral("public.doubled(integer)"),
            QStringLiteral("public.scored"),   QStringLiteral("public.top_people"),
            QStringLiteral("public.old_view"), QStringLiteral("public.ticket_seq"),
            QStringLiteral("public.remarks"),  QStringLiteral("public.scrap")};
        TRY_STATUS(notYetCarried(e.status(), carried).isEmpty(), e,
                   QStringLiteral("not carried: ") + notYetCarried(e.status(), carried), 120000);
        // The aggregate made before the snapshot is not a change.
        VERIFY_STATUS(!hasChange(e.status(), QStringLiteral("public.textcat_all(text)")), e, QString());
        QString why;
        CUT_OVER(e, done, why);
        pair.source.sql(QStringLiteral("postgres"),
                        QStringLiteral("ALTER DATABASE %1 RESET default_transaction_read_only").arg(db));
        pg::Connection s = pair.source.connect(db);
        pg::Connection t = pair.target.connect(db);
        const auto cmp = test::compareDatabases(s, t);
        VERIFY_STATUS(cmp.identical(), e, cmp.differences.join(u'\n'));
        for (const QString &q : {QStringLiteral("SELECT sum(d) FROM scored"),
                                 QStringLiteral("SELECT sum(score) FROM top_people"),
                                 QStringLiteral("SELECT count(*) FROM people WHERE m = 'happy'"),
                                 QStringLiteral("SELECT last_value FROM ticket_seq"),
                                 QStringLiteral("SELECT sum(g) FROM marks")})
            QCOMPARE(scalar(t, q), scalar(s, q));
        QCOMPARE(scalar(t, QStringLiteral("SELECT count(to_regclass('public.old_view'))")), 0);
        QVERIFY(t.tryExec(QStringLiteral("INSERT INTO marks VALUES (1000, 7)")).has_value());
        // The renamed table under its new name, with the rows of before and after; the dropped one gone.
        QCOMPARE(
            scalar(t, QStringLiteral("SELECT count(*) FROM pg_class WHERE relname IN ('notes', 'scrap')")),
            0);
        QCOMPARE(scalar(t, QStringLiteral(
                               "SELECT count(*) FROM remarks WHERE body IN ('before', 'after', 'new')")),
                 21);
    }

    // Without capture, a new table the target refuses (its owner is a role created on the source
    // after the roles were carried) is marked held on the target before it is made there, and the
    // run is stopped so. Once the role exists the next run holds its changes, makes it, copies it
    // and joins it to the stream: nothing is lost or applied twice, and the change is recorded once.
    void watchOnlyNewTableSurvivesAStopMidway()
    {
        const QString db = QStringLiteral("watchstop");
        createSmallDatabase(db);
        QTemporaryDir state;
        engine::LocalEngineConfig c =
            m_pair->engineConfig(state.path(), project::Mode::Online, db, db + QStringLiteral("_copy"));
        c.project.settings.schema.captureDdl = false;
        c.project.settings.cutover.makeSourceReadOnly = true;
        pg::Connection locker = m_pair->source.connect(db);
        {
            engine::LocalEngine e(c);
            QSignalSpy done(&e, &engine::MigrationEngine::finished);
            START_UNTIL_READY(e, done);
            locker.exec(QStringLiteral("CREATE ROLE late_owner"));
            locker.exec(QStringLiteral("CREATE TABLE newcomer (id int PRIMARY KEY, v text)"));
            locker.exec(QStringLiteral("ALTER TABLE newcomer OWNER TO late_owner"));
            locker.exec(QStringLiteral("INSERT INTO newcomer SELECT g, 'a' FROM generate_series(1, 100) g"));
            TRY_STATUS(
                hasChange(e.status(), QStringLiteral("public.newcomer"), QStringLiteral("unresolved")) &&
                    !e.status().readyForCutover(),
                e, QStringLiteral("the refused table is not unresolved"), 30000);
            const auto refused = schemaChanges(e.status());
            VERIFY_STATUS(std::any_of(refused.begin(), refused.end(),
                                      [](const engine::SchemaChange &ch) {
                                          return ch.unresolved() && ch.detail.contains(u"late_owner");
                                      }),
                          e, QStringLiteral("the refusal does not name the role"));
            locker.exec(
                QStringLiteral("INSERT INTO newcomer SELECT g, 'b' FROM generate_series(101, 150) g"));
            e.stop();
            TRY_STATUS(!done.isEmpty(), e, QStringLiteral("no end within 120 s of the stop"), 120000);
            QCOMPARE(e.status().state, engine::RunState::Stopped);
        }
        m_pair->target.sql(QStringLiteral("postgres"), QStringLiteral("CREATE ROLE late_owner"));
        locker.exec(QStringLiteral(
            "UPDATE newcomer SET v = 'c' WHERE id % 4 = 0; DELETE FROM newcomer WHERE id = 7"));
        pg::Connection t = m_pair->target.connect(db + QStringLiteral("_copy"));
        QCOMPARE(
            scalar(t, QStringLiteral("SELECT count(*) FROM _pgferry.resync WHERE tab = 'public.newcomer' AND "
                                     "lsn = 'pending'")),
            1);

        engine::LocalEngine e(c);
        QSignalSpy done(&e, &engine::MigrationEngine::finished);
        e.start(engine::MigrationEngine::Until::Done);
        TRY_STATUS(e.status().readyForCutover() &&
                       hasChange(e.status(), QStringLiteral("public.newcomer"), QStringLiteral("applied")),
                   e, QStringLiteral("the new table was not carried after the restart"), 120000);
        const auto changes = schemaChanges(e.status());
        QCOMPARE(
            std::count_if(changes.begin(), changes.end(),
                          [](const engine::SchemaChange &ch) { return ch.object == u"public.newcomer"; }),
            1);
        locker.exec(QStringLiteral("INSERT INTO newcomer VALUES (500, 'after')"));
        QTest::qWait(1000);
        QString why;
        CUT_OVER(e, done, why);
        m_pair->source.sql(QStringLiteral("postgres"),
                           QStringLiteral("ALTER DATABASE %1 RESET default_transaction_read_only").arg(db));
        pg::Connection s = m_pair->source.connect(db);
        t = m_pair->target.connect(db + QStringLiteral("_copy"));
        const auto cmp = test::compareDatabases(s, t);
        VERIFY_STATUS(cmp.identical(), e, cmp.differences.join(u'\n'));
        QCOMPARE(scalar(t, QStringLiteral("SELECT count(*) FROM newcomer")), 150);
    }

    // A table created without a key cannot stream whole; once it has one, it is copied again
    // from a new snapshot by itself (and by request) and joins the stream there: the unresolved change is
    // resolved, the cutover goes ahead and the target is identical, rows written before, during
    // and after the copy included.
    void aTableThatJoinedLateIsCopiedAgain_data() { addDecoderRows(); }
    void aTableThatJoinedLateIsCopiedAgain()
    {
        QFETCH(QString, decoder);
        const QString db = QStringLiteral("late_") + decoder;
        createSmallDatabase(db);
        QTemporaryDir state;
        engine::LocalEngineConfig c =
            m_pair->engineConfig(state.path(), project::Mode::Online, db, db + QStringLiteral("_copy"));
        c.decoder = decoder;
        c.project.settings.cutover.makeSourceReadOnly = true;
        engine::LocalEngine e(c);
        QSignalSpy done(&e, &engine::MigrationEngine::finished);
        START_UNTIL_READY(e, done);

        m_pair->source.sql(
            db, QStringLiteral("CREATE TABLE latecomer (a int, b text);"
                               "INSERT INTO latecomer SELECT g, 'b' || g FROM generate_series(1, 300) g;"));
        TRY_STATUS(hasChange(e.status(), QStringLiteral("public.latecomer"), QStringLiteral("unresolved")), e,
                   QStringLiteral("no unresolved change for public.latecomer"), 30000);
        m_pair->source.sql(
            db, QStringLiteral("ALTER TABLE latecomer ADD PRIMARY KEY (a);"
                               "UPDATE latecomer SET b = 'changed' WHERE a % 10 = 0;"
                               "INSERT INTO latecomer SELECT g, 'c' || g FROM generate_series(301, 350) g;"));
        // Given a key, it joins the publication and is copied again by itself.
        TRY_STATUS(hasChange(e.status(), QStringLiteral("public.latecomer"), QStringLiteral("applied")) &&
                       e.status().readyForCutover(),
                   e, QStringLiteral("not copied again once it had a key"), 60000);
        // A resync by request works too; refused for what cannot be: a table of no database.
        QString why;
        QVERIFY(!e.resyncTable(QStringLiteral("nosuchdb"), QStringLiteral("public.latecomer"), &why));
        QVERIFY2(e.resyncTable(db, QStringLiteral("public.latecomer"), &why), qPrintable(why));
        QTest::qWait(500);
        TRY_STATUS(e.status().readyForCutover(), e, QStringLiteral("still not ready after the resync"),
                   60000);
        QVERIFY(!hasChange(e.status(), QStringLiteral("public.latecomer"), QStringLiteral("unresolved")));
        QVERIFY(hasChange(e.status(), QStringLiteral("public.latecomer"), QStringLiteral("resolved")));
        m_pair->source.sql(db, QStringLiteral("UPDATE latecomer SET b = 'after' WHERE a % 7 = 0;"
                                              "DELETE FROM latecomer WHERE a % 11 = 0;"
                                              "INSERT INTO latecomer VALUES (1000, 'last');"));
        QTest::qWait(1000);
        CUT_OVER(e, done, why);
        m_pair->source.sql(QStringLiteral("postgres"),
                           QStringLiteral("ALTER DATABASE %1 RESET default_transaction_read_only").arg(db));
        pg::Connection s = m_pair->source.connect(db);
        pg::Connection t = m_pair->target.connect(db + QStringLiteral("_copy"));
        const auto cmp = test::compareDatabases(s, t);
        VERIFY_STATUS(cmp.identical(), e, cmp.differences.join(u'\n'));
        QCOMPARE(scalar(t, QStringLiteral("SELECT count(*) FROM latecomer")),
                 scalar(s, QStringLiteral("SELECT count(*) FROM latecomer")));
        pg::Result slots = s.exec(
            QStringLiteral("SELECT string_agg(slot_name || ' ' || slot_type || ' active=' || active || "
                           "' temporary=' || temporary, ', ') FROM pg_replication_slots "
                           "WHERE database = current_database()"));
        QVERIFY2(slots.isNull(0, 0), qPrintable(slots.text(0, 0)));
    }

    // A schema change the target refuses (a column already there, added by hand) stops nothing
    // but its own table: it is unresolved with the target's error, the table's changes wait,
    // every other table streams on; the cutover names it; made right on the target and the table
    // copied again, the migration completes identical.
    void aChangeTheTargetRefusesHoldsOnlyItsTable()
    {
        const QString db = QStringLiteral("refused");
        createSmallDatabase(db);
        m_pair->source.sql(db, QStringLiteral("CREATE TABLE other (id int PRIMARY KEY, v text);"));
        QTemporaryDir state;
        engine::LocalEngineConfig c =
            m_pair->engineConfig(state.path(), project::Mode::Online, db, db + QStringLiteral("_copy"));
        engine::LocalEngine e(c);
        QSignalSpy done(&e, &engine::MigrationEngine::finished);
        START_UNTIL_READY(e, done);

        pg::Connection t = m_pair->target.connect(db + QStringLiteral("_copy"));
        t.exec(QStringLiteral("ALTER TABLE base ADD COLUMN note text")); // by hand, behind pgferry's back
        m_pair->source.sql(
            db, QStringLiteral("ALTER TABLE base ADD COLUMN note int;"
                               "UPDATE base SET note = id WHERE id <= 10;"
                               "INSERT INTO other SELECT g, 'o' || g FROM generate_series(1, 50) g;"));
        TRY_STATUS(hasChange(e.status(), QStringLiteral("public.base.note"), QStringLiteral("unresolved")), e,
                   QStringLiteral("no unresolved change for public.base.note"), 30000);
        // The stream goes on for the other table, after the refused change and in later transactions.
        m_pair->source.sql(
            db, QStringLiteral("INSERT INTO other SELECT g, 'p' || g FROM generate_series(51, 80) g;"
                               "UPDATE base SET v = 'held' WHERE id = 1;"));
        QTRY_COMPARE_WITH_TIMEOUT(scalar(t, QStringLiteral("SELECT count(*) FROM other")), qint64(80), 30000);
        VERIFY_STATUS(done.isEmpty(), e, QStringLiteral("the run ended on a refused schema change"));
        const auto list = schemaChanges(e.status());
        const auto refused = std::find_if(list.begin(), list.end(), [](const engine::SchemaChange &sc) {
            return sc.object == u"public.base.note" && sc.state == u"unresolved";
        });
        QVERIFY(refused != list.end());
        QVERIFY2(refused->detail.contains(QStringLiteral("already exists")) &&
                     refused->detail.contains(QStringLiteral("changes of public.base are held")),
                 qPrintable(refused->detail));
        QCOMPARE(scalar(t, QStringLiteral("SELECT count(*) FROM base WHERE v = 'held'")), qint64(0));
        QString why;
        QVERIFY(!e.requestCutover(&why));
        QVERIFY2(why.contains(u"public.base"), qPrintable(why));

        // Made right by hand, then copied again: resolved, and the cutover goes through.
        t.exec(QStringLiteral("ALTER TABLE base DROP COLUMN note; ALTER TABLE base ADD COLUMN note int"));
        QVERIFY2(e.resyncTable(db, QStringLiteral("public.base"), &why), qPrintable(why));
        TRY_STATUS(e.status().readyForCutover(), e, QStringLiteral("still not ready after the resync"),
                   60000);
        QVERIFY(!hasChange(e.status(), QStringLiteral("public.base.note"), QStringLiteral("unresolved")));
        m_pair->source.sql(db, QStringLiteral("UPDATE base SET note = -id WHERE id > 90;"));
        QTest::qWait(1000);
        CUT_OVER(e, done, why);
        pg::Connection src = m_pair->source.connect(db);
        pg::Connection dst = m_pair->target.connect(db + QStringLiteral("_copy"));
        const auto cmp = test::compareDatabases(src, dst);
        VERIFY_STATUS(cmp.identical(), e, cmp.differences.join(u'\n'));
    }
};

QTEST_GUILESS_MAIN(TestSchemaChanges)
#include "tst_schemachanges.moc"
