// The durable local spool of the change stream. While the full load runs, every decoded message
// is appended here and fsynced before its transaction is confirmed to the source, so the source
// can recycle its WAL; the applier reads it back later and the spool is pruned as it is applied.
//
// Records: [u32 payload length][u8 kind][u64 lsn][u64 commit end lsn][payload]. A begin record's
// commit field is filled in when its commit arrives, so a reader knows at BEGIN whether the
// transaction was applied already. A reader sees whole durable transactions; with
// setReadUnsynced also written ones whose sync is still running, and with setReadOpenTransactions
// the records of the one being received. On open, anything after the last complete commit (a
// crash mid-transaction) is cut off, and the source sends it again because it was never confirmed.
#pragma once

#include "pg/lsn.h"

#include <QByteArray>
#include <QFile>
#include <QList>
#include <QMutex>
#include <QString>
#include <QWaitCondition>
#include <memory>
#include <optional>
#include <stdexcept>
#include <thread>

namespace pgferry::cdc {

enum class SpoolKind : quint8 { Data = 0, Begin = 1, Commit = 2 };

struct SpoolRecord
{
    SpoolKind kind = SpoolKind::Data;
    pg::Lsn lsn = 0;       // the message's WAL position (for a commit: the end of the commit record)
    pg::Lsn commitLsn = 0; // begin records: the end LSN of the transaction's commit
    QByteArray payload;
};

struct SpoolPosition
{
    qint64 segment = 0;
    qint64 offset = 0;
    bool operator<(const SpoolPosition &o) const
    {
        return segment < o.segment || (segment == o.segment && offset < o.offset);
    }
    bool operator==(const SpoolPosition &o) const = default;
};

// Thrown by Spool::read when the records it returned since the last durable commit were cut away
// (the receiver reconnected and the source sends them again): the reader starts over from
// start(), skipping what it applied, as after a restart.
class SpoolRewound : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

class Spool
{
public:
    explicit Spool(QString dir, qint64 segmentBytes = 64LL * 1024 * 1024);
    ~Spool();

    // Scans what is there, cuts a torn tail, and positions the writer. Throws std::runtime_error.
    void open();

    // Writer (one thread).
    void append(SpoolKind kind, pg::Lsn lsn, const QByteArray &payload);
    // Makes everything appended durable (fdatasync); returns the end LSN of the last whole
    // transaction now on disk: what may be confirmed to the source.
    pg::Lsn flush();
    // The same without waiting: writes what was appended and has a background thread make it
    // durable, so that the writer goes on receiving while the disk syncs (a sync can take tens of
    // milliseconds; the source stalls when nobody reads). Returns what is durable so far (a reader
    // sees a transaction, and it may be confirmed, only once it is). Throws when an earlier
    // background sync failed.
    pg::Lsn flushAsync();
    // With setReadUnsynced: writes what was appended and shows the reader every whole
    // transaction in it now, without a sync (a reader must not wait for the next flush).
    void publishWritten();
    pg::Lsn durableCommitLsn() const;
    // Forgets everything appended after the last durable commit (the receiver reconnects and
    // the source will send it again).
    void discardPending();

    // With true, a reader also sees whole transactions that are written but not yet durable
    // (synced in the background). That is safe only for a reader whose work is idempotent by
    // commit position (the applier: its origin skips what it applied, and the source sends
    // again whatever was not durable here, as nothing of it was confirmed); the disk's sync
    // is then off the path from source commit to target. Set before the first read.
    void setReadUnsynced(bool on);
    // With true, a reader also sees the records of the transaction being received, as soon as
    // they are written out (about every MiB): a large transaction is applied while it arrives.
    // Only for a reader that knows at BEGIN whether it applied the transaction (pgoutput names
    // the commit there) and keeps nothing of it until its commit is read. Implies unsynced reading.
    void setReadOpenTransactions(bool on);

    // Reader (one other thread): the next record up to the last durable commit (or written commit,
    // with setReadUnsynced; or written record, with setReadOpenTransactions); false when none.
    // Throws SpoolRewound when records it returned were cut away since (see discardPending).
    bool read(SpoolPosition &pos, SpoolRecord &out);
    // Blocks until flush() made something durable after `pos`, or for at most `ms`.
    void waitForData(const SpoolPosition &pos, int ms);
    SpoolPosition start() const;

    // Deletes whole segments that lie before `pos` (everything in them is applied).
    void pruneBefore(const SpoolPosition &pos);
    qint64 sizeBytes() const;
    QString dir() const { return m_dir; }

private:
    QString segmentPath(qint64 seg) const;
    void openWriterSegment(qint64 seg, qint64 size);
    // Writes the buffered bytes to the segment file (no sync).
    void writeOut();
    // Background syncs: the latest request waits in m_syncJob, one runs at a time, in order.
    struct SyncJob
    {
        int fd = -1; // a dup of the segment's descriptor: the writer may move on to another segment
        pg::Lsn commit = 0;
        SpoolPosition end;
    };
    void syncLoop();
    void waitForSyncs(QMutexLocker<QMutex> &locked); // until no background sync is queued or running
    void publishDurable(pg::Lsn commit, const SpoolPosition &end);

    QString m_dir;
    qint64 m_segmentBytes;
    mutable QMutex m_mutex;
    QWaitCondition m_flushed;
    QList<qint64> m_segments;        // existing segment numbers, ascending
    std::unique_ptr<QFile> m_writer; // written with pwrite from m_writeBuf, never through QFile's buffer
    qint64 m_writeSegment = 0;
    qint64 m_writeOffset = 0;      // end of what was appended, buffered or not
    QByteArray m_writeBuf;         // appended, not yet written to the file
    qint64 m_writeBufStart = 0;    // file offset of m_writeBuf[0]
    qint64 m_openBeginOffset = -1; // offset of the current transaction's begin record
    qint64 m_openBeginSegment = -1;
    SpoolPosition m_readable; // end of the last durable commit
    SpoolPosition m_written;  // end of the last commit written to the file, durable or not
    bool m_readUnsynced = false;
    bool m_readOpen = false;
    SpoolPosition m_writtenAll; // end of every record written to the file (readOpen)
    // The earliest position discardPending cut back to since the reader last looked: a reader
    // beyond it read records that are gone.
    std::optional<SpoolPosition> m_cutSinceRead;
    SpoolPosition visibleEnd() const
    {
        if (m_readOpen)
            return std::max({m_writtenAll, m_written, m_readable});
        return m_readUnsynced ? std::max(m_written, m_readable) : m_readable;
    }
    pg::Lsn m_durableCommit = 0;
    pg::Lsn m_pendingCommit = 0; // last commit appended, not yet flushed
    SpoolPosition m_pendingEnd;
    std::optional<SyncJob> m_syncJob;
    bool m_syncing = false;
    bool m_stopSyncer = false;
    QString m_syncError;
    QWaitCondition m_syncWake; // a job was queued, or the syncer must stop
    QWaitCondition m_syncIdle; // a job finished
    std::thread m_syncer;
    // Reader's file handle, kept open between reads, and a buffer of bytes read ahead. Only bytes
    // below the visible end are ever buffered: the writer patches begin records only after it,
    // and when discardPending cuts back below it (unsynced reading) the buffer is dropped.
    std::unique_ptr<QFile> m_reader;
    qint64 m_readerSegment = -1;
    qint64 m_readerSize = -1; // size of a segment the writer has left (-1: not known yet)
    QByteArray m_readBuf;
    qint64 m_readBufStart = 0; // file offset of m_readBuf[0]
    bool fillReadBuffer(qint64 offset, qint64 need, qint64 limit);
};

} // namespace pgferry::cdc
