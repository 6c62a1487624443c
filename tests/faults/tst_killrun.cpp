// kill -9 of `pgferry-cli run` at each phase of a migration (schema, in the middle of copying a
// table split in ranges, while building indexes, while streaming, during the cutover before and
// after its confirm point), then `run` again (and `cutover`): the target ends identical to the
// source, row for row, with nothing lost or doubled, while writers kept changing the source.
#include "faultkit.h"

#include "pg/connection.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace pgferry;
using namespace std::chrono_literals;

class TestKillRun : public QObject
{
    Q_OBJECT
    std::unique_ptr<test::TwoClusters> m_pair;
    int m_seq = 0;

private Q_SLOTS:
    void initTestCase() { m_pair = std::make_unique<test::TwoClusters>(); }
    void cleanupTestCase() { m_pair.reset(); }

    void aKilledRunResumesToAnIdenticalTarget_data()
    {
        QTest::addColumn<QString>("phase");
        QTest::addColumn<bool>("online");
        QTest::newRow("schema") << QStringLiteral("schema") << true;
        QTest::newRow("mid-copy of a split table") << QStringLiteral("copy") << true;
        QTest::newRow("mid-copy, offline") << QStringLiteral("copy") << false;
        QTest::newRow("index build") << QStringLiteral("index") << true;
        QTest::newRow("streaming") << QStringLiteral("streaming") << true;
        QTest::newRow("between a schema change and the rows after it") << QStringLiteral("ddl") << true;
        QTest::newRow("cutover before the confirm point") << QStringLiteral("cutover-before") << true;
        QTest::newRow("cutover after the confirm point") << QStringLiteral("cutover-after") << true;
    }
    void aKilledRunResumesToAnIdenticalTarget()
    {
        QFETCH(QString, phase);
        QFETCH(bool, online);
        killAndResume(*m_pair, phase, online);
    }

