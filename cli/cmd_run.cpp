// pgferry-cli run FILE [--until ready|done] [--json|--progress]: runs (or resumes) the migration.
// On a terminal, or anywhere with --progress, it shows progress for people (a line redrawn in place
// on a terminal, a new line every few seconds elsewhere); otherwise, or with --json, one JSON
// status object per line (tables in work or failed only, as `status --json`; the last line, the
// run's outcome, lists every table).
// SIGINT/SIGTERM stop cleanly; `status` and `cutover` reach this run through its state folder,
// whatever the engine: this writes status.json (engine::RunFiles, through the engine's publish)
// and answers cutover.request. For the azure engine a signal only stops the watching: the
// migration keeps running in Azure, the next `run` resumes watching it, and
// `pgferry-cli azure cancel-migration` cancels it.
#include "cli.h"
#include "common.h"

#include "azure/managedengine.h"
#include "engine/enginefactory.h"
#include "engine/runfiles.h"
#include "engine/runhost.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSocketNotifier>
#include <QTimer>
#include <csignal>
#include <fcntl.h>
#include <functional>
#include <sys/stat.h>
#include <unistd.h>

namespace pgferry::cli {

namespace {

int g_signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char c = 1;
    [[maybe_unused]] auto n = ::write(g_signalPipe[1], &c, 1);
}

} // namespace

