// The end of an online cutover on the replication side: the forward stream's slot, schema-change
// capture, publication and replication origin are removed, so that neither server keeps anything
// for a stream that is over.
#pragma once

#include "pg/connection.h"

#include <QString>
#include <functional>

namespace pgferry::cutover {

// Drops the replication slot `name` on `src` (waiting while its walsender lets go), removes the
// schema-change capture when it is the event-trigger one, drops the publication `name`, and the
// replication origin `name` on `target`. A slot that stays and a capture statement that fails are
// logged with what to run by hand; the cutover goes on either way.
void removeReplication(pg::Connection &src, pg::Connection &target, const QString &name,
                       bool eventTriggerCapture, const std::function<void(const QString &)> &log);

} // namespace pgferry::cutover
