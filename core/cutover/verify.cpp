#include "cutover/verify.h"

#include "load/catalog.h"
#include "pg/textforms.h"
#include "pg/version.h"

#include <QMutex>
#include <thread>

namespace pgferry::cutover {

QJsonObject TableVerification::toJson() const
{
    QJsonObject o{{QStringLiteral("schema"), schema},
                  {QStringLiteral("name"), name},
                  {QStringLiteral("source_rows"), source.rows},
                  {QStringLiteral("target_rows"), target.rows},
                  {QStringLiteral("source_checksum"), source.checksum},
                  {QStringLiteral("target_checksum"), target.checksum},
                  {QStringLiteral("matches"), matches()}};
    if (!error.isEmpty())
        o.insert(QStringLiteral("error"), error);
    return o;
}

RowHash rowHashFor(int sourceVersion, int targetVersion)
{
    const int v = std::min(sourceVersion, targetVersion);
    return v >= 140000 ? RowHash::NativeTypes : v >= 110000 ? RowHash::Text : RowHash::Md5;
}

namespace {

// Built-in types whose own hash function is exact (equal hash for equal text form, in practice)
// and the same on every server of version 14 or later: their OIDs are fixed, and hash partitioning
// depends on these functions not changing. Left out on purpose, and hashed as text instead:
// numeric (1.0 and 1.00 hash alike), float4/8 (0 and -0), interval ('1 day' and '24 hours'),
// money, enums and reg* types (their hash is of an OID that differs between databases), json,
// xml, geometric types (no hash at all), and every user-defined type.
// Also left out: jsonb and arrays. Their hashes are built for hash joins, not to tell values
// apart: jsonb's ignores where containers end ('[[1], 2]' and '[[1, 2]]' hash alike, and so do
// '{}', '[]', '1' and '[1]'), and an array's ignores its dimensions and bounds ('{1,2}',
// '{{1,2}}' and '[0:1]={1,2}' hash alike). tst_verify has a row for each.
bool nativelyHashable(quint32 oid)
{
    switch (oid) {
    case 16:   // bool
    case 17:   // bytea
    case 18:   // "char"
    case 19:   // name
    case 20:   // int8
    case 21:   // int2
    case 23:   // int4
    case 25:   // text
    case 26:   // oid
    case 650:  // cidr
    case 774:  // macaddr8
    case 829:  // macaddr
    case 869:  // inet
    case 1042: // bpchar
    case 1043: // varchar
    case 1082: // date
    case 1083: // time
    case 1114: // timestamp
    case 1184: // timestamptz
    case 2950: // uuid
        return true;
    default:
        return false;
    }
}

// The SQL that hashes one column of a natively hashable type with its type's own extended hash
// function: %1 is the column, %2 the seed. Empty for types whose function SQL cannot call
// (bytea's takes `internal`; date's is int4's) or could not call exactly (date to timestamp can
// overflow): those are hashed together, as one record. Text types are hashed under "C", so that a
// nondeterministic collation (whose hash depends on the ICU version) never decides the result.
QString columnHashSql(quint32 oid)
{
    switch (oid) {
    case 16:
        return QStringLiteral("hashint4extended(%1::int4, %2)");
    case 18:
        return QStringLiteral("hashcharextended(%1, %2)");
    case 19:
        return QStringLiteral("hashnameextended(%1, %2)");
    case 20:
        return QStringLiteral("hashint8extended(%1, %2)");
    case 21:
        return QStringLiteral("hashint2extended(%1, %2)");
    case 23:
        return QStringLiteral("hashint4extended(%1, %2)");
    case 25:
    case 1043:
        return QStringLiteral("hashtextextended(%1 COLLATE \"C\", %2)");
    case 26:
        return QStringLiteral("hashoidextended(%1, %2)");
    case 650:
    case 869:
        return QStringLiteral("hashinetextended(%1, %2)");
    case 774:
        return QStringLiteral("hashmacaddr8extended(%1, %2)");
    case 829:
        return QStringLiteral("hashmacaddrextended(%1, %2)");
    case 1042:
        return QStringLiteral("hashbpcharextended(%1 COLLATE \"C\", %2)");
    case 1083:
        return QStringLiteral("time_hash_extended(%1, %2)");
    case 1114:
        return QStringLiteral("timestamp_hash_extended(%1, %2)");
    // The same instant as a timestamp at UTC: exact, and independent of the session's TimeZone.
    case 1184:
        return QStringLiteral("timestamp_hash_extended(%1 AT TIME ZONE 'UTC', %2)");
    case 2950:
        return QStringLiteral("uuid_hash_extended(%1, %2)");
    default:
        return QString();
    }
}

// A float column's value as its binary form (hex text under bytea_output hex); an array of
// floats as its dimensions and each element's binary form. Other columns as they are.
QString floatByValue(const QString &ref, quint32 oid)
{
    switch (oid) {
    case 700:
        return QStringLiteral("float4send(%1)").arg(ref);
    case 701:
        return QStringLiteral("float8send(%1)").arg(ref);
    case 1021:
    case 1022: {
        const QString send = oid == 1021 ? QStringLiteral("float4send") : QStringLiteral("float8send");
        return QStringLiteral(
                   "(array_dims(%1) || (SELECT string_agg(coalesce(encode(%2(e), 'hex'), 'N'), ',' "
                   "ORDER BY o) FROM unnest(%1) WITH ORDINALITY u(e, o)))")
            .arg(ref, send);
    }
    default:
        return ref;
    }
}

} // namespace

QString rowHashExpr(const pg::Connection &c, const QList<VerifyColumn> &columns, RowHash method)
{
    if (method == RowHash::NativeTypes) {
        // Each column hashed on its own, seeded with its position, and the hashes XORed: a value
        // moved to another column changes the row's hash, and no row is formed (forming and
        // taking apart a record cost a third of the time on narrow tables). A NULL counts as its
        // position. Columns without a callable hash function share one record hash.
        QStringList terms, together;
        int position = 0;
        for (const VerifyColumn &col : columns) {
            const QString seed = QString::number(++position);
            const QString ref = QStringLiteral("t.") + c.quoteIdent(col.name);
            QString hash;
            if (!nativelyHashable(col.typeOid)) {
                // As text under "C": the cast keeps the column's collation, and a nondeterministic
                // one (an array or a domain of text COLLATE a case-insensitive ICU collation) would
                // hash 'a' and 'A' alike.
                hash = QStringLiteral("hashtextextended((%1::text) COLLATE \"C\", %2)").arg(ref, seed);
            } else if (col.typeOid == 1042 && !col.padded) {
                // bpchar's hash ignores trailing spaces, which an unconstrained bpchar keeps (in
                // char(n) every value has them up to n): its length counts too.
                hash =
                    QStringLiteral(
                        "(hashbpcharextended(%1 COLLATE \"C\", %2) # hashint4extended(octet_length(%1), %2))")
                        .arg(ref, seed);
            } else if (const QString f = columnHashSql(col.typeOid); !f.isEmpty()) {
                hash = f.arg(ref, seed);
            } else {
                together << ref;
                continue;
            }
            // One arg() call for both: a name holding "%2" must not be substituted into.
            terms << QStringLiteral("coalesce(%1, %2)").arg(hash, seed);
        }
        if (!together.isEmpty())
            terms << QStringLiteral("hash_record_extended(ROW(%1), 0)")
                         .arg(together.join(QStringLiteral(", ")));
        if (terms.isEmpty()) // a table without columns: every row hashes alike
            return QStringLiteral("hashtextextended('', 0)");
        return u'(' + terms.join(QStringLiteral(" # ")) + u')';
    }
    // Hash of each row's text form over the listed columns. A float's text depends on the major
    // (before 12: a fixed number of digits; from 12: the shortest exact form), so floats and
    // arrays of them are hashed by their binary value, which every major sends alike.
    QStringList cols;
    for (const VerifyColumn &col : columns)
        cols << floatByValue(QStringLiteral("t.") + c.quoteIdent(col.name), col.typeOid);
    const QString rowExpr = cols.isEmpty()
                                ? QStringLiteral("''")
                                : QStringLiteral("ROW(%1)::text").arg(cols.join(QStringLiteral(", ")));
    // hashtextextended (PostgreSQL 11+) is a 64-bit hash several times cheaper than md5.
    return method == RowHash::Text
               ? QStringLiteral("hashtextextended(%1, 0)").arg(rowExpr)
               : QStringLiteral("('x' || substr(md5(%1), 1, 16))::bit(64)::bigint").arg(rowExpr);
}

void prepareSession(pg::Connection &c, int peerVersion)
{
    QString sql = pg::exactTextFormsSql() + QStringLiteral("; SET timezone = 'UTC'; SET bytea_output = hex");
    if (!pg::sameFloatTextForm(c.serverVersion(), peerVersion))
        sql += QStringLiteral("; SET extra_float_digits = 0");
    c.exec(sql);
}

TableChecksum tableChecksum(pg::Connection &c, const QString &schema, const QString &name,
                            const QList<VerifyColumn> &columns, RowHash method, project::VerifyLevel level)
{
    if (level == project::VerifyLevel::Count) {
        pg::Result r = c.exec(QStringLiteral("SELECT count(*) FROM ONLY %1").arg(c.qualified(schema, name)));
        return {r.toInt(0, 0), QString()};
    }
    // sum(bigint) is exact (it accumulates in numeric, with a 128-bit fast path), so the order of
    // the rows does not matter and nothing overflows.
    pg::Result r = c.exec(QStringLiteral("SELECT count(*), coalesce(sum(%1), 0)::text FROM ONLY %2 t")
                              .arg(rowHashExpr(c, columns, method), c.qualified(schema, name)));
    return {r.toInt(0, 0), r.text(0, 1)};
}

TableRef tableRef(const load::SourceTable &table)
{
    TableRef r{table.schema, table.name, {}, table.bytes};
    for (const load::SourceColumn &c : table.columns)
        r.columns << VerifyColumn{c.name, c.typeOid, c.typeOid == 1042 && c.typeName.contains(u'(')};
    return r;
}

QList<TableRef> tablesToVerify(pg::Connection &source, const project::DatabaseSelection &selection)
{
    QList<TableRef> out;
    for (const load::SourceTable &t : load::readTables(source, selection))
        out << tableRef(t);
    return out;
}

TableVerification verifyTable(pg::Connection &source, pg::Connection &target, const TableRef &table,
                              project::VerifyLevel level)
{
    TableVerification v;
    v.schema = table.schema;
    v.name = table.name;
    const RowHash method = rowHashFor(source.serverVersion(), target.serverVersion());
    // Reading a big table on both servers at once halves the wait; for small ones a thread costs more.
    constexpr qint64 kConcurrentBytes = 8LL * 1024 * 1024;
    try {
        if (table.bytes >= kConcurrentBytes) {
            std::exception_ptr sourceFailure;
            std::thread side([&] {
                try {
                    v.source = tableChecksum(source, v.schema, v.name, table.columns, method, level);
                } catch (...) {
                    sourceFailure = std::current_exception();
                }
            });
            std::exception_ptr targetFailure;
            try {
                v.target = tableChecksum(target, v.schema, v.name, table.columns, method, level);
            } catch (...) {
                targetFailure = std::current_exception();
            }
            side.join();
            if (sourceFailure)
                std::rethrow_exception(sourceFailure);
            if (targetFailure)
                std::rethrow_exception(targetFailure);
        } else {
            v.source = tableChecksum(source, v.schema, v.name, table.columns, method, level);
            v.target = tableChecksum(target, v.schema, v.name, table.columns, method, level);
        }
    } catch (const pg::Exception &e) {
        v.error = e.error().toString();
        if (e.error().breaksConnection())
            throw;
    }
    return v;
}

QList<TableVerification> verifyTables(const pg::ConnInfo &source, const pg::ConnInfo &target,
                                      const QList<TableRef> &tables, int jobs, const std::atomic_bool *stop,
                                      project::VerifyLevel level)
{
    QList<TableVerification> results;
    QMutex m;
    std::atomic_int next{0};
    std::exception_ptr failure;
    auto worker = [&]() {
        try {
            pg::Connection s = pg::Connection::open(source, {.cancel = stop});
            pg::Connection t = pg::Connection::open(target, {.cancel = stop});
            s.setCancelFlag(stop);
            t.setCancelFlag(stop);
            prepareSession(s, t.serverVersion());
            prepareSession(t, s.serverVersion());
            while (true) {
                const int i = next++;
                if (i >= tables.size() || (stop && stop->load()))
                    return;
                const TableVerification v = verifyTable(s, t, tables[i], level);
                QMutexLocker l(&m);
                results.append(v);
            }
        } catch (...) {
            QMutexLocker l(&m);
            if (!failure)
                failure = std::current_exception();
        }
    };
    std::vector<std::thread> threads;
    const int n = std::max(1, std::min<int>(jobs, int(tables.size())));
    for (int i = 0; i < n; ++i)
        threads.emplace_back(worker);
    for (auto &th : threads)
        th.join();
    if (failure)
        std::rethrow_exception(failure);
    std::sort(results.begin(), results.end(), [](const TableVerification &a, const TableVerification &b) {
        return std::tie(a.schema, a.name) < std::tie(b.schema, b.name);
    });
    return results;
}

} // namespace pgferry::cutover
