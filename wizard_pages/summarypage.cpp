#include "summarypage.h"

#include "assessmentview.h"
#include "format.h"
#include "migrationwizard.h"

#include <QDate>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace pgferry::wizard {

SummaryPage::SummaryPage(MigrationWizard *wizard) : WizardPage(wizard)
{
    setTitle(tr("Summary"));
    setSubTitle(tr("Check your choices. Run starts the migration; you can close this window while it runs "
                   "and reopen the project later."));
    setCommitPage(true);
    m_activity = new QLineEdit;
    m_activity->setObjectName(QStringLiteral("activityName"));
    m_activity->setAccessibleName(tr("Activity name"));
    m_activity->setPlaceholderText(tr("a name for this run"));
    m_text = new QTextBrowser;
    m_text->setObjectName(QStringLiteral("summaryText"));
    m_text->setAccessibleName(tr("Summary of the migration"));
    m_error = makeErrorLabel(QStringLiteral("summaryError"));
    auto *form = new QFormLayout;
    form->addRow(tr("&Activity name:"), m_activity);
    auto *v = new QVBoxLayout(this);
    v->addLayout(form);
    v->addWidget(m_text, 1);
    v->addWidget(m_error);
    watch(m_activity);
    auto follow = [this] {
        if (mw()->currentPage() == this) {
            refresh();
            Q_EMIT completeChanged();
        }
    };
    connect(wizard, &MigrationWizard::assessmentStarted, this, follow);
    connect(wizard, &MigrationWizard::assessmentChanged, this, follow);
}

QString SummaryPage::defaultActivityName(const QString &projectName)
{
    QString base = projectName.toLower();
    base.replace(QRegularExpression(QStringLiteral("[^a-z0-9]+")), QStringLiteral("-"));
    base = base.mid(0, 40);
    while (base.startsWith(u'-'))
        base.remove(0, 1);
    while (base.endsWith(u'-'))
        base.chop(1);
    if (base.isEmpty())
        base = QStringLiteral("migration");
    return base + u'-' + QDate::currentDate().toString(QStringLiteral("yyyyMMdd"));
}

void SummaryPage::loadFrom(const project::Project &p)
{
    m_activity->setText(p.azure.migrationName);
    setError(m_error, {});
}

void SummaryPage::storeTo(project::Project &p) const
{
    p.azure.migrationName = m_activity->text().trimmed();
}

void SummaryPage::initializePage()
{
    // The databases and settings are known now: assess what will really run.
    mw()->runAssessment();
    refresh();
}

