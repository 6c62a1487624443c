#include "coreservices.h"

#include "engine/enginefactory.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QSettings>

namespace pgferry::wizard {

namespace {

QString connectionMessage(const pg::ConnInfo &info, const pg::Error &e)
{
    QString advice;
    switch (e.category) {
    case pg::ErrorCategory::Auth: advice = CoreServices::tr("Check the user and password, and that pg_hba.conf lets this machine in."); break;
    case pg::ErrorCategory::Tls: advice = CoreServices::tr("Check the SSL mode and the CA file."); break;
    case pg::ErrorCategory::Connection:
    case pg::ErrorCategory::Timeout: advice = CoreServices::tr("Check the host and port, that the server runs, and that a firewall lets this machine through."); break;
    case pg::ErrorCategory::NotFound: advice = CoreServices::tr("Check the database name."); break;
    default: break;
    }
    QString msg = CoreServices::tr("Could not connect to %1: %2").arg(info.redacted(), e.message);
    if (!e.hint.isEmpty())
        msg += u' ' + e.hint;
    else if (!advice.isEmpty())
        msg += u' ' + advice;
    return msg;
}

QJsonArray toArray(const QStringList &l)
{
    QJsonArray a;
    for (const QString &s : l)
        a.append(s);
    return a;
}

QStringList fromArray(const QJsonValue &v)
{
    QStringList l;
    for (const QJsonValue &x : v.toArray())
        l << x.toString();
    return l;
}

QJsonObject profileToJson(const project::ConnectionProfile &p)
{
    QJsonObject o{{QStringLiteral("host"), p.host},       {QStringLiteral("port"), p.port},
                  {QStringLiteral("user"), p.user},       {QStringLiteral("database"), p.database},
                  {QStringLiteral("sslmode"), p.sslmode}, {QStringLiteral("sslrootcert"), p.sslrootcert}};
    if (!p.azureResourceId.isEmpty())
        o.insert(QStringLiteral("azure_resource_id"), p.azureResourceId);
    return o;
}

project::ConnectionProfile profileFromJson(const QJsonObject &o)
{
    project::ConnectionProfile p;
    p.host = o.value(u"host").toString();
    p.port = o.value(u"port").toInt(5432);
    p.user = o.value(u"user").toString();
    p.database = o.value(u"database").toString(QStringLiteral("postgres"));
    p.sslmode = o.value(u"sslmode").toString();
    p.sslrootcert = o.value(u"sslrootcert").toString();
    p.azureResourceId = o.value(u"azure_resource_id").toString();
    return p;
}

} // namespace

ConnectionCheck CoreServices::testConnection(const pg::ConnInfo &info)
{
    ConnectionCheck c;
    pg::Error err;
    auto inv = assess::inventoryServer(info, &err);
    if (!inv) {
        c.message = connectionMessage(info, err);
        return c;
    }
    c.ok = true;
    c.inventory = *inv;
    return c;
}

std::optional<QList<assess::TableInventory>> CoreServices::listTables(const pg::ConnInfo &info, QString *error)
{
    pg::Error err;
    auto t = assess::inventoryTables(info, &err);
    if (!t && error)
        *error = connectionMessage(info, err);
    return t;
}

AssessmentResult CoreServices::assess(const project::Project &p, const Credentials &c)
{
    // Interim: the checks the inventory can answer, until core/assess's full assessment lands.
    AssessmentResult r;
    pg::ConnInfo src = p.source.connInfo();
    src.password = c.sourcePassword;
    pg::Error err;
    auto s = assess::inventoryServer(src, &err, false);
    if (!s) {
        r.error = connectionMessage(src, err);
        return r;
    }
    r.ran = true;
    const bool online = p.mode == project::Mode::Online;
    if (s->serverVersion < 90400)
        r.items.append({QStringLiteral("source_version"), Severity::Blocker, {}, {}, tr("The source runs PostgreSQL %1; pgferry needs 9.4 or newer.").arg(s->versionText),
                        tr("Upgrade the source in place to 9.4 or newer first.")});
    else
        r.items.append({QStringLiteral("source_version"), Severity::Pass, {}, {}, tr("The source runs PostgreSQL %1.").arg(s->versionText), {}});
    if (online && s->walLevel != u"logical") {
        r.items.append({QStringLiteral("wal_level"), Severity::Blocker, {}, {QStringLiteral("wal_level")},
                        tr("wal_level is %1; an online migration needs logical decoding.").arg(s->walLevel),
                        tr("Set wal_level = logical (on Azure: the server parameter wal_level) and restart the source.")});
        r.fixScript += QStringLiteral("ALTER SYSTEM SET wal_level = logical; -- then restart the server\n");
    } else if (online) {
        r.items.append({QStringLiteral("wal_level"), Severity::Pass, {}, {}, tr("wal_level is logical."), {}});
    }
    if (!s->superuser)
        r.items.append({QStringLiteral("source_privileges"), Severity::Warning, {}, {s->user},
                        tr("%1 is not a superuser; it needs REPLICATION and read access to every migrated table.").arg(s->user),
                        tr("ALTER ROLE %1 REPLICATION; and grant SELECT on the tables to migrate.").arg(s->user)});
    QStringList names;
    for (const auto &d : s->databases)
        names << d.name;
    for (const project::DatabaseSelection &d : p.databases)
        if (!names.contains(d.name))
            r.items.append({QStringLiteral("database_missing"), Severity::Blocker, d.name, {d.name}, tr("The database %1 is not on the source.").arg(d.name),
                            tr("Choose it again on the Databases page.")});
    if (!p.target.host.isEmpty()) {
        pg::ConnInfo tgt = p.target.connInfo();
        tgt.password = c.targetPassword;
        auto t = assess::inventoryServer(tgt, &err, false);
        if (!t) {
            r.items.append({QStringLiteral("target_connect"), Severity::Blocker, {}, {}, connectionMessage(tgt, err), tr("Fix the target connection.")});
        } else if (t->serverVersion / 10000 < s->serverVersion / 10000 && t->serverVersion >= 100000) {
            r.items.append({QStringLiteral("target_version"), Severity::Blocker, {}, {},
                            tr("The target runs PostgreSQL %1, older than the source's %2.").arg(t->versionText, s->versionText),
                            tr("Use a target of the same or a newer major version.")});
        } else {
            r.items.append({QStringLiteral("target_version"), Severity::Pass, {}, {}, tr("The target runs PostgreSQL %1.").arg(t->versionText), {}});
        }
    }
    r.json = QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("checks"), int(r.items.size())}}).toJson());
    return r;
}

