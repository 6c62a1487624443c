#include "schema/reconcile.h"

#include <QMap>
#include <QSet>

namespace pgferry::schema {

namespace {

struct Definition
{
    QString table; // quoted schema.table
    QString key;   // schema.table.name, unquoted
    QString sql;   // what creates it
};

// A condition on pg_constraint `alias`: not a foreign key, or one whose referenced table is in $1
// (a table filter leaves the others out, with their keys).
QString referencesMigrated(const QString &alias)
{
    return QStringLiteral("(%1.contype <> 'f' OR (SELECT fn.nspname || '.' || f.relname FROM pg_class f JOIN "
                          "pg_namespace fn "
                          "ON fn.oid = f.relnamespace WHERE f.oid = %1.confrelid) = ANY ($1::text[]))")
        .arg(alias);
}

// Keys, checks, indexes, foreign keys and user triggers of `tables`, each with the statement
// that creates it, printed by the server with every name qualified.
QList<Definition> definitions(pg::Connection &c, const QString &list)
{
    const int v = c.serverVersion();
    c.exec(QStringLiteral("SET search_path = pg_catalog, pg_temp"));
    const QString conParent = v >= 110000 ? QStringLiteral(" AND co.conparentid = 0") : QString();
    const QString trigParent = v >= 130000 ? QStringLiteral(" AND t.tgparentid = 0") : QString();
    QList<Definition> out;
    // Keys and checks, then indexes that back no constraint (a partition's, made by its parent's,
    // left out): made while streaming by a catalog watch that carries tables and columns only.
    pg::Result keys =
        c.exec(QStringLiteral("SELECT quote_ident(n.nspname) || '.' || quote_ident(r.relname), n.nspname || "
                              "'.' || r.relname || '.' || co.conname, "
                              "  format('ALTER TABLE %s ADD CONSTRAINT %I %s', quote_ident(n.nspname) || '.' "
                              "|| quote_ident(r.relname), co.conname, pg_get_constraintdef(co.oid)) "
                              "FROM pg_constraint co JOIN pg_class r ON r.oid = co.conrelid JOIN "
                              "pg_namespace n ON n.oid = r.relnamespace "
                              "WHERE co.contype IN ('p', 'u', 'x', 'c')%1 AND co.conislocal AND "
                              "(n.nspname || '.' || r.relname) = ANY ($1::text[]) "
                              "ORDER BY co.contype = 'c', 2")
                   .arg(conParent),
               {list});
    for (int i = 0; i < keys.rows(); ++i)
        out << Definition{keys.text(i, 0), keys.text(i, 1), keys.text(i, 2)};
    pg::Result idx = c.exec(
        QStringLiteral("SELECT quote_ident(n.nspname) || '.' || quote_ident(r.relname), n.nspname || "
                       "'.' || r.relname || '.' || i.relname, pg_get_indexdef(x.indexrelid) "
                       "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class r ON r.oid = "
                       "x.indrelid JOIN pg_namespace n ON n.oid = r.relnamespace "
                       "WHERE (n.nspname || '.' || r.relname) = ANY ($1::text[]) "
                       "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid AND "
                       "k.conrelid = x.indrelid AND k.contype IN ('p', 'u', 'x')) "
                       "AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = x.indexrelid) "
                       "ORDER BY 2"),
        {list});
    for (int i = 0; i < idx.rows(); ++i)
        out << Definition{idx.text(i, 0), idx.text(i, 1), idx.text(i, 2)};
    pg::Result fk =
        c.exec(QStringLiteral("SELECT quote_ident(n.nspname) || '.' || quote_ident(r.relname), n.nspname || "
                              "'.' || r.relname || '.' || co.conname, "
                              "  format('ALTER TABLE %s ADD CONSTRAINT %I %s', quote_ident(n.nspname) || '.' "
                              "|| quote_ident(r.relname), co.conname, "
                              "         pg_get_constraintdef(co.oid)) "
                              "FROM pg_constraint co JOIN pg_class r ON r.oid = co.conrelid JOIN "
                              "pg_namespace n ON n.oid = r.relnamespace "
                              "WHERE co.contype = 'f'%1 AND (n.nspname || '.' || r.relname) = ANY "
                              "($1::text[]) AND %2 ORDER BY 2")
                   .arg(conParent, referencesMigrated(QStringLiteral("co"))),
               {list});
    for (int i = 0; i < fk.rows(); ++i)
        out << Definition{fk.text(i, 0), fk.text(i, 1), fk.text(i, 2)};
    pg::Result tg = c.exec(
        QStringLiteral(
            "SELECT quote_ident(n.nspname) || '.' || quote_ident(r.relname), n.nspname || '.' || r.relname "
            "|| '.' || t.tgname, "
            "  pg_get_triggerdef(t.oid) || CASE t.tgenabled "
            "    WHEN 'D' THEN format('; ALTER TABLE %s DISABLE TRIGGER %I', quote_ident(n.nspname) || '.' "
            "|| quote_ident(r.relname), t.tgname) "
            "    WHEN 'R' THEN format('; ALTER TABLE %s ENABLE REPLICA TRIGGER %I', quote_ident(n.nspname) "
            "|| '.' || quote_ident(r.relname), t.tgname) "
            "    WHEN 'A' THEN format('; ALTER TABLE %s ENABLE ALWAYS TRIGGER %I', quote_ident(n.nspname) || "
            "'.' || quote_ident(r.relname), t.tgname) "
            "    ELSE '' END "
            "FROM pg_trigger t JOIN pg_class r ON r.oid = t.tgrelid JOIN pg_namespace n ON n.oid = "
            "r.relnamespace "
            "WHERE NOT t.tgisinternal%1 AND (n.nspname || '.' || r.relname) = ANY ($1::text[]) ORDER BY 2")
            .arg(trigParent),
        {list});
    for (int i = 0; i < tg.rows(); ++i)
        out << Definition{tg.text(i, 0), tg.text(i, 1), tg.text(i, 2)};
    c.exec(QStringLiteral("RESET search_path"));
    return out;
}

// A text[] literal of qualified names: each element quoted, with " and \\ escaped.
QString textArray(const QStringList &qualifiedNames)
{
    QStringList quoted;
    for (QString n : qualifiedNames)
        quoted << u'"' + n.replace(u'\\', QStringLiteral("\\\\")).replace(u'"', QStringLiteral("\\\"")) +
                      u'"';
    return u'{' + quoted.join(u',') + u'}';
}

QStringList qualifiedNames(const QList<load::SourceTable> &tables)
{
    QStringList names;
    for (const load::SourceTable &t : tables)
        names << t.qualifiedName();
    return names;
}

// "schema.table" -> its lines: "column c type notnull", "index i", "constraint k".
QMap<QString, QStringList> schemaLines(pg::Connection &c, const QString &list)
{
    pg::Result r = c.exec(
        QStringLiteral("SELECT n.nspname || '.' || t.relname, 'column ' || a.attname || ' ' || "
                       "format_type(a.atttypid, a.atttypmod) || "
                       "  CASE WHEN a.attnotnull THEN ' not null' ELSE '' END "
                       "FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace "
                       "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped "
                       "WHERE (n.nspname || '.' || t.relname) = ANY ($1::text[]) "
                       "UNION ALL "
                       "SELECT n.nspname || '.' || t.relname, 'index ' || i.relname "
                       "FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace "
                       "JOIN pg_index x ON x.indrelid = t.oid JOIN pg_class i ON i.oid = x.indexrelid "
                       "WHERE (n.nspname || '.' || t.relname) = ANY ($1::text[]) "
                       "UNION ALL "
                       "SELECT n.nspname || '.' || t.relname, 'constraint ' || k.conname "
                       "FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_constraint k "
                       "ON k.conrelid = t.oid "
                       "WHERE (n.nspname || '.' || t.relname) = ANY ($1::text[]) AND k.contype <> 'n' AND %1 "
                       "ORDER BY 1, 2")
            .arg(referencesMigrated(QStringLiteral("k"))),
        {list});
    QMap<QString, QStringList> out;
    for (int i = 0; i < r.rows(); ++i)
        out[r.text(i, 0)] << r.text(i, 1);
    return out;
}

} // namespace

QStringList compareSchemas(pg::Connection &source, pg::Connection &target,
                           const QList<load::SourceTable> &tables)
{
    QStringList diffs;
    if (tables.isEmpty())
        return diffs;
    const QString list = textArray(qualifiedNames(tables));
    const QMap<QString, QStringList> want = schemaLines(source, list);
    const QMap<QString, QStringList> have = schemaLines(target, list);
    for (auto it = want.cbegin(); it != want.cend(); ++it) {
        const QStringList theirs = have.value(it.key());
        if (theirs.isEmpty()) {
            diffs << QStringLiteral("%1: missing on the target").arg(it.key());
            continue;
        }
        for (const QString &l : it.value())
            if (!theirs.contains(l))
                diffs << QStringLiteral("%1: %2 on the source, not on the target").arg(it.key(), l);
        for (const QString &l : theirs)
            if (!it.value().contains(l))
                diffs << QStringLiteral("%1: %2 on the target, not on the source").arg(it.key(), l);
    }
    return diffs;
}

ReconcileResult createMissingKeysAndTriggers(pg::Connection &source, pg::Connection &target,
                                             const QList<load::SourceTable> &tables)
{
    ReconcileResult result;
    QStringList names = qualifiedNames(tables);
    if (names.isEmpty())
        return result;
    // The partitioned parents of migrated partitions carry keys and triggers too.
    pg::Result parents = source.exec(
        QStringLiteral("SELECT DISTINCT pn.nspname || '.' || p.relname FROM pg_inherits h JOIN pg_class c ON "
                       "c.oid = h.inhrelid "
                       "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_class p ON p.oid = h.inhparent "
                       "JOIN pg_namespace pn ON pn.oid = p.relnamespace "
                       "WHERE (n.nspname || '.' || c.relname) = ANY ($1::text[])"),
        {textArray(names)});
    for (int i = 0; i < parents.rows(); ++i)
        names << parents.text(i, 0);
    const QString list = textArray(names);
    const QList<Definition> want = definitions(source, list);
    QSet<QString> have;
    for (const Definition &d : definitions(target, list))
        have.insert(d.key);
    for (const Definition &d : want) {
        if (have.contains(d.key))
            continue;
        try {
            target.exec(d.sql);
        } catch (const pg::Exception &e) {
            pg::Error err = e.error();
            err.context = QStringLiteral("creating %1 on the target as the source has it").arg(d.key);
            throw pg::Exception(err);
        }
        result.created << d.key;
    }
    return result;
}

} // namespace pgferry::schema
