#include "load/catalog.h"

#include <QHash>
#include <algorithm>

namespace pgferry::load {

QString LoadUnit::key(const SourceTable &t) const
{
    // The pages are part of the key: a later plan of a grown table may split it elsewhere, and a
    // range is only the same range when its bounds are.
    return QStringLiteral("%1#%2/%3@%4:%5")
        .arg(t.qualifiedName())
        .arg(range)
        .arg(ranges)
        .arg(firstPage)
        .arg(endPage);
}

QString SourceTable::copyColumnList(const pg::Connection &c) const
{
    QStringList cols;
    for (const SourceColumn &col : columns)
        if (!col.generated)
            cols << c.quoteIdent(col.name);
    if (cols.isEmpty())
        return QString();
    return u'(' + cols.join(QStringLiteral(", ")) + u')';
}

bool SourceTable::hasCopyableColumns() const
{
    return std::any_of(columns.begin(), columns.end(), [](const SourceColumn &c) { return !c.generated; });
}

bool SourceTable::binarySafe() const
{
    return std::all_of(columns.begin(), columns.end(),
                       [](const SourceColumn &c) { return c.generated || c.builtinType; });
}

QList<SourceTable> readTables(pg::Connection &source, const project::DatabaseSelection &selection)
{
    const int v = source.serverVersion();
    const QString partitionExpr = v >= 100000 ? QStringLiteral("c.relispartition") : QStringLiteral("false");
    pg::Result r = source.exec(
        QStringLiteral(
            "SELECT c.oid, n.nspname, c.relname, c.relpersistence = 'u', "
            "  EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhparent = c.oid), %1, "
            "  pg_relation_size(c.oid), (pg_relation_size(c.oid) / current_setting('block_size')::int), "
            "  greatest(c.reltuples, 0)::bigint, c.relreplident, "
            "  EXISTS (SELECT 1 FROM pg_index x WHERE x.indrelid = c.oid AND x.indisprimary) "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
            "  AND n.nspname !~ '^pg_(toast|temp)' AND n.nspname <> '_pgferry' "
            "  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass "
            "                  AND d.objid = c.oid AND d.deptype = 'e') "
            "ORDER BY 7 DESC, 2, 3")
            .arg(partitionExpr));
    QList<SourceTable> tables;
    QHash<quint32, int> byOid;
    for (int i = 0; i < r.rows(); ++i) {
        SourceTable t;
        t.oid = quint32(r.toInt(i, 0));
        t.schema = r.text(i, 1);
        t.name = r.text(i, 2);
        if (!selection.selects(t.schema, t.name))
            continue;
        t.unlogged = r.toBool(i, 3);
        t.hasChildren = r.toBool(i, 4);
        t.isPartition = r.toBool(i, 5);
        t.bytes = r.toInt(i, 6);
        t.pages = r.toInt(i, 7);
        t.rowsEstimated = r.toInt(i, 8);
        t.replicaIdentity = r.text(i, 9).isEmpty() ? 'd' : r.text(i, 9).at(0).toLatin1();
        t.hasPrimaryKey = r.toBool(i, 10);
        byOid.insert(t.oid, int(tables.size()));
        tables.append(t);
    }
    if (tables.isEmpty())
        return tables;

    const QString generatedExpr =
        v >= 120000 ? QStringLiteral("a.attgenerated <> ''") : QStringLiteral("false");
    const QString identityExpr = v >= 100000 ? QStringLiteral("a.attidentity::text") : QStringLiteral("''");
    QStringList oids;
    for (const SourceTable &t : tables)
        oids << QString::number(t.oid);
    pg::Result cols = source.exec(
        QStringLiteral(
            "SELECT a.attrelid, a.attname, a.atttypid, format_type(a.atttypid, a.atttypmod), %1, %2, "
            "  t.oid < 16384 AND (t.typelem = 0 OR t.typelem < 16384) AND t.typtype <> 'c' "
            "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
            "WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped "
            "ORDER BY a.attrelid, a.attnum")
            .arg(generatedExpr, identityExpr),
        {QString(u'{' + oids.join(u',') + u'}')});
    for (int i = 0; i < cols.rows(); ++i) {
        const int idx = byOid.value(quint32(cols.toInt(i, 0)), -1);
        if (idx < 0)
            continue;
        SourceColumn c;
        c.name = cols.text(i, 1);
        c.typeOid = quint32(cols.toInt(i, 2));
        c.typeName = cols.text(i, 3);
        c.generated = cols.toBool(i, 4);
        const QString ident = cols.text(i, 5);
        c.identity = ident.isEmpty() ? 0 : ident.at(0).toLatin1();
        c.builtinType = cols.toBool(i, 6);
        tables[idx].columns.append(c);
    }
    return tables;
}

QList<LoadUnit> planUnits(const QList<SourceTable> &tables, qint64 splitThresholdBytes, int jobs)
{
    struct Sized
    {
        LoadUnit unit;
        qint64 bytes;
    };
    QList<Sized> units;
    for (int i = 0; i < tables.size(); ++i) {
        const SourceTable &t = tables[i];
        int n = 1;
        if (splitThresholdBytes > 0 && t.bytes > splitThresholdBytes && t.pages > 1) {
            n = int(std::min<qint64>(64, (t.bytes + splitThresholdBytes - 1) / splitThresholdBytes));
            n = std::max(n, std::min(jobs, 64));
            n = int(std::min<qint64>(n, t.pages));
        }
        if (n <= 1) {
            units.append({LoadUnit{i, 0, 1, 0, -1}, t.bytes});
            continue;
        }
        const qint64 per = (t.pages + n - 1) / n;
        for (int k = 0; k < n; ++k) {
            LoadUnit u{i, k, n, k * per, k == n - 1 ? -1 : (k + 1) * per};
            units.append({u, t.bytes / n});
        }
    }
    std::stable_sort(units.begin(), units.end(),
                     [](const Sized &a, const Sized &b) { return a.bytes > b.bytes; });
    QList<LoadUnit> out;
    for (const Sized &s : units)
        out.append(s.unit);
    return out;
}

} // namespace pgferry::load
