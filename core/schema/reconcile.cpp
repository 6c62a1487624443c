#include "schema/reconcile.h"

#include <QSet>

namespace pgferry::schema {

namespace {

struct Definition
{
    QString table; // quoted schema.table
    QString key;   // schema.table.name, unquoted
    QString sql;   // what creates it
};

// Foreign keys and user triggers of `tables`, each with the statement that creates it, printed by
// the server with every name qualified.
QList<Definition> definitions(pg::Connection &c, const QStringList &names)
{
    const int v = c.serverVersion();
    c.exec(QStringLiteral("SET search_path = pg_catalog, pg_temp"));
    const QString conParent = v >= 110000 ? QStringLiteral(" AND co.conparentid = 0") : QString();
    const QString trigParent = v >= 130000 ? QStringLiteral(" AND t.tgparentid = 0") : QString();
    const QString list = u'{' + names.join(u',') + u'}';
    QList<Definition> out;
    pg::Result fk = c.exec(QStringLiteral(
        "SELECT quote_ident(n.nspname) || '.' || quote_ident(r.relname), n.nspname || '.' || r.relname || '.' || co.conname, "
        "  format('ALTER TABLE %s ADD CONSTRAINT %I %s', quote_ident(n.nspname) || '.' || quote_ident(r.relname), co.conname, "
        "         pg_get_constraintdef(co.oid)) "
        "FROM pg_constraint co JOIN pg_class r ON r.oid = co.conrelid JOIN pg_namespace n ON n.oid = r.relnamespace "
        "WHERE co.contype = 'f'%1 AND (n.nspname || '.' || r.relname) = ANY ($1::text[]) ORDER BY 2").arg(conParent),
        {list});
    for (int i = 0; i < fk.rows(); ++i)
        out << Definition{fk.text(i, 0), fk.text(i, 1), fk.text(i, 2)};
    pg::Result tg = c.exec(QStringLiteral(
        "SELECT quote_ident(n.nspname) || '.' || quote_ident(r.relname), n.nspname || '.' || r.relname || '.' || t.tgname, "
        "  pg_get_triggerdef(t.oid) || CASE t.tgenabled "
        "    WHEN 'D' THEN format('; ALTER TABLE %s DISABLE TRIGGER %I', quote_ident(n.nspname) || '.' || quote_ident(r.relname), t.tgname) "
        "    WHEN 'R' THEN format('; ALTER TABLE %s ENABLE REPLICA TRIGGER %I', quote_ident(n.nspname) || '.' || quote_ident(r.relname), t.tgname) "
        "    WHEN 'A' THEN format('; ALTER TABLE %s ENABLE ALWAYS TRIGGER %I', quote_ident(n.nspname) || '.' || quote_ident(r.relname), t.tgname) "
        "    ELSE '' END "
        "FROM pg_trigger t JOIN pg_class r ON r.oid = t.tgrelid JOIN pg_namespace n ON n.oid = r.relnamespace "
        "WHERE NOT t.tgisinternal%1 AND (n.nspname || '.' || r.relname) = ANY ($1::text[]) ORDER BY 2").arg(trigParent),
        {list});
    for (int i = 0; i < tg.rows(); ++i)
        out << Definition{tg.text(i, 0), tg.text(i, 1), tg.text(i, 2)};
    c.exec(QStringLiteral("RESET search_path"));
    return out;
}

} // namespace

ReconcileResult createMissingKeysAndTriggers(pg::Connection &source, pg::Connection &target,
                                             const QList<load::SourceTable> &tables)
{
    ReconcileResult result;
    QStringList names;
    for (const load::SourceTable &t : tables) {
        QString n = t.qualifiedName();
        // An element of a text[] literal: quoted, with " and \ escaped.
        n.replace(u'\\', QStringLiteral("\\\\")).replace(u'"', QStringLiteral("\\\""));
        names << u'"' + n + u'"';
    }
    if (names.isEmpty())
        return result;
    // The partitioned parents of migrated partitions carry keys and triggers too.
    pg::Result parents = source.exec(QStringLiteral(
        "SELECT DISTINCT pn.nspname || '.' || p.relname FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_class p ON p.oid = h.inhparent "
        "JOIN pg_namespace pn ON pn.oid = p.relnamespace "
        "WHERE (n.nspname || '.' || c.relname) = ANY ($1::text[])"),
        {QString(u'{' + names.join(u',') + u'}')});
    for (int i = 0; i < parents.rows(); ++i) {
        QString n = parents.text(i, 0);
        n.replace(u'\\', QStringLiteral("\\\\")).replace(u'"', QStringLiteral("\\\""));
        names << u'"' + n + u'"';
    }
    const QList<Definition> want = definitions(source, names);
    QSet<QString> have;
    for (const Definition &d : definitions(target, names))
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
