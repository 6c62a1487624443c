// pgferry-cli cutover FILE [--database NAME] [--fallback | --no-fallback] [--yes] [--json]: asks the running
// `run` of this project to cut over (one database, while the others keep streaming, or every one left), then
// follows it until the cutover has finished.
#include "cli.h"
#include "common.h"

#include "engine/runfiles.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QThread>
#include <cstdio>
#include <sys/stat.h>
#include <unistd.h>

namespace pgferry::cli {

int cmdCutover(Context &ctx)
{
    Args a;
    if (const int rc = parseArgs(
            ctx,
            QStringLiteral(
                "pgferry-cli cutover FILE [--database NAME] [--fallback | --no-fallback] [--yes] [--json]"),
            {QStringLiteral("--yes"), QStringLiteral("--json"), QStringLiteral("--fallback"),
             QStringLiteral("--no-fallback")},
            {QStringLiteral("--database")}, a);
        rc >= 0)
        return rc;
    if (a.flags.contains(QStringLiteral("--fallback")) && a.flags.contains(QStringLiteral("--no-fallback"))) {
        ctx.err << "pgferry-cli cutover: choose one of --fallback and --no-fallback\n";
        return Usage;
    }
    const QString database = a.options.value(QStringLiteral("--database"));
    auto project = loadProjectOrExplain(ctx, a.file);
    if (!project)
        return Failure;
    const bool json = a.flags.contains(QStringLiteral("--json"));
    if (project->mode == project::Mode::Offline) {
        ctx.err << "pgferry-cli cutover: this is an offline migration; `pgferry-cli run` completes it "
                   "without a cutover step\n";
        return Failure;
    }
    const QString dir = stateDirFor(ctx, "cutover", *project);
    if (dir.isEmpty())
        return Failure;
    const qint64 pid = activeRunPid(dir);
    if (!pid) {
        ctx.err << "pgferry-cli cutover: no run of this project is in progress; start `pgferry-cli run "
                << a.file << "` and cut over once status says ready_for_cutover\n";
        return Failure;
    }
    const QJsonObject st = readStatusFile(dir);
    // Lag that is momentarily above the threshold does not refuse (the run waits for it before it
    // touches the source); the run itself gives the final answer below. One database is asked for
    // by name: the run answers for it.
    if (database.isEmpty() && !st.value(u"ready_for_cutover").toBool() &&
        st.value(u"state").toString() != u"streaming") {
        ctx.err << "pgferry-cli cutover: not ready for cutover yet (state " << st.value(u"state").toString()
                << ")";
        for (const QJsonValue &d : st.value(u"databases").toArray()) {
            const QString why = d.toObject().value(u"not_ready_reason").toString();
            if (!why.isEmpty())
                ctx.err << "; " << d.toObject().value(u"name").toString() << ": " << why;
        }
        ctx.err << "\n";
        return Failure;
    }
    if (!a.flags.contains(QStringLiteral("--yes"))) {
        if (const int rc = confirmOnTerminal(
                ctx, QStringLiteral("cutover"), QStringLiteral("cutover"),
                database.isEmpty()
                    ? QString(u"Cut over " + project->name + u"? The source will stop being migrated.")
                    : QString(u"Cut over database " + database + u" of " + project->name +
                              u"? It will stop being migrated; the others keep streaming."),
                QStringLiteral("nothing changed"));
            rc >= 0)
            return rc;
    }
    std::optional<bool> fallback;
    if (a.flags.contains(QStringLiteral("--fallback")) || a.flags.contains(QStringLiteral("--no-fallback")))
        fallback = a.flags.contains(QStringLiteral("--fallback"));
    QString error;
    if (!engine::RunFiles::writeRequest(engine::RunFiles::cutoverRequestFile(dir),
                                        engine::RunFiles::cutoverResponseFile(dir),
                                        engine::RunFiles::cutoverRequest(database, fallback), &error)) {
        ctx.err << "pgferry-cli cutover: " << error << "\n";
        return Failure;
    }
    // Wait for the run to accept, then to finish.
    QElapsedTimer t;
    t.start();
    bool accepted = false;
    while (t.elapsed() < 30000) {
        const QJsonObject o = engine::RunFiles::readResponse(engine::RunFiles::cutoverResponseFile(dir));
        if (!o.isEmpty()) {
            accepted = o.value(u"accepted").toBool();
            if (!accepted) {
                ctx.err << "pgferry-cli cutover: refused: " << o.value(u"reason").toString() << "\n";
                return Failure;
            }
            break;
        }
        QThread::msleep(200);
    }
    if (!accepted) {
        ctx.err << "pgferry-cli cutover: the run (pid " << pid << ") did not answer within 30 s\n";
        return Failure;
    }
    if (!json)
        ctx.out << "cutover started\n";
    // One database is cut over when its phase says so (the run goes on for the others).
    const auto databaseSettled = [&](const QJsonObject &s, bool *ok) {
        for (const QJsonValue &v : s.value(u"databases").toArray()) {
            const QJsonObject d = v.toObject();
            if (d.value(u"name").toString() != database)
                continue;
            const QString phase = d.value(u"phase").toString();
            *ok = phase == u"done" || phase == u"fallback";
            return *ok || phase == u"failed";
        }
        return false;
    };
    const QDateTime asked = QDateTime::currentDateTimeUtc();
    bool databaseOk = false, databaseDone = false;
    QString lastPhase;
    while (activeRunPid(dir)) {
        const QJsonObject s = readStatusFile(dir);
        if (!database.isEmpty() &&
            QDateTime::fromString(s.value(u"updated_at").toString(), Qt::ISODateWithMs) > asked &&
            databaseSettled(s, &databaseOk)) {
            databaseDone = true;
            break;
        }
        if (database.isEmpty() && s.value(u"state").toString() == u"fallback")
            break; // cut over; the run goes on, streaming back into the old server
        QStringList phases;
        for (const QJsonValue &d : s.value(u"databases").toArray())
            phases << d.toObject().value(u"name").toString() + u':' + d.toObject().value(u"phase").toString();
        const QString now = phases.join(u' ');
        if (!json && now != lastPhase) {
            ctx.out << "  " << now << "\n";
            ctx.out.flush();
            lastPhase = now;
        }
        QThread::msleep(300);
    }
    const QJsonObject fin = readStatusFile(dir);
    if (json)
        ctx.out << QJsonDocument(fin).toJson(QJsonDocument::Compact) << "\n";
    if (!database.isEmpty()) {
        if (!databaseDone)
            databaseSettled(fin, &databaseOk);
        if (!json)
            ctx.out << (databaseOk
                            ? QStringLiteral("cutover of %1 complete\n").arg(database)
                            : QStringLiteral("cutover of %1 did not complete: see `pgferry-cli status`\n")
                                  .arg(database));
        if (!databaseOk)
            for (const QJsonValue &e : fin.value(u"errors").toArray())
                ctx.err << "  " << e.toString() << "\n";
        return databaseOk ? Success : Failure;
    }
    const bool inFallback = fin.value(u"state").toString() == u"fallback";
    const bool ok = fin.value(u"state").toString() == u"completed" || inFallback;
    if (!json && inFallback)
        ctx.out << "cutover complete; the new server's writes now stream back into the old one (fallback):\n"
                << "  `pgferry-cli fail-back " << a.file
                << "` returns to the old server, `pgferry-cli fallback end " << a.file
                << "` keeps the new one\n";
    else if (!json)
        ctx.out << (ok ? "cutover complete\n" : "cutover did not complete: see `pgferry-cli status`\n");
    for (const QJsonValue &e : fin.value(u"errors").toArray())
        ctx.err << "  " << e.toString() << "\n";
    return ok ? Success : Failure;
}

} // namespace pgferry::cli
