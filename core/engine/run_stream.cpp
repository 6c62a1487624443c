// Online, between the load and the cutover: the schema-change capture installed before the slot,
// the catalog watch, and the stream applied until the database is ready or its cutover is asked.
// The applier's position is the target's replication origin, so a resumed stream skips what it
// committed; "cutover_confirmed" is journaled once the cutover is asked and its checks pass.
#include "engine/localrun.h"

#include "cdc/ddlcapture.h"
#include "engine/fallback.h"
#include "engine/readiness.h"
#include "load/catalog.h"

#include <QMutexLocker>
#include <QSet>

namespace pgferry::engine {

namespace {

// The verdict's questions the stream answers: connected and applying, lag, schema in sync.
QList<ReadinessCheck> streamChecks(const StreamStats &s, qint64 lagBytes, double lagSeconds,
                                   qint64 maxLagBytes, const QList<SchemaChange> &schemaChanges)
{
    using State = ReadinessCheck::State;
    ReadinessCheck stream{QStringLiteral("stream"),
                          State::Ok,
                          QStringLiteral("receiving from the source slot and applying on the target"),
                          {},
                          {}};
    if (!s.receiving || !s.applying) {
        stream.state = State::Blocking;
        stream.summary = (!s.receiving ? QStringLiteral("not connected to the source slot")
                                       : QStringLiteral("not applying on the target")) +
                         (s.lastError.isEmpty() ? QString() : u": " + s.lastError);
    }
    ReadinessCheck lag{QStringLiteral("lag"),
                       lagBytes > maxLagBytes ? State::Blocking : State::Ok,
                       QStringLiteral("%1 bytes behind (ready at %2 or less), %3 s")
                           .arg(std::max<qint64>(0, lagBytes))
                           .arg(maxLagBytes)
                           .arg(lagSeconds, 0, 'f', 1),
                       {},
                       {}};
    ReadinessCheck schema{QStringLiteral("schema"), State::Ok, {}, {}, {}};
    int carried = 0;
    int copying = 0;
    for (const QString &t : s.held)
        if (std::none_of(schemaChanges.begin(), schemaChanges.end(),
                         [&](const SchemaChange &c) { return c.unresolved() && c.object == t; })) {
            schema.details
                << QStringLiteral("%1: being copied from a new snapshot, to join the stream").arg(t);
            ++copying;
        }
    for (const SchemaChange &c : schemaChanges) {
        if (c.state == u"copying")
            continue;
        if (c.unresolved()) {
            schema.details << QStringLiteral("%1: %2%3")
                                  .arg(c.object, c.kind,
                                       c.detail.isEmpty() ? QString()
                                                          : QStringLiteral(" (%1)").arg(c.detail));
            if (!c.statement.isEmpty())
                schema.statements << c.statement;
        } else {
            ++carried;
        }
    }
    schema.state = schema.details.isEmpty() ? State::Ok : State::Blocking;
    schema.summary =
        schema.details.isEmpty()
            ? QStringLiteral("schema in sync (%1 changes carried while streaming)").arg(carried)
        : copying == schema.details.size()
            ? QStringLiteral("schema not in sync yet: %1 tables are being copied to join the stream")
                  .arg(copying)
            : QStringLiteral("schema not in sync: %1 changes on the source not carried (see schema_changes)")
                  .arg(schema.details.size() - copying);
    return {stream, lag, schema};
}

} // namespace

void LocalEngine::Run::setUpDdlCapture(pg::Connection &source, const QString &name, const QString &plugin,
                                       int sourceVersion)
{
    const auto &settings = e.m_config.project.settings;
    if (!settings.schema.captureDdl) {
        ddlCapture = QStringLiteral("watch only");
        log(QStringLiteral(
            "schema changes on the source are watched (schema.capture_ddl is off): a table created, renamed "
            "or given, losing or changing a column is made so on the target and copied again, a table "
            "dropped "
            "is dropped there; types, sequences, functions and views are made, replaced or dropped on the "
            "target; any other change holds the cutover until it is resolved"));
    } else if (!source.exec(QStringLiteral("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"))
                    .toBool(0, 0)) {
        ddlCapture = QStringLiteral("watch only");
        log(QStringLiteral(
            "the source role is not a superuser, so pgferry cannot create the event triggers that carry "
            "schema changes in stream order: they are watched instead. A table created, renamed or given, "
            "losing or changing a column is made so on the target and copied again, a table dropped is "
            "dropped there; types, sequences, functions and views are made, replaced or dropped on the "
            "target; any other change holds the cutover until it is resolved (connect as a superuser to "
            "carry them all)"));
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
            throw std::runtime_error(
                QStringLiteral("could not install the schema-change capture on the source: %1. Nothing "
                               "of it was kept. Turn schema.capture_ddl off to migrate with the "
                               "catalog watch only.")
                    .arg(ex.error().toString())
                    .toStdString());
        }
        ddlCapture = QStringLiteral("event trigger");
        log(QStringLiteral(
                "installed the schema-change capture on the source: event triggers %1_ddl and %1_drop, their "
                "functions and tables in schema _pgferry (removed at cutover)")
                .arg(name));
    }
    e.m_journal.setValue(db.name, QStringLiteral("ddl_capture"), ddlCapture);
}

