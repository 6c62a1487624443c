// The plan that turns a captured schema change ({before, after} descriptions, as the source's
// event trigger writes them) into statements for the target: columns matched by number (a rename
// is a rename), constraints and indexes by oid, sequences' OWNED BY last, foreign keys and
// triggers deferred to cutover, and anything else unresolved or, for privileges and comments,
// noted without holding the cutover.
#include "cdc/ddlcapture.h"
#include "project/project.h"

#include <QJsonDocument>
#include <QTest>

using namespace pgferry;

namespace ddlplan {
QByteArray fixture0();
QByteArray fixture1();
QByteArray fixture2();
QByteArray fixture3();
QByteArray fixture4();
QByteArray fixture5();
} // namespace ddlplan

namespace {

QJsonArray items(const QByteArray &json)
{
    QJsonParseError e{};
    const QJsonDocument d = QJsonDocument::fromJson(json, &e);
    if (!d.isArray())
        qFatal("bad test JSON: %s", qPrintable(e.errorString()));
    return d.array();
}

QByteArray ordersBefore()
{
    return ddlplan::fixture0();
}

} // namespace

class TestDdlPlan : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void createsATableWithItsKeyIndexesAndOwner()
    {
        const auto plan = cdc::planSchemaChange(items(ddlplan::fixture1()));
        QCOMPARE(plan.size(), 2);
        QCOMPARE(plan[0].kind, QStringLiteral("table created"));
        QCOMPARE(plan[0].state, QStringLiteral("applied"));
        QCOMPARE(plan[0].statements.value(0),
                 QStringLiteral("CREATE TABLE IF NOT EXISTS public.audit (id bigint DEFAULT "
                                "nextval('public.audit_id_seq'::regclass) "
                                "NOT NULL, \"What\" text COLLATE pg_catalog.\"C\")"));
        QCOMPARE(plan[0].statements.value(1),
                 QStringLiteral("ALTER TABLE public.audit ADD CONSTRAINT audit_pkey PRIMARY KEY (id)"));
        QCOMPARE(
            plan[0].statements.value(2),
            QStringLiteral("CREATE INDEX IF NOT EXISTS audit_what ON public.audit USING btree (\"What\")"));
        QVERIFY(plan[0].statements.value(3).contains(u"ALTER TABLE public.audit OWNER TO app"));
        QCOMPARE(plan[1].kind, QStringLiteral("foreign key added"));
        QCOMPARE(plan[1].state, QStringLiteral("deferred"));
    }

    void aTableWithoutKeyIsCreatedButHoldsTheCutover()
    {
        const auto plan = cdc::planSchemaChange(items(ddlplan::fixture2()), {.keepOwners = false});
        QCOMPARE(plan.size(), 2);
        QCOMPARE(plan[0].statements,
                 QStringList{QStringLiteral("CREATE TABLE IF NOT EXISTS public.nokey (a integer)")});
        QCOMPARE(plan[1].state, QStringLiteral("unresolved"));
        QCOMPARE(plan[1].object, QStringLiteral("public.nokey"));
    }

    void columnsAreMatchedByNumber()
    {
        // note renamed to remark, qty widened (its default set again), a column added, id's
        // constraint renamed, the table renamed.
        QJsonObject before = QJsonDocument::fromJson(ordersBefore()).object();
        QJsonObject after = before;
        after[u"name"] = QStringLiteral("purchases");
        after[u"qname"] = QStringLiteral("public.purchases");
        QJsonArray cols = after[u"columns"].toArray();
        QJsonObject qty = cols[1].toObject();
        qty[u"type"] = QStringLiteral("bigint");
        cols[1] = qty;
        QJsonObject note = cols[2].toObject();
        note[u"name"] = QStringLiteral("remark");
        note[u"qname"] = QStringLiteral("remark");
        cols[2] = note;
        cols.append(QJsonDocument::fromJson(ddlplan::fixture3()).object());
        after[u"columns"] = cols;
        QJsonArray cons = after[u"constraints"].toArray();
        QJsonObject pk = cons[0].toObject();
        pk[u"name"] = QStringLiteral("purchases_pkey");
        pk[u"qname"] = QStringLiteral("purchases_pkey");
        cons[0] = pk;
        after[u"constraints"] = cons;
        const auto plan = cdc::planSchemaChange(QJsonArray{QJsonObject{{QStringLiteral("oid"), 1},
                                                                       {QStringLiteral("before"), before},
                                                                       {QStringLiteral("after"), after}}});
        QStringList all;
        for (const auto &p : plan) {
            QCOMPARE(p.state, QStringLiteral("applied"));
            all << p.statements;
        }
        QCOMPARE(
            all,
            (QStringList{
                QStringLiteral("ALTER TABLE public.orders RENAME TO purchases"),
                QStringLiteral("ALTER TABLE public.purchases ALTER COLUMN qty DROP DEFAULT"),
                QStringLiteral("ALTER TABLE public.purchases ALTER COLUMN qty TYPE bigint USING qty::bigint"),
                QStringLiteral("ALTER TABLE public.purchases ALTER COLUMN qty SET DEFAULT 0"),
                QStringLiteral("ALTER TABLE public.purchases RENAME COLUMN note TO remark"),
                QStringLiteral(
                    "ALTER TABLE public.purchases ADD COLUMN status text DEFAULT 'new'::text NOT NULL"),
                QStringLiteral(
                    "ALTER TABLE public.purchases RENAME CONSTRAINT orders_pkey TO purchases_pkey"),
            }));
        QCOMPARE(plan[2].object, QStringLiteral("public.purchases.remark"));
    }

    void aDroppedColumnAndIndexGo()
    {
        QJsonObject before = QJsonDocument::fromJson(ordersBefore()).object();
        before[u"indexes"] = QJsonArray{
            QJsonObject{{QStringLiteral("oid"), 77},
                        {QStringLiteral("name"), QStringLiteral("orders_qty")},
                        {QStringLiteral("qname"), QStringLiteral("public.orders_qty")},
                        {QStringLiteral("def"),
                         QStringLiteral("CREATE INDEX orders_qty ON public.orders USING btree (qty)")}}};
        QJsonObject after = QJsonDocument::fromJson(ordersBefore()).object();
        QJsonArray cols = after[u"columns"].toArray();
        cols.removeAt(2);
        after[u"columns"] = cols;
        const auto plan = cdc::planSchemaChange(QJsonArray{QJsonObject{{QStringLiteral("oid"), 1},
                                                                       {QStringLiteral("before"), before},
                                                                       {QStringLiteral("after"), after}}});
        QCOMPARE(plan.size(), 2);
        QCOMPARE(plan[0].statements,
                 QStringList{QStringLiteral("ALTER TABLE public.orders DROP COLUMN IF EXISTS note")});
        QCOMPARE(plan[0].object, QStringLiteral("public.orders.note"));
        QCOMPARE(plan[1].statements, QStringList{QStringLiteral("DROP INDEX IF EXISTS public.orders_qty")});
    }

    void indexesAreMatchedByOidEvenAsStrings()
    {
        // json_build_object prints an oid as a string: two indexes must not collapse into one.
        QJsonObject before = QJsonDocument::fromJson(ordersBefore()).object();
        auto idx = [](const char *oid, const char *name) {
            return QJsonObject{
                {QStringLiteral("oid"), QString::fromLatin1(oid)},
                {QStringLiteral("name"), QString::fromLatin1(name)},
                {QStringLiteral("qname"), QString(QStringLiteral("public.") + QString::fromLatin1(name))},
                {QStringLiteral("def"), QStringLiteral("CREATE INDEX %1 ON public.orders USING btree (qty)")
                                            .arg(QString::fromLatin1(name))}};
        };
        before[u"indexes"] = QJsonArray{idx("100", "a_idx")};
        QJsonObject after = QJsonDocument::fromJson(ordersBefore()).object();
        after[u"indexes"] = QJsonArray{idx("100", "a_idx"), idx("101", "b_idx")};
        const auto plan =
            cdc::planSchemaChange(QJsonArray{QJsonObject{{QStringLiteral("oid"), QStringLiteral("1")},
                                                         {QStringLiteral("before"), before},
                                                         {QStringLiteral("after"), after}}});
        QCOMPARE(plan.size(), 1);
        QCOMPARE(plan[0].kind, QStringLiteral("index created"));
        QCOMPARE(plan[0].statements,
                 QStringList{
                     QStringLiteral("CREATE INDEX IF NOT EXISTS b_idx ON public.orders USING btree (qty)")});
    }

    void sequencesOwnedByComeLast()
    {
        const auto plan = cdc::planSchemaChange(items(ddlplan::fixture4()), {.keepOwners = false});
        QCOMPARE(plan.size(), 3);
        QVERIFY(plan[0].statements.value(0).startsWith(
            u"CREATE SEQUENCE IF NOT EXISTS public.t_id_seq AS integer"));
        QCOMPARE(plan[1].kind, QStringLiteral("table created"));
        QCOMPARE(plan[2].statements,
                 QStringList{QStringLiteral("ALTER SEQUENCE public.t_id_seq OWNED BY public.t.id")});
        QCOMPARE(plan[2].object, QStringLiteral("public.t_id_seq"));
    }

    void viewsFunctionsEnumsAndDrops()
    {
        const auto plan = cdc::planSchemaChange(items(ddlplan::fixture5()), {.keepOwners = false});
        QCOMPARE(plan.size(), 6);
        QCOMPARE(plan[0].statements,
                 QStringList{QStringLiteral("CREATE OR REPLACE VIEW public.v AS SELECT 1 AS x")});
        QCOMPARE(
            plan[1].statements,
            QStringList{QStringLiteral("ALTER TYPE public.mood ADD VALUE IF NOT EXISTS 'happy' AFTER 'ok'")});
        QCOMPARE(plan[2].statements, QStringList{QStringLiteral("DROP TABLE IF EXISTS public.old CASCADE")});
        QCOMPARE(plan[3].state, QStringLiteral("deferred"));
        QCOMPARE(plan[4].state, QStringLiteral("unresolved"));
        QCOMPARE(plan[4].object, QStringLiteral("public.d"));
        QCOMPARE(plan[5].state, QStringLiteral("ignored"));
    }

    void globsBecomeAnchoredRegexes()
    {
        QCOMPARE(pgferry::project::tablePatternRegex(QStringLiteral("public.order*")),
                 QStringLiteral("^public\\.order.*$"));
        QCOMPARE(pgferry::project::tablePatternRegex(QStringLiteral("log?")), QStringLiteral("^.*\\.log.$"));
        QCOMPARE(pgferry::project::tablePatternRegex(QStringLiteral("\"Sales Dept\".\"Order Lines\"")),
                 QStringLiteral("^Sales Dept\\.Order Lines$"));
    }
};

QTEST_GUILESS_MAIN(TestDdlPlan)
#include "tst_ddlplan.moc"
