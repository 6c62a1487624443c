// The real WizardServices: core's inventory, project files, secrets, recent files and engines.
// The assessment and Azure parts are interim here and marked so; each becomes a call into core
// when core/assess's full assessment and core/azure land.
#pragma once

#include "wizardservices.h"

class QSettings;

#include <QCoreApplication>

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
    std::optional<engine::MigrationStatus> lastRunStatus(const project::Project &project) override;
    std::unique_ptr<engine::MigrationEngine> createEngine(const project::Project &project, const Credentials &credentials, QString *error) override;
    QString reportHtml(const project::Project &project, const engine::MigrationStatus &status) override;
    QString reportJson(const project::Project &project, const engine::MigrationStatus &status) override;

    // Where recent files are kept; nullptr: the application's settings.
    void setRecentSettings(QSettings *settings) { m_recentSettings = settings; }

private:
    QSettings *m_recentSettings = nullptr;
};

} // namespace pgferry::wizard
