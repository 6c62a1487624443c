// The schema objects other than tables that a migration carries (types, standalone sequences,
// functions and procedures, views and materialized views), as the catalog watch sees them
// without DDL capture. Each has a fingerprint of its definition as its own server prints it: the
// watch compares the source with itself over time (a baseline taken at the snapshot), never with
// the target, whose major may print the same definition differently.
#pragma once

#include "pg/connection.h"
#include "project/project.h"

#include <QJsonObject>
#include <QList>
#include <QSet>

namespace pgferry::schema {

struct SchemaObject
{
    // "enum type", "domain", "composite type", "sequence", "function", "procedure", "aggregate",
    // "view", "materialized view"
    QString kind;
    QString schema;
    QString name;
    QString signature;   // a routine's identity arguments ("a integer, b text"); "" otherwise
    QString owner;       // the role that owns it on its server
    quint32 oid = 0;     // on its server
    QString fingerprint; // md5 of its definition (a sequence's options from 10 on, not its value)

    // schema.name, with a routine's arguments: schema.name(a integer)
    QString key() const;
    bool isRoutine() const;
    bool isRelation() const; // a view, materialized view or sequence: pg_dump --table makes it
    // Types first, then sequences, routines, views, materialized views: what may use what.
    int creationOrder() const;
    QJsonObject toJson() const;
    static SchemaObject fromJson(const QJsonObject &o);
};

// The objects of the migrated schemas on `c`: relations by the selection's patterns, the others
// where a selected table's schema is (every user schema when the selection is not filtered).
// Members of extensions and a table's own sequences are not listed: they come with those.
QList<SchemaObject> readSchemaObjects(pg::Connection &c, const project::DatabaseSelection &db,
                                      const QSet<QString> &tableSchemas);

// The statement that makes `o` as it is now on `c` (the source): CREATE OR REPLACE for a view
// or a routine, CREATE for a type; for a materialized view its query. Empty when it is gone.
QString definitionOf(pg::Connection &c, const SchemaObject &o);

// DROP ... of `o` for `c` (the target), without CASCADE.
QString dropStatement(pg::Connection &c, const SchemaObject &o);

// ALTER ... OWNER TO the owner of `o`, for `c` (the target).
QString ownerStatement(pg::Connection &c, const SchemaObject &o);

// The labels of enum type `o` on `c`, in their order.
QStringList enumLabels(pg::Connection &c, const SchemaObject &o);

} // namespace pgferry::schema
