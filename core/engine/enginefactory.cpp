#include "engine/enginefactory.h"

#include "azure/entrapasswordsource.h"
#include "azure/managedengine.h"
#include "engine/attachedengine.h"
#include "engine/localengine.h"
#include "engine/runfiles.h"
#include "project/secretstore.h"

namespace pgferry::engine {

std::unique_ptr<MigrationEngine> createEngine(const project::Project &project, QString *error)
{
    if (project.engine == project::Engine::Azure) {
        // Azure's managed migration service: the Azure sign-in from AZURE_* or the keychain, and
        // both server passwords (which the service needs) from SecretStore.
        return azure::ManagedEngine::fromEnvironment(project, error);
    }
    // A missing keychain is only a hint: the environment or libpq's passfile may still supply
    // the password, and a connection that needs one says so with advice.
    QString hint;
    LocalEngineConfig c;
    c.project = project;
    c.source = project::resolveConnInfo(project, project::Role::Source, project.source.database, &hint);
    c.target = azure::resolveConnInfo(project, project::Role::Target, project.target.database, &hint);
    QString why;
    c.stateDir = project::runStateDir(project, &why);
    if (c.stateDir.isEmpty()) {
        if (error)
            *error = why;
        return nullptr;
    }
    return std::make_unique<LocalEngine>(c);
}

std::unique_ptr<MigrationEngine> attachToLiveRun(const project::Project &project)
{
    const QString dir = project::runStateDir(project);
    const RunFiles::LiveRun run = RunFiles::liveRun(dir);
    if (!run.pid)
        return nullptr;
    return std::make_unique<AttachedEngine>(dir, run);
}

} // namespace pgferry::engine
