// The seam between the wizard and core: every call that touches a server, a file, the keychain,
// Azure or an engine goes through WizardServices. Calls documented as blocking run on a worker
// thread (see backgroundtask.h); pages never call them on the GUI thread and never run SQL.
// CoreServices is the real implementation; SampleServices feeds screenshots; tests bring theirs.
#pragma once

#include "azuresession.h"

#include "assess/assessmentreport.h"
#include "assess/check.h"
#include "assess/serverinventory.h"
#include "azure/sizing.h"
#include "engine/backup.h"
#include "engine/migrationengine.h"
#include "project/project.h"
#include "project/secretstore.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <chrono>
#include <functional>
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
    QString json;      // the report as core renders it (assess::AssessmentReport), for export
    QString html;

    // The findings, fix script and renderings of a report core produced (`title` heads the page).
    static AssessmentResult fromReport(const assess::AssessmentReport &report, const QString &title);
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
    // A target that signs in with Microsoft Entra ID: where its tokens come from (made on the GUI
    // thread by entraTokenSource(), used by the workers); no password then.
    std::shared_ptr<pg::PasswordSource> targetPasswordSource;
};

// A flexible server sized from the source (core/azure/sizing), or why it could not be measured.
struct SizingResult
{
    QString error;
    azure::SizeRecommendation recommendation;
    bool ok() const { return error.isEmpty(); }
};

class WizardServices
{
public:
    virtual ~WizardServices() = default;

    // The target's password source when it signs in with Microsoft Entra ID: tokens from the
    // project's Azure sign-in (AZURE_* or the kept `pgferry-cli azure login`), fetched when a
    // connection opens. Quick; call it on the GUI thread (it may read the keychain).
    virtual std::shared_ptr<pg::PasswordSource> entraTokenSource(const project::Project &project);
    // Blocking: connects (password in `info`), reads the server's facts and lists its databases.
    virtual ConnectionCheck testConnection(const pg::ConnInfo &info) = 0;
    // Blocking: the tables of one database, for the table filter dialog.
    virtual std::optional<QList<assess::TableInventory>> listTables(const pg::ConnInfo &info,
                                                                    QString *error) = 0;
    // Blocking: assesses source (and target when set) for the project.
    virtual AssessmentResult assess(const project::Project &project, const Credentials &credentials) = 0;

    // Azure: a new, signed-out session for the project's cloud and tenant. It belongs to the caller;
    // its calls never block (see azuresession.h).
    virtual std::unique_ptr<AzureSession> createAzureSession(const project::AzureContext &ctx) = 0;

    // GUI thread, quick: files, keychain, recent files, engines.
    virtual std::optional<project::Project> loadProject(const QString &path, QString *error) = 0;
    virtual bool saveProject(const project::Project &project, const QString &path, QString *error) = 0;
    virtual QString storedPassword(const project::Project &project, Role role) = 0;
    virtual bool storePassword(const project::Project &project, Role role, const QString &password,
                               QString *error) = 0;
    virtual QStringList recentFiles() = 0;
    virtual void addRecentFile(const QString &path) = 0;
    // The last status the project's run recorded, if it ever ran (from its run state folder).
    virtual std::optional<engine::MigrationStatus> lastRunStatus(const project::Project &project) = 0;
    // Whether another process (`pgferry-cli run`) has this project's run in progress; createEngine
    // then returns an engine attached to it (engine::AttachedEngine) rather than a second run.
    virtual bool hasLiveRun(const project::Project &project)
    {
        Q_UNUSED(project);
        return false;
    }
    // The engine for the project (a new run, the resumption of one, or the run in progress
    // elsewhere). nullptr and *error when it cannot be created.
    virtual std::unique_ptr<engine::MigrationEngine>
    createEngine(const project::Project &project, const Credentials &credentials, QString *error) = 0;
    // The run's report for export.
    virtual QString reportHtml(const project::Project &project, const engine::MigrationStatus &status) = 0;
    virtual QString reportJson(const project::Project &project, const engine::MigrationStatus &status) = 0;
    // Writes `content` to `path` atomically (a report, a fix script); false and *error (what, where,
    // why) when it cannot.
    virtual bool saveTextFile(const QString &path, const QString &content, QString *error);
    // Blocking: measures the project's source for `sample` (its chosen databases, or every database
    // before they are chosen) and recommends a flexible server, as `pgferry-cli azure size` does.
    virtual SizingResult recommendServerSize(const project::Project &project, const Credentials &credentials,
                                             std::chrono::milliseconds sample);
    // Blocking: the final backup of one source database, pg_dump -Fc into DIR/<database>.dump
    // (engine/backup, as `pgferry-cli backup-source`); `progress` gets the bytes written so far, on
    // the calling (worker) thread. The archive's size and checksum are added to the run's report;
    // when that fails, the result stays ok and `error` says why.
    virtual engine::BackupResult backupSourceDatabase(const project::Project &project,
                                                      const Credentials &credentials, const QString &database,
                                                      const QString &dir,
                                                      const std::function<void(qint64)> &progress);
};

using ServicesPtr = std::shared_ptr<WizardServices>;

} // namespace pgferry::wizard
