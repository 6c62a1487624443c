// The test_decoding parser on hand-made lines: transactions, every change kind, quoting of
// identifiers and values, types with brackets and spaces, NULL and unchanged TOAST values,
// DDL drift, and malformed lines that must raise DecodeError.
#include "cdc/testdecodingparser.h"

#include <QTest>

using namespace pgferry;
using cdc::Change;
using cdc::Value;

class TestTestDecodingParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesTransactions()
    {
        cdc::TestDecodingParser p;
        const Change b = p.parse("BEGIN 123", 10);
        QCOMPARE(b.kind, Change::Begin);
        QCOMPARE(b.xid, quint32(123));
        QCOMPARE(b.lsn, pg::Lsn(10));
        QCOMPARE(p.parse("BEGIN").xid, quint32(0));
        const Change c = p.parse("COMMIT 123 (at 2000-01-01 00:00:01.5+00)", 99);
        QCOMPARE(c.kind, Change::Commit);
        QCOMPARE(c.xid, quint32(123));
        QCOMPARE(c.endLsn, pg::Lsn(99));
        QCOMPARE(c.commitTimeMicros, qint64(1500000));
        // Session time zones with minutes, negative offsets, whole seconds.
        QCOMPARE(p.parse("COMMIT 5 (at 2000-01-01 05:30:00+05:30)").commitTimeMicros, qint64(0));
        QCOMPARE(p.parse("COMMIT 5 (at 1999-12-31 21:00:00.000001-03)").commitTimeMicros, qint64(1));
        QCOMPARE(p.parse("COMMIT (at 2000-01-01 00:00:00+00)").xid, quint32(0));
        QCOMPARE(p.parse("COMMIT 7").commitTimeMicros, qint64(0));
    }

    void parsesChanges_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("schema");
        QTest::addColumn<QString>("table");
        QTest::addColumn<QStringList>("names");
        QTest::addColumn<QStringList>("types");
        QTest::addColumn<QList<Value>>("values");
        QTest::addColumn<QList<Value>>("oldValues");

        const auto t = [](const char *s) { return Value::fromText(QByteArray(s)); };
        QTest::newRow("insert") << QByteArray("table public.items: INSERT: id[integer]:2 v[text]:'after'")
                                << int(Change::Insert) << QStringLiteral("public") << QStringLiteral("items")
                                << QStringList{QStringLiteral("id"), QStringLiteral("v")}
                                << QStringList{QStringLiteral("integer"), QStringLiteral("text")}
                                << QList<Value>{t("2"), t("after")} << QList<Value>{};
        QTest::newRow("quotes doubled, null, bool, bits, numeric")
            << QByteArray(
                   "table public.t: INSERT: a[text]:'it''s' b[text]:null c[boolean]:true d[bit]:B'1010' "
                   "e[numeric]:-1.5e+20 f[double precision]:NaN g[boolean]:false h[text]:''")
            << int(Change::Insert) << QStringLiteral("public") << QStringLiteral("t")
            << QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("d"),
                           QStringLiteral("e"), QStringLiteral("f"), QStringLiteral("g"), QStringLiteral("h")}
            << QStringList{QStringLiteral("text"),    QStringLiteral("text"),
                           QStringLiteral("boolean"), QStringLiteral("bit"),
                           QStringLiteral("numeric"), QStringLiteral("double precision"),
                           QStringLiteral("boolean"), QStringLiteral("text")}
            << QList<Value>{t("it's"),     Value::null(), t("t"), t("1010"),
                            t("-1.5e+20"), t("NaN"),      t("f"), t("")}
            << QList<Value>{};
        QTest::newRow("arrays and types with spaces")
            << QByteArray(
                   "table public.t: INSERT: a[integer[]]:'{1,NULL,3}' b[character varying[]]:'{\"a "
                   "b\",\"c,d\"}' "
                   "c[timestamp with time zone]:'2024-02-29 10:34:56.789+00' d[character varying]:'x y'")
            << int(Change::Insert) << QStringLiteral("public") << QStringLiteral("t")
            << QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("d")}
            << QStringList{QStringLiteral("integer[]"), QStringLiteral("character varying[]"),
                           QStringLiteral("timestamp with time zone"), QStringLiteral("character varying")}
            << QList<Value>{t("{1,NULL,3}"), t("{\"a b\",\"c,d\"}"), t("2024-02-29 10:34:56.789+00"),
                            t("x y")}
            << QList<Value>{};
        QTest::newRow("quoted identifiers with spaces, quotes, dots, colons and Unicode")
            << QByteArray(
                   "table \"Sch \"\"ema\".\"We\"\"ird Tab.le ☃\": INSERT: \"Col \"\"x\"\"\"[integer]:1 "
                   "\"ünï cödé\"[text]:'ça va' \"a:b[c]\"[text]:'x:y' \"My Type\"[\"Odd]Type\"]:'v'")
            << int(Change::Insert) << QStringLiteral("Sch \"ema") << QStringLiteral("We\"ird Tab.le ☃")
            << QStringList{QStringLiteral("Col \"x\""), QStringLiteral("ünï cödé"), QStringLiteral("a:b[c]"),
                           QStringLiteral("My Type")}
            << QStringList{QStringLiteral("integer"), QStringLiteral("text"), QStringLiteral("text"),
                           QStringLiteral("\"Odd]Type\"")}
            << QList<Value>{t("1"), t("ça va"), t("x:y"), t("v")} << QList<Value>{};
        QTest::newRow("update with old key and unchanged TOAST")
            << QByteArray("table public.items: UPDATE: old-key: id[integer]:2 new-tuple: id[integer]:20 "
                          "v[text]:'v2' big[text]:unchanged-toast-datum")
            << int(Change::Update) << QStringLiteral("public") << QStringLiteral("items")
            << QStringList{QStringLiteral("id"), QStringLiteral("v"), QStringLiteral("big")}
            << QStringList{QStringLiteral("integer"), QStringLiteral("text"), QStringLiteral("text")}
            << QList<Value>{t("20"), t("v2"), Value::unchanged()} << QList<Value>{t("2")};
        QTest::newRow("update without old key")
            << QByteArray("table public.items: UPDATE: id[integer]:1 v[text]:'changed'")
            << int(Change::Update) << QStringLiteral("public") << QStringLiteral("items")
            << QStringList{QStringLiteral("id"), QStringLiteral("v")}
            << QStringList{QStringLiteral("integer"), QStringLiteral("text")}
            << QList<Value>{t("1"), t("changed")} << QList<Value>{};
        QTest::newRow("delete") << QByteArray(
                                       "table public.full_dups: DELETE: a[integer]:2 j[json]:'{\"k\": 1}'")
                                << int(Change::Delete) << QStringLiteral("public")
                                << QStringLiteral("full_dups") << QStringList{} << QStringList{}
                                << QList<Value>{} << QList<Value>{t("2"), t("{\"k\": 1}")};
        QTest::newRow("value with old-key: and new-tuple: inside")
            << QByteArray(
                   "table public.t: UPDATE: old-key: a[text]:' new-tuple: x' new-tuple: a[text]:'old-key: y'")
            << int(Change::Update) << QStringLiteral("public") << QStringLiteral("t")
            << QStringList{QStringLiteral("a")} << QStringList{QStringLiteral("text")}
            << QList<Value>{t("old-key: y")} << QList<Value>{t(" new-tuple: x")};
    }
    void parsesChanges()
    {
        QFETCH(QByteArray, line);
        QFETCH(int, kind);
        QFETCH(QString, schema);
        QFETCH(QString, table);
        QFETCH(QStringList, names);
        QFETCH(QStringList, types);
        QFETCH(QList<Value>, values);
        QFETCH(QList<Value>, oldValues);
        cdc::TestDecodingParser p;
        const Change c = p.parse(line, 77);
        QCOMPARE(int(c.kind), kind);
        QCOMPARE(c.lsn, pg::Lsn(77));
        QCOMPARE(c.schema, schema);
        QCOMPARE(c.table, table);
        QStringList gotNames, gotTypes;
        for (const auto &col : c.columns) {
            gotNames << col.name;
            gotTypes << col.typeName;
        }
        QCOMPARE(gotNames, names);
        QCOMPARE(gotTypes, types);
        QCOMPARE(c.newTuple, values);
        QCOMPARE(c.oldTuple, oldValues);
        QCOMPARE(c.oldKind, oldValues.isEmpty() ? char(0) : 'K');
        QCOMPARE(c.oldColumns.size(), oldValues.size());
    }

    void parsesTruncate()
    {
        cdc::TestDecodingParser p;
        const Change t = p.parse("table public.a, \"S\".\"b, c\": TRUNCATE: restart_seqs cascade");
        QCOMPARE(t.kind, Change::Truncate);
        QCOMPARE(t.truncateTables.size(), 2);
        QCOMPARE(t.truncateTables[1].schema, QStringLiteral("S"));
        QCOMPARE(t.truncateTables[1].name, QStringLiteral("b, c"));
        QVERIFY(t.truncateCascade);
        QVERIFY(t.truncateRestartIdentity);
        const Change plain = p.parse("table public.a: TRUNCATE: (no-flags)");
        QVERIFY(!plain.truncateCascade && !plain.truncateRestartIdentity);
        QVERIFY(p.parse("table public.a: TRUNCATE: cascade").truncateCascade);
    }

    void parsesMessages()
    {
        cdc::TestDecodingParser p;
        const Change m = p.parse("message: transactional: 0 prefix: pgferry-test, sz: 8 content:marker-1");
        QCOMPARE(m.kind, Change::Message);
        QVERIFY(!m.messageTransactional);
        QCOMPARE(m.messagePrefix, QStringLiteral("pgferry-test"));
        QCOMPARE(m.messageContent, QByteArray("marker-1"));
    }

    void aChangedColumnListIsReportedAsDrift()
    {
        cdc::TestDecodingParser p;
        QVERIFY(!p.parse("table public.t: INSERT: a[integer]:1").relationChanged);
        QVERIFY(!p.parse("table public.t: UPDATE: a[integer]:1").relationChanged);
        const Change added = p.parse("table public.t: INSERT: a[integer]:2 extra[text]:null");
        QVERIFY(added.relationChanged);
        QVERIFY2(added.relationChange.contains(u"column \"extra\" added"), qPrintable(added.relationChange));
        const Change retyped = p.parse("table public.t: INSERT: a[bigint]:2 extra[text]:null");
        QVERIFY(retyped.relationChange.contains(u"changed from integer to bigint"));
        QVERIFY(!p.parse("table public.u: INSERT: a[bigint]:2").relationChanged); // another table
    }

    void malformedLinesAreRefused_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("garbage") << QByteArray("hello");
        QTest::newRow("begin with junk") << QByteArray("BEGIN abc");
        QTest::newRow("commit with bad time") << QByteArray("COMMIT 1 (at yesterday)");
        QTest::newRow("commit unterminated time") << QByteArray("COMMIT 1 (at 2000-01-01 00:00:00+00");
        QTest::newRow("no table name") << QByteArray("table : INSERT: a[int]:1");
        QTest::newRow("no schema") << QByteArray("table items: INSERT: a[integer]:1");
        QTest::newRow("unterminated identifier") << QByteArray("table \"public.items: INSERT:");
        QTest::newRow("unknown action") << QByteArray("table public.t: UPSERT: a[integer]:1");
        QTest::newRow("unterminated type") << QByteArray("table public.t: INSERT: a[integer:1");
        QTest::newRow("missing colon after type") << QByteArray("table public.t: INSERT: a[integer]1");
        QTest::newRow("unterminated value") << QByteArray("table public.t: INSERT: a[text]:'abc");
        QTest::newRow("missing value") << QByteArray("table public.t: INSERT: a[text]:");
        QTest::newRow("old key without new tuple")
            << QByteArray("table public.t: UPDATE: old-key: a[integer]:1");
        QTest::newRow("delete without key") << QByteArray("table public.t: DELETE: (no-tuple-data)");
        QTest::newRow("update without columns") << QByteArray("table public.t: UPDATE:");
        QTest::newRow("insert without data") << QByteArray("table public.t: INSERT: (no-tuple-data)");
        QTest::newRow("unknown truncate flag") << QByteArray("table public.t: TRUNCATE: sometimes");
        QTest::newRow("several tables for insert")
            << QByteArray("table public.a, public.b: INSERT: a[integer]:1");
        QTest::newRow("message size lies")
            << QByteArray("message: transactional: 1 prefix: p, sz: 9 content:abc");
    }
    void malformedLinesAreRefused()
    {
        QFETCH(QByteArray, line);
        cdc::TestDecodingParser p;
        QVERIFY_THROWS_EXCEPTION(cdc::DecodeError, p.parse(line));
    }

    void everyTruncationOfAValidLineIsHandled()
    {
        const QByteArray line = "table \"S\".\"t\": UPDATE: old-key: id[integer]:1 new-tuple: id[integer]:2 "
                                "v[text]:'a''b' w[bit]:B'1'";
        cdc::TestDecodingParser p;
        p.parse(line);
        for (qsizetype n = 0; n < line.size(); ++n) {
            const QByteArray cut(line.constData(), n);
            try {
                p.parse(cut); // a prefix may be valid (a shorter number); it must never crash
            } catch (const cdc::DecodeError &) {
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestTestDecodingParser)
#include "tst_testdecodingparser.moc"
