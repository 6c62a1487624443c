#include "engine/localengine.h"

#include "cdc/applier.h"
#include "cdc/ddlcapture.h"
#include "cutover/verify.h"
#include "engine/changestream.h"
#include "engine/fallback.h"
#include "engine/readiness.h"
#include "engine/tablefinisher.h"
#include "pg/replication.h"
#include "load/catalog.h"
#include "load/copier.h"
#include "load/objects.h"
#include "pg/connection.h"
#include "pg/liveness.h"
#include "pg/maintenance.h"
#include "pg/version.h"
#include "schema/pgtools.h"
#include "schema/databasesettings.h"
#include "schema/reconcile.h"
#include "schema/roles.h"
#include "schema/schemamigrator.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSaveFile>
#include <QSet>
#include <QThread>
#include <deque>
#include <stdexcept>

namespace pgferry::engine {

using namespace std::chrono_literals;

namespace {

QString errorText(const std::exception &e)
{
    return QString::fromUtf8(e.what());
}

void writeJsonFile(const QString &path, const QJsonObject &o)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return;
    f.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    f.write(QJsonDocument(o).toJson(QJsonDocument::Compact));
    f.commit();
}

// Bounded exponential backoff with jitter for retryable errors.
void backoff(int attempt, const std::atomic_bool &stop)
{
    const int base = std::min(30000, 500 * (1 << std::min(attempt, 6)));
    const int ms = base / 2 + int(QRandomGenerator::global()->bounded(base / 2 + 1));
    for (int waited = 0; waited < ms && !stop.load(); waited += 100)
        QThread::msleep(100);
}

// How far the target is behind the source of a stream: the bytes received but not applied, or,
// with nothing pending, what the source wrote and has not decoded yet.
qint64 streamLagBytes(const StreamStats &s)
{
    return s.pending() > 0 ? qint64(std::max<pg::Lsn>(s.durable, s.received) - std::min(s.applied, s.durable))
                           : qint64(s.serverWal > s.sentPtr ? s.serverWal - s.sentPtr : 0);
}

// The age of the last applied commit while changes are pending; 0 when caught up.
double streamLagSeconds(const StreamStats &s)
{
    return s.pending() > 0 && s.lastAppliedCommitMicros > 0
               ? std::max(0.0, (pg::pgEpochMicrosNow() - s.lastAppliedCommitMicros) / 1e6)
               : 0.0;
}

// The verdict's questions the stream answers: connected and applying, lag, schema in sync.
QList<ReadinessCheck> streamChecks(const StreamStats &s, qint64 lagBytes, double lagSeconds, qint64 maxLagBytes,
                                   const QList<SchemaChange> &schemaChanges)
{
    using State = ReadinessCheck::State;
    ReadinessCheck stream{QStringLiteral("stream"), State::Ok, QStringLiteral("receiving from the source slot and applying on the target"), {}, {}};
    if (!s.receiving || !s.applying) {
        stream.state = State::Blocking;
        stream.summary = (!s.receiving ? QStringLiteral("not connected to the source slot") : QStringLiteral("not applying on the target")) +
                         (s.lastError.isEmpty() ? QString() : u": " + s.lastError);
    }
    ReadinessCheck lag{QStringLiteral("lag"), lagBytes > maxLagBytes ? State::Blocking : State::Ok,
                       QStringLiteral("%1 bytes behind (ready at %2 or less), %3 s").arg(std::max<qint64>(0, lagBytes)).arg(maxLagBytes).arg(lagSeconds, 0, 'f', 1),
                       {}, {}};
    ReadinessCheck schema{QStringLiteral("schema"), State::Ok, {}, {}, {}};
    int carried = 0;
    for (const SchemaChange &c : schemaChanges) {
        if (c.unresolved()) {
            schema.details << QStringLiteral("%1: %2%3").arg(c.object, c.kind, c.detail.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(c.detail));
            if (!c.statement.isEmpty())
                schema.statements << c.statement;
        } else {
            ++carried;
        }
    }
    schema.state = schema.details.isEmpty() ? State::Ok : State::Blocking;
    schema.summary = schema.details.isEmpty()
                         ? QStringLiteral("schema in sync (%1 changes carried while streaming)").arg(carried)
                         : QStringLiteral("schema not in sync: %1 changes on the source not carried (see schema_changes)").arg(schema.details.size());
    return {stream, lag, schema};
}

// Each verified table into `arr`; the ones that differ as "schema.table (A n rows, B m rows, error)",
// A and B naming the sides.
QStringList verificationMismatches(const QList<cutover::TableVerification> &results, QJsonArray &arr,
                                   const QString &first, const QString &second)
{
    QStringList mismatches;
    for (const auto &v : results) {
        arr.append(v.toJson());
        if (!v.matches())
            // One pass: a name holding "%1" must not be filled in by a later arg().
            mismatches << QStringLiteral("%1.%2 (%3 %4 rows, %5 %6 rows%7)")
                              .arg(v.schema, v.name, first, QString::number(v.source.rows), second,
                                   QString::number(v.target.rows),
                                   v.error.isEmpty() ? QString() : QStringLiteral(", ") + v.error);
    }
    return mismatches;
}

struct StopRequested : std::exception
{
    const char *what() const noexcept override { return "stopped"; }
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

} // namespace

// ------------------------------------------------------------------ one database's migration

class LocalEngine::Run
{
public:
    Run(LocalEngine &engine, int dbIndex)
        : e(engine), db(engine.m_config.project.databases[dbIndex]), index(dbIndex),
          jobs(std::max(1, engine.m_config.project.settings.jobs))
    {
    }

