// The seam between the wizard and core: every call that touches a server, a file, the keychain,
// Azure or an engine goes through WizardServices. Calls documented as blocking run on a worker
// thread (see backgroundtask.h); pages never call them on the GUI thread and never run SQL.
// CoreServices is the real implementation; SampleServices feeds screenshots; tests bring theirs.
#pragma once

#include "assess/check.h"
#include "assess/serverinventory.h"
#include "engine/migrationengine.h"
#include "project/project.h"
#include "project/secretstore.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <memory>
#include <optional>

namespace pgferry::wizard {

using assess::Severity; // Pass, Info, Warning, Blocker
using project::Role;

struct AssessmentItem
{
    QString id;
    Severity severity = Severity::Info;
    QString database; // empty: the whole server
    QStringList objects;
    QString message;
    QString remediation;
};

struct AssessmentResult
{
    bool ran = false;
    QString error; // the assessment could not run: why
    QList<AssessmentItem> items;
    QString fixScript; // SQL that fixes what can be fixed by SQL
    QString json;
    QString html;

    int count(Severity s) const;
    // The worst severity that concerns `database` (items without a database concern all of them).
    Severity worst(const QString &database = {}) const;
};

struct ConnectionCheck
{
    bool ok = false;
    QString message; // on failure: what happened and what to do
    assess::ServerInventory inventory;
};

// Passwords typed in this session; never written to the project file.
struct Credentials
{
    QString sourcePassword;
    QString targetPassword;
    bool rememberSource = false;
    bool rememberTarget = false;
};

struct AzureDeviceCode
{
    QString userCode;
    QString verificationUri;
    QString message;
};

struct AzureServer
{
    QString name;
    QString fqdn;
    QString resourceId;
    QString version;
    QString location;
};

struct AzureServerSpec
{
    QString name;
    QString version = QStringLiteral("16");
    QString sku = QStringLiteral("Standard_D2ds_v5");
    int storageGb = 128;
    QString location = QStringLiteral("westeurope");
    QString adminUser;
};

class WizardServices
{
public:
    virtual ~WizardServices() = default;

    // Blocking: connects (password in `info`), reads the server's facts and lists its databases.
    virtual ConnectionCheck testConnection(const pg::ConnInfo &info) = 0;
    // Blocking: the tables of one database, for the table filter dialog.
    virtual std::optional<QList<assess::TableInventory>> listTables(const pg::ConnInfo &info, QString *error) = 0;
    // Blocking: assesses source (and target when set) for the project.
    virtual AssessmentResult assess(const project::Project &project, const Credentials &credentials) = 0;

    // Blocking, Azure: device-code sign-in in two steps, then the pickers and actions.
    virtual std::optional<AzureDeviceCode> azureBeginSignIn(const project::AzureContext &ctx, QString *error) = 0;
    virtual bool azureCompleteSignIn(QString *error) = 0;
    virtual QStringList azureSubscriptions(QString *error) = 0;
    virtual QStringList azureResourceGroups(const QString &subscription, QString *error) = 0;
    virtual QList<AzureServer> azureServers(const QString &subscription, const QString &resourceGroup, QString *error) = 0;
    virtual std::optional<AzureServer> azureCreateServer(const project::AzureContext &ctx, const AzureServerSpec &spec,
                                                         const QString &adminPassword, QString *error) = 0;
    virtual bool azureAddFirewallRule(const project::AzureContext &ctx, QString *error) = 0;

    // GUI thread, quick: files, keychain, recent files, engines.
    virtual std::optional<project::Project> loadProject(const QString &path, QString *error) = 0;
    virtual bool saveProject(const project::Project &project, const QString &path, QString *error) = 0;
    virtual QString storedPassword(const project::Project &project, Role role) = 0;
    virtual bool storePassword(const project::Project &project, Role role, const QString &password, QString *error) = 0;
    virtual QStringList recentFiles() = 0;
    virtual void addRecentFile(const QString &path) = 0;
    // The engine for the project (a new run, or the resumption of one). nullptr and *error when
    // it cannot be created.
    // The last status the project's run recorded, if it ever ran (from its run state folder).
    virtual std::optional<engine::MigrationStatus> lastRunStatus(const project::Project &project) = 0;
    virtual std::unique_ptr<engine::MigrationEngine> createEngine(const project::Project &project,
                                                                  const Credentials &credentials, QString *error) = 0;
    // The run's report for export.
    virtual QString reportHtml(const project::Project &project, const engine::MigrationStatus &status) = 0;
    virtual QString reportJson(const project::Project &project, const engine::MigrationStatus &status) = 0;
};

using ServicesPtr = std::shared_ptr<WizardServices>;

} // namespace pgferry::wizard
