#include "wizardservices.h"
#include "azure/entrapasswordsource.h"

#include "project/secretstore.h"

#include <QCoreApplication>
#include <QDir>
#include <QJsonDocument>
#include <QSaveFile>

namespace pgferry::wizard {

std::shared_ptr<pg::PasswordSource> WizardServices::entraTokenSource(const project::Project &project)
{
    return azure::EntraPasswordSource::forProject(project);
}

AssessmentResult AssessmentResult::fromReport(const assess::AssessmentReport &report, const QString &title)
{
    AssessmentResult r;
    r.ran = true;
    for (const assess::Check &check : report.checks)
        r.items.append(
            {check.id, check.severity, check.database, check.objects, check.message, check.remediation});
    r.fixScript = report.fixScript();
    r.json = QString::fromUtf8(QJsonDocument(report.toJson()).toJson(QJsonDocument::Indented));
    r.html = report.toHtml(title);
    return r;
}

bool WizardServices::saveTextFile(const QString &path, const QString &content, QString *error)
{
    QSaveFile f(path);
    if (f.open(QIODevice::WriteOnly) && f.write(content.toUtf8()) >= 0 && f.commit())
        return true;
    if (error)
        *error =
            QCoreApplication::translate(
                "WizardServices", "%1 could not be written: %2. Choose another folder or free some space.")
                .arg(QDir::toNativeSeparators(path), f.errorString());
    return false;
}

int AssessmentResult::count(Severity s) const
{
    int n = 0;
    for (const AssessmentItem &i : items)
        n += i.severity == s ? 1 : 0;
    return n;
}

Severity AssessmentResult::worst(const QString &database) const
{
    Severity w = Severity::Pass;
    for (const AssessmentItem &i : items)
        if ((database.isEmpty() || i.database.isEmpty() || i.database == database) &&
            int(i.severity) > int(w))
            w = i.severity;
    return w;
}

} // namespace pgferry::wizard

namespace pgferry::wizard {

SizingResult WizardServices::recommendServerSize(const project::Project &p, const Credentials &c,
                                                 std::chrono::milliseconds sample)
{
    SizingResult r;
    pg::ConnInfo source = p.source.connInfo();
    source.password = c.sourcePassword;
    if (source.host.isEmpty() && source.user.isEmpty()) {
        r.error = QCoreApplication::translate(
            "WizardServices",
            "Enter the source on the Source page first: the recommendation is measured there.");
        return r;
    }
    QStringList databases;
    for (const project::DatabaseSelection &d : p.databases)
        databases << d.name;
    if (databases.isEmpty()) {
        pg::Error error;
        const auto inventory = assess::inventoryServer(source, &error, false);
        if (!inventory) {
            r.error = QCoreApplication::translate("WizardServices", "Cannot measure the source %1: %2")
                          .arg(source.redacted(), error.toString());
            return r;
        }
        for (const assess::DatabaseInventory &d : inventory->databases)
            if (d.name != u"postgres" && d.name != u"azure_maintenance" && d.name != u"azure_sys")
                databases << d.name;
    }
    try {
        r.recommendation = azure::recommendSize(azure::SourceLoad::measure(source, databases, sample));
    } catch (const pg::Exception &e) {
        r.error = QCoreApplication::translate("WizardServices", "Cannot measure the source %1: %2")
                      .arg(source.redacted(), e.error().toString());
    }
    return r;
}

} // namespace pgferry::wizard

namespace pgferry::wizard {

engine::BackupResult WizardServices::backupSourceDatabase(const project::Project &p, const Credentials &c,
                                                          const QString &database, const QString &dir,
                                                          const std::function<void(qint64)> &progress)
{
    QString hint;
    pg::ConnInfo source = project::resolveConnInfo(p, project::Role::Source, p.source.database, &hint);
    if (!c.sourcePassword.isEmpty())
        source.password = c.sourcePassword;
    engine::BackupResult r = engine::backupDatabase(source, database, dir, progress);
    if (!r.ok && !hint.isEmpty())
        r.error += QStringLiteral(" (%1)").arg(hint);
    // Its size and checksum go into the run's report, as pgferry-cli backup-source puts them.
    QString why;
    const QString stateDir = project::runStateDir(p, &why);
    if (r.ok && (stateDir.isEmpty() || !engine::recordBackup(stateDir, r, &why)))
        r.error = why; // ok stays: the archive is whole, only the report lacks it
    return r;
}

} // namespace pgferry::wizard
