#include "load/copier.h"

#include "pg/textforms.h"

#include <QSet>

#include <string>

namespace pgferry::load {

namespace {
constexpr size_t kCopyBatchBytes = 64 * 1024;
}

void prepareTargetSession(pg::Connection &target)
{
    // Commits stay synchronous: a unit is counted as loaded as soon as its commit returns, and an
    // asynchronous commit that a crash of the target lost (unit and marker together) would leave
    // the running load believing it done. One WAL flush per unit of megabytes costs nothing.
    target.exec(QStringLiteral("SET synchronous_commit = on"));
    // Text COPY is read as the source printed it (see importSnapshot).
    target.exec(pg::exactTextFormsSql());
    // Triggers and foreign keys are not on the target yet; where allowed, make sure none fire.
    target.tryExec(QStringLiteral("SET session_replication_role = replica"));
}

QString transferEncoding(const QString &databaseEncoding)
{
    return databaseEncoding == u"SQL_ASCII" ? databaseEncoding : QStringLiteral("UTF8");
}

void useClientEncoding(pg::Connection &c, const QString &encoding)
{
    if (!encoding.isEmpty() && encoding != u"UTF8") // every session opens in UTF-8
        c.exec(QStringLiteral("SET client_encoding = ") + c.quoteLiteral(encoding));
}

void createUnitTable(pg::Connection &target)
{
    target.exec(
        QStringLiteral("CREATE SCHEMA IF NOT EXISTS _pgferry; "
                       "CREATE TABLE IF NOT EXISTS _pgferry.load_units (unit text PRIMARY KEY, rows bigint, "
                       "bytes bigint, done_at timestamptz DEFAULT now())"));
}

QSet<QString> committedUnits(pg::Connection &target)
{
    QSet<QString> done;
    pg::Result exists = target.exec(QStringLiteral("SELECT to_regclass('_pgferry.load_units') IS NOT NULL"));
    if (!exists.toBool(0, 0))
        return done;
    pg::Result r = target.exec(QStringLiteral("SELECT unit FROM _pgferry.load_units"));
    for (int i = 0; i < r.rows(); ++i)
        done.insert(r.text(i, 0));
    return done;
}

void dropUnitTable(pg::Connection &target)
{
    target.exec(QStringLiteral("DROP SCHEMA IF EXISTS _pgferry CASCADE"));
}

namespace {
// "range/ranges@first:end" (or the older "range/ranges"): range and ranges, or {-1, -1}.
std::pair<int, int> parseRange(QStringView rest)
{
    const qsizetype at = rest.indexOf(u'@');
    const QStringView head = at < 0 ? rest : rest.left(at);
    const qsizetype slash = head.indexOf(u'/');
    if (slash <= 0)
        return {-1, -1};
    bool ok1 = false, ok2 = false;
    const int range = head.left(slash).toInt(&ok1);
    const int ranges = head.mid(slash + 1).toInt(&ok2);
    if (!ok1 || !ok2 || range < 0 || ranges < 1 || range >= ranges)
        return {-1, -1};
    return {range, ranges};
}
} // namespace

QStringList unitsOf(const QSet<QString> &committed, const SourceTable &table)
{
    const QString prefix = table.qualifiedName() + u'#';
    QStringList out;
    for (const QString &k : committed)
        if (k.startsWith(prefix) && parseRange(QStringView(k).mid(prefix.size())).first >= 0)
            out << k;
    return out;
}

bool coverWholeTable(const QStringList &keys)
{
    int ranges = -1;
    QSet<int> seen;
    for (const QString &k : keys) {
        const auto [range, n] = parseRange(QStringView(k).mid(k.lastIndexOf(u'#') + 1));
        if (range < 0 || (ranges >= 0 && n != ranges))
            return false;
        ranges = n;
        seen.insert(range);
    }
    return ranges > 0 && seen.size() == ranges;
}

void forgetTable(pg::Connection &target, const SourceTable &table, const QStringList &keys)
{
    target.exec(QStringLiteral("BEGIN"));
    try {
        target.exec(QStringLiteral("TRUNCATE ONLY %1").arg(target.qualified(table.schema, table.name)));
        for (const QString &k : keys)
            target.exec(QStringLiteral("DELETE FROM _pgferry.load_units WHERE unit = $1"), {k});
        target.exec(QStringLiteral("COMMIT"));
    } catch (...) {
        target.tryExec(QStringLiteral("ROLLBACK"));
        throw;
    }
}

void importSnapshot(pg::Connection &source, const QString &snapshot)
{
    // Text COPY (between major versions, or for tables with types of their own) prints values in
    // the session's settings, and the target reads them in its own: both set alike, whatever the
    // servers' defaults (0.30000000000000004 used to arrive as 0.3 from a 9.6 source).
    source.exec(pg::exactTextFormsSql());
    source.exec(QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
    source.exec(QStringLiteral("SET TRANSACTION SNAPSHOT ") + source.quoteLiteral(snapshot));
}

CopyResult copyUnit(pg::Connection &source, pg::Connection &target, const SourceTable &table,
                    const LoadUnit &unit, const CopyOptions &options,
                    const std::function<void(qint64, qint64)> &progress)
{
    const QString qname = source.qualified(table.schema, table.name);
    const QString cols = table.copyColumnList(source);
    const bool whole = unit.ranges == 1;
    const bool binary = options.binary && table.binarySafe() && table.hasCopyableColumns();
    const QString format =
        binary ? QStringLiteral(" WITH (FORMAT binary") : QStringLiteral(" WITH (FORMAT text");

    QString selectSql;
    if (whole) {
        // COPY of a table never includes inheritance children: exactly this table's rows.
        selectSql = QStringLiteral("COPY %1 %2 TO STDOUT").arg(qname, cols);
    } else {
        QStringList colNames;
        for (const SourceColumn &c : table.columns)
            if (!c.generated)
                colNames << source.quoteIdent(c.name);
        QString where = QStringLiteral("ctid >= '(%1,0)'::tid").arg(unit.firstPage);
        if (unit.endPage >= 0)
            where += QStringLiteral(" AND ctid < '(%1,0)'::tid").arg(unit.endPage);
        selectSql = QStringLiteral("COPY (SELECT %1 FROM ONLY %2 WHERE %3) TO STDOUT")
                        .arg(colNames.join(QStringLiteral(", ")), qname, where);
    }
    selectSql += format + u')';

    target.exec(QStringLiteral("BEGIN"));
    QString into = QStringLiteral("COPY %1 %2 FROM STDIN").arg(qname, cols) + format;
    if (whole) {
        // Reloading a whole table starts from empty, in the same transaction: never doubled.
        // Truncated in this transaction, the rows can also be written frozen.
        target.exec(QStringLiteral("TRUNCATE ONLY %1").arg(qname));
        into += QStringLiteral(", FREEZE");
    }
    into += u')';

    CopyResult res;
    qint64 pendingRows = 0, pendingBytes = 0;
    try {
        target.beginCopyIn(into);
        // The source sends one CopyData message per row. They are passed on in batches: one
        // message per 64 KiB costs the target far less than one per row (the stream is the same).
        std::string batch;
        batch.reserve(kCopyBatchBytes + 8192);
        const qint64 reported = source.copyOut(selectSql, [&](const char *data, int len) {
            if (batch.size() + size_t(len) > kCopyBatchBytes && !batch.empty()) {
                target.putCopyData(batch.data(), int(batch.size()));
                batch.clear();
            }
            if (size_t(len) >= kCopyBatchBytes)
                target.putCopyData(data, len);
            else
                batch.append(data, size_t(len));
            ++res.rows;
            res.bytes += len;
            ++pendingRows;
            pendingBytes += len;
            if (pendingRows >= 4096) {
                if (progress)
                    progress(pendingRows, pendingBytes);
                pendingRows = pendingBytes = 0;
            }
        });
        if (!batch.empty())
            target.putCopyData(batch.data(), int(batch.size()));
        res.rows = reported; // the server's own count ("COPY n")
        res.storedRows = target.endCopyIn();
        if (options.recordUnit)
            target.exec(
                QStringLiteral("INSERT INTO _pgferry.load_units (unit, rows, bytes) VALUES ($1, $2, $3)"),
                {unit.key(table), res.rows, res.bytes});
        if (options.beforeCommit)
            options.beforeCommit(target);
        target.exec(QStringLiteral("COMMIT"));
    } catch (...) {
        if (target.isOpen()) {
            target.abortCopyIn(QStringLiteral("source failed"));
            target.tryExec(QStringLiteral("ROLLBACK"));
        }
        throw;
    }
    if (progress && (pendingRows || pendingBytes))
        progress(pendingRows, pendingBytes);
    return res;
}

} // namespace pgferry::load
