#include "cdc/ddlcapture.h"

#include "project/project.h"

#include <QHash>
#include <QRegularExpression>
#include <QSet>

namespace pgferry::cdc {

namespace {

QString sqlLiteral(const QString &s)
{
    QString out = s;
    out.replace(u'\'', QStringLiteral("''"));
    return u'\'' + out + u'\'';
}

QString regexArray(const QStringList &patterns)
{
    QStringList parts;
    for (const QString &p : patterns)
        parts << sqlLiteral(project::tablePatternRegex(p));
    return QStringLiteral("ARRAY[%1]::text[]").arg(parts.join(QStringLiteral(", ")));
}

// The describing functions, for the source's version. Every name they print is qualified (they
// run with search_path = pg_catalog), and they print quoted forms (quote_ident) for the plan.
QString describeRelationSql(const QString &fn, int v)
{
    const QString generated = v >= 120000 ? QStringLiteral("a.attgenerated::text") : QStringLiteral("''");
    const QString identity = v >= 100000 ? QStringLiteral("a.attidentity::text") : QStringLiteral("''");
    const QString partBound =
        v >= 100000
            ? QStringLiteral("CASE WHEN cl.relispartition THEN pg_get_expr(cl.relpartbound, cl.oid) END")
            : QStringLiteral("NULL::text");
    const QString partKey =
        v >= 100000 ? QStringLiteral("CASE WHEN cl.relkind = 'p' THEN pg_get_partkeydef(cl.oid) END")
                    : QStringLiteral("NULL::text");
    const QString parent =
        v >= 100000
            ? QStringLiteral(
                  "CASE WHEN cl.relispartition THEN (SELECT h.inhparent::regclass::text FROM pg_inherits h "
                  "WHERE h.inhrelid = cl.oid LIMIT 1) END")
            : QStringLiteral("NULL::text");
    const QString conParent = v >= 110000 ? QStringLiteral(" AND co.conparentid = 0") : QString();
    const QString indexParent =
        v >= 110000
            ? QStringLiteral(" AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.indexrelid)")
            : QString();
    const QString sequence =
        v >= 100000
            ? QStringLiteral(
                  "SELECT format('AS %s INCREMENT BY %s MINVALUE %s MAXVALUE %s START WITH %s CACHE %s %s', "
                  "format_type(s.seqtypid, NULL), s.seqincrement, s.seqmin, s.seqmax, s.seqstart, "
                  "s.seqcache, "
                  "CASE WHEN s.seqcycle THEN 'CYCLE' ELSE 'NO CYCLE' END) INTO def FROM pg_sequence s WHERE "
                  "s.seqrelid = rel;")
            : QStringLiteral("EXECUTE 'SELECT format(''INCREMENT BY %s MINVALUE %s MAXVALUE %s START WITH %s "
                             "CACHE %s %s'', "
                             "increment_by, min_value, max_value, start_value, cache_value, "
                             "CASE WHEN is_cycled THEN ''CYCLE'' ELSE ''NO CYCLE'' END) FROM ' || "
                             "rel::regclass INTO def;");
    return QStringLiteral(R"SQL(
CREATE OR REPLACE FUNCTION _pgferry.%1(rel oid) RETURNS json LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
  c record;
  def text;
BEGIN
  SELECT cl.oid, n.nspname, cl.relname, cl.relkind, cl.relpersistence, cl.relreplident,
         quote_ident(n.nspname) || '.' || quote_ident(cl.relname) AS qname,
         quote_ident(pg_get_userbyid(cl.relowner)) AS owner, %2 AS partbound, %3 AS partkey, %4 AS parent
    INTO c FROM pg_class cl JOIN pg_namespace n ON n.oid = cl.relnamespace WHERE cl.oid = rel;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  IF c.relkind IN ('r', 'p') THEN
    RETURN json_build_object('kind', 'table', 'schema', c.nspname, 'name', c.relname, 'qname', c.qname,
      'relkind', c.relkind, 'persistence', c.relpersistence, 'replident', c.relreplident, 'owner', c.owner,
      'partbound', c.partbound, 'partkey', c.partkey, 'parent', c.parent,
      'columns', (SELECT json_agg(json_build_object('num', a.attnum, 'name', a.attname, 'qname', quote_ident(a.attname),
            'type', format_type(a.atttypid, a.atttypmod), 'notnull', a.attnotnull, 'local', a.attislocal,
            'default', CASE WHEN %5 = '' THEN pg_get_expr(d.adbin, d.adrelid) END,
            'generated', CASE WHEN %5 <> '' THEN pg_get_expr(d.adbin, d.adrelid) END,
            'identity', %6,
            'collation', CASE WHEN a.attcollation <> t.typcollation THEN
                (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname) FROM pg_collation co
                   JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = a.attcollation) END)
          ORDER BY a.attnum)
        FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = rel AND a.attnum > 0 AND NOT a.attisdropped),
      'constraints', (SELECT json_agg(json_build_object('oid', co.oid::bigint, 'name', co.conname, 'qname', quote_ident(co.conname),
            'type', co.contype, 'def', pg_get_constraintdef(co.oid)) ORDER BY co.conname)
        FROM pg_constraint co WHERE co.conrelid = rel AND co.contype <> 'f' AND co.conislocal%7),
      'fks', (SELECT json_agg(json_build_object('oid', co.oid::bigint, 'name', co.conname, 'def', pg_get_constraintdef(co.oid))
          ORDER BY co.conname)
        FROM pg_constraint co WHERE co.conrelid = rel AND co.contype = 'f'%7),
      'indexes', (SELECT json_agg(json_build_object('oid', i.indexrelid::bigint, 'name', ic.relname,
            'qname', quote_ident(c.nspname) || '.' || quote_ident(ic.relname), 'def', pg_get_indexdef(i.indexrelid))
          ORDER BY ic.relname)
        FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
        WHERE i.indrelid = rel%8
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = rel
                          AND k.contype IN ('p', 'u', 'x'))),
      'replident_index', (SELECT quote_ident(ic.relname) FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
                          WHERE i.indrelid = rel AND i.indisreplident));
  ELSIF c.relkind = 'S' THEN
    %9
    RETURN json_build_object('kind', 'sequence', 'schema', c.nspname, 'name', c.relname, 'qname', c.qname,
      'owner', c.owner, 'def', def,
      'owned_by', (SELECT quote_ident(tn.nspname) || '.' || quote_ident(tc.relname) || '.' || quote_ident(ta.attname)
        FROM pg_depend dp JOIN pg_class tc ON tc.oid = dp.refobjid JOIN pg_namespace tn ON tn.oid = tc.relnamespace
        JOIN pg_attribute ta ON ta.attrelid = dp.refobjid AND ta.attnum = dp.refobjsubid
        WHERE dp.classid = 'pg_class'::regclass AND dp.objid = rel AND dp.refclassid = 'pg_class'::regclass
          AND dp.deptype = 'a' AND dp.refobjsubid > 0 LIMIT 1));
  ELSIF c.relkind IN ('v', 'm') THEN
    RETURN json_build_object('kind', CASE c.relkind WHEN 'v' THEN 'view' ELSE 'materialized view' END,
      'schema', c.nspname, 'name', c.relname, 'qname', c.qname, 'owner', c.owner, 'def', pg_get_viewdef(rel));
  END IF;
  RETURN json_build_object('kind', 'other', 'schema', c.nspname, 'name', c.relname, 'qname', c.qname, 'relkind', c.relkind);
END $fn$)SQL")
        .arg(fn, partBound, partKey, parent, generated, identity, conParent, indexParent, sequence);
}

