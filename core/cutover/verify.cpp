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

TableChecksum tableChecksum(pg::Connection &c, const QString &schema, const QString &name, const QStringList &columns)
{
    // Hash of each row's text form over the listed columns (generated ones included: they must
    // agree too), summed as numeric so that order does not matter and nothing overflows.
    QStringList cols;
    for (const QString &col : columns)
        cols << QStringLiteral("t.") + c.quoteIdent(col);
    const QString rowExpr = cols.isEmpty() ? QStringLiteral("''") : QStringLiteral("ROW(%1)::text").arg(cols.join(QStringLiteral(", ")));
    // hashtextextended (PostgreSQL 11+) is a 64-bit hash several times cheaper than md5; both sides
    // must use the same function, so older servers get md5 and the caller compares like with like.
    const QString hash = c.serverVersion() >= 110000
                             ? QStringLiteral("hashtextextended(%1, 0)::numeric").arg(rowExpr)
                             : QStringLiteral("('x' || substr(md5(%1), 1, 16))::bit(64)::bigint::numeric").arg(rowExpr);
    pg::Result r = c.exec(QStringLiteral("SELECT count(*), coalesce(sum(%1), 0)::text FROM ONLY %2 t")
                              .arg(hash, c.qualified(schema, name)));
    return {r.toInt(0, 0), r.text(0, 1)};
}

QList<TableRef> tablesToVerify(pg::Connection &source, const project::DatabaseSelection &selection)
{
    QList<TableRef> out;
    for (const load::SourceTable &t : load::readTables(source, selection)) {
        TableRef r{t.schema, t.name, {}};
        for (const load::SourceColumn &c : t.columns)
            r.columns << c.name;
        out << r;
    }
    return out;
}

QList<TableVerification> verifyTables(const pg::ConnInfo &source, const pg::ConnInfo &target, const QList<TableRef> &tables,
                                      int jobs, const std::atomic_bool *stop)
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
                TableVerification v;
                v.schema = tables[i].schema;
                v.name = tables[i].name;
                try {
                    v.source = tableChecksum(s, v.schema, v.name, tables[i].columns);
                    v.target = tableChecksum(t, v.schema, v.name, tables[i].columns);
                } catch (const pg::Exception &e) {
                    v.error = e.error().toString();
                    if (e.error().breaksConnection())
                        throw;
                }
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
