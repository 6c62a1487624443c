// Sizing a flexible server from the source: recommendSize() on chosen loads (storage rounded to the
// offered sizes and raised for the WAL rate, Burstable for light loads, Memory Optimized when memory
// sets the size), and the real `pgferry-cli azure size` against a real source server under writes.
#include "azure/sizing.h"
#include "clirun.h"
#include "pg/connection.h"
#include "pg/error.h"
#include "project/projectfile.h"
#include "testclusters.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <thread>

using namespace pgferry;
using azure::SourceLoad;

namespace {
constexpr qint64 kGiB = 1024LL * 1024 * 1024;

SourceLoad load(double dataGiB, double tps, double walMiBps, qint64 sharedBuffersMiB,
                int maxConnections = 100, int inUse = 10)
{
    SourceLoad l;
    l.totalBytes = qint64(dataGiB * kGiB);
    l.databases = {{QStringLiteral("shop"), l.totalBytes}};
    l.transactionsPerSecond = tps;
    l.walBytesPerSecond = walMiBps * 1024 * 1024;
    l.sharedBuffersBytes = sharedBuffersMiB * 1024 * 1024;
    l.workMemBytes = 4 * 1024 * 1024;
    l.maxConnections = maxConnections;
    l.connectionsInUse = inUse;
    l.sampleSeconds = 10;
    return l;
}
} // namespace

Q_DECLARE_METATYPE(pgferry::azure::SourceLoad)

class TestSizing : public QObject
{
    Q_OBJECT
    std::unique_ptr<test::TwoClusters> m_pair;
    std::unique_ptr<test::CliRunner> m_cli;
    QTemporaryDir m_dir;

