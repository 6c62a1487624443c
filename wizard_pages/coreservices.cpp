#include "coreservices.h"

#include "assess/assessment.h"
#include "azure/entrapasswordsource.h"
#include "engine/enginefactory.h"
#include "engine/localengine.h"
#include "engine/runfiles.h"
#include "engine/runhost.h"
#include "project/projectfile.h"
#include "project/recentfiles.h"
#include "project/secretstore.h"

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
    case pg::ErrorCategory::Auth:
        advice = CoreServices::tr("Check the user and password, and that pg_hba.conf lets this machine in.");
        break;
    case pg::ErrorCategory::Tls:
        advice = CoreServices::tr("Check the SSL mode and the CA file.");
        break;
    case pg::ErrorCategory::Connection:
    case pg::ErrorCategory::Timeout:
        advice = CoreServices::tr(
            "Check the host and port, that the server runs, and that a firewall lets this machine through.");
        break;
    case pg::ErrorCategory::NotFound:
        advice = CoreServices::tr("Check the database name.");
        break;
    default:
        break;
    }
    QString msg = CoreServices::tr("Could not connect to %1: %2").arg(info.redacted(), e.message.trimmed());
    if (!msg.endsWith(u'.') && !msg.endsWith(u'?'))
        msg += u'.';
    if (!e.hint.isEmpty())
        msg += u' ' + e.hint;
    else if (!advice.isEmpty())
        msg += u' ' + advice;
    return msg;
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

std::optional<QList<assess::TableInventory>> CoreServices::listTables(const pg::ConnInfo &info,
                                                                      QString *error)
{
    pg::Error err;
    auto t = assess::inventoryTables(info, &err);
    if (!t && error)
        *error = connectionMessage(info, err);
    return t;
}

AssessmentResult CoreServices::assess(const project::Project &p, const Credentials &c)
{
    pg::ConnInfo src = p.source.connInfo();
    src.password = c.sourcePassword;
    pg::ConnInfo tgt = p.target.connInfo();
    tgt.password = c.targetPassword;
    if (p.target.auth == project::Auth::Entra && !p.target.host.isEmpty()) {
        tgt.password.clear();
        tgt.passwordSource = c.targetPasswordSource;
    }
    const assess::AssessmentReport report = assess::assess(assess::fromProject(p, src, tgt));
    const bool targetKnown = !p.target.host.isEmpty();
    // What the page shows is what the fix script and an exported report hold.
    assess::AssessmentReport shown;
    for (const assess::Check &check : report.checks) {
        // Before the target is chosen (the source page), its checks are not findings yet.
        if (!targetKnown && check.id.startsWith(u"target."))
            continue;
        // Likewise the databases, before the Databases page.
        if (p.databases.isEmpty() && check.id == u"project.databases")
            continue;
        shown.checks.append(check);
    }
    return AssessmentResult::fromReport(shown, tr("pgferry assessment: %1").arg(p.name));
}

std::unique_ptr<AzureSession> CoreServices::createAzureSession(const project::AzureContext &ctx)
{
    CoreAzureSession::Config config = m_azure;
    config.context = ctx;
    return std::make_unique<CoreAzureSession>(config);
}

std::optional<project::Project> CoreServices::loadProject(const QString &path, QString *error)
{
    project::LoadResult r = project::loadProjectFile(path);
    if (!r.ok()) {
        if (error)
            *error = r.errors.join(QLatin1Char('\n'));
        return std::nullopt;
    }
    return r.project;
}

bool CoreServices::saveProject(const project::Project &project, const QString &path, QString *error)
{
    return project::saveProjectFile(project, path, error);
}

QString CoreServices::storedPassword(const project::Project &project, Role role)
{
    QString error; // no keychain: the user types the password
    return project::SecretStore::password(project, role, &error).value_or(QString());
}

bool CoreServices::storePassword(const project::Project &project, Role role, const QString &password,
                                 QString *error)
{
    return project::SecretStore::storePassword(project, role, password, error);
}

QStringList CoreServices::recentFiles()
{
    return (m_recentSettings ? project::RecentFiles(m_recentSettings) : project::RecentFiles()).files();
}

