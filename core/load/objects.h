// The rest of the data that COPY does not carry: large objects and sequence positions.
#pragma once

#include "pg/connection.h"

#include <QMap>
#include <QStringList>
#include <atomic>

namespace pgferry::load {

// Copies the content of every large object visible in the source's snapshot. The objects
// themselves (oid, owner, grants) were created by the pre-data schema restore. Idempotent.
qint64 copyLargeObjects(pg::Connection &source, pg::Connection &target,
                        const std::atomic_bool *stop = nullptr);

// Each large object's oid and the MD5 of its content (readable by the connection's user).
QMap<quint32, QString> largeObjectDigests(pg::Connection &c);

struct LargeObjectSync
{
    QList<quint32> created, rewritten, removed; // on the target
    qint64 bytes = 0;
    int compared = 0;      // on the source
    bool identical = true; // with `verify`: the target's digests read again equal the source's
};
// Logical decoding does not carry large objects: at cutover (the source read-only), makes the
// target's large objects equal to the source's, each compared by its content's MD5: what is new
// or changed on the source is written, what the source no longer has is unlinked. With `verify`,
// the target's digests are read again afterwards and compared (`identical`).
LargeObjectSync syncLargeObjects(pg::Connection &source, pg::Connection &target, bool verify,
                                 const std::atomic_bool *stop = nullptr);

struct SequenceValue
{
    QString schema;
    QString name;
    qint64 lastValue = 0;
    bool isCalled = false;
};

QList<SequenceValue> readSequences(pg::Connection &source);
// The sequences readSequences would read that this role may not (quoted "schema.name"): the cutover
// would stop at the first.
QStringList unreadableSequences(pg::Connection &source);
// Sets every sequence on the target; returns the ones that do not exist there.
QStringList writeSequences(pg::Connection &target, const QList<SequenceValue> &values);

} // namespace pgferry::load
