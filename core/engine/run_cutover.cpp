// The cutover: online, once asked, the source made read-only and the stream drained; offline, right
// after the indexes. Then sequences, foreign keys and triggers, the database's own properties,
// verification, online the replication removed, and the report. "sequences", "cutover_schema" and
// "cutover_complete" are journaled (and "cutover_schema_started"), so a cutover that stopped resumes.
#include "engine/localrun.h"

#include "cutover/cleanup.h"
#include "cutover/finish.h"
#include "cutover/readonly.h"
#include "engine/fallback.h"
#include "load/catalog.h"
#include "load/copier.h"
#include "load/objects.h"
#include "pg/version.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMutexLocker>
#include <QSaveFile>
#include <QSet>

namespace pgferry::engine {

namespace {

void writeJsonFile(const QString &path, const QJsonObject &o)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return;
    f.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    f.write(QJsonDocument(o).toJson(QJsonDocument::Compact));
    f.commit();
}

} // namespace

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

void LocalEngine::Run::cutOverOnline(Until until)
{
    Journal &j = e.m_journal;
    setPhase(DatabasePhase::Cutover);
    pg::Connection src = connectSource(db.name);
    // A cutover that resumes (after a crash or a lost connection) finds the database already
    // read-only; this session still has to switch it, drop the publication and the slot.
    cutover::writeDespiteReadOnly(src);
    drainSource(src);
    checkSchemaAfterDrain(src);
    stream->stop();
    const QList<SchemaChange> carried = stream->stats().schemaChanges;
    const bool schemaChanged = std::any_of(carried.begin(), carried.end(),
                                           [](const SchemaChange &c) { return c.state != u"unresolved"; });
    if (schemaChanged)
        showTablesAsTheyAreNow(src);
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
    const cutover::SequencesSet seqs = cutover::carrySequences(src, target);
    log(QStringLiteral("set %1 sequences").arg(seqs.set));
    if (schemaChanged || !objectChanges.isEmpty()) {
        // The archive's foreign keys and triggers are the snapshot's: tables renamed or dropped
        // since would fail them. They come from the source's catalog as it is now instead. A
        // materialized view dropped (or made again) on the source since is not refreshed from it.
        QSet<quint32> matviews;
        pg::Result mv = src.exec(QStringLiteral("SELECT oid FROM pg_class WHERE relkind = 'm'"));
        for (int i = 0; i < mv.rows(); ++i)
            matviews.insert(quint32(mv.text(i, 0).toUInt()));
        restoreCutoverSection([&](const schema::TocEntry &te) {
            if (schemaChanged && (te.desc == u"FK CONSTRAINT" || te.desc == u"TRIGGER"))
                return false;
            return te.desc != u"MATERIALIZED VIEW DATA" || matviews.contains(te.objectOid);
        });
    } else {
        restoreCutoverSection({});
    }
    refreshCarriedMaterializedViews();
    finishKeysAndCompare(src, schemaChanged);
    carryDatabaseProperties(src, target);
    j.markDone(db.name, QStringLiteral("cutover_schema"));
    saveJournal();
    if (e.m_config.project.settings.verify) {
        setPhase(DatabasePhase::Verify);
        verify(src, target);
    }
    // Cleanup: slot, publication, origin. The source stays read-only: the applications move.
    cutover::removeReplication(src, target, name, ddlCapture == u"event trigger",
                               [this](const QString &line) { log(line); });
    QDir(e.m_config.stateDir + QStringLiteral("/db-%1/spool").arg(index)).removeRecursively();
    load::dropUnitTable(target); // before the fallback: the applications see only their own tables
    j.markDone(db.name, QStringLiteral("cutover_complete"));
    saveJournal();
    if (j.done(db.name, QStringLiteral("fallback_slot")) &&
        j.value(db.name, QStringLiteral("fallback_outcome")).isEmpty())
        fallback(until);
}

void LocalEngine::Run::drainSource(pg::Connection &src)
{
    const auto &settings = e.m_config.project.settings;
    if (settings.cutover.makeSourceReadOnly) {
        log(QStringLiteral("making the source database read-only and ending its other sessions"));
        cutover::makeReadOnly(src, db.name);
        e.m_journal.markDone(db.name, QStringLiteral("source_read_only"));
        saveJournal();
        endOtherSessions(src, QStringLiteral("the source's"));
    }
    const pg::Lsn drainPoint = pg::parseLsn(src.exec(pg::currentWalLsnSql(src.serverVersion())).text(0, 0));
    log(QStringLiteral("waiting until every change up to %1 is applied").arg(pg::formatLsn(drainPoint)));
    QString why;
    if (!stream->drainTo(drainPoint, settings.cutover.drainTimeoutSeconds, &why))
        stopCutover(src, QStringLiteral("cutover did not complete: %1. The source is unchanged and the "
                                        "migration can go on: run again and cut over later.")
                             .arg(why));
}

