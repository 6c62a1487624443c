#include "compare.h"

#include <QCryptographicHash>

namespace pgferry::test {

namespace {

QStringList userTables(pg::Connection &c)
{
    // Ordinary and partition-leaf tables; partitioned parents carry no rows of their own.
    pg::Result r = c.exec(QStringLiteral(
        "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r') AND n.nspname NOT IN ('pg_catalog','information_schema') "
        "AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%' ORDER BY 1, 2"));
    QStringList out;
    for (int i = 0; i < r.rows(); ++i)
        out << c.qualified(r.text(i, 0), r.text(i, 1));
    return out;
}

// Hash of every row's text form, ordered; plus the count. Uses ONLY for inherited tables.
std::pair<qint64, QByteArray> tableDigest(pg::Connection &c, const QString &qualified)
{
    QCryptographicHash h(QCryptographicHash::Sha256);
    qint64 rows = 0;
    // Text form of the whole row, sorted: independent of physical order and of column storage.
    // Generated columns are included: they must come out equal too.
    c.copyOut(QStringLiteral("COPY (SELECT t::text FROM ONLY %1 t ORDER BY t::text COLLATE \"C\") TO STDOUT").arg(qualified),
              [&](const char *data, int len) {
                  h.addData(QByteArrayView(data, len));
                  ++rows;
              });
    return {rows, h.result()};
}

QStringList sequenceStates(pg::Connection &c)
{
    pg::Result r = c.exec(QStringLiteral(
        "SELECT schemaname, sequencename, coalesce(last_value::text, 'null') FROM pg_sequences "
        "ORDER BY 1, 2"));
    QStringList out;
    for (int i = 0; i < r.rows(); ++i) {
        const QString q = c.qualified(r.text(i, 0), r.text(i, 1));
        pg::Result s = c.exec(QStringLiteral("SELECT last_value, is_called FROM %1").arg(q));
        out << q + u'=' + s.text(0, 0) + u'/' + s.text(0, 1);
    }
    return out;
}

QStringList largeObjects(pg::Connection &c)
{
    pg::Result r = c.exec(QStringLiteral(
        "SELECT m.oid, md5(string_agg(encode(p.data, 'hex'), '' ORDER BY p.pageno)) "
        "FROM pg_largeobject_metadata m LEFT JOIN pg_largeobject p ON p.loid = m.oid GROUP BY m.oid ORDER BY 1"));
    QStringList out;
    for (int i = 0; i < r.rows(); ++i)
        out << r.text(i, 0) + u'=' + r.text(i, 1);
    return out;
}

} // namespace

CompareResult compareDatabases(pg::Connection &source, pg::Connection &target, const CompareOptions &options)
{
    CompareResult res;
    const QStringList st = userTables(source);
    const QStringList tt = userTables(target);
    for (const QString &t : st) {
        if (options.skipTables.contains(t))
            continue;
        if (!tt.contains(t)) {
            res.differences << QStringLiteral("table %1 missing on the target").arg(t);
            continue;
        }
        const auto a = tableDigest(source, t);
        const auto b = tableDigest(target, t);
        ++res.tablesCompared;
        res.rowsCompared += a.first;
        if (a.first != b.first)
            res.differences << QStringLiteral("table %1: %2 rows on the source, %3 on the target").arg(t).arg(a.first).arg(b.first);
        else if (a.second != b.second)
            res.differences << QStringLiteral("table %1: same row count (%2) but different contents").arg(t).arg(a.first);
    }
    for (const QString &t : tt)
        if (!st.contains(t) && !options.skipTables.contains(t))
            res.differences << QStringLiteral("table %1 exists only on the target").arg(t);
    if (options.sequences) {
        const QStringList a = sequenceStates(source), b = sequenceStates(target);
        if (a != b) {
            for (const QString &s : a)
                if (!b.contains(s))
                    res.differences << QStringLiteral("sequence differs: source %1").arg(s);
            for (const QString &s : b)
                if (!a.contains(s))
                    res.differences << QStringLiteral("sequence differs: target %1").arg(s);
        }
    }
    if (options.largeObjects) {
        const QStringList a = largeObjects(source), b = largeObjects(target);
        if (a != b)
            res.differences << QStringLiteral("large objects differ: source has %1, target %2").arg(a.size()).arg(b.size());
    }
    return res;
}

} // namespace pgferry::test
