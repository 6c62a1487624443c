// Copies one load unit (a table or a ctid range of one) from a source connection that holds the
// shared snapshot to a target connection: COPY TO STDOUT streamed into COPY FROM STDIN, no files,
// one target transaction that also records the unit as done, so a rerun neither skips nor doubles.
#pragma once

#include "load/catalog.h"
#include "pg/connection.h"

#include <functional>

namespace pgferry::load {

struct CopyOptions
{
    bool binary = false; // both servers of the same major version
    int sourceMajor = 0;
    // Runs on the target in the copy's transaction, just before it commits (a resync records its
    // stream position there: the copy and the position are one).
    std::function<void(pg::Connection &)> beforeCommit;
    bool recordUnit = true; // in _pgferry.load_units
};

struct CopyResult
{
    qint64 rows = 0; // rows the source sent ("COPY n" of COPY TO)
    qint64 bytes = 0;
    qint64 storedRows = 0; // rows the target stored ("COPY n" of COPY FROM), committed with them
};

// The client encoding in which a database's rows travel between servers. A SQL_ASCII database holds
// bytes in no particular encoding: converting them to UTF-8 is a no-op that the target then refuses
// ("invalid byte sequence"), so they travel as SQL_ASCII, byte for byte. Every other encoding
// converts losslessly through UTF-8, which also keeps identifiers right.
QString transferEncoding(const QString &databaseEncoding);
// Sets a session's client encoding (sessions open in UTF-8; an empty encoding leaves it).
void useClientEncoding(pg::Connection &c, const QString &encoding);

// Prepares the target for loading: the _pgferry schema and its unit table, and session settings.
void prepareTargetSession(pg::Connection &target);
void createUnitTable(pg::Connection &target);
// Units already committed on the target (by an earlier run).
QSet<QString> committedUnits(pg::Connection &target);
void dropUnitTable(pg::Connection &target);
// The keys in `committed` that are units of `table` (its exact name, then a well-formed range).
QStringList unitsOf(const QSet<QString> &committed, const SourceTable &table);
// True when `keys` (units of one table) are every range of one plan: the table is loaded whole.
bool coverWholeTable(const QStringList &keys);
// Empties `table` on the target and forgets the units in `keys`, in one transaction: what an
// earlier plan left half done is loaded again from scratch.
void forgetTable(pg::Connection &target, const SourceTable &table, const QStringList &keys);

// Imports `snapshot` into a new REPEATABLE READ transaction on `source`.
void importSnapshot(pg::Connection &source, const QString &snapshot);

// progress(rowsDelta, bytesDelta) is called every few thousand rows.
CopyResult copyUnit(pg::Connection &source, pg::Connection &target, const SourceTable &table,
                    const LoadUnit &unit, const CopyOptions &options,
                    const std::function<void(qint64, qint64)> &progress);

} // namespace pgferry::load
