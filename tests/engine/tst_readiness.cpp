// The readiness verdict of a streaming database, with the real CLI on real servers of two majors
// (10 → 17: the oldest row hash, md5 of the text form, and old float digits): every check is in
// `status --json`; an application's open session is named with the statement that would end it;
// a row changed on the target behind pgferry's back is found by the sample, holds the cutover
// naming the row, and releases it once repaired; sequences a role may not read are named. The
// catch-up estimate is checked on its own.
#include "clirun.h"
#include "compare.h"
#include "engine/readiness.h"
#include "engine/runfiles.h"
#include "load/objects.h"
#include "testclusters.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <atomic>
#include <thread>

using namespace pgferry;

namespace {

// The database's readiness checks by name, from the run's status file.
QHash<QString, QJsonObject> readiness(const QString &stateDir, QJsonObject *database = nullptr)
{
    QHash<QString, QJsonObject> out;
    const QJsonArray dbs = engine::RunFiles::readStatus(stateDir).value(u"databases").toArray();
    if (dbs.isEmpty())
        return out;
    if (database)
        *database = dbs.first().toObject();
    for (const QJsonValue &v : dbs.first().toObject().value(u"readiness").toArray())
        out.insert(v.toObject().value(u"check").toString(), v.toObject());
    return out;
}

// Waits until `pred` holds of the checks; on timeout prints them.
template<typename Pred> bool waitForChecks(const QString &stateDir, Pred pred, int timeoutMs = 60000)
{
    QDeadlineTimer deadline(timeoutMs);
    QHash<QString, QJsonObject> checks;
    QJsonObject db;
    while (!deadline.hasExpired()) {
        checks = readiness(stateDir, &db);
        if (pred(checks, db))
            return true;
        QTest::qWait(200);
    }
    for (auto it = checks.cbegin(); it != checks.cend(); ++it)
        qWarning().noquote() << it.key() << QJsonDocument(it.value()).toJson(QJsonDocument::Compact);
    qWarning().noquote() << "not ready reason:" << db.value(u"not_ready_reason").toString();
    return false;
}

QString state(const QHash<QString, QJsonObject> &checks, const QString &name)
{
    return checks.value(name).value(u"state").toString();
}

QStringList strings(const QJsonObject &check, const char16_t *key)
{
    QStringList out;
    for (const QJsonValue &v : check.value(key).toArray())
        out << v.toString();
    return out;
}

} // namespace

