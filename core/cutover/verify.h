// Verification: row count and an order-independent checksum of every migrated table, on both
// sides, compared. Reads the row's text form, so it checks values, not physical layout.
#pragma once

#include "pg/connection.h"
#include "project/project.h"

#include <atomic>

#include <QJsonObject>
#include <QList>
#include <QString>

namespace pgferry::cutover {

struct TableChecksum
{
    qint64 rows = 0;
    QString checksum; // sum of 64-bit row hashes, as a decimal string
};

struct TableVerification
{
    QString schema;
    QString name;
    TableChecksum source;
    TableChecksum target;
    QString error;
    bool matches() const { return error.isEmpty() && source.rows == target.rows && source.checksum == target.checksum; }
    QJsonObject toJson() const;
};

TableChecksum tableChecksum(pg::Connection &c, const QString &schema, const QString &name,
                            const QStringList &columns);

struct TableRef
{
    QString schema;
    QString name;
    QStringList columns;
};

// Checksums every table on both sides with `jobs` parallel connection pairs.
QList<TableVerification> verifyTables(const pg::ConnInfo &source, const pg::ConnInfo &target, const QList<TableRef> &tables,
                                      int jobs, const std::atomic_bool *stop = nullptr);
// Every migrated table of the source database (the same selection as the load).
QList<TableRef> tablesToVerify(pg::Connection &source, const project::DatabaseSelection &selection);

} // namespace pgferry::cutover
