// Creates the engine a project asks for: the local engine or Azure's managed migration service,
// or, for a project whose run is in progress in another process, an engine attached to that run.
#pragma once

#include "engine/migrationengine.h"
#include "project/project.h"

#include <memory>

namespace pgferry::engine {

// Returns nullptr and sets *error when the engine cannot be created (e.g. missing secrets).
std::unique_ptr<MigrationEngine> createEngine(const project::Project &project, QString *error);

// An AttachedEngine following the run of this project that another process (`pgferry-cli run`)
// has in progress; nullptr when none is. A front end that would start a run asks this first:
// a second engine on the same project fails (its slot and replication origin are in use).
std::unique_ptr<MigrationEngine> attachToLiveRun(const project::Project &project);

} // namespace pgferry::engine