// Azure: wired when core/azure lands.
static QString azureMissing() { return CoreServices::tr("Azure support is not available in this build yet; use a PostgreSQL target with its host name."); }
std::optional<AzureDeviceCode> CoreServices::azureBeginSignIn(const project::AzureContext &, QString *error)
{
    if (error)
        *error = azureMissing();
    return std::nullopt;
}
bool CoreServices::azureCompleteSignIn(QString *error)
{
    if (error)
        *error = azureMissing();
    return false;
}
QStringList CoreServices::azureSubscriptions(QString *error)
{
    if (error)
        *error = azureMissing();
    return {};
}
QStringList CoreServices::azureResourceGroups(const QString &, QString *error)
{
    if (error)
        *error = azureMissing();
    return {};
}
QList<AzureServer> CoreServices::azureServers(const QString &, const QString &, QString *error)
{
    if (error)
        *error = azureMissing();
    return {};
}
std::optional<AzureServer> CoreServices::azureCreateServer(const project::AzureContext &, const AzureServerSpec &, const QString &, QString *error)
{
    if (error)
        *error = azureMissing();
    return std::nullopt;
}
bool CoreServices::azureAddFirewallRule(const project::AzureContext &, QString *error)
{
    if (error)
        *error = azureMissing();
    return false;
}

