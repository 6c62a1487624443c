// Change data capture end to end against real PostgreSQL 15 servers: changes streamed from a
// source slot, decoded by each decoder, applied to a target with the same schema, and the two
// databases compared row by row. Covers the traps of DESIGN.md and exactly-once after a crash.
#include "cdc/applier.h"
#include "cdc/pgoutputdecoder.h"
#include "cdc/testdecodingparser.h"
#include "compare.h"
#include "pg/replication.h"
#include "testclusters.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QTest>

using namespace pgferry;
using namespace std::chrono_literals;

namespace {

// The SQL of these tests lives next to them: schema.sql on both servers, then the workloads on the source.
QString sqlFile(const char *name)
{
    QFile f(QStringLiteral(PGFERRY_SOURCE_DIR "/tests/cdc/") + QLatin1String(name));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", name);
    return QString::fromUtf8(f.readAll());
}

bool isData(const cdc::Change &c)
{
    return c.kind == cdc::Change::Insert || c.kind == cdc::Change::Update || c.kind == cdc::Change::Delete ||
           c.kind == cdc::Change::Truncate;
}

} // namespace

class TestApplier : public QObject
{
    Q_OBJECT
    std::unique_ptr<test::TwoClusters> m_clusters;
    int m_markers = 0;

    // A fresh database with the same schema and rows on both servers, and a publication on the source.
    void prepareDatabase(const QString &db)
    {
        m_clusters->source.createDatabase(db);
        m_clusters->target.createDatabase(db);
        m_clusters->source.sql(db, sqlFile("schema.sql") +
                                       QStringLiteral("CREATE PUBLICATION pub FOR ALL TABLES;"));
        m_clusters->target.sql(db, sqlFile("schema.sql"));
    }

    void createSlot(const QString &db, const QString &slot, const QString &plugin)
    {
        auto rc = pg::ReplicationConnection::open(m_clusters->source.connInfo(db));
        rc.createLogicalSlot(slot, plugin, false);
    }

    // A non-transactional logical message: everything committed before it has been sent when it arrives.
    QByteArray emitMarker(const QString &db)
    {
        const QByteArray marker = "marker-" + QByteArray::number(++m_markers);
        pg::Connection c = m_clusters->source.connect(db);
        c.exec(QStringLiteral("SELECT pg_logical_emit_message(false, 'pgferry-test', $1)"), {marker});
        return marker;
    }

    static QList<std::pair<QString, QString>> pluginOptions(const QString &plugin)
    {
        if (plugin == u"pgoutput")
            return {{QStringLiteral("proto_version"), QStringLiteral("1")},
                    {QStringLiteral("publication_names"), QStringLiteral("pub")},
                    {QStringLiteral("messages"), QStringLiteral("true")}};
        return {{QStringLiteral("include-xids"), QStringLiteral("1")},
                {QStringLiteral("include-timestamp"), QStringLiteral("1")},
                {QStringLiteral("skip-empty-xacts"), QStringLiteral("1")}};
    }

