// pgferry-cli project new|check: writes a project file from command-line options (moving any
// password found in a URI to the OS keychain) and validates a project file.
#include "azure/armapi.h"
#include "azure/managedengine.h"
#include "azure/resourceid.h"
#include "cli.h"
#include "project/projectfile.h"
#include "project/secretstore.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <optional>

namespace pgferry::cli {

namespace {

using project::Project;
using project::Role;
using project::SecretStore;

QString projectUsage()
{
    return QStringLiteral(R"(usage: pgferry-cli project new -o FILE --name NAME --source URI --target URI
                               [--database DB[:TARGET_DB]]... [--mode online|offline] [--jobs N]
                               [--engine local|azure] [--target-resource-id ID] [--runtime-server ID]
                               [--verify full|count|none] [--fallback] [--target-auth password|entra] [--force]
       pgferry-cli project check FILE

project new     writes a project file (*.pgferry); it never holds a password
  -o, --output FILE          the file to write (refused if it exists, unless --force)
  --name NAME                a name for people
  --source URI, --target URI libpq URIs, e.g. postgresql://alice@db.example.com:5432/postgres?sslmode=require
  --database DB[:TARGET_DB]  a database to migrate, optionally under another name on the target; repeat it
                             for several. Write a ':' inside a name as '\:' and a '\' before ':' or '\' as
                             '\\': --database 'sales\:2019:archive' migrates "sales:2019" into "archive".
                             Other characters (';', spaces, quotes) need only the shell's quoting.
  --mode online|offline      default online: keep streaming changes until cutover
  --jobs N                   parallel table copies, 1 to 256 (default 4)
  --verify full|count|none   what the run checks once the data is on the target: row counts and a checksum
                             of every row (full, the default), row counts only (count, much cheaper on big
                             tables), or nothing (none)
  --fallback                 online: after the cutover, stream the new server's writes back into the old
                             one, so that `pgferry-cli fail-back` can return to it without losing a write
                             (needs wal_level = logical, a free slot and the REPLICATION right on the target)
  --engine local|azure       run here, or in Azure's migration service (default local)
  --target-resource-id ID    the target's Azure resource id,
                             /subscriptions/SUB/resourceGroups/RG/providers/Microsoft.DBforPostgreSQL/flexibleServers/NAME
                             (see `pgferry-cli azure servers`); required with --engine azure
  --runtime-server ID        --engine azure: the flexible server that runs Azure's migration service when the
                             source or target has private access only (migrationInstanceResourceId); a flexible
                             server's resource id, kept as azure.runtime_server
  --target-auth password|entra
                             how pgferry signs in to the target: a password (the default), or Microsoft Entra
                             ID (entra): the --target URI's user is the Entra principal's name (e.g.
                             migrator@contoso.onmicrosoft.com, case-sensitive), and the password is an access
                             token for Azure Database for PostgreSQL, fetched for every new connection from the
                             Azure sign-in (AZURE_TENANT_ID / AZURE_CLIENT_ID / AZURE_CLIENT_SECRET, or
                             `pgferry-cli azure login`); no token is ever stored. The local engine only
  A password in a URI is moved to the OS keychain (service "pgferry") and left out of the file. Without
  a keychain it is refused: give passwords through PGFERRY_SOURCE_PASSWORD / PGFERRY_TARGET_PASSWORD or a
  libpq passfile instead, which also keeps them off the command line.

project check   validates a project file: prints a summary (exit 0) or each problem (exit 1), including
                what would stop it from running (e.g. --engine azure without the target's resource id)
)");
}

// Terminal-safe text: a name from a file must not carry escape sequences to the screen.
QString printable(const QString &s)
{
    QString out;
    for (const QChar c : s)
        out += (c.unicode() < 0x20 || c.unicode() == 0x7f)
                   ? QStringLiteral("\\u%1").arg(c.unicode(), 4, 16, QLatin1Char('0'))
                   : QString(c);
    return out;
}

QString quotedIfOdd(const QString &name)
{
    for (const QChar c : name)
        if (!(c.isLetterOrNumber() || c == u'_' || c == u'-' || c == u'.'))
            return u'"' + printable(name) + u'"';
    return name;
}

// DB[:TARGET]: splits at the one unescaped ':'; "\:" is a colon and "\\" a backslash inside a name.
std::optional<std::pair<QString, QString>> parseDatabaseArg(const QString &arg, QString *error)
{
    QStringList parts{QString()};
    for (qsizetype i = 0; i < arg.size(); ++i) {
        const QChar c = arg.at(i);
        if (c == u'\\' && i + 1 < arg.size() && (arg.at(i + 1) == u':' || arg.at(i + 1) == u'\\')) {
            parts.last() += arg.at(++i);
        } else if (c == u':') {
            parts << QString();
        } else {
            parts.last() += c;
        }
    }
    if (parts.size() > 2) {
        *error = QStringLiteral("more than one ':' in \"%1\": write a ':' inside a name as '\\:'")
                     .arg(printable(arg));
        return std::nullopt;
    }
    if (parts.first().isEmpty()) {
        *error = QStringLiteral("no database name in \"%1\"").arg(printable(arg));
        return std::nullopt;
    }
    if (parts.size() == 2 && parts.last().isEmpty()) {
        *error =
            QStringLiteral("no target database name after ':' in \"%1\" (leave out the ':' to keep the name)")
                .arg(printable(arg));
        return std::nullopt;
    }
    QString target = parts.size() == 2 ? parts.last() : QString();
    if (target == parts.first())
        target.clear();
    return std::make_pair(parts.first(), target);
}

// With the "azure" engine: what Azure's migration service will refuse when the project runs, and
// the settings it does not honour, one warning each on stderr (the file itself stays valid).
void printManagedEngineWarnings(Context &ctx, const QString &path, const Project &p)
{
    if (p.engine != project::Engine::Azure)
        return;
    if (const QString why = azure::ManagedEngine::checkProject(p); !why.isEmpty() && !p.databases.isEmpty())
        ctx.err << path << ": warning: the \"azure\" engine will refuse to run it: " << why << "\n";
    for (const QString &w : azure::ManagedEngine::ignoredSettings(p))
        ctx.err << path << ": warning: " << w << "\n";
}

struct UsageError
{
    QString message;
};

// A connection URI option: parsed, checked for parameters a project file cannot keep.
pg::ConnInfo parseUri(const QString &option, const QString &text)
{
    QString why;
    const auto ci = pg::ConnInfo::parse(text, &why);
    if (!ci)
        throw UsageError{QStringLiteral("%1: not a valid libpq URI: %2").arg(option, why)};
    if (!ci->extra.isEmpty())
        throw UsageError{
            QStringLiteral("%1: the parameter \"%2\" cannot be kept in a project file (supported: host, "
                           "port, user, dbname, sslmode, sslrootcert, application_name, passfile)")
                .arg(option, ci->extra.firstKey())};
    return *ci;
}

int projectNew(Context &ctx, QStringList a)
{
    QString output, name, sourceUri, targetUri, targetResourceId, runtimeServer,
        mode = QStringLiteral("online"), engine = QStringLiteral("local"), verify = QStringLiteral("full"),
        targetAuth = QStringLiteral("password");
    QStringList databases;
    int jobs = 4;
    bool force = false;
    bool fallback = false;
    bool haveSource = false, haveTarget = false, haveName = false;
    try {
        while (!a.isEmpty()) {
            QString opt = a.takeFirst();
            QString value;
            bool inlineValue = false;
            if (opt.startsWith(u"--") && opt.contains(u'=')) {
                value = opt.mid(opt.indexOf(u'=') + 1);
                opt = opt.left(opt.indexOf(u'='));
                inlineValue = true;
            }
            auto takeValue = [&]() {
                if (inlineValue)
                    return value;
                if (a.isEmpty())
                    throw UsageError{QStringLiteral("%1 needs a value").arg(opt)};
                return a.takeFirst();
            };
            if (opt == u"-o" || opt == u"--output")
                output = takeValue();
            else if (opt == u"--name") {
                name = takeValue();
                haveName = true;
            } else if (opt == u"--source") {
                sourceUri = takeValue();
                haveSource = true;
            } else if (opt == u"--target") {
                targetUri = takeValue();
                haveTarget = true;
            } else if (opt == u"--database")
                databases << takeValue();
            else if (opt == u"--mode")
                mode = takeValue();
            else if (opt == u"--engine")
                engine = takeValue();
            else if (opt == u"--target-resource-id")
                targetResourceId = takeValue();
            else if (opt == u"--runtime-server")
                runtimeServer = takeValue();
            else if (opt == u"--verify")
                verify = takeValue();
            else if (opt == u"--target-auth")
                targetAuth = takeValue();
            else if (opt == u"--jobs") {
                const QString v = takeValue();
                bool ok = false;
                jobs = v.toInt(&ok);
                if (!ok || jobs < 1 || jobs > 256)
                    throw UsageError{
                        QStringLiteral("--jobs: expected a whole number from 1 to 256, found \"%1\"")
                            .arg(printable(v))};
            } else if (opt == u"--force" && !inlineValue)
                force = true;
            else if (opt == u"--fallback" && !inlineValue)
                fallback = true;
            else
                throw UsageError{QStringLiteral("unknown option \"%1\"").arg(printable(opt))};
        }
        if (output.isEmpty())
            throw UsageError{QStringLiteral("-o FILE is required")};
        if (!haveName || name.trimmed().isEmpty())
            throw UsageError{QStringLiteral("--name NAME is required")};
        if (!haveSource)
            throw UsageError{QStringLiteral("--source URI is required")};
        if (!haveTarget)
            throw UsageError{QStringLiteral("--target URI is required")};
        if (mode != u"online" && mode != u"offline")
            throw UsageError{
                QStringLiteral("--mode: expected online or offline, found \"%1\"").arg(printable(mode))};
        if (engine != u"local" && engine != u"azure")
            throw UsageError{
                QStringLiteral("--engine: expected local or azure, found \"%1\"").arg(printable(engine))};
        if (verify != u"full" && verify != u"count" && verify != u"none")
            throw UsageError{QStringLiteral("--verify: expected full, count or none, found \"%1\"")
                                 .arg(printable(verify))};
        if (targetAuth != u"password" && targetAuth != u"entra")
            throw UsageError{QStringLiteral("--target-auth: expected password or entra, found \"%1\"")
                                 .arg(printable(targetAuth))};
        if (targetAuth == u"entra" && engine == u"azure")
            throw UsageError{QStringLiteral("--target-auth entra is for --engine local (Azure's migration "
                                            "service signs in to the target with a password)")};
        if (!targetResourceId.isEmpty()) {
            QString why;
            const auto id = azure::ResourceId::parse(targetResourceId, &why);
            if (id && !id->isFlexibleServer())
                why = QStringLiteral("not an Azure Database for PostgreSQL flexible server "
                                     "(…/providers/Microsoft.DBforPostgreSQL/flexibleServers/NAME)");
            if (!why.isEmpty())
                throw UsageError{
                    QStringLiteral("--target-resource-id \"%1\": %2").arg(printable(targetResourceId), why)};
            targetResourceId = id->toString();
        }
        if (!runtimeServer.isEmpty()) {
            if (engine != u"azure")
                throw UsageError{QStringLiteral(
                    "--runtime-server is for --engine azure (Azure's migration service runs there)")};
            if (const QString why =
                    azure::api::checkRuntimeServerId(runtimeServer, QStringLiteral("--runtime-server"));
                !why.isEmpty())
                throw UsageError{printable(why)};
        }
    } catch (const UsageError &e) {
        ctx.err << "pgferry-cli project new: " << e.message << "\n\n" << projectUsage();
        return Usage;
    }

    Project p;
    p.name = name;
    p.mode = mode == u"online" ? project::Mode::Online : project::Mode::Offline;
    p.engine = engine == u"local" ? project::Engine::Local : project::Engine::Azure;
    p.settings.jobs = jobs;
    p.settings.cutover.fallback = fallback;
    p.settings.verify = verify != u"none";
    p.settings.verifyLevel = verify == u"count" ? project::VerifyLevel::Count : project::VerifyLevel::Full;
    QString sourcePassword, targetPassword;
    try {
        const pg::ConnInfo src = parseUri(QStringLiteral("--source"), sourceUri);
        const pg::ConnInfo tgt = parseUri(QStringLiteral("--target"), targetUri);
        p.source = project::ConnectionProfile::fromConnInfo(src);
        p.target = project::ConnectionProfile::fromConnInfo(tgt);
        p.target.azureResourceId = targetResourceId;
        p.target.auth = targetAuth == u"entra" ? project::Auth::Entra : project::Auth::Password;
        p.azure.runtimeServer = runtimeServer;
        sourcePassword = src.password;
        targetPassword = tgt.password;
        if (p.target.auth == project::Auth::Entra && !targetPassword.isEmpty())
            throw UsageError{
                QStringLiteral("--target has a password, but with --target-auth entra the password "
                               "is a token fetched at every connection; leave it out of the URI")};
        if (p.target.auth == project::Auth::Entra && p.target.user.isEmpty())
            throw UsageError{QStringLiteral("--target-auth entra needs the Entra principal's name as the "
                                            "--target URI's user, e.g. postgresql://migrator%40contoso."
                                            "onmicrosoft.com@server.postgres.database.azure.com/postgres")};
        for (const QString &d : databases) {
            QString why;
            const auto parsed = parseDatabaseArg(d, &why);
            if (!parsed)
                throw UsageError{QStringLiteral("--database: ") + why};
            project::DatabaseSelection sel;
            sel.name = parsed->first;
            sel.targetName = parsed->second;
            p.databases << sel;
        }
        // The same rules as loading: what this writes, `project check` accepts.
        const project::LoadResult check = project::parseProject(project::serializeProject(p));
        if (!check.ok())
            throw UsageError{QStringLiteral("the options make an invalid project:\n  ") +
                             check.errors.join(QStringLiteral("\n  "))};
        if (const QStringList problems = project::checkRunnable(p); !problems.isEmpty())
            throw UsageError{QStringLiteral("the options make a project that cannot run:\n  ") +
                             problems.join(QStringLiteral("\n  "))};
        if (!runtimeServer.isEmpty()) {
            if (engine != u"azure")
                throw UsageError{QStringLiteral(
                    "--runtime-server is for --engine azure (Azure's migration service runs there)")};
            if (const QString why =
                    azure::api::checkRuntimeServerId(runtimeServer, QStringLiteral("--runtime-server"));
                !why.isEmpty())
                throw UsageError{printable(why)};
        }
    } catch (const UsageError &e) {
        ctx.err << "pgferry-cli project new: " << e.message << "\n\n" << projectUsage();
        return Usage;
    }

    const QFileInfo out(output);
    if (out.exists() && !force) {
        ctx.err << "pgferry-cli project new: " << output << " already exists; pass --force to overwrite it\n";
        return Failure;
    }

    // Passwords go to the keychain, or nowhere.
    QList<std::pair<Role, QString>> secrets;
    if (!sourcePassword.isEmpty())
        secrets.append({Role::Source, sourcePassword});
    if (!targetPassword.isEmpty())
        secrets.append({Role::Target, targetPassword});
    if (!secrets.isEmpty()) {
        ctx.err << "pgferry-cli project new: note: a password on the command line can be seen by other local "
                   "users and "
                   "stays in the shell history; prefer PGFERRY_SOURCE_PASSWORD / PGFERRY_TARGET_PASSWORD or "
                   "a passfile\n";
        QString why;
        if (!SecretStore::keychainAvailable(&why)) {
            QStringList roles;
            for (const auto &s : secrets)
                roles << QStringLiteral("--") + project::roleName(s.first);
            ctx.err << "pgferry-cli project new: " << roles.join(QStringLiteral(" and "))
                    << " holds a password, which is never written to a project file, and it cannot be moved "
                       "to the "
                       "keychain: "
                    << why << "\nNothing was written. Remove the password from the URI.\n";
            return Failure;
        }
    }
    QList<Role> stored;
    for (const auto &s : secrets) {
        QString why;
        if (!SecretStore::storePassword(p, s.first, s.second, &why)) {
            for (Role r : stored)
                SecretStore::removePassword(p, r, nullptr);
            ctx.err << "pgferry-cli project new: " << why << "\nNothing was written.\n";
            return Failure;
        }
        stored << s.first;
    }
    sourcePassword.fill(u'\0');
    targetPassword.fill(u'\0');
    secrets.clear();

    QString why;
    if (!project::saveProjectFile(p, output, &why)) {
        for (Role r : stored)
            SecretStore::removePassword(p, r, nullptr);
        ctx.err << "pgferry-cli project new: " << why << Qt::endl;
        return Failure;
    }
    ctx.out << "wrote " << output << ": project \"" << printable(p.name) << "\" (id " << p.id << ")\n";
    for (Role r : stored)
        ctx.out << "  " << project::roleName(r) << " password: stored in the keychain (service \""
                << SecretStore::serviceName() << "\", key \"" << SecretStore::passwordKey(p, r) << "\")\n";
    if (p.databases.isEmpty())
        ctx.out << "  no --database given: add the databases to migrate before running it\n";
    printManagedEngineWarnings(ctx, output, p);
    return Success;
}

int projectCheck(Context &ctx, const QStringList &a)
{
    if (a.size() != 1 || a.first().startsWith(u'-')) {
        ctx.err << "pgferry-cli project check: expected exactly one FILE\n\n" << projectUsage();
        return Usage;
    }
    const QString path = a.first();
    const project::LoadResult r = project::loadProjectFile(path);
    if (!r.ok()) {
        for (const QString &e : r.errors)
            ctx.err << e << "\n";
        ctx.err << "pgferry-cli project check: " << path << " is not a valid project file ("
                << r.errors.size() << (r.errors.size() == 1 ? " problem)\n" : " problems)\n");
        return Failure;
    }
    const Project &p = *r.project;
    if (const QStringList problems = project::checkRunnable(p); !problems.isEmpty()) {
        for (const QString &e : problems)
            ctx.err << path << ": " << e << "\n";
        ctx.err << "pgferry-cli project check: " << path << " loads but cannot run (" << problems.size()
                << (problems.size() == 1 ? " problem)\n" : " problems)\n");
        return Failure;
    }
    // The version as written, to say when the file will be upgraded on its next save.
    QFile f(path);
    int fileVersion = Project::CurrentVersion;
    if (f.open(QIODevice::ReadOnly)) {
        QByteArray data = f.readAll();
        if (data.startsWith("\xEF\xBB\xBF"))
            data.remove(0, 3);
        fileVersion = QJsonDocument::fromJson(data).object().value(u"version").toInt(0);
    }
    ctx.out << path << ": valid pgferry project, format version " << fileVersion;
    if (fileVersion < Project::CurrentVersion)
        ctx.out << " (upgraded to version " << Project::CurrentVersion << " when saved)";
    ctx.out << "\n";
    ctx.out << "  name:      " << printable(p.name) << "\n";
    ctx.out << "  id:        " << p.id << "\n";
    ctx.out << "  mode:      " << project::modeName(p.mode) << ", engine " << project::engineName(p.engine)
            << ", " << p.settings.jobs << " parallel jobs, verification "
            << (p.settings.verify ? project::verifyLevelName(p.settings.verifyLevel) : QStringLiteral("none"))
            << "\n";
    ctx.out << "  source:    " << printable(p.source.connInfo().toUri()) << "\n";
    ctx.out << "  target:    " << printable(p.target.connInfo().toUri());
    if (!p.target.azureResourceId.isEmpty())
        ctx.out << " (Azure " << printable(p.target.azureResourceId) << ")";
    if (p.target.auth == project::Auth::Entra)
        ctx.out << " (signs in with a Microsoft Entra ID token)";
    ctx.out << "\n";
    ctx.out << "  databases: ";
    if (p.databases.isEmpty()) {
        ctx.out << "none selected yet\n";
    } else {
        QStringList items;
        for (const auto &d : p.databases)
            items << (d.targetName.isEmpty()
                          ? quotedIfOdd(d.name)
                          : quotedIfOdd(d.name) + QStringLiteral(" -> ") + quotedIfOdd(d.targetName));
        ctx.out << items.join(QStringLiteral(", ")) << "\n";
    }
    if (!p.unknownFields.isEmpty())
        ctx.out << "  note:      fields this version does not know are kept: "
                << printable(p.unknownFields.keys().join(QStringLiteral(", "))) << "\n";
    printManagedEngineWarnings(ctx, path, p);
    return Success;
}

} // namespace

int cmdProject(Context &ctx)
{
    QStringList a = ctx.args;
    if (a.isEmpty()) {
        ctx.err << projectUsage();
        return Usage;
    }
    const QString action = a.takeFirst();
    if (action == u"--help" || action == u"-h" || action == u"help" || a.contains(QStringLiteral("--help"))) {
        ctx.out << projectUsage();
        return Success;
    }
    if (action == u"new")
        return projectNew(ctx, a);
    if (action == u"check")
        return projectCheck(ctx, a);
    ctx.err << "pgferry-cli project: unknown action \"" << printable(action) << "\" (new or check)\n\n"
            << projectUsage();
    return Usage;
}

} // namespace pgferry::cli
