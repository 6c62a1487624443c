// pgferry-cli verify FILE [--json]: row counts and checksums of every migrated table, source
// against target, now; and the databases' own properties (settings, privileges, comment,
// connection limit), which count once the run has carried them (at cutover).
#include "cli.h"
#include "common.h"

#include "azure/entrapasswordsource.h"
#include "cutover/finish.h"
#include "cutover/verify.h"
#include "engine/journal.h"
#include "project/secretstore.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace pgferry::cli {

int cmdVerify(Context &ctx)
{
    Args a;
    if (const int rc = parseArgs(ctx, QStringLiteral("pgferry-cli verify FILE [--json]"),
                                 {QStringLiteral("--json")}, {}, a);
        rc >= 0)
        return rc;
    auto project = loadProjectOrExplain(ctx, a.file);
    if (!project)
        return Failure;
    const bool json = a.flags.contains(QStringLiteral("--json"));
    QJsonArray dbs;
    int mismatches = 0;
    // The run's journal says which databases' properties were carried already.
    engine::Journal journal(project::runStateDir(*project));
    journal.load();
    for (const auto &db : project->databases) {
        QString hint; // no keychain: the passfile or the environment may still apply
        const pg::ConnInfo src = project::resolveConnInfo(*project, project::Role::Source, db.name, &hint);
        const pg::ConnInfo dst =
            azure::resolveConnInfo(*project, project::Role::Target, db.effectiveTarget(), &hint);
        QList<cutover::TableVerification> results;
        QStringList propertyDiffs;
        const bool carried = journal.done(db.name, QStringLiteral("cutover_schema"));
        try {
            pg::Connection s = pg::Connection::open(src);
            results = cutover::verifyTables(src, dst, cutover::tablesToVerify(s, db), project->settings.jobs);
            pg::Connection t = pg::Connection::open(dst);
            propertyDiffs = cutover::databasePropertyDifferences(
                s, db.name, t, db.effectiveTarget(),
                journal.value(db.name, QStringLiteral("database_properties_refused")));
        } catch (const pg::Exception &e) {
            ctx.err << "pgferry-cli verify: database " << db.name << ": " << e.error().toString() << "\n";
            return Failure;
        }
        QJsonArray tables;
        for (const auto &v : results) {
            tables.append(v.toJson());
            if (!v.matches()) {
                ++mismatches;
                if (!json)
                    ctx.out << "DIFFERS " << db.name << " " << v.schema << "." << v.name << ": source "
                            << v.source.rows << " rows, target " << v.target.rows << " rows " << v.error
                            << "\n";
            }
        }
        if (carried)
            mismatches += int(propertyDiffs.size());
        if (!json) {
            for (const QString &d : propertyDiffs)
                ctx.out << (carried ? "DIFFERS " : "not carried yet (at cutover) ") << db.name
                        << " database property " << d << "\n";
            ctx.out << db.name << " -> " << db.effectiveTarget() << ": " << results.size()
                    << " tables checked\n";
        }
        dbs.append(QJsonObject{
            {QStringLiteral("database"), db.name},
            {QStringLiteral("target_database"), db.effectiveTarget()},
            {QStringLiteral("tables"), tables},
            {QStringLiteral("database_properties"),
             QJsonObject{{QStringLiteral("carried"), carried},
                         {QStringLiteral("differences"), QJsonArray::fromStringList(propertyDiffs)}}}});
    }
    if (json)
        ctx.out << QJsonDocument(QJsonObject{{QStringLiteral("databases"), dbs},
                                             {QStringLiteral("mismatches"), mismatches},
                                             {QStringLiteral("identical"), mismatches == 0}})
                       .toJson(QJsonDocument::Compact)
                << "\n";
    else
        ctx.out << (mismatches == 0
                        ? "identical: row counts and checksums match\n"
                        : QStringLiteral("%1 difference(s) in tables or database properties, listed above\n")
                              .arg(mismatches)
                              .toUtf8()
                              .constData());
    return mismatches == 0 ? Success : Failure;
}

} // namespace pgferry::cli
