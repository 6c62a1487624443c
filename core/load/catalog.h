// What the full load copies: the source's tables as seen in the snapshot, their copyable columns,
// sizes, and the units (whole tables or ctid ranges) that workers take, largest first.
#pragma once

#include "pg/connection.h"
#include "project/project.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace pgferry::load {

struct SourceColumn
{
    QString name;
    quint32 typeOid = 0;
    QString typeName;
    bool generated = false; // GENERATED ALWAYS AS (...) STORED: never copied
    char identity = 0;      // 'a' always, 'd' by default, 0 none
    bool builtinType = false;
};

struct SourceTable
{
    quint32 oid = 0;
    QString schema;
    QString name;
    bool unlogged = false;
    bool hasChildren = false; // inheritance parent: copy ONLY its own rows
    bool isPartition = false; // a leaf of a partitioned table
    qint64 bytes = 0;
    qint64 pages = 0;
    qint64 rowsEstimated = 0;
    char replicaIdentity = 'd';
    bool hasPrimaryKey = false;
    QList<SourceColumn> columns; // in attnum order, dropped columns excluded

    QString qualifiedName() const { return schema + u'.' + name; }
    // Its updates and deletes can stream: a primary key, a replica identity index, or FULL.
    bool streamsWhole() const
    {
        return replicaIdentity == 'f' || replicaIdentity == 'i' || (replicaIdentity == 'd' && hasPrimaryKey);
    }
    // Column list "(a, b)" quoted, generated columns left out; empty when there is nothing to list.
    QString copyColumnList(const pg::Connection &c) const;
    bool hasCopyableColumns() const;
    // Binary COPY is safe between two servers of the same major version when every column is of a
    // built-in type (binary arrays and records embed type OIDs, which differ between clusters).
    bool binarySafe() const;
};

struct LoadUnit
{
    int table = 0;  // index into the table list
    int range = 0;  // 0-based
    int ranges = 1; // ranges of this table
    qint64 firstPage = 0;
    qint64 endPage = -1; // exclusive; -1: open-ended
    // Stable id for the journal and the target's unit table: "schema.table#range/ranges@first:end".
    QString key(const SourceTable &t) const;
};

// Tables of the current database (in the caller's snapshot), filtered by the selection's
// include/exclude patterns (schema.table with * and ?), largest first.
QList<SourceTable> readTables(pg::Connection &source, const project::DatabaseSelection &selection);
// Splits tables larger than `splitThresholdBytes` into ctid ranges; largest units first.
QList<LoadUnit> planUnits(const QList<SourceTable> &tables, qint64 splitThresholdBytes, int jobs);

} // namespace pgferry::load
