// The pgoutput decoder on hand-made messages: every message type, the relation cache and DDL
// drift, protocol 2 streaming, and malformed input (truncated at every byte, lying lengths,
// unknown kinds) that must raise DecodeError and never read out of bounds.
#include "cdc/pgoutputdecoder.h"

#include <QTest>
#include <QtEndian>

using namespace pgferry;
using cdc::Change;

namespace {

// Builds protocol messages the way the walsender does.
class Msg
{
public:
    explicit Msg(char type) { m_b += type; }
    Msg &u8(quint8 v)
    {
        m_b += char(v);
        return *this;
    }
    Msg &u16(quint16 v)
    {
        char b[2];
        qToBigEndian(v, b);
        m_b.append(b, 2);
        return *this;
    }
    Msg &u32(quint32 v)
    {
        char b[4];
        qToBigEndian(v, b);
        m_b.append(b, 4);
        return *this;
    }
    Msg &u64(quint64 v)
    {
        char b[8];
        qToBigEndian(v, b);
        m_b.append(b, 8);
        return *this;
    }
    Msg &str(const QByteArray &s)
    {
        m_b += s;
        m_b += '\0';
        return *this;
    }
    Msg &text(const QByteArray &v) { return u8('t').u32(quint32(v.size())).raw(v); }
    Msg &raw(const QByteArray &v)
    {
        m_b += v;
        return *this;
    }
    operator QByteArray() const { return m_b; }

private:
    QByteArray m_b;
};

// "public"."items" (id int4 key, v text, big text)
QByteArray relationItems(const QByteArray &extraColumn = {})
{
    Msg m('R');
    m.u32(16384).str("public").str("items").u8('d').u16(extraColumn.isEmpty() ? 3 : 4);
    m.u8(1).str("id").u32(23).u32(0xffffffff);
    m.u8(0).str("v").u32(25).u32(0xffffffff);
    m.u8(0).str("big").u32(25).u32(0xffffffff);
    if (!extraColumn.isEmpty())
        m.u8(0).str(extraColumn).u32(23).u32(0xffffffff);
    return m;
}

QByteArray insertItems()
{
    return Msg('I').u32(16384).u8('N').u16(3).text("1").text("héllo").u8('n');
}

} // namespace