    // Streams from `start` until the marker arrives, decoding with the plugin's decoder.
    // `confirm` is what the standby status updates report as flushed.
    QList<cdc::Change> stream(const QString &db, const QString &slot, const QString &plugin, pg::Lsn start,
                              const QByteArray &marker, pg::Lsn confirm = 0)
    {
        std::optional<pg::ReplicationConnection> rc;
        // The walsender of a connection closed a moment ago may still hold the slot: poll for it.
        const auto startDeadline = std::chrono::steady_clock::now() + 20s;
        while (!rc) {
            try {
                rc.emplace(pg::ReplicationConnection::open(m_clusters->source.connInfo(db)));
                rc->startLogical(slot, start, pluginOptions(plugin));
            } catch (const pg::Exception &e) {
                rc.reset();
                if (e.error().sqlstate != u"55006" || std::chrono::steady_clock::now() > startDeadline)
                    throw;
                QTest::qWait(50);
            }
        }
        cdc::PgOutputDecoder pgoutput;
        cdc::TestDecodingParser testDecoding;
        const QString capture = qEnvironmentVariable("PGFERRY_CDC_CAPTURE_DIR");
        QList<cdc::Change> out;
        const auto deadline = std::chrono::steady_clock::now() + 60s;
        while (std::chrono::steady_clock::now() < deadline) {
            const auto m = rc->read(200ms);
            if (m.kind == pg::ReplicationMessage::Kind::Keepalive) {
                if (m.replyRequested)
                    rc->sendStatus(confirm, confirm, confirm);
                continue;
            }
            if (m.kind != pg::ReplicationMessage::Kind::XLogData)
                continue;
            if (!capture.isEmpty()) {
                // Seed corpus for the fuzzers: one file per message, named by its content.
                const QString dir = capture + u'/' + plugin;
                QDir().mkpath(dir);
                QFile f(
                    dir + u'/' +
                    QString::fromLatin1(QCryptographicHash::hash(m.data, QCryptographicHash::Sha1).toHex()));
                if (f.open(QIODevice::WriteOnly))
                    f.write(m.data);
            }
            const cdc::Change c = plugin == u"pgoutput" ? pgoutput.decode(m.data, m.walStart)
                                                        : testDecoding.parse(m.data, m.walStart);
            if (c.kind == cdc::Change::Message && c.messagePrefix == u"pgferry-test" &&
                c.messageContent == marker) {
                rc->sendStatus(confirm, confirm, confirm);
                rc->endStreaming();
                return out;
            }
            out << c;
        }
        qWarning("marker %s not seen", marker.constData());
        return {};
    }

    void expectIdentical(const QString &db)
    {
        pg::Connection s = m_clusters->source.connect(db);
        pg::Connection t = m_clusters->target.connect(db);
        test::CompareOptions o;
        o.sequences = false; // sequences are set at cutover, not streamed
        o.largeObjects = false;
        const auto res = test::compareDatabases(s, t, o);
        QVERIFY2(res.identical(), qPrintable(res.differences.join(u'\n')));
        QVERIFY(res.tablesCompared >= 11);
    }

private Q_SLOTS:
    void initTestCase() { m_clusters = std::make_unique<test::TwoClusters>(); }
    void cleanupTestCase() { m_clusters.reset(); }

