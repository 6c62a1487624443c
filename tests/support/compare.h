// Row-by-row comparison of two databases, for tests: every table's rows (ordered by all columns,
// in text form), every sequence's state, every large object. Reports the first differences.
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
    QStringList skipTables; // schema.name
};

CompareResult compareDatabases(pg::Connection &source, pg::Connection &target, const CompareOptions &options = {});

} // namespace pgferry::test