QJsonObject CoreServices::projectToJson(const project::Project &p)
{
    QJsonObject o = p.unknownFields;
    QJsonArray dbs;
    for (const project::DatabaseSelection &d : p.databases) {
        QJsonObject j{{QStringLiteral("name"), d.name}};
        if (!d.targetName.isEmpty())
            j.insert(QStringLiteral("target_name"), d.targetName);
        if (!d.includeTables.isEmpty())
            j.insert(QStringLiteral("include_tables"), toArray(d.includeTables));
        if (!d.excludeTables.isEmpty())
            j.insert(QStringLiteral("exclude_tables"), toArray(d.excludeTables));
        dbs.append(j);
    }
    const project::AdvancedSettings &s = p.settings;
    o.insert(QStringLiteral("format"), QStringLiteral("pgferry-project"));
    o.insert(QStringLiteral("version"), project::Project::CurrentVersion);
    o.insert(QStringLiteral("id"), p.id);
    o.insert(QStringLiteral("name"), p.name);
    o.insert(QStringLiteral("mode"), project::modeName(p.mode));
    o.insert(QStringLiteral("engine"), project::engineName(p.engine));
    o.insert(QStringLiteral("source"), profileToJson(p.source));
    o.insert(QStringLiteral("target"), profileToJson(p.target));
    o.insert(QStringLiteral("databases"), dbs);
    o.insert(QStringLiteral("settings"),
             QJsonObject{{QStringLiteral("jobs"), s.jobs},
                         {QStringLiteral("index_jobs"), s.indexJobs},
                         {QStringLiteral("split_threshold_bytes"), s.splitThresholdBytes},
                         {QStringLiteral("verify"), s.verify},
                         {QStringLiteral("schema"), QJsonObject{{QStringLiteral("overwrite"), s.schema.overwrite},
                                                                {QStringLiteral("no_owner"), s.schema.noOwner},
                                                                {QStringLiteral("no_acl"), s.schema.noAcl},
                                                                {QStringLiteral("create_roles"), s.schema.createRoles}}},
                         {QStringLiteral("cutover"), QJsonObject{{QStringLiteral("make_source_read_only"), s.cutover.makeSourceReadOnly},
                                                                 {QStringLiteral("max_lag_bytes_for_ready"), s.cutover.maxLagBytesForReady},
                                                                 {QStringLiteral("drain_timeout_seconds"), s.cutover.drainTimeoutSeconds}}}});
    o.insert(QStringLiteral("azure"), QJsonObject{{QStringLiteral("cloud"), p.azure.cloud},
                                                  {QStringLiteral("tenant_id"), p.azure.tenantId},
                                                  {QStringLiteral("subscription_id"), p.azure.subscriptionId},
                                                  {QStringLiteral("resource_group"), p.azure.resourceGroup},
                                                  {QStringLiteral("server_name"), p.azure.serverName},
                                                  {QStringLiteral("migration_name"), p.azure.migrationName}});
    return o;
}