int cmdRun(Context &ctx)
{
    const QString usage = QStringLiteral("pgferry-cli run FILE [--until ready|done] [--json|--progress]");
    Args a;
    if (const int rc = parseArgs(ctx, usage, {QStringLiteral("--json"), QStringLiteral("--progress")},
                                 {QStringLiteral("--until")}, a);
        rc >= 0)
        return rc;
    if (a.flags.contains(QStringLiteral("--json")) && a.flags.contains(QStringLiteral("--progress"))) {
        ctx.err << "pgferry-cli run: --json and --progress exclude each other\nusage: " << usage << "\n";
        return Usage;
    }
    const QString untilText = a.options.value(QStringLiteral("--until"), QStringLiteral("done"));
    if (untilText != u"ready" && untilText != u"done") {
        ctx.err << "pgferry-cli run: --until takes ready or done\nusage: " << usage << "\n";
        return Usage;
    }
    const bool json = a.flags.contains(QStringLiteral("--json")) ||
                      (!ctx.stdoutIsTerminal && !a.flags.contains(QStringLiteral("--progress")));
    // Progress for people into a log or a pipe: whole lines, no terminal control sequences.
    const bool plain = !json && !ctx.stdoutIsTerminal;
    auto project = loadProjectOrExplain(ctx, a.file);
    if (!project)
        return Failure;
    // Everything this run writes (state, archives from pg_dump, the pid file) is the user's only.
    ::umask(077);
    const QString stateDir = stateDirFor(ctx, "run", *project);
    if (stateDir.isEmpty())
        return Failure;
    if (const qint64 pid = activeRunPid(stateDir)) {
        ctx.err << "pgferry-cli run: a run of this project is already in progress (pid " << pid
                << "); use `pgferry-cli status` or `pgferry-cli cutover` to talk to it\n";
        return Failure;
    }
    QString error;
    std::unique_ptr<engine::MigrationEngine> eng = engine::createEngine(*project, &error);
    if (!eng) {
        ctx.err << "pgferry-cli run: " << error << "\n";
        return Failure;
    }
    // Without its lock file nothing could find this run: `status` and `cutover` would say none is in
    // progress. The host also answers their requests (and a wizard's attached to this run).
    engine::RunHost host(eng.get(), stateDir);
    if (!host.claim(&error)) {
        ctx.err << "pgferry-cli run: " << error
                << (engine::RunFiles::liveRun(stateDir).pid != 0
                        ? "\n"
                        : "; `status` and `cutover` could not find this run, so it does not start. Make the "
                          "folder "
                          "writable and run again\n");
        return Failure;
    }
    host.setStopNotice([&](const QString &requestFile) {
        ctx.err << "\npgferry-cli run: stopping cleanly (asked by " << requestFile << ")\n";
        ctx.err.flush();
    });
    const auto *managed = qobject_cast<const azure::ManagedEngine *>(eng.get());

    // Signals arrive through a pipe into the event loop: stop cleanly, resume next time.
    if (g_signalPipe[0] < 0 && ::pipe2(g_signalPipe, O_CLOEXEC | O_NONBLOCK) != 0)
        g_signalPipe[0] = -1;
    QSocketNotifier notifier(g_signalPipe[0], QSocketNotifier::Read);
    int signals = 0;
    QObject::connect(&notifier, &QSocketNotifier::activated, [&] {
        char buf[16];
        while (::read(g_signalPipe[0], buf, sizeof buf) > 0) {
        }
        if (++signals == 1) {
            if (managed)
                ctx.err
                    << "\npgferry-cli run: stopping the watch; the migration itself keeps running in Azure\n";
            else
                ctx.err << "\npgferry-cli run: stopping cleanly (press Ctrl-C again to abandon the wait)\n";
            ctx.err.flush();
            eng->stop();
        } else {
            ::_exit(130);
        }
    });
    struct sigaction sa = {};
    sa.sa_handler = onSignal;
    ::sigaction(SIGINT, &sa, nullptr);
    ::sigaction(SIGTERM, &sa, nullptr);

    QStringList seenLog;
    qint64 lastJson = 0;
    qint64 lastPlain = 0;
    QString lastPlainLine;
    QElapsedTimer clock;
    clock.start();
    engine::RunState lastState = engine::RunState::NotStarted;
    QObject::connect(
        eng.get(), &engine::MigrationEngine::statusChanged, [&](const engine::MigrationStatus &s) {
            if (json) {
                if (clock.elapsed() - lastJson >= 1000 || s.state != lastState) {
                    ctx.out << QJsonDocument(withTablesInWorkOnly(s.toJson())).toJson(QJsonDocument::Compact)
                            << "\n";
                    ctx.out.flush();
                    lastJson = clock.elapsed();
                }
            } else {
                const char *clearLine = plain ? "" : "\r\x1b[K";
                for (const QString &line : s.log)
                    if (!seenLog.contains(line)) {
                        ctx.out << clearLine << line << "\n";
                        seenLog << line;
                    }
                while (seenLog.size() > 400)
                    seenLog.removeFirst();
                const QString progress = progressLine(s);
                if (!plain) {
                    ctx.out << clearLine << progress;
                } else if (!progress.isEmpty() && progress != lastPlainLine &&
                           (clock.elapsed() - lastPlain >= 5000 || s.state != lastState)) {
                    ctx.out << progress << "\n";
                    lastPlain = clock.elapsed();
                    lastPlainLine = progress;
                }
                ctx.out.flush();
            }
            lastState = s.state;
        });

    QEventLoop loop;
    bool success = false;
    QObject::connect(eng.get(), &engine::MigrationEngine::finished, [&](bool ok) {
        success = ok;
        loop.quit();
    });
    eng->start(untilText == u"ready" ? engine::MigrationEngine::Until::Ready
                                     : engine::MigrationEngine::Until::Done);
    loop.exec();
    host.release();
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);

    const engine::MigrationStatus s = eng->status();
    if (json)
        ctx.out << QJsonDocument(s.toJson()).toJson(QJsonDocument::Compact) << "\n";
    else if (plain && !progressLine(s).isEmpty() && progressLine(s) != lastPlainLine)
        ctx.out << progressLine(s) << "\n";
    else if (!plain)
        ctx.out << "\n";
    ctx.out.flush();
    if (s.state == engine::RunState::Stopped && managed) {
        ctx.err << "pgferry-cli run: stopped watching. Azure migration " << managed->migrationName()
                << " on server " << managed->targetServer().name << " keeps running in Azure.\n"
                << "  Run the same command again to resume watching it (and to cut over with `pgferry-cli "
                   "cutover "
                << a.file << "`),\n  or cancel it with `pgferry-cli azure cancel-migration " << a.file
                << "`.\n";
        return Failure;
    }
    if (s.state == engine::RunState::Stopped) {
        ctx.err << "pgferry-cli run: stopped; run the same command again to resume\n";
        return Failure;
    }
    if (s.state == engine::RunState::Cancelled) {
        ctx.err << "pgferry-cli run: the migration was cancelled";
        if (managed)
            ctx.err << " in Azure (migration " << managed->migrationName()
                    << "); the target databases may be partly migrated. To migrate again, give the project a "
                       "new azure.migration_name";
        ctx.err << "\n";
        return Failure;
    }
    if (!success) {
        ctx.err << "pgferry-cli run: the migration failed:\n";
        for (const QString &e : s.errors)
            ctx.err << "  " << e << "\n";
        ctx.err << "Fix the cause and run the same command again: finished steps are kept.\n";
        return Failure;
    }
    if (!json && managed && s.state == engine::RunState::Streaming)
        ctx.out << "ready for cutover; Azure keeps streaming. To cut over, run `pgferry-cli run " << a.file
                << "` again and, while it watches, `pgferry-cli cutover " << a.file << "`\n";
    else if (!json)
        ctx.out << (s.state == engine::RunState::Streaming
                        ? "ready for cutover: run `pgferry-cli cutover` while this keeps streaming\n"
                        : "migration complete\n");
    return Success;
}

} // namespace pgferry::cli