    void migrate(Until until);

private:
    void checkStop() const
    {
        if (e.m_stop.load())
            throw StopRequested();
    }
    pg::Connection connectSource(const QString &dbname) { return connectTo(e.m_config.source.withDatabase(dbname)); }
    pg::Connection connectTarget(const QString &dbname) { return connectTo(e.m_config.target.withDatabase(dbname)); }
    pg::Connection connectTo(const pg::ConnInfo &info)
    {
        pg::Connection c = pg::Connection::open(info, {.timeout = 15s, .cancel = &e.m_stop});
        c.setCancelFlag(&e.m_stop);
        // A link that stalls without TCP noticing would hold this run for ever: after a quiet while,
        // a second connection asks the server whether our session is busy or stranded.
        c.setLivenessProbe(pg::livenessIdleDefault(),
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
        const QString stamped = QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss ")) + db.name + QStringLiteral(": ") + line;
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
        const QString sql = QStringLiteral("ALTER DATABASE %1 RESET default_transaction_read_only").arg(src.quoteIdent(db.name));
        if (auto err = src.tryExec(sql)) {
            log(QStringLiteral("could not make the source database writable again (%1): run %2, or `pgferry-cli "
                               "source-writable`")
                    .arg(err->toString(), sql));
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
        // Before 10 pg_stat_activity shows client backends only, and has no backend_type.
        QString others = QStringLiteral("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                        "WHERE datname = current_database() AND pid <> pg_backend_pid()");
        if (c.serverVersion() >= 100000)
            others += QStringLiteral(" AND backend_type = 'client backend'");
        if (auto err = c.tryExec(others))
            log(QStringLiteral("could not end %1 other sessions (%2): stop the applications yourself").arg(whose, err->toString()));
    }
    void loadTables(const QString &snapshot, int sourceVersion, int targetVersion, TableFinisher *finisher);
    void setTableState(int table, TableState state)
    {
        QMutexLocker l(&e.m_mutex);
        TableStatus &ts = e.m_status.databases[index].tables[table];
        if (ts.state != TableState::Failed)
            ts.state = state;
        ++e.m_version;
    }
    // Verifies every table; tables in `already` (verified during the load) that matched are not read again.
    void verify(const QHash<int, cutover::TableVerification> &already = {});
    QString objectName() const;
    void waitForCutoverOrReady(Until until, ChangeStream &stream);
    // Online: installs the DDL capture on the source (before the slot), or says why it cannot.
    void setUpDdlCapture(pg::Connection &source, const QString &name, const QString &plugin, int sourceVersion);
    // Schema changes seen by reading the catalogs: selected tables that do not stream (not in the
    // publication), and without capture, tables and columns the target lacks. Unresolved, each.
    QList<SchemaChange> watchSchema(const QString &publication, const QString &plugin);
    // The stream's schema changes and the watch's, as status shows them; `unresolved` lists the
    // objects that hold the cutover.
    QList<SchemaChange> mergedSchemaChanges(const StreamStats &s, QStringList *unresolved) const;
    void writeReport();
    // After a cutover with fallback: creates the slot on the new server (once, journaled), then
    // streams its writes back into the old server until the administrator fails back or ends it.
    void createFallback(pg::Connection &target, pg::Connection &src);
    // The database's own settings (search_path, ...), per-role settings in it, comment and
    // connection limit, which pg_dump without --create leaves out. Logged and reported.
    void carryDatabaseProperties(pg::Connection &src, pg::Connection &target)
    {
        const schema::DatabaseProperties p = schema::readDatabaseProperties(src, db.name, target, db.effectiveTarget());
        const QStringList failed = schema::applyDatabaseProperties(target, p);
        if (!p.statements.isEmpty())
            log(QStringLiteral("carried %1 database setting(s), comment or connection limit: %2")
                    .arg(p.statements.size() - failed.size())
                    .arg(p.statements.mid(0, 6).join(QStringLiteral("; "))));
        for (const QString &f : failed + p.skipped)
            log(QStringLiteral("not carried: ") + f);
        // What the target refused is reported now; the verification compares the rest.
        QStringList refused;
        for (const QString &st : p.statements)
            if (std::any_of(failed.begin(), failed.end(), [&](const QString &f) { return f.startsWith(st + u':'); }))
                refused << st;
        e.m_journal.setValue(db.name, QStringLiteral("database_properties_refused"), refused.join(u'\n'));
        report.insert(QStringLiteral("database_properties"), QJsonArray::fromStringList(p.statements));
        if (!failed.isEmpty() || !p.skipped.isEmpty())
            report.insert(QStringLiteral("database_properties_not_carried"), QJsonArray::fromStringList(failed + p.skipped));
    }
    void fallback(Until until);
    // Logical decoding does not carry large objects: after the drain, the target's are made equal
    // to the source's (written, rewritten, unlinked), then compared again when verifying.
    void syncLargeObjects(pg::Connection &src, pg::Connection &target)
    {
        const load::LargeObjectSync lo = load::syncLargeObjects(src, target, e.m_config.project.settings.verify, &e.m_stop);
        if (lo.compared == 0 && lo.removed.isEmpty())
            return;
        log(QStringLiteral("large objects: %1 compared; written while changes streamed: %2 new, %3 changed, %4 removed "
                           "on the target (%5 bytes)")
                .arg(lo.compared)
                .arg(lo.created.size())
                .arg(lo.rewritten.size())
                .arg(lo.removed.size())
                .arg(lo.bytes));
        report.insert(QStringLiteral("large_objects"),
                      QJsonObject{{QStringLiteral("compared"), lo.compared},
                                  {QStringLiteral("created"), int(lo.created.size())},
                                  {QStringLiteral("rewritten"), int(lo.rewritten.size())},
                                  {QStringLiteral("removed"), int(lo.removed.size())},
                                  {QStringLiteral("bytes"), lo.bytes}});
        if (!lo.identical)
            throw std::runtime_error("verification: the large objects still differ between the source and the target after "
                                     "they were copied again; was the source written meanwhile? Run again to retry the cutover");
    }
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
    QList<load::SourceTable> tables;
    QString sourceEncoding; // the source database's (SHOW server_encoding)
    QString ddlCapture;     // "event trigger", "watch only" (online), "" offline
    QList<SchemaChange> watched; // the last watchSchema() answer
    QString streamPlugin, streamPublication;
    std::optional<pg::Connection> watchSource, watchTarget;
    QJsonObject report;
    QElapsedTimer phaseClock;
    QJsonObject phaseSeconds; // wall-clock seconds per phase of this attempt, for the report
};

void LocalEngine::Run::prepareTargetDatabase()
{
    const QString tname = db.effectiveTarget();
    // The URI may name the database created here: then postgres or template1 (pg::openMaintenance).
    pg::Connection admin = pg::openMaintenance(e.m_config.target, [this](const pg::ConnInfo &i) { return connectTo(i); });
    pg::Result exists = admin.exec(QStringLiteral("SELECT 1 FROM pg_database WHERE datname = $1"), {tname});
    if (exists.rows() == 0) {
        pg::Connection src = connectSource(db.name);
        pg::Result enc = src.exec(QStringLiteral(
            "SELECT pg_encoding_to_char(encoding), datcollate, datctype FROM pg_database WHERE datname = current_database()"));
        const QString sql = QStringLiteral("CREATE DATABASE %1 TEMPLATE template0 ENCODING %2")
                                .arg(admin.quoteIdent(tname), admin.quoteLiteral(enc.text(0, 0)));
        // Same collation when the target has it; otherwise the target's default, with a note.
        if (auto err = admin.tryExec(sql + QStringLiteral(" LC_COLLATE %1 LC_CTYPE %2")
                                               .arg(admin.quoteLiteral(enc.text(0, 1)), admin.quoteLiteral(enc.text(0, 2))))) {
            admin.exec(sql);
            log(QStringLiteral("collation %1 is not available on the target; the database uses the target's default")
                    .arg(enc.text(0, 1)));
        }
        log(QStringLiteral("created target database %1").arg(tname));
        // `abandon --drop-target` drops only what pgferry created.
        e.m_journal.markDone(db.name, QStringLiteral("target_created"));
        saveJournal();
    } else if (!e.m_journal.done(db.name, QStringLiteral("prepared"))) {
        pg::Connection t = connectTarget(tname);
        pg::Result n = t.exec(QStringLiteral(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r','p') "
            "AND n.nspname NOT IN ('pg_catalog','information_schema','_pgferry') AND n.nspname !~ '^pg_'"));
        if (n.toInt(0, 0) > 0 && !e.m_config.project.settings.schema.overwrite)
            throw std::runtime_error(QStringLiteral("the target database %1 already holds %2 tables; choose another "
                                                    "target name, empty it, or set the overwrite option")
                                         .arg(tname)
                                         .arg(n.toInt(0, 0))
                                         .toStdString());
    }
}

void LocalEngine::Run::loadTables(const QString &snapshot, int sourceVersion, int targetVersion, TableFinisher *finisher)
{
    const QString tname = db.effectiveTarget();
    const auto &settings = e.m_config.project.settings;
    const QList<load::LoadUnit> units = load::planUnits(tables, settings.splitThresholdBytes, jobs);

    // What an earlier run committed. A table's units count only under the plan they were made
    // with: the same ranges again are skipped, every range of another plan means the table is
    // loaded, and part of another plan (the table grew and splits elsewhere now) is emptied and
    // loaded again. Comparing keys of two plans would skip or double rows.
    QSet<QString> done;
    QHash<int, QStringList> keptKeys; // tables loaded whole under an earlier plan: their keys
    {
        pg::Connection t = connectTarget(tname);
        load::createUnitTable(t);
        const QSet<QString> committed = load::committedUnits(t);
        QHash<int, QSet<QString>> planned;
        for (const load::LoadUnit &u : units)
            planned[u.table].insert(u.key(tables[u.table]));
        for (int i = 0; i < tables.size(); ++i) {
            const QStringList have = load::unitsOf(committed, tables[i]);
            if (have.isEmpty())
                continue;
            bool samePlan = true;
            for (const QString &k : have)
                samePlan = samePlan && planned.value(i).contains(k);
            if (samePlan) {
                for (const QString &k : have)
                    done.insert(k);
            } else if (load::coverWholeTable(have)) {
                keptKeys.insert(i, have);
            } else {
                log(QStringLiteral("table %1 was partly loaded under another split; loading it again whole")
                        .arg(tables[i].qualifiedName()));
                load::forgetTable(t, tables[i], have);
            }
        }
    }
    {
        QMutexLocker l(&e.m_mutex);
        DatabaseStatus &ds = e.m_status.databases[index];
        for (const load::LoadUnit &u : units) {
            TableStatus &ts = ds.tables[u.table];
            ts.rangesTotal = u.ranges;
            if (done.contains(u.key(tables[u.table])) || keptKeys.contains(u.table)) {
                ++ts.rangesDone;
                ts.rowsCopied += ts.rowsEstimated / std::max(1, u.ranges);
                ts.bytesCopied += ts.bytesEstimated / std::max(1, u.ranges);
            }
        }
        for (TableStatus &ts : ds.tables)
            if (ts.rangesDone >= ts.rangesTotal)
                ts.state = TableState::Loaded;
        ++e.m_version;
    }
    // Tables loaded whole by an earlier run are finished now (their indexes may exist: a resumed
    // run tolerates that).
    if (finisher) {
        QList<int> loaded;
        {
            QMutexLocker l(&e.m_mutex);
            const DatabaseStatus &ds = e.m_status.databases[index];
            for (int i = 0; i < ds.tables.size(); ++i)
                if (ds.tables[i].state == TableState::Loaded)
                    loaded << i;
        }
        for (int i : loaded)
            finisher->tableLoaded(i);
    }

    std::deque<load::LoadUnit> queue;
    for (const load::LoadUnit &u : units)
        if (!done.contains(u.key(tables[u.table])) && !keptKeys.contains(u.table))
            queue.push_back(u);
    if (queue.empty())
        return;
    log(QStringLiteral("loading %1 units of %2 tables with %3 workers").arg(queue.size()).arg(tables.size()).arg(jobs));

    QMutex qm;
    QStringList failures;
    int resumableFailures = 0;
    // Units that failed for good, with their message: a retry of their table (the wizard's Retry,
    // LocalEngine::retryTable) puts them back in the queue while this load runs.
    QList<std::pair<load::LoadUnit, QString>> failedUnits;
    // Moves the failed units of tables the user asked to retry back into the queue. Locks qm.
    auto takeRetries = [&]() {
        QStringList wanted;
        int n = 0;
        {
            // The status lock before the queue lock: the order a failing worker takes them in.
            QMutexLocker l(&e.m_mutex);
            for (auto it = e.m_retry.begin(); it != e.m_retry.end();) {
                if (it->first == db.name) {
                    wanted << it->second;
                    it = e.m_retry.erase(it);
                } else {
                    ++it;
                }
            }
            if (wanted.isEmpty())
                return 0;
            QMutexLocker lq(&qm);
            for (auto it = failedUnits.begin(); it != failedUnits.end();) {
                if (!wanted.contains(tables[it->first.table].qualifiedName())) {
                    ++it;
                    continue;
                }
                queue.push_back(it->first);
                failures.removeOne(it->second);
                e.m_status.errors.removeAll(it->second);
                TableStatus &ts = e.m_status.databases[index].tables[it->first.table];
                ts.state = TableState::Queued;
                ts.error.clear();
                it = failedUnits.erase(it);
                ++n;
            }
            ++e.m_version;
        }
        if (n > 0) // log() takes the status lock itself
            log(QStringLiteral("retrying %1 failed load units of %2").arg(n).arg(wanted.join(QStringLiteral(", "))));
        return n;
    };
    std::atomic_bool snapshotLost{false};
    load::CopyOptions copyOptions;
    copyOptions.binary = pg::sameMajor(sourceVersion, targetVersion);
    copyOptions.sourceMajor = pg::majorKey(sourceVersion);

    auto worker = [&]() {
        pg::Connection src, dst;
        auto connect = [&]() {
            src = connectSource(db.name);
            try {
                load::importSnapshot(src, snapshot);
            } catch (const pg::Exception &ex) {
                // The session that exported the snapshot is gone (the source restarted or the link
                // dropped): no worker can use it any more. The load resumes from the journal with a
                // new snapshot; what was committed stays.
                if (ex.error().sqlstate == u"22023" || ex.error().message.contains(u"snapshot")) {
                    snapshotLost = true;
                    throw Resumable(QStringLiteral("the source no longer has the load's snapshot (%1)")
                                        .arg(ex.error().toString())
                                        .toStdString());
                }
                throw;
            }
            dst = connectTarget(tname);
            load::prepareTargetSession(dst);
            load::useClientEncoding(src, load::transferEncoding(sourceEncoding));
            load::useClientEncoding(dst, load::transferEncoding(sourceEncoding));
        };
        while (!e.m_stop.load() && !snapshotLost.load()) {
            load::LoadUnit unit;
            {
                QMutexLocker l(&qm);
                if (queue.empty()) {
                    l.unlock();
                    if (takeRetries() == 0)
                        return;
                    l.relock();
                    if (queue.empty())
                        continue;
                }
                unit = queue.front();
                queue.pop_front();
            }
            const load::SourceTable &table = tables[unit.table];
            {
                QMutexLocker l(&e.m_mutex);
                TableStatus &ts = e.m_status.databases[index].tables[unit.table];
                if (ts.state == TableState::Queued)
                    ts.state = TableState::Loading;
                ++e.m_version;
            }
            QElapsedTimer timer;
            timer.start();
            for (int attempt = 0;; ++attempt) {
                qint64 rowsSoFar = 0, bytesSoFar = 0;
                try {
                    if (!src.isOpen() || !dst.isOpen())
                        connect();
                    const load::CopyResult res = load::copyUnit(src, dst, table, unit, copyOptions, [&](qint64 rows, qint64 bytes) {
                        rowsSoFar += rows;
                        bytesSoFar += bytes;
                        QMutexLocker l(&e.m_mutex);
                        TableStatus &ts = e.m_status.databases[index].tables[unit.table];
                        ts.rowsCopied += rows;
                        ts.bytesCopied += bytes;
                        ++e.m_version;
                    });
                    bool tableLoaded = false;
                    {
                        QMutexLocker l(&e.m_mutex);
                        TableStatus &ts = e.m_status.databases[index].tables[unit.table];
                        ts.rowsCopied += res.rows - rowsSoFar; // the server's own count is the truth
                        ++ts.rangesDone;
                        ts.durationSeconds += timer.elapsed() / 1000.0;
                        if (ts.rangesDone >= ts.rangesTotal) {
                            ts.state = TableState::Loaded;
                            tableLoaded = true;
                        }
                        ++e.m_version;
                    }
                    // Every unit of the table is committed: its indexes are built while others copy.
                    // A table loaded whole by this one COPY has both sides' counts already.
                    if (tableLoaded && finisher) {
                        std::optional<TableFinisher::CopyCount> counted;
                        if (unit.ranges == 1)
                            counted = TableFinisher::CopyCount{res.rows, res.storedRows};
                        finisher->tableLoaded(unit.table, counted);
                    }
                    break;
                } catch (const pg::Exception &ex) {
                    {
                        // What this attempt counted is rolled back on the target: uncount it.
                        QMutexLocker l(&e.m_mutex);
                        TableStatus &ts = e.m_status.databases[index].tables[unit.table];
                        ts.rowsCopied -= rowsSoFar;
                        ts.bytesCopied -= bytesSoFar;
                    }
                    if (e.m_stop.load())
                        return;
                    const pg::Error &err = ex.error();
                    if (err.breaksConnection()) {
                        src.close();
                        dst.close();
                    }
                    if (err.retryable() && attempt < 6 && !snapshotLost.load()) {
                        log(QStringLiteral("table %1: %2; retrying (attempt %3)").arg(table.qualifiedName(), err.toString()).arg(attempt + 2));
                        // A new snapshot cannot replace the exported one; a broken source connection
                        // re-imports it, which works while the exporting session lives.
                        backoff(attempt, e.m_stop);
                        continue;
                    }
                    const QString msg = QStringLiteral("table %1 (full load): %2").arg(table.qualifiedName(), err.toString());
                    {
                        QMutexLocker l(&e.m_mutex);
                        TableStatus &ts = e.m_status.databases[index].tables[unit.table];
                        ts.state = TableState::Failed;
                        ts.error = err.toString();
                        e.m_status.errors.append(msg);
                        ++e.m_version;
                        QMutexLocker lq(&qm);
                        failures << msg;
                        if (err.retryable())
                            ++resumableFailures;
                        else
                            failedUnits.append({unit, msg});
                    }
                    // A round trip to the server, never under the status lock (status() readers wait on it).
                    if (!src.isOpen() || src.tryExec(QStringLiteral("SELECT 1")))
                        src.close();
                    break;
                } catch (const Resumable &ex) {
                    QMutexLocker lq(&qm);
                    failures << QStringLiteral("table %1 (full load): %2").arg(table.qualifiedName(), errorText(ex));
                    ++resumableFailures;
                    break;
                } catch (const std::exception &ex) {
                    QMutexLocker lq(&qm);
                    failures << QStringLiteral("table %1 (full load): %2").arg(table.qualifiedName(), errorText(ex));
                    break;
                }
            }
        }
    };
    do {
        std::vector<std::thread> threads;
        for (int i = 0; i < jobs; ++i)
            threads.emplace_back(worker);
        for (auto &t : threads)
            t.join();
        checkStop();
    } while (!snapshotLost.load() && takeRetries() > 0); // a retry asked for as the last worker ended
    if (!failures.isEmpty()) {
        const QString msg = QStringLiteral("%1 of %2 load units failed; the others are kept and a rerun loads only "
                                           "what is missing. First: %3")
                                .arg(failures.size())
                                .arg(units.size())
                                .arg(failures.first());
        if (resumableFailures == failures.size())
            throw Resumable(msg.toStdString());
        throw std::runtime_error(msg.toStdString());
    }
    // Trust, but verify: every planned unit is committed on the target (a target that crashed
    // and recovered keeps only what it had made durable).
    pg::Connection t = connectTarget(tname);
    const QSet<QString> committed = load::committedUnits(t);
    QStringList missing;
    for (const load::LoadUnit &u : units)
        if (!keptKeys.contains(u.table) && !committed.contains(u.key(tables[u.table])))
            missing << u.key(tables[u.table]);
    for (auto it = keptKeys.cbegin(); it != keptKeys.cend(); ++it)
        for (const QString &k : it.value())
            if (!committed.contains(k))
                missing << k;
    if (!missing.isEmpty())
        throw Resumable(QStringLiteral("the target no longer has %1 load units it had committed (%2): it restarted; "
                                       "loading them again")
                            .arg(missing.size())
                            .arg(missing.mid(0, 5).join(QStringLiteral(", ")))
                            .toStdString());
}

void LocalEngine::Run::verify(const QHash<int, cutover::TableVerification> &already)
{
    const project::VerifyLevel level = e.m_config.project.settings.verifyLevel;
    QList<cutover::TableRef> refs;
    QList<cutover::TableVerification> results;
    for (int i = 0; i < tables.size(); ++i) {
        const load::SourceTable &t = tables[i];
        if (already.contains(i) && already.value(i).matches()) {
            results << already.value(i);
            continue;
        }
        refs << cutover::tableRef(t);
    }
    // The database's own settings, privileges, comment and connection limit, carried just before.
    QStringList propertyDiffs;
    {
        pg::Connection src = connectSource(db.name);
        pg::Connection dst = connectTarget(db.effectiveTarget());
        const QStringList refused =
            e.m_journal.value(db.name, QStringLiteral("database_properties_refused")).split(u'\n', Qt::SkipEmptyParts);
        for (const QString &d : schema::compareDatabaseProperties(src, db.name, dst, db.effectiveTarget()))
            if (std::none_of(refused.begin(), refused.end(), [&](const QString &st) { return d.endsWith(u": " + st); }))
                propertyDiffs << d;
    }
    if (propertyDiffs.isEmpty())
        log(QStringLiteral("verified the database's own settings, privileges, comment and connection limit: they match"));
    if (!propertyDiffs.isEmpty()) {
        report.insert(QStringLiteral("database_properties_differences"), QJsonArray::fromStringList(propertyDiffs));
        throw std::runtime_error(QStringLiteral("verification: the database's own properties differ between the source "
                                                "and the target (%1): %2. Make them equal, then run again to finish "
                                                "the cutover")
                                     .arg(propertyDiffs.size())
                                     .arg(propertyDiffs.mid(0, 5).join(QStringLiteral("; ")))
                                     .toStdString());
    }
    if (!refs.isEmpty())
        results += cutover::verifyTables(e.m_config.source.withDatabase(db.name),
                                         e.m_config.target.withDatabase(db.effectiveTarget()), refs, jobs, &e.m_stop, level);
    checkStop();
    std::sort(results.begin(), results.end(), [](const cutover::TableVerification &a, const cutover::TableVerification &b) {
        return std::tie(a.schema, a.name) < std::tie(b.schema, b.name);
    });
    QJsonArray arr;
    const QStringList mismatches = verificationMismatches(results, arr, QStringLiteral("source"), QStringLiteral("target"));
    report.insert(QStringLiteral("verification"), arr);
    if (!mismatches.isEmpty())
        throw std::runtime_error(QStringLiteral("verification found %1 tables that differ: %2")
                                     .arg(mismatches.size())
                                     .arg(mismatches.mid(0, 5).join(QStringLiteral("; ")))
                                     .toStdString());
    log(level == project::VerifyLevel::Full
            ? QStringLiteral("verified %1 tables: row counts and checksums match").arg(results.size())
            : QStringLiteral("verified %1 tables: row counts match (checksums not compared: verify_level is count)")
                  .arg(results.size()));
}

QString LocalEngine::Run::objectName() const
{
    // Slot, publication and origin names: a-z, 0-9, _ only, unique per project and database.
    return project::migrationObjectName(e.m_config.project.id, index);
}

void LocalEngine::Run::setUpDdlCapture(pg::Connection &source, const QString &name, const QString &plugin, int sourceVersion)
{
    const auto &settings = e.m_config.project.settings;
    if (!settings.schema.captureDdl) {
        ddlCapture = QStringLiteral("watch only");
        log(QStringLiteral("schema changes on the source are watched, not carried (schema.capture_ddl is off): a table or "
                           "column changed while streaming holds the cutover until it is resolved"));
    } else if (!source.exec(QStringLiteral("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).toBool(0, 0)) {
        ddlCapture = QStringLiteral("watch only");
        log(QStringLiteral("the source role is not a superuser, so pgferry cannot create the event triggers that carry "
                           "schema changes: they are watched instead, and a table or column changed while streaming holds "
                           "the cutover until it is resolved (connect as a superuser to carry them)"));
    } else {
        cdc::DdlCaptureConfig cc;
        cc.names.base = name;
        cc.serverVersion = sourceVersion;
        cc.publication = plugin == u"pgoutput" ? name : QString();
        cc.includeTables = db.includeTables;
        cc.excludeTables = db.excludeTables;
        source.exec(QStringLiteral("BEGIN"));
        try {
            for (const QString &st : cdc::ddlCaptureInstallSql(cc))
                source.exec(st);
            source.exec(QStringLiteral("COMMIT"));
        } catch (const pg::Exception &ex) {
            source.tryExec(QStringLiteral("ROLLBACK"));
            throw std::runtime_error(QStringLiteral("could not install the schema-change capture on the source: %1. Nothing "
                                                    "of it was kept. Turn schema.capture_ddl off to migrate with the "
                                                    "catalog watch only.")
                                         .arg(ex.error().toString())
                                         .toStdString());
        }
        ddlCapture = QStringLiteral("event trigger");
        log(QStringLiteral("installed the schema-change capture on the source: event triggers %1_ddl and %1_drop, their "
                           "functions and tables in schema _pgferry (removed at cutover)")
                .arg(name));
    }
    e.m_journal.setValue(db.name, QStringLiteral("ddl_capture"), ddlCapture);
}

QList<SchemaChange> LocalEngine::Run::watchSchema(const QString &publication, const QString &plugin)
{
    QList<SchemaChange> out;
    if (!watchSource)
        watchSource.emplace(connectSource(db.name));
    if (!watchTarget)
        watchTarget.emplace(connectTarget(db.effectiveTarget()));
    const QList<load::SourceTable> source = load::readTables(*watchSource, db);
    QSet<QString> published;
    if (plugin == u"pgoutput") {
        pg::Result r = watchSource->exec(
            QStringLiteral("SELECT schemaname || '.' || tablename FROM pg_publication_tables WHERE pubname = $1"), {publication});
        for (int i = 0; i < r.rows(); ++i)
            published.insert(r.text(i, 0));
    }
    QHash<QString, load::SourceTable> target;
    for (const load::SourceTable &t : load::readTables(*watchTarget, db))
        target.insert(t.qualifiedName(), t);
    const bool carried = ddlCapture == u"event trigger";
    const QString howToCarry = carried ? QString()
                                       : QStringLiteral(" (pgferry watches schema changes here: %1)")
                                             .arg(e.m_config.project.settings.schema.captureDdl
                                                      ? QStringLiteral("the source role may not create event triggers")
                                                      : QStringLiteral("schema.capture_ddl is off"));
    for (const load::SourceTable &t : source) {
        const QString name = t.qualifiedName();
        const auto tt = target.constFind(name);
        if (tt == target.constEnd()) {
            if (!carried)
                out << SchemaChange{name, QStringLiteral("table created"), QString(), QStringLiteral("unresolved"),
                                    QStringLiteral("created on the source after the snapshot, so neither it nor its rows are "
                                                   "on the target%1. Exclude it, or restart this database's migration to "
                                                   "copy it")
                                        .arg(howToCarry),
                                    QString()};
            continue;
        }
        if (plugin == u"pgoutput" && !t.unlogged && !published.contains(name))
            out << SchemaChange{name, QStringLiteral("table not streamed"), QString(), QStringLiteral("unresolved"),
                                QStringLiteral("it is in the migration's selection but not in its publication, so none of its "
                                               "changes reach the target (a table created without a primary key or replica "
                                               "identity). Add a key, then copy it again (pgferry-cli resync, or Resync in the dashboard), or exclude it"),
                                QString()};
        if (carried)
            continue; // columns change in stream order: the target catches up when the change is applied
        QHash<QString, QString> targetColumns;
        for (const load::SourceColumn &c : tt->columns)
            targetColumns.insert(c.name, c.typeName);
        QSet<QString> sourceColumns;
        for (const load::SourceColumn &c : t.columns) {
            sourceColumns.insert(c.name);
            if (!targetColumns.contains(c.name))
                out << SchemaChange{name + u'.' + c.name, QStringLiteral("column added"), QString(), QStringLiteral("unresolved"),
                                    QStringLiteral("the source has this column and the target does not%1: add it on the "
                                                   "target (ALTER TABLE %2 ADD COLUMN ... %3), or the stream stops at the "
                                                   "first row that fills it")
                                        .arg(howToCarry, name, c.typeName),
                                    QString()};
            else if (targetColumns.value(c.name) != c.typeName)
                out << SchemaChange{name + u'.' + c.name, QStringLiteral("column type changed"), QString(),
                                    QStringLiteral("unresolved"),
                                    QStringLiteral("%1 on the source, %2 on the target%3: change it on the target")
                                        .arg(c.typeName, targetColumns.value(c.name), howToCarry),
                                    QString()};
        }
        for (auto it = targetColumns.cbegin(); it != targetColumns.cend(); ++it)
            if (!sourceColumns.contains(it.key()))
                out << SchemaChange{name + u'.' + it.key(), QStringLiteral("column dropped"), QString(), QStringLiteral("unresolved"),
                                    QStringLiteral("dropped on the source, still on the target%1: drop it on the target (or "
                                                   "give it a default) before rows without it arrive")
                                        .arg(howToCarry),
                                    QString()};
    }
    return out;
}

QList<SchemaChange> LocalEngine::Run::mergedSchemaChanges(const StreamStats &s, QStringList *unresolved) const
{
    QList<SchemaChange> out = s.schemaChanges;
    QSet<QString> held;
    for (const SchemaChange &c : out)
        if (c.unresolved())
            held.insert(c.object);
    for (const SchemaChange &c : watched)
        if (!held.contains(c.object)) {
            out << c;
            held.insert(c.object);
        }
    if (unresolved) {
        unresolved->clear();
        for (const SchemaChange &c : out)
            if (c.unresolved() && !unresolved->contains(c.object))
                *unresolved << c.object;
    }
    return out;
}

void LocalEngine::Run::waitForCutoverOrReady(Until until, ChangeStream &stream)
{
    const auto &settings = e.m_config.project.settings;
    setPhase(DatabasePhase::Streaming);
    log(QStringLiteral("streaming changes"));
    QString lastError;
    qsizetype resyncsLogged = stream.stats().resyncs.size();
    qint64 rewindsLogged = stream.stats().rewinds;
    QElapsedTimer sinceWatch;
    bool watchFailed = false;
    ReadinessProbe::Config probeConfig{.source = e.m_config.source.withDatabase(db.name),
                                       .target = e.m_config.target.withDatabase(db.effectiveTarget()),
                                       .selection = db,
                                       .ownApplication = e.m_config.source.applicationName};
    // Tests sample more often than every 20 s.
    if (const int ms = qEnvironmentVariableIntValue("PGFERRY_SAMPLE_INTERVAL_MS"); ms > 0)
        probeConfig.sampleIntervalMs = probeConfig.sessionsIntervalMs = ms;
    BackgroundReadiness probe(std::move(probeConfig));
    CatchUpEstimate catchUp;
    QElapsedTimer streamClock;
    streamClock.start();
    while (true) {
        if (!sinceWatch.isValid() || sinceWatch.elapsed() >= 3000) {
            sinceWatch.restart();
            try {
                watched = watchSchema(streamPublication, streamPlugin);
                watchFailed = false;
            } catch (const pg::Exception &ex) {
                watchSource.reset();
                watchTarget.reset();
                if (!watchFailed)
                    log(QStringLiteral("could not read the catalogs to watch for schema changes (retrying): ") + ex.error().toString());
                watchFailed = true;
            }
        }
        const StreamStats s = stream.stats();
        for (; resyncsLogged < s.resyncs.size(); ++resyncsLogged)
            log(s.resyncs[resyncsLogged]);
        if (s.rewinds > rewindsLogged) {
            rewindsLogged = s.rewinds;
            log(QStringLiteral("changes the applier had read before they were durable were cut from the spool when the "
                               "source connection dropped: reading them again as the source sends them again (the "
                               "target's origin skips any it committed)"));
        }
        QStringList unresolvedObjects;
        const QList<SchemaChange> schemaChanges = mergedSchemaChanges(s, &unresolvedObjects);
        if (s.lastError != lastError) {
            lastError = s.lastError;
            if (!lastError.isEmpty())
                log(lastError + QStringLiteral(" (retrying)"));
        }
        if (!s.fatalError.isEmpty())
            throw std::runtime_error(s.fatalError.toStdString());
        const qint64 lagBytes = streamLagBytes(s);
        const double lagSeconds = streamLagSeconds(s);
        QString reason;
        if (!s.receiving)
            reason = QStringLiteral("not connected to the source slot") + (s.lastError.isEmpty() ? QString() : u": " + s.lastError);
        else if (!s.applying)
            reason = QStringLiteral("not applying on the target") + (s.lastError.isEmpty() ? QString() : u": " + s.lastError);
        else if (!unresolvedObjects.isEmpty())
            reason = QStringLiteral("schema not in sync: %1 changed on the source in a way pgferry did not carry (see "
                                    "schema_changes)")
                         .arg(unresolvedObjects.mid(0, 8).join(QStringLiteral(", ")));
        else if (lagBytes > settings.cutover.maxLagBytesForReady)
            reason = QStringLiteral("replication lag %1 bytes is above %2").arg(lagBytes).arg(settings.cutover.maxLagBytesForReady);
        probe.post(s, reason.isEmpty());
        QList<ReadinessCheck> checks = streamChecks(s, lagBytes, lagSeconds, settings.cutover.maxLagBytesForReady, schemaChanges);
        checks += probe.checks();
        for (const ReadinessCheck &c : std::as_const(checks))
            if (reason.isEmpty() && c.blocks())
                reason = c.summary;
        qint64 applied = 0;
        for (const auto &c : std::as_const(s.counters))
            applied += c.inserts + c.updates + c.deletes;
        catchUp.add(streamClock.elapsed() / 1000.0, s.applied, s.serverWal, applied);
        {
            QMutexLocker l(&e.m_mutex);
            DatabaseStatus &ds = e.m_status.databases[index];
            ds.pendingChanges = s.pending();
            ds.lagBytes = std::max<qint64>(0, lagBytes);
            ds.lagSeconds = lagSeconds;
            ds.spoolBytes = s.spoolBytes;
            ds.readyForCutover = reason.isEmpty();
            ds.notReadyReason = reason;
            ds.readiness = checks;
            ds.etaSeconds = catchUp.etaSeconds(ds.lagBytes);
            ds.changesPerSecond = catchUp.changesPerSecond();
            ds.schemaChanges = schemaChanges;
            ds.ddlCapture = ddlCapture;
            ds.inserts = ds.updates = ds.deletes = 0;
            for (TableStatus &t : ds.tables) {
                const auto c = s.counters.value(t.schema + u'.' + t.name);
                t.inserts = c.inserts;
                t.updates = c.updates;
                t.deletes = c.deletes;
                ds.inserts += c.inserts;
                ds.updates += c.updates;
                ds.deletes += c.deletes;
            }
            ++e.m_version;
        }
        if (until == Until::Ready && reason.isEmpty())
            return;
        if (reason.isEmpty() && cutoverAsked())
            return;
        checkStop();
        QThread::msleep(250);
    }
}

void LocalEngine::Run::migrate(Until until)
{
    const auto &settings = e.m_config.project.settings;
    const bool online = e.m_config.project.mode == project::Mode::Online;
    const QString tname = db.effectiveTarget();
    Journal &j = e.m_journal;

    // Cut over with a fallback that still runs: only the stream back remains.
    if (online && j.done(db.name, QStringLiteral("cutover_complete")) && j.done(db.name, QStringLiteral("fallback_slot"))) {
        phaseClock.start();
        QElapsedTimer totalClock;
        totalClock.start();
        if (j.value(db.name, QStringLiteral("fallback_outcome")).isEmpty())
            fallback(until);
        finishDatabase(totalClock);
        return;
    }

    // 1. Prepare
    setPhase(DatabasePhase::Prepare);
    phaseClock.start();
    QElapsedTimer totalClock;
    totalClock.start();
    pg::Connection snapshotHolder = connectSource(db.name);
    const int sourceVersion = snapshotHolder.serverVersion();
    sourceEncoding = snapshotHolder.exec(QStringLiteral("SHOW server_encoding")).text(0, 0);
    // pg_dump and pg_restore that read the source, found before anything is created on either side.
    const schema::PgTools tools = schema::PgTools::find(pg::majorKey(sourceVersion));
    if (!tools.isValid())
        throw std::runtime_error(schema::PgTools::missingMessage(pg::majorKey(sourceVersion)).toStdString());
    prepareTargetDatabase();
    pg::Connection target = connectTarget(tname);
    const int targetVersion = target.serverVersion();
    if (pg::majorKey(targetVersion) < pg::majorKey(sourceVersion))
        throw std::runtime_error(QStringLiteral("the target runs PostgreSQL %1 but the source runs %2: the target must be "
                                                "the same major version or newer")
                                     .arg(pg::majorName(targetVersion), pg::majorName(sourceVersion))
                                     .toStdString());
    if (settings.schema.createRoles && !j.done(db.name, QStringLiteral("roles"))) {
        const auto rr = schema::migrateRoles(snapshotHolder, target, !e.m_config.project.target.azureResourceId.isEmpty());
        if (!rr.created.isEmpty())
            log(QStringLiteral("created roles: %1").arg(rr.created.join(QStringLiteral(", "))));
        report.insert(QStringLiteral("roles_created"), QJsonArray::fromStringList(rr.created));
        report.insert(QStringLiteral("roles_need_password"), QJsonArray::fromStringList(rr.needPassword));
        report.insert(QStringLiteral("role_attributes_dropped"), QJsonArray::fromStringList(rr.droppedAttributes));
        j.markDone(db.name, QStringLiteral("roles"));
    }
    j.markDone(db.name, QStringLiteral("prepared"));
    saveJournal();
    checkStop();
    phaseTook(QStringLiteral("prepare"), QStringLiteral("preparing the target database and roles"));

    // 2. One snapshot for pg_dump and every worker. Online, it is the one the slot exports, so the
    //    copy sees exactly the rows committed before the slot's consistent point and the stream
    //    carries exactly the changes after it.
    const QString name = objectName();
    // The slot a resumed load takes its new snapshot from (TEMPORARY from 10 on).
    auto dropResumeSlot = [&](pg::Connection &c) {
        c.tryExec(QStringLiteral("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                                 "WHERE slot_name = $1 AND NOT active"),
                  {QString(name + QStringLiteral("_r"))});
    };
    QString plugin = e.m_config.decoder;
    if (plugin.isEmpty())
        plugin = sourceVersion >= 100000 ? QStringLiteral("pgoutput") : QStringLiteral("test_decoding");
    QString snapshot;
    std::optional<pg::ReplicationConnection> exporter; // must stay open and idle while the snapshot is used
    QHash<QString, pg::Lsn> syncLsn;
    pg::Lsn consistentPoint = 0;
    const bool loadDone = j.done(db.name, QStringLiteral("load"));
    if (online) {
        if (!j.done(db.name, QStringLiteral("slot"))) {
            const QList<load::SourceTable> current = load::readTables(snapshotHolder, db);
            // A published table without a replica identity makes the source's own UPDATE and
            // DELETE fail: refuse before touching anything.
            QStringList noIdentity;
            for (const load::SourceTable &t : current)
                if (!t.unlogged && (t.replicaIdentity == 'n' || (t.replicaIdentity == 'd' && !t.hasPrimaryKey)))
                    noIdentity << t.qualifiedName();
            if (!noIdentity.isEmpty())
                throw std::runtime_error(
                    QStringLiteral("online migration needs a primary key or a replica identity on every table; these have "
                                   "neither: %1. Add a primary key, or run ALTER TABLE ... REPLICA IDENTITY FULL (or USING "
                                   "INDEX on a unique, not-null index), or migrate offline. `pgferry-cli assess` prints "
                                   "the exact statements.")
                        .arg(noIdentity.mid(0, 10).join(QStringLiteral(", ")))
                        .toStdString());
            if (plugin == u"pgoutput") {
                // The publication must exist before the slot: decoding looks it up as of each change.
                snapshotHolder.exec(QStringLiteral("DROP PUBLICATION IF EXISTS ") + snapshotHolder.quoteIdent(name));
                QStringList list;
                for (const load::SourceTable &t : current)
                    if (!t.unlogged)
                        list << snapshotHolder.qualified(t.schema, t.name);
                if (!list.isEmpty())
                    snapshotHolder.exec(QStringLiteral("CREATE PUBLICATION %1 FOR TABLE %2")
                                            .arg(snapshotHolder.quoteIdent(name), list.join(QStringLiteral(", "))));
                else
                    snapshotHolder.exec(QStringLiteral("CREATE PUBLICATION %1").arg(snapshotHolder.quoteIdent(name)));
            }
            // Schema changes from the slot's consistent point on are in the stream: the capture
            // (its log table in the publication) exists before the slot.
            setUpDdlCapture(snapshotHolder, name, plugin, sourceVersion);
            {
                // What test_decoding applies: the selection now (it decodes every table).
                QJsonArray streamed;
                for (const load::SourceTable &t : current)
                    if (!t.unlogged)
                        streamed.append(t.qualifiedName());
                j.setObject(db.name, QStringLiteral("stream_tables"), QJsonObject{{QStringLiteral("tables"), streamed}});
            }
            pg::Result old = snapshotHolder.exec(QStringLiteral("SELECT 1 FROM pg_replication_slots WHERE slot_name = $1"), {name});
            if (old.rows() > 0) // left by a run that died before it journaled the slot
                snapshotHolder.exec(QStringLiteral("SELECT pg_drop_replication_slot($1)"), {name});
            exporter.emplace(pg::ReplicationConnection::open(e.m_config.source.withDatabase(db.name), {.timeout = 15s}));
            const pg::CreatedSlot slot = exporter->createLogicalSlot(name, plugin, true);
            snapshot = slot.snapshotName;
            consistentPoint = slot.consistentPoint;
            j.setValue(db.name, QStringLiteral("slot_lsn"), pg::formatLsn(consistentPoint));
            j.setValue(db.name, QStringLiteral("plugin"), plugin);
            j.markDone(db.name, QStringLiteral("slot"));
            saveJournal();
            log(QStringLiteral("created slot %1 (%2) at %3").arg(name, plugin, pg::formatLsn(consistentPoint)));
        } else {
            plugin = j.value(db.name, QStringLiteral("plugin"));
            ddlCapture = j.value(db.name, QStringLiteral("ddl_capture"));
            consistentPoint = pg::parseLsn(j.value(db.name, QStringLiteral("slot_lsn")));
            // From PostgreSQL 13 on, a slot that exceeded max_slot_wal_keep_size stays listed with
            // wal_status 'lost': as gone as a dropped one.
            pg::Result slotRow = snapshotHolder.exec(
                sourceVersion >= 130000
                    ? QStringLiteral("SELECT 1 FROM pg_replication_slots WHERE slot_name = $1 AND wal_status IS DISTINCT FROM 'lost'")
                    : QStringLiteral("SELECT 1 FROM pg_replication_slots WHERE slot_name = $1"),
                {name});
            if (slotRow.rows() == 0)
                throw std::runtime_error(QStringLiteral("the replication slot %1 of this migration is gone from the source "
                                                        "(dropped or invalidated): changes since then cannot be streamed. "
                                                        "Restart this database's migration from scratch (remove its run "
                                                        "state folder and empty the target database).")
                                             .arg(name)
                                             .toStdString());
            if (!loadDone) {
                // Resumed in the middle of the load: the slot's snapshot is gone. Tables still to load
                // are copied from a new snapshot taken at a known point, and the stream skips their
                // changes up to that point (they are in the copy).
                // Before 10 a slot cannot be temporary: one left by a run that died here is dropped
                // first, and this one is dropped once the load is done.
                if (sourceVersion < 100000)
                    dropResumeSlot(snapshotHolder);
                exporter.emplace(pg::ReplicationConnection::open(e.m_config.source.withDatabase(db.name), {.timeout = 15s}));
                const pg::CreatedSlot tmp = exporter->createLogicalSlot(name + QStringLiteral("_r"), plugin, true, true);
                snapshot = tmp.snapshotName;
                j.setValue(db.name, QStringLiteral("resync_lsn"), pg::formatLsn(tmp.consistentPoint));
                log(QStringLiteral("resuming the load from a new snapshot at %1").arg(pg::formatLsn(tmp.consistentPoint)));
            }
        }
    } else if (!loadDone) {
        snapshotHolder.exec(QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
        snapshot = snapshotHolder.exec(QStringLiteral("SELECT pg_export_snapshot()")).text(0, 0);
    }
    if (!snapshot.isEmpty() && online)
        load::importSnapshot(snapshotHolder, snapshot);
    tables = load::readTables(snapshotHolder, db);
    {
        QMutexLocker l(&e.m_mutex);
        DatabaseStatus &ds = e.m_status.databases[index];
        ds.tables.clear();
        ds.bytesTotal = 0;
        for (const load::SourceTable &t : tables) {
            TableStatus ts;
            ts.schema = t.schema;
            ts.name = t.name;
            ts.rowsEstimated = t.rowsEstimated;
            ts.bytesEstimated = t.bytes;
            ds.tables.append(ts);
            ds.bytesTotal += t.bytes;
        }
        ++e.m_version;
    }
    for (const load::SourceTable &t : tables)
        if (t.unlogged)
            log(QStringLiteral("table %1 is unlogged: copied%2").arg(t.qualifiedName(),
                online ? QStringLiteral(", but its changes are not in the WAL and do not stream") : QString()));

    // Where each table's copy stands in the stream (persisted, so a restart filters the same way).
    if (online) {
        const QJsonObject saved = j.databaseObject(db.name).value(u"sync_lsn").toObject();
        for (auto it = saved.begin(); it != saved.end(); ++it)
            syncLsn.insert(it.key(), pg::parseLsn(it.value().toString()));
    }

    phaseTook(QStringLiteral("snapshot"), QStringLiteral("taking the snapshot and reading the catalog"));

    // 3. Schema, pre-data
    setPhase(DatabasePhase::Schema);
    schema::SchemaMigrator migrator(tools, e.m_config.source.withDatabase(db.name), e.m_config.target.withDatabase(tname),
                                    settings.schema, db, e.m_config.stateDir + QStringLiteral("/db-%1").arg(index), &e.m_stop);
    if (!j.done(db.name, QStringLiteral("pre_data"))) {
        log(QStringLiteral("dumping the schema with pg_dump %1").arg(tools.majorName()));
        migrator.dump(snapshot);
        checkStop();
        if (db.filtered()) {
            const QStringList notes = migrator.filterNotes();
            log(QStringLiteral("table filter: the selected tables with every object they need; %1")
                    .arg(notes.isEmpty() ? QStringLiteral("nothing they refer to is left out") : notes.join(QStringLiteral("; "))));
            report.insert(QStringLiteral("left_out_by_filter"), QJsonArray::fromStringList(notes));
        }
        log(QStringLiteral("restoring everything but foreign keys and triggers"));
        migrator.restorePreData();
        j.markDone(db.name, QStringLiteral("pre_data"));
        saveJournal();
    } else if (!migrator.haveArchives()) {
        migrator.dump(snapshot);
    }
    checkStop();
    phaseTook(QStringLiteral("schema"), QStringLiteral("the schema (pre-data)"));

    // The change stream starts now, so the source keeps no WAL for us while we load.
    std::unique_ptr<ChangeStream> stream;
    if (online) {
        StreamConfig sc;
        sc.source = e.m_config.source.withDatabase(db.name);
        sc.target = e.m_config.target.withDatabase(tname);
        sc.slot = name;
        sc.publication = name;
        sc.plugin = plugin;
        sc.spoolDir = e.m_config.stateDir + QStringLiteral("/db-%1/spool").arg(index);
        sc.originName = name;
        sc.startLsn = consistentPoint;
        sc.sourceEncoding = sourceEncoding;
        if (ddlCapture == u"event trigger")
            sc.ddlLogTable = cdc::DdlCaptureNames{name}.logTable();
        sc.keepOwners = !settings.schema.noOwner;
        if (plugin == u"test_decoding")
            for (const QJsonValue &v : j.databaseObject(db.name).value(u"stream_tables").toObject().value(u"tables").toArray())
                sc.streamedTables.insert(v.toString());
        streamPlugin = plugin;
        streamPublication = name;
        if (!loadDone && j.done(db.name, QStringLiteral("slot")) && !j.value(db.name, QStringLiteral("resync_lsn")).isEmpty()) {
            // Tables that were not completely loaded before are reloaded from the new snapshot.
            const pg::Lsn resync = pg::parseLsn(j.value(db.name, QStringLiteral("resync_lsn")));
            const QSet<QString> doneUnits = [&] {
                pg::Connection t = connectTarget(tname);
                // A run killed before its load began has not made the unit table yet.
                load::createUnitTable(t);
                return load::committedUnits(t);
            }();
            QJsonObject saved = j.databaseObject(db.name).value(u"sync_lsn").toObject();
            pg::Connection tc = connectTarget(tname);
            for (const load::SourceTable &t : tables) {
                // A table counts as loaded only when it was loaded whole (every range of one plan,
                // all from the old snapshot); any other keeps its old copy nowhere: it is emptied
                // and loaded again from the new snapshot, and its changes apply from there on.
                const QStringList have = load::unitsOf(doneUnits, t);
                if (load::coverWholeTable(have))
                    continue;
                if (!have.isEmpty())
                    load::forgetTable(tc, t, have);
                if (!saved.contains(t.qualifiedName()) || pg::parseLsn(saved.value(t.qualifiedName()).toString()) < resync)
                    saved.insert(t.qualifiedName(), pg::formatLsn(resync));
            }
            j.setObject(db.name, QStringLiteral("sync_lsn"), saved);
            j.setValue(db.name, QStringLiteral("resync_lsn"), QString());
            saveJournal();
            syncLsn.clear();
            for (auto it = saved.begin(); it != saved.end(); ++it)
                syncLsn.insert(it.key(), pg::parseLsn(it.value().toString()));
        }
        sc.syncLsn = syncLsn;
        stream = std::make_unique<ChangeStream>(sc, &e.m_stop);
        stream->startReceiver();
        QMutexLocker l(&e.m_mutex);
        e.m_streams.insert(index, stream.get());
    }
    // resyncTable() reaches the stream only while it exists.
    struct Unlist
    {
        LocalEngine &engine;
        int index;
        ~Unlist()
        {
            QMutexLocker l(&engine.m_mutex);
            engine.m_streams.remove(index);
        }
    } unlist{e, index};

    // 4. Full load. Each table's indexes and keys are built, and it is analyzed (and offline,
    //    verified), as soon as all its units are committed, while other tables still copy.
    setPhase(DatabasePhase::FullLoad);
    std::unique_ptr<TableFinisher> finisher;
    if (!j.done(db.name, QStringLiteral("post_load"))) {
        TableFinisherConfig fc;
        fc.migrator = &migrator;
        fc.source = e.m_config.source.withDatabase(db.name);
        fc.target = e.m_config.target.withDatabase(tname);
        fc.tables = tables;
        fc.indexJobs = std::max(1, settings.indexJobs);
        fc.tolerateExisting = !j.value(db.name, QStringLiteral("post_load_started")).isEmpty();
        if (!online && settings.verify)
            fc.verify = settings.verifyLevel;
        fc.stop = &e.m_stop;
        fc.log = [this](const QString &line) { log(line); };
        fc.setState = [this](int table, TableState state) { setTableState(table, state); };
        fc.beforeFirstBuild = [this, &j] {
            j.setValue(db.name, QStringLiteral("post_load_started"), QStringLiteral("yes"));
            saveJournal();
        };
        finisher = std::make_unique<TableFinisher>(fc);
        if (!loadDone)
            finisher->start(snapshotHolder);
    }
    if (!loadDone) {
        loadTables(snapshot, sourceVersion, targetVersion, finisher.get());
        phaseTook(QStringLiteral("load"), QStringLiteral("the full load"));
        log(QStringLiteral("copying large objects"));
        load::copyLargeObjects(snapshotHolder, target, &e.m_stop);
        phaseTook(QStringLiteral("large_objects"), QStringLiteral("large objects"));
        j.markDone(db.name, QStringLiteral("load"));
        saveJournal();
    } else {
        QMutexLocker l(&e.m_mutex);
        for (TableStatus &ts : e.m_status.databases[index].tables) {
            ts.state = TableState::Loaded;
            ts.rowsCopied = ts.rowsEstimated;
            ts.bytesCopied = ts.bytesEstimated;
        }
        ++e.m_version;
    }
    // The snapshot is no longer needed.
    if (snapshotHolder.isOpen())
        snapshotHolder.tryExec(QStringLiteral("COMMIT"));
    const bool resumeSlotLeft = exporter.has_value() && sourceVersion < 100000;
    exporter.reset();
    if (resumeSlotLeft && snapshotHolder.isOpen())
        dropResumeSlot(snapshotHolder);
    checkStop();

    // 5. Post-data: indexes and keys in parallel, then statistics.
    setPhase(DatabasePhase::PostData);
    if (!j.done(db.name, QStringLiteral("post_load"))) {
        {
            QMutexLocker l(&e.m_mutex);
            for (TableStatus &ts : e.m_status.databases[index].tables)
                if (ts.state != TableState::Done && ts.state != TableState::Failed)
                    ts.state = TableState::Indexing;
            ++e.m_version;
        }
        log(QStringLiteral("building the remaining indexes and keys with %1 jobs, then ANALYZE").arg(settings.indexJobs));
        finisher->finish();
        checkStop();
        phaseTook(QStringLiteral("post_load"), QStringLiteral("the remaining indexes, keys and ANALYZE"));
        phaseSeconds.insert(QStringLiteral("index_build_busy"), finisher->indexSeconds());
        phaseSeconds.insert(QStringLiteral("analyze_busy"), finisher->analyzeSeconds());
        phaseSeconds.insert(QStringLiteral("verify_during_load_busy"), finisher->verifySeconds());
        log(QStringLiteral("index builds took %1 s, ANALYZE %2 s and verification %3 s in all, mostly during the load")
                .arg(finisher->indexSeconds(), 0, 'f', 2)
                .arg(finisher->analyzeSeconds(), 0, 'f', 2)
                .arg(finisher->verifySeconds(), 0, 'f', 2));
        j.markDone(db.name, QStringLiteral("post_load"));
        saveJournal();
    }
    {
        QMutexLocker l(&e.m_mutex);
        for (TableStatus &ts : e.m_status.databases[index].tables)
            if (ts.state != TableState::Failed)
                ts.state = TableState::Done;
        ++e.m_version;
    }
    checkStop();

    // 6. Online: apply the stream until the administrator cuts over.
    if (online) {
        stream->startApplier();
        // A cutover that stopped on schema changes it could not carry waits to be asked again.
        if (!j.done(db.name, QStringLiteral("cutover_confirmed")) || !j.value(db.name, QStringLiteral("cutover_refused")).isEmpty()) {
            try {
                waitForCutoverOrReady(until, *stream);
            } catch (...) {
                stream->stop();
                throw;
            }
            if (until == Until::Ready && !cutoverAsked()) {
                stream->stop();
                log(QStringLiteral("ready for cutover"));
                throw ReadyReached();
            }
            // The fallback's needs on the target are checked before the source is touched: a
            // cutover that would have to stop after the drain for them is not started.
            const bool withFallback = fallbackChosen();
            if (withFallback) {
                const QStringList gaps = fallbackPrerequisiteGaps(target);
                if (!gaps.isEmpty()) {
                    stream->stop();
                    throw std::runtime_error(
                        QStringLiteral("cutover not started: the fallback after cutover needs on the target what it lacks: "
                                       "%1. The source is unchanged: run again, then fix the target and cut over, or cut "
                                       "over without the fallback (`pgferry-cli cutover --no-fallback`, or untick it on "
                                       "the Cutover page)")
                            .arg(gaps.join(QStringLiteral("; ")))
                            .toStdString());
                }
            }
            j.setValue(db.name, QStringLiteral("cutover_fallback"), withFallback ? QStringLiteral("on") : QStringLiteral("off"));
            j.markDone(db.name, QStringLiteral("cutover_confirmed"));
            j.setValue(db.name, QStringLiteral("cutover_refused"), QString());
            saveJournal();
        }
        setPhase(DatabasePhase::Cutover);
        pg::Connection src = connectSource(db.name);
        // A cutover that resumes (after a crash or a lost connection) finds the database already
        // read-only; this session still has to switch it, drop the publication and the slot.
        src.exec(QStringLiteral("SET default_transaction_read_only = off"));
        if (settings.cutover.makeSourceReadOnly) {
            log(QStringLiteral("making the source database read-only and ending its other sessions"));
            src.exec(QStringLiteral("ALTER DATABASE %1 SET default_transaction_read_only = on").arg(src.quoteIdent(db.name)));
            j.markDone(db.name, QStringLiteral("source_read_only"));
            saveJournal();
            endOtherSessions(src, QStringLiteral("the source's"));
        }
        const pg::Lsn drainPoint = pg::parseLsn(src.exec(pg::currentWalLsnSql(src.serverVersion())).text(0, 0));
        log(QStringLiteral("waiting until every change up to %1 is applied").arg(pg::formatLsn(drainPoint)));
        QString why;
        if (!stream->drainTo(drainPoint, settings.cutover.drainTimeoutSeconds, &why)) {
            stream->stop();
            if (settings.cutover.makeSourceReadOnly)
                undoReadOnly(src);
            throw std::runtime_error(QStringLiteral("cutover did not complete: %1. The source is unchanged and the "
                                                    "migration can go on: run again and cut over later.")
                                         .arg(why)
                                         .toStdString());
        }
        // The last word on the schema: every change up to the drain point is applied; whatever the
        // stream or the catalogs say could not be carried stops the cutover, before the target
        // is finished.
        {
            QString watchError;
            watchSource.reset(); // ended with the other sessions
            watchTarget.reset();
            try {
                watched = watchSchema(name, plugin);
            } catch (const pg::Exception &ex) {
                watchError = ex.error().toString();
            }
            QStringList unresolved;
            const QList<SchemaChange> changes = mergedSchemaChanges(stream->stats(), &unresolved);
            {
                QMutexLocker l(&e.m_mutex);
                e.m_status.databases[index].schemaChanges = changes;
                ++e.m_version;
            }
            if (!unresolved.isEmpty() || !watchError.isEmpty()) {
                stream->stop();
                if (settings.cutover.makeSourceReadOnly)
                    undoReadOnly(src);
                j.setValue(db.name, QStringLiteral("cutover_refused"), QStringLiteral("yes"));
                saveJournal();
                throw std::runtime_error(
                    QString((watchError.isEmpty()
                         ? QStringLiteral("cutover stopped: the schema of %1 changed on the source in a way pgferry did "
                                          "not carry (see schema_changes in the status)")
                               .arg(unresolved.mid(0, 8).join(QStringLiteral(", ")))
                         : QStringLiteral("cutover stopped: could not check the schemas after the drain (%1)").arg(watchError)) +
                    QString(QStringLiteral(". The source is writable again and the stream can go on: run again, resolve "
                                           "them, and cut over then.")))
                        .toStdString());
            }
        }
        stream->stop();
        const QList<SchemaChange> carried = stream->stats().schemaChanges;
        const bool schemaChanged = std::any_of(carried.begin(), carried.end(),
                                               [](const SchemaChange &c) { return c.state != u"unresolved"; });
        if (schemaChanged) {
            // Tables created, renamed or dropped while streaming are verified as they are now.
            tables = load::readTables(src, db);
            QMutexLocker l(&e.m_mutex);
            DatabaseStatus &ds = e.m_status.databases[index];
            QSet<QString> shown;
            for (const TableStatus &ts : std::as_const(ds.tables))
                shown.insert(ts.schema + u'.' + ts.name);
            for (const load::SourceTable &t : std::as_const(tables))
                if (!shown.contains(t.qualifiedName())) {
                    TableStatus ts;
                    ts.schema = t.schema;
                    ts.name = t.name;
                    ts.state = TableState::Done;
                    ds.tables.append(ts);
                }
            ++e.m_version;
        }
        syncLargeObjects(src, target);
        // The fallback starts here, right after the drain: every later write on the target,
        // the applications' first ones included, streams back into the source.
        if (fallbackConfirmed())
            createFallback(target, src);
        {
            QMutexLocker l(&e.m_mutex);
            e.m_status.databases[index].pendingChanges = 0;
            e.m_status.databases[index].lagBytes = 0;
            e.m_status.databases[index].lagSeconds = 0;
        }
        const auto seqs = load::readSequences(src);
        load::writeSequences(target, seqs);
        log(QStringLiteral("set %1 sequences").arg(seqs.size()));
        log(QStringLiteral("creating foreign keys and triggers, refreshing materialized views"));
        const bool resumed = !j.value(db.name, QStringLiteral("cutover_schema_started")).isEmpty();
        j.setValue(db.name, QStringLiteral("cutover_schema_started"), QStringLiteral("yes"));
        saveJournal();
        if (schemaChanged) {
            // The archive's foreign keys and triggers are the snapshot's: tables renamed or dropped
            // since would fail them. They come from the source's catalog as it is now instead.
            migrator.restoreCutover(resumed, [](const schema::TocEntry &te) {
                return te.desc != u"FK CONSTRAINT" && te.desc != u"TRIGGER";
            });
        } else {
            migrator.restoreCutover(resumed);
        }
        {
            const schema::ReconcileResult rr = schema::createMissingKeysAndTriggers(src, target, tables);
            if (!rr.created.isEmpty())
                log(QStringLiteral("created %1 foreign keys and triggers the archive did not have: %2")
                        .arg(rr.created.size())
                        .arg(rr.created.mid(0, 10).join(QStringLiteral(", "))));
            // The schemas, table by table: columns, indexes and constraints by name. After schema
            // changes were carried a difference stops the cutover (rows can match while an index
            // or a check is missing); otherwise it is reported.
            const QStringList diffs = schema::compareSchemas(src, target, tables);
            if (!diffs.isEmpty()) {
                report.insert(QStringLiteral("schema_differences"), QJsonArray::fromStringList(diffs));
                const QString text = QStringLiteral("the target's schema differs from the source's in %1 place(s): %2")
                                         .arg(diffs.size())
                                         .arg(diffs.mid(0, 8).join(QStringLiteral("; ")));
                if (schemaChanged)
                    throw std::runtime_error(QString(text + QStringLiteral(". Make the target match (the run log and the report "
                                                                    "list every difference), then run again to finish "
                                                                    "the cutover."))
                                                 .toStdString());
                log(text);
            }
        }
        carryDatabaseProperties(src, target);
        j.markDone(db.name, QStringLiteral("cutover_schema"));
        saveJournal();
        if (settings.verify) {
            setPhase(DatabasePhase::Verify);
            verify();
        }
        // Cleanup: slot, publication, origin. The source stays read-only: the applications move.
        // The walsender that streamed may take a moment to let go of the slot.
        for (int attempt = 0; attempt < 100; ++attempt) {
            pg::Result r = src.exec(QStringLiteral("SELECT active FROM pg_replication_slots WHERE slot_name = $1"), {name});
            if (r.rows() == 0)
                break;
            if (!r.toBool(0, 0) && !src.tryExec(QStringLiteral("SELECT pg_drop_replication_slot($1)"), {name}))
                break;
            QThread::msleep(100);
        }
        if (src.exec(QStringLiteral("SELECT 1 FROM pg_replication_slots WHERE slot_name = $1"), {name}).rows() > 0)
            log(QStringLiteral("could not drop the replication slot %1: drop it with SELECT pg_drop_replication_slot('%1')").arg(name));
        // The capture goes before the publication (its trigger names it).
        if (ddlCapture == u"event trigger") {
            for (const QString &st : cdc::ddlCaptureRemoveSql(cdc::DdlCaptureNames{name}))
                if (auto err = src.tryExec(st))
                    log(QStringLiteral("could not remove the schema-change capture from the source (%1): run %2").arg(err->toString(), st));
            log(QStringLiteral("removed the schema-change capture from the source"));
        }
        src.tryExec(QStringLiteral("DROP PUBLICATION IF EXISTS ") + src.quoteIdent(name));
        cdc::Applier::dropOrigin(target, name);
        QDir(e.m_config.stateDir + QStringLiteral("/db-%1/spool").arg(index)).removeRecursively();
        load::dropUnitTable(target); // before the fallback: the applications see only their own tables
        j.markDone(db.name, QStringLiteral("cutover_complete"));
        saveJournal();
        if (j.done(db.name, QStringLiteral("fallback_slot")) && j.value(db.name, QStringLiteral("fallback_outcome")).isEmpty())
            fallback(until);
    } else {
        // Offline: the rest of the cutover right away.
        setPhase(DatabasePhase::Cutover);
        if (!j.done(db.name, QStringLiteral("sequences"))) {
            pg::Connection src = connectSource(db.name);
            const auto seqs = load::readSequences(src);
            const QStringList missing = load::writeSequences(target, seqs);
            if (!missing.isEmpty())
                log(QStringLiteral("sequences missing on the target: %1").arg(missing.join(QStringLiteral(", "))));
            log(QStringLiteral("set %1 sequences").arg(seqs.size() - missing.size()));
            j.markDone(db.name, QStringLiteral("sequences"));
            saveJournal();
            phaseTook(QStringLiteral("sequences"), QStringLiteral("sequences"));
        }
        if (!j.done(db.name, QStringLiteral("cutover_schema"))) {
            log(QStringLiteral("creating foreign keys and triggers, refreshing materialized views"));
            const bool resumed = !j.value(db.name, QStringLiteral("cutover_schema_started")).isEmpty();
            j.setValue(db.name, QStringLiteral("cutover_schema_started"), QStringLiteral("yes"));
            saveJournal();
            migrator.restoreCutover(resumed);
            {
                pg::Connection src = connectSource(db.name);
                carryDatabaseProperties(src, target);
            }
            j.markDone(db.name, QStringLiteral("cutover_schema"));
            saveJournal();
            phaseTook(QStringLiteral("cutover_schema"), QStringLiteral("foreign keys, triggers and the rest of the schema"));
        }
        checkStop();
        if (settings.verify) {
            setPhase(DatabasePhase::Verify);
            verify(finisher ? finisher->verified() : QHash<int, cutover::TableVerification>());
            phaseTook(QStringLiteral("verify"), QStringLiteral("verification"));
        }
    }
    finishDatabase(totalClock);
}

void LocalEngine::Run::finishDatabase(const QElapsedTimer &totalClock)
{
    const QString tname = db.effectiveTarget();
    Journal &j = e.m_journal;
    // A new session: a fail-back ends the target's other sessions, and makes its database
    // read-only by default, which this session overrides for its DDL.
    pg::Connection target = connectTarget(tname);
    target.exec(QStringLiteral("SET default_transaction_read_only = off"));
    load::dropUnitTable(target);
    j.markDone(db.name, QStringLiteral("done"));
    saveJournal();
    setPhase(DatabasePhase::Done);
    phaseSeconds.insert(QStringLiteral("total"), totalClock.elapsed() / 1000.0);
    log(QStringLiteral("migrated to %1 in %2 s").arg(tname).arg(totalClock.elapsed() / 1000.0, 0, 'f', 2));
    writeReport();
}

void LocalEngine::Run::createFallback(pg::Connection &target, pg::Connection &src)
{
    Journal &j = e.m_journal;
    if (j.done(db.name, QStringLiteral("fallback_slot")))
        return;
    const QString name = fallbackObjectName(objectName());
    const FallbackSlot slot = createFallbackSlot(target, e.m_config.target.withDatabase(db.effectiveTarget()), name, tables);
    j.setValue(db.name, QStringLiteral("fallback_plugin"), slot.plugin);
    j.setValue(db.name, QStringLiteral("fallback_lsn"), pg::formatLsn(slot.lsn));
    j.setObject(db.name, QStringLiteral("fallback_tables"),
                QJsonObject{{QStringLiteral("tables"), QJsonArray::fromStringList(slot.tables)}});
    j.markDone(db.name, QStringLiteral("fallback_slot"));
    saveJournal();
    log(QStringLiteral("created the fallback slot %1 (%2) on the target at %3: from here on, what is written on the "
                       "target streams back into the source")
            .arg(name, slot.plugin, pg::formatLsn(slot.lsn)));
    Q_UNUSED(src);
}

void LocalEngine::Run::fallback(Until until)
{
    const auto &settings = e.m_config.project.settings;
    Journal &j = e.m_journal;
    const QString tname = db.effectiveTarget();
    const QString name = fallbackObjectName(objectName());
    std::optional<pg::Connection> src, tgt; // for the schema check; opened again after a failure
    auto open = [&] {
        if (!src || !src->isOpen()) {
            src.emplace(connectSource(db.name));
            src->exec(QStringLiteral("SET default_transaction_read_only = off"));
        }
        if (!tgt || !tgt->isOpen())
            tgt.emplace(connectTarget(tname));
    };
    open();
    if (tables.isEmpty())
        tables = load::readTables(*src, db);
    FallbackSlot slot;
    slot.plugin = j.value(db.name, QStringLiteral("fallback_plugin"));
    slot.lsn = pg::parseLsn(j.value(db.name, QStringLiteral("fallback_lsn")));
    for (const QJsonValue &v : j.databaseObject(db.name).value(u"fallback_tables").toObject().value(u"tables").toArray())
        slot.tables << v.toString();
    const QString encoding = tgt->exec(QStringLiteral("SHOW server_encoding")).text(0, 0);
    const QString spoolDir = e.m_config.stateDir + QStringLiteral("/db-%1/fallback-spool").arg(index);
    auto startStream = [&] {
        auto s = std::make_unique<ChangeStream>(
            fallbackStreamConfig(e.m_config.target.withDatabase(tname), e.m_config.source.withDatabase(db.name), name, slot,
                                 encoding, spoolDir, !settings.schema.noOwner),
            &e.m_stop);
        s->startReceiver();
        s->startApplier();
        return s;
    };
    std::unique_ptr<ChangeStream> stream = startStream();
    struct StopStream
    {
        std::unique_ptr<ChangeStream> &s;
        ~StopStream()
        {
            if (s)
                s->stop();
        }
    } stopStream{stream};
    setPhase(DatabasePhase::Fallback);
    setFallbackState(QStringLiteral("streaming"));
    log(QStringLiteral("fallback: streaming the target's writes back into the source, which stays read-only for "
                       "applications. `pgferry-cli fail-back` returns to the source; `pgferry-cli fallback end` "
                       "ends the fallback"));
    QString lastError, failBackError;
    QStringList gaps;
    QElapsedTimer sinceGaps;
    bool gapsFailed = false;
    bool failingBack = !j.value(db.name, QStringLiteral("fallback_failing_back")).isEmpty();
    while (true) {
        if (!sinceGaps.isValid() || sinceGaps.elapsed() >= 5000) {
            sinceGaps.restart();
            try {
                open();
                gaps = fallbackSchemaGaps(*tgt, *src, tables);
                gapsFailed = false;
            } catch (const pg::Exception &ex) {
                src.reset();
                tgt.reset();
                if (!gapsFailed)
                    log(QStringLiteral("could not compare the schemas of the target and the source (retrying): ") +
                        ex.error().toString());
                gapsFailed = true;
            }
        }
        const StreamStats s = stream->stats();
        if (s.lastError != lastError) {
            lastError = s.lastError;
            if (!lastError.isEmpty())
                log(QStringLiteral("fallback: ") + lastError + QStringLiteral(" (retrying)"));
        }
        if (!s.fatalError.isEmpty()) {
            QString cause = s.fatalError;
            while (cause.endsWith(u'.'))
                cause.chop(1);
            throw std::runtime_error(QStringLiteral("the cutover is complete, but the fallback stream from the target back "
                                                    "into the source stopped: %1. The target is not affected. Fix this and "
                                                    "run again to resume the fallback where it stopped, or end it with "
                                                    "`pgferry-cli fallback end`")
                                         .arg(cause)
                                         .toStdString());
        }
        // A request is taken before the status is written again: a new request clears the last
        // fail-back's failure, which must not show as this one's answer.
        std::optional<FallbackAction> asked;
        {
            QMutexLocker l(&e.m_mutex);
            if (auto it = e.m_fallbackRequests.find(index); it != e.m_fallbackRequests.end()) {
                asked = it.value();
                e.m_fallbackRequests.erase(it);
            }
        }
        if (asked)
            failBackError.clear();
        const qint64 lagBytes = streamLagBytes(s);
        const double lagSeconds = streamLagSeconds(s);
        QString reason;
        if (!failBackError.isEmpty())
            reason = QStringLiteral("fail-back did not complete: ") + failBackError;
        else if (!gaps.isEmpty())
            reason = QStringLiteral("the source cannot take what changed on the target: ") + gaps.mid(0, 8).join(QStringLiteral("; "));
        else if (!s.receiving)
            reason = QStringLiteral("fallback not connected to the target's slot") + (s.lastError.isEmpty() ? QString() : u": " + s.lastError);
        else if (!s.applying)
            reason = QStringLiteral("fallback not applying on the source") + (s.lastError.isEmpty() ? QString() : u": " + s.lastError);
        {
            QMutexLocker l(&e.m_mutex);
            DatabaseStatus &ds = e.m_status.databases[index];
            ds.pendingChanges = s.pending();
            ds.lagBytes = std::max<qint64>(0, lagBytes);
            ds.lagSeconds = lagSeconds;
            ds.spoolBytes = s.spoolBytes;
            ds.readyForCutover = false;
            ds.notReadyReason = reason;
            ++e.m_version;
        }
        if (failingBack || asked == FallbackAction::FailBack) {
            failingBack = false;
            QString why;
            try { // as the schemas are now, not 5 s ago
                open();
                gaps = fallbackSchemaGaps(*tgt, *src, tables);
            } catch (const pg::Exception &ex) {
                src.reset();
                tgt.reset();
                why = QStringLiteral("could not compare the schemas of the target and the source: ") + ex.error().toString();
            }
            if (why.isEmpty() && !gaps.isEmpty())
                why = QStringLiteral("the source cannot take what changed on the target: %1. Make the source's schema "
                                     "match (or undo the change on the target), then fail back")
                          .arg(gaps.mid(0, 8).join(QStringLiteral("; ")));
            if (why.isEmpty() && failBack(stream, &why))
                return;
            failBackError = why;
            log(QStringLiteral("fail-back did not complete: %1. The target is writable again and the fallback goes on").arg(why));
            {
                QMutexLocker l(&e.m_mutex);
                e.m_status.errors << QStringLiteral("database %1: fail-back did not complete: %2").arg(db.name, why);
                ++e.m_version;
            }
            if (!stream)
                stream = startStream();
            setPhase(DatabasePhase::Fallback);
            setFallbackState(QStringLiteral("streaming"));
            continue;
        }
        if (asked == FallbackAction::End) {
            endFallback(stream);
            return;
        }
        if (until == Until::Ready && s.receiving && s.applying && reason.isEmpty() &&
            lagBytes <= settings.cutover.maxLagBytesForReady)
            throw FallbackCaughtUp();
        checkStop();
        QThread::msleep(250);
    }
}

bool LocalEngine::Run::failBack(std::unique_ptr<ChangeStream> &stream, QString *why)
{
    const auto &settings = e.m_config.project.settings;
    Journal &j = e.m_journal;
    const QString tname = db.effectiveTarget();
    const QString name = fallbackObjectName(objectName());
    setPhase(DatabasePhase::FailingBack);
    setFallbackState(QStringLiteral("failing back"));
    j.setValue(db.name, QStringLiteral("fallback_failing_back"), QStringLiteral("yes"));
    saveJournal();
    pg::Connection tgt = connectTarget(tname);
    pg::Connection src = connectSource(db.name);
    tgt.exec(QStringLiteral("SET default_transaction_read_only = off"));
    src.exec(QStringLiteral("SET default_transaction_read_only = off"));
    const QString reopenTarget = QStringLiteral("ALTER DATABASE %1 RESET default_transaction_read_only").arg(tgt.quoteIdent(tname));
    auto undo = [&](const QString &reason) {
        *why = reason;
        if (auto err = tgt.tryExec(reopenTarget))
            log(QStringLiteral("could not make the target database writable again (%1): run %2").arg(err->toString(), reopenTarget));
        j.setValue(db.name, QStringLiteral("fallback_failing_back"), QString());
        saveJournal();
        return false;
    };
    log(QStringLiteral("failing back: making the target database read-only and ending its other sessions"));
    tgt.exec(QStringLiteral("ALTER DATABASE %1 SET default_transaction_read_only = on").arg(tgt.quoteIdent(tname)));
    endOtherSessions(tgt, QStringLiteral("the target's"));
    const pg::Lsn drainPoint = pg::parseLsn(tgt.exec(pg::currentWalLsnSql(tgt.serverVersion())).text(0, 0));
    log(QStringLiteral("failing back: waiting until every change on the target up to %1 is applied on the source")
            .arg(pg::formatLsn(drainPoint)));
    QString drainWhy;
    if (!stream->drainTo(drainPoint, settings.cutover.drainTimeoutSeconds, &drainWhy))
        return undo(drainWhy);
    stream->stop();
    stream.reset();
    QJsonObject fb{{QStringLiteral("drained_to"), pg::formatLsn(drainPoint)}};
    const auto seqs = load::readSequences(tgt);
    const QStringList missing = load::writeSequences(src, seqs);
    if (!missing.isEmpty())
        log(QStringLiteral("sequences missing on the source: %1").arg(missing.join(QStringLiteral(", "))));
    log(QStringLiteral("set %1 sequences on the source").arg(seqs.size() - missing.size()));
    fb.insert(QStringLiteral("sequences"), int(seqs.size() - missing.size()));
    if (settings.verify) {
        // The target is the reference now: it is compared as the "source" side.
        QList<cutover::TableRef> refs;
        for (const load::SourceTable &t : std::as_const(tables))
            refs << cutover::tableRef(t);
        const QList<cutover::TableVerification> results =
            cutover::verifyTables(e.m_config.target.withDatabase(tname), e.m_config.source.withDatabase(db.name), refs, jobs,
                                  &e.m_stop, settings.verifyLevel);
        checkStop();
        QJsonArray arr;
        // The target is the reference now: it was the verification's first side.
        const QStringList mismatches = verificationMismatches(results, arr, QStringLiteral("target"), QStringLiteral("source"));
        fb.insert(QStringLiteral("verification"), arr);
        report.insert(QStringLiteral("fallback"), fb);
        if (!mismatches.isEmpty())
            return undo(QStringLiteral("verification found %1 tables that differ between the target and the source: %2. "
                                       "The source stays read-only")
                            .arg(mismatches.size())
                            .arg(mismatches.mid(0, 5).join(QStringLiteral("; "))));
        log(QStringLiteral("failing back: verified %1 tables, the source matches the target").arg(results.size()));
    }
    // The source is the primary again.
    undoReadOnly(src);
    removeFallbackObjects(tgt, src, name, [this](const QString &line) { log(line); });
    QDir(e.m_config.stateDir + QStringLiteral("/db-%1/fallback-spool").arg(index)).removeRecursively();
    j.setValue(db.name, QStringLiteral("fallback_failing_back"), QString());
    j.setValue(db.name, QStringLiteral("fallback_outcome"), QStringLiteral("failed back"));
    saveJournal();
    fb.insert(QStringLiteral("outcome"), QStringLiteral("failed back"));
    fb.insert(QStringLiteral("at"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
    report.insert(QStringLiteral("fallback"), fb);
    setFallbackState(QStringLiteral("failed back"));
    log(QStringLiteral("failed back: the source has every write made on the target and is writable again; the target "
                       "database %1 is read-only. Point the applications back at the source")
            .arg(tname));
    return true;
}

void LocalEngine::Run::endFallback(std::unique_ptr<ChangeStream> &stream)
{
    Journal &j = e.m_journal;
    stream->stop();
    stream.reset();
    pg::Connection tgt = connectTarget(db.effectiveTarget());
    pg::Connection src = connectSource(db.name);
    src.exec(QStringLiteral("SET default_transaction_read_only = off"));
    removeFallbackObjects(tgt, src, fallbackObjectName(objectName()), [this](const QString &line) { log(line); });
    QDir(e.m_config.stateDir + QStringLiteral("/db-%1/fallback-spool").arg(index)).removeRecursively();
    j.setValue(db.name, QStringLiteral("fallback_outcome"), QStringLiteral("ended"));
    saveJournal();
    report.insert(QStringLiteral("fallback"), QJsonObject{{QStringLiteral("outcome"), QStringLiteral("ended")},
                                                          {QStringLiteral("at"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)}});
    setFallbackState(QStringLiteral("ended"));
    log(QStringLiteral("fallback ended: the target stays the primary; the source stays read-only"));
}

void LocalEngine::Run::writeReport()
{
    QMutexLocker l(&e.m_reportMutex);
    report.insert(QStringLiteral("database"), db.name);
    report.insert(QStringLiteral("target_database"), db.effectiveTarget());
    report.insert(QStringLiteral("phase_seconds"), phaseSeconds);
    {
        QMutexLocker sl(&e.m_mutex);
        const DatabaseStatus &ds = e.m_status.databases[index];
        if (!ds.ddlCapture.isEmpty()) {
            QJsonArray changes;
            for (const SchemaChange &c : ds.schemaChanges)
                changes.append(c.toJson());
            report.insert(QStringLiteral("schema_changes"), changes);
            report.insert(QStringLiteral("ddl_capture"), ds.ddlCapture);
        }
    }
    QFile f(reportFile(e.m_config.stateDir));
    QJsonObject rep = f.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(f.readAll()).object() : QJsonObject();
    f.close();
    QJsonObject dbs = rep.value(u"databases").toObject();
    // What an earlier attempt reported stays, unless this one reports it again (a run resumed in
    // the fallback adds the fallback's outcome to the migration's report).
    QJsonObject mine = dbs.value(db.name).toObject();
    for (auto it = report.begin(); it != report.end(); ++it)
        mine.insert(it.key(), it.value());
    dbs.insert(db.name, mine);
    rep.insert(QStringLiteral("databases"), dbs);
    writeJsonFile(reportFile(e.m_config.stateDir), rep);
}

// ------------------------------------------------------------------ LocalEngine

LocalEngine::LocalEngine(LocalEngineConfig config, QObject *parent)
    : MigrationEngine(parent), m_config(std::move(config)), m_journal(m_config.stateDir)
{
    m_status.projectId = m_config.project.id;
    m_status.engine = QStringLiteral("local");
    m_status.mode = project::modeName(m_config.project.mode);
    for (const auto &d : m_config.project.databases) {
        DatabaseStatus ds;
        ds.name = d.name;
        ds.targetName = d.effectiveTarget();
        m_status.databases.append(ds);
    }
    m_timer.setInterval(250);
    connect(&m_timer, &QTimer::timeout, this, &LocalEngine::publish);
}

LocalEngine::~LocalEngine()
{
    m_stop = true;
    if (m_thread.joinable())
        m_thread.join();
}

void LocalEngine::start(Until until)
{
    if (m_running)
        return;
    m_lastUntil = until;
    if (!m_config.stateDir.isEmpty()) { // else the journal refuses to load, and the run fails saying so
        QDir().mkpath(m_config.stateDir);
        QFile::setPermissions(m_config.stateDir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        QFile::remove(cutoverRequestFile(m_config.stateDir));
        QFile::remove(RunFiles::fallbackRequestFile(m_config.stateDir));
    }
    if (m_thread.joinable())
        m_thread.join();
    m_stop = false;
    m_running = true;
    {
        QMutexLocker l(&m_mutex);
        m_cutoverAsked.clear(); // a cutover that was asked and stopped is asked again
        m_cutoverFallback.clear();
    }
    m_clock.start();
    {
        QMutexLocker l(&m_mutex);
        m_status.startedAt = QDateTime::currentDateTimeUtc();
        m_status.state = RunState::Running;
        m_status.errors.clear();
        ++m_version;
    }
    m_timer.start();
    m_thread = std::thread([this, until] { runAll(until); });
}

void LocalEngine::runAll(Until until)
{
    bool ok = true;
    bool ready = false;
    QStringList errors;
    QString err;
    if (!m_journal.load(&err)) {
        ok = false;
        errors << err;
    } else if (m_config.project.databases.isEmpty()) {
        ok = false;
        errors << QStringLiteral("the project selects no database to migrate");
    }
    // Databases migrate side by side: online, each one streams until the common cutover.
    const int n = ok ? int(m_config.project.databases.size()) : 0;
    std::vector<int> outcome(std::size_t(n), 0); // 0 done, 1 failed, 2 stopped, 3 ready, 4 fallback caught up
    QMutex em;
    auto one = [&](int i) {
        const QString name = m_config.project.databases[i].name;
        if (m_journal.done(name, QStringLiteral("done"))) {
            QMutexLocker l(&m_mutex);
            m_status.databases[i].phase = DatabasePhase::Done;
            m_status.databases[i].fallback = m_journal.value(name, QStringLiteral("fallback_outcome"));
            ++m_version;
            return;
        }
        QString failure;
        for (int attempt = 0;; ++attempt) {
            Run run(*this, i);
            bool resumable = false;
            failure.clear();
            try {
                run.migrate(until);
            } catch (const StopRequested &) {
                outcome[std::size_t(i)] = 2;
            } catch (const ReadyReached &) {
                outcome[std::size_t(i)] = 3;
            } catch (const FallbackCaughtUp &) {
                outcome[std::size_t(i)] = 4;
            } catch (const pg::Exception &ex) {
                failure = ex.error().toString();
                resumable = ex.error().retryable();
            } catch (const Resumable &ex) {
                failure = errorText(ex);
                resumable = true;
            } catch (const std::exception &ex) {
                failure = errorText(ex);
            }
            if (failure.isEmpty() || !resumable || attempt + 1 >= kResumeAttempts || m_stop.load())
                break;
            // A server restarted or a link dropped: resume from the journal after a bounded backoff.
            {
                QMutexLocker l(&m_mutex);
                m_status.databases[i].phase = DatabasePhase::Prepare;
                m_status.log.append(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss ")) + name +
                                    QStringLiteral(": %1; resuming from the journal (attempt %2 of %3)")
                                        .arg(failure)
                                        .arg(attempt + 2)
                                        .arg(kResumeAttempts));
                ++m_version;
            }
            backoff(attempt + 1, m_stop);
        }
        if (!failure.isEmpty()) {
            if (m_stop.load()) {
                outcome[std::size_t(i)] = 2;
                return;
            }
            outcome[std::size_t(i)] = 1;
            QMutexLocker l(&m_mutex);
            m_status.databases[i].phase = DatabasePhase::Failed;
            ++m_version;
            QMutexLocker le(&em);
            errors << QStringLiteral("database %1: %2").arg(name, failure);
        }
    };
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i)
        threads.emplace_back(one, i);
    for (auto &t : threads)
        t.join();
    bool inFallback = false;
    for (int o : outcome) {
        ok = ok && (o == 0 || o == 3 || o == 4);
        ready = ready || o == 3;
        inFallback = inFallback || o == 4;
    }
    const bool stopped = std::find(outcome.begin(), outcome.end(), 2) != outcome.end() || m_stop.load();
    {
        QMutexLocker l(&m_mutex);
        if (stopped && errors.isEmpty())
            m_status.state = RunState::Stopped;
        else if (!ok)
            m_status.state = RunState::Failed;
        else
            m_status.state = ready ? RunState::Streaming : inFallback ? RunState::Fallback : RunState::Completed;
        m_status.errors << errors;
        ++m_version;
    }
    m_journal.save();
    const bool success = ok && !stopped;
    QMetaObject::invokeMethod(this, [this, success] {
        m_timer.stop();
        publish();
        m_running = false;
        if (m_thread.joinable())
            m_thread.join();
        Q_EMIT finished(success);
    }, Qt::QueuedConnection);
}

bool LocalEngine::requestCutover(QString *whyNot)
{
    return requestCutoverOf({}, whyNot);
}

bool LocalEngine::requestCutoverOf(const QString &database, QString *whyNot)
{
    return requestCutoverWith(database, {}, whyNot);
}

bool LocalEngine::requestCutoverWith(const QString &database, const CutoverOptions &options, QString *whyNot)
{
    const MigrationStatus s = status();
    auto refuse = [whyNot](const QString &why) {
        if (whyNot)
            *whyNot = why;
        return false;
    };
    if (m_config.project.mode != project::Mode::Online)
        return refuse(QStringLiteral("an offline migration has no cutover step"));
    // The old server takes no writes of its own while it is the fallback: its database is made
    // read-only at cutover, and only the stream back writes to it.
    if (options.fallback.value_or(false) && !m_config.project.settings.cutover.makeSourceReadOnly)
        return refuse(QStringLiteral("a fallback needs the source made read-only at cutover "
                                     "(settings.cutover.make_source_read_only), which this project turns off"));
    // Lag above the threshold alone does not refuse: it comes and goes with the source's writes (it
    // may jump right after the dashboard said ready), and the cutover waits for it to go down
    // before it touches the source. Anything else (still loading, not streaming) refuses.
    const auto cutOver = [](const DatabaseStatus &d) {
        return d.phase == DatabasePhase::Done || d.phase == DatabasePhase::Fallback || d.phase == DatabasePhase::FailingBack;
    };
    QStringList reasons;
    QList<int> chosen;
    bool waitsForLag = false;
    for (int i = 0; i < s.databases.size(); ++i) {
        const DatabaseStatus &d = s.databases[i];
        if (!database.isEmpty() && d.name != database)
            continue;
        if (cutOver(d)) {
            if (!database.isEmpty())
                return refuse(QStringLiteral("database %1 is cut over already (%2)").arg(d.name, phaseName(d.phase)));
            continue;
        }
        chosen << i;
        if (d.readyForCutover && d.phase == DatabasePhase::Streaming)
            continue;
        if (d.phase == DatabasePhase::Streaming && d.notReadyReason.startsWith(u"replication lag")) {
            waitsForLag = true;
            continue;
        }
        reasons << d.name + QStringLiteral(": ") +
                       (d.notReadyReason.isEmpty() ? QStringLiteral("still in phase ") + phaseName(d.phase) : d.notReadyReason);
    }
    if (!database.isEmpty() && chosen.isEmpty() && reasons.isEmpty())
        return refuse(QStringLiteral("the project has no database %1").arg(database));
    if (chosen.isEmpty() && reasons.isEmpty())
        return refuse(QStringLiteral("every database is cut over already"));
    // All at once: only when the run as a whole streams (none still loading).
    if (!reasons.isEmpty() || (database.isEmpty() && s.state != RunState::Streaming))
        return refuse(reasons.isEmpty() ? QStringLiteral("not ready for cutover (the run is not streaming)")
                                        : QStringLiteral("not ready for cutover (%1)").arg(reasons.join(QStringLiteral("; "))));
    QMutexLocker l(&m_mutex);
    if (waitsForLag) {
        m_status.log.append(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss ")) +
                            QStringLiteral("cutover requested: waiting for the replication lag to fall under the threshold"));
        ++m_version;
    }
    for (int i : chosen) {
        m_cutoverAsked.insert(i);
        if (options.fallback)
            m_cutoverFallback.insert(i, *options.fallback);
        else
            m_cutoverFallback.remove(i);
    }
    return true;
}

bool LocalEngine::resyncTable(const QString &database, const QString &table, QString *whyNot)
{
    auto refuse = [whyNot](const QString &why) {
        if (whyNot)
            *whyNot = why;
        return false;
    };
    if (m_config.project.mode != project::Mode::Online)
        return refuse(QStringLiteral("an offline migration does not stream: run it again to load what is missing"));
    QMutexLocker l(&m_mutex);
    for (int i = 0; i < m_status.databases.size(); ++i) {
        if (m_status.databases[i].name != database)
            continue;
        if (m_status.databases[i].phase != DatabasePhase::Streaming || !m_streams.contains(i))
            return refuse(QStringLiteral("database %1 is not streaming (phase %2): a table is copied again only while "
                                         "changes stream").arg(database, phaseName(m_status.databases[i].phase)));
        if (!table.contains(u'.'))
            return refuse(QStringLiteral("name the table as schema.table"));
        m_streams.value(i)->requestResync(table);
        m_status.log.append(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss ")) + database +
                            QStringLiteral(": copying %1 again from a new snapshot (other tables wait meanwhile)").arg(table));
        ++m_version;
        return true;
    }
    return refuse(QStringLiteral("no database %1 in this migration").arg(database));
}

bool LocalEngine::requestFallback(FallbackAction action, const QString &database, QString *whyNot)
{
    auto refuse = [whyNot](const QString &why) {
        if (whyNot)
            *whyNot = why;
        return false;
    };
    QMutexLocker l(&m_mutex);
    QList<int> chosen;
    QStringList notInFallback;
    for (int i = 0; i < m_status.databases.size(); ++i) {
        const DatabaseStatus &d = m_status.databases[i];
        if (!database.isEmpty() && d.name != database)
            continue;
        if (d.phase == DatabasePhase::Fallback && m_running)
            chosen << i;
        else if (!database.isEmpty() || d.phase != DatabasePhase::Done)
            notInFallback << QStringLiteral("%1 (%2%3)")
                                 .arg(d.name, phaseName(d.phase),
                                      d.fallback.isEmpty() ? QString() : QStringLiteral(", fallback ") + d.fallback);
    }
    if (!database.isEmpty() && chosen.isEmpty() && notInFallback.isEmpty())
        return refuse(QStringLiteral("the project has no database %1").arg(database));
    if (chosen.isEmpty() || !notInFallback.isEmpty())
        return refuse(QStringLiteral("not in fallback: %1. A fallback runs after a cutover with settings.cutover.fallback "
                                     "on (or `cutover --fallback`), while `pgferry-cli run` streams the target's writes back")
                          .arg(notInFallback.isEmpty() ? QStringLiteral("no database") : notInFallback.join(QStringLiteral(", "))));
    for (int i : chosen) {
        m_fallbackRequests.insert(i, action);
        DatabaseStatus &d = m_status.databases[i];
        if (action == FallbackAction::FailBack) {
            d.phase = DatabasePhase::FailingBack;
            d.fallback = QStringLiteral("failing back");
        }
        d.notReadyReason.clear();
        m_status.log.append(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss ")) + d.name +
                            (action == FallbackAction::FailBack ? QStringLiteral(": fail-back requested")
                                                                : QStringLiteral(": ending the fallback")));
    }
    ++m_version;
    return true;
}

bool LocalEngine::retryTable(const QString &database, const QString &table, QString *whyNot)
{
    auto refuse = [whyNot](const QString &why) {
        if (whyNot)
            *whyNot = why;
        return false;
    };
    QMutexLocker l(&m_mutex);
    const DatabaseStatus *d = nullptr;
    for (const DatabaseStatus &x : m_status.databases)
        if (x.name == database)
            d = &x;
    if (!d)
        return refuse(QStringLiteral("the project has no database %1").arg(database));
    const TableStatus *t = nullptr;
    for (const TableStatus &x : d->tables)
        if (x.qualifiedName() == table)
            t = &x;
    if (!t)
        return refuse(QStringLiteral("database %1 has no table %2 in this migration").arg(database, table));
    if (t->state != TableState::Failed)
        return refuse(QStringLiteral("table %1 has not failed (%2)").arg(table, tableStateName(t->state)));
    if (m_running) {
        if (d->phase != DatabasePhase::FullLoad)
            return refuse(QStringLiteral("database %1 has left its load (%2); when the run has ended, Retry starts it "
                                         "again and loads only what is missing")
                              .arg(database, phaseName(d->phase)));
        // The load's workers take it from here (LocalEngine::Run::loadTables).
        m_retry.insert({database, table});
        return true;
    }
    // The run has ended (the load failed on this table): start it again. The journal and the
    // target's unit table make it load only what is missing, this table's failed ranges first.
    for (DatabaseStatus &x : m_status.databases)
        for (TableStatus &y : x.tables)
            if (x.name == database && y.qualifiedName() == table) {
                y.state = TableState::Queued;
                y.error.clear();
            }
    ++m_version;
    l.unlock();
    start(m_lastUntil);
    return true;
}

void LocalEngine::stop()
{
    m_stop = true;
}

MigrationStatus LocalEngine::status() const
{
    QMutexLocker l(&m_mutex);
    return m_status;
}

void LocalEngine::publish()
{
    MigrationStatus s;
    {
        QMutexLocker l(&m_mutex);
        const qint64 now = m_clock.isValid() ? m_clock.elapsed() : 0;
        const double dt = (now - m_lastMs) / 1000.0;
        for (DatabaseStatus &d : m_status.databases) {
            d.tablesTotal = int(d.tables.size());
            d.tablesQueued = d.tablesLoading = d.tablesDone = d.tablesFailed = 0;
            d.rowsCopied = d.bytesCopied = 0;
            for (const TableStatus &t : d.tables) {
                d.rowsCopied += t.rowsCopied;
                d.bytesCopied += t.bytesCopied;
                switch (t.state) {
                case TableState::Queued: ++d.tablesQueued; break;
                case TableState::Loading: ++d.tablesLoading; break;
                case TableState::Failed: ++d.tablesFailed; break;
                default: ++d.tablesDone; break;
                }
            }
        }
        if (dt >= 0.2) {
            // Each database's own rate: several load at once.
            for (DatabaseStatus &d : m_status.databases) {
                const auto last = m_lastCopied.value(d.name, {d.rowsCopied, d.bytesCopied});
                const bool active = d.phase == DatabasePhase::FullLoad;
                const double rps = (d.rowsCopied - last.first) / dt, bps = (d.bytesCopied - last.second) / dt;
                d.rowsPerSecond = active ? std::max(0.0, rps) : 0;
                d.bytesPerSecond = active ? std::max(0.0, bps) : 0;
                // While streaming, the stream loop sets the catch-up ETA.
                if (d.phase != DatabasePhase::Streaming)
                    d.etaSeconds = (active && bps > 0) ? std::max<qint64>(0, d.bytesTotal - d.bytesCopied) / bps : -1;
                m_lastCopied.insert(d.name, {d.rowsCopied, d.bytesCopied});
            }
            m_lastMs = now;
        }
        if (m_status.state == RunState::Running || m_status.state == RunState::Streaming ||
            m_status.state == RunState::CuttingOver || m_status.state == RunState::Fallback ||
            m_status.state == RunState::FailingBack) {
            bool allStreaming = !m_status.databases.isEmpty(), anyCutover = false;
            bool allCutOver = !m_status.databases.isEmpty(), anyFallback = false, anyFailingBack = false;
            for (const DatabaseStatus &d : m_status.databases) {
                // A database cut over on its own (done, or in fallback) waits for the others.
                allStreaming = allStreaming && (d.phase == DatabasePhase::Streaming || d.phase == DatabasePhase::Done ||
                                                d.phase == DatabasePhase::Fallback || d.phase == DatabasePhase::FailingBack);
                anyCutover = anyCutover || d.phase == DatabasePhase::Cutover || d.phase == DatabasePhase::Verify;
                allCutOver = allCutOver && (d.phase == DatabasePhase::Fallback || d.phase == DatabasePhase::FailingBack ||
                                            d.phase == DatabasePhase::Done);
                anyFallback = anyFallback || d.phase == DatabasePhase::Fallback;
                anyFailingBack = anyFailingBack || d.phase == DatabasePhase::FailingBack;
            }
            m_status.state = anyCutover                    ? RunState::CuttingOver
                             : anyFailingBack              ? RunState::FailingBack
                             : anyFallback && allCutOver   ? RunState::Fallback
                             : allStreaming && m_config.project.mode == project::Mode::Online ? RunState::Streaming
                                                                                              : RunState::Running;
        }
        m_status.updatedAt = QDateTime::currentDateTimeUtc();
        s = m_status;
        ++m_version;
    }
    RunFiles::writeStatus(m_config.stateDir, s);
    Q_EMIT statusChanged(s);
}

} // namespace pgferry::engine
