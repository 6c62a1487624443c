#include "common.h"

#include "engine/runfiles.h"
#include "project/projectfile.h"
#include "project/secretstore.h"

#include <QFile>
#include <QJsonDocument>
#include <csignal>
#include <cstdio>
#include <sys/types.h>
#include <unistd.h>

namespace pgferry::cli {

std::optional<project::Project> loadProjectOrExplain(Context &ctx, const QString &path)
{
    const project::LoadResult r = project::loadProjectFile(path);
    if (!r.ok()) {
        ctx.err << "pgferry-cli: cannot use the project file " << path << ":\n";
        for (const QString &e : r.errors)
            ctx.err << "  " << e << "\n";
        ctx.err.flush();
        return std::nullopt;
    }
    return r.project;
}

QString stateDirFor(Context &ctx, const char *verb, const project::Project &p)
{
    QString error;
    const QString dir = project::runStateDir(p, &error);
    if (dir.isEmpty()) {
        ctx.err << "pgferry-cli " << verb << ": " << error << "\n";
        ctx.err.flush();
    }
    return dir;
}

QString lockFile(const QString &stateDir)
{
    return engine::RunFiles::lockFile(stateDir);
}

qint64 activeRunPid(const QString &stateDir)
{
    return engine::RunFiles::liveRun(stateDir).pid;
}

QJsonObject readStatusFile(const QString &stateDir)
{
    return engine::RunFiles::readStatus(stateDir);
}

int parseArgs(Context &ctx, const QString &usage, const QStringList &knownFlags,
              const QStringList &knownOptions, Args &out)
{
    QStringList a = ctx.args;
    while (!a.isEmpty()) {
        const QString x = a.takeFirst();
        if (x == u"--help" || x == u"-h") {
            ctx.out << "usage: " << usage << "\n";
            return Success;
        }
        if (knownFlags.contains(x)) {
            out.flags << x;
        } else if (knownOptions.contains(x)) {
            if (a.isEmpty()) {
                ctx.err << "pgferry-cli: " << x << " needs a value\nusage: " << usage << "\n";
                return Usage;
            }
            out.options.insert(x, a.takeFirst());
        } else if (x.startsWith(u'-')) {
            ctx.err << "pgferry-cli: unknown option " << x << "\nusage: " << usage << "\n";
            return Usage;
        } else if (out.file.isEmpty()) {
            out.file = x;
        } else {
            ctx.err << "pgferry-cli: unexpected argument " << x << "\nusage: " << usage << "\n";
            return Usage;
        }
    }
    if (out.file.isEmpty()) {
        ctx.err << "pgferry-cli: missing the project FILE\nusage: " << usage << "\n";
        return Usage;
    }
    return -1;
}

QStringList selectedDatabases(Context &ctx, const char *verb, const QString &usage, const project::Project &p,
                              const Args &a)
{
    QStringList databases;
    for (const project::DatabaseSelection &db : p.databases)
        databases << db.name;
    if (!a.options.contains(QStringLiteral("--database")))
        return databases;
    const QString only = a.options.value(QStringLiteral("--database"));
    if (!databases.contains(only)) {
        ctx.err << "pgferry-cli " << verb << ": the project migrates no source database \"" << only
                << "\" (it migrates: " << databases.join(QStringLiteral(", ")) << ")\nusage: " << usage
                << "\n";
        return {};
    }
    return {only};
}

int confirmOnTerminal(Context &ctx, const QString &verb, const QString &what, const QString &question,
                      const QString &unchanged)
{
    if (!::isatty(STDIN_FILENO)) {
        ctx.err << "pgferry-cli " << verb << ": confirm with --yes (no terminal to ask on); " << unchanged
                << "\n";
        return Usage;
    }
    ctx.out << question << " Type yes: ";
    ctx.out.flush();
    char line[32] = {};
    if (!std::fgets(line, sizeof line, stdin) || QByteArray(line).trimmed() != "yes") {
        ctx.err << what << " not confirmed; " << unchanged << "\n";
        return Failure;
    }
    return -1;
}

} // namespace pgferry::cli