void LocalEngine::Run::stopCutover(pg::Connection &src, const QString &message)
{
    stream->stop();
    if (e.m_config.project.settings.cutover.makeSourceReadOnly)
        undoReadOnly(src);
    throw std::runtime_error(message.toStdString());
}

void LocalEngine::Run::checkSchemaAfterDrain(pg::Connection &src)
{
    // The last word on the schema: every change up to the drain point is applied; whatever the
    // stream or the catalogs say could not be carried stops the cutover, before the target
    // is finished.
    QString watchError;
    watchSource.reset(); // ended with the other sessions
    watchTarget.reset();
    // Objects without rows (views, routines, types) are still carried now, without waiting.
    adoptNow = true;
    try {
        watched = watchSchema(name, plugin, false);
    } catch (const pg::Exception &ex) {
        watchError = ex.error().toString();
    }
    adoptNow = false;
    QStringList unresolved;
    const QList<SchemaChange> changes = mergedSchemaChanges(stream->stats(), &unresolved);
    {
        QMutexLocker l(&e.m_mutex);
        e.m_status.databases[index].schemaChanges = changes;
        ++e.m_version;
    }
    if (unresolved.isEmpty() && watchError.isEmpty())
        return;
    e.m_journal.setValue(db.name, QStringLiteral("cutover_refused"), QStringLiteral("yes"));
    saveJournal();
    stopCutover(
        src, (watchError.isEmpty()
                  ? QStringLiteral("cutover stopped: the schema of %1 changed on the source in a way pgferry "
                                   "did not carry (see schema_changes in the status)")
                        .arg(unresolved.mid(0, 8).join(QStringLiteral(", ")))
                  : QStringLiteral("cutover stopped: could not check the schemas after the drain (%1)")
                        .arg(watchError)) +
                 QStringLiteral(". The source is writable again and the stream can go on: run again, "
                                "resolve them, and cut over then."));
}