    QString projectFile(const QStringList &databases)
    {
        project::Project p;
        p.name = QStringLiteral("sizing");
        p.source = project::ConnectionProfile::fromConnInfo(m_pair->source.connInfo());
        p.target = project::ConnectionProfile::fromConnInfo(m_pair->target.connInfo());
        for (const QString &db : databases)
            p.databases << project::DatabaseSelection{db, {}, {}, {}};
        const QString file = m_dir.filePath(databases.join(u'-') + QStringLiteral(".pgferry"));
        QString error;
        if (!project::saveProjectFile(p, file, &error))
            qWarning() << error;
        return file;
    }

private Q_SLOTS:
    void recommendations_data()
    {
        QTest::addColumn<SourceLoad>("source");
        QTest::addColumn<QString>("tier");
        QTest::addColumn<QString>("sku");
        QTest::addColumn<int>("storageGb");
        QTest::addColumn<QString>("storageTier");
        QTest::newRow("idle and small: burstable")
            << load(1, 2, 0.01, 128) << QStringLiteral("Burstable") << QStringLiteral("Standard_B2ms") << 32
            << QStringLiteral("P4");
        QTest::newRow("150 GiB at 6000 tps: 1.25x is 187.5, so 256")
            << load(150, 6000, 1, 2048) << QStringLiteral("GeneralPurpose")
            << QStringLiteral("Standard_D4ds_v5") << 256 << QStringLiteral("P15");
        QTest::newRow("1.25x of 102.4 GiB is 128")
            << load(102.4, 100, 0.5, 1024) << QStringLiteral("GeneralPurpose")
            << QStringLiteral("Standard_D2ds_v5") << 128 << QStringLiteral("P10");
        QTest::newRow("memory sets the size: memory optimized")
            << load(40, 200, 0.5, 12 * 1024) << QStringLiteral("MemoryOptimized")
            << QStringLiteral("Standard_E8ds_v5") << 64 << QStringLiteral("P6");
        QTest::newRow("heavy WAL raises the storage for IOPS")
            << load(10, 500, 15, 1024) << QStringLiteral("GeneralPurpose")
            << QStringLiteral("Standard_D2ds_v5") << 1024 << QStringLiteral("P30");
        QTest::newRow("3000 connections: fewer vCores on memory optimized")
            << load(5, 100, 0.2, 512, 3000, 50) << QStringLiteral("MemoryOptimized")
            << QStringLiteral("Standard_E4ds_v5") << 32 << QStringLiteral("P4");
    }
    void recommendations()
    {
        QFETCH(SourceLoad, source);
        QFETCH(QString, tier);
        QFETCH(QString, sku);
        QFETCH(int, storageGb);
        QFETCH(QString, storageTier);
        const azure::SizeRecommendation r = azure::recommendSize(source);
        QCOMPARE(r.tier, tier);
        QCOMPARE(r.sku, sku);
        QCOMPARE(r.storageGb, storageGb);
        QCOMPARE(r.storageTier, storageTier);
        QVERIFY(r.storageGb >= 1.25 * source.totalBytes / kGiB);
        QVERIFY2(r.reasons.size() >= 4,
                 qPrintable(r.reasons.join(u'\n'))); // storage, vCores, memory, connections (and the tier)
        QVERIFY(r.caveats.join(u' ').contains(u"CPU credits"));
        const QJsonObject j = r.toJson();
        for (const char16_t *key : {u"sku", u"tier", u"vcores", u"storage_gb", u"reasons"})
            QVERIFY2(j.contains(QStringView(key)), qPrintable(QString::fromUtf16(key)));
    }

    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_pair = std::make_unique<test::TwoClusters>();
        m_cli = std::make_unique<test::CliRunner>(*m_pair, m_dir.filePath(QStringLiteral("state")));
        m_pair->source.createDatabase(QStringLiteral("shop"));
        m_pair->source.sql(
            QStringLiteral("shop"),
            QStringLiteral(
                "CREATE TABLE orders (id bigserial PRIMARY KEY, note text);"
                "INSERT INTO orders (note) SELECT repeat('x', 200) FROM generate_series(1, 50000);"));
    }
    void cleanupTestCase()
    {
        m_cli.reset();
        m_pair.reset();
    }

    void theCliMeasuresARealSourceUnderWrites()
    {
        const QString file = projectFile({QStringLiteral("shop")});
        // A writer during the sample: one committed insert after another.
        std::atomic_bool stop{false};
        std::atomic<qint64> commits{0};
        QString writerError;
        std::thread writer([this, &stop, &commits, &writerError] {
            try {
                pg::Connection c =
                    pg::Connection::open(m_pair->source.connInfo().withDatabase(QStringLiteral("shop")));
                while (!stop.load()) {
                    c.exec(QStringLiteral("INSERT INTO orders (note) VALUES ('sample')"));
                    ++commits;
                }
            } catch (const pg::Exception &e) {
                writerError = e.error().toString(); // read after join()
            }
        });
        QString out, err;
        const int rc =
            m_cli->run({QStringLiteral("azure"), QStringLiteral("size"), file, QStringLiteral("--json"),
                        QStringLiteral("--sample-seconds"), QStringLiteral("2")},
                       &out, &err);
        stop = true;
        writer.join();
        QVERIFY2(writerError.isEmpty(), qPrintable(writerError));
        QVERIFY(commits.load() > 0);
        QVERIFY2(rc == 0, qPrintable(err));
        const QJsonObject j = QJsonDocument::fromJson(out.toUtf8()).object();
        const QJsonObject src = j.value(u"source").toObject();
        const qint64 bytes = qint64(src.value(u"total_bytes").toDouble());
        QVERIFY2(bytes > 10 * 1024 * 1024, qPrintable(out)); // 50,000 rows of 200 bytes and more
        QCOMPARE(src.value(u"databases").toArray().at(0).toObject().value(u"name").toString(),
                 QStringLiteral("shop"));
        QVERIFY2(src.value(u"transactions_per_second").toDouble() > 10, qPrintable(out));
        QVERIFY2(src.value(u"wal_bytes_per_second").toDouble() > 1000, qPrintable(out));
        QVERIFY(src.value(u"sample_seconds").toDouble() >= 1.9);
        QVERIFY(src.value(u"max_connections").toInt() > 0);
        QVERIFY(src.value(u"shared_buffers_bytes").toDouble() > 0);
        // 1.25 x some MB: the smallest size, unless the writer's WAL rate asked for more IOPS.
        QVERIFY2(QList<int>({32, 64, 128, 256}).contains(j.value(u"storage_gb").toInt()), qPrintable(out));
        QVERIFY(j.value(u"reasons").toArray().at(0).toString().contains(u"1.25 x"));
        QVERIFY(!j.value(u"sku").toString().isEmpty());
        QVERIFY(!j.value(u"tier").toString().isEmpty());
        QVERIFY(j.value(u"vcores").toInt() >= 1);
        QVERIFY(j.value(u"reasons").toArray().size() >= 4);
        QVERIFY(!out.contains(m_pair->source.connInfo().password) ||
                m_pair->source.connInfo().password.isEmpty());

        // The human form says the same with the create-server options.
        QCOMPARE(m_cli->run({QStringLiteral("azure"), QStringLiteral("size"), file,
                             QStringLiteral("--sample-seconds"), QStringLiteral("1")},
                            &out, &err),
                 0);
        QVERIFY2(out.contains(u"--sku ") && out.contains(u"--storage-gb ") &&
                     out.contains(u"Burstable runs on CPU credits"),
                 qPrintable(out));
    }

    // Before PostgreSQL 10 the WAL position functions have other names (xlog).
    void aSourceOlderThanTenIsMeasuredToo()
    {
        PGFERRY_REQUIRE_MAJOR(QStringLiteral("9.6"));
        test::TestCluster old(QStringLiteral("size-96"), test::optionsFor(QStringLiteral("9.6")));
        old.createDatabase(QStringLiteral("legacy"));
        old.sql(QStringLiteral("legacy"),
                QStringLiteral("CREATE TABLE t (id serial PRIMARY KEY, v text);"
                               "INSERT INTO t (v) SELECT md5(g::text) FROM generate_series(1, 20000) g;"));
        const SourceLoad l =
            SourceLoad::measure(old.connInfo(), {QStringLiteral("legacy")}, std::chrono::milliseconds(1200));
        QVERIFY2(l.version >= 90600 && l.version < 100000, qPrintable(QString::number(l.version)));
        QCOMPARE(l.databases.size(), 1);
        QVERIFY(l.totalBytes > 1024 * 1024);
        QVERIFY(l.maxConnections > 0 && l.sharedBuffersBytes > 0 && l.workMemBytes > 0);
        QVERIFY(l.sampleSeconds >= 1.1);
        QVERIFY(l.walBytesPerSecond >= 0 && l.transactionsPerSecond >= 0);
        QCOMPARE(azure::recommendSize(l).storageGb, 32);
    }

    void aDatabaseTheSourceLacksAndBadOptionsAreNamed()
    {
        QString out, err;
        QCOMPARE(m_cli->run({QStringLiteral("azure"), QStringLiteral("size"),
                             projectFile({QStringLiteral("nosuchdb")}), QStringLiteral("--sample-seconds"),
                             QStringLiteral("1")},
                            &out, &err),
                 1);
        QVERIFY2(err.contains(u"no database \"nosuchdb\""), qPrintable(err));
        QCOMPARE(m_cli->run({QStringLiteral("azure"), QStringLiteral("size"),
                             projectFile({QStringLiteral("shop")}), QStringLiteral("--sample-seconds"),
                             QStringLiteral("0")},
                            &out, &err),
                 2);
        QVERIFY(err.contains(u"--sample-seconds"));
        QCOMPARE(m_cli->run({QStringLiteral("azure"), QStringLiteral("size"),
                             projectFile({QStringLiteral("shop")}), QStringLiteral("--server"),
                             QStringLiteral("x")},
                            &out, &err),
                 2);
        QVERIFY(err.contains(u"--server"));
        QCOMPARE(m_cli->run({QStringLiteral("azure"), QStringLiteral("size")}, &out, &err), 2);
    }
};

QTEST_GUILESS_MAIN(TestSizing)
#include "tst_sizing.moc"
