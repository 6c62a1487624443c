// Tells a slow server from a stalled link. A session that has sent nothing for a while may be busy
// (a long scan before the first row of a ctid range, a lock wait) or cut off by a network path that
// keeps the socket open and forwards nothing. A second, short-lived connection asks the server what
// the session is doing: gone, or waiting for us while we wait for it, means the link is stalled.
#pragma once

#include "pg/connection.h"

namespace pgferry::pg {

// A probe for Connection::setLivenessProbe() watching the session `backendPid` of the server
// `info` points at. It answers empty (still working) or why the session is stalled: the server
// does not accept a new connection within `connectTimeout`, the session no longer exists, or it
// waits for the client (ClientRead/ClientWrite, idle). A stalled session is terminated on the
// server when possible, so that it does not keep its snapshot and locks. `note` (may be empty) hears
// what a busy session waits for (e.g. a lock), once per probe.
Connection::LivenessProbe
sessionLivenessProbe(const ConnInfo &info, int backendPid,
                     std::chrono::milliseconds connectTimeout = std::chrono::seconds(10),
                     std::function<void(const QString &)> note = {});

// The idle time before probing: PGFERRY_STALL_PROBE_SECONDS when set (tests), else 30 s.
std::chrono::milliseconds livenessIdleDefault();

} // namespace pgferry::pg
