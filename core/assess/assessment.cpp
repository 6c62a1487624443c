// Runs the source and target probes in parallel, then the checks that need both servers.
#include "assess/assessment.h"

#include "assess/probes.h"
#include "azure/fallbackreadiness.h"
#include "azure/networkaccess.h"
#include "schema/pgtools.h"

#include <algorithm>
#include <thread>

namespace pgferry::assess {

using namespace detail;

AssessmentInput fromProject(const project::Project &p, pg::ConnInfo source, pg::ConnInfo target)
{
    AssessmentInput in;
    if (source.database.isEmpty())
        source.database = p.source.database;
    if (target.database.isEmpty())
        target.database = p.target.database;
    in.source = std::move(source);
    in.target = std::move(target);
    in.mode = p.mode;
    in.captureDdl = p.settings.schema.captureDdl;
    in.engine = p.engine;
    in.targetIsAzure =
        p.engine == project::Engine::Azure || !p.target.azureResourceId.isEmpty() ||
        p.target.host.endsWith(QStringLiteral(".postgres.database.azure.com"), Qt::CaseInsensitive);
    in.databases = p.databases;
    in.projectId = p.id;
    in.overwrite = p.settings.schema.overwrite;
    in.createRoles = p.settings.schema.createRoles;
    in.fallback = p.settings.cutover.fallback && p.mode == project::Mode::Online;
    // An Azure target whose resource id is known: its network access through ARM (where pgferry must
    // run for a server without public access) and, with a fallback, its server parameters.
    if (!p.target.azureResourceId.isEmpty()) {
        const bool fallback = in.fallback;
        in.extraChecks = [p, fallback] {
            QList<Check> checks{azure::networkAccessCheck(p)};
            if (fallback)
                checks << azure::fallbackParametersCheck(p);
            return checks;
        };
    }
    return in;
}

namespace {

// database.name: characters that break Azure's services and tools that build connection strings.
void checkDatabaseNames(const AssessmentInput &in, QList<Check> &out)
{
    const bool azure = in.engine == project::Engine::Azure;
    for (const project::DatabaseSelection &sel : in.databases) {
        QStringList bad;
        bool semicolon = false;
        for (const QString &name : {sel.name, sel.effectiveTarget()}) {
            QString found;
            for (const QChar ch : name) {
                if (ch == u';')
                    semicolon = true;
                if ((ch == u';' || ch == u'\'' || ch == u'"' || ch == u'\\' || ch == u'=' || ch.isSpace() ||
                     ch.category() == QChar::Other_Control) &&
                    !found.contains(ch))
                    found += ch;
            }
            if (!found.isEmpty() && !bad.contains(name))
                bad << name;
        }
        if (bad.isEmpty()) {
            out << makeCheck(QStringLiteral("database.name"), Severity::Pass, sel.name, {sel.name},
                             QStringLiteral("The database name is safe for every tool."));
            continue;
        }
        QString clean = sel.name;
        for (QChar &ch : clean) {
            if (ch == u';' || ch == u'\'' || ch == u'"' || ch == u'\\' || ch == u'=' || ch.isSpace() ||
                ch.category() == QChar::Other_Control)
                ch = u'_';
        }
        const Severity sev = semicolon && azure ? Severity::Blocker : Severity::Warning;
        QList<Fix> fixes{
            Fix{FixTarget::SourceSql,
                {},
                QStringLiteral("-- needs no open connection to the database\nALTER DATABASE %1 RENAME TO %2;")
                    .arg(ident(sel.name), ident(clean)),
                sev != Severity::Blocker}};
        if (!azure)
            fixes << Fix{
                FixTarget::Manual,
                {},
                QStringLiteral("Or keep the source name and give the target another name in the project "
                               "(--database \"SOURCE:%1\").")
                    .arg(clean)};
        out << makeCheck(
            QStringLiteral("database.name"), sev, sel.name, bad,
            semicolon ? (azure ? QStringLiteral("The database name contains ';', which Azure's migration "
                                                "service cannot take.")
                               : QStringLiteral("The database name contains ';': pgferry handles it, but "
                                                "Azure's services and many tools cannot."))
                      : QStringLiteral("The database name contains quotes, '=', '\\' or white space, which "
                                       "break tools that build connection strings."),
            fixes);
    }
}

void crossChecks(const AssessmentInput &in, const SourceFacts &src, const TargetFacts &tgt, QList<Check> &out)
{
    if (!src.reachable || !tgt.reachable)
        return;
    const bool managed = in.targetIsAzure || in.engine == project::Engine::Azure || !tgt.superuser;

    // target.version
    if (majorKey(tgt.version) >= majorKey(src.version))
        out << makeCheck(QStringLiteral("target.version"), Severity::Pass, {}, {majorName(tgt.version)},
                         QStringLiteral("The target runs PostgreSQL %1, the source %2.")
                             .arg(majorName(tgt.version), majorName(src.version)));
    else
        out << makeCheck(
            QStringLiteral("target.version"), Severity::Blocker, {}, {majorName(tgt.version)},
            QStringLiteral("The target runs PostgreSQL %1, older than the source's %2: a migration "
                           "only goes to the same or a newer major version.")
                .arg(majorName(tgt.version), majorName(src.version)),
            {Fix{FixTarget::Manual,
                 {},
                 QStringLiteral("Create the target with PostgreSQL %1 or newer.")
                     .arg(majorName(src.version))}});

    // source.azure_service_version: Azure's migration service takes sources from 9.5 on.
    if (in.engine == project::Engine::Azure && majorKey(src.version) < majorKey(90500))
        out << makeCheck(
            QStringLiteral("source.azure_service_version"), Severity::Blocker, {}, {majorName(src.version)},
            QStringLiteral("The source runs PostgreSQL %1; Azure's migration service migrates sources of "
                           "9.5 or later only.")
                .arg(majorName(src.version)),
            {Fix{FixTarget::Manual,
                 {},
                 QStringLiteral("Migrate with pgferry's own engine (engine \"local\" in the project), "
                                "which streams from this source with test_decoding.")}});

    // client.pg_dump: the local engine dumps the schema with pg_dump of the source's major or newer.
    if (in.engine == project::Engine::Local) {
        const schema::PgTools tools = schema::PgTools::find(majorKey(src.version));
        if (tools.isValid())
            out << makeCheck(QStringLiteral("client.pg_dump"), Severity::Pass, {}, {tools.binDir()},
                             QStringLiteral("pg_dump and pg_restore %1 (%2) read the source's PostgreSQL %3.")
                                 .arg(tools.majorName(), tools.binDir(), majorName(src.version)));
        else
            out << makeCheck(
                QStringLiteral("client.pg_dump"), Severity::Blocker, {}, {QStringLiteral("pg_dump")},
                schema::PgTools::missingMessage(majorKey(src.version)) + u'.',
                {Fix{FixTarget::Manual,
                     {},
                     QStringLiteral("apt-get install postgresql-client-%1").arg(majorName(src.version))}});
    }

    QMap<QString, bool> missingRoles; // name -> can log in
    for (int i = 0; i < src.databases.size() && i < in.databases.size(); ++i) {
        const SourceDatabaseFacts &db = src.databases.at(i);
        const project::DatabaseSelection &sel = in.databases.at(i);
        if (!db.reachable)
            continue;

        // database.encoding_collation
        if (db.catalogKnown) {
            const auto t = tgt.databases.constFind(sel.effectiveTarget());
            const QString createSql =
                QStringLiteral("CREATE DATABASE %1 TEMPLATE template0 ENCODING %2 LC_COLLATE %3 LC_CTYPE %4;")
                    .arg(ident(sel.effectiveTarget()), literal(db.encoding), literal(db.collate),
                         literal(db.ctype));
            const QString source =
                QStringLiteral("%1, collation %2, ctype %3").arg(db.encoding, db.collate, db.ctype);
            if (t != tgt.databases.cend()) {
                const QString target =
                    QStringLiteral("%1, collation %2, ctype %3").arg(t->encoding, t->collate, t->ctype);
                const bool encodingDiffers = t->encoding != db.encoding;
                const bool localeDiffers = t->collate != db.collate || t->ctype != db.ctype;
                if (!encodingDiffers && !localeDiffers)
                    out << makeCheck(QStringLiteral("database.encoding_collation"), Severity::Pass, sel.name,
                                     {}, QStringLiteral("Source and target database: %1.").arg(source));
                else
                    out << makeCheck(
                        QStringLiteral("database.encoding_collation"),
                        encodingDiffers ? Severity::Blocker : Severity::Warning, sel.name,
                        {sel.effectiveTarget()},
                        QStringLiteral("The source database is %1 but the existing target database is %2%3.")
                            .arg(source, target,
                                 encodingDiffers
                                     ? QStringLiteral(": text may not convert")
                                     : QStringLiteral(": sort order and indexes on text may differ")),
                        {Fix{FixTarget::TargetSql,
                             {},
                             QStringLiteral("-- recreate the (empty) target database to match the source\n"
                                            "DROP DATABASE %1;\n")
                                     .arg(ident(sel.effectiveTarget())) +
                                 createSql}});
            } else {
                const bool builtin = db.collate == u"C" || db.collate == u"POSIX";
                const bool known =
                    builtin || tgt.collations.contains(db.collate) || tgt.templateCollate == db.collate;
                if (known)
                    out << makeCheck(
                        QStringLiteral("database.encoding_collation"), Severity::Pass, sel.name, {},
                        QStringLiteral("The target database will be created as %1.").arg(source));
                else
                    out << makeCheck(
                        QStringLiteral("database.encoding_collation"), Severity::Warning, sel.name,
                        {db.collate},
                        QStringLiteral("The source database uses the locale %1, which the target does not "
                                       "list; creating the target database with it may fail.")
                            .arg(db.collate),
                        {Fix{FixTarget::TargetSql,
                             {},
                             QStringLiteral("-- create it yourself with a locale the target has, e.g.:\n") +
                                 createSql}});
            }
        }

        // extension.target_available
        {
            QStringList missing, notAllowed, all;
            for (const auto &[name, version] : db.extensions) {
                all << name;
                if (!tgt.extensions.contains(name))
                    missing << name;
                else if (in.targetIsAzure && tgt.azureAllowListKnown &&
                         !tgt.azureAllowList.contains(name.toLower()))
                    notAllowed << name;
            }
            QList<Fix> fixes;
            if (!notAllowed.isEmpty() || (in.targetIsAzure && !missing.isEmpty())) {
                QStringList allowed(tgt.azureAllowList.cbegin(), tgt.azureAllowList.cend());
                allowed << notAllowed << missing;
                allowed.removeDuplicates();
                allowed.sort();
                fixes << Fix{
                    FixTarget::TargetConfig,
                    {},
                    QStringLiteral("az postgres flexible-server parameter set --resource-group <group> "
                                   "--server-name <server> --name azure.extensions --value \"%1\"")
                        .arg(allowed.join(u','))};
            }
            if (!missing.isEmpty() && !in.targetIsAzure)
                fixes << Fix{FixTarget::Manual,
                             {},
                             QStringLiteral(
                                 "Install the extensions' packages on the target server (contrib extensions: "
                                 "postgresql-contrib, or postgresql-%1-<extension>): %2")
                                 .arg(majorName(tgt.version), missing.join(QStringLiteral(", ")))};
            if (missing.isEmpty() && notAllowed.isEmpty())
                out << makeCheck(QStringLiteral("extension.target_available"), Severity::Pass, sel.name, all,
                                 all.isEmpty()
                                     ? QStringLiteral("No extensions to migrate.")
                                     : QStringLiteral("Every extension is available on the target."));
            else
                out << makeCheck(QStringLiteral("extension.target_available"), Severity::Blocker, sel.name,
                                 missing + notAllowed,
                                 (missing.isEmpty() ? QString()
                                                    : QStringLiteral("Not available on the target: %1. ")
                                                          .arg(missing.join(QStringLiteral(", ")))) +
                                     (notAllowed.isEmpty()
                                          ? QString()
                                          : QStringLiteral("Not allow-listed in azure.extensions: %1.")
                                                .arg(notAllowed.join(QStringLiteral(", ")))),
                                 fixes);
            // extension.version: the schema's CREATE EXTENSION makes the target's default version,
            // which between majors is often newer (hstore 1.4 on 9.6, 1.8 on 17).
            QStringList differ;
            for (const auto &[name, version] : db.extensions) {
                const QString there = tgt.extensionDefaultVersions.value(name);
                if (!there.isEmpty() && !version.isEmpty() && there != version)
                    differ << QStringLiteral("%1 %2 → %3").arg(name, version, there);
            }
            if (!differ.isEmpty())
                out << makeCheck(
                    QStringLiteral("extension.version"), Severity::Info, sel.name, differ,
                    QStringLiteral("%1 arrive at the target's version: %2. Their data types carry "
                                   "over; functions added or changed between the versions may behave "
                                   "differently, so test what the application calls.")
                        .arg(differ.size() == 1 ? QStringLiteral("One extension will")
                                                : QStringLiteral("%1 extensions will").arg(differ.size()),
                             differ.join(QStringLiteral(", "))));
            if (in.targetIsAzure && !tgt.azureAllowListKnown && !db.extensions.isEmpty())
                out << makeCheck(
                    QStringLiteral("extension.target_available"), Severity::Warning, sel.name, all,
                    QStringLiteral("The target's azure.extensions allow-list cannot be read; extensions "
                                   "must be allow-listed there before they can be created."),
                    {Fix{FixTarget::TargetConfig,
                         {},
                         QStringLiteral("az postgres flexible-server parameter set --resource-group <group> "
                                        "--server-name <server> --name azure.extensions --value \"%1\"")
                             .arg(all.join(u','))}});
        }

        // object.superuser_only
        if (db.superuserObjects.isEmpty()) {
            out << makeCheck(QStringLiteral("object.superuser_only"), Severity::Pass, sel.name, {},
                             QStringLiteral("No event triggers, C functions or untrusted languages."));
        } else {
            QStringList objects, drops;
            for (const SuperuserObject &o : db.superuserObjects) {
                objects << QStringLiteral("%1 %2").arg(o.kind, o.display);
                drops << o.dropSql;
            }
            out << makeCheck(
                QStringLiteral("object.superuser_only"), managed ? Severity::Blocker : Severity::Pass,
                sel.name, objects,
                managed
                    ? QStringLiteral("%1 object(s) need a superuser to create, which the target (%2) does "
                                     "not grant.")
                          .arg(QString::number(objects.size()),
                               in.targetIsAzure ? QStringLiteral("Azure")
                                                : QStringLiteral("user \"") + tgt.user + u'"')
                    : QStringLiteral("%1 object(s) that need a superuser; the target user is one.")
                          .arg(objects.size()),
                managed ? QList<Fix>{Fix{FixTarget::SourceSql, sel.name,
                                         QStringLiteral("-- Recreate their function after the migration "
                                                        "where the target allows it, then drop them here or "
                                                        "exclude them:\n") +
                                             drops.join(u'\n')}}
                        : QList<Fix>{});
        }

        for (auto it = db.roles.cbegin(); it != db.roles.cend(); ++it) {
            if (!tgt.roles.contains(it.key()))
                missingRoles.insert(it.key(), it.value());
        }
    }

    // role.missing_on_target
    if (missingRoles.isEmpty()) {
        out << makeCheck(
            QStringLiteral("role.missing_on_target"), Severity::Pass, {}, {},
            QStringLiteral("Every role that owns or is granted something exists on the target."));
    } else {
        QStringList names, lines, logins;
        for (auto it = missingRoles.cbegin(); it != missingRoles.cend(); ++it) {
            names << it.key();
            lines << QStringLiteral("CREATE ROLE %1%2;")
                         .arg(ident(it.key()), it.value() ? QStringLiteral(" LOGIN") : QString());
            if (it.value()) {
                logins << it.key();
                lines << QStringLiteral("-- then set its password: \\password %1").arg(ident(it.key()));
            }
        }
        const Severity sev = !in.createRoles    ? Severity::Blocker
                             : logins.isEmpty() ? Severity::Info
                                                : Severity::Warning;
        out << makeCheck(
            QStringLiteral("role.missing_on_target"), sev, {}, names,
            (in.createRoles ? QStringLiteral("%1 role(s) that own or are granted objects do not exist on the "
                                             "target; pgferry creates them.")
                            : QStringLiteral("%1 role(s) that own or are granted objects do not exist on the "
                                             "target, and the project does not create roles."))
                    .arg(names.size()) +
                (logins.isEmpty() ? QString()
                                  : QStringLiteral(" Passwords cannot be copied: set one for %1.")
                                        .arg(logins.join(QStringLiteral(", ")))),
            {Fix{FixTarget::TargetSql, {}, lines.join(u'\n')}});
    }
}

} // namespace

AssessmentReport assess(const AssessmentInput &in)
{
    AssessmentReport report;
    if (in.databases.isEmpty())
        report.checks << makeCheck(
            QStringLiteral("project.databases"), Severity::Blocker, {}, {},
            QStringLiteral("No database is selected for migration."),
            {Fix{FixTarget::Manual, {}, QStringLiteral("Add a database to the project (--database NAME).")}});
    checkDatabaseNames(in, report.checks);

    SourceProbe source(in);
    TargetProbe target(in);
    // One thread per server: an unreachable server costs at most the connect timeout and never
    // delays the other side. Each probe owns its connections; only the cancel flag is shared.
    std::thread sourceThread([&source] { source.run(); });
    std::thread targetThread([&target] { target.run(); });
    // The checks through Azure Resource Manager run meanwhile, in this thread as before: a private
    // server's network is known without waiting for the target's connect timeout.
    QList<Check> extra = in.extraChecks ? in.extraChecks() : QList<Check>{};
    sourceThread.join();
    targetThread.join();
    // A server without public access that pgferry reached: it already runs inside that network.
    const bool targetConnected =
        std::any_of(target.checks.cbegin(), target.checks.cend(), [](const Check &c) {
            return c.id == u"target.connectivity" && c.severity == Severity::Pass;
        });
    for (Check &c : extra)
        if (c.id == u"target.azure_network" && c.severity == Severity::Warning && targetConnected) {
            c.severity = Severity::Info;
            c.message +=
                QStringLiteral(" pgferry reached it, so it already runs where that network is reachable.");
        }

    report.checks << source.checks << target.checks;
    if (isCancelled(in)) {
        report.checks << extra;
        report.checks << makeCheck(QStringLiteral("assessment.cancelled"), Severity::Blocker, {}, {},
                                   QStringLiteral("The assessment was cancelled before it finished."),
                                   {Fix{FixTarget::Manual, {}, QStringLiteral("Run the assessment again.")}});
        return report;
    }
    crossChecks(in, source.facts, target.facts, report.checks);
    report.checks << extra;
    return report;
}

} // namespace pgferry::assess
