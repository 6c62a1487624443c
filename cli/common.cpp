#include "common.h"

#include "engine/runfiles.h"
#include "project/projectfile.h"
#include "project/secretstore.h"

#include <QFile>
#include <QJsonArray>
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

QJsonObject withTablesInWorkOnly(QJsonObject status)
{
    QJsonArray dbs = status.value(u"databases").toArray();
    for (qsizetype i = 0; i < dbs.size(); ++i) {
        QJsonObject d = dbs[i].toObject();
        const QJsonArray all = d.value(u"tables").toArray();
        QJsonArray active;
        for (const QJsonValue &t : all) {
            const QString state = t.toObject().value(u"state").toString();
            if (state != u"queued" && state != u"done")
                active.append(t);
        }
        d.insert(QStringLiteral("tables"), active);
        d.insert(QStringLiteral("tables_omitted"), all.size() - active.size());
        dbs[i] = d;
    }
    status.insert(QStringLiteral("databases"), dbs);
    return status;
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

namespace {

QString human(double bytes)
{
    const char *units[] = {"B", "kB", "MB", "GB", "TB"};
    int u = 0;
    while (bytes >= 1024 && u < 4) {
        bytes /= 1024;
        ++u;
    }
    return QString::number(bytes, 'f', u == 0 ? 0 : 1) + u' ' + QLatin1String(units[u]);
}

} // namespace

QString progressLine(const engine::MigrationStatus &s)
{
    QStringList parts;
    for (const auto &d : s.databases) {
        const int done = d.tablesDone;
        const int total = std::max(1, d.tablesTotal);
        // By bytes while tables load; every table loaded is the whole load, whatever the estimate
        // of its bytes said (it counts pages, the copy counts rows' text).
        const double frac = d.tablesTotal > 0 && done >= d.tablesTotal ? 1.0
                            : d.bytesTotal > 0 ? std::min(1.0, double(d.bytesCopied) / double(d.bytesTotal))
                                               : double(done) / total;
        const int width = 20;
        const int filled = int(frac * width);
        QString bar = QString(filled, u'#') + QString(width - filled, u'.');
        QString p = QStringLiteral("%1 [%2] %3% %4/%5 tables %6")
                        .arg(d.name, bar)
                        .arg(int(frac * 100))
                        .arg(done)
                        .arg(d.tablesTotal)
                        .arg(engine::phaseName(d.phase));
        if (d.bytesPerSecond > 0)
            p += QStringLiteral(" %1/s").arg(human(d.bytesPerSecond));
        if (d.etaSeconds > 0)
            p += QStringLiteral(" ETA %1s").arg(qint64(d.etaSeconds));
        if (d.phase == engine::DatabasePhase::Streaming)
            p += QStringLiteral(" lag %1 (%2 s), pending %3")
                     .arg(human(double(d.lagBytes)))
                     .arg(d.lagSeconds, 0, 'f', 1)
                     .arg(d.pendingChanges);
        parts << p;
    }
    return parts.join(QStringLiteral(" | "));
}

} // namespace pgferry::cli
