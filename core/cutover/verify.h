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

// With VerifyLevel::Count only the rows are counted and the checksum is left empty.
TableChecksum tableChecksum(pg::Connection &c, const QString &schema, const QString &name, const QStringList &columns,
                            project::VerifyLevel level = project::VerifyLevel::Full);

struct TableRef
{
    QString schema;
    QString name;
    QStringList columns;
    qint64 bytes = 0; // the table's size on the source, if known: big tables are read on both sides at once
};

// One table on both sides over the given connections (the two sides at once when the table is big).
TableVerification verifyTable(pg::Connection &source, pg::Connection &target, const TableRef &table,
                              project::VerifyLevel level = project::VerifyLevel::Full);

// Checksums every table on both sides with `jobs` parallel connection pairs.
QList<TableVerification> verifyTables(const pg::ConnInfo &source, const pg::ConnInfo &target, const QList<TableRef> &tables,
                                      int jobs, const std::atomic_bool *stop = nullptr,
                                      project::VerifyLevel level = project::VerifyLevel::Full);
// Every migrated table of the source database (the same selection as the load).
QList<TableRef> tablesToVerify(pg::Connection &source, const project::DatabaseSelection &selection);

} // namespace pgferry::cutover
