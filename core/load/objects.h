// The rest of the data that COPY does not carry: large objects and sequence positions.
#pragma once

#include "pg/connection.h"

#include <QStringList>
#include <atomic>

namespace pgferry::load {

// Copies the content of every large object visible in the source's snapshot. The objects
// themselves (oid, owner, grants) were created by the pre-data schema restore. Idempotent.
qint64 copyLargeObjects(pg::Connection &source, pg::Connection &target, const std::atomic_bool *stop = nullptr);

struct SequenceValue
{
    QString schema;
    QString name;
    qint64 lastValue = 0;
    bool isCalled = false;
};

QList<SequenceValue> readSequences(pg::Connection &source);
// Sets every sequence on the target; returns the ones that do not exist there.
QStringList writeSequences(pg::Connection &target, const QList<SequenceValue> &values);

} // namespace pgferry::load
