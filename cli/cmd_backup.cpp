// pgferry-cli backup-source FILE -o DIR [--database NAME] [--json]: the final backup of each
// source database for retention (pg_dump -Fc), its size and SHA-256 recorded in the report.
#include "cli.h"
#include "common.h"

#include "engine/backup.h"
#include "project/secretstore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>

namespace pgferry::cli {

int cmdBackupSource(Context &ctx)
{
    Args a;
    const QString usage = QStringLiteral("pgferry-cli backup-source FILE -o DIR [--database NAME] [--json]");
    if (const int rc = parseArgs(ctx, usage, {QStringLiteral("--json")},
                                 {QStringLiteral("-o"), QStringLiteral("--database")}, a);
        rc >= 0)
        return rc;
    const QString dir = a.options.value(QStringLiteral("-o"));
    if (dir.isEmpty()) {
        ctx.err << "pgferry-cli backup-source: -o DIR is required (the folder the archives go to)\nusage: "
                << usage << "\n";
        return Usage;
    }
    auto project = loadProjectOrExplain(ctx, a.file);
    if (!project)
        return Failure;
    const QStringList databases = selectedDatabases(ctx, "backup-source", usage, *project, a);
    if (databases.isEmpty())
        return Usage;
    const QString stateDir = stateDirFor(ctx, "backup-source", *project);
    if (stateDir.isEmpty())
        return Failure;
    const bool json = a.flags.contains(QStringLiteral("--json"));
    QString hint;
    const pg::ConnInfo source =
        project::resolveConnInfo(*project, project::Role::Source, project->source.database, &hint);
    QJsonArray results;
    bool ok = true;
    const QLocale c = QLocale::c();
    for (const QString &db : databases) {
        if (!json) {
            ctx.out << "backing up " << db << " with pg_dump -Fc\n";
            ctx.out.flush();
        }
        qint64 shown = 0;
        const engine::BackupResult r = engine::backupDatabase(source, db, dir, [&](qint64 bytes) {
            if (json || !ctx.stdoutIsTerminal || bytes - shown < 1024 * 1024)
                return;
            shown = bytes;
            ctx.out << "\r  " << c.formattedDataSize(bytes) << " written";
            ctx.out.flush();
        });
        if (!r.ok) {
            ok = false;
            ctx.err << "pgferry-cli backup-source: " << r.error
                    << (hint.isEmpty() ? QString() : u" (" + hint + u')') << "\n";
            QJsonObject o = r.toJson();
            o.insert(QStringLiteral("database"), db);
            results.append(o);
            continue;
        }
        QString err;
        if (!engine::recordBackup(stateDir, r, &err)) {
            ok = false;
            ctx.err << "pgferry-cli backup-source: the archive is complete, but " << err << "\n";
        }
        QJsonObject o = r.toJson();
        o.insert(QStringLiteral("database"), db);
        results.append(o);
        if (!json)
            ctx.out << (ctx.stdoutIsTerminal ? "\r" : "") << "  " << r.path << ": "
                    << c.formattedDataSize(r.bytes) << ", sha256 " << r.sha256 << ", "
                    << QString::number(r.seconds, 'f', 1) << " s\n";
    }
    if (json)
        ctx.out
            << QJsonDocument(QJsonObject{{QStringLiteral("backups"), results}}).toJson(QJsonDocument::Compact)
            << "\n";
    return ok ? Success : Failure;
}

} // namespace pgferry::cli
