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
#include <QStringList>
#include <chrono>

namespace pgferry::cdc {

struct ApplierOptions
{
    // A target transaction is committed at the first source commit after either limit.
    int maxBatchChanges = 5000;
    std::chrono::milliseconds maxBatchDelay{200};
    // An UPDATE or DELETE that finds no row on the target is an error (the copies diverged).
    bool missingRowIsError = true;
    // How long start() waits for the origin to be released by a session that just died.
    std::chrono::milliseconds originWait{20000};
    // Statements queued in libpq's pipeline mode before their results are read (1: no pipeline,
    // one round trip per change). Results, and missing rows, are checked at every sync.
    int pipelineDepth = 256;
    // Within one target transaction, an UPDATE by key of a table without triggers, rules or
    // foreign keys on the target is held back, and a later UPDATE of the same row that sets
    // every column replaces it (hot rows are written once per batch instead of once per change).
    bool coalesceUpdates = true;
    // At most this many changes are held back at once, over all tables: a source transaction
    // that updates millions of distinct rows is sent in runs of this size, so memory stays flat
    // whatever the size of the transaction.
    int maxHeldChanges = 4096;
    // Target transactions commit without waiting for their WAL to reach disk (as native
    // subscriptions do). A target crash may then lose the last commits, and their origin position
    // with them: whoever relies on durability (pruning the spool, a cutover) asks
    // originProgress(), which flushes the target's WAL up to what it returns.
    bool asynchronousCommit = false;
    // Applying into a live database the applications use (a fallback into the old server): its
    // triggers and foreign-key checks do not fire for applied rows (session_replication_role =
    // replica: they fired where the change was made, and their effects arrive as changes too),
    // and the database's default_transaction_read_only does not apply to this session.
    bool asReplica = false;
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
    // Changes held back now (coalesceUpdates), and the most held at once since start().
    qsizetype heldChanges() const { return m_held; }
    qsizetype peakHeldChanges() const { return m_peakHeld; }

    // Committed counts per table, keyed "schema.table".
    QHash<QString, TableCounters> counters() const { return m_counters; }
    TableCounters totals() const;

    // Forgets what was learnt about the target's tables (after DDL on the target).
    void invalidateCache();
    // Columns of an Insert, Update or Delete that the target's table lacks (the source added
    // them and nothing carried the change): applying it would fail. Empty when every one is there.
    QStringList missingColumns(const Change &change);
    // Runs a statement (a schema change, or pgferry's own bookkeeping) in the open target
    // transaction, after every change queued before it, inside the current source transaction.
    // With schemaChange, the table cache is dropped and the target transaction is committed at
    // this source transaction's end (an enum value added, for one, is usable only after that).
    void execute(const QString &sql, const pg::Params &params = {}, bool schemaChange = true);

    // The end of the last source commit recorded for the origin, made durable on the target first
    // (the server flushes its WAL up to that commit); 0 when the origin does not exist.
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
    struct InFlight
    {
        Change::Kind kind;
        QString schema, table;
        pg::Lsn lsn;
        bool needsRow;
        int rows = 1; // rows a multi-row statement must find (with needsRow)
    };
    // An UPDATE held back until the table's next other change or the end of the batch; a later
    // UPDATE of the same key replaces it (both set every column, and only the last is visible
    // once the target transaction commits).
    struct Deferred
    {
        QByteArray statement;
        pg::Params params;
        InFlight info;
    };
    struct TargetTable
    {
        quint32 id = 0; // unique per Applier: names the table in statement signatures
        QString schema, name;
        QString counterKey; // "schema.name", as counters are keyed
        QString qualified;  // quoted schema.name
        char relkind = 'r';
        // No triggers, rules or foreign keys (either way) on the target: the order of its changes
        // relative to other tables' changes in the same target transaction cannot be observed.
        bool reorderable = false;
        // At most one unique or exclusion index (the key): UPDATEs by key may be merged and batched.
        bool oneUniqueIndex = false;
        QList<TargetColumn> columns;
        QHash<QString, int> byName;
        QList<int> key; // replica identity index or primary key on the target
        // The last source column list seen, and its target column indexes.
        QList<Column> sourceColumns;
        QList<int> sourceToTarget;
        QList<Deferred> deferred; // held-back UPDATEs, or held-back INSERTs: never both
        bool deferredInserts = false;
        QHash<QByteArray, qsizetype> deferredByKey; // UPDATEs: row key -> index in deferred
    };
    // One term of a WHERE clause.
    struct Match
    {
        int column;
        Value value;
        enum Mode { Equal, NotDistinct, IsNull } mode;
    };

