#include "engine/enginefactory.h"

namespace pgferry::engine {

std::unique_ptr<MigrationEngine> createEngine(const project::Project &project, QString *error)
{
    // The engines are being built (issues 5-7); until they land this says so.
    if (error)
        *error = QStringLiteral("the %1 engine is not available in this build").arg(project::engineName(project.engine));
    return nullptr;
}

} // namespace pgferry::engine