QString describeFunctionSql(const QString &fn, int v)
{
    const QString isAggregate =
        v >= 110000 ? QStringLiteral("p.prokind = 'a'") : QStringLiteral("p.proisagg");
    return QStringLiteral(R"SQL(
CREATE OR REPLACE FUNCTION _pgferry.%1(f oid) RETURNS json LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp AS $fn$
  SELECT json_build_object('kind', CASE WHEN %2 THEN 'aggregate' ELSE 'function' END, 'schema', n.nspname,
    'name', p.proname, 'qname', p.oid::regprocedure::text, 'owner', quote_ident(pg_get_userbyid(p.proowner)),
    'def', CASE WHEN NOT %2 THEN pg_get_functiondef(p.oid) END)
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.oid = f
$fn$)SQL")
        .arg(fn, isAggregate);
}

QString describeTypeSql(const QString &fn)
{
    return QStringLiteral(R"SQL(
CREATE OR REPLACE FUNCTION _pgferry.%1(typ oid) RETURNS json LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp AS $fn$
  SELECT json_build_object('kind', CASE t.typtype WHEN 'e' THEN 'enum' ELSE 'type' END, 'schema', n.nspname,
    'name', t.typname, 'qname', quote_ident(n.nspname) || '.' || quote_ident(t.typname),
    'owner', quote_ident(pg_get_userbyid(t.typowner)),
    'labels', (SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid))
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.oid = typ
$fn$)SQL")
        .arg(fn);
}

} // namespace