    void bothDecodersSeeTheSameValues()
    {
        const QString db = QStringLiteral("same_values");
        prepareDatabase(db);
        createSlot(db, QStringLiteral("s_pgoutput"), QStringLiteral("pgoutput"));
        createSlot(db, QStringLiteral("s_testdecoding"), QStringLiteral("test_decoding"));
        m_clusters->source.sql(db, sqlFile("workload_a.sql") + sqlFile("workload_b.sql"));
        const QByteArray marker = emitMarker(db);
        const auto a = stream(db, QStringLiteral("s_pgoutput"), QStringLiteral("pgoutput"), 0, marker);
        const auto b =
            stream(db, QStringLiteral("s_testdecoding"), QStringLiteral("test_decoding"), 0, marker);

        QList<cdc::Change> da, db2, ca, cb;
        for (const auto &c : a) {
            if (isData(c))
                da << c;
            else if (c.kind == cdc::Change::Commit)
                ca << c;
        }
        for (const auto &c : b) {
            if (isData(c))
                db2 << c;
            else if (c.kind == cdc::Change::Commit)
                cb << c;
        }
        QVERIFY(da.size() > 40);
        QCOMPARE(db2.size(), da.size());
        // Commits are the same positions: the origin records the same LSN whichever decoder ran.
        QCOMPARE(cb.size(), ca.size());
        for (int i = 0; i < ca.size(); ++i) {
            QCOMPARE(cb[i].endLsn, ca[i].endLsn);
            QCOMPARE(cb[i].commitTimeMicros, ca[i].commitTimeMicros);
        }
        bool sawUnchanged = false, sawTruncateFlags = false;
        for (int i = 0; i < da.size(); ++i) {
            const cdc::Change &p = da[i], &t = db2[i];
            const QByteArray where = QStringLiteral("change %1 (%2 on %3)")
                                         .arg(i)
                                         .arg(cdc::changeKindName(p.kind), p.qualifiedName())
                                         .toUtf8();
            QVERIFY2(p.kind == t.kind, where.constData());
            if (p.kind == cdc::Change::Truncate) {
                QCOMPARE(t.truncateTables, p.truncateTables);
                QCOMPARE(t.truncateCascade, p.truncateCascade);
                QCOMPARE(t.truncateRestartIdentity, p.truncateRestartIdentity);
                sawTruncateFlags |= p.truncateCascade || p.truncateRestartIdentity;
                continue;
            }
            QCOMPARE(t.schema, p.schema);
            QCOMPARE(t.table, p.table);
            // New tuple: same values column by column; test_decoding also prints generated columns.
            for (int k = 0; k < t.columns.size(); ++k) {
                const QString name = t.columns[k].name;
                int pk = -1;
                for (int j = 0; j < p.columns.size(); ++j)
                    if (p.columns[j].name == name)
                        pk = j;
                if (pk < 0) {
                    QVERIFY2(name == u"doubled", qPrintable(name));
                    continue;
                }
                QVERIFY2(t.newTuple[k] == p.newTuple[pk],
                         QByteArray(where + " column " + name.toUtf8() + ": " + t.newTuple[k].text + " vs " +
                                    p.newTuple[pk].text)
                             .constData());
                sawUnchanged |= p.newTuple[pk].kind == cdc::Value::Unchanged;
            }
            // Old tuple: test_decoding leaves NULLs out, pgoutput sends them.
            QCOMPARE(bool(t.oldKind), bool(p.oldKind));
            int nonNull = 0;
            for (const auto &v : p.oldTuple)
                nonNull += v.kind != cdc::Value::Null;
            QCOMPARE(t.oldTuple.size(), nonNull);
            for (int k = 0; k < t.oldColumns.size(); ++k)
                for (int j = 0; j < p.oldColumns.size(); ++j)
                    if (p.oldColumns[j].name == t.oldColumns[k].name)
                        QVERIFY2(t.oldTuple[k] == p.oldTuple[j], where.constData());
        }
        QVERIFY(sawUnchanged);
        QVERIFY(sawTruncateFlags);
    }

    void streamedChangesArriveIdentical_data()
    {
        QTest::addColumn<QString>("plugin");
        QTest::addColumn<int>("batch");
        QTest::newRow("pgoutput, one transaction per commit") << QStringLiteral("pgoutput") << 1;
        QTest::newRow("pgoutput, batched") << QStringLiteral("pgoutput") << 1000;
        QTest::newRow("test_decoding, one transaction per commit") << QStringLiteral("test_decoding") << 1;
        QTest::newRow("test_decoding, batched") << QStringLiteral("test_decoding") << 1000;
    }
    void streamedChangesArriveIdentical()
    {
        QFETCH(QString, plugin);
        QFETCH(int, batch);
        const QString db = QStringLiteral("ident_%1_%2").arg(plugin).arg(batch);
        prepareDatabase(db);
        createSlot(db, db, plugin);
        m_clusters->source.sql(db, sqlFile("workload_a.sql") + sqlFile("workload_b.sql"));
        const auto changes = stream(db, db, plugin, 0, emitMarker(db));
        QVERIFY(!changes.isEmpty());

        pg::Connection target = m_clusters->target.connect(db);
        cdc::ApplierOptions options;
        options.maxBatchChanges = batch;
        options.maxBatchDelay = 1h;
        cdc::Applier applier(target, db, options);
        QCOMPARE(applier.start(), pg::Lsn(0));
        pg::Lsn lastCommit = 0;
        int commits = 0;
        for (const auto &c : changes) {
            applier.apply(c);
            if (c.kind == cdc::Change::Commit) {
                lastCommit = c.endLsn;
                ++commits;
                if (batch == 1)
                    QCOMPARE(applier.appliedLsn(), c.endLsn); // committed with the source transaction
            }
        }
        QVERIFY(commits > 30);
        applier.flush();
        QCOMPARE(applier.appliedLsn(), lastCommit);
        QCOMPARE(cdc::Applier::originProgress(target, db), lastCommit);
        expectIdentical(db);

        const auto counters = applier.counters();
        QCOMPARE(counters.value(QStringLiteral("public.items")).inserts, 3);
        QCOMPARE(counters.value(QStringLiteral("public.items")).updates, 4);
        QCOMPARE(counters.value(QStringLiteral("public.items")).deletes, 1);
        QCOMPARE(counters.value(QStringLiteral("public.parts_us")).inserts, 1); // the moved row
        QCOMPARE(counters.value(QStringLiteral("public.parts_eu")).deletes, 1);
        QCOMPARE(counters.value(QStringLiteral("public.ident")).truncates, 1);
        QVERIFY(applier.totals().inserts > 20);

        if (plugin == u"pgoutput") {
            // A replayed spool: pgoutput names each commit at BEGIN, so everything is skipped.
            const qint64 before = applier.totals().inserts;
            for (const auto &c : changes)
                applier.apply(c);
            applier.flush();
            QCOMPARE(applier.totals().inserts, before);
            QCOMPARE(applier.appliedLsn(), lastCommit);
            expectIdentical(db);
        }

        // The origin can be dropped at cutover.
        target.close();
        pg::Connection t2 = m_clusters->target.connect(db);
        cdc::Applier::dropOrigin(t2, db); // waits for the closed session to let go of it
        QCOMPARE(cdc::Applier::originProgress(t2, db), pg::Lsn(0));
        cdc::Applier::dropOrigin(t2, db); // nothing left: no error
    }

