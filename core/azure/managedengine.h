// The managed engine: runs a migration with Azure's own migration service. Creates
// Microsoft.DBforPostgreSQL/flexibleServers/{target}/migrations/{name} over ARM (or adopts the
// one a previous run created), polls it, maps its state, substate and per-database counters onto
// MigrationStatus, triggers cutover with a PATCH when the administrator confirms, cancels with a
// DELETE, and reports Azure's validation failures with their codes and remedies. Passwords go only
// into the create request's body. Never blocks: every call is asynchronous on the owning thread.
#pragma once

#include "azure/armapi.h"
#include "azure/azuremigration.h"
#include "azure/resourceid.h"
#include "engine/migrationengine.h"
#include "project/project.h"

#include <QPointer>
#include <QTimer>

#include <memory>

namespace pgferry::azure {

class ArmCall;
class ArmClient;
class Credential;
class TokenStore;

class ManagedEngine : public engine::MigrationEngine
{
    Q_OBJECT
public:
    struct Options
    {
        int pollIntervalMs = 15000; // Azure updates the migration every 10-30 s
        int maxPollFailures = 5;    // consecutive failed polls before the run is reported failed
    };

    // client must outlive the engine unless handed over with adopt().
    ManagedEngine(const project::Project &project, const QString &sourcePassword,
                  const QString &targetPassword, ArmClient *client, QObject *parent = nullptr);
    ManagedEngine(const project::Project &project, const QString &sourcePassword,
                  const QString &targetPassword, ArmClient *client, const Options &options,
                  QObject *parent = nullptr);
    ~ManagedEngine() override;

    // For engine::createEngine: the engine keeps these alive.
    void adopt(std::unique_ptr<Credential> credential, std::unique_ptr<ArmClient> client,
               std::unique_ptr<TokenStore> store = {});

    // Builds an engine from the project and the environment: the cloud (project.azure.cloud or its
    // cloud configuration file), AZURE_* client secret or the keychain sign-in, the passwords from
    // the keychain or PGFERRY_SOURCE_PASSWORD / PGFERRY_TARGET_PASSWORD (not needed to cancel), the
    // poll interval from PGFERRY_AZURE_POLL_SECONDS (default 15), and the project's run state folder
    // for status.json. Checks project::checkRunnable() first. nullptr with *error otherwise.
    enum class Purpose { Run, Cancel };
    static std::unique_ptr<ManagedEngine> fromEnvironment(const project::Project &project, QString *error,
                                                          Purpose purpose = Purpose::Run);

    // Where publish() also writes status.json (engine::RunFiles) for `pgferry-cli status`; empty: nowhere.
    void setStateDir(const QString &stateDir) { m_stateDir = stateDir; }

    void start(Until until) override;
    bool requestCutover(QString *whyNot = nullptr) override;
    void stop() override;
    engine::MigrationStatus status() const override;
    // Cancels the migration in Azure (DELETE, api 2025-08-01); finished(false) follows, state Cancelled.
    void cancelMigration();

    ResourceId targetServer() const { return m_target; }
    QString migrationName() const { return m_name; }
    AzureMigration lastMigration() const { return m_last; }

    // The default migration name for a project: "pgferry" + the project id's letters and digits.
    static QString defaultMigrationName(const project::Project &project);
    // Checks what Azure's service cannot do (renamed databases, table filters, > 50 databases,
    // restoring without owners or grants): the first refusal, or empty.
    static QString checkProject(const project::Project &project);
    // The project's settings that Azure's service does not honour, one warning each ("settings.jobs:
    // ..."), with the reason and what to do instead. start() logs them; `project new/check` print them.
    static QStringList ignoredSettings(const project::Project &project);
    // The migration's sourceType, from the source's host name (AWS RDS and Aurora, EC2, an Azure VM,
    // an Azure flexible server, DigitalOcean, Supabase, ApsaraDB); OnPremises otherwise.
    static QString sourceTypeFor(const project::Project &project);
    // Where the target server is: project.target.azureResourceId, else project.azure's parts.
    static std::optional<ResourceId> targetOf(const project::Project &project, QString *error);
    // Maps Azure's report onto the progress model (base carries project id, mode, databases).
    static engine::MigrationStatus mapStatus(const AzureMigration &m, const engine::MigrationStatus &base);

private:
    void fail(const QString &message);
    void readServer();
    void readOrCreateMigration();
    void createMigration();
    void poll();
    void apply(const AzureMigration &m);
    void finish(engine::RunState state, bool success);
    void addError(const QString &e);
    void log(const QString &line);
    void publish();
    void track(ArmCall *call);

    project::Project m_project;
    QString m_sourcePassword;
    QString m_targetPassword;
    ArmClient *m_client;
    Options m_options;
    QString m_stateDir;
    std::unique_ptr<TokenStore> m_ownStore;
    std::unique_ptr<Credential> m_ownCredential;
    std::unique_ptr<ArmClient> m_ownClient;
    ResourceId m_target;
    QString m_name;
    QString m_location;
    QString m_targetFqdn;
    Until m_until = Until::Done;
    engine::MigrationStatus m_status;
    AzureMigration m_last;
    QTimer m_pollTimer;
    QList<QPointer<ArmCall>> m_calls;
    int m_pollFailures = 0;
    bool m_running = false;
    bool m_cutoverRequested = false;
    bool m_cancelRequested = false;
};

} // namespace pgferry::azure