QStringList ddlCaptureInstallSql(const DdlCaptureConfig &config)
{
    const DdlCaptureNames &n = config.names;
    const QString b = n.base;
    const QString log = QStringLiteral("_pgferry.") + n.logTable();
    const QString state = QStringLiteral("_pgferry.") + n.stateTable();
    const QString selected = QStringLiteral("_pgferry.") + b + QStringLiteral("_selected");
    const QString describe = b + QStringLiteral("_describe");
    const QString describeFn = b + QStringLiteral("_describe_function");
    const QString describeType = b + QStringLiteral("_describe_type");
    QStringList sql;
    sql << QStringLiteral("CREATE SCHEMA IF NOT EXISTS _pgferry");
    sql << ddlCaptureRemoveSql(n).mid(0, 2); // event triggers of an earlier install
    sql << QStringLiteral("DROP TABLE IF EXISTS %1, %2").arg(log, state);
    sql << QStringLiteral(
               "CREATE TABLE %1 (id bigserial PRIMARY KEY, tag text, query text, items text NOT NULL)")
               .arg(log);
    sql << QStringLiteral(
               "CREATE TABLE %1 (classid oid, objid oid, descr text, PRIMARY KEY (classid, objid))")
               .arg(state);
    sql << QStringLiteral(R"SQL(
CREATE OR REPLACE FUNCTION %1(obj text, k "char", rel oid) RETURNS boolean LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp AS $fn$
  SELECT CASE
    WHEN k IN ('r', 'p') THEN
      (cardinality(%2) = 0 OR obj ~ ANY (%2)) AND NOT (obj ~ ANY (%3))
    WHEN k = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = rel
                             AND d.deptype = 'i') THEN false
    WHEN k = 'S' AND EXISTS (SELECT 1 FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid
                             JOIN pg_namespace tn ON tn.oid = t.relnamespace
                             WHERE d.classid = 'pg_class'::regclass AND d.objid = rel AND d.deptype = 'a'
                               AND (cardinality(%2) = 0 OR (tn.nspname || '.' || t.relname) ~ ANY (%2))
                               AND NOT ((tn.nspname || '.' || t.relname) ~ ANY (%3))) THEN true
    ELSE (cardinality(%2) = 0 OR obj ~ ANY (%2)) AND NOT (obj ~ ANY (%3))
  END
$fn$)SQL")
               .arg(selected, regexArray(config.includeTables), regexArray(config.excludeTables));
    sql << describeRelationSql(describe, config.serverVersion);
    sql << describeFunctionSql(describeFn, config.serverVersion);
    sql << describeTypeSql(describeType);

    // The publication a created table joins (pgoutput), when it can stream its updates and deletes.
    // Whether the table can stream its updates and deletes (a replica identity).
    const QString identified = QStringLiteral("(SELECT c.relpersistence = 'p' AND (c.relreplident = 'f' "
                                              "OR (c.relreplident = 'i' AND EXISTS (SELECT 1 FROM pg_index x "
                                              "WHERE x.indrelid = rel AND x.indisreplident)) "
                                              "OR (c.relreplident = 'd' AND EXISTS (SELECT 1 FROM pg_index x "
                                              "WHERE x.indrelid = rel AND x.indisprimary))) "
                                              "FROM pg_class c WHERE c.oid = rel)");
    // test_decoding streams every table: "published" says whether it can stream whole.
    const QString join = config.publication.isEmpty()
                             ? QStringLiteral("pub := %1; waspub := pub;").arg(identified)
                             : QStringLiteral(R"SQL(
          waspub := EXISTS (SELECT 1 FROM pg_publication_rel pr JOIN pg_publication p ON p.oid = pr.prpubid
                            WHERE p.pubname = %1 AND pr.prrelid = rel);
          pub := waspub;
          IF NOT waspub AND k = 'r' AND %2 THEN
            PERFORM set_config('pgferry.capturing', 'on', true);
            EXECUTE format('ALTER PUBLICATION %I ADD TABLE %s', %1, rel::regclass);
            PERFORM set_config('pgferry.capturing', 'off', true);
            pub := true;
          END IF;)SQL")
                                   .arg(sqlLiteral(config.publication), identified);

    sql << QStringLiteral(R"SQL(
CREATE OR REPLACE FUNCTION _pgferry.%1_on_ddl() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
  r record;
  rel oid;
  k "char";
  obj text;
  before text;
  after json;
  pub boolean;
  waspub boolean;
  items json[] := '{}';
  seen oid[] := '{}';
BEGIN
  IF current_setting('pgferry.capturing', true) = 'on' THEN
    RETURN;
  END IF;
  BEGIN
    FOR r IN SELECT * FROM pg_event_trigger_ddl_commands() LOOP
      CONTINUE WHEN r.in_extension;
      CONTINUE WHEN r.schema_name IS NOT NULL AND (r.schema_name IN ('pg_catalog', 'information_schema', '_pgferry')
                                                   OR r.schema_name ~ '^pg_(toast|temp)');
      IF r.classid = 'pg_class'::regclass THEN
        rel := r.objid;
        SELECT c.relkind INTO k FROM pg_class c WHERE c.oid = rel;
        CONTINUE WHEN NOT FOUND;
        IF k IN ('i', 'I') THEN
          SELECT x.indrelid INTO rel FROM pg_index x WHERE x.indexrelid = r.objid;
          SELECT c.relkind INTO k FROM pg_class c WHERE c.oid = rel;
        END IF;
        CONTINUE WHEN rel = ANY (seen) OR k IN ('t', 'c');
        seen := seen || rel;
        SELECT n.nspname || '.' || c.relname INTO obj FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.oid = rel;
        CONTINUE WHEN NOT %2(obj, k, rel);
        SELECT s.descr INTO before FROM %3 s WHERE s.classid = 'pg_class'::regclass AND s.objid = rel;
        after := _pgferry.%4(rel);
        pub := NULL;
        waspub := NULL;
        IF k = 'r' THEN
          %5
        END IF;
        CONTINUE WHEN before IS NOT NULL AND before = after::text AND pub IS NOT DISTINCT FROM waspub;
        items := items || json_build_object('oid', rel::bigint, 'before', before::json, 'after', after,
                                            'published', pub, 'was_published', waspub);
        DELETE FROM %3 WHERE classid = 'pg_class'::regclass AND objid = rel;
        INSERT INTO %3 VALUES ('pg_class'::regclass, rel, after::text);
      ELSIF r.classid IN ('pg_proc'::regclass, 'pg_type'::regclass) THEN
        CONTINUE WHEN r.objid = ANY (seen);
        seen := seen || r.objid;
        SELECT s.descr INTO before FROM %3 s WHERE s.classid = r.classid AND s.objid = r.objid;
        IF r.classid = 'pg_proc'::regclass THEN
          CONTINUE WHEN cardinality(%6) > 0;
          after := _pgferry.%7(r.objid);
        ELSE
          after := _pgferry.%8(r.objid);
          -- a table's row type and array types come with the table
          CONTINUE WHEN after->>'kind' = 'type' AND EXISTS (SELECT 1 FROM pg_type t WHERE t.oid = r.objid
                                                          AND (t.typrelid <> 0 OR t.typelem <> 0));
        END IF;
        CONTINUE WHEN before IS NOT NULL AND before = after::text;
        items := items || json_build_object('oid', r.objid::bigint, 'before', before::json, 'after', after);
        DELETE FROM %3 WHERE classid = r.classid AND objid = r.objid;
        INSERT INTO %3 VALUES (r.classid, r.objid, after::text);
      ELSIF r.classid = 'pg_namespace'::regclass THEN
        items := items || json_build_object('kind', 'schema', 'qname', r.object_identity, 'tag', r.command_tag);
      ELSIF r.classid = 'pg_trigger'::regclass THEN
        items := items || json_build_object('kind', 'trigger', 'qname', r.object_identity, 'tag', r.command_tag);
      ELSE
        items := items || json_build_object('kind', 'unsupported', 'tag', r.command_tag, 'object_type', r.object_type,
                                            'qname', r.object_identity);
      END IF;
    END LOOP;
  EXCEPTION WHEN OTHERS THEN
    items := ARRAY[json_build_object('kind', 'error', 'tag', tg_tag, 'message', SQLERRM)];
  END;
  IF cardinality(items) > 0 THEN
    INSERT INTO %9 (tag, query, items) VALUES (tg_tag, left(current_query(), 2000), array_to_json(items)::text);
  END IF;
END $fn$)SQL")
               .arg(b, selected, state, describe, join, regexArray(config.includeTables), describeFn,
                    describeType, log);

    sql << QStringLiteral(R"SQL(
CREATE OR REPLACE FUNCTION _pgferry.%1_on_drop() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
  r record;
  items json[] := '{}';
BEGIN
  IF current_setting('pgferry.capturing', true) = 'on' THEN
    RETURN;
  END IF;
  BEGIN
    FOR r IN SELECT * FROM pg_event_trigger_dropped_objects() LOOP
      CONTINUE WHEN r.is_temporary OR r.objsubid <> 0;
      CONTINUE WHEN r.schema_name IS NOT NULL AND (r.schema_name IN ('pg_catalog', 'information_schema', '_pgferry')
                                                   OR r.schema_name ~ '^pg_(toast|temp)');
      IF EXISTS (SELECT 1 FROM %2 s WHERE s.classid = r.classid AND s.objid = r.objid) THEN
        DELETE FROM %2 s WHERE s.classid = r.classid AND s.objid = r.objid;
        items := items || json_build_object('kind', 'drop', 'object_type', r.object_type, 'qname', r.object_identity);
      ELSIF r.original AND r.object_type IN ('index', 'schema', 'trigger') THEN
        items := items || json_build_object('kind', 'drop', 'object_type', r.object_type, 'qname', r.object_identity);
      END IF;
    END LOOP;
  EXCEPTION WHEN OTHERS THEN
    items := ARRAY[json_build_object('kind', 'error', 'tag', tg_tag, 'message', SQLERRM)];
  END;
  IF cardinality(items) > 0 THEN
    INSERT INTO %3 (tag, query, items) VALUES (tg_tag, left(current_query(), 2000), array_to_json(items)::text);
  END IF;
END $fn$)SQL")
               .arg(b, state, log);

    // The present state of what is watched: the "before" of the first change of each object.
    sql << QStringLiteral(R"SQL(
INSERT INTO %1
SELECT 'pg_class'::regclass, c.oid, _pgferry.%2(c.oid)::text
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p', 'S', 'v', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema', '_pgferry')
   AND n.nspname !~ '^pg_(toast|temp)' AND %3(n.nspname || '.' || c.relname, c.relkind, c.oid)
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
)SQL")
               .arg(state, describe, selected);
    if (config.includeTables.isEmpty())
        sql << QStringLiteral(R"SQL(
INSERT INTO %1
SELECT 'pg_proc'::regclass, p.oid, _pgferry.%2(p.oid)::text
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', '_pgferry') AND n.nspname !~ '^pg_(toast|temp)'
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
)SQL")
                   .arg(state, describeFn);
    sql << QStringLiteral(R"SQL(
INSERT INTO %1
SELECT 'pg_type'::regclass, t.oid, _pgferry.%2(t.oid)::text
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
 WHERE t.typtype = 'e' AND n.nspname NOT IN ('pg_catalog', 'information_schema', '_pgferry') AND n.nspname !~ '^pg_(toast|temp)'
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
)SQL")
               .arg(state, describeType);
    if (!config.publication.isEmpty())
        sql << QStringLiteral("ALTER PUBLICATION %1 ADD TABLE %2").arg(config.publication, log);
    const QString function =
        config.serverVersion >= 110000 ? QStringLiteral("FUNCTION") : QStringLiteral("PROCEDURE");
    sql << QStringLiteral("CREATE EVENT TRIGGER %1 ON ddl_command_end EXECUTE %2 _pgferry.%3_on_ddl()")
               .arg(n.ddlTrigger(), function, b);
    sql << QStringLiteral("CREATE EVENT TRIGGER %1 ON sql_drop EXECUTE %2 _pgferry.%3_on_drop()")
               .arg(n.dropTrigger(), function, b);
    return sql;
}

