// pgferry-cli source-writable FILE [--database NAME]: undoes the read-only switch that pgferry's
// cutover set on the source databases (after a cutover that failed and left it on), and records it
// in the run journal.
#include "cli.h"
#include "common.h"

#include "engine/abandon.h"
#include "project/secretstore.h"

namespace pgferry::cli {

int cmdSourceWritable(Context &ctx)
{
    Args a;
    const QString usage = QStringLiteral("pgferry-cli source-writable FILE [--database NAME]");
    if (const int rc = parseArgs(ctx, usage, {}, {QStringLiteral("--database")}, a); rc >= 0)
        return rc;
    auto project = loadProjectOrExplain(ctx, a.file);
    if (!project)
        return Failure;
    if (project->engine == project::Engine::Azure) {
        ctx.err << "pgferry-cli source-writable: this project runs in Azure's migration service, which does "
                   "not make "
                   "the source read-only\n";
        return Failure;
    }
    const QStringList databases = selectedDatabases(ctx, "source-writable", usage, *project, a);
    if (databases.isEmpty())
        return Usage;
    const QString dir = stateDirFor(ctx, "source-writable", *project);
    if (dir.isEmpty())
        return Failure;
    if (const qint64 pid = activeRunPid(dir)) {
        ctx.err << "pgferry-cli source-writable: a run of this project is in progress (pid " << pid
                << "); a cutover that fails makes the source writable again itself. Stop the run first, then "
                   "ask again\n";
        return Failure;
    }
    QString hint;
    const pg::ConnInfo source =
        project::resolveConnInfo(*project, project::Role::Source, project->source.database, &hint);
    bool ok = true;
    for (const QString &db : databases) {
        const engine::SourceWritableResult r = engine::makeSourceWritable(source, dir, db);
        if (r.ok)
            ctx.out << r.message << "\n";
        else
            ctx.err << "pgferry-cli source-writable: " << r.message << "\n";
        ok = ok && r.ok;
    }
    return ok ? Success : Failure;
}

} // namespace pgferry::cli
