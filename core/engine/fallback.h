// The fallback after a cutover (settings.cutover.fallback): the new server's writes stream back
// into the old one, so that the administrator can return to it without losing a write. The
// mirror image of the forward stream: a publication and a logical slot on the new server (the
// target), created right after the cutover's drain, before applications move; a replication
// origin on the old server (the source), which an applier writes as a replica (its triggers do
// not fire twice) although its database is read-only for everyone else.
//
// These are the steps' building blocks; LocalEngine::Run drives them and journals each one.
#pragma once

#include "engine/changestream.h"
#include "load/catalog.h"
#include "pg/connection.h"
#include "pg/conninfo.h"
#include "pg/lsn.h"

#include <QString>
#include <QStringList>
#include <functional>

namespace pgferry::engine {

// The slot, publication and origin of a database's fallback: the forward stream's name + "_fb".
QString fallbackObjectName(const QString &forwardName);

struct FallbackSlot
{
    QString plugin;     // pgoutput from PostgreSQL 10 on, else test_decoding
    pg::Lsn lsn = 0;    // the slot's consistent point: every later write on the new server streams back
    QStringList tables; // "schema.table": what streams back (the publication's, or test_decoding's filter)
};

// Creates the publication (FOR TABLE every migrated, logged table) and the slot on the new
// server's database, replacing any left by an earlier attempt.
FallbackSlot createFallbackSlot(pg::Connection &newServer, const pg::ConnInfo &newServerInfo,
                                const QString &name, const QList<load::SourceTable> &tables);

// What the new server lacks for a fallback of one database, checked before the cutover touches
// the source: wal_level logical, a free replication slot and WAL sender, the REPLICATION right.
// One line per gap ("wal_level is replica, not logical"); empty when nothing is missing.
QStringList fallbackPrerequisiteGaps(pg::Connection &newServer);

// The stream from the new server back into the old one.
StreamConfig fallbackStreamConfig(const pg::ConnInfo &newServer, const pg::ConnInfo &oldServer,
                                  const QString &name, const FallbackSlot &slot,
                                  const QString &newServerEncoding, const QString &spoolDir, bool keepOwners);

// Whether the old server can take the new server's tables as they are now: each migrated table
// must exist on the old server with every column the new server has, of the same type name.
// Returns one line per difference ("public.orders: column note (text) is not on the old server").
QStringList fallbackSchemaGaps(pg::Connection &newServer, pg::Connection &oldServer,
                               const QList<load::SourceTable> &tables);

// Drops the slot (waiting for its walsender to let go), the publication on the new server and
// the origin on the old one. Each failure is logged with the statement that would finish it.
void removeFallbackObjects(pg::Connection &newServer, pg::Connection &oldServer, const QString &name,
                           const std::function<void(const QString &)> &log);

} // namespace pgferry::engine