    TargetTable &table(const QString &schema, const QString &name);
    int targetColumn(const TargetTable &t, const Change &c, const QString &name);
    // Target column indexes of c.columns (cached while the source's column list stays the same).
    const QList<int> &columnMap(TargetTable &t, const Change &c);
    // The prepared statement of a signature, prepared from sql() when new.
    template<typename SqlBuilder>
    QByteArray statement(const QByteArray &signature, const SqlBuilder &sql,
                         const std::vector<quint32> &types);
    // Runs (or, in pipeline mode, queues) a prepared statement. With needsRow, affecting no row
    // is an error (missingRowIsError), checked when the result arrives.
    void drainPipeline();
    QList<InFlight> m_inflight;            // queued since the last sync point
    QList<QList<InFlight>> m_syncedGroups; // sent with a sync point, results not read yet
    // Reads the results of the oldest synced group and checks them.
    void readGroup(const QList<InFlight> &group);
    // After an error: reads and drops whatever the pipeline still holds, and leaves it.
    void abandonPipeline();
    void checkAffected(const InFlight &f, const pg::Result &r);
    void send(const QByteArray &statement, const pg::Params &params, const InFlight &info);
    // Sends the held-back UPDATEs of one table, or of every table.
    void sendDeferred(TargetTable &t);
    void sendAllDeferred();
    QList<Match> rowMatch(const Change &c, const TargetTable &t, bool *exactKey);
    void whereParams(const TargetTable &t, const QList<Match> &m, std::vector<quint32> &types,
                     pg::Params &params, QByteArray &signature);
    QString whereSql(const TargetTable &t, const QList<Match> &m, bool exactKey, int firstParam) const;
    void applyInsert(const Change &c);
    void applyUpdate(const Change &c);
    void applyDelete(const Change &c);
    void applyTruncate(const Change &c);
    void ensureTransaction();
    [[noreturn]] void fail(const Change &c, pg::Error e);
    TableCounters &batchCounters(const TargetTable &t);

    pg::Connection &m_conn;
    QString m_origin;
    ApplierOptions m_options;
    QHash<QString, TargetTable> m_tables; // values stay put until the hash changes
    TargetTable *m_lastTable = nullptr;   // the last table() answer, reset when m_tables changes
    QStringList m_deferredTables;         // keys of tables with held-back UPDATEs
    qsizetype m_held = 0;                 // held-back changes over all tables
    qsizetype m_peakHeld = 0;
    // Counts one more held change; sends every held change when the limit is reached.
    void noteHeld();
    QHash<QByteArray, QByteArray> m_statements;
    int m_statementSeq = 0;
    quint32 m_tableSeq = 0;
    QByteArray m_signature; // reused for every change
    // Single-row INSERT or UPDATE statement -> what a multi-row form of it needs: the SQL is
    // head + "($1, ...), (...)" + tail, one tuple of parameters per row, in the same order.
    struct MultiShape
    {
        QString head;
        QString tail;
        std::vector<quint32> types;
    };
    QHash<QByteArray, MultiShape> m_multiShapes;
    QHash<QByteArray, QByteArray> m_multiStatements; // statement + row count -> multi-row statement
    void sendMulti(const QList<Deferred> &rows);

    bool m_started = false;
    bool m_txOpen = false;
    bool m_inSourceTx = false;
    bool m_skipping = false;
    bool m_batchWrites = false;
    bool m_flushAtCommit = false;
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
