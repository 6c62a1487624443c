// LocalEngine::Run, one database's migration, and what its phases share: private to the local
// engine. localengine.cpp runs it; its phases are defined in run_prepare.cpp, run_load.cpp,
// run_stream.cpp, run_cutover.cpp and run_fallback.cpp. Nothing outside core/engine includes this.
#pragma once

#include "cutover/readonly.h"
#include "cutover/verify.h"
#include "engine/changestream.h"
#include "engine/localengine.h"
#include "engine/tablefinisher.h"
#include "load/catalog.h"
#include "pg/connection.h"
#include "pg/liveness.h"
#include "pg/replication.h"
#include "schema/objectwatch.h"
#include "schema/pgtools.h"
#include "schema/schemamigrator.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QMutexLocker>
#include <QRandomGenerator>
#include <QThread>
#include <atomic>
#include <memory>
#include <optional>
#include <stdexcept>

namespace pgferry::engine {

using namespace std::chrono_literals;

inline QString errorText(const std::exception &e)
{
    return QString::fromUtf8(e.what());
}

// Bounded exponential backoff with jitter for retryable errors.
inline void backoff(int attempt, const std::atomic_bool &stop)
{
    const int base = std::min(30000, 500 * (1 << std::min(attempt, 6)));
    const int ms = base / 2 + int(QRandomGenerator::global()->bounded(base / 2 + 1));
    for (int waited = 0; waited < ms && !stop.load(); waited += 100)
        QThread::msleep(100);
}

// How far the target is behind the source of a stream: the bytes received but not applied, or,
// with nothing pending, what the source wrote and has not decoded yet.
inline qint64 streamLagBytes(const StreamStats &s)
{
    return s.pending() > 0 ? qint64(std::max<pg::Lsn>(s.durable, s.received) - std::min(s.applied, s.durable))
                           : qint64(s.serverWal > s.sentPtr ? s.serverWal - s.sentPtr : 0);
}

// The age of the last applied commit while changes are pending; 0 when caught up.
inline double streamLagSeconds(const StreamStats &s)
{
    return s.pending() > 0 && s.lastAppliedCommitMicros > 0
               ? std::max(0.0, (pg::pgEpochMicrosNow() - s.lastAppliedCommitMicros) / 1e6)
               : 0.0;
}

struct StopRequested : std::exception
{
    const char *what() const noexcept override { return "stopped"; }
};

// A catalog check repeated while a stream runs (the schema watch, the fallback's schema gaps):
// every `intervalMs` it runs `check`; a pg::Exception runs `reset` (the sessions are reopened at
// the next check) and is logged once, `failure` followed by the error, until a check passes again.
struct PeriodicCheck
{
    int intervalMs;
    QString failure;
    QElapsedTimer since = {};
    bool failing = false;
    template<typename Check, typename Reset, typename Log>
    void runIfDue(Check &&check, Reset &&reset, Log &&log)
    {
        if (since.isValid() && since.elapsed() < intervalMs)
            return;
        since.restart();
        try {
            check();
            failing = false;
        } catch (const pg::Exception &ex) {
            reset();
            if (!failing)
                log(failure + ex.error().toString());
            failing = true;
        }
    }
};

// A failure that a new attempt from the journal may get past (a server restarted, the link
// dropped and the load's snapshot went with it): the database's migration resumes after a backoff.
struct Resumable : std::runtime_error
{
    using std::runtime_error::runtime_error;
};

// How many times a database's migration resumes by itself after a resumable failure.
constexpr int kResumeAttempts = 6;

// Online with Until::Ready: the database is ready for cutover and the run ends here.
struct ReadyReached : std::exception
{
    const char *what() const noexcept override { return "ready"; }
};

// `run --until ready` on a database in fallback: its stream back is caught up.
struct FallbackCaughtUp : std::exception
{
    const char *what() const noexcept override { return "fallback caught up"; }
};

// Each verified table into `arr`; the ones that differ as "schema.table (A n rows, B m rows, error)",
// A and B naming the sides.
QStringList verificationMismatches(const QList<cutover::TableVerification> &results, QJsonArray &arr,
                                   const QString &first, const QString &second);

// ------------------------------------------------------------------ one database's migration

class LocalEngine::Run
{
public:
    Run(LocalEngine &engine, int dbIndex)
        : e(engine), db(engine.m_config.project.databases[dbIndex]), index(dbIndex),
          jobs(std::max(1, engine.m_config.project.settings.jobs)),
          online(engine.m_config.project.mode == project::Mode::Online), tname(db.effectiveTarget())
    {}