QList<SchemaChange> LocalEngine::Run::watchSchema(const QString &publication, const QString &plugin,
                                                  bool adopt)
{
    QList<SchemaChange> out;
    // An application's lock (a long ALTER TABLE, a LOCK TABLE) fails a look at the catalog, to
    // be tried again at the next one, rather than holding the watch and the stream's status with it.
    if (!watchSource) {
        watchSource.emplace(connectSource(db.name));
        watchSource->exec(QStringLiteral("SET lock_timeout = '2s'"));
    }
    if (!watchTarget) {
        watchTarget.emplace(connectTarget(db.effectiveTarget()));
        watchTarget->exec(QStringLiteral("SET lock_timeout = '2s'"));
    }
    const QList<load::SourceTable> source = load::readTables(*watchSource, db);
    QSet<QString> published;
    if (plugin == u"pgoutput") {
        pg::Result r = watchSource->exec(
            QStringLiteral(
                "SELECT schemaname || '.' || tablename FROM pg_publication_tables WHERE pubname = $1"),
            {publication});
        for (int i = 0; i < r.rows(); ++i)
            published.insert(r.text(i, 0));
    }
    QHash<QString, load::SourceTable> target;
    for (const load::SourceTable &t : load::readTables(*watchTarget, db))
        target.insert(t.qualifiedName(), t);
    const bool carried = ddlCapture == u"event trigger";
    // Types first: a table created with one needs it on the target.
    QList<schema::SchemaObject> objects;
    if (!carried) {
        QSet<QString> schemas;
        for (const load::SourceTable &t : source)
            schemas.insert(t.schema);
        objects = schema::readSchemaObjects(*watchSource, db, schemas);
        out << carryObjects(objects, true);
    }
    const QString howToCarry =
        carried ? QString()
                : QStringLiteral(" (pgferry watches schema changes here: %1)")
                      .arg(e.m_config.project.settings.schema.captureDdl
                               ? QStringLiteral("the source role may not create event triggers")
                               : QStringLiteral("schema.capture_ddl is off"));
    // Tables renamed on the source: renamed on the target (not made again under the new name).
    QSet<QString> renamedTo;
    if (!carried)
        out << carryGoneTables(source, target, adopt, &renamedTo, false);
    for (const load::SourceTable &t : source) {
        const QString name = t.qualifiedName();
        const auto tt = target.constFind(name);
        if (tt == target.constEnd()) {
            if (carried || renamedTo.contains(name))
                continue;
            const QString why = adopt ? adoptTable(t, false) : QStringLiteral("the cutover has begun");
            if (!why.isEmpty())
                out << SchemaChange{
                    name,
                    QStringLiteral("table created"),
                    QString(),
                    QStringLiteral("unresolved"),
                    QStringLiteral("created on the source after the snapshot, so neither it nor its rows are "
                                   "on the target%1, and pgferry could not copy it: %2. Exclude it, or "
                                   "resolve that")
                        .arg(howToCarry, why),
                    QString()};
            continue;
        }
        if (plugin == u"pgoutput" && !t.unlogged && !published.contains(name) && !carried && adopt &&
            adoptTable(t, true).isEmpty())
            continue; // it joins the publication and is copied again
        if (plugin == u"pgoutput" && !t.unlogged && !published.contains(name))
            out << SchemaChange{
                name,
                QStringLiteral("table not streamed"),
                QString(),
                QStringLiteral("unresolved"),
                QStringLiteral(
                    "it is in the migration's selection but not in its publication, so none of its "
                    "changes reach the target (a table created without a primary key or replica "
                    "identity). Add a key, then copy it again (pgferry-cli resync, or Resync in the "
                    "dashboard), or exclude it"),
                QString()};
        if (carried)
            continue; // columns change in stream order: the target catches up when the change is applied
        QHash<QString, QString> targetColumns;
        for (const load::SourceColumn &c : tt->columns)
            targetColumns.insert(c.name, c.typeName);
        QSet<QString> sourceColumns;
        ColumnChanges cc;
        for (const load::SourceColumn &c : t.columns) {
            sourceColumns.insert(c.name);
            if (!targetColumns.contains(c.name))
                cc.added << c.name;
            else if (targetColumns.value(c.name) != c.typeName)
                cc.retyped << c.name;
        }
        for (qsizetype i = 0; i < tt->columns.size(); ++i) {
            const load::SourceColumn &c = tt->columns[i];
            if (sourceColumns.contains(c.name))
                continue;
            // A column renamed: one gone from the target's place i, one of the same type new at
            // the source's place i. Renamed, it keeps its place (a drop and an add would not).
            if (i < t.columns.size() && cc.added.contains(t.columns[i].name) &&
                t.columns[i].typeName == c.typeName) {
                cc.renamed << std::pair{c.name, t.columns[i].name};
                cc.added.removeOne(t.columns[i].name);
            } else {
                cc.dropped << c.name;
            }
        }
        if (cc.isEmpty())
            continue;
        const QStringList &added = cc.added;
        const QStringList &dropped = cc.dropped;
        const QStringList &retyped = cc.retyped;
        // Made on the target as on the source, and the table copied again: nothing more to report.
        const QString why = adopt ? adoptColumns(t, cc) : QStringLiteral("the cutover has begun");
        if (why.isEmpty())
            continue;
        for (const load::SourceColumn &c : t.columns) {
            if (added.contains(c.name))
                out << SchemaChange{
                    name + u'.' + c.name,
                    QStringLiteral("column added"),
                    QString(),
                    QStringLiteral("unresolved"),
                    QStringLiteral(
                        "the source has this column and the target does not%1, and pgferry could not "
                        "add it: %4. Add it on the target (ALTER TABLE %2 ADD COLUMN ... %3), then "
                        "copy the table again (pgferry-cli resync); its changes wait until then")
                        .arg(howToCarry, name, c.typeName, why),
                    QString()};
            else if (retyped.contains(c.name))
                out << SchemaChange{
                    name + u'.' + c.name,
                    QStringLiteral("column type changed"),
                    QString(),
                    QStringLiteral("unresolved"),
                    QStringLiteral(
                        "%1 on the source, %2 on the target%3, and pgferry could not change it: "
                        "%4. Change it on the target, then copy the table again (pgferry-cli resync)")
                        .arg(c.typeName, targetColumns.value(c.name), howToCarry, why),
                    QString()};
        }
        for (const auto &[from, to] : std::as_const(cc.renamed))
            out << SchemaChange{
                name + u'.' + to,
                QStringLiteral("column renamed"),
                QString(),
                QStringLiteral("unresolved"),
                QStringLiteral("%1 on the target%2, and pgferry could not rename it: %3. Rename it "
                               "on the target, then copy the table again (pgferry-cli resync)")
                    .arg(from, howToCarry, why),
                QString()};
        for (const QString &c : std::as_const(dropped))
            out << SchemaChange{
                name + u'.' + c,
                QStringLiteral("column dropped"),
                QString(),
                QStringLiteral("unresolved"),
                QStringLiteral(
                    "dropped on the source, still on the target%1, and pgferry could not drop it: %2. "
                    "Drop it on the target, then copy the table again (pgferry-cli resync)")
                    .arg(howToCarry, why),
                QString()};
    }
    if (!carried) {
        // Sequences, routines and views after the tables they may use; then the tables dropped,
        // after the views that used them. Not while a table is being renamed: the source's views
        // name it anew, the target's follow the rename by themselves once it is carried.
        if (renameHeld.isEmpty())
            out << carryObjects(objects, false);
        out << carryGoneTables(source, target, adopt, nullptr, true);
        out << objectChanges;
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
        // Tables being copied again hold the cutover until they stream.
        for (const QString &t : s.held)
            if (!unresolved->contains(t))
                *unresolved << t;
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
    PeriodicCheck watch{3000, QStringLiteral("could not read the catalogs to watch for schema changes "
                                             "(retrying): ")};
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
        watch.runIfDue([&] { watched = watchSchema(streamPublication, streamPlugin); },
                       [&] {
                           watchSource.reset();
                           watchTarget.reset();
                       },
                       [this](const QString &line) { log(line); });
        const StreamStats s = stream.stats();
        for (; resyncsLogged < s.resyncs.size(); ++resyncsLogged)
            log(s.resyncs[resyncsLogged]);
        if (s.rewinds > rewindsLogged) {
            rewindsLogged = s.rewinds;
            log(QStringLiteral(
                "changes the applier had read before they were durable were cut from the spool when the "
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
            reason = QStringLiteral("not connected to the source slot") +
                     (s.lastError.isEmpty() ? QString() : u": " + s.lastError);
        else if (!s.applying)
            reason = QStringLiteral("not applying on the target") +
                     (s.lastError.isEmpty() ? QString() : u": " + s.lastError);
        else if (!unresolvedObjects.isEmpty() && unresolvedObjects == s.held)
            reason = QStringLiteral("copying %1 from a new snapshot, to join the stream")
                         .arg(s.held.mid(0, 8).join(QStringLiteral(", ")));
        else if (!unresolvedObjects.isEmpty())
            reason = QStringLiteral(
                         "schema not in sync: %1 changed on the source in a way pgferry did not carry (see "
                         "schema_changes)")
                         .arg(unresolvedObjects.mid(0, 8).join(QStringLiteral(", ")));
        else if (lagBytes > settings.cutover.maxLagBytesForReady)
            reason = QStringLiteral("replication lag %1 bytes is above %2")
                         .arg(lagBytes)
                         .arg(settings.cutover.maxLagBytesForReady);
        probe.post(s, reason.isEmpty());
        QList<ReadinessCheck> checks =
            streamChecks(s, lagBytes, lagSeconds, settings.cutover.maxLagBytesForReady, schemaChanges);
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

void LocalEngine::Run::streamUntilCutover(Until until)
{
    Journal &j = e.m_journal;

    // 6. Online: apply the stream until the administrator cuts over.
    stream->startApplier();
    // A cutover that stopped on schema changes it could not carry waits to be asked again.
    if (!j.done(db.name, QStringLiteral("cutover_confirmed")) ||
        !j.value(db.name, QStringLiteral("cutover_refused")).isEmpty()) {
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
                    QStringLiteral(
                        "cutover not started: the fallback after cutover needs on the target what it lacks: "
                        "%1. The source is unchanged: run again, then fix the target and cut over, or cut "
                        "over without the fallback (`pgferry-cli cutover --no-fallback`, or untick it on "
                        "the Cutover page)")
                        .arg(gaps.join(QStringLiteral("; ")))
                        .toStdString());
            }
        }
        j.setValue(db.name, QStringLiteral("cutover_fallback"),
                   withFallback ? QStringLiteral("on") : QStringLiteral("off"));
        j.markDone(db.name, QStringLiteral("cutover_confirmed"));
        j.setValue(db.name, QStringLiteral("cutover_refused"), QString());
        saveJournal();
    }
}

} // namespace pgferry::engine