    // The same on the reference pair, 9.6 (test_decoding) to 17: killed in the middle of copying a
    // split table, the load resumes from a new snapshot (a slot that 9.6 cannot make temporary,
    // dropped once the load is done) and streams on.
    void aKilledRunResumesFrom96To17()
    {
        PGFERRY_REQUIRE_MAJOR(QStringLiteral("9.6"));
        PGFERRY_REQUIRE_MAJOR(QStringLiteral("17"));
        test::TwoClusters pair(QStringLiteral("9.6"), QStringLiteral("17"));
        killAndResume(pair, QStringLiteral("copy"), true);
        if (QTest::currentTestFailed())
            return;
        pg::Connection s = pair.source.connect();
        QCOMPARE(s.exec(QStringLiteral("SELECT count(*) FROM pg_replication_slots")).toInt(0, 0), 0);
    }

private:
    void killAndResume(test::TwoClusters &pair, const QString &phase, bool online)
    {
        const QString db = QStringLiteral("kill_%1").arg(++m_seq);
        const QString tdb = db + QStringLiteral("_copy");
        test::createFaultFixture(pair.source, db);
        test::CliRig rig(pair.source.connInfo(), pair.target.connInfo(), db,
                         online ? project::Mode::Online : project::Mode::Offline, tdb);

        test::FaultWriter w1(pair.source.connInfo(db), 11), w2(pair.source.connInfo(db), 12);
        if (online) {
            w1.start();
            w2.start();
        }

        // 1. Run until the chosen moment, then kill -9.
        auto run = rig.start({QStringLiteral("run"), rig.projectFile(), QStringLiteral("--json")});
        std::unique_ptr<QProcess> cutover;
        std::function<bool()> moment;
        if (phase == u"schema") {
            moment = [&] {
                return rig.stepDone(QStringLiteral("prepared")) &&
                       !rig.stepDone(QStringLiteral("pre_data")) &&
                       (!online || rig.stepDone(QStringLiteral("slot")));
            };
        } else if (phase == u"copy") {
            moment = [&] {
                return rig.stepDone(QStringLiteral("pre_data")) &&
                       test::unitsCommitted(pair.target, tdb, QStringLiteral("public.big")) > 0;
            };
        } else if (phase == u"index") {
            moment = [&] { return rig.journalValue(QStringLiteral("post_load_started")) == u"yes"; };
        } else if (phase == u"streaming") {
            moment = [&] { return rig.status().value(u"ready_for_cutover").toBool(); };
        } else if (phase == u"ddl") {
            // Schema changes with rows before and after them, while the writers go on; the kill
            // comes as soon as the first change is applied on the target. The resumed run must
            // carry each change exactly once (ADD COLUMN twice fails) and every row around it.
            bool changed = false;
            moment = [&, changed]() mutable {
                if (!changed && rig.status().value(u"ready_for_cutover").toBool()) {
                    pair.source.sql(
                        db, QStringLiteral(
                                "BEGIN; CREATE TABLE late (id int PRIMARY KEY, v text);"
                                "INSERT INTO late SELECT g, 'v' || g FROM generate_series(1, 1000) g; COMMIT;"
                                "ALTER TABLE big ADD COLUMN extra int NOT NULL DEFAULT 7;"
                                "UPDATE big SET extra = 8 WHERE id % 100 = 0;"
                                "ALTER TABLE late ADD COLUMN w bigint;"
                                "UPDATE late SET w = id * 10000000000 WHERE id % 3 = 0;"
                                "ALTER TABLE late RENAME COLUMN v TO label;"
                                "INSERT INTO late SELECT g, 'x', g FROM generate_series(1001, 1100) g;"));
                    changed = true;
                    return false;
                }
                if (!changed)
                    return false;
                const QJsonArray dbs = rig.status().value(u"databases").toArray();
                return !dbs.isEmpty() && !dbs.first().toObject().value(u"schema_changes").toArray().isEmpty();
            };
        } else {
            const bool before = phase == u"cutover-before";
            moment = [&, before] {
                if (!cutover && rig.status().value(u"ready_for_cutover").toBool()) {
                    // The applications stop, then the administrator cuts over.
                    w1.stop();
                    w2.stop();
                    cutover =
                        rig.start({QStringLiteral("cutover"), rig.projectFile(), QStringLiteral("--yes")});
                    return false;
                }
                if (!cutover)
                    return false;
                if (before) {
                    QFile resp(rig.stateDir() + QStringLiteral("/cutover.response"));
                    return resp.open(QIODevice::ReadOnly) &&
                           QJsonDocument::fromJson(resp.readAll()).object().value(u"accepted").toBool();
                }
                return rig.stepDone(
                    QStringLiteral("source_read_only")); // confirmed, and the source already read-only
            };
        }
        QElapsedTimer t;
        t.start();
        bool reached = false;
        while (run->state() != QProcess::NotRunning && t.elapsed() < 180000) {
            if ((reached = moment()))
                break;
            run->waitForFinished(10);
        }
        QVERIFY2(
            reached,
            qPrintable(QStringLiteral("the run ended (exit %1) or timed out before the moment %2; status: %3")
                           .arg(run->exitCode())
                           .arg(phase, QString::fromUtf8(QJsonDocument(rig.status()).toJson()))));
        test::killHard(*run);
        QCOMPARE(run->exitStatus(), QProcess::CrashExit);
        if (cutover)
            cutover->waitForFinished(60000); // it notices that the run is gone
        // The kill happened where intended (the journal is only written after a step is complete).
        if (phase == u"schema")
            QVERIFY(!rig.stepDone(QStringLiteral("pre_data")));
        else if (phase == u"copy")
            QVERIFY(!rig.stepDone(QStringLiteral("load")));
        else if (phase == u"index")
            QVERIFY(!rig.stepDone(QStringLiteral("post_load")));
        else if (phase == u"cutover-after")
            QVERIFY(!rig.stepDone(QStringLiteral("done")));

        // 2. Run again (and cut over): the target ends identical.
        QString problem;
        if (online) {
            problem = rig.runOnlineToTheEnd([&] {
                QTest::qWait(500);
                w1.stop();
                w2.stop();
            });
        } else {
            QString out, err;
            const int rc = rig.run({QStringLiteral("run"), rig.projectFile()}, 240000, &out, &err);
            if (rc != 0)
                problem = QStringLiteral("rerun exit %1: %2").arg(rc).arg(err);
        }
        w1.stop();
        w2.stop();
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QVERIFY2(w1.lastError().isEmpty() && w2.lastError().isEmpty(),
                 qPrintable(w1.lastError() + w2.lastError()));
        QCOMPARE(rig.status().value(u"state").toString(), QStringLiteral("completed"));
        test::makeWritable(pair.source, db);
        const QString diff = test::differences(pair.source, db, pair.target, tdb);
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
        if (online) {
            QVERIFY(w1.committed() + w2.committed() > 0);
            pg::Connection s = pair.source.connect(db);
            QCOMPARE(
                s.exec(QStringLiteral("SELECT count(*) FROM pg_replication_slots WHERE database = $1"), {db})
                    .toInt(0, 0),
                0);
            if (s.serverVersion() >= 100000) // no publications before 10 (test_decoding)
                QCOMPARE(s.exec(QStringLiteral("SELECT count(*) FROM pg_publication")).toInt(0, 0), 0);
        }
    }
};

QTEST_GUILESS_MAIN(TestKillRun)
#include "tst_killrun.moc"
