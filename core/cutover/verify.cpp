#include "cutover/verify.h"

#include "load/catalog.h"

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

TableChecksum tableChecksum(pg::Connection &c, const QString &schema, const QString &name, const QStringList &columns,
                            project::VerifyLevel level)
{
    if (level == project::VerifyLevel::Count) {
        pg::Result r = c.exec(QStringLiteral("SELECT count(*) FROM ONLY %1").arg(c.qualified(schema, name)));
        return {r.toInt(0, 0), QString()};
    }
    // Hash of each row's text form over the listed columns (generated ones included: they must
    // agree too), summed as numeric so that order does not matter and nothing overflows.
    QStringList cols;
    for (const QString &col : columns)
        cols << QStringLiteral("t.") + c.quoteIdent(col);
    const QString rowExpr = cols.isEmpty() ? QStringLiteral("''") : QStringLiteral("ROW(%1)::text").arg(cols.join(QStringLiteral(", ")));
    // hashtextextended (PostgreSQL 11+) is a 64-bit hash several times cheaper than md5; both sides
    // must use the same function, so older servers get md5 and the caller compares like with like.
    // sum(bigint) is exact (it accumulates in numeric, with a 128-bit fast path): the same value as
    // a sum of numerics, at a fraction of the cost.
    const QString hash = c.serverVersion() >= 110000
                             ? QStringLiteral("hashtextextended(%1, 0)").arg(rowExpr)
                             : QStringLiteral("('x' || substr(md5(%1), 1, 16))::bit(64)::bigint").arg(rowExpr);
    pg::Result r = c.exec(QStringLiteral("SELECT count(*), coalesce(sum(%1), 0)::text FROM ONLY %2 t")
                              .arg(hash, c.qualified(schema, name)));
    return {r.toInt(0, 0), r.text(0, 1)};
}

QList<TableRef> tablesToVerify(pg::Connection &source, const project::DatabaseSelection &selection)
{
    QList<TableRef> out;
    for (const load::SourceTable &t : load::readTables(source, selection)) {
        TableRef r{t.schema, t.name, {}, t.bytes};
        for (const load::SourceColumn &c : t.columns)
            r.columns << c.name;
        out << r;
    }
    return out;
}

TableVerification verifyTable(pg::Connection &source, pg::Connection &target, const TableRef &table,
                              project::VerifyLevel level)
{
    TableVerification v;
    v.schema = table.schema;
    v.name = table.name;
    // Reading a big table on both servers at once halves the wait; for small ones a thread costs more.
    constexpr qint64 kConcurrentBytes = 8LL * 1024 * 1024;
    try {
        if (table.bytes >= kConcurrentBytes) {
            std::exception_ptr sourceFailure;
            std::thread side([&] {
                try {
                    v.source = tableChecksum(source, v.schema, v.name, table.columns, level);
                } catch (...) {
                    sourceFailure = std::current_exception();
                }
            });
            std::exception_ptr targetFailure;
            try {
                v.target = tableChecksum(target, v.schema, v.name, table.columns, level);
            } catch (...) {
                targetFailure = std::current_exception();
            }
            side.join();
            if (sourceFailure)
                std::rethrow_exception(sourceFailure);
            if (targetFailure)
                std::rethrow_exception(targetFailure);
        } else {
            v.source = tableChecksum(source, v.schema, v.name, table.columns, level);
            v.target = tableChecksum(target, v.schema, v.name, table.columns, level);
        }
    } catch (const pg::Exception &e) {
        v.error = e.error().toString();
        if (e.error().breaksConnection())
            throw;
    }
    return v;
}

QList<TableVerification> verifyTables(const pg::ConnInfo &source, const pg::ConnInfo &target, const QList<TableRef> &tables,
                                      int jobs, const std::atomic_bool *stop, project::VerifyLevel level)
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
