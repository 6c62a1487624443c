// Without DDL capture (schema.capture_ddl off, or a source role that may not create event
// triggers) the catalog watch carries what it safely can: a table created on the source after the
// snapshot is made on the target and copied from a new snapshot; a column added on the source is
// added on the target and its table copied again. Either joins the stream at the copy's position,
// as a resync does: its changes up to there are in the copy, the later ones are applied.
#include "localrun.h"

namespace pgferry::engine {

namespace {

QString reasonOf(const std::exception &ex)
{
    if (const auto *pe = dynamic_cast<const pg::Exception *>(&ex))
        return pe->error().toString();
    return QString::fromUtf8(ex.what());
}

} // namespace

QString LocalEngine::Run::adoptOnce(const QString &table, const std::function<QString()> &attempt)
{
    const auto it = adoptionFailures.constFind(table);
    if (it != adoptionFailures.constEnd() && !adoptNow && it->since.elapsed() < 15000)
        return it->why;
    QString why;
    try {
        why = attempt();
    } catch (const std::exception &ex) {
        why = reasonOf(ex);
    }
    if (why.isEmpty()) {
        adoptionFailures.remove(table);
        return {};
    }
    if (it == adoptionFailures.constEnd() || it->why != why)
        log(QStringLiteral("could not carry the schema change of %1 (tried again in 15 s): %2")
                .arg(table, why));
    AdoptionFailure f{why, {}};
    f.since.start();
    adoptionFailures.insert(table, f);
    return why;
}

namespace {

// Why the stream cannot carry `t`'s changes, or "".
QString whyNotStreamable(const load::SourceTable &t)
{
    if (t.unlogged)
        return QStringLiteral("it is unlogged, and logical decoding does not carry unlogged tables");
    if (!t.streamsWhole())
        return QStringLiteral(
            "it has no primary key or replica identity, so its updates and deletes cannot stream (and "
            "adding it to the publication would make them fail on the source): give it a primary key, or "
            "REPLICA IDENTITY FULL, and pgferry copies it");
    return {};
}

} // namespace

QString LocalEngine::Run::adoptTable(const load::SourceTable &t, bool onTarget)
{
    const QString name = t.qualifiedName();
    if (const QString why = whyNotStreamable(t); !why.isEmpty())
        return why;
    return adoptOnce(name, [&] {
        const QString dumped = QStringLiteral("pg_dump --table %1, restored on the target").arg(name);
        SchemaChange change{
            name,
            onTarget ? QStringLiteral("table joined the stream") : QStringLiteral("table created"),
            onTarget ? QStringLiteral("ALTER PUBLICATION ... ADD TABLE %1").arg(name) : dumped,
            QString(),
            onTarget ? QStringLiteral("it did not stream (no key when it was made); it has "
                                      "one now, so it joined the publication and was copied "
                                      "from a new snapshot")
                     : QStringLiteral("created on the source after the snapshot (seen by the "
                                      "catalog watch): made on the target with its sequences, "
                                      "indexes and keys, then copied from a new snapshot; "
                                      "its foreign keys and triggers are made at cutover"),
            QString()};
        // Held first, durably: from here on a restart copies it before it applies its changes.
        stream->holdForCopy(name, {change});
        if (!onTarget) {
            const QStringList made = migrator->restoreTable(t.schema, t.name);
            log(QStringLiteral("%1 was created on the source after the snapshot: made it on the target (%2)")
                    .arg(name, made.join(QStringLiteral("; "))));
        }
        if (streamPlugin == u"pgoutput") {
            try {
                watchSource->exec(QStringLiteral("ALTER PUBLICATION %1 ADD TABLE %2")
                                      .arg(watchSource->quoteIdent(streamPublication),
                                           watchSource->qualified(t.schema, t.name)));
            } catch (const pg::Exception &ex) {
                if (ex.error().sqlstate != u"42710") // already a member: a second attempt
                    return QStringLiteral(
                               "it could not join the migration's publication (%1): its owner or a superuser "
                               "can run ALTER PUBLICATION %2 ADD TABLE %3, and pgferry copies it then")
                        .arg(ex.error().toString(), streamPublication, name);
            }
        }
        stream->requestResync(name);
        if (!onTarget)
            adoptedTables << t;
        log(QStringLiteral("copying %1 from a new snapshot: its changes are applied from there").arg(name));
        return QString();
    });
}

QString LocalEngine::Run::adoptColumns(const load::SourceTable &t, const ColumnChanges &cc)
{
    const QStringList &columns = cc.added;
    const QStringList &dropped = cc.dropped;
    const QStringList &retyped = cc.retyped;
    const QString name = t.qualifiedName();
    for (const load::SourceColumn &c : t.columns)
        if ((columns.contains(c.name) || retyped.contains(c.name)) && (c.generated || c.identity))
            return QStringLiteral("column %1 is %2: add it on the target by hand")
                .arg(c.name,
                     c.generated ? QStringLiteral("generated") : QStringLiteral("an identity column"));
    return adoptOnce(name, [&] {
        pg::Connection &src = *watchSource;
        pg::Connection &dst = *watchTarget;
        // The column as the source has it: type, collation, default and NOT NULL.
        pg::Result r = src.exec(
            QStringLiteral(
                "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
                "pg_get_expr(d.adbin, d.adrelid), "
                "CASE WHEN a.attcollation <> ty.typcollation THEN quote_ident(cn.nspname) || '.' || "
                "quote_ident(co.collname) END "
                "FROM pg_attribute a JOIN pg_type ty ON ty.oid = a.atttypid "
                "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                "LEFT JOIN pg_collation co ON co.oid = a.attcollation "
                "LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace "
                "WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum"),
            {QString::number(t.oid)});
        QList<int> rows;
        QHash<QString, QString> types; // the retyped columns' types on the source
        for (int i = 0; i < r.rows(); ++i) {
            if (columns.contains(r.text(i, 0)))
                rows << i;
            if (retyped.contains(r.text(i, 0)))
                types.insert(r.text(i, 0), r.text(i, 1));
        }
        if (rows.size() != columns.size() || types.size() != retyped.size())
            return QStringLiteral("the source's catalog no longer has these columns");
        // A partition takes its columns from its partitioned root: they are added there, which
        // gives them to every partition (the others find them there, as a parent's children do).
        QString qt = dst.qualified(t.schema, t.name);
        if (t.isPartition) {
            pg::Result root =
                src.exec(QStringLiteral(
                             "WITH RECURSIVE up(relid) AS (SELECT $1::oid UNION ALL SELECT i.inhparent FROM "
                             "pg_inherits i JOIN up ON i.inhrelid = up.relid) "
                             "SELECT n.nspname, c.relname FROM up JOIN pg_class c ON c.oid = up.relid JOIN "
                             "pg_namespace n ON n.oid = c.relnamespace WHERE NOT EXISTS (SELECT 1 FROM "
                             "pg_inherits i WHERE i.inhrelid = up.relid)"),
                         {QString::number(t.oid)});
            if (root.rows() == 1)
                qt = dst.qualified(root.text(0, 0), root.text(0, 1));
        }
        QStringList add, afterCopy;
        QList<SchemaChange> changes;
        for (const int i : std::as_const(rows)) {
            const QString qc = dst.quoteIdent(r.text(i, 0));
            QString st = QStringLiteral("ALTER TABLE %1 ADD COLUMN %2 %3").arg(qt, qc, r.text(i, 1));
            if (!r.isNull(i, 4))
                st += QStringLiteral(" COLLATE ") + r.text(i, 4);
            if (!r.isNull(i, 3))
                st += QStringLiteral(" DEFAULT ") + r.text(i, 3);
            // NOT NULL with a default fills the rows there now; without one it waits for the copy.
            if (r.toBool(i, 2) && !r.isNull(i, 3))
                st += QStringLiteral(" NOT NULL");
            else if (r.toBool(i, 2))
                afterCopy << QStringLiteral("ALTER TABLE %1 ALTER COLUMN %2 SET NOT NULL").arg(qt, qc);
            add << st;
            changes << SchemaChange{
                name + u'.' + r.text(i, 0),
                QStringLiteral("column added"),
                st,
                QString(),
                QStringLiteral("added on the source (seen by the catalog watch): added on the "
                               "target as the source has it, and the table copied again "
                               "from a new snapshot"),
                QString()};
        }
        // A column dropped or retyped on the source: the same on the target, its rows to come
        // from the copy. Dropping or retyping at the root reaches every partition, as on the source.
        QStringList alter;
        for (const QString &c : dropped) {
            alter << QStringLiteral("ALTER TABLE %1 DROP COLUMN IF EXISTS %2").arg(qt, dst.quoteIdent(c));
            changes << SchemaChange{
                name + u'.' + c,
                QStringLiteral("column dropped"),
                alter.last(),
                QString(),
                QStringLiteral("dropped on the source (seen by the catalog watch): dropped on "
                               "the target, and the table copied again from a new snapshot"),
                QString()};
        }
        for (const auto &[from, to] : cc.renamed) {
            alter << QStringLiteral("ALTER TABLE %1 RENAME COLUMN %2 TO %3")
                         .arg(qt, dst.quoteIdent(from), dst.quoteIdent(to));
            changes << SchemaChange{
                name + u'.' + to,
                QStringLiteral("column renamed"),
                alter.last(),
                QString(),
                QStringLiteral("renamed from %1 on the source (seen by the catalog watch): "
                               "renamed on the target, and the table copied again from a new "
                               "snapshot")
                    .arg(from),
                QString()};
        }
        for (const QString &c : retyped) {
            const QString qc = dst.quoteIdent(c);
            alter << QStringLiteral("ALTER TABLE %1 ALTER COLUMN %2 TYPE %3 USING %2::%3")
                         .arg(qt, qc, types.value(c));
            changes << SchemaChange{
                name + u'.' + c,
                QStringLiteral("column type changed"),
                alter.last(),
                QString(),
                QStringLiteral("its type changed on the source (seen by the catalog watch): "
                               "changed on the target, and the table copied again from a new "
                               "snapshot"),
                QString()};
        }
        // Added first: until the copy, rows that name them are held by the applier anyway. A
        // column already there came with a parent's or another partition's (42701); one gone
        // already went with its parent's.
        for (const QString &st : std::as_const(add)) {
            try {
                dst.exec(st);
            } catch (const pg::Exception &ex) {
                if (ex.error().sqlstate != u"42701")
                    return QStringLiteral("the target refused %1: %2").arg(st, ex.error().toString());
            }
        }
        for (const QString &st : std::as_const(alter))
            if (const auto err = dst.tryExec(st))
                return QStringLiteral("the target refused %1: %2").arg(st, err->toString());
        stream->holdForCopy(name, changes, afterCopy);
        stream->requestResync(name);
        QStringList what;
        if (!columns.isEmpty())
            what << QStringLiteral("gained %1").arg(columns.join(QStringLiteral(", ")));
        if (!dropped.isEmpty())
            what << QStringLiteral("lost %1").arg(dropped.join(QStringLiteral(", ")));
        if (!retyped.isEmpty())
            what << QStringLiteral("changed the type of %1").arg(retyped.join(QStringLiteral(", ")));
        for (const auto &[from, to] : cc.renamed)
            what << QStringLiteral("renamed %1 to %2").arg(from, to);
        log(QStringLiteral("%1 %2 on the source: the same on the target, copying the table again")
                .arg(name, what.join(QStringLiteral("; "))));
        return QString();
    });
}

QList<SchemaChange> LocalEngine::Run::carryGoneTables(const QList<load::SourceTable> &source,
                                                      const QHash<QString, load::SourceTable> &target,
                                                      bool adopt, QSet<QString> *renamedTo, bool drops)
{
    QSet<QString> onSource;
    QHash<quint32, const load::SourceTable *> byOid;
    for (const load::SourceTable &t : source) {
        onSource.insert(t.qualifiedName());
        byOid.insert(t.oid, &t);
    }
    QList<SchemaChange> out;
    const QList<load::SourceTable> migrated = tables + adoptedTables;
    for (const load::SourceTable &m : migrated) {
        const QString old = m.qualifiedName();
        if (onSource.contains(old) || !target.contains(old)) {
            goneSince.remove(old); // there, or carried already (or dropped on the target by hand)
            continue;
        }
        const load::SourceTable *now = m.oid ? byOid.value(m.oid) : nullptr;
        if (now && target.contains(now->qualifiedName()))
            now = nullptr; // the new name is taken on the target: the old table is only gone
        if (now && renamedTo)
            renamedTo->insert(now->qualifiedName());
        if (bool(now) == drops)
            continue; // the other pass's
        if (!goneSince.contains(old))
            goneSince.insert(
                old, pg::parseLsn(
                         watchSource->exec(pg::currentWalLsnSql(watchSource->serverVersion())).text(0, 0)));
        const pg::Lsn since = goneSince.value(old);
        // Its rows under the old name, up to the drop or rename, are applied first.
        const bool caughtUp = stream && stream->appliedPast(since);
        const QString waiting =
            QStringLiteral("; the target catches up first (changes before %1 are applied)")
                .arg(pg::formatLsn(since));
        if (now) {
            const QString name = now->qualifiedName();
            QStringList renaming{
                QStringLiteral("ALTER TABLE %1 RENAME TO %2")
                    .arg(watchTarget->qualified(m.schema, m.name), watchTarget->quoteIdent(now->name))};
            if (m.schema != now->schema)
                renaming << QStringLiteral("ALTER TABLE %1 SET SCHEMA %2")
                                .arg(watchTarget->qualified(m.schema, now->name),
                                     watchTarget->quoteIdent(now->schema));
            const QString rename = renaming.join(QStringLiteral("; "));
            const SchemaChange change{
                name,
                QStringLiteral("table renamed"),
                rename,
                QString(),
                QStringLiteral("renamed from %1 on the source (seen by the catalog watch): "
                               "renamed on the target once the changes before the rename "
                               "were applied, then copied again from a new snapshot")
                    .arg(old),
                QString()};
            QString why = adopt ? whyNotStreamable(*now) : QStringLiteral("the cutover has begun");
            // Held at once, durably (a restart holds it too): its rows under the new name, which
            // the target cannot take yet, wait for the copy; the stream goes on past the rename.
            if (why.isEmpty() && !renameHeld.contains(name)) {
                try {
                    stream->holdForCopy(name, {change});
                    renameHeld.insert(name);
                } catch (const std::exception &ex) {
                    why = reasonOf(ex);
                }
            }
            if (why.isEmpty() && !caughtUp)
                why = QStringLiteral("waiting"); // not a failure: tried at the next look
            if (why.isEmpty())
                why = adoptOnce(name, [&] {
                    watchTarget->exec(QStringLiteral("BEGIN"));
                    try {
                        for (const QString &st : std::as_const(renaming))
                            watchTarget->exec(st);
                        watchTarget->exec(QStringLiteral("COMMIT"));
                    } catch (...) {
                        watchTarget->tryExec(QStringLiteral("ROLLBACK"));
                        throw;
                    }
                    stream->requestResync(name);
                    adoptedTables << *now;
                    renameHeld.remove(name);
                    log(QStringLiteral(
                            "%1 was renamed %2 on the source: renamed on the target, copying it again "
                            "from a new snapshot")
                            .arg(old, name));
                    return QString();
                });
            if (why.isEmpty()) {
                goneSince.remove(old);
                continue;
            }
            out << SchemaChange{
                name,
                QStringLiteral("table renamed"),
                rename,
                QStringLiteral("unresolved"),
                why == u"waiting"
                    ? QStringLiteral("renamed from %1 on the source: renamed on the target and "
                                     "copied again once it can be%2")
                          .arg(old, waiting)
                    : QStringLiteral("renamed from %1 on the source, and pgferry could not carry "
                                     "it: %2. Rename it on the target (%3), then copy it again "
                                     "(pgferry-cli resync)")
                          .arg(old, why, rename),
                QString()};
            continue;
        }
        // Dropped: dropped on the target too once its last changes are applied (at the cutover's
        // last look, after the drain, as well).
        const QString drop =
            QStringLiteral("DROP TABLE IF EXISTS %1").arg(watchTarget->qualified(m.schema, m.name));
        QString why = !(adopt || adoptNow) ? QStringLiteral("the cutover has begun")
                      : !caughtUp          ? QStringLiteral("waiting")
                                           : QString();
        if (why.isEmpty())
            why = adoptOnce(old, [&] {
                watchTarget->exec(drop);
                objectChanges << SchemaChange{
                    old,
                    QStringLiteral("table dropped"),
                    drop,
                    QStringLiteral("applied"),
                    QStringLiteral("dropped on the source (seen by the catalog watch): dropped on the target "
                                   "once its last changes were applied"),
                    QString()};
                saveObjectWatch();
                log(QStringLiteral(
                        "%1 was dropped on the source: dropped it on the target (its changes up to %2 "
                        "were applied)")
                        .arg(old, pg::formatLsn(since)));
                return QString();
            });
        if (why.isEmpty()) {
            goneSince.remove(old);
            continue;
        }
        out << SchemaChange{
            old,
            QStringLiteral("table dropped"),
            drop,
            QStringLiteral("unresolved"),
            why == u"waiting"
                ? QStringLiteral(
                      "dropped on the source: dropped on the target once its last changes are applied%1")
                      .arg(waiting)
                : QStringLiteral(
                      "dropped on the source, still on the target, and pgferry could not drop it: %1. "
                      "Drop it on the target (%2)")
                      .arg(why, drop),
            QString()};
    }
    return out;
}

} // namespace pgferry::engine
