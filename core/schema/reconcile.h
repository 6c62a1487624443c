// Foreign keys and triggers at cutover, from the source's catalog as it is then: what the
// snapshot's archive could not know (tables created or renamed while changes streamed) is created
// on the target by name, and what the target already has is left alone.
#pragma once

#include "load/catalog.h"
#include "pg/connection.h"

#include <QStringList>

namespace pgferry::schema {

struct ReconcileResult
{
    QStringList created; // "schema.table.name", foreign keys then triggers
};

// Both connections are to the same database on either side; `tables` are the migrated ones (on
// the source, by name). Throws pg::Exception naming the object that could not be created.
ReconcileResult createMissingKeysAndTriggers(pg::Connection &source, pg::Connection &target,
                                             const QList<load::SourceTable> &tables);

// What differs between the two schemas of `tables` (by name): columns (type, NOT NULL), indexes and
// constraints missing or extra on the target. One line per difference, empty when they match.
QStringList compareSchemas(pg::Connection &source, pg::Connection &target,
                           const QList<load::SourceTable> &tables);

} // namespace pgferry::schema
