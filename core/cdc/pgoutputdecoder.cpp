#include "cdc/pgoutputdecoder.h"

#include <QtEndian>

namespace pgferry::cdc {

namespace {

// A bounds-checked reader over one message.
class Reader
{
public:
    explicit Reader(const QByteArray &data) : m_data(data) {}

    void need(qsizetype n, const char *what) const
    {
        if (n < 0 || m_data.size() - m_pos < n)
            throw DecodeError(
                QStringLiteral("pgoutput message truncated: %1 needs %2 bytes at offset %3, %4 left")
                    .arg(QLatin1String(what))
                    .arg(n)
                    .arg(m_pos)
                    .arg(m_data.size() - m_pos));
    }
    quint8 u8(const char *what)
    {
        need(1, what);
        return quint8(m_data[m_pos++]);
    }
    quint16 u16(const char *what)
    {
        need(2, what);
        const auto v = qFromBigEndian<quint16>(m_data.constData() + m_pos);
        m_pos += 2;
        return v;
    }
    quint32 u32(const char *what)
    {
        need(4, what);
        const auto v = qFromBigEndian<quint32>(m_data.constData() + m_pos);
        m_pos += 4;
        return v;
    }
    quint64 u64(const char *what)
    {
        need(8, what);
        const auto v = qFromBigEndian<quint64>(m_data.constData() + m_pos);
        m_pos += 8;
        return v;
    }
    QByteArray bytes(qsizetype n, const char *what)
    {
        need(n, what);
        const QByteArray b = m_data.mid(m_pos, n);
        m_pos += n;
        return b;
    }
    // A NUL-terminated string.
    QString string(const char *what)
    {
        const qsizetype end = m_data.indexOf('\0', m_pos);
        if (end < 0)
            throw DecodeError(QStringLiteral("pgoutput message truncated: %1 is not terminated (offset %2)")
                                  .arg(QLatin1String(what))
                                  .arg(m_pos));
        const QString s = QString::fromUtf8(m_data.constData() + m_pos, end - m_pos);
        m_pos = end + 1;
        return s;
    }
    bool atEnd() const { return m_pos >= m_data.size(); }
    qsizetype pos() const { return m_pos; }
    qsizetype left() const { return m_data.size() - m_pos; }

private:
    const QByteArray &m_data;
    qsizetype m_pos = 0;
};

QList<Value> readTuple(Reader &r, const Relation &rel)
{
    const int n = r.u16("tuple column count");
    if (n != rel.columns.size())
        throw DecodeError(
            QStringLiteral("pgoutput tuple for %1.%2 has %3 columns, the relation message announced %4")
                .arg(rel.schema, rel.name)
                .arg(n)
                .arg(rel.columns.size()));
    // Every column takes at least one byte: refuse a count the message cannot hold before allocating.
    r.need(n, "tuple columns");
    QList<Value> values;
    values.reserve(n);
    for (int i = 0; i < n; ++i) {
        const char kind = char(r.u8("column kind"));
        switch (kind) {
        case 'n':
            values << Value::null();
            break;
        case 'u':
            values << Value::unchanged();
            break;
        case 't': {
            const quint32 len = r.u32("value length");
            if (len > quint32(r.left()))
                throw DecodeError(
                    QStringLiteral("pgoutput value of column \"%1\" of %2.%3 claims %4 bytes, %5 left")
                        .arg(rel.columns[i].name, rel.schema, rel.name)
                        .arg(len)
                        .arg(r.left()));
            values << Value::fromText(r.bytes(qsizetype(len), "value"));
            break;
        }
        case 'b':
            throw DecodeError(
                QStringLiteral("pgoutput sent a binary value for column \"%1\" of %2.%3: start the slot "
                               "without the binary option")
                    .arg(rel.columns[i].name, rel.schema, rel.name));
        default:
            throw DecodeError(QStringLiteral("pgoutput tuple: unknown column kind 0x%1 at offset %2")
                                  .arg(quint8(kind), 2, 16, QLatin1Char('0'))
                                  .arg(r.pos() - 1));
        }
    }
    return values;
}

} // namespace

const Relation *PgOutputDecoder::relation(quint32 oid) const
{
    const auto it = m_relations.constFind(oid);
    return it == m_relations.cend() ? nullptr : &*it;
}

void PgOutputDecoder::reset()
{
    m_relations.clear();
    m_types.clear();
    m_inStream = false;
}

Change PgOutputDecoder::decode(const QByteArray &message, pg::Lsn walStart)
{
    Reader r(message);
    Change c;
    c.lsn = walStart;
    const char type = char(r.u8("message type"));

    // Inside a streamed chunk (protocol 2), data messages carry the transaction id first.
    auto streamXid = [&] {
        if (m_inStream)
            c.xid = r.u32("streamed transaction id");
    };
    auto lookup = [&](quint32 oid) -> const Relation & {
        const auto it = m_relations.constFind(oid);
        if (it == m_relations.cend())
            throw DecodeError(QStringLiteral("pgoutput %1 for relation %2 that no relation message announced")
                                  .arg(QChar::fromLatin1(type))
                                  .arg(oid));
        return *it;
    };
    auto setRelation = [&](const Relation &rel) {
        c.relationOid = rel.oid;
        c.schema = rel.schema;
        c.table = rel.name;
        c.columns = rel.columns;
    };

    switch (type) {
    case 'B':
        c.kind = Change::Begin;
        c.commitLsn = r.u64("final LSN");
        c.commitTimeMicros = qint64(r.u64("commit time"));
        c.xid = r.u32("transaction id");
        break;
    case 'C':
        c.kind = Change::Commit;
        r.u8("commit flags");
        c.commitLsn = r.u64("commit LSN");
        c.endLsn = r.u64("end LSN");
        c.commitTimeMicros = qint64(r.u64("commit time"));
        break;
    case 'O':
        c.kind = Change::Origin;
        c.commitLsn = r.u64("origin LSN");
        c.origin = r.string("origin name");
        break;
    case 'R': {
        c.kind = Change::Relation;
        streamXid();
        Relation rel;
        rel.oid = r.u32("relation id");
        rel.schema = r.string("namespace");
        if (rel.schema.isEmpty())
            rel.schema = QStringLiteral("pg_catalog");
        rel.name = r.string("relation name");
        rel.replicaIdentity = char(r.u8("replica identity"));
        if (!QByteArrayView("dnfi").contains(rel.replicaIdentity))
            throw DecodeError(QStringLiteral("pgoutput relation %1.%2: unknown replica identity 0x%3")
                                  .arg(rel.schema, rel.name)
                                  .arg(quint8(rel.replicaIdentity), 2, 16, QLatin1Char('0')));
        const int n = r.u16("column count");
        r.need(qsizetype(n) * 10, "column descriptions"); // flags, empty name, oid, typmod at least
        rel.columns.reserve(n);
        for (int i = 0; i < n; ++i) {
            Column col;
            col.isKey = (r.u8("column flags") & 1) != 0;
            col.name = r.string("column name");
            col.typeOid = r.u32("column type");
            col.typmod = qint32(r.u32("column typmod"));
            rel.columns << col;
        }
        const auto old = m_relations.constFind(rel.oid);
        if (old != m_relations.cend()) {
            c.relationChange = describeColumnChanges(old->columns, rel.columns);
            if (old->schema != rel.schema || old->name != rel.name) {
                const QString renamed = QStringLiteral("renamed from %1.%2").arg(old->schema, old->name);
                c.relationChange =
                    c.relationChange.isEmpty() ? renamed : renamed + QStringLiteral("; ") + c.relationChange;
            }
            c.relationChanged = !c.relationChange.isEmpty();
        }
        m_relations.insert(rel.oid, rel);
        setRelation(rel);
        c.relation = rel;
        break;
    }
    case 'Y': {
        c.kind = Change::Type;
        streamXid();
        c.typeOid = r.u32("type id");
        c.schema = r.string("type namespace");
        c.table = r.string("type name");
        m_types.insert(c.typeOid, c.schema + u'.' + c.table);
        break;
    }
    case 'I': {
        c.kind = Change::Insert;
        streamXid();
        const Relation &rel = lookup(r.u32("relation id"));
        setRelation(rel);
        if (char(r.u8("tuple marker")) != 'N')
            throw DecodeError(QStringLiteral("pgoutput INSERT into %1.%2: expected a new tuple ('N')")
                                  .arg(rel.schema, rel.name));
        c.newTuple = readTuple(r, rel);
        break;
    }
    case 'U': {
        c.kind = Change::Update;
        streamXid();
        const Relation &rel = lookup(r.u32("relation id"));
        setRelation(rel);
        char marker = char(r.u8("tuple marker"));
        if (marker == 'K' || marker == 'O') {
            c.oldKind = marker;
            c.oldColumns = rel.columns;
            c.oldTuple = readTuple(r, rel);
            marker = char(r.u8("tuple marker"));
        }
        if (marker != 'N')
            throw DecodeError(QStringLiteral("pgoutput UPDATE of %1.%2: expected a new tuple ('N')")
                                  .arg(rel.schema, rel.name));
        c.newTuple = readTuple(r, rel);
        break;
    }
    case 'D': {
        c.kind = Change::Delete;
        streamXid();
        const Relation &rel = lookup(r.u32("relation id"));
        setRelation(rel);
        const char marker = char(r.u8("tuple marker"));
        if (marker != 'K' && marker != 'O')
            throw DecodeError(
                QStringLiteral("pgoutput DELETE from %1.%2: expected an old key or row ('K' or 'O')")
                    .arg(rel.schema, rel.name));
        c.oldKind = marker;
        c.oldColumns = rel.columns;
        c.oldTuple = readTuple(r, rel);
        break;
    }
    case 'T': {
        c.kind = Change::Truncate;
        streamXid();
        const quint32 n = r.u32("relation count");
        const quint8 options = r.u8("truncate options");
        c.truncateCascade = options & 1;
        c.truncateRestartIdentity = options & 2;
        if (qsizetype(n) > r.left() / 4)
            throw DecodeError(
                QStringLiteral("pgoutput TRUNCATE claims %1 relations, the message holds at most %2")
                    .arg(n)
                    .arg(r.left() / 4));
        for (quint32 i = 0; i < n; ++i) {
            const Relation &rel = lookup(r.u32("relation id"));
            c.truncateRelations << rel.oid;
            c.truncateTables << TableName{rel.schema, rel.name};
        }
        break;
    }
    case 'M': {
        c.kind = Change::Message;
        streamXid();
        c.messageTransactional = (r.u8("message flags") & 1) != 0;
        c.commitLsn = r.u64("message LSN");
        c.messagePrefix = r.string("message prefix");
        const quint32 len = r.u32("message length");
        if (len > quint32(r.left()))
            throw DecodeError(
                QStringLiteral("pgoutput logical message claims %1 bytes, %2 left").arg(len).arg(r.left()));
        c.messageContent = r.bytes(qsizetype(len), "message content");
        break;
    }
    case 'S':
        c.kind = Change::StreamStart;
        c.xid = r.u32("streamed transaction id");
        r.u8("first segment flag");
        m_inStream = true;
        break;
    case 'E':
        c.kind = Change::StreamStop;
        m_inStream = false;
        break;
    case 'c':
        c.kind = Change::StreamCommit;
        c.xid = r.u32("streamed transaction id");
        r.u8("commit flags");
        c.commitLsn = r.u64("commit LSN");
        c.endLsn = r.u64("end LSN");
        c.commitTimeMicros = qint64(r.u64("commit time"));
        break;
    case 'A':
        c.kind = Change::StreamAbort;
        c.xid = r.u32("streamed transaction id");
        r.u32("subtransaction id");
        // Protocol 4 adds the abort LSN and time (parallel apply): accept and ignore them.
        break;
    default:
        throw DecodeError(
            QStringLiteral("pgoutput message of unknown type 0x%1 (%2 bytes): start the slot with "
                           "proto_version '1' or '2' and without two_phase")
                .arg(quint8(type), 2, 16, QLatin1Char('0'))
                .arg(message.size()));
    }
    if (!r.atEnd() && type != 'A')
        throw DecodeError(QStringLiteral("pgoutput %1 message has %2 unexpected trailing bytes")
                              .arg(changeKindName(c.kind))
                              .arg(r.left()));
    return c;
}

} // namespace pgferry::cdc