void SummaryPage::refresh()
{
    const project::Project p = mw()->project();
    if (m_activity->text().trimmed().isEmpty())
        m_activity->setText(defaultActivityName(p.name));
    setError(m_error, {});

    auto row = [](const QString &k, const QString &v) {
        return QStringLiteral("<tr><td style='padding:2px 14px 2px 0'><b>%1</b></td><td "
                              "style='padding:2px'>%2</td></tr>")
            .arg(k.toHtmlEscaped(), v);
    };
    auto yes = [](bool b) { return b ? tr("yes") : tr("no"); };
    const project::AdvancedSettings &s = p.settings;
    QString html = QStringLiteral("<table>");
    html += row(tr("Project"), p.name.toHtmlEscaped());
    html += row(tr("Mode"), (p.mode == project::Mode::Online ? tr("Online: changes stream until you cut over")
                                                             : tr("Offline: one copy"))
                                .toHtmlEscaped());
    html += row(tr("Engine"), (p.engine == project::Engine::Local ? tr("This machine")
                                                                  : tr("Azure Database Migration Service"))
                                  .toHtmlEscaped());
    html += row(tr("Source"), p.source.connInfo().toUri().toHtmlEscaped());
    QString target = p.target.connInfo().toUri().toHtmlEscaped();
    if (!p.azure.serverName.isEmpty())
        target += QStringLiteral("<br>") + tr("Azure flexible server %1 in %2")
                                               .arg(p.azure.serverName, p.azure.resourceGroup)
                                               .toHtmlEscaped();
    html += row(tr("Target"), target);
    QString dbs;
    const auto inventory = mw()->sourceCheck().inventory.databases;
    for (const project::DatabaseSelection &d : p.databases) {
        QString line = d.name.toHtmlEscaped() + QStringLiteral(" → ") + d.effectiveTarget().toHtmlEscaped();
        for (const auto &i : inventory)
            if (i.name == d.name && i.sizeBytes >= 0)
                line += QStringLiteral(" <span style='color:gray'>(%1)</span>")
                            .arg(Format::bytes(i.sizeBytes).toHtmlEscaped());
        if (!d.excludeTables.isEmpty() || !d.includeTables.isEmpty())
            line += QStringLiteral(" · ") + tr("filtered: %n pattern(s)", nullptr,
                                               int(d.includeTables.size() + d.excludeTables.size()))
                                                .toHtmlEscaped();
        dbs += line + QStringLiteral("<br>");
    }
    html += row(tr("Databases (%1)").arg(p.databases.size()), dbs);
    html +=
        row(tr("Full load"), QString(tr("%n parallel job(s)", nullptr, s.jobs) + QStringLiteral(", ") +
                                     tr("tables over %1 split").arg(Format::bytes(s.splitThresholdBytes)) +
                                     QStringLiteral(", ") + tr("%n index job(s)", nullptr, s.indexJobs))
                                 .toHtmlEscaped());
    html += row(tr("Schema"), tr("overwrite: %1, owners: %2, privileges: %3, create roles: %4")
                                  .arg(yes(s.schema.overwrite), yes(!s.schema.noOwner), yes(!s.schema.noAcl),
                                       yes(s.schema.createRoles))
                                  .toHtmlEscaped());
    if (p.mode == project::Mode::Online && p.engine == project::Engine::Local)
        html += row(tr("Schema changes"),
                    (s.schema.captureDdl
                         ? tr("carried while streaming, by event triggers on the source (needs a superuser "
                              "source role)")
                         : tr("watched while streaming: each one holds the cutover until it is resolved"))
                        .toHtmlEscaped());
    html += row(tr("Cutover"), tr("verify: %1, source read-only: %2, ready below %3 lag, drain timeout %4")
                                   .arg(yes(s.verify), yes(s.cutover.makeSourceReadOnly),
                                        Format::bytes(s.cutover.maxLagBytesForReady),
                                        Format::duration(s.cutover.drainTimeoutSeconds))
                                   .toHtmlEscaped());
    const AssessmentResult &a = mw()->assessment();
    html += row(
        tr("Assessment"),
        mw()->assessmentRunning() ? tr("assessing…").toHtmlEscaped()
        : a.ran ? QString(tr("%n blocker(s)", nullptr, a.count(Severity::Blocker)) + QStringLiteral(", ") +
                          tr("%n warning(s)", nullptr, a.count(Severity::Warning)) + QStringLiteral(", ") +
                          tr("%n check(s) passed", nullptr, a.count(Severity::Pass)))
                      .toHtmlEscaped()
                : tr("not run yet: the engine assesses before it starts").toHtmlEscaped());
    html += QStringLiteral("</table>");
    m_text->setHtml(html);
}

bool SummaryPage::isComplete() const
{
    return !m_activity->text().trimmed().isEmpty() && !mw()->isRunning() && !mw()->assessmentRunning();
}

bool SummaryPage::validatePage()
{
    const AssessmentResult &a = mw()->assessment();
    if (a.ran && a.count(Severity::Blocker) > 0) {
        setError(
            m_error,
            tr("The assessment found %n blocker(s). Fix them (see the Source page), test again, then run.",
               nullptr, a.count(Severity::Blocker)));
        return false;
    }
    QString error;
    if (!mw()->startRun(&error)) {
        setError(m_error, tr("The migration could not start: %1").arg(error));
        return false;
    }
    setError(m_error, {});
    return true;
}

} // namespace pgferry::wizard