void CoreServices::addRecentFile(const QString &path)
{
    (m_recentSettings ? project::RecentFiles(m_recentSettings) : project::RecentFiles()).add(path);
}

std::optional<engine::MigrationStatus> CoreServices::lastRunStatus(const project::Project &project)
{
    const QString dir = project::runStateDir(project);
    if (dir.isEmpty())
        return std::nullopt;
    QFile f(engine::LocalEngine::statusFile(dir));
    if (!f.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll());
    if (!doc.isObject())
        return std::nullopt;
    return engine::MigrationStatus::fromJson(doc.object());
}

bool CoreServices::hasLiveRun(const project::Project &project)
{
    return engine::RunFiles::liveRun(project::runStateDir(project)).pid != 0;
}

std::unique_ptr<engine::MigrationEngine>
CoreServices::createEngine(const project::Project &project, const Credentials &credentials, QString *error)
{
    // A run of this project in progress elsewhere (`pgferry-cli run`) is followed, never doubled.
    if (auto attached = engine::attachToLiveRun(project))
        return attached;
    // Passwords typed in this session and not kept in the keychain reach the engine the way
    // pipelines pass them (DESIGN.md, "Secrets"): this process's environment, never a file or a
    // command line. SecretStore reads them there first.
    if (!credentials.sourcePassword.isEmpty())
        qputenv("PGFERRY_SOURCE_PASSWORD", credentials.sourcePassword.toUtf8());
    if (!credentials.targetPassword.isEmpty())
        qputenv("PGFERRY_TARGET_PASSWORD", credentials.targetPassword.toUtf8());
    std::unique_ptr<engine::MigrationEngine> eng = engine::createEngine(project, error);
    if (!eng)
        return nullptr;
    // This window's run holds the project's lock as `pgferry-cli run` does: a second run (here or
    // in a terminal) refuses, and `status`, `cutover`, `fail-back` or another window reach it.
    const QString dir = project::runStateDir(project, error);
    if (dir.isEmpty())
        return nullptr;
    auto *host = new engine::RunHost(eng.get(), dir, eng.get());
    if (!host->claim(error))
        return nullptr;
    return eng;
}

QString CoreServices::reportJson(const project::Project &project, const engine::MigrationStatus &status)
{
    // The engine's own report (verification, roles needing a password) goes along when there is one.
    QJsonObject engineReport;
    const QString dir = project::runStateDir(project);
    QFile rf(dir.isEmpty() ? QString() : engine::LocalEngine::reportFile(dir));
    if (rf.open(QIODevice::ReadOnly))
        engineReport = QJsonDocument::fromJson(rf.readAll()).object();
    QJsonObject o{{QStringLiteral("report"), engineReport},
                  {QStringLiteral("format"), QStringLiteral("pgferry-report")},
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
                               "td,th{border:1px solid #ccc;padding:4px "
                               "8px;text-align:left}th{background:#eef}</style></head><body>")
                    .arg(tr("pgferry report: %1").arg(project.name).toHtmlEscaped());
    h += QStringLiteral("<h1>%1</h1>").arg(tr("pgferry report: %1").arg(project.name).toHtmlEscaped());
    h += QStringLiteral("<p>%1 → %2<br>%3: %4</p>")
             .arg(project.source.connInfo().toUri().toHtmlEscaped(),
                  project.target.connInfo().toUri().toHtmlEscaped(), tr("State").toHtmlEscaped(),
                  engine::runStateName(status.state).toHtmlEscaped());
    for (const engine::DatabaseStatus &d : status.databases) {
        h +=
            QStringLiteral("<h2>%1 → %2</h2><table><tr><th>%3</th><th>%4</th><th>%5</th><th>%6</th></tr>")
                .arg(d.name.toHtmlEscaped(), (d.targetName.isEmpty() ? d.name : d.targetName).toHtmlEscaped(),
                     tr("Table").toHtmlEscaped(), tr("State").toHtmlEscaped(), tr("Rows").toHtmlEscaped(),
                     tr("Bytes").toHtmlEscaped());
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
