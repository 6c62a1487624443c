#include "schema/tocfilter.h"

#include <QHash>
#include <QJsonArray>

namespace pgferry::schema {

namespace {

struct Relation
{
    QString schema, name, owner;
    char kind = 'r';
    bool kept = true;
};

// The word pg_dump's comments and grants use for a relation of this kind.
QString kindWord(char kind)
{
    switch (kind) {
    case 'v':
        return QStringLiteral("VIEW");
    case 'm':
        return QStringLiteral("MATERIALIZED VIEW");
    case 'S':
        return QStringLiteral("SEQUENCE");
    case 'f':
        return QStringLiteral("FOREIGN TABLE");
    case 'i':
    case 'I':
        return QStringLiteral("INDEX");
    default:
        return QStringLiteral("TABLE");
    }
}

QString display(const Relation &r)
{
    return r.schema + u'.' + r.name;
}

// A schema whose every relation the filter leaves out, and that holds nothing else (no function,
// type, domain, operator, collation, extension, text search object or conversion), would arrive
// empty: it is left out with its comment, grants and default privileges. `public` stays: a new
// database has it anyway.
void leaveOutEmptiedSchemas(pg::Connection &source, const QHash<quint32, Relation> &rels, TocFilter &f)
{
    QHash<QString, bool> keepsRelation; // schema -> whether a relation in it is kept
    for (const Relation &r : rels)
        keepsRelation[r.schema] = keepsRelation.value(r.schema) || r.kept;
    QStringList emptied;
    for (auto it = keepsRelation.cbegin(); it != keepsRelation.cend(); ++it)
        if (!it.value() && it.key() != u"public")
            emptied << it.key();
    if (emptied.isEmpty())
        return;
    pg::Result r = source.exec(
        QStringLiteral("SELECT n.oid, n.nspname, pg_get_userbyid(n.nspowner) FROM pg_namespace n "
                       "WHERE NOT EXISTS (SELECT 1 FROM pg_proc WHERE pronamespace = n.oid) "
                       "AND NOT EXISTS (SELECT 1 FROM pg_type t WHERE t.typnamespace = n.oid "
                       "  AND (t.typrelid = 0 OR EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid "
                       "AND c.relkind = 'c')) "
                       "  AND NOT EXISTS (SELECT 1 FROM pg_type e WHERE e.typarray = t.oid)) "
                       "AND NOT EXISTS (SELECT 1 FROM pg_operator WHERE oprnamespace = n.oid) "
                       "AND NOT EXISTS (SELECT 1 FROM pg_opfamily WHERE opfnamespace = n.oid) "
                       "AND NOT EXISTS (SELECT 1 FROM pg_collation WHERE collnamespace = n.oid) "
                       "AND NOT EXISTS (SELECT 1 FROM pg_conversion WHERE connamespace = n.oid) "
                       "AND NOT EXISTS (SELECT 1 FROM pg_extension WHERE extnamespace = n.oid) "
                       "AND NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgnamespace = n.oid) "
                       "AND NOT EXISTS (SELECT 1 FROM pg_ts_dict WHERE dictnamespace = n.oid) "
                       "AND NOT EXISTS (SELECT 1 FROM pg_ts_parser WHERE prsnamespace = n.oid) "
                       "AND NOT EXISTS (SELECT 1 FROM pg_ts_template WHERE tmplnamespace = n.oid)"));
    for (int i = 0; i < r.rows(); ++i)
        if (emptied.contains(r.text(i, 1)))
            f.leaveOutSchema(quint32(r.toInt(i, 0)), r.text(i, 1), r.text(i, 2));
}

} // namespace

TocFilter TocFilter::read(pg::Connection &source, const project::DatabaseSelection &selection)
{
    TocFilter f;
    if (!selection.filtered())
        return f;
    f.m_active = true;
    const int v = source.serverVersion();

    QHash<quint32, Relation> rels;
    pg::Result r = source.exec(QStringLiteral(
        "SELECT c.oid, n.nspname, c.relname, c.relkind, pg_get_userbyid(c.relowner) "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S', 'i', 'I') "
        "  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp)'"));
    for (int i = 0; i < r.rows(); ++i) {
        Relation rel{r.text(i, 1), r.text(i, 2), r.text(i, 4), r.text(i, 3).at(0).toLatin1(), true};
        if (rel.kind == 'r' || rel.kind == 'p' || rel.kind == 'f')
            rel.kept = selection.selects(rel.schema, rel.name);
        rels.insert(quint32(r.toInt(i, 0)), rel);
    }
    auto kept = [&rels](quint32 oid) {
        auto it = rels.constFind(oid);
        return it == rels.cend() || it->kept; // not a relation we know (a catalog's): kept
    };

    // Sequences go with the table that owns them (serial, identity), indexes with theirs.
    pg::Result owned = source.exec(QStringLiteral(
        "SELECT d.objid, d.refobjid FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' "
        "WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN "
        "('a', 'i')"));
    for (int i = 0; i < owned.rows(); ++i)
        if (auto it = rels.find(quint32(owned.toInt(i, 0))); it != rels.end())
            it->kept = kept(quint32(owned.toInt(i, 1)));
    // Views and materialized views need every relation they read; indexes come after them
    // (an index on a materialized view goes with it).
    QHash<quint32, QList<quint32>> reads;
    pg::Result deps = source.exec(
        QStringLiteral("SELECT DISTINCT r.ev_class, d.refobjid FROM pg_rewrite r "
                       "JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid "
                       "WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid <> r.ev_class"));
    for (int i = 0; i < deps.rows(); ++i)
        reads[quint32(deps.toInt(i, 0))] << quint32(deps.toInt(i, 1));
    for (bool changed = true; changed;) {
        changed = false;
        for (auto it = reads.cbegin(); it != reads.cend(); ++it) {
            auto rel = rels.find(it.key());
            if (rel == rels.end() || !rel->kept || (rel->kind != 'v' && rel->kind != 'm'))
                continue;
            if (std::any_of(it->begin(), it->end(), [&](quint32 o) { return !kept(o); })) {
                rel->kept = false;
                changed = true;
            }
        }
    }
    pg::Result idx = source.exec(QStringLiteral("SELECT indexrelid, indrelid FROM pg_index"));
    for (int i = 0; i < idx.rows(); ++i)
        if (auto it = rels.find(quint32(idx.toInt(i, 0))); it != rels.end())
            it->kept = kept(quint32(idx.toInt(i, 1)));

    // Partitions (and partition indexes) are attached to their parent: only when both stay.
    pg::Result inh = source.exec(QStringLiteral("SELECT inhrelid, inhparent FROM pg_inherits"));
    for (int i = 0; i < inh.rows(); ++i) {
        const quint32 child = quint32(inh.toInt(i, 0)), parent = quint32(inh.toInt(i, 1));
        const auto c = rels.constFind(child);
        if (c != rels.cend() && (!c->kept || !kept(parent)))
            f.m_exact.insert(c->schema + u' ' + c->name + u' ' + c->owner); // TABLE ATTACH, INDEX ATTACH
    }

    leaveOutEmptiedSchemas(source, rels, f);

    for (auto it = rels.cbegin(); it != rels.cend(); ++it) {
        if (it->kept)
            continue;
        f.m_relations.insert(it.key());
        const QString word = kindWord(it->kind);
        f.m_exact.insert(it->schema + u' ' + word + u' ' + it->name + u' ' +
                         it->owner);                                       // COMMENT, ACL, SECURITY LABEL
        f.m_exact.insert(it->schema + u' ' + it->name + u' ' + it->owner); // SEQUENCE OWNED BY
        f.m_prefixes << it->schema + QStringLiteral(" COLUMN ") + it->name + u'.';
    }

    // What hangs on a relation: constraints (a foreign key also on the table it references),
    // triggers, rules, policies, column defaults, extended statistics.
    QStringList parts{
        QStringLiteral("SELECT 'pg_constraint'::regclass::oid, oid, conrelid, confrelid, conname, "
                       "'CONSTRAINT', contype::text "
                       "FROM pg_constraint WHERE conrelid <> 0"),
        QStringLiteral(
            "SELECT 'pg_trigger'::regclass::oid, oid, tgrelid, 0::oid, tgname, 'TRIGGER', '' FROM pg_trigger "
            "WHERE NOT tgisinternal"),
        QStringLiteral(
            "SELECT 'pg_rewrite'::regclass::oid, oid, ev_class, 0::oid, rulename, 'RULE', '' FROM pg_rewrite "
            "WHERE rulename <> '_RETURN'"),
        QStringLiteral(
            "SELECT 'pg_attrdef'::regclass::oid, oid, adrelid, 0::oid, '', '', '' FROM pg_attrdef")};
    if (v >= 90500)
        parts << QStringLiteral(
            "SELECT 'pg_policy'::regclass::oid, oid, polrelid, 0::oid, polname, 'POLICY', '' FROM pg_policy");
    if (v >= 100000)
        parts << QStringLiteral(
            "SELECT 'pg_statistic_ext'::regclass::oid, oid, stxrelid, 0::oid, stxname, 'STATISTICS', '' "
            "FROM pg_statistic_ext");
    pg::Result objs = source.exec(parts.join(QStringLiteral(" UNION ALL ")));
    for (int i = 0; i < objs.rows(); ++i) {
        const quint32 rel = quint32(objs.toInt(i, 2)), referenced = quint32(objs.toInt(i, 3));
        if (kept(rel) && (referenced == 0 || kept(referenced)))
            continue;
        f.m_objects.insert({quint32(objs.toInt(i, 0)), quint32(objs.toInt(i, 1))});
        const Relation owner = rels.value(rel);
        if (!objs.text(i, 5).isEmpty())
            f.m_prefixes << owner.schema + u' ' + objs.text(i, 5) + u' ' + objs.text(i, 4) +
                                QStringLiteral(" ON ") + owner.name + u' ';
        if (kept(rel) && objs.text(i, 6) == u"f")
            f.m_notes
                << QStringLiteral(
                       "foreign key %1 of %2 references %3, which the table filter leaves out: it is not "
                       "created on the target")
                       .arg(objs.text(i, 4), display(owner), display(rels.value(referenced)));
    }
    for (auto it = reads.cbegin(); it != reads.cend(); ++it) {
        const auto view = rels.constFind(it.key());
        if (view == rels.cend() || view->kept || (view->kind != 'v' && view->kind != 'm'))
            continue;
        QStringList missing;
        bool readsKept = false;
        for (quint32 o : *it) {
            const auto ref = rels.constFind(o);
            if (ref == rels.cend())
                continue;
            if (ref->kept)
                readsKept = true;
            else
                missing << display(*ref);
        }
        if (readsKept) // a view over selected tables that also reads a left-out one
            f.m_notes
                << QStringLiteral(
                       "%1 %2 reads %3, which the table filter leaves out: it is not created on the target")
                       .arg(view->kind == 'm' ? QStringLiteral("materialized view") : QStringLiteral("view"),
                            display(*view), missing.join(QStringLiteral(", ")));
    }
    f.m_notes.sort();
    return f;
}

bool TocFilter::keep(const TocEntry &e) const
{
    if (!m_active)
        return true;
    if ((e.catalogOid == 1259 || e.catalogOid == 0) && e.objectOid != 0 && m_relations.contains(e.objectOid))
        return false; // the relation itself, its materialized view data, its row security
    if (e.catalogOid != 0 && e.catalogOid != 1259 && m_objects.contains({e.catalogOid, e.objectOid}))
        return false;
    if (e.desc == u"DEFAULT ACL" && m_schemas.contains(e.rest.section(u' ', 0, 0)))
        return false;                            // ALTER DEFAULT PRIVILEGES IN SCHEMA of a schema left out
    if (e.catalogOid == 0 && e.objectOid == 0) { // named by text only
        if (m_exact.contains(e.rest))
            return false;
        if (e.desc == u"COMMENT" || e.desc == u"ACL" || e.desc == u"SECURITY LABEL")
            for (const QString &p : m_prefixes)
                if (e.rest.startsWith(p))
                    return false;
    }
    return true;
}

void TocFilter::leaveOutSchema(quint32 oid, const QString &name, const QString &owner)
{
    m_objects.insert({2615, oid});                                     // pg_namespace: the CREATE SCHEMA
    m_exact.insert(QStringLiteral("- SCHEMA ") + name + u' ' + owner); // its COMMENT, ACL, SECURITY LABEL
    m_schemas.insert(name);
}

QList<TocEntry> TocFilter::kept(const QList<TocEntry> &entries) const
{
    QList<TocEntry> out;
    for (const TocEntry &e : entries)
        if (keep(e))
            out << e;
    return out;
}

QJsonObject TocFilter::toJson() const
{
    QJsonArray rels, objs;
    for (quint32 o : m_relations)
        rels << qint64(o);
    for (const auto &[cat, oid] : m_objects)
        objs << QJsonArray{qint64(cat), qint64(oid)};
    return QJsonObject{
        {QStringLiteral("active"), m_active},
        {QStringLiteral("relations"), rels},
        {QStringLiteral("objects"), objs},
        {QStringLiteral("exact"), QJsonArray::fromStringList(QStringList(m_exact.begin(), m_exact.end()))},
        {QStringLiteral("prefixes"), QJsonArray::fromStringList(m_prefixes)},
        {QStringLiteral("schemas"),
         QJsonArray::fromStringList(QStringList(m_schemas.begin(), m_schemas.end()))},
        {QStringLiteral("notes"), QJsonArray::fromStringList(m_notes)}};
}

TocFilter TocFilter::fromJson(const QJsonObject &o)
{
    TocFilter f;
    f.m_active = o.value(u"active").toBool();
    for (const QJsonValue &v : o.value(u"relations").toArray())
        f.m_relations.insert(quint32(v.toInteger()));
    for (const QJsonValue &v : o.value(u"objects").toArray())
        f.m_objects.insert({quint32(v.toArray().at(0).toInteger()), quint32(v.toArray().at(1).toInteger())});
    for (const QJsonValue &v : o.value(u"exact").toArray())
        f.m_exact.insert(v.toString());
    for (const QJsonValue &v : o.value(u"prefixes").toArray())
        f.m_prefixes << v.toString();
    for (const QJsonValue &v : o.value(u"schemas").toArray())
        f.m_schemas.insert(v.toString());
    for (const QJsonValue &v : o.value(u"notes").toArray())
        f.m_notes << v.toString();
    return f;
}

} // namespace pgferry::schema
