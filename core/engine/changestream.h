// Change data capture for one database: a receiver thread streams the logical slot into the
// durable spool and confirms to the source only what is on disk; an applier thread reads the
// spool back, decodes it (pgoutput or test_decoding) and applies it on the target exactly once
// (cdc::Applier records the source position with a replication origin in the same transaction).
// Both reconnect with bounded backoff after a dropped connection or a server restart.
#pragma once

#include "cdc/applier.h"
#include "cdc/spool.h"
#include "engine/migrationstatus.h"
#include "pg/conninfo.h"
#include "pg/lsn.h"

#include <QHash>
#include <QMutex>
#include <QSet>
#include <QString>
#include <atomic>
#include <thread>

namespace pgferry::engine {

struct StreamConfig
{
    pg::ConnInfo source; // the source database
    pg::ConnInfo target; // the target database
    QString slot;
    QString publication; // pgoutput only
    QString plugin;      // "pgoutput" or "test_decoding"
    QString spoolDir;
    QString originName;
    QString sourceEncoding; // the source database's: SQL_ASCII rows are applied byte for byte
    pg::Lsn startLsn = 0;   // the slot's consistent point
    // Per table ("schema.table"): changes in transactions that ended at or before this LSN are
    // already in the table's copy (it was loaded from a later snapshot) and are not applied.
    QHash<QString, pg::Lsn> syncLsn;
    cdc::ApplierOptions applier;
    // DDL capture (cdc/ddlcapture.h): the log table in schema _pgferry whose rows are schema
    // changes to carry, not rows to copy; empty without capture.
    QString ddlLogTable;
    bool keepOwners = true;
    // Without capture the catalog watch makes new types, enum labels and routines on the target
    // every few seconds: a row that needs one it has not made yet fails to apply, and is tried
    // again for this long before the stream stops on it.
    int awaitWatchSeconds = 0;
    // test_decoding decodes every table of the database: only these ("schema.table", the
    // selection at the slot's snapshot) and the tables schema changes created since are applied.
    // Empty: every table.
    QSet<QString> streamedTables;
    // Low-latency apply: the applier reads transactions as soon as they are written to the spool
    // (its sync runs alongside) and commits on the target asynchronously, as a native
    // subscription does; the spool is pruned, and a drain ends, only up to what the target made
    // durable (its origin position, flushed). Off: the spool's and the target's syncs both lie
    // between a source commit and the target's (PGFERRY_APPLY_SYNC=1 turns it off, to measure).
    bool lowLatencyApply = true;
};

struct StreamStats
{
    pg::Lsn received = 0;       // last message received
    pg::Lsn receivedCommit = 0; // end of the last whole transaction received
    bool inTransaction = false; // a transaction is half received
    pg::Lsn durable = 0;        // last commit on disk in the spool
    pg::Lsn confirmed = 0;      // what the source was told it may recycle
    pg::Lsn sentPtr = 0;        // how far the source has decoded (from keepalives)
    pg::Lsn applied = 0;        // last commit applied on the target
    pg::Lsn serverWal = 0;      // the source's current WAL position
    qint64 spooledTxns = 0;
    qint64 consumedTxns = 0;
    qint64 spoolBytes = 0;
    qint64 lastAppliedCommitMicros = 0; // commit time of the last applied transaction (PG epoch)
    qint64 oldestPendingCommitMicros = 0;
    bool receiving = false;
    bool applying = false;
    QString lastError;  // the last (retried) error
    QString fatalError; // stops the stream: needs the administrator
    QHash<QString, cdc::TableCounters> counters;
    QList<SchemaChange> schemaChanges; // carried (or not) by the applier, oldest first
    QString resyncing;                 // the table being copied again now, "" when none
    QStringList resyncs; // what resyncs did, newest last ("schema.table: n rows at LSN" or the error)
    // Tables whose changes are held until a resync copies them again, and tables whose rows
    // name columns the target lacks (without DDL capture), sorted.
    QStringList held;
    QStringList missingColumns; // "schema.table.column", seen in the stream, not on the target
    qint64 rewinds = 0;         // times the applier read changes again that a reconnect cut from the spool
    qint64 pending() const { return std::max<qint64>(0, spooledTxns - consumedTxns); }
};

class ChangeStream
{
public:
    explicit ChangeStream(StreamConfig config, const std::atomic_bool *stop);
    ~ChangeStream();

