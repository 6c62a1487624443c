// The change model shared by both decoders (pgoutput, test_decoding) and the applier: one
// decoded message of a logical replication stream, with values in the text form that the
// source's output functions print.
#pragma once

#include "pg/lsn.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <stdexcept>

namespace pgferry::cdc {

struct Column
{
    QString name;
    quint32 typeOid = 0; // 0 when the decoder does not know it (test_decoding)
    qint32 typmod = -1;
    bool isKey = false; // part of the source's replica identity (pgoutput only)
    QString typeName;   // format_type() text (test_decoding only)

    bool operator==(const Column &) const = default;
};

struct Relation
{
    quint32 oid = 0;
    QString schema;
    QString name;
    char replicaIdentity = 'd'; // d default, n nothing, f full, i index
    QList<Column> columns;
};

struct Value
{
    enum Kind { Null, Unchanged /* TOAST value not sent: keep the target's */, Text };
    Kind kind = Null;
    QByteArray text; // as the server's output function prints it

    static Value null() { return {}; }
    static Value unchanged() { return {Unchanged, {}}; }
    static Value fromText(const QByteArray &t) { return {Text, t}; }
    bool operator==(const Value &) const = default;
};

struct TableName
{
    QString schema;
    QString name;
    bool operator==(const TableName &) const = default;
};

struct Change
{
    enum Kind {
        Begin,
        Commit,
        Relation,
        Insert,
        Update,
        Delete,
        Truncate,
        Type,
        Origin,
        Message,
        StreamStart, // protocol version 2 with streaming on: a chunk of a large in-progress transaction
        StreamStop,
        StreamCommit,
        StreamAbort,
    };
    Kind kind = Begin;
    quint32 xid = 0;
    pg::Lsn lsn = 0;             // start of the record that produced this message (the stream's walStart)
    pg::Lsn commitLsn = 0;       // Begin/Commit: the commit record (pgoutput; 0 from test_decoding)
    pg::Lsn endLsn = 0;          // Commit: the end of the commit record; what a replication origin records
    qint64 commitTimeMicros = 0; // since 2000-01-01 UTC, as the protocol carries time
    quint32 relationOid = 0;     // 0 from test_decoding
    QString schema, table;       // Type: the type's schema and name
    QList<Column> columns;       // describes newTuple
    QList<Column> oldColumns;    // describes oldTuple (test_decoding prints only non-null old values)
    QList<Value> newTuple, oldTuple;
    char oldKind = 0; // 'K' key, 'O' old row, 0 none. test_decoding cannot tell them apart: always 'K'
    QList<quint32> truncateRelations;
    QList<TableName> truncateTables;
    bool truncateCascade = false;
    bool truncateRestartIdentity = false;
    QString origin;                    // Origin: the name of the origin the transaction came from
    quint32 typeOid = 0;               // Type
    bool messageTransactional = false; // Message (pg_logical_emit_message)
    QString messagePrefix;
    QByteArray messageContent;

    // Relation: the source table's columns changed since the last description (DDL drift).
    // relationChange says what changed, in words, for the user.
    bool relationChanged = false;
    QString relationChange;
    pgferry::cdc::Relation relation; // Relation: the full description

    QString qualifiedName() const { return schema + u'.' + table; }
};

QString changeKindName(Change::Kind k);

// Malformed decoder output. Carries what was wrong and where (byte offset or column).
class DecodeError : public std::runtime_error
{
public:
    explicit DecodeError(const QString &message)
        : std::runtime_error(message.toStdString()), m_message(message)
    {}
    const QString &message() const noexcept { return m_message; }

private:
    QString m_message;
};

} // namespace pgferry::cdc

namespace pgferry::cdc {
// What differs between two descriptions of the same table ("column \"x\" added; ..."); empty
// when the columns are the same. Key flags are not compared (a new replica identity is not drift).
QString describeColumnChanges(const QList<Column> &before, const QList<Column> &after);
} // namespace pgferry::cdc