QStringList ddlCaptureRemoveSql(const DdlCaptureNames &names)
{
    const QString b = names.base;
    return {
        QStringLiteral("DROP EVENT TRIGGER IF EXISTS %1").arg(names.ddlTrigger()),
        QStringLiteral("DROP EVENT TRIGGER IF EXISTS %1").arg(names.dropTrigger()),
        QStringLiteral("DROP TABLE IF EXISTS _pgferry.%1, _pgferry.%2")
            .arg(names.logTable(), names.stateTable()),
        // One function a statement: 9.6 drops no list.
        QStringLiteral("DROP FUNCTION IF EXISTS _pgferry.%1_on_ddl()").arg(b),
        QStringLiteral("DROP FUNCTION IF EXISTS _pgferry.%1_on_drop()").arg(b),
        QStringLiteral("DROP FUNCTION IF EXISTS _pgferry.%1_describe(oid)").arg(b),
        QStringLiteral("DROP FUNCTION IF EXISTS _pgferry.%1_describe_function(oid)").arg(b),
        QStringLiteral("DROP FUNCTION IF EXISTS _pgferry.%1_describe_type(oid)").arg(b),
        QStringLiteral("DROP FUNCTION IF EXISTS _pgferry.%1_selected(text, \"char\", oid)").arg(b),
        // The schema goes with its last migration's objects (several databases' runs share none:
        // each database has its own _pgferry schema, but one database may hold several projects').
        QStringLiteral(
            "DO $$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = "
            "c.relnamespace "
            "WHERE n.nspname = '_pgferry') AND NOT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n "
            "ON n.oid = p.pronamespace WHERE n.nspname = '_pgferry') THEN DROP SCHEMA IF EXISTS _pgferry; "
            "END IF; END$$")};
}

// ---------------------------------------------------------------- the plan

