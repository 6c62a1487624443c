#include "compare.h"

#include <QCryptographicHash>
#include <QHash>
#include <QMap>

namespace pgferry::test {

namespace {

constexpr int kMaxRowsShown = 3; // differing rows quoted per table
constexpr int kRowPreview = 160; // characters of a row's text quoted in a message

// The text form of a whole row of `qualified` aliased x, its columns listed (not "x::text": a
// column named x would win). Between majors of different float eras (`binaryFloats`), floats and
// arrays of floats appear as their binary values: their text differs (before 12 a fixed number
// of digits, from 12 the shortest exact form), their values must not.
QString rowText(pg::Connection &c, const QString &qualified, bool binaryFloats)
{
    pg::Result r =
        c.exec(QStringLiteral("SELECT attname, atttypid FROM pg_attribute WHERE attrelid = $1::regclass "
                              "AND attnum > 0 AND NOT attisdropped ORDER BY attnum"),
               {qualified});
    QStringList cols;
    for (int i = 0; i < r.rows(); ++i) {
        const QString ref = QStringLiteral("x.") + c.quoteIdent(r.text(i, 0));
        switch (binaryFloats ? r.toInt(i, 1) : 0) {
        case 700:
            cols << QStringLiteral("float4send(%1)").arg(ref);
            break;
        case 701:
            cols << QStringLiteral("float8send(%1)").arg(ref);
            break;
        case 1021:
        case 1022:
            cols << QStringLiteral(
                        "(array_dims(%1) || (SELECT string_agg(coalesce(encode(%2(e), 'hex'), 'N'), ',' "
                        "ORDER BY o) FROM unnest(%1) WITH ORDINALITY u(e, o)))")
                        .arg(ref, r.toInt(i, 1) == 1021 ? QStringLiteral("float4send")
                                                        : QStringLiteral("float8send"));
            break;
        default:
            cols << ref;
        }
    }
    return QStringLiteral("ROW(%1)::text").arg(cols.join(QStringLiteral(", ")));
}

// Ordinary and partition-leaf tables ("schema"."name", quoted); partitioned parents carry no rows
// of their own. `plain` receives the unquoted schema.name of each, for CompareOptions::skipTables.
QStringList userTables(pg::Connection &c, QHash<QString, QString> *plain)
{
    pg::Result r = c.exec(QStringLiteral(
        "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r') AND n.nspname NOT IN ('pg_catalog','information_schema') "
        "AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%' ORDER BY 1, 2"));
    QStringList out;
    for (int i = 0; i < r.rows(); ++i) {
        out << c.qualified(r.text(i, 0), r.text(i, 1));
        plain->insert(out.last(), r.text(i, 0) + u'.' + r.text(i, 1));
    }
    return out;
}

// Hash of every row's text form, ordered; plus the count. ONLY, so inherited tables count once.
std::pair<qint64, QByteArray> tableDigest(pg::Connection &c, const QString &qualified, bool binaryFloats)
{
    QCryptographicHash h(QCryptographicHash::Sha256);
    qint64 rows = 0;
    // Text form of the whole row, sorted: independent of physical order and of column storage.
    // Generated columns are included: they must come out equal too.
    c.copyOut(QStringLiteral(
                  "COPY (SELECT r FROM (SELECT %2 AS r FROM ONLY %1 x) s ORDER BY r COLLATE \"C\") TO STDOUT")
                  .arg(qualified, rowText(c, qualified, binaryFloats)),
              [&](const char *data, int len) {
                  h.addData(QByteArrayView(data, len));
                  ++rows;
              });
    return {rows, h.result()};
}

// Row hash -> (count, preview) of one table; only called once a table is known to differ.
struct RowBag
{
    QHash<QByteArray, int> counts;
    QHash<QByteArray, QString> preview;
};

RowBag rowBag(pg::Connection &c, const QString &qualified, bool binaryFloats)
{
    RowBag bag;
    pg::Result r = c.exec(QStringLiteral("SELECT md5(%2), left(%2, %3) FROM ONLY %1 x")
                              .arg(qualified, rowText(c, qualified, binaryFloats))
                              .arg(kRowPreview + 1));
    for (int i = 0; i < r.rows(); ++i) {
        const QByteArray key = r.bytes(i, 0);
        ++bag.counts[key];
        if (!bag.preview.contains(key)) {
            QString p = r.text(i, 1);
            if (p.size() > kRowPreview)
                p = p.left(kRowPreview) + QStringLiteral("…");
            bag.preview.insert(key, p);
        }
    }
    return bag;
}

// Rows of `a` that `b` lacks (as a multiset), sorted for stable messages.
QStringList missingRows(const RowBag &a, const RowBag &b, int *total)
{
    QStringList shown;
    *total = 0;
    for (auto it = a.counts.cbegin(); it != a.counts.cend(); ++it) {
        const int extra = it.value() - b.counts.value(it.key());
        if (extra <= 0)
            continue;
        *total += extra;
        shown << (extra > 1 ? QStringLiteral("%1 (×%2)").arg(a.preview.value(it.key())).arg(extra)
                            : a.preview.value(it.key()));
    }
    shown.sort();
    return shown.mid(0, kMaxRowsShown);
}

void explainTableDifference(pg::Connection &source, pg::Connection &target, const QString &table,
                            bool binaryFloats, CompareResult &res)
{
    const RowBag s = rowBag(source, table, binaryFloats);
    const RowBag t = rowBag(target, table, binaryFloats);
    int onlySource = 0, onlyTarget = 0;
    const QStringList a = missingRows(s, t, &onlySource);
    const QStringList b = missingRows(t, s, &onlyTarget);
    for (const QString &row : a)
        res.differences << QStringLiteral("table %1: row only on the source: %2").arg(table, row);
    if (onlySource > a.size())
        res.differences << QStringLiteral("table %1: … and %2 more rows only on the source")
                               .arg(table)
                               .arg(onlySource - a.size());
    for (const QString &row : b)
        res.differences << QStringLiteral("table %1: row only on the target: %2").arg(table, row);
    if (onlyTarget > b.size())
        res.differences << QStringLiteral("table %1: … and %2 more rows only on the target")
                               .arg(table)
                               .arg(onlyTarget - b.size());
}

// Name -> "definition; state" of every sequence: increment, bounds, cycle, type, last value, is_called.
QMap<QString, QString> sequenceStates(pg::Connection &c)
{
    QMap<QString, QString> out;
    if (c.serverVersion() < 100000) {
        // Before 10 there is no pg_sequences, and a sequence is a bigint whose definition is
        // read from the sequence itself.
        pg::Result r = c.exec(QStringLiteral(
            "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'S' ORDER BY 1, 2"));
        for (int i = 0; i < r.rows(); ++i) {
            const QString q = c.qualified(r.text(i, 0), r.text(i, 1));
            pg::Result s =
                c.exec(QStringLiteral("SELECT start_value, min_value, max_value, increment_by, is_cycled, "
                                      "last_value, is_called FROM %1")
                           .arg(q));
            out.insert(
                q,
                QStringLiteral("bigint start %1 min %2 max %3 increment %4%5; last_value %6, is_called %7")
                    .arg(s.text(0, 0), s.text(0, 1), s.text(0, 2), s.text(0, 3),
                         s.toBool(0, 4) ? QStringLiteral(" cycle") : QString(), s.text(0, 5), s.text(0, 6)));
        }
        return out;
    }
    pg::Result r = c.exec(QStringLiteral("SELECT schemaname, sequencename, data_type::text, start_value, "
                                         "min_value, max_value, increment_by, cycle "
                                         "FROM pg_sequences ORDER BY 1, 2"));
    for (int i = 0; i < r.rows(); ++i) {
        const QString q = c.qualified(r.text(i, 0), r.text(i, 1));
        pg::Result s = c.exec(QStringLiteral("SELECT last_value, is_called FROM %1").arg(q));
        out.insert(q, QStringLiteral("%1 start %2 min %3 max %4 increment %5%6; last_value %7, is_called %8")
                          .arg(r.text(i, 2), r.text(i, 3), r.text(i, 4), r.text(i, 5), r.text(i, 6),
                               r.toBool(i, 7) ? QStringLiteral(" cycle") : QString(), s.text(0, 0),
                               s.text(0, 1)));
    }
    return out;
}

// OID -> md5 of the contents, for every large object.
QMap<QString, QString> largeObjects(pg::Connection &c)
{
    pg::Result r = c.exec(QStringLiteral(
        "SELECT m.oid, coalesce(md5(string_agg(p.data, ''::bytea ORDER BY p.pageno)), 'empty') "
        "FROM pg_largeobject_metadata m LEFT JOIN pg_largeobject p ON p.loid = m.oid GROUP BY m.oid ORDER BY "
        "1"));
    QMap<QString, QString> out;
    for (int i = 0; i < r.rows(); ++i)
        out.insert(r.text(i, 0), r.text(i, 1));
    return out;
}

// Both sessions print values alike for the comparison: ISO dates, one interval style, UTC, hex
// bytea, and (between the float eras, see rowText) floats nested in other values at 15 digits,
// the one form both eras print alike. Restored when the comparison ends.
class ComparableSessions
{
public:
    ComparableSessions(pg::Connection &a, pg::Connection &b)
        : m_a(a), m_b(b), mixed((a.serverVersion() >= 120000) != (b.serverVersion() >= 120000))
    {
        for (pg::Connection *c : {&m_a, &m_b})
            c->exec(QStringLiteral("SET datestyle = ISO; SET intervalstyle = postgres; SET timezone = 'UTC'; "
                                   "SET bytea_output = hex; SET extra_float_digits = %1")
                        .arg(mixed ? 0 : 3));
    }
    ~ComparableSessions()
    {
        for (pg::Connection *c : {&m_a, &m_b})
            c->tryExec(
                QStringLiteral("RESET datestyle; RESET intervalstyle; RESET timezone; RESET bytea_output; "
                               "RESET extra_float_digits"));
    }

private:
    pg::Connection &m_a;
    pg::Connection &m_b;

public:
    const bool mixed; // the two servers print floats differently
};

} // namespace

CompareResult compareDatabases(pg::Connection &source, pg::Connection &target, const CompareOptions &options)
{
    const ComparableSessions sessions(source, target);
    CompareResult res;
    QHash<QString, QString> plain;
    const QStringList st = userTables(source, &plain);
    const QStringList tt = userTables(target, &plain);
    // skipTables may name a table as schema.name or as "schema"."name".
    auto skipped = [&](const QString &t) {
        return options.skipTables.contains(t) || options.skipTables.contains(plain.value(t));
    };
    for (const QString &t : st) {
        if (skipped(t))
            continue;
        if (!tt.contains(t)) {
            res.differences << QStringLiteral("table %1 missing on the target").arg(t);
            continue;
        }
        const auto a = tableDigest(source, t, sessions.mixed);
        const auto b = tableDigest(target, t, sessions.mixed);
        ++res.tablesCompared;
        res.rowsCompared += a.first;
        if (a.first == b.first && a.second == b.second)
            continue;
        if (a.first != b.first)
            res.differences << QStringLiteral("table %1: %2 rows on the source, %3 on the target")
                                   .arg(t)
                                   .arg(a.first)
                                   .arg(b.first);
        else
            res.differences
                << QStringLiteral("table %1: same row count (%2) but different contents").arg(t).arg(a.first);
        explainTableDifference(source, target, t, sessions.mixed, res);
    }
    for (const QString &t : tt)
        if (!st.contains(t) && !skipped(t))
            res.differences << QStringLiteral("table %1 exists only on the target").arg(t);
    if (options.sequences) {
        const QMap<QString, QString> a = sequenceStates(source), b = sequenceStates(target);
        for (auto it = a.cbegin(); it != a.cend(); ++it) {
            if (!b.contains(it.key()))
                res.differences << QStringLiteral("sequence %1 missing on the target").arg(it.key());
            else if (b.value(it.key()) != it.value())
                res.differences << QStringLiteral("sequence %1 differs: source %2; target %3")
                                       .arg(it.key(), it.value(), b.value(it.key()));
        }
        for (auto it = b.cbegin(); it != b.cend(); ++it)
            if (!a.contains(it.key()))
                res.differences << QStringLiteral("sequence %1 exists only on the target").arg(it.key());
    }
    if (options.largeObjects) {
        const QMap<QString, QString> a = largeObjects(source), b = largeObjects(target);
        for (auto it = a.cbegin(); it != a.cend(); ++it) {
            if (!b.contains(it.key()))
                res.differences << QStringLiteral("large object %1 missing on the target").arg(it.key());
            else if (b.value(it.key()) != it.value())
                res.differences << QStringLiteral("large object %1: different contents").arg(it.key());
        }
        for (auto it = b.cbegin(); it != b.cend(); ++it)
            if (!a.contains(it.key()))
                res.differences << QStringLiteral("large object %1 exists only on the target").arg(it.key());
    }
    return res;
}

} // namespace pgferry::test