    void hotRowsAndRunsOfRowsArriveIdentical_data()
    {
        QTest::addColumn<QString>("plugin");
        QTest::addColumn<bool>("coalesce");
        QTest::addColumn<bool>("missingRow");
        QTest::newRow("pgoutput, held back and merged") << QStringLiteral("pgoutput") << true << false;
        QTest::newRow("pgoutput, one statement per change") << QStringLiteral("pgoutput") << false << false;
        QTest::newRow("test_decoding, held back and merged")
            << QStringLiteral("test_decoding") << true << false;
        QTest::newRow("pgoutput, a row missing on the target") << QStringLiteral("pgoutput") << true << true;
    }
    void hotRowsAndRunsOfRowsArriveIdentical()
    {
        QFETCH(QString, plugin);
        QFETCH(bool, coalesce);
        QFETCH(bool, missingRow);
        const QString db = QStringLiteral("hot_%1_%2_%3").arg(plugin).arg(int(coalesce)).arg(int(missingRow));
        prepareDatabase(db);
        createSlot(db, db, plugin);
        m_clusters->source.sql(db, sqlFile("workload_c.sql"));
        const auto changes = stream(db, db, plugin, 0, emitMarker(db));
        QVERIFY(!changes.isEmpty());
        if (missingRow)
            m_clusters->target.sql(db, QStringLiteral("DELETE FROM hot_many WHERE id = 50;"));

        pg::Connection target = m_clusters->target.connect(db);
        cdc::ApplierOptions options;
        options.maxBatchDelay = 1h;
        options.coalesceUpdates = coalesce;
        cdc::Applier applier(target, db, options);
        applier.start();
        if (missingRow) {
            try {
                for (const auto &c : changes)
                    applier.apply(c);
                applier.flush();
                QFAIL("an UPDATE of a row missing on the target was applied without an error");
            } catch (const pg::Exception &e) {
                QVERIFY2(e.error().message.contains(u"was not found in public.hot_many"),
                         qPrintable(e.error().toString()));
            }
            applier.rollback();
            // Nothing of the failing batch was committed: the origin is where the last good batch left it.
            QCOMPARE(cdc::Applier::originProgress(target, db), applier.appliedLsn());
            QCOMPARE(target.exec(QStringLiteral("SELECT v FROM hot_many WHERE id = 1")).text(0, 0),
                     QStringLiteral("m1"));
            return;
        }
        for (const auto &c : changes)
            applier.apply(c);
        applier.flush();
        expectIdentical(db);
        const auto counters = applier.counters();
        QCOMPARE(counters.value(QStringLiteral("public.hot_log")).inserts, 400);
        QCOMPARE(counters.value(QStringLiteral("public.hot_log")).updates, 10);
        QCOMPARE(counters.value(QStringLiteral("public.hot_many")).updates, 133);
        QCOMPARE(counters.value(QStringLiteral("public.hot")).inserts, 300);
        QCOMPARE(counters.value(QStringLiteral("public.hot")).updates, 300 + 300 + 1 + 1 + 1);
    }