    // The database's migration, phase after phase. Each phase skips what the journal says is done,
    // so an attempt after a failure resumes where it stopped.
    void migrate(Until until);

private:
    // The phases, in the order migrate() calls them. Online streams until the cutover and then
    // cuts over; offline cuts over right after the indexes.
    void prepare();
    void takeSnapshot();
    void restoreSchema();
    void openStream();
    void loadAll();
    void buildIndexes();
    void streamUntilCutover(Until until);
    void cutOverOnline(Until until);
    void cutOverOffline();
    // The online cutover's steps (run_cutover.cpp), in order. drainSource() makes the source
    // read-only and waits for the stream to apply everything up to the source's position then;
    // checkSchemaAfterDrain() refuses schema changes pgferry did not carry; stopCutover() ends
    // either with the source writable again and the stream resumable.
    void drainSource(pg::Connection &src);
    void checkSchemaAfterDrain(pg::Connection &src);
    [[noreturn]] void stopCutover(pg::Connection &src, const QString &message);
    void showTablesAsTheyAreNow(pg::Connection &src);
    // The archive's cutover section (foreign keys, triggers, materialized views), the entries
    // `keep` accepts (all without one); a second attempt tolerates what the first made.
    void restoreCutoverSection(const std::function<bool(const schema::TocEntry &)> &keep);
    // Keys and triggers the archive lacked, then the schemas compared: a difference stops the
    // cutover after carried schema changes, and is reported otherwise.
    void finishKeysAndCompare(pg::Connection &src, bool schemaChanged);
    // Lets go of what the phases shared, the last made first: runAll() backs off and retries while
    // this Run still exists, and the next attempt must not find the old stream holding the slot or
    // the old snapshot's transaction still open.
    void endAttempt();
    // The slot a resumed load takes its new snapshot from (TEMPORARY from 10 on).
    void dropResumeSlot(pg::Connection &c);
    void checkStop() const
    {
        if (e.m_stop.load())
            throw StopRequested();
    }
    pg::Connection connectSource(const QString &dbname)
    {
        return connectTo(e.m_config.source.withDatabase(dbname));
    }
    pg::Connection connectTarget(const QString &dbname)
    {
        return connectTo(e.m_config.target.withDatabase(dbname));
    }
    pg::Connection connectTo(const pg::ConnInfo &info)
    {
        pg::Connection c = pg::Connection::open(info, {.timeout = 15s, .cancel = &e.m_stop});
        c.setCancelFlag(&e.m_stop);
        // A link that stalls without TCP noticing would hold this run for ever: after a quiet while,
        // a second connection asks the server whether our session is busy or stranded.
        c.setLivenessProbe(
            pg::livenessIdleDefault(),
            pg::sessionLivenessProbe(info, c.backendPid(), 10s, [this](const QString &what) { log(what); }));
        return c;
    }
    bool cutoverAsked() const
    {
        QMutexLocker l(&e.m_mutex);
        return e.m_cutoverAsked.contains(index);
    }
    // The fallback as the cutover request chose it, else as the project sets it.
    bool fallbackChosen() const
    {
        QMutexLocker l(&e.m_mutex);
        return e.m_cutoverFallback.value(index, e.m_config.project.settings.cutover.fallback);
    }
    // The fallback as the confirmed cutover journaled it (a cutover that resumes keeps its choice).
    bool fallbackConfirmed() const
    {
        const QString v = e.m_journal.value(db.name, QStringLiteral("cutover_fallback"));
        return v.isEmpty() ? e.m_config.project.settings.cutover.fallback : v == u"on";
    }
    void setPhase(DatabasePhase p)
    {
        QMutexLocker l(&e.m_mutex);
        DatabaseStatus &ds = e.m_status.databases[index];
        ds.phase = p;
        if (p != DatabasePhase::Streaming) {
            ds.readiness.clear(); // the verdict is a streaming database's
            ds.changesPerSecond = 0;
        }
        ++e.m_version;
    }
    void log(const QString &line)
    {
        const QString stamped = QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss ")) + db.name +
                                QStringLiteral(": ") + line;
        QMutexLocker l(&e.m_mutex);
        e.m_status.log.append(stamped);
        while (e.m_status.log.size() > 200)
            e.m_status.log.removeFirst();
        ++e.m_version;
    }
    void saveJournal()
    {
        QString err;
        if (!e.m_journal.save(&err))
            throw std::runtime_error(err.toStdString());
    }
    void prepareTargetDatabase();
    // A cutover that stops makes the source writable again; the journal says so (abandon and
    // source-writable read it). A failure is logged with the statement: the cutover's error comes first.
    void undoReadOnly(pg::Connection &src)
    {
        if (auto err = cutover::makeWritable(src, db.name)) {
            log(QStringLiteral(
                    "could not make the source database writable again (%1): run %2, or `pgferry-cli "
                    "source-writable`")
                    .arg(err->toString(), cutover::writableSql(src, db.name)));
            return;
        }
        e.m_journal.clearDone(db.name, QStringLiteral("source_read_only"));
        e.m_journal.save();
        log(QStringLiteral("the source database is writable again"));
    }
    // Ends the client sessions of c's database other than c (a cutover or a fail-back has just made
    // it read-only; sessions already open keep writing otherwise). A failure is logged: `whose`
    // names them ("the source's").
    void endOtherSessions(pg::Connection &c, const QString &whose)
    {
        if (auto err = cutover::endOtherSessions(c))
            log(QStringLiteral("could not end %1 other sessions (%2): stop the applications yourself")
                    .arg(whose, err->toString()));
    }
    void loadTables(const QString &snapshot, int sourceVersion, int targetVersion, TableFinisher *finisher);
    // The full load's pieces (run_load.cpp). What an earlier run committed: units of the same plan
    // (`done`, by key), and tables loaded whole under another plan (`keptKeys`, their units' keys).
    struct ResumedUnits
    {
        QSet<QString> done;
        QHash<int, QStringList> keptKeys;
        bool covers(const load::LoadUnit &u, const QList<load::SourceTable> &tables) const
        {
            return done.contains(u.key(tables[u.table])) || keptKeys.contains(u.table);
        }
    };
    struct LoadWork;
    ResumedUnits resumedUnits(const QList<load::LoadUnit> &units);
    void showResumedUnits(const QList<load::LoadUnit> &units, const ResumedUnits &resumed,
                          TableFinisher *finisher);
    void checkUnitsCommitted(const QList<load::LoadUnit> &units, const ResumedUnits &resumed);
    // Moves the failed units of tables the user asked to retry back into the queue; how many.
    int takeRetries(LoadWork &w);
    bool nextUnit(LoadWork &w, load::LoadUnit &unit);
    void loadWorker(LoadWork &w);
    void openLoadSessions(LoadWork &w, pg::Connection &src, pg::Connection &dst);
    // Copies one unit, retrying what may pass on a second try; false when the run stops.
    bool copyUnitWithRetries(LoadWork &w, pg::Connection &src, pg::Connection &dst,
                             const load::LoadUnit &unit);
    void unitFailed(LoadWork &w, const load::LoadUnit &unit, const pg::Error &err);
    void setTableState(int table, TableState state)
    {
        QMutexLocker l(&e.m_mutex);
        TableStatus &ts = e.m_status.databases[index].tables[table];
        if (ts.state != TableState::Failed)
            ts.state = state;
        ++e.m_version;
    }
    // Verifies every table; tables in `already` (verified during the load) that matched are not read again.
    // `src` and `dst` are the cutover's own sessions, for the database's properties.
    void verify(pg::Connection &src, pg::Connection &dst,
                const QHash<int, cutover::TableVerification> &already = {});
    QString objectName() const;
    void waitForCutoverOrReady(Until until, ChangeStream &stream);
    // Online: installs the DDL capture on the source (before the slot), or says why it cannot.
    void setUpDdlCapture(pg::Connection &source, const QString &name, const QString &plugin,
                         int sourceVersion);
    // Schema changes seen by reading the catalogs: selected tables that do not stream (not in the
    // publication), and without capture, tables and columns the target lacks. Unresolved, each.
    // With `adopt` (not at cutover) and without capture, what the watch can carry is carried:
    // adoptTable() and adoptColumns().
    QList<SchemaChange> watchSchema(const QString &publication, const QString &plugin, bool adopt = true);
    // Without capture (run_adopt.cpp): a table created on the source after the snapshot is made
    // on the target (pg_dump --table), or a table already there that does not stream joins the
    // publication; then it is copied from a new snapshot and joins the stream there. adoptColumns()
    // adds, drops, renames or retypes on the target the columns the source did, and copies the
    // table again. Each returns why it could not
    // ("" when it is under way: the stream's held tables show it until the copy is done).
    QString adoptTable(const load::SourceTable &t, bool onTarget);
    struct ColumnChanges
    {
        QStringList added, dropped, retyped;
        QList<std::pair<QString, QString>> renamed; // from, to
        bool isEmpty() const
        {
            return added.isEmpty() && dropped.isEmpty() && retyped.isEmpty() && renamed.isEmpty();
        }
    };
    QString adoptColumns(const load::SourceTable &t, const ColumnChanges &changes);
    // Migrated tables gone from the source by name and still on the target: renamed (the same oid
    // under another name) or dropped. Each is carried once the stream has applied every change up
    // to where the watch first saw it gone (its last rows under the old name): a dropped table is
    // dropped on the target, a renamed one renamed there and copied again (its rows under the new
    // name did not stream until then). What cannot be carried yet is returned, unresolved;
    // `renamedTo` gets the new names, which the watch does not take for tables created. Renames are
    // carried before the watch looks at tables created, drops (`drops`) after the views that may
    // depend on them are dropped.
    QList<SchemaChange> carryGoneTables(const QList<load::SourceTable> &source,
                                        const QHash<QString, load::SourceTable> &target, bool adopt,
                                        QSet<QString> *renamedTo, bool drops);
    // Where the source's WAL was when the watch first saw a migrated table gone, by its old name.
    QHash<QString, pg::Lsn> goneSince;
    // New names of renamed tables whose changes are held until the rename is carried.
    QSet<QString> renameHeld;
    // Tables the watch made on the target while streaming (created or renamed on the source): they
    // are watched for a drop or a rename too.
    QList<load::SourceTable> adoptedTables;
    // The last failure per table: logged once, and tried again after 15 s, not at every watch.
    struct AdoptionFailure
    {
        QString why;
        QElapsedTimer since;
    };
    QHash<QString, AdoptionFailure> adoptionFailures;
    // Runs `attempt` for `table` unless it failed less than 15 s ago (or adoptNow); its failure,
    // logged once.
    QString adoptOnce(const QString &table, const std::function<QString()> &attempt);
    bool adoptNow = false;
    // Without capture (run_objects.cpp): types, standalone sequences, routines and views created,
    // changed or dropped on the source since the snapshot (against a baseline of fingerprints
    // journaled as "watch_objects") are made, replaced or dropped on the target. `typesOnly`: the
    // types, before the tables that may use them; otherwise the rest. What was carried is kept in
    // objectChanges (journaled); what could not be is returned, unresolved.
    QList<SchemaChange> carryObjects(const QList<schema::SchemaObject> &now, bool typesOnly);
    // One object: `before` is its baseline entry (null when created), `now` null when dropped,
    // `targetObject` the target's of the same name (null when it has none).
    // Returns why it could not be carried; `statement` says what ran on the target.
    QString carryObject(const schema::SchemaObject *before, const schema::SchemaObject *now,
                        const schema::SchemaObject *targetObject, QString *statement);
    // The source's objects at the snapshot, unless the journal has them already.
    void takeObjectBaseline(pg::Connection &source);
    // At cutover, after the drain: the materialized views the watch made are filled.
    void refreshCarriedMaterializedViews();
    void loadObjectWatch();
    void saveObjectWatch();
    bool objectWatchLoaded = false;
    QHash<QString, schema::SchemaObject> objectBaseline;
    QList<SchemaChange> objectChanges;
    // The stream's schema changes and the watch's, as status shows them; `unresolved` lists the
    // objects that hold the cutover.
    QList<SchemaChange> mergedSchemaChanges(const StreamStats &s, QStringList *unresolved) const;
    void writeReport();
    // After a cutover with fallback: creates the slot on the new server (once, journaled), then
    // streams its writes back into the old server until the administrator fails back or ends it.
    void createFallback(pg::Connection &target, pg::Connection &src);
    // The database's own settings (search_path, ...), per-role settings in it, comment and
    // connection limit, which pg_dump without --create leaves out. Logged and reported.
    void carryDatabaseProperties(pg::Connection &src, pg::Connection &target);
    void fallback(Until until);
    // Logical decoding does not carry large objects: after the drain, the target's are made equal
    // to the source's (written, rewritten, unlinked), then compared again when verifying.
    void syncLargeObjects(pg::Connection &src, pg::Connection &target);
    // Returns to the old server; false (the fallback goes on, the new server writable again) when
    // a step refused, with `why`.
    bool failBack(std::unique_ptr<ChangeStream> &stream, QString *why);
    void endFallback(std::unique_ptr<ChangeStream> &stream);
    void setFallbackState(const QString &state)
    {
        QMutexLocker l(&e.m_mutex);
        e.m_status.databases[index].fallback = state;
        ++e.m_version;
    }
    // The database's migration is complete (its journal says done).
    void finishDatabase(const QElapsedTimer &totalClock);
    // Ends the phase `key` (adds its wall-clock time to the report and logs it) and starts the next.
    void phaseTook(const QString &key, const QString &what)
    {
        const double s = phaseClock.restart() / 1000.0;
        phaseSeconds.insert(key, phaseSeconds.value(key).toDouble() + s);
        log(QStringLiteral("%1 took %2 s").arg(what).arg(s, 0, 'f', 2));
    }

