// The maintenance connection to a server: the one that lists, creates and drops databases.
#pragma once

#include "pg/connection.h"
#include "pg/conninfo.h"

#include <functional>

namespace pgferry::pg {

// Opens the maintenance database named by `info` through `open` (which adds the caller's timeout,
// cancel flag and liveness probe). A URI may name the very database that is about to be created
// (postgresql://admin@host/shop with --database shop): when that database does not exist (3D000),
// postgres is tried, then template1, as createdb does. *used, when given, receives the parameters
// that connected. When none connects, the error is the first one, with what the others said.
Connection openMaintenance(const ConnInfo &info, const std::function<Connection(const ConnInfo &)> &open,
                           ConnInfo *used = nullptr);

} // namespace pgferry::pg
