// pgferry-cli abandon FILE [--yes] [--drop-target] [--json]: removes what the project's migration
// made on its servers (slots, publications, the schema-change capture, the read-only switch, the
// replication origin, with --drop-target the target databases pgferry created) and its run state
// folder. Without --yes it lists them and asks, as `cutover` does. Refused while a run is active.
#include "cli.h"
#include "common.h"

#include "azure/entrapasswordsource.h"
#include "engine/abandon.h"
#include "engine/runfiles.h"
#include "project/secretstore.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <cstdio>
#include <sys/stat.h>
#include <unistd.h>

namespace pgferry::cli {

namespace {

void printPlan(Context &ctx, const engine::AbandonPlan &plan)
{
    for (const engine::AbandonItem &i : plan.items)
        if (!i.refused)
            ctx.out << "  " << i.describe() << "\n";
    for (const engine::AbandonItem &i : plan.items)
        if (i.refused)
            ctx.out << "  left alone: " << i.describe() << ": " << i.refusedWhy << "\n";
    for (const QString &n : plan.notes)
        ctx.out << "  note: " << n << "\n";
    for (const QString &p : plan.problems)
        ctx.err << "pgferry-cli abandon: " << p << "\n";
}

} // namespace

int cmdAbandon(Context &ctx)
{
    Args a;
    if (const int rc = parseArgs(
            ctx, QStringLiteral("pgferry-cli abandon FILE [--yes] [--drop-target] [--json]"),
            {QStringLiteral("--yes"), QStringLiteral("--drop-target"), QStringLiteral("--json")}, {}, a);
        rc >= 0)
        return rc;
    auto project = loadProjectOrExplain(ctx, a.file);
    if (!project)
        return Failure;
    const bool json = a.flags.contains(QStringLiteral("--json"));
    if (project->engine == project::Engine::Azure) {
        ctx.err
            << "pgferry-cli abandon: this project runs in Azure's migration service; cancel it there with "
               "`pgferry-cli azure cancel-migration "
            << a.file << "`\n";
        return Failure;
    }
    ::umask(077);
    const QString dir = stateDirFor(ctx, "abandon", *project);
    if (dir.isEmpty())
        return Failure;
    if (const qint64 pid = activeRunPid(dir)) {
        ctx.err << "pgferry-cli abandon: a run of this project is in progress (pid " << pid
                << "); nothing was removed. Stop it first (Ctrl-C in its terminal, or kill -TERM " << pid
                << "), then run abandon again\n";
        return Failure;
    }

    engine::AbandonInput in;
    in.project = *project;
    QString hint; // no keychain: the passfile or the environment may still apply
    in.source = project::resolveConnInfo(*project, project::Role::Source, project->source.database, &hint);
    in.target = azure::resolveConnInfo(*project, project::Role::Target, project->target.database, &hint);
    in.stateDir = dir;
    in.dropTarget = a.flags.contains(QStringLiteral("--drop-target"));
    engine::AbandonPlan plan = engine::planAbandon(in);
    if (plan.inUse) {
        if (json)
            ctx.out << QJsonDocument(plan.toJson()).toJson(QJsonDocument::Compact) << "\n";
        for (const QString &p : plan.problems)
            ctx.err << "pgferry-cli abandon: " << p << "\n";
        return Failure;
    }

    if (plan.nothingToRemove()) {
        // The folder that stateDirFor made (empty) goes too.
        engine::executeAbandon(in, plan);
        if (json) {
            ctx.out << QJsonDocument(plan.toJson()).toJson(QJsonDocument::Compact) << "\n";
        } else {
            if (plan.problems.isEmpty())
                ctx.out << "nothing of pgferry's is left for project " << project->name << "\n";
            else
                ctx.out << "nothing to remove was found for project " << project->name
                        << ", but not everything could be looked at:\n";
            printPlan(ctx, plan);
        }
        return plan.problems.isEmpty() ? Success : Failure;
    }

    if (!a.flags.contains(QStringLiteral("--yes"))) {
        if (json) {
            QJsonObject o = plan.toJson();
            o.insert(QStringLiteral("confirmed"), false);
            ctx.out << QJsonDocument(o).toJson(QJsonDocument::Compact) << "\n";
        } else {
            ctx.out << "abandon " << project->name << " removes:\n";
            printPlan(ctx, plan);
        }
        ctx.out.flush();
        if (const int rc = confirmOnTerminal(
                ctx, QStringLiteral("abandon"), QStringLiteral("abandon"),
                QStringLiteral("Remove all of this? The migration cannot resume afterwards."),
                QStringLiteral("nothing was removed"));
            rc >= 0)
            return rc;
    } else if (!json) {
        ctx.out << "abandoning " << project->name << ":\n";
    }

    {
        // While this runs, a `run` of the project refuses to start (it sees this process's lock);
        // one started since the check above wins, and nothing is removed.
        QString error;
        if (!engine::RunFiles::claimLock(dir, nullptr, &error)) {
            ctx.err << "pgferry-cli abandon: " << error << "; nothing was removed\n";
            return Failure;
        }
    }
    const bool complete = engine::executeAbandon(in, plan);
    if (!complete)
        QFile::remove(lockFile(dir));

    if (json) {
        ctx.out << QJsonDocument(plan.toJson()).toJson(QJsonDocument::Compact) << "\n";
    } else {
        for (const engine::AbandonItem &i : plan.items) {
            if (i.removed)
                ctx.out << "  removed " << i.describe() << "\n";
            else if (i.refused)
                ctx.out << "  left alone: " << i.describe() << ": " << i.refusedWhy << "\n";
        }
        for (const QString &n : plan.notes)
            ctx.out << "  note: " << n << "\n";
    }
    for (const engine::AbandonItem &i : plan.items)
        if (!i.error.isEmpty())
            ctx.err << "pgferry-cli abandon: " << i.error << "\n";
    for (const QString &p : plan.problems)
        ctx.err << "pgferry-cli abandon: " << p << "\n";
    if (!json)
        ctx.out << (complete ? "abandoned: nothing of pgferry's is left for this project\n"
                             : "not everything could be removed (the messages say what and why); run abandon "
                               "again once that is fixed\n");
    return complete ? Success : Failure;
}

} // namespace pgferry::cli
