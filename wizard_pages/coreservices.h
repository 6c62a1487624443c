// The real WizardServices: core's inventory, assessment, project files, secrets, recent files, Azure
// sessions and engines.
#pragma once

#include "coreazuresession.h"
#include "wizardservices.h"

class QSettings;

#include <QCoreApplication>

namespace pgferry::wizard {

class CoreServices : public WizardServices
{
    Q_DECLARE_TR_FUNCTIONS(CoreServices)

public:
    ConnectionCheck testConnection(const pg::ConnInfo &info) override;
    std::optional<QList<assess::TableInventory>> listTables(const pg::ConnInfo &info,
                                                            QString *error) override;
    AssessmentResult assess(const project::Project &project, const Credentials &credentials) override;

    std::unique_ptr<AzureSession> createAzureSession(const project::AzureContext &ctx) override;

    std::optional<project::Project> loadProject(const QString &path, QString *error) override;
    bool saveProject(const project::Project &project, const QString &path, QString *error) override;
    QString storedPassword(const project::Project &project, Role role) override;
    bool storePassword(const project::Project &project, Role role, const QString &password,
                       QString *error) override;
    QStringList recentFiles() override;
    void addRecentFile(const QString &path) override;
    std::optional<engine::MigrationStatus> lastRunStatus(const project::Project &project) override;
    bool hasLiveRun(const project::Project &project) override;
    std::unique_ptr<engine::MigrationEngine>
    createEngine(const project::Project &project, const Credentials &credentials, QString *error) override;
    QString reportHtml(const project::Project &project, const engine::MigrationStatus &status) override;
    QString reportJson(const project::Project &project, const engine::MigrationStatus &status) override;

    // Where recent files are kept; nullptr: the application's settings.
    void setRecentSettings(QSettings *settings) { m_recentSettings = settings; }
    // Azure: how new sessions are made (`pgferry --cloud-config FILE`, and tests' fakes).
    void setAzureConfig(const CoreAzureSession::Config &config) { m_azure = config; }
    const CoreAzureSession::Config &azureConfig() const { return m_azure; }

private:
    QSettings *m_recentSettings = nullptr;
    CoreAzureSession::Config m_azure;
};

} // namespace pgferry::wizard