    // One source transaction that updates tens of thousands of distinct rows and inserts
    // thousands more: the applier holds back at most maxHeldChanges at a time (memory stays flat
    // whatever the transaction's size) and the target ends identical.
    void aHugeTransactionIsAppliedInBoundedRuns_data()
    {
        QTest::addColumn<QString>("plugin");
        QTest::newRow("pgoutput") << QStringLiteral("pgoutput");
        QTest::newRow("test_decoding") << QStringLiteral("test_decoding");
    }
    void aHugeTransactionIsAppliedInBoundedRuns()
    {
        QFETCH(QString, plugin);
        const QString db = QStringLiteral("huge_%1").arg(plugin);
        prepareDatabase(db);
        const QString setup =
            QStringLiteral("CREATE TABLE huge (id int PRIMARY KEY, v int NOT NULL, t text);"
                           "INSERT INTO huge SELECT g, g, md5(g::text) FROM generate_series(1, 30000) g;"
                           "CREATE TABLE huge_log (id bigint PRIMARY KEY, note text);");
        m_clusters->source.sql(db, setup);
        m_clusters->target.sql(db, setup);
        createSlot(db, db, plugin);
        m_clusters->source.sql(
            db, QStringLiteral("BEGIN;"
                               "UPDATE huge SET v = v + 1, t = upper(t);"
                               "INSERT INTO huge_log SELECT g, 'n' || g FROM generate_series(1, 5000) g;"
                               "UPDATE huge SET v = v * 2 WHERE id % 7 = 0;"
                               "COMMIT;"));
        const auto changes = stream(db, db, plugin, 0, emitMarker(db));
        QVERIFY(changes.size() > 30000 + 5000);

        pg::Connection target = m_clusters->target.connect(db);
        cdc::ApplierOptions options;
        options.maxBatchDelay = 1h;
        options.maxHeldChanges = 1000;
        cdc::Applier applier(target, db, options);
        applier.start();
        for (const auto &c : changes)
            applier.apply(c);
        applier.flush();
        QVERIFY2(applier.peakHeldChanges() > 0, "nothing was held back: the bound was not exercised");
        QVERIFY2(applier.peakHeldChanges() <= 1000, qPrintable(QString::number(applier.peakHeldChanges())));
        QCOMPARE(applier.heldChanges(), qsizetype(0));
        expectIdentical(db);
        const auto counters = applier.counters();
        QCOMPARE(counters.value(QStringLiteral("public.huge")).updates, 30000 + 30000 / 7);
        QCOMPARE(counters.value(QStringLiteral("public.huge_log")).inserts, 5000);
    }

