// What the run-control verbs share: loading the project with clear errors, the run state folder,
// and whether a `run` of the same project is in progress (its lock file).
#pragma once

#include "cli.h"
#include "engine/migrationstatus.h"
#include "project/project.h"

#include <QJsonObject>
#include <optional>

namespace pgferry::cli {

// Loads FILE; on failure prints every problem to ctx.err and returns nullopt.
std::optional<project::Project> loadProjectOrExplain(Context &ctx, const QString &path);
// The project's run state folder, created if missing. Empty after printing why to ctx.err as
// "pgferry-cli VERB: ..." (the caller then fails: nothing may be written relative to "/").
QString stateDirFor(Context &ctx, const char *verb, const project::Project &p);
// The pid of the live `run` of this project, or 0 (also for an empty stateDir).
qint64 activeRunPid(const QString &stateDir);
QString lockFile(const QString &stateDir);
// The last status a run wrote, empty when none.
QJsonObject readStatusFile(const QString &stateDir);
// A status object with each database's tables cut to those in work or failed (not queued, not
// done), and "tables_omitted" counting the rest: what `status --json` and `run --json` print
// unless asked for every table, so that 10,000 tables do not make every line megabytes.
QJsonObject withTablesInWorkOnly(QJsonObject status);

// Asks "QUESTION Type yes: " on the terminal. Returns -1 when the user typed yes, otherwise the
// exit code after saying why: Usage when stdin is no terminal ("pgferry-cli VERB: confirm with
// --yes (no terminal to ask on); UNCHANGED"), Failure when declined ("WHAT not confirmed; UNCHANGED").
int confirmOnTerminal(Context &ctx, const QString &verb, const QString &what, const QString &question,
                      const QString &unchanged);

// Takes the first positional argument, the flags and the options. Returns -1 to go on, or the
// exit code to return at once (0 after --help, 2 after a usage error, which it explains).
struct Args
{
    QString file;
    QStringList flags;              // --json, --yes, ...
    QMap<QString, QString> options; // --until ready, --format html, -o OUT
};
int parseArgs(Context &ctx, const QString &usage, const QStringList &knownFlags,
              const QStringList &knownOptions, Args &out);

// The source databases a verb works on: the one --database names, or every one of the project.
// Empty after printing "pgferry-cli VERB: the project migrates no source database ..." and the
// usage when --database names none of them (the caller then returns Usage).
QStringList selectedDatabases(Context &ctx, const char *verb, const QString &usage, const project::Project &p,
                              const Args &a);

// `run --progress`'s line: per database a bar of the load, tables done, phase, rate, ETA and lag.
QString progressLine(const engine::MigrationStatus &s);

} // namespace pgferry::cli
