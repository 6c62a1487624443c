#include "cdc/spool.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QtEndian>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <unistd.h>

namespace pgferry::cdc {

namespace {
constexpr int kHeader = 4 + 1 + 8 + 8;

[[noreturn]] void fail(const QString &m)
{
    throw std::runtime_error(m.toStdString());
}

} // namespace

Spool::Spool(QString dir, qint64 segmentBytes) : m_dir(std::move(dir)), m_segmentBytes(segmentBytes) {}
Spool::~Spool()
{
    {
        QMutexLocker l(&m_mutex);
        m_stopSyncer = true;
        m_syncWake.wakeAll();
    }
    if (m_syncer.joinable())
        m_syncer.join();
    if (m_syncJob) // queued, never started: its data is written, merely not confirmed
        ::close(m_syncJob->fd);
}

QString Spool::segmentPath(qint64 seg) const
{
    return m_dir + QStringLiteral("/%1.spool").arg(seg, 12, 10, QLatin1Char('0'));
}

void Spool::open()
{
    QMutexLocker l(&m_mutex);
    if (!QDir().mkpath(m_dir))
        fail(QStringLiteral("cannot create the spool folder %1").arg(m_dir));
    QFile::setPermissions(m_dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    m_segments.clear();
    for (const QFileInfo &fi :
         QDir(m_dir).entryInfoList({QStringLiteral("*.spool")}, QDir::Files, QDir::Name))
        m_segments << fi.completeBaseName().toLongLong();
    if (m_segments.isEmpty()) {
        openWriterSegment(1, 0);
        m_segments << 1;
        m_readable = m_written = m_writtenAll = {1, 0};
        return;
    }
    // Find the last complete commit across the segments, scanning from the last one that has one.
    SpoolPosition lastCommitEnd{m_segments.first(), 0};
    pg::Lsn lastCommit = 0;
    for (qint64 seg : m_segments) {
        QFile f(segmentPath(seg));
        if (!f.open(QIODevice::ReadOnly))
            fail(QStringLiteral("cannot read %1: %2").arg(f.fileName(), f.errorString()));
        qint64 off = 0;
        const qint64 size = f.size();
        while (off + kHeader <= size) {
            f.seek(off);
            const QByteArray h = f.read(kHeader);
            const auto *p = reinterpret_cast<const uchar *>(h.constData());
            const quint32 len = qFromBigEndian<quint32>(p);
            if (off + kHeader + qint64(len) > size)
                break; // torn record
            if (SpoolKind(p[4]) == SpoolKind::Commit) {
                lastCommitEnd = {seg, off + kHeader + qint64(len)};
                lastCommit = qFromBigEndian<quint64>(p + 5);
            }
            off += kHeader + len;
        }
    }
    // Cut everything after the last commit: later segments go, the commit's segment is truncated.
    for (qint64 seg : QList<qint64>(m_segments)) {
        if (seg > lastCommitEnd.segment) {
            QFile::remove(segmentPath(seg));
            m_segments.removeAll(seg);
        }
    }
    {
        QFile f(segmentPath(lastCommitEnd.segment));
        if (f.size() != lastCommitEnd.offset && !f.resize(lastCommitEnd.offset))
            fail(QStringLiteral("cannot truncate the torn tail of %1").arg(f.fileName()));
    }
    m_durableCommit = m_pendingCommit = lastCommit;
    m_readable = m_written = m_writtenAll = m_pendingEnd = lastCommitEnd;
    openWriterSegment(lastCommitEnd.segment, lastCommitEnd.offset);
}

void Spool::openWriterSegment(qint64 seg, qint64 size)
{
    m_writer = std::make_unique<QFile>(segmentPath(seg));
    if (!m_writer->open(QIODevice::ReadWrite | QIODevice::Unbuffered))
        fail(QStringLiteral("cannot open the spool segment %1: %2")
                 .arg(m_writer->fileName(), m_writer->errorString()));
    m_writer->setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    m_writeSegment = seg;
    m_writeOffset = size;
    m_writeBuf.clear();
    m_writeBufStart = size;
}

namespace {
bool pwriteAll(int fd, const char *data, qint64 len, qint64 offset)
{
    while (len > 0) {
        const ssize_t n = ::pwrite(fd, data, size_t(len), offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        len -= n;
        offset += n;
    }
    return true;
}
} // namespace

void Spool::writeOut()
{
    if (!m_writer || m_writeBuf.isEmpty())
        return;
    if (!pwriteAll(m_writer->handle(), m_writeBuf.constData(), m_writeBuf.size(), m_writeBufStart))
        fail(QStringLiteral("cannot write to the spool %1: %2 (is the disk full?)")
                 .arg(m_writer->fileName(), QString::fromLocal8Bit(strerror(errno))));
    m_writeBufStart += m_writeBuf.size();
    m_writeBuf.resize(0); // keeps its capacity
    if (m_readOpen) {
        m_writtenAll = {m_writeSegment, m_writeBufStart};
        m_flushed.wakeAll();
    }
}

void Spool::append(SpoolKind kind, pg::Lsn lsn, const QByteArray &payload)
{
    QMutexLocker l(&m_mutex);
    // A new segment only starts between transactions, so a transaction never spans two.
    if (kind == SpoolKind::Begin && m_writeOffset >= m_segmentBytes) {
        writeOut();
        ::fdatasync(m_writer->handle());
        const qint64 next = m_writeSegment + 1;
        openWriterSegment(next, 0);
        m_segments << next;
    }
    if (kind == SpoolKind::Begin) {
        m_openBeginOffset = m_writeOffset;
        m_openBeginSegment = m_writeSegment;
    }
    uchar h[kHeader];
    qToBigEndian<quint32>(quint32(payload.size()), h);
    h[4] = quint8(kind);
    qToBigEndian<quint64>(lsn, h + 5);
    qToBigEndian<quint64>(quint64(0), h + 13);
    m_writeBuf.append(reinterpret_cast<const char *>(h), kHeader);
    m_writeBuf += payload;
    m_writeOffset += kHeader + payload.size();
    if (kind == SpoolKind::Commit) {
        if (m_openBeginOffset >= 0 && m_openBeginSegment == m_writeSegment) {
            // Fill in the begin record's commit LSN: in the buffer, or in the file when a large
            // transaction pushed it out already.
            uchar c[8];
            qToBigEndian<quint64>(lsn, c);
            const qint64 at = m_openBeginOffset + 13;
            if (at >= m_writeBufStart)
                memcpy(m_writeBuf.data() + (at - m_writeBufStart), c, 8);
            else if (!pwriteAll(m_writer->handle(), reinterpret_cast<const char *>(c), 8, at))
                fail(QStringLiteral("cannot write to the spool %1: %2 (is the disk full?)")
                         .arg(m_writer->fileName(), QString::fromLocal8Bit(strerror(errno))));
        }
        m_openBeginOffset = -1;
        m_pendingCommit = lsn;
        m_pendingEnd = {m_writeSegment, m_writeOffset};
    }
    if (m_writeBuf.size() >= (1 << 20))
        writeOut();
}

pg::Lsn Spool::flush()
{
    QMutexLocker l(&m_mutex);
    waitForSyncs(l);
    if (!m_syncError.isEmpty())
        fail(m_syncError);
    if (m_writer) {
        writeOut();
        m_written = std::max(m_written, m_pendingEnd);
        if (::fdatasync(m_writer->handle()) != 0)
            fail(QStringLiteral("cannot sync the spool %1").arg(m_writer->fileName()));
    }
    publishDurable(m_pendingCommit, m_pendingEnd);
    return m_durableCommit;
}

pg::Lsn Spool::flushAsync()
{
    QMutexLocker l(&m_mutex);
    if (!m_syncError.isEmpty())
        fail(m_syncError);
    if (!m_writer || m_pendingEnd == m_readable)
        return m_durableCommit;
    writeOut();
    if (m_written < m_pendingEnd) {
        m_written = m_pendingEnd;
        if (m_readUnsynced)
            m_flushed.wakeAll();
    }
    const int fd = ::dup(m_writer->handle());
    if (fd < 0)
        fail(QStringLiteral("cannot sync the spool %1: %2")
                 .arg(m_writer->fileName(), QString::fromLocal8Bit(strerror(errno))));
    if (m_syncJob) // a newer request covers the queued one: this sync is taken after everything written
        ::close(m_syncJob->fd);
    m_syncJob = SyncJob{fd, m_pendingCommit, m_pendingEnd};
    if (!m_syncer.joinable())
        m_syncer = std::thread([this] { syncLoop(); });
    m_syncWake.wakeAll();
    return m_durableCommit;
}

void Spool::publishWritten()
{
    QMutexLocker l(&m_mutex);
    if (!m_readUnsynced || !m_writer || !(m_written < m_pendingEnd))
        return;
    writeOut();
    m_written = m_pendingEnd;
    m_flushed.wakeAll();
}

void Spool::syncLoop()
{
    QMutexLocker l(&m_mutex);
    while (true) {
        while (!m_stopSyncer && !m_syncJob)
            m_syncWake.wait(&m_mutex);
        if (m_stopSyncer)
            return;
        const SyncJob job = *m_syncJob;
        m_syncJob.reset();
        m_syncing = true;
        l.unlock();
        const bool ok = ::fdatasync(job.fd) == 0;
        const int err = errno;
        ::close(job.fd);
        l.relock();
        m_syncing = false;
        if (!ok)
            m_syncError = QStringLiteral("cannot sync the spool in %1: %2")
                              .arg(m_dir, QString::fromLocal8Bit(strerror(err)));
        else
            publishDurable(job.commit, job.end);
        m_syncIdle.wakeAll();
    }
}

void Spool::waitForSyncs(QMutexLocker<QMutex> &locked)
{
    Q_UNUSED(locked);
    while (m_syncJob || m_syncing)
        m_syncIdle.wait(&m_mutex);
}

void Spool::publishDurable(pg::Lsn commit, const SpoolPosition &end)
{
    if (m_readable < end || (m_readable == end && commit > m_durableCommit)) {
        m_durableCommit = std::max(m_durableCommit, commit);
        m_readable = end;
    }
    m_flushed.wakeAll();
}

void Spool::discardPending()
{
    QMutexLocker l(&m_mutex);
    // What a background sync made durable stays: cut only after it.
    waitForSyncs(l);
    if (!m_writer)
        return;
    m_writeBuf.resize(0);
    if (m_readable < visibleEnd()) {
        // A reader of unsynced records, or of the open transaction, may have read what is cut now.
        m_cutSinceRead = m_cutSinceRead ? std::min(*m_cutSinceRead, m_readable) : m_readable;
    }
    m_written = m_writtenAll = m_readable;
    // Segments opened after the durable end hold nothing durable.
    for (qint64 seg : QList<qint64>(m_segments)) {
        if (seg > m_readable.segment) {
            QFile::remove(segmentPath(seg));
            m_segments.removeAll(seg);
        }
    }
    if (m_writeSegment != m_readable.segment)
        openWriterSegment(m_readable.segment, m_readable.offset);
    if (!m_writer->resize(m_readable.offset))
        fail(QStringLiteral("cannot truncate the spool %1").arg(m_writer->fileName()));
    m_writeOffset = m_readable.offset;
    m_writeBufStart = m_readable.offset;
    m_openBeginOffset = -1;
    m_pendingCommit = m_durableCommit;
    m_pendingEnd = m_readable;
}

pg::Lsn Spool::durableCommitLsn() const
{
    QMutexLocker l(&m_mutex);
    return m_durableCommit;
}

SpoolPosition Spool::start() const
{
    QMutexLocker l(&m_mutex);
    return {m_segments.isEmpty() ? 1 : m_segments.first(), 0};
}

void Spool::setReadUnsynced(bool on)
{
    QMutexLocker l(&m_mutex);
    m_readUnsynced = on;
}

void Spool::setReadOpenTransactions(bool on)
{
    QMutexLocker l(&m_mutex);
    m_readOpen = on;
    m_readUnsynced = m_readUnsynced || on;
    m_writtenAll = std::max(m_writtenAll, m_readable);
}

void Spool::waitForData(const SpoolPosition &pos, int ms)
{
    QMutexLocker l(&m_mutex);
    if (pos < visibleEnd())
        return;
    m_flushed.wait(&m_mutex, QDeadlineTimer(ms));
}

// Makes [offset, offset + need) available in the read buffer, reading ahead up to `limit` (never
// past it). False when the file is shorter than that.
bool Spool::fillReadBuffer(qint64 offset, qint64 need, qint64 limit)
{
    const qint64 bufEnd = m_readBufStart + m_readBuf.size();
    if (offset >= m_readBufStart && offset + need <= bufEnd)
        return true;
    constexpr qint64 kReadAhead = 1 << 20;
    const qint64 want = std::max(need, std::min(kReadAhead, limit - offset));
    m_readBuf.resize(want);
    qint64 got = 0;
    while (got < want) {
        const ssize_t n =
            ::pread(m_reader->handle(), m_readBuf.data() + got, size_t(want - got), offset + got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += n;
    }
    m_readBuf.resize(got);
    m_readBufStart = offset;
    return got >= need;
}

bool Spool::read(SpoolPosition &pos, SpoolRecord &out)
{
    SpoolPosition readable;
    {
        QMutexLocker l(&m_mutex);
        readable = visibleEnd();
        if (m_cutSinceRead) {
            const SpoolPosition cut = *m_cutSinceRead;
            m_cutSinceRead.reset();
            // Whatever is buffered may be gone from the file: read it again.
            m_reader.reset();
            m_readerSegment = -1;
            m_readBuf.clear();
            m_readBufStart = 0;
            if (cut < pos)
                throw SpoolRewound("the spool was cut back behind its reader (the receiver reconnected)");
        }
    }
    auto nextSegment = [&]() -> bool {
        QMutexLocker l(&m_mutex);
        auto it = std::upper_bound(m_segments.begin(), m_segments.end(), pos.segment);
        if (it == m_segments.end())
            return false;
        pos = {*it, 0};
        return true;
    };
    while (true) {
        if (!(pos < readable))
            return false;
        if (m_readerSegment != pos.segment) {
            m_reader = std::make_unique<QFile>(segmentPath(pos.segment));
            m_readBuf.clear();
            m_readBufStart = 0;
            m_readerSize = -1;
            // Unbuffered: the read buffer above holds only visible bytes.
            if (!m_reader->open(QIODevice::ReadOnly | QIODevice::Unbuffered)) {
                // Pruned or never existed: move to the next segment that exists.
                m_readerSegment = -1;
                if (!nextSegment())
                    return false;
                continue;
            }
            m_readerSegment = pos.segment;
        }
        qint64 limit = readable.offset;
        if (pos.segment != readable.segment) {
            // The writer has moved on from this segment: its size is final.
            if (m_readerSize < 0)
                m_readerSize = m_reader->size();
            limit = m_readerSize;
        }
        if (pos.offset + kHeader > limit) {
            if (pos.segment == readable.segment)
                return false;
            if (!nextSegment())
                return false;
            continue;
        }
        if (!fillReadBuffer(pos.offset, kHeader, limit))
            fail(QStringLiteral("the spool segment %1 is damaged").arg(m_reader->fileName()));
        const auto *p =
            reinterpret_cast<const uchar *>(m_readBuf.constData() + (pos.offset - m_readBufStart));
        const quint32 len = qFromBigEndian<quint32>(p);
        out.kind = SpoolKind(p[4]);
        out.lsn = qFromBigEndian<quint64>(p + 5);
        out.commitLsn = qFromBigEndian<quint64>(p + 13);
        if (pos.offset + kHeader + qint64(len) > limit ||
            !fillReadBuffer(pos.offset + kHeader, qint64(len), limit))
            fail(QStringLiteral("the spool segment %1 is damaged").arg(m_reader->fileName()));
        out.payload =
            QByteArray(m_readBuf.constData() + (pos.offset + kHeader - m_readBufStart), qsizetype(len));
        pos.offset += kHeader + len;
        return true;
    }
}

void Spool::pruneBefore(const SpoolPosition &pos)
{
    QMutexLocker l(&m_mutex);
    for (qint64 seg : QList<qint64>(m_segments)) {
        if (seg < pos.segment && seg != m_writeSegment) {
            QFile::remove(segmentPath(seg));
            m_segments.removeAll(seg);
        }
    }
}

qint64 Spool::sizeBytes() const
{
    QMutexLocker l(&m_mutex);
    qint64 n = 0;
    for (qint64 seg : m_segments)
        n += QFileInfo(segmentPath(seg)).size();
    return n;
}

} // namespace pgferry::cdc
