#include "assess/assessmentreport.h"

#include <QJsonArray>
#include <algorithm>

namespace pgferry::assess {

bool AssessmentReport::hasBlockers() const
{
    return count(Severity::Blocker) > 0;
}

int AssessmentReport::count(Severity s) const
{
    return int(
        std::count_if(checks.cbegin(), checks.cend(), [s](const Check &c) { return c.severity == s; }));
}

QString AssessmentReport::countsText() const
{
    auto n = [](int k, const char *one, const char *many) -> QString {
        return QString::number(k) + u' ' + QLatin1String(k == 1 ? one : many);
    };
    return n(count(Severity::Blocker), "blocker", "blockers") + QStringLiteral(", ") +
           n(count(Severity::Warning), "warning", "warnings") + QStringLiteral(", ") +
           n(count(Severity::Info), "info", "infos") + QStringLiteral(", ") +
           QString::number(count(Severity::Pass)) + QStringLiteral(" passed");
}

QList<Check> AssessmentReport::find(const QString &id) const
{
    QList<Check> out;
    for (const Check &c : checks) {
        if (c.id == id)
            out << c;
    }
    return out;
}

const Check *AssessmentReport::worst(const QString &id) const
{
    const Check *best = nullptr;
    for (const Check &c : checks) {
        if (c.id == id && (!best || int(c.severity) > int(best->severity)))
            best = &c;
    }
    return best;
}

QJsonObject AssessmentReport::toJson() const
{
    QJsonArray arr;
    for (const Check &c : checks)
        arr.append(c.toJson());
    return QJsonObject{{QStringLiteral("checks"), arr},
                       {QStringLiteral("blockers"), count(Severity::Blocker)},
                       {QStringLiteral("warnings"), count(Severity::Warning)},
                       {QStringLiteral("infos"), count(Severity::Info)},
                       {QStringLiteral("passed"), count(Severity::Pass)},
                       {QStringLiteral("ok"), !hasBlockers()}};
}

AssessmentReport AssessmentReport::fromJson(const QJsonObject &o)
{
    AssessmentReport r;
    for (const auto &v : o.value(u"checks").toArray())
        r.checks << Check::fromJson(v.toObject());
    return r;
}

namespace {

QList<Check> bySeverity(const QList<Check> &checks)
{
    QList<Check> sorted = checks;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const Check &a, const Check &b) { return int(a.severity) > int(b.severity); });
    return sorted;
}

} // namespace

QString AssessmentReport::toHtml(const QString &title) const
{
    QString h;
    h +=
        QStringLiteral("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>") +
        title.toHtmlEscaped() +
        QStringLiteral(
            "</title>\n<style>\n"
            "body{font-family:system-ui,sans-serif;margin:2em;color:#222}\n"
            "table{border-collapse:collapse;width:100%}\n"
            "th,td{border:1px solid #ccc;padding:.4em;vertical-align:top;text-align:left}\n"
            "pre{white-space:pre-wrap;margin:0;font-size:.9em}\n"
            ".blocker{background:#fdd}.warning{background:#ffd}.info{background:#eef}.pass{background:#efe}\n"
            ".sev{font-weight:bold;text-transform:uppercase}\n"
            "</style></head><body>\n");
    h += QStringLiteral("<h1>") + title.toHtmlEscaped() + QStringLiteral("</h1>\n");
    h += QStringLiteral("<p id=\"summary\">%1. %2</p>\n")
             .arg(countsText().toHtmlEscaped())
             .arg(hasBlockers() ? QStringLiteral("Fix the blockers before migrating.")
                                : QStringLiteral("Nothing blocks the migration."));
    h += QStringLiteral("<table>\n<tr><th>Severity</th><th>Check</th><th>Database</th><th>Finding</th>"
                        "<th>Objects</th><th>Remediation</th></tr>\n");
    for (const Check &c : bySeverity(checks)) {
        const QString sev = severityName(c.severity);
        QStringList objs = c.objects.mid(0, 50);
        if (c.objects.size() > 50)
            objs << QStringLiteral("… and %1 more").arg(c.objects.size() - 50);
        h += QStringLiteral("<tr class=\"") + sev + QStringLiteral("\"><td class=\"sev\">") + sev +
             QStringLiteral("</td><td><code>") + c.id.toHtmlEscaped() + QStringLiteral("</code></td><td>") +
             c.database.toHtmlEscaped() + QStringLiteral("</td><td>") + c.message.toHtmlEscaped() +
             QStringLiteral("</td><td>") +
             objs.join(u'\n').toHtmlEscaped().replace(u'\n', QStringLiteral("<br>")) +
             QStringLiteral("</td><td><pre>") + c.remediation.toHtmlEscaped() +
             QStringLiteral("</pre></td></tr>\n");
    }
    h += QStringLiteral("</table>\n</body></html>\n");
    return h;
}

