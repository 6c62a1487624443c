// COPY streaming between two real servers: text and binary, no temporary files.
#include "pg/connection.h"
#include "testclusters.h"

#include <QTest>

using namespace pgferry;

class TestCopy : public QObject
{
    Q_OBJECT
    std::unique_ptr<test::TwoClusters> m_pair;

private Q_SLOTS:
    void initTestCase()
    {
        m_pair = std::make_unique<test::TwoClusters>();
        const QString ddl = QStringLiteral(
            "CREATE TABLE t (id int PRIMARY KEY, txt text, js jsonb, b bytea, n numeric, f float8);");
        m_pair->source.sql(
            QStringLiteral("postgres"),
            ddl +
                QStringLiteral(
                    "INSERT INTO t SELECT i, repeat('x', i % 50) || E'\\t\\n\\\\', "
                    "jsonb_build_object('i', i), decode(md5(i::text), 'hex'), i * 1.5, "
                    "CASE WHEN i % 100 = 0 THEN 'NaN'::float8 ELSE i END FROM generate_series(1, 20000) i;"));
        m_pair->target.sql(QStringLiteral("postgres"), ddl);
    }
    void cleanupTestCase() { m_pair.reset(); }

    void streamsTableFromSourceToTarget_data()
    {
        QTest::addColumn<bool>("binary");
        QTest::newRow("text") << false;
        QTest::newRow("binary") << true;
    }
    void streamsTableFromSourceToTarget()
    {
        QFETCH(bool, binary);
        pg::Connection src = m_pair->source.connect();
        pg::Connection dst = m_pair->target.connect();
        dst.exec(QStringLiteral("TRUNCATE t"));
        const QString fmt = binary ? QStringLiteral(" WITH (FORMAT binary)") : QString();
        dst.beginCopyIn(QStringLiteral("COPY t FROM STDIN") + fmt);
        qint64 bytes = 0;
        const qint64 sent = src.copyOut(QStringLiteral("COPY t TO STDOUT") + fmt, [&](const char *d, int n) {
            bytes += n;
            dst.putCopyData(d, n);
        });
        const qint64 received = dst.endCopyIn();
        QCOMPARE(sent, qint64(20000));
        QCOMPARE(received, qint64(20000));
        QVERIFY(bytes > 0);
        const QString digest = QStringLiteral("SELECT md5(string_agg(t::text, '|' ORDER BY id)) FROM t");
        QCOMPARE(dst.exec(digest).text(0, 0), src.exec(digest).text(0, 0));
    }

    void aFailingCopyInLeavesNothingAndKeepsTheConnection()
    {
        pg::Connection dst = m_pair->target.connect();
        dst.exec(QStringLiteral("TRUNCATE t"));
        dst.beginCopyIn(QStringLiteral("COPY t (id, txt) FROM STDIN"));
        dst.putCopyData("1\tok\n", 5);
        dst.putCopyData("not-a-number\tbad\n", 17);
        try {
            dst.endCopyIn();
            QFAIL("expected a data error");
        } catch (const pg::Exception &e) {
            QCOMPARE(e.error().category, pg::ErrorCategory::Data);
        }
        QCOMPARE(dst.exec(QStringLiteral("SELECT count(*) FROM t")).toInt(0, 0), 0);
    }

    void abortCopyInRollsBack()
    {
        pg::Connection dst = m_pair->target.connect();
        dst.exec(QStringLiteral("TRUNCATE t"));
        dst.beginCopyIn(QStringLiteral("COPY t (id) FROM STDIN"));
        dst.putCopyData("5\n", 2);
        dst.abortCopyIn(QStringLiteral("source failed"));
        QCOMPARE(dst.exec(QStringLiteral("SELECT count(*) FROM t")).toInt(0, 0), 0);
    }

    void exceptionInSinkStopsTheCopyCleanly()
    {
        pg::Connection src = m_pair->source.connect();
        int chunks = 0;
        try {
            src.copyOut(QStringLiteral("COPY t TO STDOUT"), [&](const char *, int) {
                if (++chunks == 10)
                    throw std::runtime_error("sink full");
            });
            QFAIL("expected the sink's exception");
        } catch (const std::runtime_error &) {
        }
        QCOMPARE(src.exec(QStringLiteral("SELECT 3")).toInt(0, 0), 3);
    }
};

QTEST_GUILESS_MAIN(TestCopy)
#include "tst_copy.moc"
