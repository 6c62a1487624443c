// A walsender connection (replication=database): IDENTIFY_SYSTEM, slots that export a snapshot,
// and CopyBoth streaming of logical decoding output with standby status updates.
#pragma once

#include "pg/connection.h"
#include "pg/lsn.h"

#include <QByteArray>
#include <QStringList>
#include <chrono>
#include <optional>

namespace pgferry::pg {

struct SystemIdentity
{
    QString systemId;
    int timeline = 0;
    Lsn xlogpos = 0;
    QString dbname;
};

struct CreatedSlot
{
    QString name;
    Lsn consistentPoint = 0;
    QString snapshotName; // valid while this connection stays open and idle
    QString plugin;
};

// One message from the stream.
struct ReplicationMessage
{
    enum class Kind { XLogData, Keepalive, None, End };
    Kind kind = Kind::None;
    Lsn walStart = 0;    // XLogData: start of this record
    Lsn walEnd = 0;      // server's current end of WAL
    qint64 sendTime = 0; // microseconds since 2000-01-01
    bool replyRequested = false;
    QByteArray data; // XLogData payload: the decoder's output
};

class ReplicationConnection
{
public:
    static ReplicationConnection open(const ConnInfo &info, const ConnectOptions &options = {});

    SystemIdentity identifySystem();
    // CREATE_REPLICATION_SLOT name LOGICAL plugin (EXPORT_SNAPSHOT | NOEXPORT_SNAPSHOT)
    CreatedSlot createLogicalSlot(const QString &name, const QString &plugin, bool exportSnapshot,
                                  bool temporary = false);
    void dropSlot(const QString &name, bool wait = true);
    // START_REPLICATION SLOT name LOGICAL startLsn (options)
    void startLogical(const QString &slot, Lsn start,
                      const QList<std::pair<QString, QString>> &pluginOptions);
    // Reads the next message, waiting at most `timeout`. Kind::None when nothing arrived.
    ReplicationMessage read(std::chrono::milliseconds timeout);
    // In a burst (the last read returned a message and nothing more is buffered), nap this long
    // before waiting on the socket, then take what arrived meanwhile in one go. Without it every
    // message the walsender sends wakes this thread: a wakeup costs the sender (it pays for the
    // wakeup) and this side (a poll and a recv) far more than the message itself. Off when zero.
    void setBurstNap(std::chrono::microseconds nap) { m_burstNap = nap; }
    // Standby status update: what we wrote, flushed (durably stored) and applied.
    void sendStatus(Lsn written, Lsn flushed, Lsn applied, bool replyRequested = false);
    // Ends the CopyBoth stream (CopyDone) and drains to idle.
    void endStreaming();

    Connection &connection() { return m_conn; }
    bool isStreaming() const { return m_streaming; }

private:
    Connection m_conn;
    bool m_streaming = false;
    bool m_inBurst = false;
    std::chrono::microseconds m_burstNap{0};
};

// Microseconds since the PostgreSQL epoch (2000-01-01 UTC), as the protocol carries time.
qint64 pgEpochMicrosNow();

} // namespace pgferry::pg
