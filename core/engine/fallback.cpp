#include "engine/fallback.h"

#include "cdc/applier.h"
#include "pg/replication.h"

#include <QHash>
#include <QSet>
#include <QThread>

namespace pgferry::engine {

using namespace std::chrono_literals;

QString fallbackObjectName(const QString &forwardName)
{
    return forwardName + QStringLiteral("_fb");
}

FallbackSlot createFallbackSlot(pg::Connection &newServer, const pg::ConnInfo &newServerInfo,
                                const QString &name, const QList<load::SourceTable> &tables)
{
    FallbackSlot slot;
    slot.plugin =
        newServer.serverVersion() >= 100000 ? QStringLiteral("pgoutput") : QStringLiteral("test_decoding");
    QStringList list;
    for (const load::SourceTable &t : tables)
        if (!t.unlogged) {
            list << newServer.qualified(t.schema, t.name);
            slot.tables << t.qualifiedName();
        }
    if (slot.plugin == u"pgoutput") {
        // The publication exists before the slot: decoding looks it up as of each change.
        newServer.exec(QStringLiteral("DROP PUBLICATION IF EXISTS ") + newServer.quoteIdent(name));
        newServer.exec(list.isEmpty()
                           ? QStringLiteral("CREATE PUBLICATION %1").arg(newServer.quoteIdent(name))
                           : QStringLiteral("CREATE PUBLICATION %1 FOR TABLE %2")
                                 .arg(newServer.quoteIdent(name), list.join(QStringLiteral(", "))));
    }
    // A slot left by an attempt that died before it was journaled holds nothing we need.
    newServer.tryExec(QStringLiteral("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                                     "WHERE slot_name = $1 AND NOT active"),
                      {name});
    pg::ReplicationConnection rc = pg::ReplicationConnection::open(newServerInfo, {.timeout = 15s});
    slot.lsn = rc.createLogicalSlot(name, slot.plugin, false).consistentPoint;
    return slot;
}

QStringList fallbackPrerequisiteGaps(pg::Connection &newServer)
{
    const pg::Result r = newServer.exec(QStringLiteral(
        "SELECT current_setting('wal_level'), "
        "current_setting('max_replication_slots')::int - (SELECT count(*) FROM pg_replication_slots), "
        "current_setting('max_wal_senders')::int - (SELECT count(*) FROM pg_stat_replication), "
        "(SELECT rolsuper OR rolreplication FROM pg_roles WHERE rolname = current_user), current_user"));
    QStringList gaps;
    if (r.text(0, 0) != u"logical")
        gaps << QStringLiteral("wal_level is %1, not logical (set it and restart the target)")
                    .arg(r.text(0, 0));
    if (r.toInt(0, 1) < 1)
        gaps << QStringLiteral("no replication slot is free (raise max_replication_slots)");
    if (r.toInt(0, 2) < 1)
        gaps << QStringLiteral("no WAL sender is free (raise max_wal_senders)");
    if (!r.toBool(0, 3))
        gaps << QStringLiteral("the user \"%1\" lacks the REPLICATION right (ALTER ROLE %2 WITH REPLICATION)")
                    .arg(r.text(0, 4), newServer.quoteIdent(r.text(0, 4)));
    return gaps;
}

StreamConfig fallbackStreamConfig(const pg::ConnInfo &newServer, const pg::ConnInfo &oldServer,
                                  const QString &name, const FallbackSlot &slot,
                                  const QString &newServerEncoding, const QString &spoolDir, bool keepOwners)
{
    StreamConfig sc;
    sc.source = newServer;
    sc.target = oldServer;
    sc.slot = name;
    sc.publication = name;
    sc.originName = name;
    sc.plugin = slot.plugin;
    sc.startLsn = slot.lsn;
    sc.spoolDir = spoolDir;
    sc.sourceEncoding = newServerEncoding;
    sc.keepOwners = keepOwners;
    sc.applier.asReplica = true;
    if (slot.plugin == u"test_decoding")
        for (const QString &t : slot.tables)
            sc.streamedTables.insert(t);
    return sc;
}

QStringList fallbackSchemaGaps(pg::Connection &newServer, pg::Connection &oldServer,
                               const QList<load::SourceTable> &tables)
{
    // Compared with each side's own catalog reader, so both describe types alike.
    project::DatabaseSelection all;
    QHash<QString, load::SourceTable> onOld;
    for (const load::SourceTable &t : load::readTables(oldServer, all))
        onOld.insert(t.qualifiedName(), t);
    QHash<QString, load::SourceTable> onNew;
    for (const load::SourceTable &t : load::readTables(newServer, all))
        onNew.insert(t.qualifiedName(), t);
    QSet<QString> migrated;
    QSet<QString> schemas;
    for (const load::SourceTable &t : tables) {
        migrated.insert(t.qualifiedName());
        schemas.insert(t.schema);
    }
    QStringList gaps;
    for (const load::SourceTable &t : tables) {
        if (t.unlogged)
            continue;
        const auto n = onNew.constFind(t.qualifiedName());
        if (n == onNew.constEnd())
            continue; // dropped on the new server: nothing streams for it
        const auto o = onOld.constFind(t.qualifiedName());
        if (o == onOld.constEnd()) {
            gaps << QStringLiteral("%1: the table is not on the old server").arg(t.qualifiedName());
            continue;
        }
        QHash<QString, QString> oldColumns;
        for (const load::SourceColumn &c : o->columns)
            oldColumns.insert(c.name, c.typeName);
        for (const load::SourceColumn &c : n->columns) {
            if (c.generated)
                continue; // computed again where it is stored
            if (!oldColumns.contains(c.name))
                gaps << QStringLiteral(
                            "%1: column %2 (%3) was added on the new server and is not on the old one")
                            .arg(t.qualifiedName(), c.name, c.typeName);
            else if (oldColumns.value(c.name) != c.typeName)
                gaps << QStringLiteral("%1: column %2 is %3 on the new server but %4 on the old one")
                            .arg(t.qualifiedName(), c.name, c.typeName, oldColumns.value(c.name));
        }
    }
    // Tables created on the new server after the cutover, in the migrated schemas: their rows
    // would stay behind.
    for (auto it = onNew.constBegin(); it != onNew.constEnd(); ++it)
        if (schemas.contains(it->schema) && !migrated.contains(it.key()) && !onOld.contains(it.key()) &&
            it->schema != u"_pgferry")
            gaps << QStringLiteral(
                        "%1: the table was created on the new server after the cutover; the old server does "
                        "not have it")
                        .arg(it.key());
    gaps.sort();
    return gaps;
}

void removeFallbackObjects(pg::Connection &newServer, pg::Connection &oldServer, const QString &name,
                           const std::function<void(const QString &)> &log)
{
    // The walsender that streamed may take a moment to let go of the slot.
    for (int attempt = 0; attempt < 100; ++attempt) {
        pg::Result r = newServer.exec(
            QStringLiteral("SELECT active FROM pg_replication_slots WHERE slot_name = $1"), {name});
        if (r.rows() == 0)
            break;
        if (!r.toBool(0, 0) &&
            !newServer.tryExec(QStringLiteral("SELECT pg_drop_replication_slot($1)"), {name}))
            break;
        QThread::msleep(100);
    }
    if (newServer.exec(QStringLiteral("SELECT 1 FROM pg_replication_slots WHERE slot_name = $1"), {name})
            .rows() > 0)
        log(QStringLiteral(
                "could not drop the fallback's replication slot %1 on the new server: drop it with SELECT "
                "pg_drop_replication_slot('%1')")
                .arg(name));
    if (newServer.serverVersion() >= 100000)
        if (auto err =
                newServer.tryExec(QStringLiteral("DROP PUBLICATION IF EXISTS ") + newServer.quoteIdent(name)))
            log(QStringLiteral("could not drop the fallback's publication %1 on the new server (%2)")
                    .arg(name, err->toString()));
    try {
        cdc::Applier::dropOrigin(oldServer, name);
    } catch (const pg::Exception &ex) {
        log(QStringLiteral(
                "could not drop the fallback's replication origin %1 on the old server (%2): drop it with "
                "SELECT pg_replication_origin_drop('%1')")
                .arg(name, ex.error().toString()));
    }
}

} // namespace pgferry::engine