std::optional<project::Project> CoreServices::projectFromJson(const QJsonObject &o, QString *error)
{
    if (o.value(u"format").toString() != u"pgferry-project") {
        if (error)
            *error = tr("This is not a pgferry project file (no \"format\": \"pgferry-project\").");
        return std::nullopt;
    }
    project::Project p;
    p.id = o.value(u"id").toString(p.id);
    p.name = o.value(u"name").toString();
    p.mode = o.value(u"mode").toString() == u"offline" ? project::Mode::Offline : project::Mode::Online;
    p.engine = o.value(u"engine").toString() == u"azure" ? project::Engine::Azure : project::Engine::Local;
    p.source = profileFromJson(o.value(u"source").toObject());
    p.target = profileFromJson(o.value(u"target").toObject());
    for (const QJsonValue &v : o.value(u"databases").toArray()) {
        const QJsonObject d = v.toObject();
        p.databases.append({d.value(u"name").toString(), d.value(u"target_name").toString(), fromArray(d.value(u"include_tables")),
                            fromArray(d.value(u"exclude_tables"))});
    }
    const QJsonObject s = o.value(u"settings").toObject();
    project::AdvancedSettings def;
    p.settings.jobs = s.value(u"jobs").toInt(def.jobs);
    p.settings.indexJobs = s.value(u"index_jobs").toInt(def.indexJobs);
    p.settings.splitThresholdBytes = s.value(u"split_threshold_bytes").toInteger(def.splitThresholdBytes);
    p.settings.verify = s.value(u"verify").toBool(def.verify);
    const QJsonObject sc = s.value(u"schema").toObject();
    p.settings.schema.overwrite = sc.value(u"overwrite").toBool(def.schema.overwrite);
    p.settings.schema.noOwner = sc.value(u"no_owner").toBool(def.schema.noOwner);
    p.settings.schema.noAcl = sc.value(u"no_acl").toBool(def.schema.noAcl);
    p.settings.schema.createRoles = sc.value(u"create_roles").toBool(def.schema.createRoles);
    const QJsonObject cu = s.value(u"cutover").toObject();
    p.settings.cutover.makeSourceReadOnly = cu.value(u"make_source_read_only").toBool(def.cutover.makeSourceReadOnly);
    p.settings.cutover.maxLagBytesForReady = cu.value(u"max_lag_bytes_for_ready").toInteger(def.cutover.maxLagBytesForReady);
    p.settings.cutover.drainTimeoutSeconds = cu.value(u"drain_timeout_seconds").toInt(def.cutover.drainTimeoutSeconds);
    const QJsonObject az = o.value(u"azure").toObject();
    p.azure.cloud = az.value(u"cloud").toString(p.azure.cloud);
    p.azure.tenantId = az.value(u"tenant_id").toString();
    p.azure.subscriptionId = az.value(u"subscription_id").toString();
    p.azure.resourceGroup = az.value(u"resource_group").toString();
    p.azure.serverName = az.value(u"server_name").toString();
    p.azure.migrationName = az.value(u"migration_name").toString();
    static const QStringList known{QStringLiteral("format"), QStringLiteral("version"), QStringLiteral("id"), QStringLiteral("name"),
                                   QStringLiteral("mode"), QStringLiteral("engine"), QStringLiteral("source"), QStringLiteral("target"),
                                   QStringLiteral("databases"), QStringLiteral("settings"), QStringLiteral("azure")};
    for (auto it = o.begin(); it != o.end(); ++it)
        if (!known.contains(it.key()))
            p.unknownFields.insert(it.key(), it.value());
    return p;
}

std::optional<project::Project> CoreServices::loadProject(const QString &path, QString *error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        if (error)
            *error = tr("%1 cannot be opened: %2").arg(path, f.errorString());
        return std::nullopt;
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &pe);
    if (!doc.isObject()) {
        if (error)
            *error = tr("%1 is not valid JSON (%2 at offset %3).").arg(path, pe.errorString()).arg(pe.offset);
        return std::nullopt;
    }
    QString e;
    auto p = projectFromJson(doc.object(), &e);
    if (!p && error)
        *error = tr("%1: %2").arg(path, e);
    return p;
}

bool CoreServices::saveProject(const project::Project &project, const QString &path, QString *error)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(QJsonDocument(projectToJson(project)).toJson(QJsonDocument::Indented)) < 0 || !f.commit()) {
        if (error)
            *error = tr("%1 cannot be written: %2").arg(path, f.errorString());
        return false;
    }
    return true;
}

QString CoreServices::storedPassword(const project::Project &project, Role role)
{
    QMutexLocker lock(&m_mutex);
    return m_passwords.value(project.id + (role == Role::Source ? QStringLiteral("/source") : QStringLiteral("/target")));
}

bool CoreServices::storePassword(const project::Project &project, Role role, const QString &password, QString *)
{
    QMutexLocker lock(&m_mutex);
    m_passwords.insert(project.id + (role == Role::Source ? QStringLiteral("/source") : QStringLiteral("/target")), password);
    return true;
}

