// pgferry-cli status FILE [--json] [--tables]: the current status of a running `run`, or the last one's.
// The JSON lists per database only the tables being worked on or failed ("tables_omitted" counts
// the rest: at 10,000 tables the whole list is megabytes); --tables lists every table.
// For the azure engine that is what the run last read from Azure, with Azure's own state words.
#include "cli.h"
#include "common.h"

#include "azure/managedengine.h"
#include "engine/migrationstatus.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace pgferry::cli {

int cmdStatus(Context &ctx)
{
    Args a;
    if (const int rc = parseArgs(ctx, QStringLiteral("pgferry-cli status FILE [--json] [--tables]"),
                                 {QStringLiteral("--json"), QStringLiteral("--tables")}, {}, a);
        rc >= 0)
        return rc;
    auto project = loadProjectOrExplain(ctx, a.file);
    if (!project)
        return Failure;
    const QString dir = stateDirFor(ctx, "status", *project);
    if (dir.isEmpty())
        return Failure;
    QJsonObject st = readStatusFile(dir);
    const qint64 pid = activeRunPid(dir);
    if (st.isEmpty()) {
        engine::MigrationStatus none;
        none.projectId = project->id;
        none.mode = project::modeName(project->mode);
        none.engine = project::engineName(project->engine);
        st = none.toJson();
    }
    st.insert(QStringLiteral("running"), pid > 0);
    st.insert(QStringLiteral("state_dir"), dir);
    if (pid > 0)
        st.insert(QStringLiteral("pid"), pid);
    if (!a.flags.contains(QStringLiteral("--tables")))
        st = withTablesInWorkOnly(st);
    if (a.flags.contains(QStringLiteral("--json"))) {
        ctx.out << QJsonDocument(st).toJson(QJsonDocument::Compact) << "\n";
        return Success;
    }
    const engine::MigrationStatus s = engine::MigrationStatus::fromJson(st);
    ctx.out << project->name << ": " << engine::runStateName(s.state)
            << (pid ? QStringLiteral(" (run in progress, pid %1)").arg(pid) : QString()) << "\n";
    const bool azure = project->engine == project::Engine::Azure;
    if (azure) {
        const QString name = project->azure.migrationName.isEmpty()
                                 ? azure::ManagedEngine::defaultMigrationName(*project)
                                 : project->azure.migrationName;
        ctx.out << "  Azure migration " << name << ": "
                << (s.engineState.isEmpty() ? QStringLiteral("not read yet") : s.engineState);
        if (!pid && s.updatedAt.isValid())
            ctx.out << " (as of " << s.updatedAt.toString(Qt::ISODate) << ")";
        ctx.out << "\n";
    }
    for (const auto &d : s.databases) {
        ctx.out << "  " << d.name << " -> " << d.targetName << ": " << engine::phaseName(d.phase) << ", "
                << d.tablesDone << " of " << d.tablesTotal << " tables done";
        if (d.tablesFailed)
            ctx.out << ", " << d.tablesFailed << " failed";
        if (d.phase == engine::DatabasePhase::Streaming) {
            ctx.out << ", lag " << d.lagBytes << " bytes / " << d.lagSeconds << " s, pending "
                    << d.pendingChanges;
            if (d.changesPerSecond > 0)
                ctx.out << ", applying " << qint64(d.changesPerSecond) << " changes/s";
            if (d.etaSeconds > 0 && !d.readyForCutover)
                ctx.out << ", caught up in about " << qint64(d.etaSeconds + 0.5) << " s";
        }
        ctx.out << "\n";
        if (!d.notReadyReason.isEmpty() && d.phase == engine::DatabasePhase::Streaming)
            ctx.out << "    not ready: " << d.notReadyReason << "\n";
        // The verdict, check by check; what is fine is one line, what is not comes with its objects.
        for (const engine::ReadinessCheck &c : d.readiness) {
            ctx.out << "    " << engine::ReadinessCheck::stateName(c.state) << ": " << c.check << ": "
                    << c.summary << "\n";
            if (c.state == engine::ReadinessCheck::State::Ok)
                continue;
            for (const QString &detail : c.details.mid(0, 10))
                ctx.out << "      " << detail << "\n";
            for (const QString &statement : c.statements.mid(0, 10))
                ctx.out << "      " << statement << "\n";
        }
        if (!d.ddlCapture.isEmpty())
            ctx.out << "    schema changes: "
                    << (d.ddlCapture == u"event trigger" ? "carried (event trigger)" : "watched only") << ", "
                    << d.schemaChanges.size() << " seen\n";
        for (const engine::SchemaChange &c : d.schemaChanges) {
            ctx.out << "      " << c.state << ": " << c.kind << " " << c.object;
            if (!c.lsn.isEmpty())
                ctx.out << " at " << c.lsn;
            ctx.out << "\n";
            if (c.unresolved() || c.state == u"ignored")
                ctx.out << "        " << c.detail << "\n";
        }
    }
    ctx.out << "  ready for cutover: " << (st.value(u"ready_for_cutover").toBool() ? "yes" : "no") << "\n";
    for (const QString &e : s.errors)
        ctx.out << "  error: " << e << "\n";
    const bool finished = s.state == engine::RunState::Completed || s.state == engine::RunState::Failed ||
                          s.state == engine::RunState::Cancelled;
    if (azure && !pid && !finished && s.state != engine::RunState::NotStarted)
        ctx.out
            << "  nothing is watching it, but the migration may still be running in Azure: `pgferry-cli run "
            << a.file << "` resumes watching it, `pgferry-cli azure cancel-migration " << a.file
            << "` cancels it\n";
    return Success;
}

} // namespace pgferry::cli