void LocalEngine::Run::showTablesAsTheyAreNow(pg::Connection &src)
{
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

void LocalEngine::Run::restoreCutoverSection(const std::function<bool(const schema::TocEntry &)> &keep)
{
    log(QStringLiteral("creating foreign keys and triggers, refreshing materialized views"));
    // A second attempt finds some of them made already.
    const bool resumed = !e.m_journal.value(db.name, QStringLiteral("cutover_schema_started")).isEmpty();
    e.m_journal.setValue(db.name, QStringLiteral("cutover_schema_started"), QStringLiteral("yes"));
    saveJournal();
    migrator->restoreCutover(resumed, keep);
}

void LocalEngine::Run::finishKeysAndCompare(pg::Connection &src, bool schemaChanged)
{
    const cutover::SchemaFinished f = cutover::finishKeysAndCompare(src, target, tables);
    if (!f.created.isEmpty())
        log((schemaChanged
                 ? QStringLiteral("created %1 foreign keys and triggers from the source's catalog as "
                                  "it is now (the schema changed while streaming): %2")
                 : QStringLiteral("created %1 foreign keys and triggers the archive did not have: %2"))
                .arg(f.created.size())
                .arg(f.created.mid(0, 10).join(QStringLiteral(", "))));
    if (f.differences.isEmpty())
        return;
    // After schema changes were carried a difference stops the cutover (rows can match while an
    // index or a check is missing); otherwise it is reported.
    report.insert(QStringLiteral("schema_differences"), QJsonArray::fromStringList(f.differences));
    const QString text = QStringLiteral("the target's schema differs from the source's in %1 place(s): %2")
                             .arg(f.differences.size())
                             .arg(f.differences.mid(0, 8).join(QStringLiteral("; ")));
    if (schemaChanged)
        throw std::runtime_error(
            QString(text + QStringLiteral(". Make the target match (the run log and the "
                                          "report list every difference), then run again "
                                          "to finish the cutover."))
                .toStdString());
    log(text);
}

void LocalEngine::Run::cutOverOffline()
{
    const auto &settings = e.m_config.project.settings;
    Journal &j = e.m_journal;

    // Offline: the rest of the cutover right away.
    setPhase(DatabasePhase::Cutover);
    pg::Connection src = connectSource(db.name);
    if (!j.done(db.name, QStringLiteral("sequences"))) {
        const cutover::SequencesSet seqs = cutover::carrySequences(src, target);
        if (!seqs.missing.isEmpty())
            log(QStringLiteral("sequences missing on the target: %1")
                    .arg(seqs.missing.join(QStringLiteral(", "))));
        log(QStringLiteral("set %1 sequences").arg(seqs.set));
        j.markDone(db.name, QStringLiteral("sequences"));
        saveJournal();
        phaseTook(QStringLiteral("sequences"), QStringLiteral("sequences"));
    }
    if (!j.done(db.name, QStringLiteral("cutover_schema"))) {
        restoreCutoverSection({});
        carryDatabaseProperties(src, target);
        j.markDone(db.name, QStringLiteral("cutover_schema"));
        saveJournal();
        phaseTook(QStringLiteral("cutover_schema"),
                  QStringLiteral("foreign keys, triggers and the rest of the schema"));
    }
    checkStop();
    if (settings.verify) {
        setPhase(DatabasePhase::Verify);
        verify(src, target, finisher ? finisher->verified() : QHash<int, cutover::TableVerification>());
        phaseTook(QStringLiteral("verify"), QStringLiteral("verification"));
    }
}

void LocalEngine::Run::syncLargeObjects(pg::Connection &src, pg::Connection &target)
{
    const load::LargeObjectSync lo =
        load::syncLargeObjects(src, target, e.m_config.project.settings.verify, &e.m_stop);
    if (lo.compared == 0 && lo.removed.isEmpty())
        return;
    log(QStringLiteral(
            "large objects: %1 compared; written while changes streamed: %2 new, %3 changed, %4 removed "
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
        throw std::runtime_error(
            "verification: the large objects still differ between the source and the target after "
            "they were copied again; was the source written meanwhile? Run again to retry the cutover");
}

void LocalEngine::Run::carryDatabaseProperties(pg::Connection &src, pg::Connection &target)
{
    const cutover::PropertiesCarried p =
        cutover::carryDatabaseProperties(src, db.name, target, db.effectiveTarget());
    if (!p.statements.isEmpty())
        log(QStringLiteral("carried %1 database setting(s), comment or connection limit: %2")
                .arg(p.carried)
                .arg(p.statements.mid(0, 6).join(QStringLiteral("; "))));
    for (const QString &f : p.notCarried)
        log(QStringLiteral("not carried: ") + f);
    // What the target refused is reported now; the verification compares the rest.
    e.m_journal.setValue(db.name, QStringLiteral("database_properties_refused"), p.refused);
    report.insert(QStringLiteral("database_properties"), QJsonArray::fromStringList(p.statements));
    if (!p.notCarried.isEmpty())
        report.insert(QStringLiteral("database_properties_not_carried"),
                      QJsonArray::fromStringList(p.notCarried));
}

void LocalEngine::Run::verify(pg::Connection &src, pg::Connection &dst,
                              const QHash<int, cutover::TableVerification> &already)
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
    const QStringList propertyDiffs = cutover::databasePropertyDifferences(
        src, db.name, dst, db.effectiveTarget(),
        e.m_journal.value(db.name, QStringLiteral("database_properties_refused")));
    if (!propertyDiffs.isEmpty()) {
        report.insert(QStringLiteral("database_properties_differences"),
                      QJsonArray::fromStringList(propertyDiffs));
        throw std::runtime_error(
            QStringLiteral("verification: the database's own properties differ between the source "
                           "and the target (%1): %2. Make them equal, then run again to finish "
                           "the cutover")
                .arg(propertyDiffs.size())
                .arg(propertyDiffs.mid(0, 5).join(QStringLiteral("; ")))
                .toStdString());
    }
    log(QStringLiteral(
        "verified the database's own settings, privileges, comment and connection limit: they match"));
    if (!refs.isEmpty())
        results += cutover::verifyTables(e.m_config.source.withDatabase(db.name),
                                         e.m_config.target.withDatabase(db.effectiveTarget()), refs, jobs,
                                         &e.m_stop, level);
    checkStop();
    std::sort(results.begin(), results.end(),
              [](const cutover::TableVerification &a, const cutover::TableVerification &b) {
                  return std::tie(a.schema, a.name) < std::tie(b.schema, b.name);
              });
    QJsonArray arr;
    const QStringList mismatches =
        verificationMismatches(results, arr, QStringLiteral("source"), QStringLiteral("target"));
    report.insert(QStringLiteral("verification"), arr);
    if (!mismatches.isEmpty())
        throw std::runtime_error(QStringLiteral("verification found %1 tables that differ: %2")
                                     .arg(mismatches.size())
                                     .arg(mismatches.mid(0, 5).join(QStringLiteral("; ")))
                                     .toStdString());
    log(level == project::VerifyLevel::Full
            ? QStringLiteral("verified %1 tables: row counts and checksums match").arg(results.size())
            : QStringLiteral(
                  "verified %1 tables: row counts match (checksums not compared: verify_level is count)")
                  .arg(results.size()));
}

void LocalEngine::Run::finishDatabase(const QElapsedTimer &totalClock)
{
    const QString tname = db.effectiveTarget();
    Journal &j = e.m_journal;
    // A new session: a fail-back ends the target's other sessions, and makes its database
    // read-only by default, which this session overrides for its DDL.
    pg::Connection target = connectTarget(tname);
    cutover::writeDespiteReadOnly(target);
    load::dropUnitTable(target);
    j.markDone(db.name, QStringLiteral("done"));
    saveJournal();
    setPhase(DatabasePhase::Done);
    phaseSeconds.insert(QStringLiteral("total"), totalClock.elapsed() / 1000.0);
    log(QStringLiteral("migrated to %1 in %2 s").arg(tname).arg(totalClock.elapsed() / 1000.0, 0, 'f', 2));
    writeReport();
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
    QJsonObject rep =
        f.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(f.readAll()).object() : QJsonObject();
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

} // namespace pgferry::engine
