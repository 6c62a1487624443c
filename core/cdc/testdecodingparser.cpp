#include "cdc/testdecodingparser.h"

#include <QDateTime>
#include <cstring>

namespace pgferry::cdc {

namespace {

class Cursor
{
public:
    explicit Cursor(const QByteArray &line) : m_s(line) {}

    [[noreturn]] void fail(const QString &what) const
    {
        QByteArray excerpt = m_s.mid(m_pos, 40);
        throw DecodeError(QStringLiteral("test_decoding output not understood at offset %1: %2 (near \"%3\")")
                              .arg(m_pos)
                              .arg(what, QString::fromUtf8(excerpt)));
    }
    bool atEnd() const { return m_pos >= m_s.size(); }
    char peek() const { return atEnd() ? '\0' : m_s[m_pos]; }
    bool lookingAt(const char *lit) const
    {
        const qsizetype n = qsizetype(qstrlen(lit));
        return m_s.size() - m_pos >= n && std::memcmp(m_s.constData() + m_pos, lit, size_t(n)) == 0;
    }
    bool accept(const char *lit)
    {
        if (!lookingAt(lit))
            return false;
        m_pos += qsizetype(qstrlen(lit));
        return true;
    }
    void expect(const char *lit, const QString &what)
    {
        if (!accept(lit))
            fail(QStringLiteral("expected %1").arg(what));
    }
    qsizetype pos() const { return m_pos; }
    QByteArray digits()
    {
        const qsizetype start = m_pos;
        while (!atEnd() && m_s[m_pos] >= '0' && m_s[m_pos] <= '9')
            ++m_pos;
        return m_s.mid(start, m_pos - start);
    }

    // An identifier as quote_identifier() prints it: "a ""b""" or plain lower-case.
    QString identifier(const char *stopChars)
    {
        if (peek() == '"') {
            ++m_pos;
            QByteArray out;
            while (true) {
                if (atEnd())
                    fail(QStringLiteral("unterminated quoted identifier"));
                const char ch = m_s[m_pos++];
                if (ch == '"') {
                    if (peek() == '"') {
                        out += '"';
                        ++m_pos;
                        continue;
                    }
                    break;
                }
                out += ch;
            }
            return QString::fromUtf8(out);
        }
        const qsizetype start = m_pos;
        while (!atEnd() && !std::strchr(stopChars, m_s[m_pos]))
            ++m_pos;
        if (m_pos == start)
            fail(QStringLiteral("expected an identifier"));
        return QString::fromUtf8(m_s.constData() + start, m_pos - start);
    }

    // schema.name
    TableName qualifiedName()
    {
        TableName t;
        t.schema = identifier(".:, ");
        expect(".", QStringLiteral("'.' between schema and table"));
        t.name = identifier(":, ");
        return t;
    }

    // [type name]: brackets nest (integer[]) and quoted parts may hold anything.
    QString typeName()
    {
        expect("[", QStringLiteral("'[' before the type"));
        const qsizetype start = m_pos;
        int depth = 1;
        bool quoted = false;
        while (true) {
            if (atEnd())
                fail(QStringLiteral("unterminated type name"));
            const char ch = m_s[m_pos++];
            if (quoted) {
                if (ch == '"')
                    quoted = false; // a doubled quote re-enters on the next character
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == '[') {
                ++depth;
            } else if (ch == ']' && --depth == 0) {
                break;
            }
        }
        return QString::fromUtf8(m_s.constData() + start, m_pos - start - 1);
    }

    Value value()
    {
        if (accept("null"))
            return Value::null();
        if (accept("unchanged-toast-datum"))
            return Value::unchanged();
        // Bool prints as true/false; pgoutput sends the output function's t/f.
        if (accept("true"))
            return Value::fromText("t");
        if (accept("false"))
            return Value::fromText("f");
        if (peek() == '\'' || lookingAt("B'")) {
            if (peek() == 'B')
                ++m_pos;
            ++m_pos;
            QByteArray out;
            while (true) {
                if (atEnd())
                    fail(QStringLiteral("unterminated quoted value"));
                const char ch = m_s[m_pos++];
                if (ch == '\'') {
                    if (peek() == '\'') {
                        out += '\'';
                        ++m_pos;
                        continue;
                    }
                    break;
                }
                out += ch;
            }
            return Value::fromText(out);
        }
        // Numbers (integers, floats, numeric, NaN, Infinity) print bare.
        const qsizetype start = m_pos;
        while (!atEnd() && m_s[m_pos] != ' ')
            ++m_pos;
        if (m_pos == start)
            fail(QStringLiteral("expected a value"));
        return Value::fromText(m_s.mid(start, m_pos - start));
    }