namespace {

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

QString columnDefinition(const QJsonObject &c)
{
    QString s = str(c, "qname") + u' ' + str(c, "type");
    if (!str(c, "collation").isEmpty())
        s += QStringLiteral(" COLLATE ") + str(c, "collation");
    if (!str(c, "generated").isEmpty())
        s += QStringLiteral(" GENERATED ALWAYS AS (%1) STORED").arg(str(c, "generated"));
    else if (str(c, "identity") == u"a")
        s += QStringLiteral(" GENERATED ALWAYS AS IDENTITY");
    else if (str(c, "identity") == u"d")
        s += QStringLiteral(" GENERATED BY DEFAULT AS IDENTITY");
    else if (!str(c, "default").isEmpty())
        s += QStringLiteral(" DEFAULT ") + str(c, "default");
    if (c.value(u"notnull").toBool() && str(c, "identity").isEmpty())
        s += QStringLiteral(" NOT NULL");
    return s;
}

QHash<qint64, QJsonObject> byKey(const QJsonValue &list, const char *key)
{
    QHash<qint64, QJsonObject> out;
    for (const QJsonValue &v : list.toArray()) {
        // Numbers; an oid printed by json_build_object is a string.
        const QJsonValue k = v.toObject().value(QLatin1String(key));
        out.insert(k.isString() ? k.toString().toLongLong() : k.toInteger(), v.toObject());
    }
    return out;
}

QString withIfNotExists(QString indexDef)
{
    // pg_get_indexdef: "CREATE [UNIQUE] INDEX name ON ..."
    const qsizetype at = indexDef.indexOf(QStringLiteral("INDEX "));
    if (at >= 0)
        indexDef.insert(at + 6, QStringLiteral("IF NOT EXISTS "));
    return indexDef;
}

QString ownerStatement(const QString &objectType, const QString &qname, const QString &owner)
{
    // Roles are migrated, but a role that could not be (or is not yet) on the target is no reason
    // to stop the stream: the object then stays the migration role's.
    QString inner = QStringLiteral("ALTER %1 %2 OWNER TO %3").arg(objectType, qname, owner);
    inner.replace(u'\'', QStringLiteral("''"));
    QString roleName = owner;
    if (roleName.startsWith(u'"'))
        roleName = roleName.mid(1, roleName.size() - 2).replace(QStringLiteral("\"\""), QStringLiteral("\""));
    roleName.replace(u'\'', QStringLiteral("''"));
    return QStringLiteral(
               "DO $pgferry$BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '%1') THEN EXECUTE '%2'; "
               "END IF; END$pgferry$")
        .arg(roleName, inner);
}

void planTable(const QJsonObject &item, const PlanOptions &options, QList<PlannedChange> &out,
               QList<PlannedChange> &ownedBy)
{
    const QJsonObject before = item.value(u"before").toObject();
    const QJsonObject after = item.value(u"after").toObject();
    const QString q = str(after, "qname");
    const QString object = str(after, "schema") + u'.' + str(after, "name");
    // Without a word on it (an older record), a table is taken to stream.
    const bool streams = !item.value(u"published").isBool() || item.value(u"published").toBool();
    auto add = [&](const QString &kind, const QStringList &statements, const QString &obj = {}) {
        out << PlannedChange{obj.isEmpty() ? object : obj, kind, statements, QStringLiteral("applied"), {}};
    };
    auto unresolved = [&](const QString &kind, const QString &detail) {
        out << PlannedChange{object, kind, {}, QStringLiteral("unresolved"), detail};
    };
    if (before.isEmpty()) {
        QStringList st;
        const QString unlogged = str(after, "persistence") == u"u" ? QStringLiteral("UNLOGGED ") : QString();
        if (!str(after, "partbound").isEmpty()) {
            st << QStringLiteral("CREATE %1TABLE IF NOT EXISTS %2 PARTITION OF %3 %4")
                      .arg(unlogged, q, str(after, "parent"), str(after, "partbound"));
        } else {
            QStringList cols;
            for (const QJsonValue &c : after.value(u"columns").toArray())
                cols << columnDefinition(c.toObject());
            QString create = QStringLiteral("CREATE %1TABLE IF NOT EXISTS %2 (%3)")
                                 .arg(unlogged, q, cols.join(QStringLiteral(", ")));
            if (!str(after, "partkey").isEmpty())
                create += QStringLiteral(" PARTITION BY ") + str(after, "partkey");
            st << create;
        }
        for (const QJsonValue &v : after.value(u"constraints").toArray())
            st << QStringLiteral("ALTER TABLE %1 ADD CONSTRAINT %2 %3")
                      .arg(q, str(v.toObject(), "qname"), str(v.toObject(), "def"));
        for (const QJsonValue &v : after.value(u"indexes").toArray())
            st << withIfNotExists(str(v.toObject(), "def"));
        if (str(after, "replident") == u"f")
            st << QStringLiteral("ALTER TABLE %1 REPLICA IDENTITY FULL").arg(q);
        else if (str(after, "replident") == u"i" && !str(after, "replident_index").isEmpty())
            st << QStringLiteral("ALTER TABLE %1 REPLICA IDENTITY USING INDEX %2")
                      .arg(q, str(after, "replident_index"));
        if (options.keepOwners && !str(after, "owner").isEmpty())
            st << ownerStatement(QStringLiteral("TABLE"), q, str(after, "owner"));
        add(QStringLiteral("table created"), st);
        if (!after.value(u"fks").toArray().isEmpty())
            out << PlannedChange{object,
                                 QStringLiteral("foreign key added"),
                                 {},
                                 QStringLiteral("deferred"),
                                 QStringLiteral("foreign keys are created at cutover")};
        if (!streams && str(after, "relkind") == u"r")
            unresolved(QStringLiteral("table created without a key"),
                       QStringLiteral(
                           "it has no primary key or replica identity, so its updates and deletes cannot "
                           "stream (and joining it to the publication would make them fail on the source). "
                           "Add a primary key, then copy it again (pgferry-cli resync, or Resync in the "
                           "dashboard)"));
        return;
    }

    // A table that existed: rename and move first, then the columns, constraints and indexes.
    const QString oldQ = str(before, "qname");
    if (str(before, "schema") != str(after, "schema")) {
        const QString movedQ =
            QStringLiteral("%1.%2").arg(oldQ.section(u'.', 0, 0), str(after, "qname").section(u'.', 1));
        QStringList st;
        if (str(before, "name") != str(after, "name"))
            st << QStringLiteral("ALTER TABLE %1 RENAME TO %2").arg(oldQ, q.section(u'.', 1));
        st << QStringLiteral("ALTER TABLE %1 SET SCHEMA %2")
                  .arg(str(before, "name") != str(after, "name") ? movedQ : oldQ, q.section(u'.', 0, 0));
        add(QStringLiteral("table moved"), st);
    } else if (str(before, "name") != str(after, "name")) {
        add(QStringLiteral("table renamed"),
            {QStringLiteral("ALTER TABLE %1 RENAME TO %2").arg(oldQ, q.section(u'.', 1))});
    }
    const auto oldCols = byKey(before.value(u"columns"), "num");
    const auto newCols = byKey(after.value(u"columns"), "num");
    QList<qint64> nums = oldCols.keys();
    for (qint64 k : newCols.keys())
        if (!oldCols.contains(k))
            nums << k;
    std::sort(nums.begin(), nums.end());
    for (qint64 num : nums) {
        const QJsonObject o = oldCols.value(num), n = newCols.value(num);
        if (n.isEmpty()) {
            add(QStringLiteral("column dropped"),
                {QStringLiteral("ALTER TABLE %1 DROP COLUMN IF EXISTS %2").arg(q, str(o, "qname"))},
                object + u'.' + str(o, "name"));
            continue;
        }
        const QString colObject = object + u'.' + str(n, "name");
        if (o.isEmpty()) {
            if (!str(n, "local").isEmpty() && !n.value(u"local").toBool())
                continue; // inherited from a parent, which carries it
            add(QStringLiteral("column added"),
                {QStringLiteral("ALTER TABLE %1 ADD COLUMN %2").arg(q, columnDefinition(n))}, colObject);
            if (!str(n, "default").isEmpty() && !isConstantDefault(str(n, "default")) && streams) {
                out.last().copyAfter = true;
                out.last().detail = QStringLiteral(
                    "its default is not a constant, so the rows already there got their own values on each "
                    "side: the table is copied again from a new snapshot");
            }
            continue;
        }
        const QString c = str(n, "qname");
        if (str(o, "name") != str(n, "name"))
            add(QStringLiteral("column renamed"),
                {QStringLiteral("ALTER TABLE %1 RENAME COLUMN %2 TO %3").arg(q, str(o, "qname"), c)},
                colObject);
        if (str(o, "generated") != str(n, "generated") || str(o, "identity") != str(n, "identity")) {
            out << PlannedChange{
                colObject,
                QStringLiteral("column changed"),
                {},
                QStringLiteral("unresolved"),
                QStringLiteral("its identity or generation expression changed: pgferry does not carry "
                               "that; make the same change on the target")};
            continue;
        }
        if (str(o, "type") != str(n, "type") || str(o, "collation") != str(n, "collation")) {
            QString type = str(n, "type");
            if (!str(n, "collation").isEmpty())
                type += QStringLiteral(" COLLATE ") + str(n, "collation");
            QStringList st;
            // A default of the old type may not cast: it is set again after the change.
            if (!str(o, "default").isEmpty())
                st << QStringLiteral("ALTER TABLE %1 ALTER COLUMN %2 DROP DEFAULT").arg(q, c);
            st << QStringLiteral("ALTER TABLE %1 ALTER COLUMN %2 TYPE %3 USING %2::%4")
                      .arg(q, c, type, str(n, "type"));
            if (!str(n, "default").isEmpty())
                st << QStringLiteral("ALTER TABLE %1 ALTER COLUMN %2 SET DEFAULT %3")
                          .arg(q, c, str(n, "default"));
            add(QStringLiteral("column type changed"), st, colObject);
        } else if (str(o, "default") != str(n, "default")) {
            add(QStringLiteral("column default changed"),
                {str(n, "default").isEmpty()
                     ? QStringLiteral("ALTER TABLE %1 ALTER COLUMN %2 DROP DEFAULT").arg(q, c)
                     : QStringLiteral("ALTER TABLE %1 ALTER COLUMN %2 SET DEFAULT %3")
                           .arg(q, c, str(n, "default"))},
                colObject);
        }
        if (o.value(u"notnull").toBool() != n.value(u"notnull").toBool())
            add(n.value(u"notnull").toBool() ? QStringLiteral("column set not null")
                                             : QStringLiteral("column dropped not null"),
                {QStringLiteral("ALTER TABLE %1 ALTER COLUMN %2 %3 NOT NULL")
                     .arg(q, c,
                          n.value(u"notnull").toBool() ? QStringLiteral("SET") : QStringLiteral("DROP"))},
                colObject);
    }
    // Constraints and indexes, matched by oid: a new name is a rename, a new definition a new object.
    const auto oldCons = byKey(before.value(u"constraints"), "oid");
    const auto newCons = byKey(after.value(u"constraints"), "oid");
    for (auto it = oldCons.begin(); it != oldCons.end(); ++it)
        if (!newCons.contains(it.key()))
            add(QStringLiteral("constraint dropped"),
                {QStringLiteral("ALTER TABLE %1 DROP CONSTRAINT IF EXISTS %2")
                     .arg(q, str(it.value(), "qname"))},
                object + u'.' + str(it.value(), "name"));
    for (auto it = newCons.begin(); it != newCons.end(); ++it) {
        const QJsonObject &n = it.value();
        const QJsonObject o = oldCons.value(it.key());
        if (o.isEmpty())
            add(QStringLiteral("constraint added"),
                {QStringLiteral("ALTER TABLE %1 ADD CONSTRAINT %2 %3")
                     .arg(q, str(n, "qname"), str(n, "def"))},
                object + u'.' + str(n, "name"));
        else if (str(o, "name") != str(n, "name"))
            add(QStringLiteral("constraint renamed"),
                {QStringLiteral("ALTER TABLE %1 RENAME CONSTRAINT %2 TO %3")
                     .arg(q, str(o, "qname"), str(n, "qname"))},
                object + u'.' + str(n, "name"));
        else if (str(o, "def") != str(n, "def"))
            add(QStringLiteral("constraint changed"),
                {QStringLiteral("ALTER TABLE %1 DROP CONSTRAINT IF EXISTS %2").arg(q, str(o, "qname")),
                 QStringLiteral("ALTER TABLE %1 ADD CONSTRAINT %2 %3")
                     .arg(q, str(n, "qname"), str(n, "def"))},
                object + u'.' + str(n, "name"));
    }
    const auto oldIdx = byKey(before.value(u"indexes"), "oid");
    const auto newIdx = byKey(after.value(u"indexes"), "oid");
    for (auto it = oldIdx.begin(); it != oldIdx.end(); ++it)
        if (!newIdx.contains(it.key()))
            add(QStringLiteral("index dropped"),
                {QStringLiteral("DROP INDEX IF EXISTS %1").arg(str(it.value(), "qname"))},
                str(after, "schema") + u'.' + str(it.value(), "name"));
    for (auto it = newIdx.begin(); it != newIdx.end(); ++it) {
        const QJsonObject &n = it.value();
        const QJsonObject o = oldIdx.value(it.key());
        const QString idxObject = str(after, "schema") + u'.' + str(n, "name");
        if (o.isEmpty())
            add(QStringLiteral("index created"), {withIfNotExists(str(n, "def"))}, idxObject);
        else if (str(o, "name") != str(n, "name"))
            add(QStringLiteral("index renamed"),
                {QStringLiteral("ALTER INDEX %1 RENAME TO %2")
                     .arg(str(o, "qname"), str(n, "qname").section(u'.', 1))},
                idxObject);
    }
    const auto oldFks = byKey(before.value(u"fks"), "oid");
    for (const QJsonValue &v : after.value(u"fks").toArray())
        if (!oldFks.contains(v.toObject().value(u"oid").toInteger()))
            out << PlannedChange{object + u'.' + str(v.toObject(), "name"),
                                 QStringLiteral("foreign key added"),
                                 {},
                                 QStringLiteral("deferred"),
                                 QStringLiteral("foreign keys are created at cutover")};
    if (str(before, "replident") != str(after, "replident") ||
        str(before, "replident_index") != str(after, "replident_index")) {
        const QString r = str(after, "replident");
        const QString how = r == u"f"   ? QStringLiteral("FULL")
                            : r == u"n" ? QStringLiteral("NOTHING")
                            : r == u"i" ? QStringLiteral("USING INDEX ") + str(after, "replident_index")
                                        : QStringLiteral("DEFAULT");
        add(QStringLiteral("replica identity changed"),
            {QStringLiteral("ALTER TABLE %1 REPLICA IDENTITY %2").arg(q, how)});
    }
    if (item.value(u"was_published").isBool() && !item.value(u"was_published").toBool() && streams) {
        add(QStringLiteral("table joined the stream late"), {});
        out.last().copyAfter = true;
        out.last().detail = QStringLiteral(
            "it was created without a key and only now can stream: copied from a new snapshot, so the rows "
            "written before are there too");
    } else if (!streams && str(after, "relkind") == u"r")
        unresolved(
            QStringLiteral("table without a key"),
            QStringLiteral(
                "it has no primary key or replica identity, so its changes cannot stream. Add a primary "
                "key, then copy it again (pgferry-cli resync, or Resync in the dashboard)"));
    Q_UNUSED(ownedBy);
}

void planOther(const QJsonObject &item, const PlanOptions &options, QList<PlannedChange> &out,
               QList<PlannedChange> &ownedBy)
{
    const QJsonObject before = item.value(u"before").toObject();
    const QJsonObject after = item.value(u"after").toObject();
    const QString kind = str(after, "kind");
    const QString q = str(after, "qname");
    const QString object = str(after, "schema") + u'.' + str(after, "name");
    auto add = [&](const QString &what, const QStringList &statements) {
        out << PlannedChange{object, what, statements, QStringLiteral("applied"), {}};
    };
    const bool renamed = !before.isEmpty() && (str(before, "qname") != q);
    if (kind == u"sequence") {
        QStringList st;
        if (before.isEmpty()) {
            st << QStringLiteral("CREATE SEQUENCE IF NOT EXISTS %1 %2").arg(q, str(after, "def"));
            if (options.keepOwners)
                st << ownerStatement(QStringLiteral("SEQUENCE"), q, str(after, "owner"));
            add(QStringLiteral("sequence created"), st);
        } else {
            if (renamed) {
                if (str(before, "schema") != str(after, "schema"))
                    st << QStringLiteral("ALTER SEQUENCE %1 SET SCHEMA %2")
                              .arg(str(before, "qname"), q.section(u'.', 0, 0));
                if (str(before, "name") != str(after, "name"))
                    st << QStringLiteral("ALTER SEQUENCE %1.%2 RENAME TO %3")
                              .arg(q.section(u'.', 0, 0), str(before, "qname").section(u'.', 1),
                                   q.section(u'.', 1));
            }
            if (str(before, "def") != str(after, "def"))
                st << QStringLiteral("ALTER SEQUENCE %1 %2")
                          .arg(q, str(after, "def")
                                      .replace(QStringLiteral("START WITH"), QStringLiteral("START")));
            if (!st.isEmpty())
                add(renamed ? QStringLiteral("sequence renamed") : QStringLiteral("sequence changed"), st);
        }
        if (str(before, "owned_by") != str(after, "owned_by"))
            ownedBy << PlannedChange{object,
                                     QStringLiteral("sequence owner column set"),
                                     {QStringLiteral("ALTER SEQUENCE %1 OWNED BY %2")
                                          .arg(q, str(after, "owned_by").isEmpty() ? QStringLiteral("NONE")
                                                                                   : str(after, "owned_by"))},
                                     QStringLiteral("applied"),
                                     {}};
        return;
    }
    if (kind == u"view" || kind == u"materialized view") {
        const QString type = kind == u"view" ? QStringLiteral("VIEW") : QStringLiteral("MATERIALIZED VIEW");
        QStringList st;
        if (renamed)
            st << QStringLiteral("ALTER %1 %2 RENAME TO %3")
                      .arg(type, str(before, "qname"), q.section(u'.', 1));
        if (before.isEmpty() || str(before, "def") != str(after, "def")) {
            QString def = str(after, "def").trimmed();
            if (def.endsWith(u';'))
                def.chop(1);
            if (kind == u"view") {
                st << QStringLiteral("CREATE OR REPLACE VIEW %1 AS %2").arg(q, def);
            } else {
                if (!before.isEmpty())
                    st << QStringLiteral("DROP MATERIALIZED VIEW IF EXISTS %1").arg(q);
                st << QStringLiteral("CREATE MATERIALIZED VIEW %1 AS %2").arg(q, def);
            }
            if (before.isEmpty() && options.keepOwners)
                st << ownerStatement(type == u"VIEW" ? QStringLiteral("VIEW")
                                                     : QStringLiteral("MATERIALIZED VIEW"),
                                     q, str(after, "owner"));
        }
        add(before.isEmpty() ? kind + QStringLiteral(" created")
            : renamed        ? kind + QStringLiteral(" renamed")
                             : kind + QStringLiteral(" changed"),
            st);
        return;
    }
    if (kind == u"function") {
        QStringList st;
        if (renamed)
            st << QStringLiteral("DROP FUNCTION IF EXISTS %1").arg(str(before, "qname"));
        st << str(after, "def");
        if (before.isEmpty() && options.keepOwners)
            st << ownerStatement(QStringLiteral("FUNCTION"), q, str(after, "owner"));
        add(before.isEmpty() ? QStringLiteral("function created") : QStringLiteral("function changed"), st);
        return;
    }
    if (kind == u"enum") {
        QStringList st;
        const QStringList labels = [&] {
            QStringList l;
            for (const QJsonValue &v : after.value(u"labels").toArray())
                l << v.toString();
            return l;
        }();
        auto lit = [](QString s) -> QString {
            return u'\'' + s.replace(u'\'', QStringLiteral("''")) + u'\'';
        };
        if (before.isEmpty()) {
            QStringList quoted;
            for (const QString &l : labels)
                quoted << lit(l);
            st << QStringLiteral("CREATE TYPE %1 AS ENUM (%2)").arg(q, quoted.join(QStringLiteral(", ")));
            add(QStringLiteral("type created"), st);
            return;
        }
        if (renamed)
            st << QStringLiteral("ALTER TYPE %1 RENAME TO %2").arg(str(before, "qname"), q.section(u'.', 1));
        QSet<QString> old;
        for (const QJsonValue &v : before.value(u"labels").toArray())
            old.insert(v.toString());
        for (qsizetype i = 0; i < labels.size(); ++i) {
            if (old.contains(labels[i]))
                continue;
            st << (i == 0 ? QStringLiteral("ALTER TYPE %1 ADD VALUE IF NOT EXISTS %2 BEFORE %3")
                                .arg(q, lit(labels[i]), lit(labels.value(1)))
                          : QStringLiteral("ALTER TYPE %1 ADD VALUE IF NOT EXISTS %2 AFTER %3")
                                .arg(q, lit(labels[i]), lit(labels[i - 1])));
        }
        if (!st.isEmpty())
            add(QStringLiteral("type changed"), st);
        return;
    }
    out << PlannedChange{
        object.isEmpty() || object == u"." ? str(item, "qname") : object,
        kind + QStringLiteral(" changed"),
        {},
        QStringLiteral("unresolved"),
        QStringLiteral("pgferry does not carry changes of this kind of object (%1): make the same change "
                       "on the target, then copy the table again (pgferry-cli resync, or Resync in the "
                       "dashboard) or restart this database's migration")
            .arg(kind)};
}

} // namespace

