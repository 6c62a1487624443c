// The load: the change stream starts (online, so the source keeps no WAL for us meanwhile), the
// tables are copied in parallel from the snapshot, and their indexes, keys and statistics built.
// Each unit a worker commits is recorded on the target, so a resumed load copies only what is
// missing; "load" and "post_load" are journaled once the phase is whole.
#include "engine/localrun.h"

#include "cdc/ddlcapture.h"
#include "load/catalog.h"
#include "load/copier.h"
#include "load/objects.h"
#include "pg/version.h"

#include <QMutexLocker>
#include <QSet>
#include <deque>
#include <thread>

namespace pgferry::engine {

void LocalEngine::Run::openStream()
{
    const auto &settings = e.m_config.project.settings;
    Journal &j = e.m_journal;

    // The change stream starts now, so the source keeps no WAL for us while we load.
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
        if (ddlCapture == u"watch only")
            sc.awaitWatchSeconds = 120;
        if (plugin == u"test_decoding")
            for (const QJsonValue &v :
                 j.databaseObject(db.name).value(u"stream_tables").toObject().value(u"tables").toArray())
                sc.streamedTables.insert(v.toString());
        streamPlugin = plugin;
        streamPublication = name;
        if (!loadDone && j.done(db.name, QStringLiteral("slot")) &&
            !j.value(db.name, QStringLiteral("resync_lsn")).isEmpty()) {
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
                if (!saved.contains(t.qualifiedName()) ||
                    pg::parseLsn(saved.value(t.qualifiedName()).toString()) < resync)
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
}

void LocalEngine::Run::loadAll()
{
    const auto &settings = e.m_config.project.settings;
    Journal &j = e.m_journal;

    // 4. Full load. Each table's indexes and keys are built, and it is analyzed (and offline,
    //    verified), as soon as all its units are committed, while other tables still copy.
    setPhase(DatabasePhase::FullLoad);
    if (!j.done(db.name, QStringLiteral("post_load"))) {
        TableFinisherConfig fc;
        fc.migrator = &*migrator;
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
        fc.beforeFirstBuild = [this, &j = e.m_journal] {
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
}

// The full load's shared work: the units left, and what failed. Workers take units under `qm`;
// a unit's failure goes into `failures` (all of them) and, when retrying it may help, `failedUnits`.
struct LocalEngine::Run::LoadWork
{
    QString snapshot;
    load::CopyOptions copyOptions;
    TableFinisher *finisher = nullptr;
    QMutex qm;
    std::deque<load::LoadUnit> queue;
    QStringList failures;
    int resumableFailures = 0;
    // Units that failed for good, with their message: a retry of their table (the wizard's Retry,
    // LocalEngine::retryTable) puts them back in the queue while this load runs.
    QList<std::pair<load::LoadUnit, QString>> failedUnits;
    std::atomic_bool snapshotLost{false};
};

void LocalEngine::Run::loadTables(const QString &snapshot, int sourceVersion, int targetVersion,
                                  TableFinisher *finisher)
{
    const auto &settings = e.m_config.project.settings;
    const QList<load::LoadUnit> units = load::planUnits(tables, settings.splitThresholdBytes, jobs);
    const ResumedUnits resumed = resumedUnits(units);
    showResumedUnits(units, resumed, finisher);

    LoadWork w;
    w.snapshot = snapshot;
    w.finisher = finisher;
    w.copyOptions.binary = pg::sameMajor(sourceVersion, targetVersion);
    w.copyOptions.sourceMajor = pg::majorKey(sourceVersion);
    for (const load::LoadUnit &u : units)
        if (!resumed.covers(u, tables))
            w.queue.push_back(u);
    if (w.queue.empty())
        return;
    log(QStringLiteral("loading %1 units of %2 tables with %3 workers")
            .arg(w.queue.size())
            .arg(tables.size())
            .arg(jobs));
    do {
        std::vector<std::thread> threads;
        for (int i = 0; i < jobs; ++i)
            threads.emplace_back([this, &w] { loadWorker(w); });
        for (auto &t : threads)
            t.join();
        checkStop();
    } while (!w.snapshotLost.load() && takeRetries(w) > 0); // a retry asked for as the last worker ended
    if (!w.failures.isEmpty()) {
        const QString msg =
            QStringLiteral("%1 of %2 load units failed; the others are kept and a rerun loads only "
                           "what is missing. First: %3")
                .arg(w.failures.size())
                .arg(units.size())
                .arg(w.failures.first());
        if (w.resumableFailures == w.failures.size())
            throw Resumable(msg.toStdString());
        throw std::runtime_error(msg.toStdString());
    }
    checkUnitsCommitted(units, resumed);
}

LocalEngine::Run::ResumedUnits LocalEngine::Run::resumedUnits(const QList<load::LoadUnit> &units)
{
    // What an earlier run committed. A table's units count only under the plan they were made
    // with: the same ranges again are skipped, every range of another plan means the table is
    // loaded, and part of another plan (the table grew and splits elsewhere now) is emptied and
    // loaded again. Comparing keys of two plans would skip or double rows.
    ResumedUnits out;
    pg::Connection t = connectTarget(db.effectiveTarget());
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
                out.done.insert(k);
        } else if (load::coverWholeTable(have)) {
            out.keptKeys.insert(i, have);
        } else {
            log(QStringLiteral("table %1 was partly loaded under another split; loading it again whole")
                    .arg(tables[i].qualifiedName()));
            load::forgetTable(t, tables[i], have);
        }
    }
    return out;
}

void LocalEngine::Run::showResumedUnits(const QList<load::LoadUnit> &units, const ResumedUnits &resumed,
                                        TableFinisher *finisher)
{
    QList<int> loaded;
    {
        QMutexLocker l(&e.m_mutex);
        DatabaseStatus &ds = e.m_status.databases[index];
        for (const load::LoadUnit &u : units) {
            TableStatus &ts = ds.tables[u.table];
            ts.rangesTotal = u.ranges;
            if (resumed.covers(u, tables)) {
                ++ts.rangesDone;
                ts.rowsCopied += ts.rowsEstimated / std::max(1, u.ranges);
                ts.bytesCopied += ts.bytesEstimated / std::max(1, u.ranges);
            }
        }
        for (int i = 0; i < ds.tables.size(); ++i)
            if (ds.tables[i].rangesDone >= ds.tables[i].rangesTotal) {
                ds.tables[i].state = TableState::Loaded;
                loaded << i;
            }
        ++e.m_version;
    }
    // Tables loaded whole by an earlier run are finished now (their indexes may exist: a resumed
    // run tolerates that).
    if (finisher)
        for (int i : loaded)
            finisher->tableLoaded(i);
}

void LocalEngine::Run::checkUnitsCommitted(const QList<load::LoadUnit> &units, const ResumedUnits &resumed)
{
    // Trust, but verify: every planned unit is committed on the target (a target that crashed
    // and recovered keeps only what it had made durable).
    pg::Connection t = connectTarget(db.effectiveTarget());
    const QSet<QString> committed = load::committedUnits(t);
    QStringList missing;
    for (const load::LoadUnit &u : units)
        if (!resumed.keptKeys.contains(u.table) && !committed.contains(u.key(tables[u.table])))
            missing << u.key(tables[u.table]);
    for (auto it = resumed.keptKeys.cbegin(); it != resumed.keptKeys.cend(); ++it)
        for (const QString &k : it.value())
            if (!committed.contains(k))
                missing << k;
    if (!missing.isEmpty())
        throw Resumable(
            QStringLiteral("the target no longer has %1 load units it had committed (%2): it restarted; "
                           "loading them again")
                .arg(missing.size())
                .arg(missing.mid(0, 5).join(QStringLiteral(", ")))
                .toStdString());
}

int LocalEngine::Run::takeRetries(LoadWork &w)
{
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
        QMutexLocker lq(&w.qm);
        for (auto it = w.failedUnits.begin(); it != w.failedUnits.end();) {
            if (!wanted.contains(tables[it->first.table].qualifiedName())) {
                ++it;
                continue;
            }
            w.queue.push_back(it->first);
            w.failures.removeOne(it->second);
            e.m_status.errors.removeAll(it->second);
            TableStatus &ts = e.m_status.databases[index].tables[it->first.table];
            ts.state = TableState::Queued;
            ts.error.clear();
            it = w.failedUnits.erase(it);
            ++n;
        }
        ++e.m_version;
    }
    if (n > 0) // log() takes the status lock itself
        log(QStringLiteral("retrying %1 failed load units of %2")
                .arg(n)
                .arg(wanted.join(QStringLiteral(", "))));
    return n;
}

bool LocalEngine::Run::nextUnit(LoadWork &w, load::LoadUnit &unit)
{
    while (true) {
        {
            QMutexLocker l(&w.qm);
            if (!w.queue.empty()) {
                unit = w.queue.front();
                w.queue.pop_front();
                return true;
            }
        }
        if (takeRetries(w) == 0)
            return false;
    }
}

void LocalEngine::Run::loadWorker(LoadWork &w)
{
    pg::Connection src, dst;
    load::LoadUnit unit;
    while (!e.m_stop.load() && !w.snapshotLost.load() && nextUnit(w, unit)) {
        {
            QMutexLocker l(&e.m_mutex);
            TableStatus &ts = e.m_status.databases[index].tables[unit.table];
            if (ts.state == TableState::Queued)
                ts.state = TableState::Loading;
            ++e.m_version;
        }
        if (!copyUnitWithRetries(w, src, dst, unit))
            return;
    }
}

void LocalEngine::Run::openLoadSessions(LoadWork &w, pg::Connection &src, pg::Connection &dst)
{
    src = connectSource(db.name);
    try {
        load::importSnapshot(src, w.snapshot);
    } catch (const pg::Exception &ex) {
        // The session that exported the snapshot is gone (the source restarted or the link
        // dropped): no worker can use it any more. The load resumes from the journal with a
        // new snapshot; what was committed stays.
        if (ex.error().sqlstate == u"22023" || ex.error().message.contains(u"snapshot")) {
            w.snapshotLost = true;
            throw Resumable(QStringLiteral("the source no longer has the load's snapshot (%1)")
                                .arg(ex.error().toString())
                                .toStdString());
        }
        throw;
    }
    dst = connectTarget(db.effectiveTarget());
    load::prepareTargetSession(dst);
    load::useClientEncoding(src, load::transferEncoding(sourceEncoding));
    load::useClientEncoding(dst, load::transferEncoding(sourceEncoding));
}

bool LocalEngine::Run::copyUnitWithRetries(LoadWork &w, pg::Connection &src, pg::Connection &dst,
                                           const load::LoadUnit &unit)
{
    const load::SourceTable &table = tables[unit.table];
    QElapsedTimer timer;
    timer.start();
    for (int attempt = 0;; ++attempt) {
        qint64 rowsSoFar = 0, bytesSoFar = 0;
        try {
            if (!src.isOpen() || !dst.isOpen())
                openLoadSessions(w, src, dst);
            const load::CopyResult res =
                load::copyUnit(src, dst, table, unit, w.copyOptions, [&](qint64 rows, qint64 bytes) {
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
            if (tableLoaded && w.finisher) {
                std::optional<TableFinisher::CopyCount> counted;
                if (unit.ranges == 1)
                    counted = TableFinisher::CopyCount{res.rows, res.storedRows};
                w.finisher->tableLoaded(unit.table, counted);
            }
            return true;
        } catch (const pg::Exception &ex) {
            {
                // What this attempt counted is rolled back on the target: uncount it.
                QMutexLocker l(&e.m_mutex);
                TableStatus &ts = e.m_status.databases[index].tables[unit.table];
                ts.rowsCopied -= rowsSoFar;
                ts.bytesCopied -= bytesSoFar;
            }
            if (e.m_stop.load())
                return false;
            const pg::Error &err = ex.error();
            if (err.breaksConnection()) {
                src.close();
                dst.close();
            }
            if (err.retryable() && attempt < 6 && !w.snapshotLost.load()) {
                log(QStringLiteral("table %1: %2; retrying (attempt %3)")
                        .arg(table.qualifiedName(), err.toString())
                        .arg(attempt + 2));
                // A new snapshot cannot replace the exported one; a broken source connection
                // re-imports it, which works while the exporting session lives.
                backoff(attempt, e.m_stop);
                continue;
            }
            unitFailed(w, unit, err);
            // A round trip to the server, never under the status lock (status() readers wait on it).
            if (!src.isOpen() || src.tryExec(QStringLiteral("SELECT 1")))
                src.close();
            return true;
        } catch (const Resumable &ex) {
            QMutexLocker lq(&w.qm);
            w.failures
                << QStringLiteral("table %1 (full load): %2").arg(table.qualifiedName(), errorText(ex));
            ++w.resumableFailures;
            return true;
        } catch (const std::exception &ex) {
            QMutexLocker lq(&w.qm);
            w.failures
                << QStringLiteral("table %1 (full load): %2").arg(table.qualifiedName(), errorText(ex));
            return true;
        }
    }
}

void LocalEngine::Run::unitFailed(LoadWork &w, const load::LoadUnit &unit, const pg::Error &err)
{
    const QString msg =
        QStringLiteral("table %1 (full load): %2").arg(tables[unit.table].qualifiedName(), err.toString());
    QMutexLocker l(&e.m_mutex);
    TableStatus &ts = e.m_status.databases[index].tables[unit.table];
    ts.state = TableState::Failed;
    ts.error = err.toString();
    e.m_status.errors.append(msg);
    ++e.m_version;
    QMutexLocker lq(&w.qm);
    w.failures << msg;
    if (err.retryable())
        ++w.resumableFailures;
    else
        w.failedUnits.append({unit, msg});
}

void LocalEngine::Run::buildIndexes()
{
    const auto &settings = e.m_config.project.settings;
    Journal &j = e.m_journal;

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
        log(QStringLiteral("building the remaining indexes and keys with %1 jobs, then ANALYZE")
                .arg(settings.indexJobs));
        finisher->finish();
        checkStop();
        phaseTook(QStringLiteral("post_load"), QStringLiteral("the remaining indexes, keys and ANALYZE"));
        phaseSeconds.insert(QStringLiteral("index_build_busy"), finisher->indexSeconds());
        phaseSeconds.insert(QStringLiteral("analyze_busy"), finisher->analyzeSeconds());
        phaseSeconds.insert(QStringLiteral("verify_during_load_busy"), finisher->verifySeconds());
        log(QStringLiteral(
                "index builds took %1 s, ANALYZE %2 s and verification %3 s in all, mostly during the load")
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
}

} // namespace pgferry::engine
