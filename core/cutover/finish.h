// The cutover's steps on the target once every change is there: the sequences' positions, the
// foreign keys and triggers, the check of the schemas, and the database's own properties. Each
// step is one call on two open connections (to the same database on either side); the engine's
// journal makes them resumable, and a fail-back runs the sequences the other way.
#pragma once

#include "load/catalog.h"
#include "pg/connection.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace pgferry::cutover {

struct SequencesSet
{
    int set = 0;
    QStringList missing; // on `to`, quoted "schema.name"
};

// Gives every sequence of `to` the position it has on `from`.
SequencesSet carrySequences(pg::Connection &from, pg::Connection &to);

struct SchemaFinished
{
    QStringList created;     // foreign keys and triggers the archive did not have ("schema.table.name")
    QStringList differences; // what still differs between the schemas, one line each
};

// After the archive's cutover section: creates the foreign keys and triggers of `tables` the
// target lacks (the source's catalog as it is now), then compares the two schemas table by table.
// Throws pg::Exception naming an object the target refused.
SchemaFinished finishKeysAndCompare(pg::Connection &source, pg::Connection &target,
                                    const QList<load::SourceTable> &tables);

struct PropertiesCarried
{
    QStringList statements; // every statement that gives the target the source's properties
    int carried = 0;        // how many of them the target took
    QStringList notCarried; // the ones the target refused (with its error), and what was skipped
    QString refused;        // the refused statements, kept (in the journal) for the verification
};

// The database's settings, privileges, comment and connection limit, onto the target database.
PropertiesCarried carryDatabaseProperties(pg::Connection &source, const QString &sourceDb,
                                          pg::Connection &target, const QString &targetDb);

// What differs between the two databases' properties, leaving out what the target refused when
// they were carried (`refused` as PropertiesCarried kept it): those are reported as not carried,
// and must not block a cutover for ever.
QStringList databasePropertyDifferences(pg::Connection &source, const QString &sourceDb,
                                        pg::Connection &target, const QString &targetDb,
                                        const QString &refused);

} // namespace pgferry::cutover
