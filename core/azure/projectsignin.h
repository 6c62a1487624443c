// Signing in to Azure Resource Manager for a project: its cloud (project.azure.cloud or its cloud
// configuration file) and a credential from AZURE_TENANT_ID / AZURE_CLIENT_ID / AZURE_CLIENT_SECRET,
// else the keychain sign-in kept by `pgferry-cli azure login`. Shared by the managed engine and the
// assessment's ARM checks so that both sign in the same way.
#pragma once

#include "azure/cloud.h"
#include "azure/credential.h"
#include "azure/tokenstore.h"
#include "project/project.h"

#include <memory>
#include <optional>

namespace pgferry::azure {

struct ProjectSignIn
{
    Cloud cloud;
    std::unique_ptr<TokenStore> store;      // the keychain, when the sign-in came from there
    std::unique_ptr<Credential> credential; // declared after the store it may save to: destroyed first

    // The project's cloud, or nullopt with *error (an unknown cloud name, an unreadable file).
    static std::optional<Cloud> cloudOf(const project::Project &project, QString *error);
    // The cloud and a credential, or nullopt with *error saying what to set.
    static std::optional<ProjectSignIn> forProject(const project::Project &project, QString *error);
};

} // namespace pgferry::azure
