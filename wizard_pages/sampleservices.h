// WizardServices with canned answers and no servers: a sample project, server inventory,
// assessment, Azure sign-in and a running migration's status. For `pgferry --screenshots` and
// for tests of pages that need no real server.
#pragma once

#include "wizardservices.h"

#include <QCoreApplication>

namespace pgferry::wizard {

class SampleServices : public WizardServices
{
    Q_DECLARE_TR_FUNCTIONS(SampleServices)

public:
    static project::Project sampleProject();
    static assess::ServerInventory sampleInventory();
    static AssessmentResult sampleAssessment();
    // A running online migration `seconds` after it started (full load, then streaming).
    static engine::MigrationStatus sampleStatus(double seconds);
    // The same run after cutover.
    static engine::MigrationStatus sampleCompletedStatus();

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
    std::unique_ptr<engine::MigrationEngine>
    createEngine(const project::Project &project, const Credentials &credentials, QString *error) override;
    QString reportHtml(const project::Project &project, const engine::MigrationStatus &status) override;
    QString reportJson(const project::Project &project, const engine::MigrationStatus &status) override;
    SizingResult recommendServerSize(const project::Project &project, const Credentials &credentials,
                                     std::chrono::milliseconds sample) override;
};

} // namespace pgferry::wizard
