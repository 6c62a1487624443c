// Applies decoded changes to the target in source commit order, exactly once: the end of each
// applied source commit is recorded with a replication origin in the same target transaction,
// so a restart from originProgress() neither skips nor repeats a change. Many small source
// transactions share one target transaction. Prepared statements per table and statement shape.
//
// Not thread-safe: one Applier, one target connection, one thread. After an exception the target
// transaction is lost: call rollback() (or drop the connection) and restart the stream from
// originProgress().
#pragma once

#include "cdc/change.h"
#include "pg/connection.h"

#include <QElapsedTimer>
#include <QHash>
#include <chrono>

namespace pgferry::cdc {

struct ApplierOptions
{
    // A target transaction is committed at the first source commit after either limit.
    int maxBatchChanges = 1000;
    std::chrono::milliseconds maxBatchDelay{200};
    // An UPDATE or DELETE that finds no row on the target is an error (the copies diverged).
    bool missingRowIsError = true;
    // How long start() waits for the origin to be released by a session that just died.
    std::chrono::milliseconds originWait{20000};
    // Statements queued in libpq's pipeline mode before their results are read (1: no pipeline,
    // one round trip per change). Results, and missing rows, are checked at every sync.
    int pipelineDepth = 256;
};

struct TableCounters
{
    qint64 inserts = 0;
    qint64 updates = 0;
    qint64 deletes = 0;
    qint64 truncates = 0;
    TableCounters &operator+=(const TableCounters &o)
    {
        inserts += o.inserts;
        updates += o.updates;
        deletes += o.deletes;
        truncates += o.truncates;
        return *this;
    }
};

class Applier
{
public:
    // originName: a replication origin name, created when missing. Origins are cluster-wide on the
    // target: use one per migrated database, e.g. "pgferry_<project>_<db>".
    Applier(pg::Connection &target, const QString &originName, const ApplierOptions &options = {});
    ~Applier();
    Applier(const Applier &) = delete;
    Applier &operator=(const Applier &) = delete;

    // Creates the origin when missing and binds it to this session; returns the position applied
    // so far (the end of the last applied source commit; 0 for a new origin): stream from there.
    pg::Lsn start();

    // Applies one change. Begin/Commit delimit source transactions; Relation, Type, Origin and
    // Message need no work. Transactions that end at or before appliedLsn() are skipped when
    // the decoder tells the commit position at Begin (pgoutput). Throws pg::Exception naming the
    // table and the source LSN.
    void apply(const Change &change);

    // Whether the open target transaction should be committed now (a limit is reached and no
    // source transaction is half applied). Call flush() when true, and when the stream is idle.
    bool flushDue() const;
    // Commits the open target transaction with the origin advanced to the last source commit in
    // it. Does nothing inside a source transaction. Returns whether something was committed.
    bool flush();
    // Abandons the open target transaction (after an error). Counters of the batch are dropped.
    void rollback();

    pg::Lsn appliedLsn() const { return m_applied; }  // durable on the target
    pg::Lsn receivedLsn() const { return m_pending; } // applied, perhaps not committed yet
    bool inSourceTransaction() const { return m_inSourceTx; }
    int pendingTransactions() const { return m_batchTransactions; }

    // Committed counts per table, keyed "schema.table".
    QHash<QString, TableCounters> counters() const { return m_counters; }
    TableCounters totals() const;

    // Forgets what was learnt about the target's tables (after DDL on the target).
    void invalidateCache();

    // The end of the last source commit recorded for the origin; 0 when it does not exist.
    static pg::Lsn originProgress(pg::Connection &conn, const QString &originName);
    // Drops the origin (at cutover); nothing when it does not exist.
    static void dropOrigin(pg::Connection &conn, const QString &originName);

private:
    struct TargetColumn
    {
        QString name;
        quint32 typeOid = 0;
        bool generated = false;
        char identity = 0; // 'a' always, 'd' by default
        bool hasEquality = true;
        bool isKey = false;
    };
    struct TargetTable
    {
        QString qualified; // quoted schema.name
        char relkind = 'r';
        QList<TargetColumn> columns;
        QHash<QString, int> byName;
        QList<int> key; // replica identity index or primary key on the target
    };
    // One term of a WHERE clause.
    struct Match
    {
        int column;
        Value value;
        enum Mode { Equal, NotDistinct, IsNull } mode;
    };

    const TargetTable &table(const QString &schema, const QString &name);
    int targetColumn(const TargetTable &t, const Change &c, const QString &name);
    QByteArray statement(const QString &signature, const QString &sql, const std::vector<quint32> &types);
    // Runs (or, in pipeline mode, queues) a prepared statement. With needsRow, affecting no row
    // is an error (missingRowIsError), checked when the result arrives.
    void drainPipeline();
    struct InFlight
    {
        Change::Kind kind;
        QString schema, table;
        pg::Lsn lsn;
        bool needsRow;
    };
    QList<InFlight> m_inflight;
    void checkAffected(const InFlight &f, const pg::Result &r);
    void run(const Change &c, const QString &signature, const QString &sql, const std::vector<quint32> &types,
             const pg::Params &params, bool needsRow = false);
    QList<Match> rowMatch(const Change &c, const TargetTable &t, bool *exactKey);
    QString whereClause(const TargetTable &t, const QList<Match> &m, bool exactKey, int firstParam,
                        std::vector<quint32> &types, pg::Params &params, QString &signature);
    void applyInsert(const Change &c);
    void applyUpdate(const Change &c);
    void applyDelete(const Change &c);
    void applyTruncate(const Change &c);
    void ensureTransaction();
    [[noreturn]] void fail(const Change &c, pg::Error e);
    TableCounters &batchCounters(const Change &c);

    pg::Connection &m_conn;
    QString m_origin;
    ApplierOptions m_options;
    QHash<QString, TargetTable> m_tables;
    QHash<QString, QByteArray> m_statements;
    int m_statementSeq = 0;

    bool m_started = false;
    bool m_txOpen = false;
    bool m_inSourceTx = false;
    bool m_skipping = false;
    bool m_batchWrites = false;
    int m_batchChanges = 0;
    int m_batchTransactions = 0;
    QElapsedTimer m_batchTimer;
    pg::Lsn m_applied = 0;
    pg::Lsn m_pending = 0;
    qint64 m_pendingTime = 0;
    QHash<QString, TableCounters> m_counters;
    QHash<QString, TableCounters> m_batchCounters;
};

} // namespace pgferry::cdc
