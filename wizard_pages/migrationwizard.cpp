#include "migrationwizard.h"

#include "backgroundtask.h"
#include "cutoverpage.h"
#include "databasespage.h"
#include "donepage.h"
#include "icons.h"
#include "monitorpage.h"
#include "projectpage.h"
#include "settingspage.h"
#include "sourcepage.h"
#include "summarypage.h"
#include "targetpage.h"

#include "engine/attachedengine.h"

#include <QAbstractButton>
#include <QFileDialog>
#include <QListWidget>

namespace pgferry::wizard {

QString MigrationWizard::pageName(PageId id)
{
    static const char *const names[] = {"project", "source",  "target",  "databases", "settings",
                                        "summary", "monitor", "cutover", "done"};
    return id >= 0 && id < PageCount ? QString::fromLatin1(names[id]) : QString();
}

MigrationWizard::MigrationWizard(ServicesPtr services, QWidget *parent)
    : QWizard(parent), m_services(std::move(services))
{
    setObjectName(QStringLiteral("migrationWizard"));
    setWindowTitle(tr("pgferry"));
    setWizardStyle(QWizard::ModernStyle);
    setOption(QWizard::NoCancelButton);
    setOption(QWizard::NoBackButtonOnLastPage);
    setOption(QWizard::HaveHelpButton, false);
    setPixmap(QWizard::LogoPixmap, appLogo(48, std::max<qreal>(2.0, devicePixelRatioF())));
    setButtonText(QWizard::BackButton, tr("< &Back"));
    setButtonText(QWizard::NextButton, tr("&Next >"));
    setButtonText(QWizard::CommitButton, tr("&Run migration"));
    setButtonText(QWizard::FinishButton, tr("&Close"));
    button(QWizard::BackButton)->setObjectName(QStringLiteral("backButton"));
    button(QWizard::NextButton)->setObjectName(QStringLiteral("nextButton"));
    button(QWizard::CommitButton)->setObjectName(QStringLiteral("runButton"));
    button(QWizard::FinishButton)->setObjectName(QStringLiteral("closeButton"));

    setPage(ProjectPage, new class ProjectPage(this));
    setPage(SourcePage, new class SourcePage(this));
    setPage(TargetPage, new class TargetPage(this));
    setPage(DatabasesPage, new class DatabasesPage(this));
    setPage(SettingsPage, new class SettingsPage(this));
    setPage(SummaryPage, new class SummaryPage(this));
    setPage(MonitorPage, new class MonitorPage(this));
    setPage(CutoverPage, new class CutoverPage(this));
    setPage(DonePage, new class DonePage(this));
    for (int id = 0; id < PageCount; ++id) {
        page(id)->setObjectName(pageName(PageId(id)) + QStringLiteral("Page"));
        connect(pageAt(PageId(id)), &WizardPage::edited, this, &MigrationWizard::edited);
    }

    // The steps down the side, as the portal shows its tabs.
    m_steps = new QListWidget;
    m_steps->setObjectName(QStringLiteral("stepList"));
    m_steps->setAccessibleName(tr("Migration steps"));
    m_steps->setFocusPolicy(Qt::NoFocus);
    m_steps->setSelectionMode(QAbstractItemView::NoSelection);
    m_steps->setFrameShape(QFrame::NoFrame);
    m_steps->setIconSize(QSize(16, 16));
    m_steps->setSpacing(3);
    m_steps->setFixedWidth(170);
    m_steps->viewport()->setAutoFillBackground(false);
    const QStringList labels{tr("Project"), tr("Source"),  tr("Target"),  tr("Databases"), tr("Settings"),
                             tr("Summary"), tr("Monitor"), tr("Cutover"), tr("Done")};
    for (const QString &l : labels)
        m_steps->addItem(l);
    setSideWidget(m_steps);
    connect(this, &QWizard::currentIdChanged, this, &MigrationWizard::updateSteps);

    m_askSavePath = [this](const QString &title, const QString &suggestedName, const QString &filter) {
        return QFileDialog::getSaveFileName(this, title, suggestedName, filter);
    };

    setProject(project::Project{});
}

QString MigrationWizard::askSavePath(const QString &title, const QString &suggestedName,
                                     const QString &filter) const
{
    return m_askSavePath ? m_askSavePath(title, suggestedName, filter) : QString();
}

MigrationWizard::~MigrationWizard()
{
    if (m_engine)
        m_engine->disconnect(this);
}

WizardPage *MigrationWizard::pageAt(PageId id) const
{
    return static_cast<WizardPage *>(page(id));
}

void MigrationWizard::updateSteps(int id)
{
    // Once a run exists there is no going back to the pages that set it up.
    if (id >= MonitorPage)
        setButtonLayout(
            {QWizard::Stretch, QWizard::CommitButton, QWizard::NextButton, QWizard::FinishButton});
    else
        setButtonLayout({QWizard::Stretch, QWizard::BackButton, QWizard::CommitButton, QWizard::NextButton,
                         QWizard::FinishButton});
    for (int i = 0; i < m_steps->count(); ++i) {
        QListWidgetItem *item = m_steps->item(i);
        QFont f = item->font();
        f.setBold(i == id);
        item->setFont(f);
        item->setIcon(stepIcon(i < id ? StepState::Done : i == id ? StepState::Running : StepState::Pending));
    }
}

project::Project MigrationWizard::project() const
{
    project::Project p = m_base;
    for (int id = 0; id < PageCount; ++id)
        pageAt(PageId(id))->storeTo(p);
    return p;
}

void MigrationWizard::setProject(const project::Project &project)
{
    m_loading = true;
    m_base = project;
    m_sourceCheck = {};
    m_targetCheck = {};
    m_assessment = {};
    ++m_assessGeneration;
    m_assessing = false;
    if (m_engine && !m_running)
        m_engine.reset();
    m_status = {};
    for (int id = 0; id < PageCount; ++id)
        pageAt(PageId(id))->loadFrom(project);
    m_loading = false;
    restart();
    updateSteps(currentId());
    Q_EMIT assessmentChanged();
}

Credentials MigrationWizard::credentials() const
{
    Credentials c;
    static_cast<class SourcePage *>(page(SourcePage))->fillCredentials(c);
    static_cast<class TargetPage *>(page(TargetPage))->fillCredentials(c);
    return c;
}

void MigrationWizard::setSourceCheck(const ConnectionCheck &check)
{
    m_sourceCheck = check;
    Q_EMIT sourceChecked();
}

void MigrationWizard::setTargetCheck(const ConnectionCheck &check)
{
    m_targetCheck = check;
    Q_EMIT targetChecked();
}

void MigrationWizard::runAssessment()
{
    const int generation = ++m_assessGeneration;
    m_assessing = true;
    Q_EMIT assessmentStarted();
    runInBackground(
        this, [services = m_services, p = project(), c = credentials()] { return services->assess(p, c); },
        [this, generation](const AssessmentResult &r) {
            if (generation != m_assessGeneration)
                return; // a newer assessment was asked for
            m_assessing = false;
            setAssessment(r);
        });
}

void MigrationWizard::setAssessment(const AssessmentResult &result)
{
    m_assessment = result;
    Q_EMIT assessmentChanged();
}

void MigrationWizard::connectEngine()
{
    connect(m_engine.get(), &engine::MigrationEngine::statusChanged, this, &MigrationWizard::showStatus);
    connect(m_engine.get(), &engine::MigrationEngine::logLine, this, &MigrationWizard::logLine);
    connect(m_engine.get(), &engine::MigrationEngine::finished, this, [this](bool ok) {
        m_running = false;
        showStatus(m_engine->status());
        Q_EMIT runFinished(ok);
    });
}

bool MigrationWizard::startRun(QString *error)
{
    if (m_running)
        return true;
    m_engine = m_services->createEngine(project(), credentials(), error);
    if (!m_engine)
        return false;
    connectEngine();
    m_running = true;
    m_engine->start(engine::MigrationEngine::Until::Done);
    // A resumed engine knows its tables only once it has read its journal; until then the last
    // status shown stays, with the engine's state.
    engine::MigrationStatus s = m_engine->status();
    const auto tables = [](const engine::MigrationStatus &st) {
        qsizetype n = 0;
        for (const auto &d : st.databases)
            n += d.tables.size();
        return n;
    };
    if (tables(s) == 0 && tables(m_status) > 0) {
        const engine::RunState state = s.state;
        s = m_status;
        s.state = state;
    }
    showStatus(s);
    Q_EMIT runStarted();
    return true;
}

bool MigrationWizard::attachToRun()
{
    using engine::RunState;
    // A run of this project in progress in another process (`pgferry-cli run`): the dashboard
    // follows it (startRun attaches, see WizardServices::createEngine); it never gets a second engine.
    if (m_services->hasLiveRun(project())) {
        if (const std::optional<engine::MigrationStatus> last = m_services->lastRunStatus(project()))
            m_status = *last;
        const bool fallback = m_status.state == RunState::Fallback || m_status.state == RunState::FailingBack;
        goToPage(fallback ? DonePage : MonitorPage);
        showStatus(m_status);
        QString error;
        if (!startRun(&error))
            Q_EMIT logLine(tr("Could not follow the run in progress: %1").arg(error));
        return true;
    }
    const std::optional<engine::MigrationStatus> last = m_services->lastRunStatus(project());
    if (!last || last->state == RunState::NotStarted)
        return false;
    m_status = *last;
    if (last->state == RunState::Completed) {
        goToPage(DonePage);
        showStatus(*last);
        return true;
    }
    // Cut over with a fallback: the Done page shows it and the run resumes its stream back.
    const bool fallback = last->state == RunState::Fallback || last->state == RunState::FailingBack;
    goToPage(fallback ? DonePage : MonitorPage);
    showStatus(*last);
    // A run that was under way resumes where its journal says it stopped; a failed one waits
    // for the administrator to press Resume.
    if (last->state != RunState::Failed && last->state != RunState::Cancelled) {
        QString error;
        if (!startRun(&error))
            Q_EMIT logLine(tr("The run could not resume: %1").arg(error));
    }
    return true;
}

engine::AttachedEngine *MigrationWizard::attachedRun() const
{
    return qobject_cast<engine::AttachedEngine *>(m_engine.get());
}

void MigrationWizard::detachRun()
{
    if (!attachedRun())
        return;
    m_engine->disconnect(this);
    m_engine.reset();
    m_running = false;
}

void MigrationWizard::stopRun()
{
    if (m_engine && m_running)
        m_engine->stop();
}

bool MigrationWizard::requestCutover(QString *whyNot, const engine::MigrationEngine::CutoverOptions &options)
{
    if (!m_engine) {
        if (whyNot)
            *whyNot = tr("No migration is running.");
        return false;
    }
    return m_engine->requestCutoverWith({}, options, whyNot);
}

bool MigrationWizard::requestCutoverOf(const QString &database, QString *whyNot)
{
    if (!m_engine) {
        if (whyNot)
            *whyNot = tr("No migration is running.");
        return false;
    }
    return m_engine->requestCutoverOf(database, whyNot);
}

bool MigrationWizard::requestFallback(engine::MigrationEngine::FallbackAction action, QString *whyNot)
{
    if (!m_engine) {
        if (whyNot)
            *whyNot = tr("No migration is running.");
        return false;
    }
    return m_engine->requestFallback(action, {}, whyNot);
}

bool MigrationWizard::retryTable(const QString &database, const QString &table, QString *whyNot)
{
    if (!m_engine) {
        if (whyNot)
            *whyNot = tr("No migration is running.");
        return false;
    }
    return m_engine->retryTable(database, table, whyNot);
}

bool MigrationWizard::resyncTable(const QString &database, const QString &table, QString *whyNot)
{
    if (!m_engine) {
        if (whyNot)
            *whyNot = tr("No migration is running.");
        return false;
    }
    return m_engine->resyncTable(database, table, whyNot);
}

bool MigrationWizard::isRunning() const
{
    return m_running;
}

void MigrationWizard::showStatus(const engine::MigrationStatus &status)
{
    m_status = status;
    Q_EMIT statusChanged(status);
}

void MigrationWizard::goToPage(PageId id)
{
    if (currentId() == id)
        return;
    restart();
    if (id != startId())
        setCurrentId(id);
    updateSteps(currentId());
}

void MigrationWizard::done(int result)
{
    if (result == QDialog::Accepted)
        Q_EMIT closeRequested();
}

void MigrationWizard::reject() {}

} // namespace pgferry::wizard
