// The source invalidates pgferry's replication slot (max_slot_wal_keep_size exceeded while the
// stream was stopped): the next run detects it, says what happened and the way forward (restart
// this database's migration), fails, and never reports a target that silently diverged.
#include "faultkit.h"

#include "pg/connection.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace pgferry;

class TestSlotInvalidated : public QObject
{
    Q_OBJECT
    std::unique_ptr<test::TestCluster> m_source, m_target;

private Q_SLOTS:
    void initTestCase()
    {
        sandbox::ClusterOptions o;
        o.extraConfig << QStringLiteral("max_slot_wal_keep_size = 1MB")
                      << QStringLiteral("max_wal_size = 64MB") << QStringLiteral("min_wal_size = 32MB");
        m_source = std::make_unique<test::TestCluster>(QStringLiteral("source"), o);
        m_target = std::make_unique<test::TestCluster>(QStringLiteral("target"));
    }
    void cleanupTestCase()
    {
        m_source.reset();
        m_target.reset();
    }

    void anInvalidatedSlotIsDetectedAndExplained()
    {
        const QString db = QStringLiteral("slotloss");
        test::createFaultFixture(*m_source, db, 2000, 3);
        test::CliRig rig(m_source->connInfo(), m_target->connInfo(), db, project::Mode::Online);

        // 1. Load and catch up, then stop streaming (the slot stays and holds WAL).
        QString out, err;
        QCOMPARE(rig.run({QStringLiteral("run"), rig.projectFile(), QStringLiteral("--until"),
                          QStringLiteral("ready")},
                         180000, &out, &err),
                 0);
        QCOMPARE(rig.status().value(u"state").toString(), QStringLiteral("streaming"));
        pg::Connection s = m_source->connect(db);
        const QString slot =
            s.exec(QStringLiteral("SELECT slot_name FROM pg_replication_slots WHERE database = $1"), {db})
                .text(0, 0);
        QVERIFY(slot.startsWith(u"pgferry_"));

        // 2. The source writes more WAL than max_slot_wal_keep_size allows and checkpoints.
        for (int i = 0; i < 6; ++i) {
            s.exec(QStringLiteral("INSERT INTO big (k, payload) SELECT g, repeat(md5(g::text), 6) FROM "
                                  "generate_series(1, 3000) g"));
            s.exec(QStringLiteral("SELECT pg_switch_wal()"));
        }
        s.exec(QStringLiteral("CHECKPOINT"));
        QTRY_COMPARE_WITH_TIMEOUT(
            s.exec(QStringLiteral("SELECT wal_status FROM pg_replication_slots WHERE slot_name = $1"), {slot})
                .text(0, 0),
            QStringLiteral("lost"), 30000);

        // 3. The next run stops with an explanation and the way forward.
        const int rc = rig.run(
            {QStringLiteral("run"), rig.projectFile(), QStringLiteral("--until"), QStringLiteral("ready")},
            120000, &out, &err);
        QCOMPARE(rc, 1);
        QVERIFY2(err.contains(slot), qPrintable(err));
        QVERIFY2(err.contains(u"invalidated"), qPrintable(err));
        QVERIFY2(err.contains(u"Restart this database's migration", Qt::CaseInsensitive), qPrintable(err));
        QCOMPARE(rig.status().value(u"state").toString(), QStringLiteral("failed"));
        QVERIFY(!rig.status().value(u"ready_for_cutover").toBool());
        QVERIFY(!rig.stepDone(QStringLiteral("done")));

        // `status` says failed too, and a cutover is refused: no silent divergence.
        QCOMPARE(rig.run({QStringLiteral("status"), rig.projectFile(), QStringLiteral("--json")}, 30000, &out,
                         &err) >= 0,
                 true);
        QCOMPARE(QJsonDocument::fromJson(out.toUtf8()).object().value(u"state").toString(),
                 QStringLiteral("failed"));
        QCOMPARE(rig.run({QStringLiteral("cutover"), rig.projectFile(), QStringLiteral("--yes")}, 30000, &out,
                         &err),
                 1);
    }
};

QTEST_GUILESS_MAIN(TestSlotInvalidated)
#include "tst_slotinvalidated.moc"
