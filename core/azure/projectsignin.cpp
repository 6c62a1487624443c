#include "azure/projectsignin.h"
#include "azure/keychaintokenstore.h"

#include <QProcessEnvironment>

namespace pgferry::azure {

std::optional<Cloud> ProjectSignIn::cloudOf(const project::Project &project, QString *error)
{
    QString why;
    std::optional<Cloud> cloud;
    if (!project.azure.cloudConfigFile.isEmpty())
        cloud = Cloud::fromFile(project.azure.cloudConfigFile, &why);
    else if (!(cloud = Cloud::builtin(project.azure.cloud.isEmpty() ? QStringLiteral("AzureCloud")
                                                                    : project.azure.cloud)))
        why = QStringLiteral("unknown Azure cloud \"%1\"; use AzureCloud, AzureChinaCloud, AzureUSGovernment "
                             "or a cloud configuration file")
                  .arg(project.azure.cloud);
    if (!cloud && error)
        *error = why;
    return cloud;
}

std::optional<ProjectSignIn> ProjectSignIn::forProject(const project::Project &project, QString *error)
{
    ProjectSignIn s;
    const auto cloud = cloudOf(project, error);
    if (!cloud)
        return std::nullopt;
    s.cloud = *cloud;
    QString why;
    s.credential = Credential::fromEnvironment(s.cloud, project.azure.tenantId, &why);
    if (!s.credential && why.isEmpty()) {
        s.store = std::make_unique<KeychainTokenStore>();
        QString tenant = project.azure.tenantId;
        if (tenant.isEmpty())
            tenant = QProcessEnvironment::systemEnvironment().value(QStringLiteral("AZURE_TENANT_ID"),
                                                                    QStringLiteral("organizations"));
        s.credential = Credential::fromStore(s.cloud, tenant, *s.store, &why);
    }
    if (!s.credential) {
        if (error)
            *error = why;
        return std::nullopt;
    }
    return s;
}

} // namespace pgferry::azure
