// pgferry-cli resync FILE --database DB --table SCHEMA.NAME: asks the running `run` of an online
// project to copy one table again from a new snapshot and join it to the stream there, and waits
// until it is done (the outcome is in the run log and in `status`).
#include "cli.h"
#include "common.h"

#include "engine/runfiles.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QThread>
#include <sys/stat.h>

namespace pgferry::cli {

int cmdResync(Context &ctx)
{
    Args a;
    if (const int rc =
            parseArgs(ctx, QStringLiteral("pgferry-cli resync FILE --database DB --table SCHEMA.NAME"), {},
                      {QStringLiteral("--database"), QStringLiteral("--table")}, a);
        rc >= 0)
        return rc;
    const QString database = a.options.value(QStringLiteral("--database"));
    const QString table = a.options.value(QStringLiteral("--table"));
    if (database.isEmpty() || !table.contains(u'.')) {
        ctx.err
            << "pgferry-cli resync: name the database (--database DB) and the table (--table SCHEMA.NAME)\n";
        return Usage;
    }
    auto project = loadProjectOrExplain(ctx, a.file);
    if (!project)
        return Failure;
    if (project->mode == project::Mode::Offline) {
        ctx.err
            << "pgferry-cli resync: this is an offline migration; `pgferry-cli run` loads what is missing\n";
        return Failure;
    }
    const QString dir = stateDirFor(ctx, "resync", *project);
    if (dir.isEmpty())
        return Failure;
    const qint64 pid = activeRunPid(dir);
    if (!pid) {
        ctx.err << "pgferry-cli resync: no run of this project is in progress; start `pgferry-cli run "
                << a.file << "` and ask again once it streams\n";
        return Failure;
    }
    QString error;
    if (!engine::RunFiles::writeRequest(engine::RunFiles::resyncRequestFile(dir),
                                        engine::RunFiles::resyncResponseFile(dir),
                                        engine::RunFiles::tableRequest(database, table), &error)) {
        ctx.err << "pgferry-cli resync: " << error << "\n";
        return Failure;
    }
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 30000) {
        const QJsonObject o = engine::RunFiles::readResponse(engine::RunFiles::resyncResponseFile(dir));
        if (!o.isEmpty()) {
            if (!o.value(u"accepted").toBool()) {
                ctx.err << "pgferry-cli resync: refused: " << o.value(u"reason").toString() << "\n";
                return Failure;
            }
            break;
        }
        QThread::msleep(200);
    }
    if (t.elapsed() >= 30000) {
        ctx.err << "pgferry-cli resync: the run (pid " << pid << ") did not answer within 30 s\n";
        return Failure;
    }
    ctx.out << "copying " << table << " of " << database << " again; the run log says when it is done\n";
    // The run logs the outcome ("<table>: copied again, ..." or "<table>: resync failed: ...").
    const QString prefix = database + QStringLiteral(": ") + table + QStringLiteral(": ");
    while (activeRunPid(dir)) {
        const QJsonObject s = readStatusFile(dir);
        for (const QJsonValue &line : s.value(u"log").toArray()) {
            const QString l = line.toString();
            const qsizetype at = l.indexOf(prefix);
            if (at < 0)
                continue;
            const QString outcome = l.mid(at + prefix.size());
            if (outcome.startsWith(u"copied again")) {
                ctx.out << table << ": " << outcome << "\n";
                return Success;
            }
            if (outcome.startsWith(u"resync")) {
                ctx.err << "pgferry-cli resync: " << table << ": " << outcome << "\n";
                return Failure;
            }
        }
        QThread::msleep(300);
    }
    ctx.err << "pgferry-cli resync: the run ended before the copy was done; see `pgferry-cli status "
            << a.file << "`\n";
    return Failure;
}

} // namespace pgferry::cli