QString AssessmentReport::fixScript() const
{
    const QList<FixTarget> order{FixTarget::SourceSql, FixTarget::SourceConfig, FixTarget::SourceHba,
                                 FixTarget::TargetSql, FixTarget::TargetConfig, FixTarget::Manual};
    QString out = QStringLiteral(
        "-- pgferry fix script: every remediation of the assessment, grouped by where it applies.\n"
        "-- Review each line before applying it. SQL sections can be run with psql; configuration\n"
        "-- sections list the lines to put in that file. Optional changes, which the migration does not\n"
        "-- need (such as renaming an application's tables), are commented out: uncomment them to apply.\n");
    if (!std::any_of(checks.cbegin(), checks.cend(), [](const Check &c) { return !c.fixes.isEmpty(); }))
        return out + QStringLiteral("\n-- Nothing to fix.\n");
    for (FixTarget where : order) {
        // Group SQL by database so that each block runs where it belongs; keep the first-seen order.
        QStringList databases;
        QMap<QString, QStringList> blocks;
        for (const Check &c : checks) {
            if (c.severity == Severity::Pass)
                continue;
            for (const Fix &f : c.fixes) {
                if (f.where != where)
                    continue;
                if (!databases.contains(f.database))
                    databases << f.database;
                QStringList &b = blocks[f.database];
                const bool confFile = where == FixTarget::SourceConfig || where == FixTarget::SourceHba;
                const QString comment = confFile ? QStringLiteral("# ") : QStringLiteral("-- ");
                QString text = f.text;
                if (f.optional) {
                    // Commented out line by line: running the whole script must not apply it.
                    QStringList lines = text.split(u'\n');
                    for (QString &line : lines)
                        if (!line.startsWith(comment.trimmed()))
                            line.prepend(comment);
                    text = lines.join(u'\n');
                }
                const QString entry =
                    QString(comment + QStringLiteral("%1%2%3\n%4"))
                        .arg(c.id,
                             c.objects.isEmpty() || c.objects.size() > 5
                                 ? QString()
                                 : QStringLiteral(": ") + c.objects.join(QStringLiteral(", ")),
                             f.optional ? QStringLiteral(" (optional, commented out: uncomment to apply)")
                                        : QString(),
                             text);
                if (!b.contains(entry))
                    b << entry;
            }
        }
        if (databases.isEmpty())
            continue;
        out += QStringLiteral("\n-- ======== ") + fixTargetTitle(where) + QStringLiteral(" ========\n");
        for (const QString &db : databases) {
            if (!db.isEmpty() && (where == FixTarget::SourceSql || where == FixTarget::TargetSql)) {
                QString quoted = db;
                quoted.replace(u'"', QStringLiteral("\"\""));
                out += QStringLiteral("\\connect \"") + quoted + QStringLiteral("\"\n");
            }
            out += blocks.value(db).join(u'\n') + u'\n';
        }
    }
    return out;
}

} // namespace pgferry::assess
