// A database's first phases: the target database and roles, the snapshot that pg_dump and the load
// share (online, the slot that exports it), and the schema's pre-data. Each step is journaled
// ("prepared", "roles", "slot", "pre_data") and skipped when an attempt resumes; a load cut short
// resumes online from a new snapshot of a temporary slot, its point journaled as "resync_lsn".
#include "engine/localrun.h"

#include "load/catalog.h"
#include "load/copier.h"
#include "pg/maintenance.h"
#include "pg/version.h"
#include "schema/roles.h"

#include <QJsonArray>
#include <QMutexLocker>

namespace pgferry::engine {

void LocalEngine::Run::prepareTargetDatabase()
{
    const QString tname = db.effectiveTarget();
    // The URI may name the database created here: then postgres or template1 (pg::openMaintenance).
    pg::Connection admin =
        pg::openMaintenance(e.m_config.target, [this](const pg::ConnInfo &i) { return connectTo(i); });
    pg::Result exists = admin.exec(QStringLiteral("SELECT 1 FROM pg_database WHERE datname = $1"), {tname});
    if (exists.rows() > 0 && e.m_journal.value(db.name, QStringLiteral("pre_data_partial")) == u"yes" &&
        e.m_journal.done(db.name, QStringLiteral("target_created")) &&
        !e.m_journal.done(db.name, QStringLiteral("pre_data"))) {
        // An earlier attempt restored the schema in batches and stopped midway, in a database pgferry
        // created: it holds nothing else, so it is made again rather than restored into twice.
        admin.exec(QStringLiteral("DROP DATABASE %1").arg(admin.quoteIdent(tname)));
        log(QStringLiteral("dropped target database %1, which an earlier attempt created and left with part "
                           "of the schema, to make it again")
                .arg(tname));
        e.m_journal.setValue(db.name, QStringLiteral("pre_data_partial"), QString());
        saveJournal();
        exists = admin.exec(QStringLiteral("SELECT 1 FROM pg_database WHERE datname = $1"), {tname});
    }
    if (exists.rows() == 0) {
        pg::Connection src = connectSource(db.name);
        pg::Result enc = src.exec(QStringLiteral("SELECT pg_encoding_to_char(encoding), datcollate, datctype "
                                                 "FROM pg_database WHERE datname = current_database()"));
        const QString sql = QStringLiteral("CREATE DATABASE %1 TEMPLATE template0 ENCODING %2")
                                .arg(admin.quoteIdent(tname), admin.quoteLiteral(enc.text(0, 0)));
        // Same collation when the target has it; otherwise the target's default, with a note.
        if (auto err = admin.tryExec(
                sql + QStringLiteral(" LC_COLLATE %1 LC_CTYPE %2")
                          .arg(admin.quoteLiteral(enc.text(0, 1)), admin.quoteLiteral(enc.text(0, 2))))) {
            admin.exec(sql);
            log(QStringLiteral(
                    "collation %1 is not available on the target; the database uses the target's default")
                    .arg(enc.text(0, 1)));
        }
        log(QStringLiteral("created target database %1").arg(tname));
        // `abandon --drop-target` drops only what pgferry created.
        e.m_journal.markDone(db.name, QStringLiteral("target_created"));
        saveJournal();
    } else if (!e.m_journal.done(db.name, QStringLiteral("prepared"))) {
        pg::Connection t = connectTarget(tname);
        pg::Result n = t.exec(QStringLiteral(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind "
            "IN ('r','p') "
            "AND n.nspname NOT IN ('pg_catalog','information_schema','_pgferry') AND n.nspname !~ '^pg_'"));
        if (n.toInt(0, 0) > 0 && !e.m_config.project.settings.schema.overwrite)
            throw std::runtime_error(
                QStringLiteral("the target database %1 already holds %2 tables; choose another "
                               "target name, empty it, or set the overwrite option")
                    .arg(tname)
                    .arg(n.toInt(0, 0))
                    .toStdString());
    }
}

void LocalEngine::Run::prepare()
{
    const auto &settings = e.m_config.project.settings;
    Journal &j = e.m_journal;

    // 1. Prepare
    setPhase(DatabasePhase::Prepare);
    phaseClock.start();
    totalClock.start();
    snapshotHolder = connectSource(db.name);
    sourceVersion = snapshotHolder.serverVersion();
    sourceEncoding = snapshotHolder.exec(QStringLiteral("SHOW server_encoding")).text(0, 0);
    // pg_dump and pg_restore that read the source, found before anything is created on either side.
    tools = schema::PgTools::find(pg::majorKey(sourceVersion));
    if (!tools.isValid())
        throw std::runtime_error(schema::PgTools::missingMessage(pg::majorKey(sourceVersion)).toStdString());
    prepareTargetDatabase();
    target = connectTarget(tname);
    targetVersion = target.serverVersion();
    if (pg::majorKey(targetVersion) < pg::majorKey(sourceVersion))
        throw std::runtime_error(
            QStringLiteral("the target runs PostgreSQL %1 but the source runs %2: the target must be "
                           "the same major version or newer")
                .arg(pg::majorName(targetVersion), pg::majorName(sourceVersion))
                .toStdString());
    if (settings.schema.createRoles && !j.done(db.name, QStringLiteral("roles"))) {
        const auto rr = schema::migrateRoles(snapshotHolder, target,
                                             !e.m_config.project.target.azureResourceId.isEmpty());
        if (!rr.created.isEmpty())
            log(QStringLiteral("created roles: %1").arg(rr.created.join(QStringLiteral(", "))));
        report.insert(QStringLiteral("roles_created"), QJsonArray::fromStringList(rr.created));
        report.insert(QStringLiteral("roles_need_password"), QJsonArray::fromStringList(rr.needPassword));
        report.insert(QStringLiteral("role_attributes_dropped"),
                      QJsonArray::fromStringList(rr.droppedAttributes));
        j.markDone(db.name, QStringLiteral("roles"));
    }
    j.markDone(db.name, QStringLiteral("prepared"));
    saveJournal();
    checkStop();
    phaseTook(QStringLiteral("prepare"), QStringLiteral("preparing the target database and roles"));
}

QString LocalEngine::Run::objectName() const
{
    // Slot, publication and origin names: a-z, 0-9, _ only, unique per project and database.
    return project::migrationObjectName(e.m_config.project.id, index);
}

void LocalEngine::Run::dropResumeSlot(pg::Connection &c)
{
    c.tryExec(QStringLiteral("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                             "WHERE slot_name = $1 AND NOT active"),
              {QString(name + QStringLiteral("_r"))});
}

void LocalEngine::Run::takeSnapshot()
{
    Journal &j = e.m_journal;

    // 2. One snapshot for pg_dump and every worker. Online, it is the one the slot exports, so the
    //    copy sees exactly the rows committed before the slot's consistent point and the stream
    //    carries exactly the changes after it.
    name = objectName();
    plugin = e.m_config.decoder;
    if (plugin.isEmpty())
        plugin = sourceVersion >= 100000 ? QStringLiteral("pgoutput") : QStringLiteral("test_decoding");
    loadDone = j.done(db.name, QStringLiteral("load"));
    if (online) {
        if (!j.done(db.name, QStringLiteral("slot"))) {
            const QList<load::SourceTable> current = load::readTables(snapshotHolder, db);
            // A published table without a replica identity makes the source's own UPDATE and
            // DELETE fail: refuse before touching anything.
            QStringList noIdentity;
            for (const load::SourceTable &t : current)
                if (!t.unlogged && !t.streamsWhole())
                    noIdentity << t.qualifiedName();
            if (!noIdentity.isEmpty())
                throw std::runtime_error(
                    QStringLiteral(
                        "online migration needs a primary key or a replica identity on every table; these "
                        "have "
                        "neither: %1. Add a primary key, or run ALTER TABLE ... REPLICA IDENTITY FULL (or "
                        "USING "
                        "INDEX on a unique, not-null index), or migrate offline. `pgferry-cli assess` prints "
                        "the exact statements.")
                        .arg(noIdentity.mid(0, 10).join(QStringLiteral(", ")))
                        .toStdString());
            if (plugin == u"pgoutput") {
                // The publication must exist before the slot: decoding looks it up as of each change.
                snapshotHolder.exec(QStringLiteral("DROP PUBLICATION IF EXISTS ") +
                                    snapshotHolder.quoteIdent(name));
                QStringList list;
                for (const load::SourceTable &t : current)
                    if (!t.unlogged)
                        list << snapshotHolder.qualified(t.schema, t.name);
                if (!list.isEmpty())
                    snapshotHolder.exec(
                        QStringLiteral("CREATE PUBLICATION %1 FOR TABLE %2")
                            .arg(snapshotHolder.quoteIdent(name), list.join(QStringLiteral(", "))));
                else
                    snapshotHolder.exec(
                        QStringLiteral("CREATE PUBLICATION %1").arg(snapshotHolder.quoteIdent(name)));
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
                j.setObject(db.name, QStringLiteral("stream_tables"),
                            QJsonObject{{QStringLiteral("tables"), streamed}});
            }
            pg::Result old = snapshotHolder.exec(
                QStringLiteral("SELECT 1 FROM pg_replication_slots WHERE slot_name = $1"), {name});
            if (old.rows() > 0) // left by a run that died before it journaled the slot
                snapshotHolder.exec(QStringLiteral("SELECT pg_drop_replication_slot($1)"), {name});
            exporter.emplace(
                pg::ReplicationConnection::open(e.m_config.source.withDatabase(db.name), {.timeout = 15s}));
            const pg::CreatedSlot slot = exporter->createLogicalSlot(name, plugin, true);
            snapshot = slot.snapshotName;
            consistentPoint = slot.consistentPoint;
            j.setValue(db.name, QStringLiteral("slot_lsn"), pg::formatLsn(consistentPoint));
            j.setValue(db.name, QStringLiteral("plugin"), plugin);
            j.markDone(db.name, QStringLiteral("slot"));
            saveJournal();
            log(QStringLiteral("created slot %1 (%2) at %3")
                    .arg(name, plugin, pg::formatLsn(consistentPoint)));
        } else {
            plugin = j.value(db.name, QStringLiteral("plugin"));
            ddlCapture = j.value(db.name, QStringLiteral("ddl_capture"));
            consistentPoint = pg::parseLsn(j.value(db.name, QStringLiteral("slot_lsn")));
            // From PostgreSQL 13 on, a slot that exceeded max_slot_wal_keep_size stays listed with
            // wal_status 'lost': as gone as a dropped one.
            pg::Result slotRow = snapshotHolder.exec(
                sourceVersion >= 130000
                    ? QStringLiteral("SELECT 1 FROM pg_replication_slots WHERE slot_name = $1 AND wal_status "
                                     "IS DISTINCT FROM 'lost'")
                    : QStringLiteral("SELECT 1 FROM pg_replication_slots WHERE slot_name = $1"),
                {name});
            if (slotRow.rows() == 0)
                throw std::runtime_error(
                    QStringLiteral("the replication slot %1 of this migration is gone from the source "
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
                exporter.emplace(pg::ReplicationConnection::open(e.m_config.source.withDatabase(db.name),
                                                                 {.timeout = 15s}));
                const pg::CreatedSlot tmp =
                    exporter->createLogicalSlot(name + QStringLiteral("_r"), plugin, true, true);
                snapshot = tmp.snapshotName;
                j.setValue(db.name, QStringLiteral("resync_lsn"), pg::formatLsn(tmp.consistentPoint));
                log(QStringLiteral("resuming the load from a new snapshot at %1")
                        .arg(pg::formatLsn(tmp.consistentPoint)));
            }
        }
    } else if (!loadDone) {
        snapshotHolder.exec(QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
        snapshot = snapshotHolder.exec(QStringLiteral("SELECT pg_export_snapshot()")).text(0, 0);
    }
    if (!snapshot.isEmpty() && online)
        load::importSnapshot(snapshotHolder, snapshot);
    tables = load::readTables(snapshotHolder, db);
    // Without capture, the objects other than tables as the snapshot has them: the watch carries
    // what changes from here on.
    if (online && ddlCapture == u"watch only")
        takeObjectBaseline(snapshotHolder);
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
            log(QStringLiteral("table %1 is unlogged: copied%2")
                    .arg(t.qualifiedName(),
                         online ? QStringLiteral(", but its changes are not in the WAL and do not stream")
                                : QString()));

    // Where each table's copy stands in the stream (persisted, so a restart filters the same way).
    if (online) {
        const QJsonObject saved = j.databaseObject(db.name).value(u"sync_lsn").toObject();
        for (auto it = saved.begin(); it != saved.end(); ++it)
            syncLsn.insert(it.key(), pg::parseLsn(it.value().toString()));
    }

    phaseTook(QStringLiteral("snapshot"), QStringLiteral("taking the snapshot and reading the catalog"));
}

void LocalEngine::Run::restoreSchema()
{
    const auto &settings = e.m_config.project.settings;
    Journal &j = e.m_journal;

    // 3. Schema, pre-data
    setPhase(DatabasePhase::Schema);
    migrator.emplace(tools, e.m_config.source.withDatabase(db.name), e.m_config.target.withDatabase(tname),
                     settings.schema, db, e.m_config.stateDir + QStringLiteral("/db-%1").arg(index),
                     &e.m_stop);
    if (!j.done(db.name, QStringLiteral("pre_data"))) {
        log(QStringLiteral("dumping the schema with pg_dump %1").arg(tools.majorName()));
        migrator->dump(snapshot);
        checkStop();
        if (db.filtered()) {
            const QStringList notes = migrator->filterNotes();
            log(QStringLiteral("table filter: the selected tables with every object they need; %1")
                    .arg(notes.isEmpty() ? QStringLiteral("nothing they refer to is left out")
                                         : notes.join(QStringLiteral("; "))));
            report.insert(QStringLiteral("left_out_by_filter"), QJsonArray::fromStringList(notes));
        }
        if (const QStringList missing = migrator->tablespacesMissingOnTarget(); !missing.isEmpty()) {
            log(QStringLiteral(
                    "the target has no tablespace %1: the tables and indexes the source keeps there go "
                    "into the target database's default tablespace")
                    .arg(missing.join(QStringLiteral(", "))));
            report.insert(QStringLiteral("tablespaces_not_on_target"), QJsonArray::fromStringList(missing));
        }
        log(QStringLiteral("restoring everything but foreign keys and triggers"));
        try {
            if (const int batches = migrator->restorePreData(); batches > 1)
                log(QStringLiteral("restored the schema in %1 batches of one transaction each: in one, its "
                                   "objects would need more locks than the target's lock table holds")
                        .arg(batches));
        } catch (const std::exception &) {
            if (migrator->preDataBatchesKept() > 0) {
                // Restored in batches, some kept: the next attempt starts from an empty database.
                j.setValue(db.name, QStringLiteral("pre_data_partial"), QStringLiteral("yes"));
                saveJournal();
            }
            throw;
        }
        j.setValue(db.name, QStringLiteral("pre_data_partial"), QString());
        j.markDone(db.name, QStringLiteral("pre_data"));
        saveJournal();
    } else if (!migrator->haveArchives()) {
        migrator->dump(snapshot);
    }
    checkStop();
    phaseTook(QStringLiteral("schema"), QStringLiteral("the schema (pre-data)"));
}

} // namespace pgferry::engine
