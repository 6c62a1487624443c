// Creates the engine a project asks for: the local engine or Azure's managed migration service.
#pragma once

#include "engine/migrationengine.h"
#include "project/project.h"

#include <memory>

namespace pgferry::engine {

// Returns nullptr and sets *error when the engine cannot be created (e.g. missing secrets).
std::unique_ptr<MigrationEngine> createEngine(const project::Project &project, QString *error);

} // namespace pgferry::engine
