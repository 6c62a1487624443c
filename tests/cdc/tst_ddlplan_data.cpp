// JSON fixtures of tst_ddlplan (moc cannot read raw strings, so they live here).
#include <QByteArray>

namespace ddlplan {

QByteArray fixture0()
{
    return QByteArrayLiteral(
        R"J({"kind":"table","schema":"public","name":"orders","qname":"public.orders","relkind":"r",
  "persistence":"p","replident":"d","owner":"app","columns":[
    {"num":1,"name":"id","qname":"id","type":"integer","notnull":true,"local":true,"default":null,"generated":null,"identity":"","collation":null},
    {"num":2,"name":"qty","qname":"qty","type":"integer","notnull":false,"local":true,"default":"0","generated":null,"identity":"","collation":null},
    {"num":3,"name":"note","qname":"note","type":"text","notnull":false,"local":true,"default":null,"generated":null,"identity":"","collation":null}],
  "constraints":[{"oid":500,"name":"orders_pkey","qname":"orders_pkey","type":"p","def":"PRIMARY KEY (id)"}],
  "fks":null,"indexes":null,"replident_index":null})J");
}

QByteArray fixture1()
{
    return QByteArrayLiteral(R"J([{"oid":1,"before":null,"after":
          {"kind":"table","schema":"public","name":"audit","qname":"public.audit","relkind":"r","persistence":"p",
           "replident":"d","owner":"app","columns":[
             {"num":1,"name":"id","qname":"id","type":"bigint","notnull":true,"default":"nextval('public.audit_id_seq'::regclass)","identity":""},
             {"num":2,"name":"what","qname":"\"What\"","type":"text","notnull":false,"default":null,"identity":"","collation":"pg_catalog.\"C\""}],
           "constraints":[{"oid":7,"name":"audit_pkey","qname":"audit_pkey","type":"p","def":"PRIMARY KEY (id)"}],
           "fks":[{"oid":8,"name":"audit_fk","def":"FOREIGN KEY (id) REFERENCES public.x(id)"}],
           "indexes":[{"oid":9,"name":"audit_what","qname":"public.audit_what","def":"CREATE INDEX audit_what ON public.audit USING btree (\"What\")"}]},
          "published":true,"was_published":false}])J");
}

QByteArray fixture2()
{
    return QByteArrayLiteral(R"J([{"oid":1,"before":null,"after":
          {"kind":"table","schema":"public","name":"nokey","qname":"public.nokey","relkind":"r","persistence":"p","replident":"d",
           "columns":[{"num":1,"name":"a","qname":"a","type":"integer","notnull":false}]},
          "published":false,"was_published":false}])J");
}

QByteArray fixture3()
{
    return QByteArrayLiteral(R"J({"num":5,"name":"status","qname":"status","type":"text","notnull":true,
                                              "local":true,"default":"'new'::text","identity":""})J");
}

QByteArray fixture4()
{
    return QByteArrayLiteral(R"J([
          {"oid":2,"before":null,"after":{"kind":"sequence","schema":"public","name":"t_id_seq","qname":"public.t_id_seq",
            "owner":"app","def":"AS integer INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1 NO CYCLE",
            "owned_by":"public.t.id"}},
          {"oid":3,"before":null,"after":{"kind":"table","schema":"public","name":"t","qname":"public.t","relkind":"r",
            "replident":"d","columns":[{"num":1,"name":"id","qname":"id","type":"integer","notnull":true,
            "default":"nextval('public.t_id_seq'::regclass)"}],"constraints":[{"oid":4,"name":"t_pkey","qname":"t_pkey","type":"p","def":"PRIMARY KEY (id)"}]},
            "published":true,"was_published":false}])J");
}

QByteArray fixture5()
{
    return QByteArrayLiteral(R"J([
          {"oid":5,"before":null,"after":{"kind":"view","schema":"public","name":"v","qname":"public.v","def":" SELECT 1 AS x;"}},
          {"oid":6,"before":{"kind":"enum","schema":"public","name":"mood","qname":"public.mood","labels":["sad","ok"]},
                   "after":{"kind":"enum","schema":"public","name":"mood","qname":"public.mood","labels":["sad","ok","happy"]}},
          {"kind":"drop","object_type":"table","qname":"public.old"},
          {"kind":"drop","object_type":"trigger","qname":"trg on public.t"},
          {"kind":"unsupported","tag":"CREATE DOMAIN","object_type":"domain","qname":"public.d"},
          {"kind":"unsupported","tag":"GRANT","object_type":"table","qname":null}])J");
}

} // namespace ddlplan