class TestReadiness : public QObject
{
    Q_OBJECT
    std::unique_ptr<test::TwoClusters> m_pair;
    std::unique_ptr<test::CliRunner> m_cli;
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qputenv("PGFERRY_SAMPLE_INTERVAL_MS", "300");
        QString why;
        for (const char *major : {"10", "17"})
            if (test::serverBinDir(QString::fromLatin1(major), &why).isEmpty())
                QFAIL(qPrintable(why));
        m_pair = std::make_unique<test::TwoClusters>(QStringLiteral("10"), QStringLiteral("17"));
        m_cli = std::make_unique<test::CliRunner>(*m_pair, m_dir.filePath(QStringLiteral("state")));
    }
    void cleanupTestCase()
    {
        m_cli.reset();
        m_pair.reset();
    }

    void theVerdictNamesSessionsAndFindsARowChangedBehindItsBack()
    {
        const QString db = QStringLiteral("shop");
        m_pair->source.createDatabase(db);
        m_pair->source.sql(
            db,
            QStringLiteral(
                "CREATE TABLE item (id int PRIMARY KEY, name text, price float8);"
                "INSERT INTO item SELECT g, 'item ' || g, g / 3.0 FROM generate_series(1, 50) g;"
                "CREATE TABLE line (order_id bigint, line int, qty numeric, PRIMARY KEY (order_id, line));"
                "INSERT INTO line SELECT g / 4, g % 4, g * 1.5 FROM generate_series(1, 20000) g;"
                "CREATE TABLE note (body text); ALTER TABLE note REPLICA IDENTITY FULL;" // no key: not
                                                                                         // sampled
                "CREATE SEQUENCE invoice_no;"
                "ANALYZE;"));
        QString file;
        const project::Project p = m_cli->writeProject(m_dir.path(), db, project::Mode::Online, &file);
        const QString stateDir = m_cli->stateDirOf(p);
        std::unique_ptr<QProcess> run = m_cli->startRunUntil(file, stateDir, QStringLiteral("streaming"));
        QVERIFY(run);

        // An application still connected to the old server, inside a transaction.
        pg::Connection app = m_pair->source.connect(db);
        app.exec(QStringLiteral("SET application_name = 'shop-frontend'"));
        app.exec(QStringLiteral("BEGIN"));
        app.exec(QStringLiteral("SELECT count(*) FROM item"));
        const QString appPid = QString::number(app.backendPid());
        m_pair->source.sql(
            db,
            QStringLiteral(
                "UPDATE item SET price = price * 2 WHERE id <= 10; INSERT INTO line VALUES (9999, 1, 1);"));

        QVERIFY(waitForChecks(stateDir, [&](const auto &c, const QJsonObject &d) {
            return state(c, QStringLiteral("sample")) == u"ok" &&
                   c.value(QStringLiteral("sample"))
                       .value(u"summary")
                       .toString()
                       .contains(QStringLiteral("of 2 tables")) &&
                   state(c, QStringLiteral("sessions")) == u"info" && d.value(u"ready_for_cutover").toBool();
        }));
        auto checks = readiness(stateDir);
        for (const char *name : {"stream", "lag", "schema", "sequences"})
            QCOMPARE(state(checks, QString::fromLatin1(name)), QStringLiteral("ok"));
        const QJsonObject sessions = checks.value(QStringLiteral("sessions"));
        QCOMPARE(strings(sessions, u"details").size(), 1); // pgferry's own sessions are not listed
        QVERIFY2(strings(sessions, u"details").first().contains(QStringLiteral("shop-frontend")),
                 qPrintable(strings(sessions, u"details").first()));
        QVERIFY(strings(sessions, u"details").first().contains(QStringLiteral("SELECT count(*) FROM item")));
        QCOMPARE(strings(sessions, u"statements"),
                 QStringList{QStringLiteral("SELECT pg_terminate_backend(%1);").arg(appPid)});
        app.exec(QStringLiteral("COMMIT"));

        // Rows written all the time on the source while the samples run are never taken for
        // differences (the xmin recheck): the verdict stays clear through ten seconds of it.
        std::atomic_bool stopWriting = false;
        std::atomic<qint64> written = 0;
        std::thread writer([&] {
            pg::Connection w = m_pair->source.connect(db);
            while (!stopWriting) {
                w.exec(
                    QStringLiteral("UPDATE item SET price = price + 1 WHERE id = 1 + (random() * 49)::int;"
                                   "UPDATE line SET qty = qty + 1 WHERE order_id = (random() * 5000)::int"));
                ++written;
            }
        });
        int samplesSeen = 0;
        QString lastSummary, blocked;
        QDeadlineTimer busy(10000);
        while (!busy.hasExpired() && blocked.isEmpty()) {
            const auto c = readiness(stateDir);
            if (state(c, QStringLiteral("sample")) == u"blocking")
                blocked = QString::fromUtf8(
                    QJsonDocument(c.value(QStringLiteral("sample"))).toJson(QJsonDocument::Compact));
            const QString summary = c.value(QStringLiteral("sample")).value(u"summary").toString();
            samplesSeen += summary != lastSummary;
            lastSummary = summary;
            QTest::qWait(100);
        }
        stopWriting = true;
        writer.join();
        QVERIFY2(blocked.isEmpty(), qPrintable(blocked));
        QVERIFY2(samplesSeen >= 5, qPrintable(QString::number(samplesSeen)));
        qInfo("%lld writes while %d samples were compared", qint64(written), samplesSeen);

        // The writer's backlog is applied first (a marker committed after it reaches the target):
        // an update of row 7 still in the stream would otherwise repair the tampering below, as
        // happened under AddressSanitizer, where the applier runs behind.
        pg::Connection target = m_pair->target.connect(db + QStringLiteral("_new"));
        m_pair->source.sql(db, QStringLiteral("INSERT INTO note VALUES ('writer done')"));
        QDeadlineTimer caughtUp(120000);
        while (
            !caughtUp.hasExpired() &&
            target.exec(QStringLiteral("SELECT count(*) FROM note WHERE body = 'writer done'")).text(0, 0) !=
                u"1")
            QTest::qWait(100);
        QVERIFY2(!caughtUp.hasExpired(), "the writer's changes did not reach the target in two minutes");

        // Two rows changed on the target by hand: the sample finds both, and holds the cutover.
        target.exec(QStringLiteral("UPDATE item SET name = 'tampered' WHERE id = 7"));
        target.exec(QStringLiteral("DELETE FROM item WHERE id = 9"));
        QVERIFY(waitForChecks(stateDir, [](const auto &c, const QJsonObject &d) {
            return state(c, QStringLiteral("sample")) == u"blocking" &&
                   !d.value(u"ready_for_cutover").toBool() &&
                   strings(c.value(QStringLiteral("sample")), u"details").size() ==
                       2; // a sample may fall between the two
        }));
        QJsonObject database;
        const QJsonObject sample = readiness(stateDir, &database).value(QStringLiteral("sample"));
        const QStringList details = strings(sample, u"details");
        QVERIFY2(details.contains(QStringLiteral("public.item key (7): differs on the target")),
                 qPrintable(details.join(u'\n')));
        QVERIFY2(details.contains(QStringLiteral("public.item key (9): missing on the target")),
                 qPrintable(details.join(u'\n')));
        QCOMPARE(details.size(), 2);
        QVERIFY(
            database.value(u"not_ready_reason").toString().contains(QStringLiteral("sampled rows differ")));
        QString out, err;
        QVERIFY(m_cli->run({QStringLiteral("cutover"), file, QStringLiteral("--yes")}, &out, &err) != 0);
        QVERIFY2(err.contains(QStringLiteral("sampled rows differ")), qPrintable(err));
        QVERIFY(m_cli->run({QStringLiteral("status"), file}, &out, &err) == 0);
        QVERIFY2(out.contains(QStringLiteral("blocking: sample:")) &&
                     out.contains(QStringLiteral("public.item key (7)")),
                 qPrintable(out));

        // Repaired by hand: the next samples of the table clear it, and the cutover goes through.
        pg::Connection source = m_pair->source.connect(db);
        source.exec(QStringLiteral("SET extra_float_digits = 3"));
        const pg::Result rows = source.exec(
            QStringLiteral("SELECT id::text, name, price::text FROM item WHERE id IN (7, 9) ORDER BY id"));
        QCOMPARE(rows.rows(), 2);
        target.exec(QStringLiteral("UPDATE item SET name = $2, price = $3::float8 WHERE id = $1::int"),
                    {rows.text(0, 0), rows.text(0, 1), rows.text(0, 2)});
        target.exec(QStringLiteral("INSERT INTO item VALUES ($1::int, $2, $3::float8)"),
                    {rows.text(1, 0), rows.text(1, 1), rows.text(1, 2)});
        QVERIFY(waitForChecks(stateDir, [](const auto &c, const QJsonObject &d) {
            return state(c, QStringLiteral("sample")) == u"ok" && d.value(u"ready_for_cutover").toBool();
        }));
        QCOMPARE(m_cli->run({QStringLiteral("cutover"), file, QStringLiteral("--yes")}, &out, &err), 0);
        QVERIFY(run->waitForFinished(120000));
        QCOMPARE(run->exitCode(), 0);
        pg::Connection s = m_pair->source.connect(db);
        pg::Connection t = m_pair->target.connect(db + QStringLiteral("_new"));
        const test::CompareResult r = test::compareDatabases(s, t);
        QVERIFY2(r.identical(), qPrintable(r.differences.mid(0, 8).join(u'\n')));
        // The verdict belongs to a streaming database: gone once it is cut over.
        QVERIFY(readiness(stateDir).isEmpty());
    }

    void sequencesARoleMayNotReadAreNamed()
    {
        const QString db = QStringLiteral("seqs");
        m_pair->source.createDatabase(db);
        m_pair->source.sql(
            db, QStringLiteral("CREATE SEQUENCE \"Order No\"; CREATE SEQUENCE open_seq; CREATE ROLE clerk;"
                               "GRANT SELECT ON SEQUENCE open_seq TO clerk;"));
        pg::Connection c = m_pair->source.connect(db);
        QCOMPARE(load::unreadableSequences(c), QStringList{}); // a superuser reads everything
        c.exec(QStringLiteral("SET ROLE clerk"));
        QCOMPARE(load::unreadableSequences(c), QStringList{QStringLiteral("\"public\".\"Order No\"")});
    }

    void theCatchUpEstimateIsTheBacklogOverTheNetRate()
    {
        engine::CatchUpEstimate e(10);
        QCOMPARE(e.etaSeconds(1000), -1.0); // nothing measured yet
        // Applying 3 MB/s while the source writes 1 MB/s: 8 MB behind is 4 s.
        for (int i = 0; i <= 5; ++i)
            e.add(i, pg::Lsn(3'000'000) * i, pg::Lsn(10'000'000) + pg::Lsn(1'000'000) * i, 500 * i);
        QCOMPARE(e.etaSeconds(8'000'000), 4.0);
        QCOMPARE(e.changesPerSecond(), 500.0);
        QCOMPARE(e.etaSeconds(0), 0.0);
        // The source writes faster than the target applies: no estimate.
        engine::CatchUpEstimate slow(10);
        for (int i = 0; i <= 5; ++i)
            slow.add(i, pg::Lsn(1'000'000) * i, pg::Lsn(2'000'000) * i, 0);
        QCOMPARE(slow.etaSeconds(1'000'000), -1.0);
        // The window slides: old samples fall out.
        engine::CatchUpEstimate sliding(3);
        for (int i = 0; i <= 10; ++i)
            sliding.add(i, i < 5 ? 0 : pg::Lsn(2'000'000) * (i - 5), 0, 0);
        QCOMPARE(sliding.etaSeconds(4'000'000), 2.0);
    }
};

QTEST_GUILESS_MAIN(TestReadiness)
#include "tst_readiness.moc"
