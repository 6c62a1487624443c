#include "engine/enginefactory.h"

#include "azure/managedengine.h"

namespace pgferry::engine {

std::unique_ptr<MigrationEngine> createEngine(const project::Project &project, QString *error)
{
    if (project.engine == project::Engine::Azure) {
        // Azure's managed migration service: credentials from AZURE_* or the keychain sign-in,
        // passwords from PGFERRY_SOURCE_PASSWORD / PGFERRY_TARGET_PASSWORD.
        return azure::ManagedEngine::fromEnvironment(project, error);
    }
    // The local engine is being built (issues 5-6); until it lands this says so.
    if (error)
        *error = QStringLiteral("the %1 engine is not available in this build").arg(project::engineName(project.engine));
    return nullptr;
}

} // namespace pgferry::engine
