// The change spool: only whole, flushed transactions are readable; a torn tail (a crash in the
// middle of a transaction or a record) is cut on reopen; segments rotate between transactions and
// are pruned once applied; begin records learn their commit LSN.
#include "cdc/spool.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace pgferry;
using cdc::SpoolKind;

namespace {
void writeTxn(cdc::Spool &s, pg::Lsn first, int changes, pg::Lsn commit)
{
    s.append(SpoolKind::Begin, first, QByteArray("B"));
    for (int i = 0; i < changes; ++i)
        s.append(SpoolKind::Data, first + 1 + i,
                 QByteArray("change-") + QByteArray::number(i) + QByteArray(100, 'x'));
    s.append(SpoolKind::Commit, commit, QByteArray("C"));
}

QList<cdc::SpoolRecord> readAll(cdc::Spool &s, cdc::SpoolPosition &pos)
{
    QList<cdc::SpoolRecord> out;
    cdc::SpoolRecord r;
    while (s.read(pos, r))
        out << r;
    return out;
}
} // namespace

class TestSpool : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void onlyFlushedWholeTransactionsAreReadable()
    {
        QTemporaryDir dir;
        cdc::Spool s(dir.path());
        s.open();
        writeTxn(s, 100, 3, 200);
        auto pos = s.start();
        QVERIFY(readAll(s, pos).isEmpty()); // not flushed yet
        QCOMPARE(s.flush(), pg::Lsn(200));
        s.append(SpoolKind::Begin, 300, "B");
        s.append(SpoolKind::Data, 301, "half a transaction");
        s.flush();
        const auto recs = readAll(s, pos);
        QCOMPARE(recs.size(), 5);
        QCOMPARE(recs.first().kind, SpoolKind::Begin);
        QCOMPARE(recs.first().commitLsn, pg::Lsn(200)); // filled in at commit
        QCOMPARE(recs.last().kind, SpoolKind::Commit);
        QCOMPARE(recs.last().lsn, pg::Lsn(200));
    }

    // setReadUnsynced(): a transaction is readable as soon as flushAsync() wrote it, before its
    // background sync ends (the applier's path no longer waits for the disk), still never half a
    // transaction; without it, only once durable.
    void unsyncedReadingSeesWrittenWholeTransactionsAtOnce()
    {
        QTemporaryDir dir;
        cdc::Spool s(dir.path());
        s.open();
        s.setReadUnsynced(true);
        auto pos = s.start();
        writeTxn(s, 100, 3, 200);
        s.append(SpoolKind::Begin, 300, "B");
        s.append(SpoolKind::Data, 301, "half a transaction");
        QVERIFY(readAll(s, pos).isEmpty()); // appended, not written
        s.flushAsync();
        const auto recs = readAll(s, pos); // no wait for the sync
        QCOMPARE(recs.size(), 5);
        QCOMPARE(recs.last().lsn, pg::Lsn(200));
        s.append(SpoolKind::Commit, 400, "C");
        QCOMPARE(s.flush(), pg::Lsn(400));
        const auto rest = readAll(s, pos);
        QCOMPARE(rest.size(), 3);
        QCOMPARE(rest.first().commitLsn, pg::Lsn(400));
        // A reconnect's discard after everything is durable cuts nothing a reader saw.
        s.discardPending();
        QVERIFY(readAll(s, pos).isEmpty());
        writeTxn(s, 500, 1, 600);
        s.flushAsync();
        QCOMPARE(readAll(s, pos).size(), 3);
    }

    // setReadOpenTransactions(): the records of a transaction still arriving are readable once
    // written out (every MiB), its BEGIN not yet knowing its commit; when a reconnect cuts them
    // away, the reader is told (SpoolRewound) and reads again from the start.
    void openTransactionsAreReadAsTheyArriveAndACutRewindsTheReader()
    {
        QTemporaryDir dir;
        cdc::Spool s(dir.path());
        s.open();
        s.setReadOpenTransactions(true);
        writeTxn(s, 10, 2, 20);
        s.flush();
        auto pos = s.start();
        QCOMPARE(readAll(s, pos).size(), 4);
        s.append(SpoolKind::Begin, 100, "B");
        for (int i = 0; i < 20000; ++i) // about 2.5 MiB: written out at least twice on the way
            s.append(SpoolKind::Data, 101 + i, QByteArray(100, 'x'));
        const auto open = readAll(s, pos);
        QVERIFY2(open.size() > 1000, qPrintable(QString::number(open.size())));
        QCOMPARE(open.first().kind, SpoolKind::Begin);
        QCOMPARE(open.first().commitLsn, pg::Lsn(0)); // not known yet
        QVERIFY(open.last().kind == SpoolKind::Data);
        // The receiver reconnects: the half transaction is cut, and the reader was past the cut.
        s.discardPending();
        cdc::SpoolRecord r;
        QVERIFY_THROWS_EXCEPTION(cdc::SpoolRewound, s.read(pos, r));
        pos = s.start();
        QCOMPARE(readAll(s, pos).size(), 4); // the durable transaction, nothing of the cut one
        // The source sends it again, whole this time.
        s.append(SpoolKind::Begin, 100, "B");
        s.append(SpoolKind::Data, 101, "again");
        s.append(SpoolKind::Commit, 200, "C");
        s.flushAsync();
        const auto again = readAll(s, pos);
        QCOMPARE(again.size(), 3);
        QCOMPARE(again.first().commitLsn, pg::Lsn(200));
        // A reader that had not gone past the durable end is not disturbed by a cut.
        s.flush();
        s.append(SpoolKind::Begin, 300, "B");
        s.discardPending();
        QVERIFY(readAll(s, pos).isEmpty());
    }

    // flushAsync(): the writer goes on while a background thread syncs; a transaction becomes
    // readable (and confirmable) only once synced, in order; a reconnect's discard keeps what the
    // background made durable; a later synchronous flush() waits for it and covers the rest.
    void backgroundSyncsPublishInOrderAndSurviveADiscard()
    {
        QTemporaryDir dir;
        {
            cdc::Spool s(dir.path());
            s.open();
            auto pos = s.start();
            QCOMPARE(s.flushAsync(), pg::Lsn(0)); // nothing appended: nothing to sync
            pg::Lsn lsn = 1000;
            for (int t = 0; t < 50; ++t, lsn += 100) {
                writeTxn(s, lsn, 5, lsn + 50);
                const pg::Lsn durable = s.flushAsync();
                QVERIFY(durable <= lsn + 50); // never ahead of what was appended
            }
            QTRY_COMPARE_WITH_TIMEOUT(s.durableCommitLsn(), lsn - 50, 10000);
            QList<cdc::SpoolRecord> recs;
            QTRY_VERIFY_WITH_TIMEOUT((recs += readAll(s, pos), recs.size() == 50 * 7), 10000);
            pg::Lsn last = 0;
            for (const cdc::SpoolRecord &r : recs) {
                if (r.kind != SpoolKind::Commit)
                    continue;
                QVERIFY(r.lsn > last);
                last = r.lsn;
            }
            QCOMPARE(last, lsn - 50);

            // A half transaction and a whole one, synced in the background; then a reconnect.
            writeTxn(s, lsn, 2, lsn + 50);
            s.flushAsync();
            s.append(SpoolKind::Begin, lsn + 100, "B");
            s.append(SpoolKind::Data, lsn + 101, "lost on reconnect");
            s.discardPending();
            QCOMPARE(s.durableCommitLsn(), lsn + 50); // the background sync was kept
            writeTxn(s, lsn + 200, 1, lsn + 250);
            QCOMPARE(s.flush(), lsn + 250);
            const auto rest = readAll(s, pos);
            QCOMPARE(rest.size(), 4 + 3);
            QCOMPARE(rest.last().lsn, lsn + 250);
        }
        // Reopened: everything synced is there, nothing of the discarded half.
        cdc::Spool again(dir.path());
        again.open();
        QCOMPARE(again.durableCommitLsn(), pg::Lsn(1000 + 50 * 100 + 250));
        auto pos = again.start();
        const auto all = readAll(again, pos);
        QCOMPARE(all.size(), 50 * 7 + 4 + 3);
        for (const cdc::SpoolRecord &r : all)
            QVERIFY(!r.payload.contains("lost on reconnect"));
    }

    void aTornTailIsCutOnReopen()
    {
        QTemporaryDir dir;
        {
            cdc::Spool s(dir.path());
            s.open();
            writeTxn(s, 100, 2, 150);
            writeTxn(s, 160, 2, 190);
            s.append(SpoolKind::Begin, 200, "B");
            s.append(SpoolKind::Data, 201, "lost with the crash");
            s.flush();
        }
        // Also a half-written record at the very end.
        QFile seg(dir.path() + QStringLiteral("/000000000001.spool"));
        QVERIFY(seg.open(QIODevice::Append));
        seg.write("\x00\x00\x10\x00\x00", 5);
        seg.close();

        cdc::Spool s(dir.path());
        s.open();
        QCOMPARE(s.durableCommitLsn(), pg::Lsn(190));
        auto pos = s.start();
        const auto recs = readAll(s, pos);
        QCOMPARE(recs.size(), 8);
        QCOMPARE(recs.last().lsn, pg::Lsn(190));
        // Writing goes on after the cut.
        writeTxn(s, 200, 1, 250);
        s.flush();
        QCOMPARE(readAll(s, pos).size(), 3);
    }

    void segmentsRotateAndArePruned()
    {
        QTemporaryDir dir;
        cdc::Spool s(dir.path(), 1024); // tiny segments
        s.open();
        for (int t = 0; t < 20; ++t)
            writeTxn(s, 1000 * (t + 1), 5, 1000 * (t + 1) + 900);
        s.flush();
        const qint64 before = s.sizeBytes();
        auto pos = s.start();
        const auto recs = readAll(s, pos);
        QCOMPARE(recs.size(), 20 * 7);
        // Every begin knows its own commit, even across segments.
        for (int i = 0; i < recs.size(); ++i)
            if (recs[i].kind == SpoolKind::Begin)
                QCOMPARE(recs[i].commitLsn, recs[i].lsn + 900);
        s.pruneBefore(pos);
        QVERIFY(s.sizeBytes() < before);
        // Reopen after pruning: nothing lost that was not applied.
        cdc::Spool again(dir.path(), 1024);
        again.open();
        QCOMPARE(again.durableCommitLsn(), pg::Lsn(20900));
    }

    void aTransactionLargerThanTheWriteBufferStillLearnsItsCommitAndSurvivesAReconnect()
    {
        QTemporaryDir dir;
        cdc::Spool s(dir.path());
        s.open();
        writeTxn(s, 100, 2, 150);
        s.flush();
        // Several MiB in one transaction: its begin record reaches the file before the commit.
        s.append(SpoolKind::Begin, 200, "B");
        for (int i = 0; i < 40; ++i)
            s.append(SpoolKind::Data, 201 + i, QByteArray(100 * 1024, char('a' + i % 26)));
        s.append(SpoolKind::Commit, 900, "C");
        // Received, not durable: a reconnect forgets it, and the source sends it again.
        s.append(SpoolKind::Begin, 1000, "B");
        s.append(SpoolKind::Data, 1001, QByteArray(2 << 20, 'z'));
        s.discardPending();
        auto pos = s.start();
        QCOMPARE(readAll(s, pos).size(), 4);
        s.append(SpoolKind::Begin, 200, "B");
        for (int i = 0; i < 40; ++i)
            s.append(SpoolKind::Data, 201 + i, QByteArray(100 * 1024, char('a' + i % 26)));
        s.append(SpoolKind::Commit, 900, "C");
        QCOMPARE(s.flush(), pg::Lsn(900));
        const auto recs = readAll(s, pos);
        QCOMPARE(recs.size(), 42);
        QCOMPARE(recs.first().kind, SpoolKind::Begin);
        QCOMPARE(recs.first().commitLsn, pg::Lsn(900));
        QCOMPARE(recs[5].payload, QByteArray(100 * 1024, 'e')); // the fifth data record
        QCOMPARE(recs.last().lsn, pg::Lsn(900));

        cdc::Spool again(dir.path());
        again.open();
        QCOMPARE(again.durableCommitLsn(), pg::Lsn(900));
        auto from = again.start();
        QCOMPARE(readAll(again, from).size(), 4 + 42);
    }
};

QTEST_GUILESS_MAIN(TestSpool)
#include "tst_spool.moc"
