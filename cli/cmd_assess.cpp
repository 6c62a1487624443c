// pgferry-cli assess FILE [--json] [--html OUT] [--fix-script OUT]: every prerequisite checked on the
// project's real servers. Exit 0 without blockers, 3 with blockers, 1 on failure, 2 on usage error.
#include "assess/assessment.h"
#include "azure/entrapasswordsource.h"
#include "cli.h"
#include "project/projectfile.h"
#include "project/secretstore.h"

#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>
#include <atomic>
#include <csignal>

namespace pgferry::cli {

namespace {

std::atomic_bool g_cancel{false};
static_assert(std::atomic_bool::is_always_lock_free, "the signal handler needs a lock-free flag");

extern "C" void onAssessSignal(int)
{
    g_cancel.store(true);
}

bool writeFile(const QString &path, const QString &content, QTextStream &err)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(content.toUtf8()) < 0 || !f.commit()) {
        err << "pgferry-cli assess: cannot write " << path << ": " << f.errorString() << "\n";
        return false;
    }
    return true;
}

void printHuman(const assess::AssessmentReport &r, QTextStream &out)
{
    for (assess::Severity sev : {assess::Severity::Blocker, assess::Severity::Warning, assess::Severity::Info,
                                 assess::Severity::Pass}) {
        for (const assess::Check &c : r.checks) {
            if (c.severity != sev)
                continue;
            out << assess::severityName(c.severity).toUpper().leftJustified(8) << c.id;
            if (!c.database.isEmpty())
                out << " [" << c.database << "]";
            out << ": " << c.message << "\n";
            if (sev != assess::Severity::Pass) {
                if (!c.objects.isEmpty() && c.objects.size() <= 10)
                    out << "        objects: " << c.objects.join(QStringLiteral(", ")) << "\n";
                else if (c.objects.size() > 10)
                    out << "        objects: " << c.objects.mid(0, 10).join(QStringLiteral(", ")) << " and "
                        << (c.objects.size() - 10) << " more\n";
                const QStringList lines = c.remediation.split(u'\n');
                for (const QString &l : lines.mid(0, 12))
                    out << "        | " << l << "\n";
                if (lines.size() > 12)
                    out << "        | ... (" << (lines.size() - 12) << " more lines: see --fix-script)\n";
            }
        }
    }
    out << "\n" << r.countsText() << ".\n";
}

} // namespace

int cmdAssess(Context &ctx)
{
    QString file, htmlOut, fixOut;
    bool json = false;
    const QStringList &a = ctx.args;
    for (int i = 0; i < a.size(); ++i) {
        const QString &arg = a.at(i);
        if (arg == u"--json") {
            json = true;
        } else if (arg == u"--html" || arg == u"--fix-script") {
            if (i + 1 >= a.size()) {
                ctx.err << "pgferry-cli assess: " << arg << " needs a file name\n";
                return Usage;
            }
            (arg == u"--html" ? htmlOut : fixOut) = a.at(++i);
        } else if (arg == u"--help" || arg == u"-h") {
            ctx.out << "Usage: pgferry-cli assess FILE [--json] [--html OUT] [--fix-script OUT]\n"
                       "Checks every prerequisite of the migration on the project's source and target.\n"
                       "Exit codes: 0 no blockers, 3 blockers found, 1 failure, 2 usage error.\n";
            return Success;
        } else if (arg.startsWith(u'-')) {
            ctx.err << "pgferry-cli assess: unknown option " << arg << "\n"
                    << "Usage: pgferry-cli assess FILE [--json] [--html OUT] [--fix-script OUT]\n";
            return Usage;
        } else if (file.isEmpty()) {
            file = arg;
        } else {
            ctx.err << "pgferry-cli assess: one project file only (got \"" << file << "\" and \"" << arg
                    << "\")\n";
            return Usage;
        }
    }
    if (file.isEmpty()) {
        ctx.err << "Usage: pgferry-cli assess FILE [--json] [--html OUT] [--fix-script OUT]\n";
        return Usage;
    }

    const project::LoadResult loaded = project::loadProjectFile(file);
    if (!loaded.ok()) {
        ctx.err << "pgferry-cli assess: cannot use the project file " << file << ":\n";
        for (const QString &e : loaded.errors)
            ctx.err << "  " << e << "\n";
        return Failure;
    }
    const project::Project &p = *loaded.project;
    // Passwords: environment, then keychain, then libpq's passfile. A keychain that could not be
    // asked is only worth mentioning when a login then fails.
    QString sourceHint, targetHint;
    const pg::ConnInfo source = project::resolveConnInfo(p, project::Role::Source, {}, &sourceHint);
    const pg::ConnInfo target = azure::resolveConnInfo(p, project::Role::Target, {}, &targetHint);

    assess::AssessmentInput in = assess::fromProject(p, source, target);
    g_cancel = false;
    in.cancel = &g_cancel;
    auto oldInt = std::signal(SIGINT, onAssessSignal);
    auto oldTerm = std::signal(SIGTERM, onAssessSignal);
    const assess::AssessmentReport report = assess::assess(in);
    std::signal(SIGINT, oldInt);
    std::signal(SIGTERM, oldTerm);

    if (!htmlOut.isEmpty() &&
        !writeFile(htmlOut, report.toHtml(QStringLiteral("pgferry assessment: ") + p.name), ctx.err))
        return Failure;
    if (!fixOut.isEmpty() && !writeFile(fixOut, report.fixScript(), ctx.err))
        return Failure;
    if (json) {
        QJsonObject o = report.toJson();
        o.insert(QStringLiteral("project"), p.name);
        o.insert(QStringLiteral("mode"), project::modeName(p.mode));
        o.insert(QStringLiteral("engine"), project::engineName(p.engine));
        ctx.out << QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Indented));
    } else {
        printHuman(report, ctx.out);
    }
    ctx.out.flush();
    for (const auto &[id, hint] : {std::pair{QStringLiteral("source.connectivity"), sourceHint},
                                   std::pair{QStringLiteral("target.connectivity"), targetHint}}) {
        const assess::Check *c = report.worst(id);
        if (!hint.isEmpty() && c && c->message.startsWith(u"Authentication"))
            ctx.err << "pgferry-cli assess: note: " << hint << "\n";
    }
    if (g_cancel.load()) {
        ctx.err << "pgferry-cli assess: interrupted\n";
        return Failure;
    }
    return report.hasBlockers() ? Blockers : Success;
}

} // namespace pgferry::cli
