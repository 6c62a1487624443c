// The one progress model of a run (DESIGN.md, "One progress model"). Engines publish it, the
// dashboard, `pgferry-cli status --json` and the run journal read it. A plain value type.
#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace pgferry::engine {

// Fallback: cut over, and the new server's writes stream back into the old one (FailingBack: the
// administrator asked to return to the old server and the run is doing it).
enum class RunState {
    NotStarted,
    Assessing,
    Preparing,
    Running,
    Streaming,
    CuttingOver,
    Completed,
    Failed,
    Cancelled,
    Stopped,
    Fallback,
    FailingBack
};
enum class DatabasePhase {
    Pending,
    Assess,
    Prepare,
    Schema,
    FullLoad,
    PostData,
    Streaming,
    Cutover,
    Verify,
    Done,
    Failed,
    Fallback,
    FailingBack
};
enum class TableState { Queued, Loading, Loaded, Indexing, Done, Failed };

QString runStateName(RunState s);
QString phaseName(DatabasePhase p);
QString tableStateName(TableState s);
RunState runStateFromName(const QString &s);
DatabasePhase phaseFromName(const QString &s);
TableState tableStateFromName(const QString &s);

struct TableStatus
{
    QString schema;
    QString name;
    TableState state = TableState::Queued;
    qint64 rowsEstimated = 0;
    qint64 rowsCopied = 0;
    qint64 bytesEstimated = 0;
    qint64 bytesCopied = 0;
    int rangesTotal = 1;
    int rangesDone = 0;
    double durationSeconds = 0;
    qint64 inserts = 0;
    qint64 updates = 0;
    qint64 deletes = 0;
    QString error;

    QString qualifiedName() const { return schema + u'.' + name; }
    double percent() const;
    QJsonObject toJson() const;
    static TableStatus fromJson(const QJsonObject &o);
};

// A schema change seen on the source while changes streamed (DDL capture or the catalog watch).
struct SchemaChange
{
    QString object;    // schema.name (of a column: schema.table.column)
    QString kind;      // "table created", "column added", "index dropped", ... (see the README)
    QString statement; // what ran on the target, or the source's command for an unresolved change
    QString state;     // "applied", "deferred" (at cutover), "unresolved" (blocks the cutover)
    QString detail;    // why it is unresolved and what to do
    QString lsn;       // the source position of the change ("" when seen by the catalog watch)

    bool unresolved() const { return state == u"unresolved"; }
    QJsonObject toJson() const;
    static SchemaChange fromJson(const QJsonObject &o);
    bool operator==(const SchemaChange &) const = default;
};

// One question of the readiness verdict (DESIGN.md, "Cutover"): "stream" (connected and applying),
// "lag", "schema" (in sync), "sequences" (readable on the source), "sessions" (open on the source;
// the cutover ends them), "sample" (a sample of rows compared on both sides). A check that blocks
// keeps the database from being ready; "info" and "pending" do not.
struct ReadinessCheck
{
    enum class State { Ok, Blocking, Info, Pending };
    QString check;
    State state = State::Pending;
    QString summary;        // one line, e.g. "2 sessions open: pid 4711 (shop, bob) idle in transaction"
    QStringList details;    // one per object (a session with its statement, a sequence, a row that differs)
    QStringList statements; // SQL that would resolve it (e.g. SELECT pg_terminate_backend(4711))

    bool blocks() const { return state == State::Blocking; }
    static QString stateName(State s);
    QJsonObject toJson() const;
    static ReadinessCheck fromJson(const QJsonObject &o);
    bool operator==(const ReadinessCheck &) const = default;
};

struct DatabaseStatus
{
    QString name;
    QString targetName;
    DatabasePhase phase = DatabasePhase::Pending;
    int tablesTotal = 0;
    int tablesQueued = 0;
    int tablesLoading = 0;
    int tablesDone = 0;
    int tablesFailed = 0;
    qint64 rowsCopied = 0;
    qint64 bytesCopied = 0;
    qint64 bytesTotal = 0;
    qint64 inserts = 0;
    qint64 updates = 0;
    qint64 deletes = 0;
    qint64 pendingChanges = 0;
    qint64 lagBytes = 0;
    double lagSeconds = 0;
    qint64 spoolBytes = 0;
    double rowsPerSecond = 0;
    double bytesPerSecond = 0;
    // Full load: time to copy what is left; streaming: time to drain the backlog at the apply rate
    // (-1 when unknown, or when the source writes faster than the target applies).
    double etaSeconds = -1;
    double changesPerSecond = 0; // streamed rows applied per second (inserts, updates, deletes)
    bool readyForCutover = false;
    QString notReadyReason;
    QList<ReadinessCheck> readiness; // while streaming: the verdict's checks, in a fixed order
    QList<TableStatus> tables;
    QList<SchemaChange> schemaChanges; // oldest first
    QString ddlCapture;                // "event trigger", "watch only" or "" (offline, or not streaming yet)
    // After a cutover with fallback: "streaming" (the new server's writes flow back into the old
    // one; lagBytes and lagSeconds are then that stream's), "failed back" (the old server is the
    // primary again), "ended" (the fallback was ended; the new server stays); "" without one.
    QString fallback;

    // Cut over already (on its own, or by an earlier attempt): done, or in its fallback.
    bool cutOver() const
    {
        return phase == DatabasePhase::Done || phase == DatabasePhase::Fallback ||
               phase == DatabasePhase::FailingBack;
    }

    QJsonObject toJson() const;
    static DatabaseStatus fromJson(const QJsonObject &o);
};

struct MigrationStatus
{
    QString projectId;
    QString engine = QStringLiteral("local");
    QString mode = QStringLiteral("offline");
    RunState state = RunState::NotStarted;
    QDateTime startedAt;
    QDateTime updatedAt;
    QList<DatabaseStatus> databases;
    QStringList errors;  // the last errors, newest last, each naming its object
    QStringList log;     // recent log lines
    QString engineState; // the engine's own words for its state, e.g. Azure's "InProgress / MigratingData";
                         // empty for the local engine

    // Streaming, and every database not cut over yet is ready (one at least).
    bool readyForCutover() const;
    qint64 rowsCopied() const;
    qint64 bytesCopied() const;
    double rowsPerSecond() const;
    double bytesPerSecond() const;
    qint64 lagBytes() const;
    double lagSeconds() const;
    QJsonObject toJson() const;
    static MigrationStatus fromJson(const QJsonObject &o);
};

} // namespace pgferry::engine

Q_DECLARE_METATYPE(pgferry::engine::MigrationStatus)
