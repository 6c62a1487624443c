#include "cli.h"

#include <QCoreApplication>
#include <cstdio>
#include <unistd.h>

namespace pgferry::cli {

QString usageText()
{
    return QStringLiteral(
        R"(pgferry-cli: online PostgreSQL migration to Azure Database for PostgreSQL or a newer PostgreSQL

Usage:
  pgferry-cli sandbox up|down|status [--dir DIR]        local source+target servers with a sample database
  pgferry-cli project new -o FILE --name NAME --source URI --target URI
                          [--database DB[:TARGET_DB]]... [--mode online|offline] [--jobs N] [--engine local|azure]
                          [--target-resource-id ID]             the target flexible server, for --engine azure
                          [--runtime-server ID]                 --engine azure: where Azure's migration runs (private access)
                          [--fallback]                          keep the old server as a live fallback after cutover
                          [--target-auth password|entra]        entra: sign in to the target with a Microsoft Entra ID token
  pgferry-cli project check FILE                        validate a project file
  pgferry-cli assess FILE [--json] [--html OUT] [--fix-script OUT]
  pgferry-cli run FILE [--until ready|done] [--json|--progress]
                                                        default: load, then keep streaming until cutover;
                                                        progress for people on a terminal or with --progress,
                                                        otherwise JSON lines
  pgferry-cli status FILE [--json] [--tables]           includes "state" and "ready_for_cutover"; tables
                                                        being worked on or failed (--tables: every table)
  pgferry-cli cutover FILE [--database NAME] [--fallback | --no-fallback] [--yes] [--json]
                                                        one database (the others keep streaming; the run ends
                                                        with the last), or every one left;
                                                        with settings.cutover.fallback (project new --fallback)
                                                        or --fallback (--no-fallback: not this time),
                                                        the run then streams the new server's writes back into
                                                        the old one (state "fallback") until one of these:
  pgferry-cli fail-back FILE [--database NAME] [--yes] [--json]
                                                        return to the old server: drain the new one into it,
                                                        make the new one read-only, set sequences, verify, and
                                                        make the old one writable
  pgferry-cli fallback end FILE [--database NAME] [--yes] [--json]
                                                        keep the new server: drop the fallback's slot,
                                                        publication and origin; the old server stays read-only
  pgferry-cli resync FILE --database DB --table SCHEMA.NAME
                                                        online, while streaming: copy one table again from a
                                                        new snapshot and join it to the stream there
  pgferry-cli verify FILE [--json]
  pgferry-cli report FILE --format html|json -o OUT
  pgferry-cli backup-source FILE -o DIR [--database NAME] [--json]
                                                        final backup of each source database for retention
                                                        (pg_dump -Fc; size and SHA-256 go into the report)
  pgferry-cli source-writable FILE [--database NAME]   undo the read-only switch a failed cutover left on
  pgferry-cli abandon FILE [--yes] [--drop-target] [--json]
                                                        remove what pgferry made on the servers (slots,
                                                        publications, schema-change capture, read-only switch,
                                                        replication origin) and the run state; --drop-target
                                                        also drops the target databases pgferry created
  pgferry-cli azure login|subscriptions|servers|create-server|firewall-allow|replica|lock|restore ...
  pgferry-cli azure alerts --server ID --email ADDR     alert rules on the server e-mailed through an action group
  pgferry-cli azure size FILE [--json]                 tier, SKU, vCores and storage recommended from the source
  pgferry-cli azure prepare-fallback --server ID [--yes]   wal_level=logical and a restart for a fallback
  pgferry-cli azure cancel-migration FILE [--yes]      cancel an azure engine project's migration in Azure

In --database, write a ':' inside a name as '\:' (see `pgferry-cli project --help`).
URIs are libpq URIs without passwords. Passwords come from the OS keychain, from
PGFERRY_SOURCE_PASSWORD / PGFERRY_TARGET_PASSWORD, or from libpq's passfile.

Exit codes: 0 success, 1 failure, 2 usage error, 3 assessment found blockers.
SIGINT/SIGTERM stop a run cleanly; the next `run` resumes it. With --engine azure the migration runs
in Azure: `run`, `status` and `cutover` work the same, and SIGINT/SIGTERM only stop watching it (the
next `run` resumes watching; `pgferry-cli azure cancel-migration FILE` cancels it). Azure is polled
every PGFERRY_AZURE_POLL_SECONDS (default 15).
)");
}

int run(const QStringList &args, QTextStream &out, QTextStream &err)
{
    if (args.isEmpty() || args.first() == u"--help" || args.first() == u"-h" || args.first() == u"help") {
        (args.isEmpty() ? err : out) << usageText();
        return args.isEmpty() ? Usage : Success;
    }
    if (args.first() == u"--version") {
        out << "pgferry-cli " << QCoreApplication::applicationVersion() << Qt::endl;
        return Success;
    }
    Context ctx{out, err, args.mid(1), bool(::isatty(STDOUT_FILENO))};
    const QString verb = args.first();
    if (verb == u"sandbox")
        return cmdSandbox(ctx);
    if (verb == u"project")
        return cmdProject(ctx);
    if (verb == u"assess")
        return cmdAssess(ctx);
    if (verb == u"run")
        return cmdRun(ctx);
    if (verb == u"status")
        return cmdStatus(ctx);
    if (verb == u"cutover")
        return cmdCutover(ctx);
    if (verb == u"resync")
        return cmdResync(ctx);
    if (verb == u"verify")
        return cmdVerify(ctx);
    if (verb == u"report")
        return cmdReport(ctx);
    if (verb == u"azure")
        return cmdAzure(ctx);
    if (verb == u"abandon")
        return cmdAbandon(ctx);
    if (verb == u"source-writable")
        return cmdSourceWritable(ctx);
    if (verb == u"backup-source")
        return cmdBackupSource(ctx);
    if (verb == u"fail-back")
        return cmdFailBack(ctx);
    if (verb == u"fallback")
        return cmdFallback(ctx);
    err << "pgferry-cli: unknown command \"" << verb << "\"\n\n" << usageText();
    return Usage;
}

} // namespace pgferry::cli