QStringList CoreServices::recentFiles()
{
    QStringList files = QSettings().value(QStringLiteral("recentFiles")).toStringList();
    files.erase(std::remove_if(files.begin(), files.end(), [](const QString &f) { return !QFileInfo::exists(f); }), files.end());
    return files;
}

void CoreServices::addRecentFile(const QString &path)
{
    QSettings settings;
    QStringList files = settings.value(QStringLiteral("recentFiles")).toStringList();
    const QString abs = QFileInfo(path).absoluteFilePath();
    files.removeAll(abs);
    files.prepend(abs);
    settings.setValue(QStringLiteral("recentFiles"), files.mid(0, 10));
}

std::unique_ptr<engine::MigrationEngine> CoreServices::createEngine(const project::Project &project, const Credentials &credentials, QString *error)
{
    // Passwords typed in this session reach the engine the way pipelines pass them (DESIGN.md,
    // "Secrets"): the environment of this process, never a file or a command line.
    if (!credentials.sourcePassword.isEmpty())
        qputenv("PGFERRY_SOURCE_PASSWORD", credentials.sourcePassword.toUtf8());
    if (!credentials.targetPassword.isEmpty())
        qputenv("PGFERRY_TARGET_PASSWORD", credentials.targetPassword.toUtf8());
    return engine::createEngine(project, error);
}

QString CoreServices::reportJson(const project::Project &project, const engine::MigrationStatus &status)
{
    QJsonObject o{{QStringLiteral("format"), QStringLiteral("pgferry-report")},
                  {QStringLiteral("project"), project.name},
                  {QStringLiteral("project_id"), project.id},
                  {QStringLiteral("source"), project.source.connInfo().toUri()},
                  {QStringLiteral("target"), project.target.connInfo().toUri()},
                  {QStringLiteral("status"), status.toJson()}};
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Indented));
}

QString CoreServices::reportHtml(const project::Project &project, const engine::MigrationStatus &status)
{
    QString h = QStringLiteral("<!DOCTYPE html><html><head><meta charset='utf-8'><title>%1</title>"
                               "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
                               "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}th{background:#eef}</style></head><body>")
                    .arg(tr("pgferry report: %1").arg(project.name).toHtmlEscaped());
    h += QStringLiteral("<h1>%1</h1>").arg(tr("pgferry report: %1").arg(project.name).toHtmlEscaped());
    h += QStringLiteral("<p>%1 → %2<br>%3: %4</p>")
             .arg(project.source.connInfo().toUri().toHtmlEscaped(), project.target.connInfo().toUri().toHtmlEscaped(), tr("State").toHtmlEscaped(),
                  engine::runStateName(status.state).toHtmlEscaped());
    for (const engine::DatabaseStatus &d : status.databases) {
        h += QStringLiteral("<h2>%1 → %2</h2><table><tr><th>%3</th><th>%4</th><th>%5</th><th>%6</th></tr>")
                 .arg(d.name.toHtmlEscaped(), (d.targetName.isEmpty() ? d.name : d.targetName).toHtmlEscaped(), tr("Table").toHtmlEscaped(),
                      tr("State").toHtmlEscaped(), tr("Rows").toHtmlEscaped(), tr("Bytes").toHtmlEscaped());
        for (const engine::TableStatus &t : d.tables)
            h += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td><td>%4</td></tr>")
                     .arg(t.qualifiedName().toHtmlEscaped(), engine::tableStateName(t.state).toHtmlEscaped())
                     .arg(t.rowsCopied)
                     .arg(t.bytesCopied);
        h += QStringLiteral("</table>");
    }
    if (!status.errors.isEmpty()) {
        h += QStringLiteral("<h2>%1</h2><ul>").arg(tr("Errors").toHtmlEscaped());
        for (const QString &e : status.errors)
            h += QStringLiteral("<li>%1</li>").arg(e.toHtmlEscaped());
        h += QStringLiteral("</ul>");
    }
    return h + QStringLiteral("</body></html>");
}

} // namespace pgferry::wizard
