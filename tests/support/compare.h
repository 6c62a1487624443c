// Row-by-row comparison of two databases, for tests: every table's rows (ordered by all columns,
// in text form), every sequence's definition and state, every large object's contents. For a table
// that differs, the first rows found only on one side are quoted in the differences.
#pragma once

#include "pg/connection.h"

#include <QStringList>

namespace pgferry::test {

struct CompareResult
{
    QStringList differences; // empty when identical
    int tablesCompared = 0;
    qint64 rowsCompared = 0;
    bool identical() const { return differences.isEmpty(); }
};

struct CompareOptions
{
    bool sequences = true;
    bool largeObjects = true;
    QStringList skipTables; // schema.name, unquoted (or "schema"."name", quoted)
};

CompareResult compareDatabases(pg::Connection &source, pg::Connection &target,
                               const CompareOptions &options = {});

} // namespace pgferry::test
