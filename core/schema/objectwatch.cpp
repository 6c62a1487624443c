#include "schema/objectwatch.h"

#include <QJsonObject>

namespace pgferry::schema {

namespace {

const char *const kUserSchema = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ "
                                "'^pg_(toast|temp)' AND n.nspname <> '_pgferry'";

QString notInExtension(const QString &catalog, const QString &oid)
{
    return QStringLiteral("NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '%1'::regclass AND "
                          "d.objid = %2 AND d.deptype = 'e')")
        .arg(catalog, oid);
}

enum class Part { Types, Relations, Routines };

// One part of the listing: kind, schema, name, signature, owner, oid, and the definition (or its
// md5). `byOid` keeps the object whose oid is $1.
QString partSql(Part part, int version, bool definitions, bool byOid)
{
    const auto def = [&](const QString &expr) {
        return definitions ? expr : QStringLiteral("md5(%1)").arg(expr);
    };
    QString sql;
    switch (part) {
    case Part::Types: {
        const QString q = QStringLiteral("quote_ident(n.nspname) || '.' || quote_ident(t.typname)");
        sql =
            QStringLiteral(
                "SELECT CASE t.typtype WHEN 'e' THEN 'enum type' WHEN 'd' THEN 'domain' ELSE 'composite "
                "type' END, n.nspname, t.typname, NULL, pg_get_userbyid(t.typowner), t.oid, %1 "
                "FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
                "WHERE (t.typtype IN ('e', 'd') OR (t.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_class r "
                "WHERE r.oid = t.typrelid AND r.relkind = 'c'))) AND %2 AND %3")
                .arg(def(QStringLiteral(
                             "CASE t.typtype "
                             "WHEN 'e' THEN 'CREATE TYPE ' || %1 || ' AS ENUM (' || COALESCE((SELECT "
                             "string_agg(quote_literal(e.enumlabel::text), ', ' ORDER BY e.enumsortorder) "
                             "FROM pg_enum e WHERE e.enumtypid = t.oid), '') || ')' "
                             "WHEN 'd' THEN 'CREATE DOMAIN ' || %1 || ' AS ' || format_type(t.typbasetype, "
                             "t.typtypmod) || COALESCE(' DEFAULT ' || t.typdefault, '') || CASE WHEN "
                             "t.typnotnull THEN ' NOT NULL' ELSE '' END || COALESCE((SELECT string_agg(' "
                             "CONSTRAINT ' || quote_ident(k.conname) || ' ' || pg_get_constraintdef(k.oid), "
                             "'' ORDER BY k.conname) FROM pg_constraint k WHERE k.contypid = t.oid AND "
                             "k.contype = 'c'), '') "
                             "ELSE 'CREATE TYPE ' || %1 || ' AS (' || COALESCE((SELECT "
                             "string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, "
                             "a.atttypmod), ', ' ORDER BY a.attnum) FROM pg_attribute a WHERE a.attrelid = "
                             "t.typrelid AND a.attnum > 0 AND NOT a.attisdropped), '') || ')' END")
                             .arg(q)),
                     QLatin1String(kUserSchema),
                     notInExtension(QStringLiteral("pg_type"), QStringLiteral("t.oid")));
        if (byOid)
            sql += QStringLiteral(" AND t.oid = $1::oid");
        break;
    }
    case Part::Relations: {
        const QString q = QStringLiteral("quote_ident(n.nspname) || '.' || quote_ident(c.relname)");
        // A sequence's options, from 10 on (before, they are in the sequence itself: not watched).
        const QString sequenceOptions =
            version >= 100000
                ? QStringLiteral(
                      "COALESCE((SELECT 'ALTER SEQUENCE ' || %1 || ' AS ' || format_type(s.seqtypid, "
                      "NULL) || ' INCREMENT BY ' || s.seqincrement || ' MINVALUE ' || s.seqmin || ' "
                      "MAXVALUE ' || s.seqmax || ' START WITH ' || s.seqstart || ' CACHE ' || "
                      "s.seqcache || CASE WHEN s.seqcycle THEN ' CYCLE' ELSE ' NO CYCLE' END FROM "
                      "pg_sequence s WHERE s.seqrelid = c.oid), '')")
                      .arg(q)
                : QStringLiteral("''");
        sql = QStringLiteral(
                  "SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' ELSE "
                  "'sequence' END, n.nspname, c.relname, NULL, pg_get_userbyid(c.relowner), c.oid, %1 "
                  "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                  "WHERE c.relkind IN ('v', 'm', 'S') AND %2 AND %3 "
                  // A serial's or an identity's sequence belongs to its table.
                  "AND NOT EXISTS (SELECT 1 FROM pg_depend o WHERE o.classid = 'pg_class'::regclass AND "
                  "o.objid = c.oid AND o.refclassid = 'pg_class'::regclass AND o.deptype IN ('a', 'i'))")
                  .arg(def(QStringLiteral("CASE c.relkind WHEN 'v' THEN 'CREATE OR REPLACE VIEW ' || %1 || "
                                          "COALESCE(' WITH (' || array_to_string(c.reloptions, ', ') || ')', "
                                          "'') || ' AS ' || pg_get_viewdef(c.oid) WHEN 'm' THEN "
                                          "pg_get_viewdef(c.oid) ELSE %2 END")
                               .arg(q, sequenceOptions)),
                       QLatin1String(kUserSchema),
                       notInExtension(QStringLiteral("pg_class"), QStringLiteral("c.oid")));
        if (byOid)
            sql += QStringLiteral(" AND c.oid = $1::oid");
        break;
    }
    case Part::Routines: {
        const QString aggregate =
            version >= 110000 ? QStringLiteral("p.prokind = 'a'") : QStringLiteral("p.proisagg");
        const QString procedure =
            version >= 110000 ? QStringLiteral("p.prokind = 'p'") : QStringLiteral("false");
        sql = QStringLiteral("SELECT CASE WHEN %1 THEN 'aggregate' WHEN %2 THEN 'procedure' ELSE 'function' "
                             "END, n.nspname, p.proname, pg_get_function_identity_arguments(p.oid), "
                             "pg_get_userbyid(p.proowner), p.oid, %3 "
                             "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE %4 AND %5")
                  .arg(aggregate, procedure,
                       // An aggregate has no CREATE statement in the catalog's functions: only its
                       // name is watched.
                       def(QStringLiteral("CASE WHEN %1 THEN '' ELSE pg_get_functiondef(p.oid) END")
                               .arg(aggregate)),
                       QLatin1String(kUserSchema),
                       notInExtension(QStringLiteral("pg_proc"), QStringLiteral("p.oid")));
        if (byOid)
            sql += QStringLiteral(" AND p.oid = $1::oid");
        break;
    }
    }
    return sql;
}

SchemaObject objectAt(const pg::Result &r, int i)
{
    SchemaObject o;
    o.kind = r.text(i, 0);
    o.schema = r.text(i, 1);
    o.name = r.text(i, 2);
    o.signature = r.isNull(i, 3) ? QString() : r.text(i, 3);
    o.owner = r.text(i, 4);
    o.oid = quint32(r.text(i, 5).toUInt());
    o.fingerprint = r.text(i, 6);
    return o;
}

// The SQL keyword of `o`'s kind, for DROP and ALTER.
QString keyword(const SchemaObject &o)
{
    if (o.kind == u"domain")
        return QStringLiteral("DOMAIN");
    if (o.kind.endsWith(u"type"))
        return QStringLiteral("TYPE");
    return o.kind.toUpper();
}

QString qualifiedName(pg::Connection &c, const SchemaObject &o)
{
    QString q = c.qualified(o.schema, o.name);
    if (o.isRoutine())
        q += u'(' + o.signature + u')';
    return q;
}

} // namespace

QString SchemaObject::key() const
{
    QString k = schema + u'.' + name;
    if (isRoutine())
        k += u'(' + signature + u')';
    return k;
}

bool SchemaObject::isRoutine() const
{
    return kind == u"function" || kind == u"procedure" || kind == u"aggregate";
}

bool SchemaObject::isRelation() const
{
    return kind == u"view" || kind == u"materialized view" || kind == u"sequence";
}

int SchemaObject::creationOrder() const
{
    if (kind.endsWith(u"type") || kind == u"domain")
        return 0;
    if (kind == u"sequence")
        return 1;
    if (isRoutine())
        return 2;
    return kind == u"view" ? 3 : 4;
}

QJsonObject SchemaObject::toJson() const
{
    QJsonObject o{{QStringLiteral("kind"), kind},
                  {QStringLiteral("schema"), schema},
                  {QStringLiteral("name"), name},
                  {QStringLiteral("fingerprint"), fingerprint}};
    if (isRoutine())
        o.insert(QStringLiteral("signature"), signature);
    o.insert(QStringLiteral("oid"), double(oid));
    return o;
}

SchemaObject SchemaObject::fromJson(const QJsonObject &o)
{
    SchemaObject s;
    s.kind = o.value(u"kind").toString();
    s.schema = o.value(u"schema").toString();
    s.name = o.value(u"name").toString();
    s.fingerprint = o.value(u"fingerprint").toString();
    s.oid = quint32(o.value(u"oid").toDouble());
    if (s.isRoutine())
        s.signature = o.value(u"signature").toString();
    return s;
}

QList<SchemaObject> readSchemaObjects(pg::Connection &c, const project::DatabaseSelection &db,
                                      const QSet<QString> &tableSchemas)
{
    const int v = c.serverVersion();
    pg::Result r = c.exec(partSql(Part::Types, v, false, false) + QStringLiteral(" UNION ALL ") +
                          partSql(Part::Relations, v, false, false) + QStringLiteral(" UNION ALL ") +
                          partSql(Part::Routines, v, false, false));
    QList<SchemaObject> out;
    for (int i = 0; i < r.rows(); ++i) {
        SchemaObject o = objectAt(r, i);
        if (o.isRelation() ? !db.selects(o.schema, o.name)
                           : db.filtered() && !tableSchemas.contains(o.schema))
            continue;
        out << o;
    }
    return out;
}

QString definitionOf(pg::Connection &c, const SchemaObject &o)
{
    const Part part = o.isRoutine() ? Part::Routines : o.isRelation() ? Part::Relations : Part::Types;
    pg::Result r = c.exec(partSql(part, c.serverVersion(), true, true), {QString::number(o.oid)});
    return r.rows() == 0 ? QString() : r.text(0, 6);
}

QString dropStatement(pg::Connection &c, const SchemaObject &o)
{
    return QStringLiteral("DROP %1 IF EXISTS %2").arg(keyword(o), qualifiedName(c, o));
}

QString ownerStatement(pg::Connection &c, const SchemaObject &o)
{
    return QStringLiteral("ALTER %1 %2 OWNER TO %3")
        .arg(keyword(o), qualifiedName(c, o), c.quoteIdent(o.owner));
}

QStringList enumLabels(pg::Connection &c, const SchemaObject &o)
{
    pg::Result r =
        c.exec(QStringLiteral("SELECT e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid "
                              "JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = $1 AND "
                              "t.typname = $2 ORDER BY e.enumsortorder"),
               {o.schema, o.name});
    QStringList labels;
    for (int i = 0; i < r.rows(); ++i)
        labels << r.text(i, 0);
    return labels;
}

} // namespace pgferry::schema
