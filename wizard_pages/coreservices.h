// The real WizardServices: core's inventory, assessment, project files, secrets and engines.
// Parts whose core API is still being built are interim here and marked so; each is replaced
// by a call into core when that lands (projectfile.h, secretstore.h, recentfiles.h, assess, azure).
#pragma once

#include "wizardservices.h"

#include <QCoreApplication>
#include <QHash>
#include <QMutex>

namespace pgferry::wizard {

class CoreServices : public WizardServices
{
    Q_DECLARE_TR_FUNCTIONS(CoreServices)

public:
    ConnectionCheck testConnection(const pg::ConnInfo &info) override;
    std::optional<QList<assess::TableInventory>> listTables(const pg::ConnInfo &info, QString *error) override;
    AssessmentResult assess(const project::Project &project, const Credentials &credentials) override;

    std::optional<AzureDeviceCode> azureBeginSignIn(const project::AzureContext &ctx, QString *error) override;
    bool azureCompleteSignIn(QString *error) override;
    QStringList azureSubscriptions(QString *error) override;
    QStringList azureResourceGroups(const QString &subscription, QString *error) override;
    QList<AzureServer> azureServers(const QString &subscription, const QString &resourceGroup, QString *error) override;
    std::optional<AzureServer> azureCreateServer(const project::AzureContext &ctx, const AzureServerSpec &spec, const QString &adminPassword,
                                                 QString *error) override;
    bool azureAddFirewallRule(const project::AzureContext &ctx, QString *error) override;

    std::optional<project::Project> loadProject(const QString &path, QString *error) override;
    bool saveProject(const project::Project &project, const QString &path, QString *error) override;
    QString storedPassword(const project::Project &project, Role role) override;
    bool storePassword(const project::Project &project, Role role, const QString &password, QString *error) override;
    QStringList recentFiles() override;
    void addRecentFile(const QString &path) override;
    std::unique_ptr<engine::MigrationEngine> createEngine(const project::Project &project, const Credentials &credentials, QString *error) override;
    QString reportHtml(const project::Project &project, const engine::MigrationStatus &status) override;
    QString reportJson(const project::Project &project, const engine::MigrationStatus &status) override;

    // Interim project (de)serialisation until core/project/projectfile.h lands.
    static QJsonObject projectToJson(const project::Project &p);
    static std::optional<project::Project> projectFromJson(const QJsonObject &o, QString *error);

private:
    QMutex m_mutex;
    QHash<QString, QString> m_passwords; // interim, this session only, until secretstore.h lands
};

} // namespace pgferry::wizard