class TestPgOutputDecoder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void decodesBeginAndCommit()
    {
        cdc::PgOutputDecoder d;
        const Change b = d.decode(Msg('B').u64(0x1600000100).u64(7654321).u32(999), 42);
        QCOMPARE(b.kind, Change::Begin);
        QCOMPARE(b.commitLsn, pg::Lsn(0x1600000100));
        QCOMPARE(b.commitTimeMicros, qint64(7654321));
        QCOMPARE(b.xid, quint32(999));
        QCOMPARE(b.lsn, pg::Lsn(42));
        const Change c = d.decode(Msg('C').u8(0).u64(0x1600000100).u64(0x1600000180).u64(7654321));
        QCOMPARE(c.kind, Change::Commit);
        QCOMPARE(c.commitLsn, pg::Lsn(0x1600000100));
        QCOMPARE(c.endLsn, pg::Lsn(0x1600000180));
    }

    void decodesRelationsAndTuples()
    {
        cdc::PgOutputDecoder d;
        const Change r = d.decode(relationItems());
        QCOMPARE(r.kind, Change::Relation);
        QCOMPARE(r.relation.columns.size(), 3);
        QVERIFY(r.relation.columns[0].isKey);
        QCOMPARE(r.relation.columns[1].typeOid, quint32(25));
        QCOMPARE(r.relation.columns[1].typmod, -1);
        QVERIFY(!r.relationChanged);
        QVERIFY(d.relation(16384));

        const Change i = d.decode(insertItems());
        QCOMPARE(i.kind, Change::Insert);
        QCOMPARE(i.qualifiedName(), QStringLiteral("public.items"));
        QCOMPARE(i.newTuple.size(), 3);
        QCOMPARE(i.newTuple[1], cdc::Value::fromText("héllo"));
        QCOMPARE(i.newTuple[2].kind, cdc::Value::Null);
        QCOMPARE(i.columns[0].name, QStringLiteral("id"));

        const Change u = d.decode(Msg('U')
                                      .u32(16384)
                                      .u8('K')
                                      .u16(3)
                                      .text("1")
                                      .u8('n')
                                      .u8('n')
                                      .u8('N')
                                      .u16(3)
                                      .text("2")
                                      .text("x")
                                      .u8('u'));
        QCOMPARE(u.kind, Change::Update);
        QCOMPARE(u.oldKind, 'K');
        QCOMPARE(u.oldTuple[0], cdc::Value::fromText("1"));
        QCOMPARE(u.newTuple[2].kind, cdc::Value::Unchanged);

        const Change u2 = d.decode(Msg('U').u32(16384).u8('N').u16(3).text("2").text("").u8('n'));
        QCOMPARE(u2.oldKind, char(0));
        QCOMPARE(u2.newTuple[1], cdc::Value::fromText(""));

        const Change del = d.decode(Msg('D').u32(16384).u8('O').u16(3).text("2").text("x").u8('n'));
        QCOMPARE(del.kind, Change::Delete);
        QCOMPARE(del.oldKind, 'O');
        QCOMPARE(del.oldTuple.size(), 3);
    }

    void decodesTruncateTypeOriginAndMessage()
    {
        cdc::PgOutputDecoder d;
        d.decode(relationItems());
        d.decode(Msg('R').u32(5).str("").str("x").u8('f').u16(0));
        QCOMPARE(d.relation(5)->schema, QStringLiteral("pg_catalog")); // empty namespace means pg_catalog
        const Change t = d.decode(Msg('T').u32(2).u8(3).u32(16384).u32(5));
        QCOMPARE(t.kind, Change::Truncate);
        QVERIFY(t.truncateCascade);
        QVERIFY(t.truncateRestartIdentity);
        QCOMPARE(t.truncateRelations, (QList<quint32>{16384, 5}));
        QCOMPARE(t.truncateTables.at(0).name, QStringLiteral("items"));

        const Change y = d.decode(Msg('Y').u32(70000).str("public").str("mood"));
        QCOMPARE(y.kind, Change::Type);
        QCOMPARE(d.typeName(70000), QStringLiteral("public.mood"));

        const Change o = d.decode(Msg('O').u64(77).str("other_origin"));
        QCOMPARE(o.kind, Change::Origin);
        QCOMPARE(o.origin, QStringLiteral("other_origin"));

        const Change m = d.decode(Msg('M').u8(1).u64(88).str("pfx").u32(3).raw(QByteArray("a\0b", 3)));
        QCOMPARE(m.kind, Change::Message);
        QVERIFY(m.messageTransactional);
        QCOMPARE(m.messageContent, QByteArray("a\0b", 3));
    }

    void aChangedRelationIsReportedAsDrift()
    {
        cdc::PgOutputDecoder d;
        d.decode(relationItems());
        const Change same = d.decode(relationItems());
        QVERIFY(!same.relationChanged); // pgoutput resends relations after any invalidation
        const Change added = d.decode(relationItems("extra"));
        QVERIFY(added.relationChanged);
        QVERIFY2(added.relationChange.contains(u"column \"extra\" added"), qPrintable(added.relationChange));
        const Change dropped = d.decode(relationItems());
        QVERIFY(dropped.relationChanged);
        QVERIFY(dropped.relationChange.contains(u"column \"extra\" dropped"));
        // Tuples now follow the new description.
        QCOMPARE(d.decode(insertItems()).newTuple.size(), 3);
    }

    void protocolTwoStreamingCarriesTheTransactionId()
    {
        cdc::PgOutputDecoder d;
        QCOMPARE(d.decode(Msg('S').u32(900).u8(1)).kind, Change::StreamStart);
        Msg r('R');
        r.u32(900).u32(16384).str("public").str("items").u8('d').u16(1).u8(1).str("id").u32(23).u32(
            0xffffffff);
        QCOMPARE(d.decode(r).relation.columns.size(), 1);
        const Change i = d.decode(Msg('I').u32(900).u32(16384).u8('N').u16(1).text("5"));
        QCOMPARE(i.xid, quint32(900));
        QCOMPARE(d.decode(Msg('E')).kind, Change::StreamStop);
        const Change c = d.decode(Msg('c').u32(900).u8(0).u64(10).u64(20).u64(30));
        QCOMPARE(c.kind, Change::StreamCommit);
        QCOMPARE(c.endLsn, pg::Lsn(20));
        QCOMPARE(d.decode(Msg('A').u32(900).u32(901)).kind, Change::StreamAbort);
        // Outside a stream, no transaction id prefix.
        QCOMPARE(d.decode(Msg('I').u32(16384).u8('N').u16(1).text("6")).newTuple[0],
                 cdc::Value::fromText("6"));
    }

    void malformedMessagesAreRefused_data()
    {
        QTest::addColumn<QByteArray>("setup");
        QTest::addColumn<QByteArray>("message");
        QTest::addColumn<QString>("expected");
        QTest::newRow("empty") << QByteArray() << QByteArray() << QStringLiteral("truncated");
        QTest::newRow("unknown type") << QByteArray() << QByteArray("Z") << QStringLiteral("unknown type");
        QTest::newRow("unknown relation")
            << QByteArray() << insertItems() << QStringLiteral("no relation message");
        QTest::newRow("column count mismatch")
            << relationItems() << QByteArray(Msg('I').u32(16384).u8('N').u16(2).text("1").u8('n'))
            << QStringLiteral("has 2 columns");
        QTest::newRow("value length beyond the message")
            << relationItems()
            << QByteArray(Msg('I').u32(16384).u8('N').u16(3).u8('t').u32(0x7fffffff).raw("ab"))
            << QStringLiteral("claims");
        QTest::newRow("unknown column kind")
            << relationItems() << QByteArray(Msg('I').u32(16384).u8('N').u16(3).u8('x').u8('n').u8('n'))
            << QStringLiteral("unknown column kind");
        QTest::newRow("binary value")
            << relationItems() << QByteArray(Msg('I').u32(16384).u8('N').u16(3).u8('b').u32(4).u32(1))
            << QStringLiteral("binary");
        QTest::newRow("insert without N") << relationItems() << QByteArray(Msg('I').u32(16384).u8('K'))
                                          << QStringLiteral("expected a new tuple");
        QTest::newRow("delete without key")
            << relationItems() << QByteArray(Msg('D').u32(16384).u8('N')) << QStringLiteral("old key");
        QTest::newRow("unterminated name")
            << QByteArray() << QByteArray(Msg('R').u32(1).raw("public")) << QStringLiteral("not terminated");
        QTest::newRow("huge column count")
            << QByteArray() << QByteArray(Msg('R').u32(1).str("s").str("t").u8('d').u16(65535))
            << QStringLiteral("truncated");
        QTest::newRow("bad replica identity")
            << QByteArray() << QByteArray(Msg('R').u32(1).str("s").str("t").u8('q').u16(0))
            << QStringLiteral("replica identity");
        QTest::newRow("huge truncate count")
            << relationItems() << QByteArray(Msg('T').u32(0xffffffff).u8(0).u32(16384))
            << QStringLiteral("claims");
        QTest::newRow("trailing bytes")
            << QByteArray() << QByteArray(Msg('E').u8(0)) << QStringLiteral("trailing");
        QTest::newRow("message length lies")
            << QByteArray() << QByteArray(Msg('M').u8(0).u64(1).str("p").u32(100).raw("x"))
            << QStringLiteral("claims");
    }
    void malformedMessagesAreRefused()
    {
        QFETCH(QByteArray, setup);
        QFETCH(QByteArray, message);
        QFETCH(QString, expected);
        cdc::PgOutputDecoder d;
        if (!setup.isEmpty())
            d.decode(setup);
        try {
            d.decode(message);
            QFAIL("expected a DecodeError");
        } catch (const cdc::DecodeError &e) {
            QVERIFY2(e.message().contains(expected), qPrintable(e.message()));
        }
    }

    void everyTruncationOfAValidMessageIsRefused()
    {
        const QList<QByteArray> valid = {Msg('B').u64(1).u64(2).u32(3),
                                         Msg('C').u8(0).u64(1).u64(2).u64(3),
                                         relationItems(),
                                         insertItems(),
                                         Msg('U')
                                             .u32(16384)
                                             .u8('O')
                                             .u16(3)
                                             .text("1")
                                             .text("x")
                                             .u8('n')
                                             .u8('N')
                                             .u16(3)
                                             .text("2")
                                             .text("y")
                                             .u8('u'),
                                         Msg('D').u32(16384).u8('K').u16(3).text("1").u8('n').u8('n'),
                                         Msg('T').u32(1).u8(1).u32(16384),
                                         Msg('Y').u32(1).str("s").str("t"),
                                         Msg('O').u64(1).str("o"),
                                         Msg('M').u8(0).u64(1).str("p").u32(2).raw("xy")};
        for (const QByteArray &m : valid) {
            cdc::PgOutputDecoder d;
            d.decode(relationItems());
            d.decode(m); // whole: fine
            for (qsizetype n = 0; n < m.size(); ++n) {
                // A copy of exactly n bytes, so that ASan notices any read past the end.
                const QByteArray cut(m.constData(), n);
                QVERIFY_THROWS_EXCEPTION(cdc::DecodeError, d.decode(cut));
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestPgOutputDecoder)
#include "tst_pgoutputdecoder.moc"
