// Parser for the text that the test_decoding output plugin prints (sources 9.4-9.6, and any
// later version when asked for). Produces the same Change model as the pgoutput decoder, with
// schema and table names instead of oids, and values in the very text form pgoutput sends.
//
// Start the slot with these options (the parser depends on them):
//   include-xids '1'        BEGIN 123 / COMMIT 123 carry the transaction id
//   include-timestamp '1'   COMMIT 123 (at 2024-05-01 10:11:12.345678+00): the commit time
//   skip-empty-xacts '1'    no BEGIN/COMMIT pairs for transactions that changed nothing published
// and leave include-rewrites, stream-changes and include-sequences off. As for pgoutput, start
// the replication connection with pg::exactTextFormsOptions() so the values read back exactly on
// the target.
//
// What test_decoding cannot say, and how the model carries it: it prints no oids, no type oids
// and no key flags (Column::typeName holds format_type() text instead); it prints the old tuple
// of an UPDATE or DELETE as "old-key:" with NULL columns left out, whether that is the replica
// identity key or the whole row (REPLICA IDENTITY FULL), so oldKind is always 'K', oldColumns
// lists what was printed and the applier decides from the target's key; it prints generated
// columns, which the applier leaves out; a commit is known by its end (Change::endLsn is the
// COMMIT message's position, commitLsn stays 0).
#pragma once

#include "cdc/change.h"

#include <QHash>

namespace pgferry::cdc {

class TestDecodingParser
{
public:
    // Parses one line of output. walStart is the message's position in the stream (Change::lsn;
    // for COMMIT also Change::endLsn). Throws DecodeError on input it does not understand.
    Change parse(const QByteArray &line, pg::Lsn walStart = 0);
    void reset() { m_columns.clear(); }

private:
    // The columns last printed for each table, to notice DDL drift.
    QHash<QString, QList<Column>> m_columns;
};

} // namespace pgferry::cdc