    void startReceiver();
    void startApplier();
    // Stops both threads (they finish what they hold durably) and waits for them.
    void stop();
    StreamStats stats() const;
    // Copies `table` ("schema.table", on both sides with the same columns) again from a new
    // snapshot, in the applier's thread between two source transactions, and joins it to the
    // stream at that snapshot's position (its changes up to there are in the copy); the position
    // is kept on the target with the copy. Unresolved schema changes of the table are resolved.
    // Other tables wait while it copies. The outcome is in stats().resyncs.
    void requestResync(const QString &table);
    // The catalog watch made `table` on the target (created on the source after the snapshot,
    // or given columns the target lacked): its changes are held from now on, and after a restart
    // too (a mark on the target), until a resync copies it and joins it to the stream. Call it
    // before the table can stream (before it joins the publication); then requestResync().
    // `changes` are recorded as "copying" (once: a second call for the same change records
    // nothing) and become "applied" with the copy. `afterCopy` runs in the copy's transaction
    // (e.g. a NOT NULL the column could not have while it was added to a filled table).
    void holdForCopy(const QString &table, const QList<SchemaChange> &changes,
                     const QStringList &afterCopy = {});
    // Blocks until everything the source wrote up to `lsn` has been received and applied.
    bool drainTo(pg::Lsn lsn, int timeoutSeconds, QString *error);
    // Whether every transaction the source committed before `lsn` is applied on the target: one
    // committed after it is applied (the stream keeps commit order), or nothing is left to apply
    // and the source has sent past it. Asks the source for a keepalive when not.
    bool appliedPast(pg::Lsn lsn);

private:
    void receiverLoop();
    void applierLoop();
    void receiveOnce();
    void applyOnce();
    void saveRelations();
    void loadRelations(QList<QByteArray> &out) const;
    // A row of the DDL log: plans it and runs the plan in the applier's transaction.
    void applySchemaChange(cdc::Applier &applier, const cdc::Change &c);
    void loadSchemaChanges(pg::Connection &target);
    void resync(cdc::Applier &applier, pg::Connection &target, const QString &table);
    QStringList m_resyncQueue;               // m_mutex
    QStringList m_holdRequests;              // m_mutex: holdForCopy()'s tables, taken by the applier
    QHash<QString, QStringList> m_afterCopy; // m_mutex
    std::atomic_bool m_holdRequested{false};
    // The applier thread: tables holdForCopy() asked to hold (and, without DDL capture, tables
    // whose rows name columns the target lacks: held until the watch adds them and copies it).
    void takeHoldRequests();
    void publishHeld(); // m_held into stats().held
    bool holdIfColumnsMissing(cdc::Applier &applier, const cdc::Change &c);
    QHash<QString, pg::Lsn> m_syncLsn; // the configured positions and the resyncs' (applier thread)
    bool stopping() const { return m_stopStream.load() || (m_stop && m_stop->load()); }
    void setError(const QString &e, bool fatal);

    StreamConfig m_config;
    const std::atomic_bool *m_stop;
    std::atomic_bool m_stopStream{false};
    std::atomic_bool m_wantReply{false};
    cdc::Spool m_spool;
    std::thread m_receiver;
    std::thread m_applier;
    mutable QMutex m_mutex;
    StreamStats m_stats;
    QHash<quint32, QByteArray> m_relationMessages; // latest pgoutput R/Y message per oid (applier thread)
    QSet<QString> m_streamed; // streamedTables and the tables created since (applier thread)
    // Tables whose changes are not applied until they are copied again (resync): they joined the
    // stream late or cannot stream whole (no key); applying them would fail or diverge.
    QSet<QString> m_held;
    // Copies of held tables that failed, and when each is tried again (ms since the epoch;
    // the applier's thread only).
    QHash<QString, qint64> m_resyncRetryAt;
    void noteStreamedTables(const QList<SchemaChange> &changes);
    // The table whose changes wait when a schema change of `object` is refused by the target;
    // empty when it concerns no streamed table.
    QString heldTableOf(const QString &object, const QString &kind) const;
};

} // namespace pgferry::engine
