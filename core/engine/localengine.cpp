#include "engine/localengine.h"

#include "cutover/verify.h"
#include "load/catalog.h"
#include "load/copier.h"
#include "load/objects.h"
#include "pg/connection.h"
#include "schema/pgtools.h"
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

struct StopRequested : std::exception
{
    const char *what() const noexcept override { return "stopped"; }
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
    pg::Connection connectSource(const QString &dbname)
    {
        pg::Connection c = pg::Connection::open(e.m_config.source.withDatabase(dbname), {.timeout = 15s, .cancel = &e.m_stop});
        c.setCancelFlag(&e.m_stop);
        return c;
    }
    pg::Connection connectTarget(const QString &dbname)
    {
        pg::Connection c = pg::Connection::open(e.m_config.target.withDatabase(dbname), {.timeout = 15s, .cancel = &e.m_stop});
        c.setCancelFlag(&e.m_stop);
        return c;
    }
    void setPhase(DatabasePhase p)
    {
        QMutexLocker l(&e.m_mutex);
        e.m_status.databases[index].phase = p;
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
    void prepareTargetDatabase(const pg::Connection &source);
    void loadTables(const QString &snapshot, int sourceVersion, int targetVersion);
    void verify();

    LocalEngine &e;
    const project::DatabaseSelection db;
    const int index;
    const int jobs;
    QList<load::SourceTable> tables;
    QJsonObject report;
};

void LocalEngine::Run::prepareTargetDatabase(const pg::Connection &source)
{
    Q_UNUSED(source);
    const QString tname = db.effectiveTarget();
    pg::Connection admin = connectTarget(e.m_config.target.database);
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

void LocalEngine::Run::loadTables(const QString &snapshot, int sourceVersion, int targetVersion)
{
    const QString tname = db.effectiveTarget();
    const auto &settings = e.m_config.project.settings;
    const QList<load::LoadUnit> units = load::planUnits(tables, settings.splitThresholdBytes, jobs);

    QSet<QString> done;
    {
        pg::Connection t = connectTarget(tname);
        load::createUnitTable(t);
        done = load::committedUnits(t);
    }
    {
        QMutexLocker l(&e.m_mutex);
        DatabaseStatus &ds = e.m_status.databases[index];
        for (const load::LoadUnit &u : units) {
            TableStatus &ts = ds.tables[u.table];
            ts.rangesTotal = u.ranges;
            if (done.contains(u.key(tables[u.table]))) {
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

    std::deque<load::LoadUnit> queue;
    for (const load::LoadUnit &u : units)
        if (!done.contains(u.key(tables[u.table])))
            queue.push_back(u);
    if (queue.empty())
        return;
    log(QStringLiteral("loading %1 units of %2 tables with %3 workers").arg(queue.size()).arg(tables.size()).arg(jobs));

    QMutex qm;
    QStringList failures;
    load::CopyOptions copyOptions;
    copyOptions.binary = sourceVersion / 10000 == targetVersion / 10000;
    copyOptions.sourceMajor = sourceVersion / 10000;

    auto worker = [&]() {
        pg::Connection src, dst;
        auto connect = [&]() {
            src = connectSource(db.name);
            load::importSnapshot(src, snapshot);
            dst = connectTarget(tname);
            load::prepareTargetSession(dst);
        };
        while (!e.m_stop.load()) {
            load::LoadUnit unit;
            {
                QMutexLocker l(&qm);
                if (queue.empty())
                    return;
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
                    QMutexLocker l(&e.m_mutex);
                    TableStatus &ts = e.m_status.databases[index].tables[unit.table];
                    ts.rowsCopied += res.rows - rowsSoFar; // the server's own count is the truth
                    ++ts.rangesDone;
                    ts.durationSeconds += timer.elapsed() / 1000.0;
                    if (ts.rangesDone >= ts.rangesTotal)
                        ts.state = TableState::Loaded;
                    ++e.m_version;
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
                    if (err.retryable() && attempt < 6) {
                        log(QStringLiteral("table %1: %2; retrying (attempt %3)").arg(table.qualifiedName(), err.toString()).arg(attempt + 2));
                        // A new snapshot cannot replace the exported one; a broken source connection
                        // re-imports it, which works while the exporting session lives.
                        backoff(attempt, e.m_stop);
                        continue;
                    }
                    const QString msg = QStringLiteral("table %1 (full load): %2").arg(table.qualifiedName(), err.toString());
                    QMutexLocker l(&e.m_mutex);
                    TableStatus &ts = e.m_status.databases[index].tables[unit.table];
                    ts.state = TableState::Failed;
                    ts.error = err.toString();
                    e.m_status.errors.append(msg);
                    ++e.m_version;
                    QMutexLocker lq(&qm);
                    failures << msg;
                    if (!src.isOpen() || src.exec(QStringLiteral("SELECT 1")).rows() != 1)
                        src.close();
                    break;
                } catch (const std::exception &ex) {
                    QMutexLocker lq(&qm);
                    failures << QStringLiteral("table %1 (full load): %2").arg(table.qualifiedName(), errorText(ex));
                    break;
                }
            }
        }
    };
    std::vector<std::thread> threads;
    for (int i = 0; i < jobs; ++i)
        threads.emplace_back(worker);
    for (auto &t : threads)
        t.join();
    checkStop();
    if (!failures.isEmpty())
        throw std::runtime_error(QStringLiteral("%1 of %2 load units failed; the others are kept and a rerun loads only "
                                                "what is missing. First: %3")
                                     .arg(failures.size())
                                     .arg(units.size())
                                     .arg(failures.first())
                                     .toStdString());
}

void LocalEngine::Run::verify()
{
    QList<cutover::TableRef> refs;
    for (const load::SourceTable &t : tables) {
        cutover::TableRef r{t.schema, t.name, {}};
        for (const auto &c : t.columns)
            r.columns << c.name;
        refs << r;
    }
    const auto results = cutover::verifyTables(e.m_config.source.withDatabase(db.name),
                                               e.m_config.target.withDatabase(db.effectiveTarget()), refs, jobs, &e.m_stop);
    checkStop();
    QJsonArray arr;
    QStringList mismatches;
    for (const auto &v : results) {
        arr.append(v.toJson());
        if (!v.matches())
            mismatches << QStringLiteral("%1.%2 (source %3 rows, target %4 rows%5)")
                              .arg(v.schema, v.name)
                              .arg(v.source.rows)
                              .arg(v.target.rows)
                              .arg(v.error.isEmpty() ? QString() : QStringLiteral(", ") + v.error);
    }
    report.insert(QStringLiteral("verification"), arr);
    if (!mismatches.isEmpty())
        throw std::runtime_error(QStringLiteral("verification found %1 tables that differ: %2")
                                     .arg(mismatches.size())
                                     .arg(mismatches.mid(0, 5).join(QStringLiteral("; ")))
                                     .toStdString());
    log(QStringLiteral("verified %1 tables: row counts and checksums match").arg(results.size()));
}

void LocalEngine::Run::migrate(Until until)
{
    Q_UNUSED(until);
    const auto &settings = e.m_config.project.settings;
    const QString tname = db.effectiveTarget();
    Journal &j = e.m_journal;

    // 1. Prepare
    setPhase(DatabasePhase::Prepare);
    pg::Connection snapshotHolder = connectSource(db.name);
    const int sourceVersion = snapshotHolder.serverVersion();
    prepareTargetDatabase(snapshotHolder);
    pg::Connection target = connectTarget(tname);
    const int targetVersion = target.serverVersion();
    if (targetVersion / 10000 < sourceVersion / 10000)
        throw std::runtime_error(QStringLiteral("the target runs PostgreSQL %1 but the source runs %2: the target must be "
                                                "the same major version or newer")
                                     .arg(targetVersion / 10000)
                                     .arg(sourceVersion / 10000)
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

    // 2. One snapshot for pg_dump and every worker.
    snapshotHolder.exec(QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
    const QString snapshot = snapshotHolder.exec(QStringLiteral("SELECT pg_export_snapshot()")).text(0, 0);
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
            log(QStringLiteral("table %1 is unlogged: copied now, but its later changes are not in the WAL and cannot stream")
                    .arg(t.qualifiedName()));

    // 3. Schema, pre-data
    setPhase(DatabasePhase::Schema);
    const schema::PgTools tools = schema::PgTools::find(sourceVersion / 10000 >= 10 ? sourceVersion / 10000 : sourceVersion / 100);
    if (!tools.isValid())
        throw std::runtime_error(schema::PgTools::missingMessage(sourceVersion / 10000).toStdString());
    schema::SchemaMigrator migrator(tools, e.m_config.source.withDatabase(db.name), e.m_config.target.withDatabase(tname),
                                    settings.schema, db, e.m_config.stateDir + QStringLiteral("/db-%1").arg(index), &e.m_stop);
    if (!j.done(db.name, QStringLiteral("pre_data"))) {
        log(QStringLiteral("dumping the schema with pg_dump %1").arg(tools.major()));
        migrator.dump(snapshot);
        checkStop();
        log(QStringLiteral("restoring everything but foreign keys and triggers"));
        migrator.restorePreData();
        j.markDone(db.name, QStringLiteral("pre_data"));
        saveJournal();
    } else if (!migrator.haveArchives()) {
        migrator.dump(snapshot);
    }
    checkStop();

    // 4. Full load
    setPhase(DatabasePhase::FullLoad);
    if (!j.done(db.name, QStringLiteral("load"))) {
        loadTables(snapshot, sourceVersion, targetVersion);
        log(QStringLiteral("copying large objects"));
        load::copyLargeObjects(snapshotHolder, target, &e.m_stop);
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
    checkStop();

    // 5. Post-data: indexes and keys in parallel, then statistics.
    setPhase(DatabasePhase::PostData);
    if (!j.done(db.name, QStringLiteral("post_load"))) {
        {
            QMutexLocker l(&e.m_mutex);
            for (TableStatus &ts : e.m_status.databases[index].tables)
                ts.state = TableState::Indexing;
            ++e.m_version;
        }
        log(QStringLiteral("building indexes and keys with %1 jobs").arg(settings.indexJobs));
        const bool resumed = !j.value(db.name, QStringLiteral("post_load_started")).isEmpty();
        j.setValue(db.name, QStringLiteral("post_load_started"), QStringLiteral("yes"));
        saveJournal();
        migrator.restorePostLoad(std::max(1, settings.indexJobs), resumed);
        target.exec(QStringLiteral("ANALYZE"));
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

    // 6. Offline: the rest of the cutover right away.
    setPhase(DatabasePhase::Cutover);
    if (!j.done(db.name, QStringLiteral("sequences"))) {
        const auto seqs = load::readSequences(snapshotHolder);
        const QStringList missing = load::writeSequences(target, seqs);
        if (!missing.isEmpty())
            log(QStringLiteral("sequences missing on the target: %1").arg(missing.join(QStringLiteral(", "))));
        log(QStringLiteral("set %1 sequences").arg(seqs.size() - missing.size()));
        j.markDone(db.name, QStringLiteral("sequences"));
        saveJournal();
    }
    snapshotHolder.exec(QStringLiteral("COMMIT"));
    if (!j.done(db.name, QStringLiteral("cutover_schema"))) {
        log(QStringLiteral("creating foreign keys and triggers, refreshing materialized views"));
        const bool resumed = !j.value(db.name, QStringLiteral("cutover_schema_started")).isEmpty();
        j.setValue(db.name, QStringLiteral("cutover_schema_started"), QStringLiteral("yes"));
        saveJournal();
        migrator.restoreCutover(resumed);
        j.markDone(db.name, QStringLiteral("cutover_schema"));
        saveJournal();
    }
    checkStop();
    if (settings.verify) {
        setPhase(DatabasePhase::Verify);
        verify();
    }
    load::dropUnitTable(target);
    j.markDone(db.name, QStringLiteral("done"));
    saveJournal();
    setPhase(DatabasePhase::Done);
    log(QStringLiteral("migrated to %1").arg(tname));
    {
        QMutexLocker l(&e.m_mutex);
        QJsonObject all = e.m_status.databases[index].toJson();
        report.insert(QStringLiteral("database"), db.name);
        report.insert(QStringLiteral("target_database"), tname);
        QJsonObject rep = QJsonDocument::fromJson([&] {
                              QFile f(reportFile(e.m_config.stateDir));
                              return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
                          }())
                              .object();
        QJsonObject dbs = rep.value(u"databases").toObject();
        dbs.insert(db.name, report);
        rep.insert(QStringLiteral("databases"), dbs);
        writeJsonFile(reportFile(e.m_config.stateDir), rep);
    }
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
    QDir().mkpath(m_config.stateDir);
    QFile::setPermissions(m_config.stateDir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    if (m_thread.joinable())
        m_thread.join();
    m_stop = false;
    m_running = true;
    m_clock.start();
    {
        QMutexLocker l(&m_mutex);
        m_status.startedAt = QDateTime::currentDateTimeUtc();
        m_status.state = RunState::Running;
        m_status.errors.clear();
        ++m_version;
    }
    QFile::remove(cutoverRequestFile(m_config.stateDir));
    m_timer.start();
    m_thread = std::thread([this, until] { runAll(until); });
}

void LocalEngine::runAll(Until until)
{
    bool ok = true;
    QString err;
    if (!m_journal.load(&err)) {
        ok = false;
    } else if (m_config.project.databases.isEmpty()) {
        ok = false;
        err = QStringLiteral("the project selects no database to migrate");
    } else if (m_config.project.mode == project::Mode::Online) {
        ok = false;
        err = QStringLiteral("online mode (change data capture) is not available in this build yet; choose offline mode");
    }
    for (int i = 0; ok && i < m_config.project.databases.size(); ++i) {
        if (m_journal.done(m_config.project.databases[i].name, QStringLiteral("done"))) {
            QMutexLocker l(&m_mutex);
            m_status.databases[i].phase = DatabasePhase::Done;
            continue;
        }
        Run run(*this, i);
        try {
            run.migrate(until);
        } catch (const StopRequested &) {
            ok = false;
        } catch (const pg::Exception &ex) {
            ok = false;
            err = QStringLiteral("database %1: %2").arg(m_config.project.databases[i].name, ex.error().toString());
        } catch (const std::exception &ex) {
            ok = false;
            err = QStringLiteral("database %1: %2").arg(m_config.project.databases[i].name, errorText(ex));
        }
        if (!ok && !m_stop.load()) {
            QMutexLocker l(&m_mutex);
            m_status.databases[i].phase = DatabasePhase::Failed;
        }
    }
    {
        QMutexLocker l(&m_mutex);
        if (m_stop.load())
            m_status.state = RunState::Stopped;
        else
            m_status.state = ok ? RunState::Completed : RunState::Failed;
        if (!err.isEmpty())
            m_status.errors.append(err);
        ++m_version;
    }
    m_journal.save();
    QMetaObject::invokeMethod(this, [this, ok] {
        m_timer.stop();
        publish();
        m_running = false;
        if (m_thread.joinable())
            m_thread.join();
        Q_EMIT finished(ok);
    }, Qt::QueuedConnection);
}

bool LocalEngine::requestCutover(QString *whyNot)
{
    const MigrationStatus s = status();
    if (!s.readyForCutover()) {
        if (whyNot)
            *whyNot = QStringLiteral("not ready for cutover");
        return false;
    }
    m_cutover = true;
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
        qint64 rows = 0, bytes = 0;
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
            rows += d.rowsCopied;
            bytes += d.bytesCopied;
        }
        if (dt >= 0.2) {
            const double rps = (rows - m_lastRows) / dt, bps = (bytes - m_lastBytes) / dt;
            for (DatabaseStatus &d : m_status.databases) {
                // Split the rate by share of the work in flight; one database runs at a time.
                const bool active = d.phase == DatabasePhase::FullLoad;
                d.rowsPerSecond = active ? std::max(0.0, rps) : 0;
                d.bytesPerSecond = active ? std::max(0.0, bps) : 0;
                d.etaSeconds = (active && bps > 0) ? std::max<qint64>(0, d.bytesTotal - d.bytesCopied) / bps : -1;
            }
            m_lastRows = rows;
            m_lastBytes = bytes;
            m_lastMs = now;
        }
        m_status.updatedAt = QDateTime::currentDateTimeUtc();
        s = m_status;
        ++m_version;
    }
    writeJsonFile(statusFile(m_config.stateDir), s.toJson());
    Q_EMIT statusChanged(s);
}

} // namespace pgferry::engine
