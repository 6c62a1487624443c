// pgferry-cli fail-back FILE [--database NAME] [--yes] [--json] and
// pgferry-cli fallback end FILE [--database NAME] [--yes] [--json]: after a cutover with
// fallback, ask the running `run` to return to the old server, or to end the fallback, then
// follow it until it is done.
#include "cli.h"
#include "common.h"

#include "engine/runfiles.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QThread>
#include <sys/stat.h>

namespace pgferry::cli {

namespace {

enum class Outcome { Pending, Done, Failed };

// Where one database stands after the request: `wanted` is the fallback state that ends it.
Outcome outcomeOf(const QJsonObject &d, const QString &wanted, QString *why)
{
    const QString fallback = d.value(u"fallback").toString();
    if (fallback == wanted)
        return Outcome::Done;
    const QString reason = d.value(u"not_ready_reason").toString();
    if (wanted == u"failed back" && d.value(u"phase").toString() == u"fallback" &&
        reason.startsWith(u"fail-back did not complete")) {
        *why = reason;
        return Outcome::Failed;
    }
    if (d.value(u"phase").toString() == u"failed") {
        *why = QStringLiteral("the run failed (see its errors)");
        return Outcome::Failed;
    }
    return Outcome::Pending;
}

int askFallback(Context &ctx, const char *verb, const QString &usage, bool failBack)
{
    Args a;
    if (const int rc = parseArgs(ctx, usage, {QStringLiteral("--yes"), QStringLiteral("--json")},
                                 {QStringLiteral("--database")}, a);
        rc >= 0)
        return rc;
    auto project = loadProjectOrExplain(ctx, a.file);
    if (!project)
        return Failure;
    const bool json = a.flags.contains(QStringLiteral("--json"));
    const QString database = a.options.value(QStringLiteral("--database"));
    const QString dir = stateDirFor(ctx, verb, *project);
    if (dir.isEmpty())
        return Failure;
    if (!activeRunPid(dir)) {
        ctx.err << "pgferry-cli " << verb
                << ": no run of this project is in progress. The fallback streams while `pgferry-cli run "
                << a.file
                << "` runs: start it again (it resumes the fallback where it stopped), then ask again\n";
        return Failure;
    }
    // The databases asked for: the named one, or every one in fallback now.
    const QJsonObject st = readStatusFile(dir);
    QSet<QString> chosen;
    for (const QJsonValue &v : st.value(u"databases").toArray()) {
        const QJsonObject d = v.toObject();
        const QString name = d.value(u"name").toString();
        if ((database.isEmpty() || name == database) && d.value(u"phase").toString() == u"fallback")
            chosen.insert(name);
    }
    if (chosen.isEmpty()) {
        ctx.err << "pgferry-cli " << verb << ": "
                << (database.isEmpty() ? QStringLiteral("no database of this project is in fallback")
                                       : QStringLiteral("database %1 is not in fallback").arg(database))
                << " (state " << st.value(u"state").toString() << ")"
                << (project->settings.cutover.fallback
                        ? QString()
                        : QStringLiteral(": this project keeps no fallback after cutover unless `cutover "
                                         "--fallback` chose one"))
                << "; see `pgferry-cli status " << a.file << "`\n";
        return Failure;
    }
    if (!a.flags.contains(QStringLiteral("--yes"))) {
        const QString question =
            failBack ? QStringLiteral(
                           "Fail back %1 to the old server? The new server's database becomes read-only and "
                           "the old one writable; point the applications back at the old server.")
                           .arg(QStringList(chosen.begin(), chosen.end()).join(QStringLiteral(", ")))
                     : QStringLiteral(
                           "End the fallback of %1? The new server stays; the old one stays read-only and "
                           "can no longer be returned to.")
                           .arg(QStringList(chosen.begin(), chosen.end()).join(QStringLiteral(", ")));
        if (const int rc = confirmOnTerminal(ctx, QString::fromLatin1(verb), QString::fromLatin1(verb),
                                             question, QStringLiteral("nothing changed"));
            rc >= 0)
            return rc;
    }
    const QDateTime asked = QDateTime::currentDateTimeUtc();
    QString error;
    if (!engine::RunFiles::writeRequest(engine::RunFiles::fallbackRequestFile(dir),
                                        engine::RunFiles::fallbackResponseFile(dir),
                                        engine::RunFiles::fallbackRequest(failBack, database), &error)) {
        ctx.err << "pgferry-cli " << verb << ": " << error << "\n";
        return Failure;
    }
    QElapsedTimer t;
    t.start();
    bool answered = false;
    while (t.elapsed() < 30000 && !answered) {
        const QJsonObject o = engine::RunFiles::readResponse(engine::RunFiles::fallbackResponseFile(dir));
        if (!o.isEmpty()) {
            if (!o.value(u"accepted").toBool()) {
                ctx.err << "pgferry-cli " << verb << ": refused: " << o.value(u"reason").toString() << "\n";
                return Failure;
            }
            answered = true;
            break;
        }
        QThread::msleep(200);
    }
    if (!answered) {
        ctx.err << "pgferry-cli " << verb
                << ": the run did not answer within 30 s; nothing was asked of it\n";
        QFile::remove(engine::RunFiles::fallbackRequestFile(dir));
        return Failure;
    }
    if (!json)
        ctx.out << (failBack ? "failing back\n" : "ending the fallback\n");
    const QString wanted = failBack ? QStringLiteral("failed back") : QStringLiteral("ended");
    QString last;
    QJsonObject now;
    QHash<QString, QString> failures;
    auto settled = [&](const QJsonObject &s) {
        if (QDateTime::fromString(s.value(u"updated_at").toString(), Qt::ISODateWithMs) <= asked)
            return false; // written before the run took the request
        failures.clear();
        int done = 0;
        for (const QJsonValue &v : s.value(u"databases").toArray()) {
            const QJsonObject d = v.toObject();
            const QString name = d.value(u"name").toString();
            if (!chosen.contains(name))
                continue;
            QString why;
            const Outcome o = outcomeOf(d, wanted, &why);
            if (o == Outcome::Failed)
                failures.insert(name, why);
            if (o != Outcome::Pending)
                ++done;
        }
        return done == chosen.size();
    };
    bool finished = false;
    while (true) {
        const bool running = activeRunPid(dir) != 0;
        now = readStatusFile(dir);
        QStringList phases;
        for (const QJsonValue &v : now.value(u"databases").toArray()) {
            const QJsonObject d = v.toObject();
            if (chosen.contains(d.value(u"name").toString()))
                phases << d.value(u"name").toString() + u':' + d.value(u"phase").toString() +
                              (d.value(u"fallback").toString().isEmpty()
                                   ? QString()
                                   : u" (" + d.value(u"fallback").toString() + u')');
        }
        const QString line = phases.join(u' ');
        if (!json && line != last) {
            ctx.out << "  " << line << "\n";
            ctx.out.flush();
            last = line;
        }
        if (settled(now)) {
            finished = true;
            break;
        }
        if (!running)
            break;
        QThread::msleep(300);
    }
    if (json)
        ctx.out << QJsonDocument(now).toJson(QJsonDocument::Compact) << "\n";
    if (!finished) {
        ctx.err << "pgferry-cli " << verb << ": the run ended before it finished; see `pgferry-cli status "
                << a.file << "` and run it again to resume\n";
        for (const QJsonValue &e : now.value(u"errors").toArray())
            ctx.err << "  " << e.toString() << "\n";
        return Failure;
    }
    if (!failures.isEmpty()) {
        for (auto it = failures.begin(); it != failures.end(); ++it)
            ctx.err << "pgferry-cli " << verb << ": " << it.key() << ": " << it.value() << "\n";
        return Failure;
    }
    if (!json)
        ctx.out << (failBack ? "failed back: the old server has every write and is writable; the new "
                               "server's database is "
                               "read-only. Point the applications back at the old server.\n"
                             : "fallback ended: the new server stays; the old server stays read-only.\n");
    return Success;
}

} // namespace

int cmdFailBack(Context &ctx)
{
    return askFallback(ctx, "fail-back",
                       QStringLiteral("pgferry-cli fail-back FILE [--database NAME] [--yes] [--json]"), true);
}

int cmdFallback(Context &ctx)
{
    const QString usage = QStringLiteral("pgferry-cli fallback end FILE [--database NAME] [--yes] [--json]");
    if (ctx.args.isEmpty() || ctx.args.first() != u"end") {
        if (!ctx.args.isEmpty() && (ctx.args.first() == u"--help" || ctx.args.first() == u"-h")) {
            ctx.out << "usage: " << usage << "\n";
            return Success;
        }
        ctx.err << "pgferry-cli fallback: expected `end`\nusage: " << usage << "\n";
        return Usage;
    }
    ctx.args.removeFirst();
    return askFallback(ctx, "fallback end", usage, false);
}

} // namespace pgferry::cli
