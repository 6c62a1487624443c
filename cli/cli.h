// Entry point of `pgferry-cli`: parses the verb and dispatches. See DESIGN.md, "The CLI contract".
#pragma once

#include <QStringList>
#include <QTextStream>

namespace pgferry::cli {

enum ExitCode { Success = 0, Failure = 1, Usage = 2, Blockers = 3 };

struct Context
{
    QTextStream &out;
    QTextStream &err;
    QStringList args; // the verb's own arguments (after the verb)
    bool stdoutIsTerminal = false;
};

// args: the arguments after the program name.
int run(const QStringList &args, QTextStream &out, QTextStream &err);

// Verbs, each in its own cmd_*.cpp.
int cmdSandbox(Context &ctx);
int cmdProject(Context &ctx);
int cmdAssess(Context &ctx);
int cmdRun(Context &ctx);
int cmdStatus(Context &ctx);
int cmdCutover(Context &ctx);
int cmdResync(Context &ctx);
int cmdVerify(Context &ctx);
int cmdReport(Context &ctx);
int cmdAzure(Context &ctx);
int cmdAbandon(Context &ctx);
int cmdSourceWritable(Context &ctx);
int cmdFailBack(Context &ctx);
int cmdBackupSource(Context &ctx);
int cmdFallback(Context &ctx);

QString usageText();

} // namespace pgferry::cli
