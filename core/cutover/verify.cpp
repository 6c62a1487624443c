#include "cutover/verify.h"

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
    pg::Result r = c.exec(QStringLiteral(
        "SELECT count(*), coalesce(sum(('x' || substr(md5(%1), 1, 16))::bit(64)::bigint::numeric), 0)::text "
        "FROM ONLY %2 t").arg(rowExpr, c.qualified(schema, name)));
    return {r.toInt(0, 0), r.text(0, 1)};
}

} // namespace pgferry::cutover