    LocalEngine &e;
    const project::DatabaseSelection db;
    const int index;
    const int jobs;
    const bool online;
    const QString tname; // the target database's name
    QList<load::SourceTable> tables;
    QString sourceEncoding;      // the source database's (SHOW server_encoding)
    QString ddlCapture;          // "event trigger", "watch only" (online), "" offline
    QList<SchemaChange> watched; // the last watchSchema() answer
    QString streamPlugin, streamPublication;
    std::optional<pg::Connection> watchSource, watchTarget;
    QJsonObject report;
    QElapsedTimer phaseClock;
    QJsonObject phaseSeconds; // wall-clock seconds per phase of this attempt, for the report

    // What the phases of one attempt pass from one to the next; endAttempt() lets go of it.
    QElapsedTimer totalClock;
    // The source session that reads the catalog and, offline, exports the snapshot.
    pg::Connection snapshotHolder;
    int sourceVersion = 0;
    schema::PgTools tools; // pg_dump and pg_restore that read the source
    pg::Connection target;
    int targetVersion = 0;
    QString name;   // objectName(): the slot, publication and origin
    QString plugin; // the decoder
    QString snapshot;
    std::optional<pg::ReplicationConnection> exporter; // must stay open and idle while the snapshot is used
    QHash<QString, pg::Lsn> syncLsn;
    pg::Lsn consistentPoint = 0;
    bool loadDone = false;
    std::optional<schema::SchemaMigrator> migrator;
    std::unique_ptr<ChangeStream> stream;
    std::unique_ptr<TableFinisher> finisher;
};

} // namespace pgferry::engine
