// `pgferry-cli run --progress`: the line a person reads in a pipe or a log.
#include "common.h"

#include <QTest>

using namespace pgferry;

class TestProgressLine : public QObject
{
    Q_OBJECT

    static engine::DatabaseStatus database(int tablesDone, qint64 bytesCopied)
    {
        engine::DatabaseStatus d;
        d.name = QStringLiteral("shop");
        d.phase = engine::DatabasePhase::FullLoad;
        d.tablesTotal = 4;
        d.tablesDone = tablesDone;
        d.bytesTotal = 4000; // the estimate: pages on the source
        d.bytesCopied = bytesCopied;
        return d;
    }

private Q_SLOTS:
    void theBarFollowsTheBytesWhileTablesLoad()
    {
        engine::MigrationStatus s;
        s.databases << database(1, 1000);
        QVERIFY2(cli::progressLine(s).startsWith(u"shop [#####...............] 25% 1/4 tables"),
                 qPrintable(cli::progressLine(s)));
    }

    // The copy counts the rows' text, the estimate pages: every table loaded is the whole load.
    void everyTableLoadedIsAFullBarWhateverTheEstimate()
    {
        engine::MigrationStatus s;
        s.databases << database(4, 3000);
        s.databases[0].phase = engine::DatabasePhase::Streaming;
        const QString line = cli::progressLine(s);
        QVERIFY2(line.startsWith(u"shop [####################] 100% 4/4 tables"), qPrintable(line));
        QVERIFY2(line.contains(u"lag"), qPrintable(line));
    }

    void databasesAreSeparated()
    {
        engine::MigrationStatus s;
        s.databases << database(0, 0) << database(2, 2000);
        s.databases[1].name = QStringLiteral("crm");
        const QString line = cli::progressLine(s);
        QVERIFY2(line.contains(u"shop [....................] 0% 0/4 tables") &&
                     line.contains(u" | crm [##########..........] 50% 2/4 tables"),
                 qPrintable(line));
    }
};

QTEST_GUILESS_MAIN(TestProgressLine)
#include "tst_progressline.moc"
