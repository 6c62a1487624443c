// Without DDL capture, the objects other than tables: a type, a standalone sequence, a function
// or procedure, a view or a materialized view created, changed or dropped on the source while
// changes stream is made, replaced or dropped on the target by the catalog watch. They hold no
// rows of their own, so carrying them is safe at any moment, the cutover's last look included.
// What changed is known by comparing the source with itself: a baseline of fingerprints taken at
// the snapshot, journaled, and moved on with each change carried.
#include "localrun.h"

#include <QJsonArray>

namespace pgferry::engine {

using schema::SchemaObject;

void LocalEngine::Run::loadObjectWatch()
{
    if (objectWatchLoaded)
        return;
    objectWatchLoaded = true;
    const QJsonObject saved = e.m_journal.databaseObject(db.name);
    const QJsonObject baseline = saved.value(u"watch_objects").toObject();
    for (auto it = baseline.begin(); it != baseline.end(); ++it)
        objectBaseline.insert(it.key(), SchemaObject::fromJson(it.value().toObject()));
    for (const QJsonValue &v : saved.value(u"watch_object_changes").toObject().value(u"changes").toArray())
        objectChanges << SchemaChange::fromJson(v.toObject());
    if (!saved.contains(u"watch_objects") && watchSource) {
        // A run journaled before the watch knew objects: they are watched from now on.
        QSet<QString> schemas;
        for (const load::SourceTable &t : std::as_const(tables))
            schemas.insert(t.schema);
        for (const SchemaObject &o : schema::readSchemaObjects(*watchSource, db, schemas))
            objectBaseline.insert(o.key(), o);
        saveObjectWatch();
    }
}

void LocalEngine::Run::saveObjectWatch()
{
    QJsonObject baseline;
    for (auto it = objectBaseline.cbegin(); it != objectBaseline.cend(); ++it)
        baseline.insert(it.key(), it->toJson());
    QJsonArray changes;
    for (const SchemaChange &c : std::as_const(objectChanges))
        changes.append(c.toJson());
    e.m_journal.setObject(db.name, QStringLiteral("watch_objects"), baseline);
    e.m_journal.setObject(db.name, QStringLiteral("watch_object_changes"),
                          QJsonObject{{QStringLiteral("changes"), changes}});
    saveJournal();
}

void LocalEngine::Run::takeObjectBaseline(pg::Connection &source)
{
    if (e.m_journal.databaseObject(db.name).contains(u"watch_objects"))
        return;
    QSet<QString> schemas;
    for (const load::SourceTable &t : std::as_const(tables))
        schemas.insert(t.schema);
    objectBaseline.clear();
    for (const SchemaObject &o : schema::readSchemaObjects(source, db, schemas))
        objectBaseline.insert(o.key(), o);
    objectWatchLoaded = true;
    saveObjectWatch();
}

QList<SchemaChange> LocalEngine::Run::carryObjects(const QList<SchemaObject> &now, bool typesOnly)
{
    loadObjectWatch();
    const auto isType = [](const SchemaObject &o) { return o.creationOrder() == 0; };
    // Copies: the baseline moves on while they are carried.
    struct Todo
    {
        std::optional<SchemaObject> before, now;
        const SchemaObject &any() const { return now ? *now : *before; }
    };
    QList<Todo> made, dropped;
    QSet<QString> seen;
    for (const SchemaObject &o : now) {
        seen.insert(o.key());
        const auto b = objectBaseline.constFind(o.key());
        if ((b == objectBaseline.constEnd() || b->fingerprint != o.fingerprint) && isType(o) == typesOnly)
            made << Todo{b == objectBaseline.constEnd() ? std::nullopt : std::optional(*b), o};
    }
    if (!typesOnly) // dropped last, the types among them after what used them
        for (auto it = objectBaseline.cbegin(); it != objectBaseline.cend(); ++it)
            if (!seen.contains(it.key()))
                dropped << Todo{*it, std::nullopt};
    if (made.isEmpty() && dropped.isEmpty())
        return {};
    std::stable_sort(made.begin(), made.end(), [](const Todo &a, const Todo &b) {
        return a.now->creationOrder() < b.now->creationOrder();
    });
    std::stable_sort(dropped.begin(), dropped.end(), [](const Todo &a, const Todo &b) {
        return a.before->creationOrder() > b.before->creationOrder();
    });
    QList<Todo> todo = made + dropped;

    // What the target has, by the same keys (to replace rather than create after a restart).
    QSet<QString> schemas;
    for (const Todo &t : std::as_const(todo))
        schemas.insert(t.any().schema);
    QHash<QString, SchemaObject> onTarget;
    for (const SchemaObject &o : schema::readSchemaObjects(*watchTarget, db, schemas))
        onTarget.insert(o.key(), o);

    // A view on a view made in the same watch may come first: passes go on while one carries.
    QHash<QString, QString> failed;
    QList<SchemaChange> carried;
    bool progress = true;
    const bool wasNow = adoptNow;
    for (int pass = 0; progress && !todo.isEmpty() && pass < 5; ++pass) {
        progress = false;
        adoptNow = wasNow || pass > 0;
        for (auto it = todo.begin(); it != todo.end();) {
            const SchemaObject &o = it->any();
            const QString key = o.key();
            QString statement;
            const QString why = adoptOnce(key, [&] {
                const auto t = onTarget.constFind(key);
                return carryObject(it->before ? &*it->before : nullptr, it->now ? &*it->now : nullptr,
                                   t == onTarget.constEnd() ? nullptr : &*t, &statement);
            });
            if (!why.isEmpty()) {
                failed.insert(key, why);
                ++it;
                continue;
            }
            failed.remove(key);
            progress = true;
            const QString action = !it->now     ? QStringLiteral("dropped")
                                   : it->before ? QStringLiteral("changed")
                                                : QStringLiteral("created");
            carried << SchemaChange{
                key,
                o.kind + u' ' + action,
                statement,
                QStringLiteral("applied"),
                QStringLiteral("%1 on the source (seen by the catalog watch): %2 on the target")
                    .arg(action,
                         !it->now ? QStringLiteral("dropped") : QStringLiteral("made as the source has it")),
                QString()};
            log(QStringLiteral("%1 %2 was %3 on the source; ran on the target: %4")
                    .arg(o.kind, key, action, statement.left(300)));
            if (it->now) {
                objectBaseline.insert(key, *it->now);
            } else {
                onTarget.remove(key);
                objectBaseline.remove(key);
            }
            it = todo.erase(it);
        }
    }
    adoptNow = wasNow;
    if (!carried.isEmpty()) {
        objectChanges << carried;
        saveObjectWatch();
    }
    QList<SchemaChange> out;
    for (const Todo &t : std::as_const(todo)) {
        const SchemaObject &o = t.any();
        const QString action = !t.now     ? QStringLiteral("dropped")
                               : t.before ? QStringLiteral("changed")
                                          : QStringLiteral("created");
        out << SchemaChange{
            o.key(),
            o.kind + u' ' + action,
            QString(),
            QStringLiteral("unresolved"),
            QStringLiteral("%1 on the source while changes streamed (seen by the catalog watch), and pgferry "
                           "could not carry it: %2. Make the target's %3 as the source has it (pgferry sees "
                           "that and goes on), or undo the change on the source")
                .arg(action, failed.value(o.key()), o.kind),
            QString()};
    }
    return out;
}

QString LocalEngine::Run::carryObject(const SchemaObject *before, const SchemaObject *now,
                                      const SchemaObject *targetObject, QString *statement)
{
    bool onTarget = targetObject;
    pg::Connection &src = *watchSource;
    pg::Connection &dst = *watchTarget;
    const auto &options = e.m_config.project.settings.schema;
    if (!now) {
        *statement = schema::dropStatement(dst, *before);
        dst.exec(*statement);
        return {};
    }
    const SchemaObject &o = *now;
    // Made with its owner (unless the project leaves owners out), in one transaction; "" or why not.
    const auto runWithOwner = [&](const QString &sql) {
        dst.exec(QStringLiteral("BEGIN"));
        try {
            // A routine's body may name what the watch has not made yet (pg_dump does the same).
            dst.exec(QStringLiteral("SET LOCAL check_function_bodies = off"));
            dst.exec(sql);
            if (!options.noOwner)
                dst.exec(schema::ownerStatement(dst, o));
            dst.exec(QStringLiteral("COMMIT"));
        } catch (const pg::Exception &ex) {
            dst.tryExec(QStringLiteral("ROLLBACK"));
            // 42P13: a routine's result or argument names changed; 42P16: a view lost or changed
            // columns. Neither can be replaced in place.
            if (ex.error().sqlstate == u"42P13" || ex.error().sqlstate == u"42P16")
                return QStringLiteral("%1; drop it on the target (%2), and pgferry makes it again")
                    .arg(ex.error().toString(), schema::dropStatement(dst, o));
            throw;
        }
        return QString();
    };
    if (o.kind == u"aggregate") {
        if (onTarget) {
            *statement = QStringLiteral("none: made on the target by hand");
            return {};
        }
        return QStringLiteral(
            "pgferry does not make aggregates: create it on the target as the source has it");
    }
    if (o.kind == u"sequence") { // its value is set at cutover, with the others'
        if (!onTarget) {
            *statement = migrator->restoreTable(o.schema, o.name).join(QStringLiteral("; "));
            return {};
        }
        // Options altered (from 10 on): altered alike.
        *statement = before ? schema::definitionOf(src, o) : QString();
        if (statement->isEmpty()) {
            *statement = QStringLiteral("none: on the target already");
            return {};
        }
        return runWithOwner(*statement);
    }
    if (o.kind == u"view" || o.kind == u"materialized view") {
        if (onTarget && o.kind == u"materialized view") {
            // A materialized view's query cannot be replaced: made again (filled at cutover).
            *statement = schema::dropStatement(dst, o);
            dst.exec(*statement);
            onTarget = false;
        }
        if (onTarget) {
            *statement = schema::definitionOf(src, o);
            if (statement->isEmpty())
                return QStringLiteral("it is gone from the source's catalog");
            return runWithOwner(*statement);
        } else {
            const QStringList made = migrator->restoreTable(o.schema, o.name);
            *statement = (statement->isEmpty() ? QString() : *statement + QStringLiteral("; ")) +
                         QStringLiteral("pg_dump --table %1, restored on the target (%2)")
                             .arg(o.key(), made.join(QStringLiteral("; ")));
        }
        return {};
    }
    if (o.kind == u"enum type" && onTarget) {
        // Labels are added where the source has them; one the target has and the source not
        // (renamed or the type made again) cannot be carried.
        const QStringList want = schema::enumLabels(src, o);
        const QStringList have = schema::enumLabels(dst, o);
        for (const QString &l : have)
            if (!want.contains(l))
                return QStringLiteral("the target's label '%1' is not on the source (renamed?): rename it on "
                                      "the target as on the source (ALTER TYPE ... RENAME VALUE)")
                    .arg(l);
        // From the last: the label each goes before is there by then.
        QStringList ran;
        for (qsizetype i = want.size() - 1; i >= 0; --i) {
            if (have.contains(want[i]))
                continue;
            QString st = QStringLiteral("ALTER TYPE %1 ADD VALUE IF NOT EXISTS %2")
                             .arg(dst.qualified(o.schema, o.name), dst.quoteLiteral(want[i]));
            if (i + 1 < want.size())
                st += QStringLiteral(" BEFORE ") + dst.quoteLiteral(want[i + 1]);
            // Not in a transaction: before PostgreSQL 12 ADD VALUE refuses one.
            dst.exec(st);
            ran << st;
        }
        *statement = ran.join(QStringLiteral("; "));
        return {};
    }
    *statement = schema::definitionOf(src, o);
    if (statement->isEmpty())
        return QStringLiteral("it is gone from the source's catalog");
    if (onTarget && !o.isRoutine()) {
        if (!before) { // made before a restart, or by hand
            *statement = QStringLiteral("none: on the target already");
            return {};
        }
        // A domain or a composite type changed: how to alter it is the administrator's call.
        // Once the target's reads the same, it is done.
        if (schema::definitionOf(dst, *targetObject) == *statement) {
            *statement = QStringLiteral("none: altered on the target by hand");
            return {};
        }
        const QString sql = *statement;
        statement->clear();
        return QStringLiteral("a %1 that changed is not carried: alter it on the target to match (%2)")
            .arg(o.kind, sql.left(300));
    }
    return runWithOwner(*statement);
}

void LocalEngine::Run::refreshCarriedMaterializedViews()
{
    QStringList refreshed;
    for (const SchemaObject &o : std::as_const(objectBaseline)) {
        if (o.kind != u"materialized view")
            continue;
        const bool made =
            std::any_of(objectChanges.cbegin(), objectChanges.cend(), [&](const SchemaChange &c) {
                return c.object == o.key() && c.kind != u"materialized view dropped";
            });
        if (!made)
            continue;
        const QString q = target.qualified(o.schema, o.name);
        target.exec(QStringLiteral("REFRESH MATERIALIZED VIEW ") + q);
        refreshed << q;
    }
    if (!refreshed.isEmpty())
        log(QStringLiteral("filled the materialized views made while changes streamed: %1")
                .arg(refreshed.join(QStringLiteral(", "))));
}

} // namespace pgferry::engine