bool isConstantDefault(const QString &expression)
{
    // A literal (quoted, numeric, boolean or NULL), parenthesised or signed, with casts after it.
    static const QRegularExpression constant(QStringLiteral(
        R"re(^\(*\s*-?\s*(?:'(?:[^']|'')*'|[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|true|false|NULL)\s*\)*)re"
        R"re((?:\s*::\s*(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_ .]*)(?:\([0-9, ]*\))?(?:\[\])*\)*)*$)re"));
    return constant.match(expression.trimmed()).hasMatch();
}

QList<PlannedChange> planSchemaChange(const QJsonArray &items, const PlanOptions &options)
{
    QList<PlannedChange> out;
    QList<PlannedChange> ownedBy;
    for (const QJsonValue &v : items) {
        const QJsonObject item = v.toObject();
        const QString kind = str(item, "kind");
        if (kind.isEmpty()) { // {oid, before, after}
            const QJsonObject after = item.value(u"after").toObject();
            if (str(after, "kind") == u"table")
                planTable(item, options, out, ownedBy);
            else
                planOther(item, options, out, ownedBy);
        } else if (kind == u"schema") {
            out << PlannedChange{str(item, "qname"),
                                 QStringLiteral("schema created"),
                                 {QStringLiteral("CREATE SCHEMA IF NOT EXISTS %1").arg(str(item, "qname"))},
                                 QStringLiteral("applied"),
                                 {}};
        } else if (kind == u"trigger") {
            out << PlannedChange{str(item, "qname"),
                                 QStringLiteral("trigger created or changed"),
                                 {},
                                 QStringLiteral("deferred"),
                                 QStringLiteral("triggers are created at cutover")};
        } else if (kind == u"drop") {
            const QString type = str(item, "object_type");
            static const QHash<QString, QString> droppable{
                {QStringLiteral("table"), QStringLiteral("TABLE")},
                {QStringLiteral("sequence"), QStringLiteral("SEQUENCE")},
                {QStringLiteral("view"), QStringLiteral("VIEW")},
                {QStringLiteral("materialized view"), QStringLiteral("MATERIALIZED VIEW")},
                {QStringLiteral("index"), QStringLiteral("INDEX")},
                {QStringLiteral("function"), QStringLiteral("FUNCTION")},
                {QStringLiteral("type"), QStringLiteral("TYPE")},
                {QStringLiteral("schema"), QStringLiteral("SCHEMA")},
            };
            if (type == u"trigger") {
                // "name on schema.table": created at cutover from the source's catalog, so nothing now.
                out << PlannedChange{
                    str(item, "qname"),
                    QStringLiteral("trigger dropped"),
                    {},
                    QStringLiteral("deferred"),
                    QStringLiteral("triggers are created at cutover as the source has them")};
            } else if (droppable.contains(type)) {
                out << PlannedChange{str(item, "qname"),
                                     type + QStringLiteral(" dropped"),
                                     {QStringLiteral("DROP %1 IF EXISTS %2 CASCADE")
                                          .arg(droppable.value(type), str(item, "qname"))},
                                     QStringLiteral("applied"),
                                     {}};
            } else {
                out << PlannedChange{
                    str(item, "qname"),
                    type + QStringLiteral(" dropped"),
                    {},
                    QStringLiteral("unresolved"),
                    QStringLiteral("pgferry does not carry drops of this kind of object: drop it on the "
                                   "target too, then copy the table again (pgferry-cli resync, or Resync in "
                                   "the dashboard) or restart this database's migration")};
            }
        } else if (kind == u"error") {
            out << PlannedChange{
                str(item, "tag"),
                QStringLiteral("capture failed"),
                {},
                QStringLiteral("unresolved"),
                QStringLiteral("the event trigger could not describe this change (%1): make the same "
                               "change on the target, then copy the table again (pgferry-cli resync, or "
                               "Resync in the dashboard) or restart this database's migration")
                    .arg(str(item, "message"))};
        } else if (QStringList{QStringLiteral("GRANT"), QStringLiteral("REVOKE"), QStringLiteral("COMMENT"),
                               QStringLiteral("SECURITY LABEL"), QStringLiteral("ALTER DEFAULT PRIVILEGES")}
                       .contains(str(item, "tag"))) {
            // Privileges and comments change no row and no column: noted, not a reason to hold the cutover.
            out << PlannedChange{
                str(item, "qname").isEmpty() ? str(item, "object_type") : str(item, "qname"),
                str(item, "tag").toLower(),
                {},
                QStringLiteral("ignored"),
                QStringLiteral("privileges and comments arrive as they were at the snapshot: repeat "
                               "this %1 on the target")
                    .arg(str(item, "tag"))};
        } else { // unsupported
            out << PlannedChange{
                str(item, "qname"),
                str(item, "tag").toLower(),
                {},
                QStringLiteral("unresolved"),
                QStringLiteral("pgferry does not carry %1 (%2): make the same change on the target, "
                               "then copy the table again (pgferry-cli resync, or Resync in the dashboard) "
                               "or restart this database's migration")
                    .arg(str(item, "tag"), str(item, "object_type"))};
        }
    }
    out << ownedBy;
    return out;
}

} // namespace pgferry::cdc
