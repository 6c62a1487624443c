// pgferry-cli report FILE --format html|json -o OUT: the migration report (status, tables,
// verification, roles that need a password, errors) from the run state.
#include "cli.h"
#include "common.h"

#include "engine/localengine.h"
#include "engine/migrationstatus.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace pgferry::cli {

namespace {

QString esc(const QString &s)
{
    return s.toHtmlEscaped();
}

QString toHtml(const QString &name, const engine::MigrationStatus &s, const QJsonObject &report)
{
    QString h;
    h += QStringLiteral(
             "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>pgferry report: %1</title><style>"
             "body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}"
             "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}th{background:#f0f0f0}"
             ".ok{color:#176f2c}.bad{color:#b00020}</style></head><body>")
             .arg(esc(name));
    h += QStringLiteral("<h1>pgferry migration report: %1</h1>").arg(esc(name));
    h += QStringLiteral("<p>Mode %1, engine %2, state <b>%3</b>; started %4, last update %5.</p>")
             .arg(esc(s.mode), esc(s.engine), esc(engine::runStateName(s.state)),
                  esc(s.startedAt.toString(Qt::ISODate)), esc(s.updatedAt.toString(Qt::ISODate)));
    const QJsonObject reps = report.value(u"databases").toObject();
    for (const auto &d : s.databases) {
        h += QStringLiteral("<h2>%1 &rarr; %2</h2><p>Phase %3; %4 of %5 tables done, %6 failed; %7 rows, %8 "
                            "bytes copied.</p>")
                 .arg(esc(d.name), esc(d.targetName), esc(engine::phaseName(d.phase)))
                 .arg(d.tablesDone)
                 .arg(d.tablesTotal)
                 .arg(d.tablesFailed)
                 .arg(d.rowsCopied)
                 .arg(d.bytesCopied);
        const QJsonObject r = reps.value(d.name).toObject();
        const QJsonArray needPw = r.value(u"roles_need_password").toArray();
        if (!needPw.isEmpty()) {
            QStringList names;
            for (const auto &v : needPw)
                names << esc(v.toString());
            h +=
                QStringLiteral(
                    "<p><b>Roles created without a password</b> (set one with ALTER ROLE … PASSWORD): %1</p>")
                    .arg(names.join(QStringLiteral(", ")));
        }
        h += QStringLiteral(
            "<table><tr><th>Table</th><th>State</th><th>Rows</th><th>Bytes</th><th>Seconds</th>"
            "<th>Inserts</th><th>Updates</th><th>Deletes</th><th>Error</th></tr>");
        for (const auto &t : d.tables)
            h += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td><td>%4</td><td>%5</td><td>%6</"
                                "td><td>%7</td><td>%8</td><td>%9</td></tr>")
                     .arg(esc(t.qualifiedName()), esc(engine::tableStateName(t.state)))
                     .arg(t.rowsCopied)
                     .arg(t.bytesCopied)
                     .arg(t.durationSeconds, 0, 'f', 1)
                     .arg(t.inserts)
                     .arg(t.updates)
                     .arg(t.deletes)
                     .arg(esc(t.error));
        h += QStringLiteral("</table>");
        const QJsonArray ver = r.value(u"verification").toArray();
        if (!ver.isEmpty()) {
            h += QStringLiteral("<h3>Verification</h3><table><tr><th>Table</th><th>Source "
                                "rows</th><th>Target rows</th><th>Result</th></tr>");
            for (const auto &v : ver) {
                const QJsonObject o = v.toObject();
                const bool ok = o.value(u"matches").toBool();
                h += QStringLiteral("<tr><td>%1.%2</td><td>%3</td><td>%4</td><td class=\"%5\">%6</td></tr>")
                         .arg(esc(o.value(u"schema").toString()), esc(o.value(u"name").toString()))
                         .arg(o.value(u"source_rows").toInteger())
                         .arg(o.value(u"target_rows").toInteger())
                         .arg(ok ? QStringLiteral("ok") : QStringLiteral("bad"),
                              ok ? QStringLiteral("identical") : QStringLiteral("differs"));
            }
            h += QStringLiteral("</table>");
        }
    }
    if (!s.errors.isEmpty()) {
        h += QStringLiteral("<h2>Errors</h2><ul>");
        for (const QString &e : s.errors)
            h += QStringLiteral("<li class=\"bad\">%1</li>").arg(esc(e));
        h += QStringLiteral("</ul>");
    }
    h += QStringLiteral("<h2>Log</h2><pre>%1</pre></body></html>").arg(esc(s.log.join(u'\n')));
    return h;
}

} // namespace

int cmdReport(Context &ctx)
{
    const QString usage = QStringLiteral("pgferry-cli report FILE --format html|json -o OUT");
    Args a;
    if (const int rc = parseArgs(ctx, usage, {}, {QStringLiteral("--format"), QStringLiteral("-o")}, a);
        rc >= 0)
        return rc;
    const QString format = a.options.value(QStringLiteral("--format"));
    const QString out = a.options.value(QStringLiteral("-o"));
    if ((format != u"html" && format != u"json") || out.isEmpty()) {
        ctx.err << "usage: " << usage << "\n";
        return Usage;
    }
    auto project = loadProjectOrExplain(ctx, a.file);
    if (!project)
        return Failure;
    const QString dir = stateDirFor(ctx, "report", *project);
    if (dir.isEmpty())
        return Failure;
    const QJsonObject status = readStatusFile(dir);
    if (status.isEmpty()) {
        ctx.err << "pgferry-cli report: this project has not run yet; run `pgferry-cli run " << a.file
                << "` first\n";
        return Failure;
    }
    QJsonObject report;
    {
        QFile f(engine::LocalEngine::reportFile(dir));
        if (f.open(QIODevice::ReadOnly))
            report = QJsonDocument::fromJson(f.readAll()).object();
    }
    QByteArray bytes;
    if (format == u"json") {
        QJsonObject o{{QStringLiteral("format"), QStringLiteral("pgferry-report")},
                      {QStringLiteral("project"), project->name},
                      {QStringLiteral("status"), status},
                      {QStringLiteral("details"), report}};
        bytes = QJsonDocument(o).toJson();
    } else {
        bytes = toHtml(project->name, engine::MigrationStatus::fromJson(status), report).toUtf8();
    }
    QSaveFile f(out);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit()) {
        ctx.err << "pgferry-cli report: cannot write " << out << ": " << f.errorString() << "\n";
        return Failure;
    }
    ctx.out << "report written to " << out << "\n";
    return Success;
}

} // namespace pgferry::cli
