// The replication clean-up at the end of an online cutover (cleanup.h).
#include "cutover/cleanup.h"

#include "cdc/applier.h"
#include "cdc/ddlcapture.h"

#include <QThread>

namespace pgferry::cutover {

void removeReplication(pg::Connection &src, pg::Connection &target, const QString &name,
                       bool eventTriggerCapture, const std::function<void(const QString &)> &log)
{
    // The walsender that streamed may take a moment to let go of the slot.
    for (int attempt = 0; attempt < 100; ++attempt) {
        pg::Result r =
            src.exec(QStringLiteral("SELECT active FROM pg_replication_slots WHERE slot_name = $1"), {name});
        if (r.rows() == 0)
            break;
        if (!r.toBool(0, 0) && !src.tryExec(QStringLiteral("SELECT pg_drop_replication_slot($1)"), {name}))
            break;
        QThread::msleep(100);
    }
    if (src.exec(QStringLiteral("SELECT 1 FROM pg_replication_slots WHERE slot_name = $1"), {name}).rows() >
        0)
        log(QStringLiteral(
                "could not drop the replication slot %1: drop it with SELECT pg_drop_replication_slot('%1')")
                .arg(name));
    // The capture goes before the publication (its trigger names it).
    if (eventTriggerCapture) {
        for (const QString &st : cdc::ddlCaptureRemoveSql(cdc::DdlCaptureNames{name}))
            if (auto err = src.tryExec(st))
                log(QStringLiteral("could not remove the schema-change capture from the source (%1): run %2")
                        .arg(err->toString(), st));
        log(QStringLiteral("removed the schema-change capture from the source"));
    }
    src.tryExec(QStringLiteral("DROP PUBLICATION IF EXISTS ") + src.quoteIdent(name));
    cdc::Applier::dropOrigin(target, name);
}

} // namespace pgferry::cutover
