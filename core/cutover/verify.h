// Verification: row count and an order-independent checksum of every migrated table, on both
// sides, compared. It checks values, not physical layout: each row is hashed from its columns'
// values (see RowHash), and the hashes are summed.
#pragma once

#include "pg/connection.h"
#include "project/project.h"

#include <atomic>

#include <QJsonObject>
#include <QList>
#include <QString>

namespace pgferry::load {
struct SourceTable;
}

namespace pgferry::cutover {

// How a row is hashed. Both sides must use the same method, so it is chosen from the older of the
// two servers (rowHashFor).
enum class RowHash {
    Md5,         // before PostgreSQL 11: md5 of the row's text form
    Text,        // 11+: hashtextextended of the row's text form
    NativeTypes, // 14+ on both sides: each column hashed by its own type's extended hash function
                 // where that is exact and stable across servers, else as text; the columns'
                 // hashes XORed (seeded by position), with hash_record_extended for the few
                 // types whose function SQL cannot call
};
RowHash rowHashFor(int sourceVersion, int targetVersion);

struct VerifyColumn
{
    QString name;
    quint32 typeOid = 0; // the source's type; 0 when unknown (hashed as text)
    bool padded = false; // char(n): every value is padded to n characters, so trailing spaces say nothing
};

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
    bool matches() const
    {
        return error.isEmpty() && source.rows == target.rows && source.checksum == target.checksum;
    }
    QJsonObject toJson() const;
};

// Makes a session print values alike on every server, whatever its settings: every float digit,
// ISO dates, intervals in one style, timestamptz in UTC, bytea as hex, money under "C". Each side's
// session needs it before tableChecksum (text forms are hashed); verifyTables and the engine's
// finisher do it on the sessions they open. `peerVersion` is the other side's server version:
// when one prints floats in the old fixed-digit form (before 12) and the other in the shortest
// exact form, float and double columns are hashed by their binary value (rowHashExpr), and floats
// inside other values (a composite, a range, a point) by their text at 15 significant digits,
// the one form both eras print alike.
void prepareSession(pg::Connection &c, int peerVersion);

// With VerifyLevel::Count only the rows are counted and the checksum is left empty.
TableChecksum tableChecksum(pg::Connection &c, const QString &schema, const QString &name,
                            const QList<VerifyColumn> &columns, RowHash method,
                            project::VerifyLevel level = project::VerifyLevel::Full);
// The SQL expression hashing one row of `t` (exposed for tests).
QString rowHashExpr(const pg::Connection &c, const QList<VerifyColumn> &columns, RowHash method);

struct TableRef
{
    QString schema;
    QString name;
    QList<VerifyColumn> columns;
    qint64 bytes = 0; // the table's size on the source, if known: big tables are read on both sides at once
};
// Every column of a source table, generated ones included (they must agree too).
TableRef tableRef(const load::SourceTable &table);

// One table on both sides over the given connections (the two sides at once when the table is big).
TableVerification verifyTable(pg::Connection &source, pg::Connection &target, const TableRef &table,
                              project::VerifyLevel level = project::VerifyLevel::Full);

// Checksums every table on both sides with `jobs` parallel connection pairs.
QList<TableVerification> verifyTables(const pg::ConnInfo &source, const pg::ConnInfo &target,
                                      const QList<TableRef> &tables, int jobs,
                                      const std::atomic_bool *stop = nullptr,
                                      project::VerifyLevel level = project::VerifyLevel::Full);
// Every migrated table of the source database (the same selection as the load).
QList<TableRef> tablesToVerify(pg::Connection &source, const project::DatabaseSelection &selection);

} // namespace pgferry::cutover
