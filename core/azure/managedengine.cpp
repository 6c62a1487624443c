#include "azure/managedengine.h"
#include "azure/armcall.h"
#include "azure/armclient.h"
#include "azure/credential.h"
#include "azure/projectsignin.h"
#include "engine/runfiles.h"
#include "project/projectfile.h"
#include "project/secretstore.h"

#include <QProcessEnvironment>

namespace pgferry::azure {

using engine::DatabasePhase;
using engine::RunState;

ManagedEngine::ManagedEngine(const project::Project &project, const QString &sourcePassword,
                             const QString &targetPassword, ArmClient *client, QObject *parent)
    : ManagedEngine(project, sourcePassword, targetPassword, client, Options{}, parent)
{}

ManagedEngine::ManagedEngine(const project::Project &project, const QString &sourcePassword,
                             const QString &targetPassword, ArmClient *client, const Options &options,
                             QObject *parent)
    : engine::MigrationEngine(parent), m_project(project), m_sourcePassword(sourcePassword),
      m_targetPassword(targetPassword), m_client(client), m_options(options)
{
    m_name =
        project.azure.migrationName.isEmpty() ? defaultMigrationName(project) : project.azure.migrationName;
    m_status.projectId = project.id;
    m_status.engine = QStringLiteral("azure");
    m_status.mode = project::modeName(project.mode);
    for (const project::DatabaseSelection &d : project.databases) {
        engine::DatabaseStatus ds;
        ds.name = d.name;
        ds.targetName = d.effectiveTarget();
        m_status.databases.append(ds);
    }
    m_pollTimer.setSingleShot(true);
    connect(&m_pollTimer, &QTimer::timeout, this, &ManagedEngine::poll);
}

ManagedEngine::~ManagedEngine()
{
    m_pollTimer.stop();
    for (const QPointer<ArmCall> &c : std::as_const(m_calls))
        if (c)
            c->cancel();
    // The client may be ours: destroy it before the credential it uses.
    m_ownClient.reset();
    m_ownCredential.reset();
}

void ManagedEngine::adopt(std::unique_ptr<Credential> credential, std::unique_ptr<ArmClient> client,
                          std::unique_ptr<TokenStore> store)
{
    m_ownStore = std::move(store);
    m_ownCredential = std::move(credential);
    m_ownClient = std::move(client);
    if (m_ownClient)
        m_client = m_ownClient.get();
}

std::unique_ptr<ManagedEngine> ManagedEngine::fromEnvironment(const project::Project &project, QString *error,
                                                              Purpose purpose)
{
    // What the project lacks comes first: no use signing in to a server the project does not name.
    if (const QStringList problems = project::checkRunnable(project); !problems.isEmpty()) {
        if (error)
            *error = problems.join(u'\n');
        return nullptr;
    }
    QString why;
    std::optional<ProjectSignIn> signIn = ProjectSignIn::forProject(project, &why);
    if (!signIn) {
        if (error)
            *error = why;
        return nullptr;
    }
    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // The service connects to both servers itself, so it needs both passwords (a passfile cannot help).
    QString passwords[2];
    for (const project::Role role : {project::Role::Source, project::Role::Target}) {
        if (purpose == Purpose::Cancel)
            break;
        QString keychainWhy;
        const auto pw = project::SecretStore::password(project, role, &keychainWhy);
        if (!pw || pw->isEmpty()) {
            if (error)
                *error =
                    QStringLiteral("Azure's migration service needs the %1 password: set %2 or store it in "
                                   "the keychain%3")
                        .arg(project::roleName(role), project::SecretStore::environmentVariable(role),
                             keychainWhy.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(keychainWhy));
            return nullptr;
        }
        passwords[role == project::Role::Source ? 0 : 1] = *pw;
    }
    const QString &sourcePassword = passwords[0];
    const QString &targetPassword = passwords[1];
    Options options;
    if (const QString poll = env.value(QStringLiteral("PGFERRY_AZURE_POLL_SECONDS")); !poll.isEmpty()) {
        bool ok = false;
        const double seconds = poll.toDouble(&ok);
        if (!ok || seconds < 0.01 || seconds > 3600) {
            if (error)
                *error = QStringLiteral("PGFERRY_AZURE_POLL_SECONDS is \"%1\"; expected a number of seconds "
                                        "from 0.01 to 3600 (default 15)")
                             .arg(poll.left(40));
            return nullptr;
        }
        options.pollIntervalMs = std::max(10, int(seconds * 1000));
    }
    // The status file is how `status` and `cutover` see this watch: without its folder, refuse.
    const QString stateDir = project::runStateDir(project, &why);
    if (stateDir.isEmpty()) {
        if (error)
            *error = why;
        return nullptr;
    }
    auto client = std::make_unique<ArmClient>(signIn->cloud, signIn->credential.get());
    auto eng =
        std::make_unique<ManagedEngine>(project, sourcePassword, targetPassword, client.get(), options);
    eng->adopt(std::move(signIn->credential), std::move(client), std::move(signIn->store));
    eng->setStateDir(stateDir);
    return eng;
}

QString ManagedEngine::defaultMigrationName(const project::Project &project)
{
    QString n = QStringLiteral("pgferry");
    for (const QChar c : project.id.toLower())
        if ((c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9'))
            n += c;
    return n.left(60);
}

QString ManagedEngine::checkProject(const project::Project &p)
{
    if (p.databases.isEmpty())
        return QStringLiteral("the project selects no databases; add at least one");
    if (p.databases.size() > 50)
        return QStringLiteral("Azure's migration service takes at most 50 databases per migration and the "
                              "project has %1; split it or use the local engine")
            .arg(p.databases.size());
    for (const project::DatabaseSelection &d : p.databases) {
        if (d.effectiveTarget() != d.name)
            return QStringLiteral("database %1 is renamed to %2 on the target, which Azure's migration "
                                  "service cannot do; keep the name or use the local engine")
                .arg(d.name, d.targetName);
        if (!d.includeTables.isEmpty() || !d.excludeTables.isEmpty())
            return QStringLiteral("database %1 has table filters, which Azure's migration service does not "
                                  "support; remove them or use the local engine")
                .arg(d.name);
    }
    if (p.source.host.isEmpty() || p.source.user.isEmpty())
        return QStringLiteral("the source needs a host and a user for Azure's migration service");
    // Asked for, and done otherwise by the service: the target would not be what the project says.
    if (p.settings.schema.noOwner)
        return QStringLiteral("settings.schema.no_owner: Azure's migration service restores every object "
                              "with its owner and cannot leave "
                              "ownership out; set it to false or use the local engine");
    if (p.settings.schema.noAcl)
        return QStringLiteral("settings.schema.no_acl: Azure's migration service restores the grants and "
                              "cannot leave them out; set it to "
                              "false or use the local engine");
    if (!p.azure.runtimeServer.isEmpty())
        if (QString why =
                api::checkRuntimeServerId(p.azure.runtimeServer, QStringLiteral("azure.runtime_server"));
            !why.isEmpty())
            return why;
    const QString name = p.azure.migrationName.isEmpty() ? defaultMigrationName(p) : p.azure.migrationName;
    return api::checkMigrationName(name);
}

QStringList ManagedEngine::ignoredSettings(const project::Project &p)
{
    const project::AdvancedSettings defaults;
    const project::AdvancedSettings &s = p.settings;
    QStringList w;
    if (s.jobs != defaults.jobs || s.indexJobs != defaults.indexJobs ||
        s.splitThresholdBytes != defaults.splitThresholdBytes)
        w << QStringLiteral("settings.jobs, index_jobs, split_threshold_bytes: Azure's migration service "
                            "chooses its own parallelism; "
                            "these apply to the local engine only");
    if (s.schema.createRoles)
        w << QStringLiteral("settings.schema.create_roles: Azure's migration service does not create the "
                            "roles that own or are granted "
                            "the migrated objects; create them on the target before the migration (the local "
                            "engine does it)");
    if (p.mode == project::Mode::Online && s.schema.captureDdl)
        w << QStringLiteral("settings.schema.capture_ddl: Azure's migration service does not carry schema "
                            "changes made on the source "
                            "while it streams; make none until the cutover (the local engine carries them)");
    if (p.mode == project::Mode::Online && s.cutover.makeSourceReadOnly)
        w << QStringLiteral(
            "settings.cutover.make_source_read_only: Azure's migration service does not switch the source "
            "read-only at "
            "the cutover; stop the applications' writes to the source yourself before `pgferry-cli cutover`");
    if (p.mode == project::Mode::Online &&
        (s.cutover.maxLagBytesForReady != defaults.cutover.maxLagBytesForReady ||
         s.cutover.drainTimeoutSeconds != defaults.cutover.drainTimeoutSeconds))
        w << QStringLiteral(
            "settings.cutover.max_lag_bytes_for_ready, drain_timeout_seconds: Azure's migration service "
            "decides when it "
            "is ready for the cutover and how long it drains; these apply to the local engine only");
    if (s.verify)
        w << QStringLiteral("settings.verify (%1): Azure's migration service does not compare the tables "
                            "after the cutover; run "
                            "`pgferry-cli verify FILE` once it has finished")
                 .arg(project::verifyLevelName(s.verifyLevel));
    return w;
}

QString ManagedEngine::sourceTypeFor(const project::Project &p)
{
    const QString host = p.source.host.trimmed().toLower();
    static const QList<std::pair<QLatin1StringView, QLatin1StringView>> bySuffix{
        {QLatin1StringView(".rds.amazonaws.com"), QLatin1StringView("AWS_RDS")},
        {QLatin1StringView(".compute.amazonaws.com"), QLatin1StringView("AWS_EC2")},
        {QLatin1StringView(".compute-1.amazonaws.com"), QLatin1StringView("AWS_EC2")},
        {QLatin1StringView(".cloudapp.azure.com"), QLatin1StringView("AzureVM")},
        {QLatin1StringView(".postgres.database.azure.com"), QLatin1StringView("PostgreSQLFlexibleServer")},
        {QLatin1StringView(".db.ondigitalocean.com"), QLatin1StringView("Digital_Ocean_PostgreSQL")},
        {QLatin1StringView(".supabase.co"), QLatin1StringView("Supabase_PostgreSQL")},
        {QLatin1StringView(".supabase.com"), QLatin1StringView("Supabase_PostgreSQL")},
        {QLatin1StringView(".rds.aliyuncs.com"), QLatin1StringView("ApsaraDB_RDS")}};
    for (const auto &[suffix, type] : bySuffix) {
        if (!host.endsWith(suffix))
            continue;
        // Aurora's endpoints are cluster endpoints: NAME.cluster-ID.REGION.rds.amazonaws.com.
        if (type == QLatin1StringView("AWS_RDS") &&
            (host.contains(u".cluster-") || host.contains(u".cluster-ro-")))
            return QStringLiteral("AWS_AURORA");
        return QString(type);
    }
    return QStringLiteral("OnPremises");
}

std::optional<ResourceId> ManagedEngine::targetOf(const project::Project &p, QString *error)
{
    if (!p.target.azureResourceId.isEmpty())
        return ResourceId::parse(p.target.azureResourceId, error);
    if (p.azure.subscriptionId.isEmpty() || p.azure.resourceGroup.isEmpty() || p.azure.serverName.isEmpty()) {
        if (error)
            *error = QStringLiteral(
                "the project does not say which Azure flexible server is the target; set the target's Azure "
                "resource id (or subscription, resource group and server name)");
        return std::nullopt;
    }
    return ResourceId::flexibleServer(p.azure.subscriptionId, p.azure.resourceGroup, p.azure.serverName);
}

engine::MigrationStatus ManagedEngine::status() const
{
    return m_status;
}

void ManagedEngine::log(const QString &line)
{
    m_status.log.append(line);
    while (m_status.log.size() > 200)
        m_status.log.removeFirst();
    Q_EMIT logLine(line);
}

void ManagedEngine::addError(const QString &e)
{
    if (m_status.errors.contains(e))
        return;
    m_status.errors.append(e);
    while (m_status.errors.size() > 50)
        m_status.errors.removeFirst();
    log(QStringLiteral("error: ") + e);
}

void ManagedEngine::publish()
{
    m_status.updatedAt = QDateTime::currentDateTimeUtc();
    engine::RunFiles::writeStatus(m_stateDir, m_status);
    Q_EMIT statusChanged(m_status);
}

void ManagedEngine::track(ArmCall *call)
{
    m_calls.removeIf([](const QPointer<ArmCall> &c) { return !c; });
    m_calls.append(QPointer<ArmCall>(call));
}

void ManagedEngine::fail(const QString &message)
{
    addError(message);
    finish(RunState::Failed, false);
}

void ManagedEngine::finish(RunState state, bool success)
{
    m_pollTimer.stop();
    m_running = false;
    m_status.state = state;
    publish();
    Q_EMIT finished(success);
}

void ManagedEngine::start(Until until)
{
    if (m_running)
        return;
    m_until = until;
    m_running = true;
    m_pollFailures = 0;
    m_status.errors.clear();
    if (!m_status.startedAt.isValid())
        m_status.startedAt = QDateTime::currentDateTimeUtc();
    QString why;
    auto target = targetOf(m_project, &why);
    if (target && !target->isFlexibleServer())
        why = QStringLiteral("the target %1 is not an Azure Database for PostgreSQL flexible server")
                  .arg(target->toString());
    if (why.isEmpty())
        why = checkProject(m_project);
    if (why.isEmpty() && !m_client)
        why = QStringLiteral(
            "no Azure connection; sign in with `pgferry-cli azure login` or set the AZURE_* variables");
    if (!why.isEmpty()) {
        QMetaObject::invokeMethod(
            this, [this, why] { fail(why); }, Qt::QueuedConnection);
        return;
    }
    m_target = *target;
    m_status.state = RunState::Preparing;
    log(QStringLiteral("managed migration %1 on Azure server %2").arg(m_name, m_target.name));
    for (const QString &w : ignoredSettings(m_project))
        log(QStringLiteral("warning: ") + w);
    publish();
    readServer();
}

void ManagedEngine::readServer()
{
    ArmCall *call = m_client->start(api::getServer(m_target));
    track(call);
    connect(call, &ArmCall::finished, this, [this, call] {
        if (!m_running)
            return;
        const ArmResult &r = call->result();
        if (!r.ok()) {
            fail(r.error.userMessage());
            return;
        }
        const QJsonObject o = r.body;
        m_location = o.value(u"location").toString();
        m_targetFqdn = o.value(u"properties").toObject().value(u"fullyQualifiedDomainName").toString();
        const QString ha =
            o.value(u"properties").toObject().value(u"highAvailability").toObject().value(u"mode").toString();
        if (!ha.isEmpty() && ha != u"Disabled")
            log(QStringLiteral("warning: high availability (%1) is on for %2; Azure advises turning it off "
                               "until cutover")
                    .arg(ha, m_target.name));
        readOrCreateMigration();
    });
}

void ManagedEngine::readOrCreateMigration()
{
    ArmCall *call = m_client->start(api::getMigration(m_target, m_name));
    track(call);
    connect(call, &ArmCall::finished, this, [this, call] {
        if (!m_running)
            return;
        const ArmResult &r = call->result();
        if (r.ok()) {
            log(QStringLiteral("resuming: migration %1 already exists in Azure").arg(m_name));
            apply(AzureMigration::fromJson(r.body));
            return;
        }
        if (r.error.httpStatus == 404) {
            createMigration();
            return;
        }
        fail(r.error.userMessage());
    });
}

void ManagedEngine::createMigration()
{
    api::MigrationSpec spec;
    spec.location = m_location;
    spec.online = m_project.mode == project::Mode::Online;
    spec.sourceType = sourceTypeFor(m_project);
    spec.sslMode = api::sslModeFor(m_project.source.sslmode);
    spec.sourceDbServerResourceId = QStringLiteral("%1:%2@%3")
                                        .arg(m_project.source.host)
                                        .arg(m_project.source.port)
                                        .arg(m_project.source.user);
    for (const project::DatabaseSelection &d : m_project.databases)
        spec.dbsToMigrate << d.name;
    spec.overwriteDbsInTarget = m_project.settings.schema.overwrite;
    spec.sourceServerPassword = m_sourcePassword;
    spec.targetServerPassword = m_targetPassword;
    spec.targetServerUsername = m_project.target.user;
    spec.migrationInstanceResourceId = m_project.azure.runtimeServer;
    if (const QString why = api::checkMigrationSpec(spec); !why.isEmpty()) {
        fail(why);
        return;
    }
    ArmCall *call = m_client->start(api::createMigration(m_target, m_name, spec));
    track(call);
    connect(call, &ArmCall::finished, this, [this, call] {
        if (!m_running)
            return;
        const ArmResult &r = call->result();
        if (!r.ok()) {
            fail(r.error.userMessage());
            return;
        }
        log(QStringLiteral("created migration %1 (%2, %3 databases)")
                .arg(m_name, project::modeName(m_project.mode))
                .arg(m_project.databases.size()));
        apply(AzureMigration::fromJson(r.body));
    });
}

void ManagedEngine::poll()
{
    if (!m_running)
        return;
    ArmCall *call = m_client->start(api::getMigration(m_target, m_name));
    track(call);
    connect(call, &ArmCall::finished, this, [this, call] {
        if (!m_running)
            return;
        const ArmResult &r = call->result();
        if (!r.ok()) {
            if (r.error.kind == ArmError::Kind::Cancelled)
                return;
            addError(r.error.userMessage());
            if (++m_pollFailures >= m_options.maxPollFailures) {
                fail(QStringLiteral("lost track of migration %1 after %2 failed reads; the migration may "
                                    "still run in Azure, start again to resume watching it")
                         .arg(m_name)
                         .arg(m_pollFailures));
                return;
            }
            publish();
            m_pollTimer.start(m_options.pollIntervalMs);
            return;
        }
        m_pollFailures = 0;
        apply(AzureMigration::fromJson(r.body));
    });
}

engine::MigrationStatus ManagedEngine::mapStatus(const AzureMigration &m, const engine::MigrationStatus &base)
{
    engine::MigrationStatus s = base;
    const bool online = m.migrationMode.isEmpty()
                            ? s.mode == u"online"
                            : m.migrationMode.compare(u"Online", Qt::CaseInsensitive) == 0;
    const QString st = m.state;
    const QString sub = m.subState;
    if (st == u"Succeeded")
        s.state = RunState::Completed;
    else if (st == u"Failed" || st == u"ValidationFailed")
        s.state = RunState::Failed;
    else if (st == u"Canceled")
        s.state = RunState::Cancelled;
    else if (st == u"CleaningUp" || sub == u"CompletingMigration")
        s.state = RunState::CuttingOver;
    else if (sub == u"WaitingForCutoverTrigger")
        s.state = RunState::Streaming;
    else if (sub == u"ValidationInProgress")
        s.state = RunState::Assessing;
    else if (sub == u"MigratingData" || sub == u"CancelingRequestedDBMigrations")
        s.state = RunState::Running;
    else
        s.state = RunState::Preparing;

    s.engineState = sub.isEmpty() ? st : st + QStringLiteral(" / ") + sub;
    const QString action = AzureMigration::actionFor(sub);
    for (engine::DatabaseStatus &d : s.databases) {
        const DatabaseMigrationState *az = nullptr;
        for (const DatabaseMigrationState &x : m.databases)
            if (x.databaseName == d.name)
                az = &x;
        d.readyForCutover = false;
        d.notReadyReason.clear();
        if (!az) {
            d.phase = s.state == RunState::Assessing   ? DatabasePhase::Assess
                      : s.state == RunState::Completed ? DatabasePhase::Done
                      : s.state == RunState::Failed    ? DatabasePhase::Failed
                                                       : DatabasePhase::Prepare;
            d.notReadyReason =
                action.isEmpty() ? QStringLiteral("Azure is %1").arg(sub.isEmpty() ? st : sub) : action;
            continue;
        }
        d.tablesQueued = int(az->fullLoadQueuedTables);
        d.tablesLoading = int(az->fullLoadLoadingTables);
        d.tablesDone = int(az->fullLoadCompletedTables);
        d.tablesFailed = int(az->fullLoadErroredTables);
        d.tablesTotal = d.tablesQueued + d.tablesLoading + d.tablesDone + d.tablesFailed;
        d.inserts = az->cdcInsertCounter;
        d.updates = az->cdcUpdateCounter;
        d.deletes = az->cdcDeleteCounter;
        d.pendingChanges = std::max<qint64>(0, az->incomingChanges - az->appliedChanges);
        d.lagSeconds = az->latency;
        const QString ms = az->migrationState;
        if (ms == u"Succeeded") {
            d.phase = DatabasePhase::Done;
        } else if (ms == u"Failed" || ms == u"Canceled" || ms == u"Canceling") {
            d.phase = DatabasePhase::Failed;
            d.notReadyReason = az->message.isEmpty() ? ms.toLower() : az->message;
        } else if (ms == u"WaitingForCutoverTrigger") {
            d.phase = DatabasePhase::Streaming;
            d.readyForCutover = online;
        } else if (s.state == RunState::CuttingOver) {
            d.phase = DatabasePhase::Cutover;
        } else if (d.tablesQueued + d.tablesLoading > 0 || d.tablesDone == 0) {
            d.phase = DatabasePhase::FullLoad;
            d.notReadyReason =
                QStringLiteral("full load: %1 of %2 tables done").arg(d.tablesDone).arg(d.tablesTotal);
        } else {
            d.phase = online ? DatabasePhase::Streaming : DatabasePhase::PostData;
            d.notReadyReason = QStringLiteral("Azure is catching up on changes");
        }
    }
    // Errors: the migration's own, each failed database's, and every failed validation with its remedy.
    auto add = [&s](const QString &e) {
        if (!e.isEmpty() && !s.errors.contains(e))
            s.errors.append(e);
    };
    if (!m.error.trimmed().isEmpty())
        add(QStringLiteral("Azure migration %1: %2")
                .arg(m.name.isEmpty() ? QStringLiteral("(unnamed)") : m.name, m.error.trimmed()));
    for (const DatabaseMigrationState &x : m.databases)
        if (x.migrationState == u"Failed" && !x.message.isEmpty())
            add(QStringLiteral("database %1: %2").arg(x.databaseName, x.message));
    for (const ValidationIssue &v : m.validationIssues)
        if (v.state.compare(u"Failed", Qt::CaseInsensitive) == 0)
            add(v.toString());
    while (s.errors.size() > 50)
        s.errors.removeFirst();
    return s;
}

void ManagedEngine::apply(const AzureMigration &m)
{
    const AzureMigration previous = m_last;
    m_last = m;
    if (m.state != previous.state || m.subState != previous.subState)
        log(QStringLiteral("Azure migration %1: %2 / %3").arg(m_name, m.state, m.subState));
    for (const ValidationIssue &v : m.validationIssues)
        if (v.state.compare(u"Warning", Qt::CaseInsensitive) == 0 &&
            !m_status.log.contains(QStringLiteral("warning: ") + v.toString()))
            log(QStringLiteral("warning: ") + v.toString());
    m_status = mapStatus(m, m_status);
    if (m_cutoverRequested && m_status.state == RunState::Streaming)
        m_status.state = RunState::CuttingOver; // Azure has not picked the trigger up yet
    switch (m_status.state) {
    case RunState::Completed:
        log(QStringLiteral("migration %1 succeeded").arg(m_name));
        finish(RunState::Completed, true);
        return;
    case RunState::Failed:
        if (m.state == u"ValidationFailed")
            addError(QStringLiteral("Azure's validation of migration %1 failed; fix the items above and run "
                                    "again (a new run replaces the failed migration)")
                         .arg(m_name));
        finish(RunState::Failed, false);
        return;
    case RunState::Cancelled:
        finish(RunState::Cancelled, false);
        return;
    default:
        break;
    }
    if (m_until == Until::Ready && m_status.readyForCutover()) {
        log(QStringLiteral("ready for cutover"));
        finish(RunState::Streaming, true);
        return;
    }
    publish();
    m_pollTimer.start(m_options.pollIntervalMs);
}

bool ManagedEngine::requestCutover(QString *whyNot)
{
    if (!m_status.readyForCutover()) {
        if (whyNot) {
            QStringList reasons;
            for (const engine::DatabaseStatus &d : std::as_const(m_status.databases))
                if (!d.readyForCutover)
                    reasons << d.name + QStringLiteral(": ") +
                                   (d.notReadyReason.isEmpty() ? engine::phaseName(d.phase)
                                                               : d.notReadyReason);
            *whyNot =
                m_project.mode == project::Mode::Offline
                    ? QStringLiteral("an offline migration has no cutover; it completes by itself")
                    : QStringLiteral("not ready for cutover (state %1): %2")
                          .arg(engine::runStateName(m_status.state), reasons.join(QStringLiteral("; ")));
        }
        return false;
    }
    m_cutoverRequested = true;
    m_until = Until::Done;
    m_running = true;
    m_status.state = RunState::CuttingOver;
    log(QStringLiteral("triggering cutover of migration %1").arg(m_name));
    publish();
    ArmCall *call = m_client->start(api::triggerCutover(m_target, m_name));
    track(call);
    connect(call, &ArmCall::finished, this, [this, call] {
        const ArmResult &r = call->result();
        if (!r.ok()) {
            m_cutoverRequested = false;
            fail(r.error.userMessage());
            return;
        }
        if (!m_running)
            return;
        apply(AzureMigration::fromJson(r.body));
    });
    return true;
}

void ManagedEngine::stop()
{
    m_pollTimer.stop();
    for (const QPointer<ArmCall> &c : std::as_const(m_calls))
        if (c)
            c->cancel();
    m_calls.clear();
    if (!m_running)
        return;
    log(QStringLiteral(
            "stopped watching migration %1; it keeps running in Azure, and the next run resumes watching it")
            .arg(m_name));
    finish(RunState::Stopped, false);
}

void ManagedEngine::cancelMigration()
{
    if (m_target.name.isEmpty()) {
        QString why;
        auto t = targetOf(m_project, &why);
        if (!t) {
            fail(why);
            return;
        }
        m_target = *t;
    }
    m_pollTimer.stop();
    m_cancelRequested = true;
    log(QStringLiteral("cancelling migration %1 in Azure").arg(m_name));
    ArmCall *call = m_client->start(api::cancelMigration(m_target, m_name));
    track(call);
    connect(call, &ArmCall::finished, this, [this, call] {
        const ArmResult &r = call->result();
        if (!r.ok() && r.error.httpStatus != 404) {
            fail(r.error.userMessage());
            return;
        }
        finish(RunState::Cancelled, false);
    });
}

} // namespace pgferry::azure