    // " name[type]:value" repeated, until the end or a marker such as " new-tuple:".
    void tuple(QList<Column> &columns, QList<Value> &values, const char *stopMarker)
    {
        while (!atEnd()) {
            if (stopMarker && lookingAt(stopMarker))
                return;
            expect(" ", QStringLiteral("a space before the next column"));
            Column c;
            c.name = identifier("[");
            c.typeName = typeName();
            expect(":", QStringLiteral("':' after the type of column \"%1\"").arg(c.name));
            columns << c;
            values << value();
        }
    }

private:
    const QByteArray &m_s;
    qsizetype m_pos = 0;
};

// "2024-05-01 10:11:12.345678+00" (timestamptz_to_str is always ISO) to microseconds since 2000.
qint64 parseCommitTime(const QByteArray &text, bool *ok)
{
    *ok = false;
    const QByteArray t = text.trimmed();
    // Split off the zone: the last '+' or '-' after the time part.
    const qsizetype timeStart = t.indexOf(' ');
    if (timeStart < 0)
        return 0;
    qsizetype zone = -1;
    for (qsizetype i = t.size() - 1; i > timeStart; --i)
        if (t[i] == '+' || t[i] == '-') {
            zone = i;
            break;
        }
    if (zone < 0)
        return 0;
    QByteArray local = t.left(zone);
    qint64 micros = 0;
    const qsizetype dot = local.indexOf('.');
    if (dot >= 0) {
        QByteArray frac = local.mid(dot + 1).left(6);
        while (frac.size() < 6)
            frac += '0';
        bool fok = false;
        micros = frac.toLongLong(&fok);
        if (!fok)
            return 0;
        local.truncate(dot);
    }
    const QDateTime dt =
        QDateTime::fromString(QString::fromLatin1(local), QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    if (!dt.isValid())
        return 0;
    const QList<QByteArray> zparts = t.mid(zone + 1).split(':');
    int offset = 0;
    const int mult[] = {3600, 60, 1};
    for (int i = 0; i < zparts.size() && i < 3; ++i) {
        bool zok = false;
        const int part = zparts[i].toInt(&zok);
        if (!zok || part < 0 || part > 99) // hours, minutes, seconds of a zone offset: two digits
            return 0;
        offset += part * mult[i];
    }
    if (t[zone] == '-')
        offset = -offset;
    QDateTime utc(dt.date(), dt.time(), Qt::UTC);
    const qint64 secs = utc.toSecsSinceEpoch() - offset - 946684800LL;
    *ok = true;
    return secs * 1000000LL + micros;
}

} // namespace

Change TestDecodingParser::parse(const QByteArray &line, pg::Lsn walStart)
{
    Change c;
    c.lsn = walStart;
    Cursor cur(line);
    auto readXid = [&](const char *what) {
        if (!cur.accept(" "))
            return;
        bool ok = false;
        c.xid = cur.digits().toUInt(&ok);
        if (!ok)
            cur.fail(QStringLiteral("expected the transaction id after %1").arg(QLatin1String(what)));
    };

    if (cur.accept("BEGIN")) {
        c.kind = Change::Begin;
        readXid("BEGIN");
        if (!cur.atEnd())
            cur.fail(QStringLiteral("unexpected text after BEGIN"));
        return c;
    }
    if (cur.accept("COMMIT")) {
        c.kind = Change::Commit;
        c.endLsn = walStart;
        if (!cur.lookingAt(" (at "))
            readXid("COMMIT");
        if (cur.accept(" (at ")) {
            const qsizetype close = line.lastIndexOf(')');
            if (close < cur.pos())
                cur.fail(QStringLiteral("unterminated commit time"));
            bool ok = false;
            c.commitTimeMicros = parseCommitTime(line.mid(cur.pos(), close - cur.pos()), &ok);
            if (!ok)
                cur.fail(QStringLiteral("commit time not understood"));
            if (close != line.size() - 1)
                throw DecodeError(
                    QStringLiteral("test_decoding output not understood: text after the commit time"));
            return c;
        }
        if (!cur.atEnd())
            cur.fail(QStringLiteral("unexpected text after COMMIT"));
        return c;
    }
    if (cur.accept("message: transactional: ")) {
        c.kind = Change::Message;
        c.messageTransactional = cur.accept("1");
        if (!c.messageTransactional)
            cur.expect("0", QStringLiteral("0 or 1"));
        cur.expect(" prefix: ", QStringLiteral("the message prefix"));
        const qsizetype sz = line.indexOf(", sz: ", cur.pos());
        if (sz < 0)
            cur.fail(QStringLiteral("expected the message size"));
        c.messagePrefix = QString::fromUtf8(line.mid(cur.pos(), sz - cur.pos()));
        const qsizetype content = line.indexOf(" content:", sz);
        if (content < 0)
            cur.fail(QStringLiteral("expected the message content"));
        bool ok = false;
        const qint64 size = line.mid(sz + 6, content - sz - 6).toLongLong(&ok);
        c.messageContent = line.mid(content + 9);
        if (!ok || size != c.messageContent.size())
            throw DecodeError(QStringLiteral("test_decoding message: size %1 does not match its content")
                                  .arg(QString::fromUtf8(line.mid(sz + 6, content - sz - 6))));
        return c;
    }
    if (!cur.accept("table "))
        cur.fail(QStringLiteral("expected BEGIN, COMMIT, message: or table"));

    QList<TableName> tables;
    tables << cur.qualifiedName();
    while (cur.accept(", "))
        tables << cur.qualifiedName();
    cur.expect(": ", QStringLiteral("': ' after the table name"));
    c.schema = tables.first().schema;
    c.table = tables.first().name;

    if (cur.accept("TRUNCATE:")) {
        c.kind = Change::Truncate;
        c.truncateTables = tables;
        if (!cur.accept(" (no-flags)")) {
            bool any = false;
            while (!cur.atEnd()) {
                if (cur.accept(" restart_seqs"))
                    c.truncateRestartIdentity = true;
                else if (cur.accept(" cascade"))
                    c.truncateCascade = true;
                else
                    cur.fail(QStringLiteral("unknown TRUNCATE flag"));
                any = true;
            }
            if (!any)
                cur.fail(QStringLiteral("expected TRUNCATE flags"));
        }
        if (!cur.atEnd())
            cur.fail(QStringLiteral("unexpected text after TRUNCATE"));
        return c;
    }
    if (tables.size() != 1)
        cur.fail(QStringLiteral("several tables are only allowed for TRUNCATE"));

    if (cur.accept("INSERT:")) {
        c.kind = Change::Insert;
        if (cur.accept(" (no-tuple-data)"))
            cur.fail(QStringLiteral("INSERT without tuple data"));
        cur.tuple(c.columns, c.newTuple, nullptr);
    } else if (cur.accept("UPDATE:")) {
        c.kind = Change::Update;
        if (cur.accept(" old-key:")) {
            c.oldKind = 'K';
            cur.tuple(c.oldColumns, c.oldTuple, " new-tuple:");
            cur.expect(" new-tuple:", QStringLiteral("new-tuple: after old-key:"));
        }
        if (cur.accept(" (no-tuple-data)"))
            cur.fail(QStringLiteral("UPDATE without tuple data"));
        cur.tuple(c.columns, c.newTuple, nullptr);
        if (c.newTuple.isEmpty())
            cur.fail(QStringLiteral("UPDATE without columns"));
    } else if (cur.accept("DELETE:")) {
        c.kind = Change::Delete;
        if (cur.accept(" (no-tuple-data)"))
            throw DecodeError(
                QStringLiteral("test_decoding DELETE from %1 carries no key: give the table a primary key "
                               "or REPLICA IDENTITY FULL on the source")
                    .arg(c.qualifiedName()));
        c.oldKind = 'K';
        cur.tuple(c.oldColumns, c.oldTuple, nullptr);
    } else {
        cur.fail(QStringLiteral("expected INSERT:, UPDATE:, DELETE: or TRUNCATE:"));
    }
    if (!cur.atEnd())
        cur.fail(QStringLiteral("unexpected text after the change"));

    if (!c.columns.isEmpty()) {
        const QString key = c.schema + QChar(0) + c.table;
        const auto it = m_columns.constFind(key);
        if (it != m_columns.cend() && *it != c.columns) {
            c.relationChange = describeColumnChanges(*it, c.columns);
            c.relationChanged = !c.relationChange.isEmpty();
        }
        m_columns.insert(key, c.columns);
    }
    return c;
}

} // namespace pgferry::cdc