    void crashMidBatchNeitherSkipsNorRepeats_data()
    {
        QTest::addColumn<QString>("plugin");
        QTest::newRow("pgoutput") << QStringLiteral("pgoutput");
        QTest::newRow("test_decoding") << QStringLiteral("test_decoding");
    }
    void crashMidBatchNeitherSkipsNorRepeats()
    {
        QFETCH(QString, plugin);
        const QString db = QStringLiteral("crash_%1").arg(plugin);
        prepareDatabase(db);
        createSlot(db, db, plugin);
        m_clusters->source.sql(db, sqlFile("workload_a.sql"));
        const QByteArray markerA = emitMarker(db);
        m_clusters->source.sql(db, sqlFile("workload_b.sql"));
        const QByteArray markerB = emitMarker(db);

        const auto partA = stream(db, db, plugin, 0, markerA);
        QVERIFY(!partA.isEmpty());
        pg::Lsn durable = 0;
        {
            pg::Connection target = m_clusters->target.connect(db);
            cdc::ApplierOptions options;
            options.maxBatchChanges = 1000000;
            options.maxBatchDelay = 1h;
            cdc::Applier applier(target, db, options);
            applier.start();
            for (const auto &c : partA)
                applier.apply(c);
            QVERIFY(applier.flush());
            durable = applier.appliedLsn();
            QVERIFY(durable > 0);

            // Part B, applied in one open batch that never commits: the "crash" drops the connection.
            const auto all = stream(db, db, plugin, durable, markerB, durable);
            int applied = 0;
            for (const auto &c : all) {
                applier.apply(c);
                if (isData(c) && ++applied == 12)
                    break; // in the middle of the batch, perhaps of a source transaction
            }
            QVERIFY(applied == 12);
            QVERIFY(applier.receivedLsn() > durable);
            target.close();
        }

        // Restart: the origin says where to resume; stream from there and apply everything else once.
        pg::Connection target = m_clusters->target.connect(db);
        QCOMPARE(cdc::Applier::originProgress(target, db), durable);
        cdc::Applier applier(target, db);
        QCOMPARE(applier.start(), durable);
        const auto rest = stream(db, db, plugin, durable, markerB, durable);
        for (const auto &c : rest)
            applier.apply(c);
        applier.flush();
        expectIdentical(db);
        QCOMPARE(applier.totals().inserts, qint64(18)); // part B, each once

        // And a second replay of the same stream from the start changes nothing for pgoutput
        // (commit positions are known at BEGIN), while the server skips for either decoder.
        if (plugin == u"pgoutput") {
            const auto again = stream(db, db, plugin, 0, markerB, applier.appliedLsn());
            for (const auto &c : again)
                applier.apply(c);
            applier.flush();
            expectIdentical(db);
        }
    }

    void ddlDriftIsReportedAndNotAppliedWrongly_data()
    {
        QTest::addColumn<QString>("plugin");
        QTest::newRow("pgoutput") << QStringLiteral("pgoutput");
        QTest::newRow("test_decoding") << QStringLiteral("test_decoding");
    }
    void ddlDriftIsReportedAndNotAppliedWrongly()
    {
        QFETCH(QString, plugin);
        const QString db = QStringLiteral("drift_%1").arg(plugin);
        prepareDatabase(db);
        createSlot(db, db, plugin);
        m_clusters->source.sql(db, QStringLiteral("INSERT INTO gen (id, a) VALUES (50, 1);"
                                                  "ALTER TABLE gen ADD COLUMN extra text;"
                                                  "INSERT INTO gen (id, a, extra) VALUES (51, 2, 'new');"));
        const auto changes = stream(db, db, plugin, 0, emitMarker(db));
        QString drift;
        for (const auto &c : changes)
            if (c.relationChanged)
                drift = c.relationChange;
        QVERIFY2(drift.contains(u"column \"extra\" added"), qPrintable(drift));

        pg::Connection target = m_clusters->target.connect(db);
        cdc::ApplierOptions options;
        options.maxBatchDelay = 1h;
        cdc::Applier applier(target, db, options);
        try {
            for (const auto &c : changes)
                applier.apply(c);
            QFAIL("a change with a column the target lacks must not apply");
        } catch (const pg::Exception &e) {
            const QString text = e.error().toString();
            QVERIFY2(text.contains(u"\"extra\"") && text.contains(u"public.gen") &&
                         text.contains(u"source LSN"),
                     qPrintable(text));
            QVERIFY(!e.error().hint.isEmpty());
        }
        applier.rollback();
        QCOMPARE(applier.appliedLsn(), pg::Lsn(0));
        QCOMPARE(target.exec(QStringLiteral("SELECT count(*) FROM gen WHERE id >= 50")).toInt(0, 0), 0);
    }
};

QTEST_GUILESS_MAIN(TestApplier)
#include "tst_applier.moc"
