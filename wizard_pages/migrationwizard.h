// The migration wizard: the portal flow's pages in order (project, source, target, databases,
// settings, summary, monitor, cutover, done). It owns the state the pages share (the project,
// the connection checks, the assessment, the engine and its latest status) and drives the run.
#pragma once

#include "engine/migrationengine.h"
#include "project/project.h"
#include "wizardservices.h"

#include <QWizard>

#include <functional>
#include <memory>

class QListWidget;

namespace pgferry::engine {
class AttachedEngine;
}

namespace pgferry::wizard {

class WizardPage;

class MigrationWizard : public QWizard
{
    Q_OBJECT
public:
    enum PageId {
        ProjectPage,
        SourcePage,
        TargetPage,
        DatabasesPage,
        SettingsPage,
        SummaryPage,
        MonitorPage,
        CutoverPage,
        DonePage,
        PageCount
    };
    static QString pageName(PageId id); // project, source, ... (file names, object names)

    explicit MigrationWizard(ServicesPtr services, QWidget *parent = nullptr);
    ~MigrationWizard() override;

    ServicesPtr services() const { return m_services; }
    WizardPage *pageAt(PageId id) const;

    // The project as the pages show it now.
    project::Project project() const;
    // Shows a project: fills every page and starts over at the first page.
    void setProject(const project::Project &project);
    bool isLoading() const { return m_loading; }

    // Passwords typed into the source and target forms (never saved in the project).
    Credentials credentials() const;

    const ConnectionCheck &sourceCheck() const { return m_sourceCheck; }
    const ConnectionCheck &targetCheck() const { return m_targetCheck; }
    void setSourceCheck(const ConnectionCheck &check);
    void setTargetCheck(const ConnectionCheck &check);
    const AssessmentResult &assessment() const { return m_assessment; }
    bool assessmentRunning() const { return m_assessing; }
    // Assesses the project as it is now, in the background; assessmentChanged() follows.
    void runAssessment();
    void setAssessment(const AssessmentResult &result);

    // The run. startRun creates the engine and starts it; attachToRun creates the engine for an
    // opened project and reports whether a run is under way (then the monitor shows it).
    bool startRun(QString *error);
    bool attachToRun();
    void stopRun();
    bool requestCutover(QString *whyNot, const engine::MigrationEngine::CutoverOptions &options = {});
    // One database alone (the others keep streaming).
    bool requestCutoverOf(const QString &database, QString *whyNot);
    // After a cutover with fallback: fail back to the old server, or end the fallback (every database).
    bool requestFallback(engine::MigrationEngine::FallbackAction action, QString *whyNot);
    bool retryTable(const QString &database, const QString &table, QString *whyNot);
    // Copies one table again from a new snapshot while its database streams (the engine's resyncTable).
    bool resyncTable(const QString &database, const QString &table, QString *whyNot);
    bool isRunning() const;
    // The engine when it follows a run that another process (`pgferry-cli run`) has in progress;
    // nullptr for a run of the wizard's own. Closing the wizard leaves such a run running.
    engine::AttachedEngine *attachedRun() const;
    // Stops following a run in progress elsewhere (it goes on); nothing for a run of the wizard's own.
    void detachRun();
    engine::MigrationEngine *engine() const { return m_engine.get(); }
    const engine::MigrationStatus &status() const { return m_status; }
    // Feeds a status to the dashboard, cutover and done pages (the engine does this; so can tests).
    void showStatus(const engine::MigrationStatus &status);
    // Jumps to a page without visiting the ones in between (after open, and for screenshots).
    void goToPage(PageId id);

    // Where to write a file the user exports (a report, a fix script): a save dialog that starts
    // at `suggestedName` and offers `filter`; empty when cancelled. Tests replace it to answer
    // without a modal dialog.
    using AskSavePath =
        std::function<QString(const QString &title, const QString &suggestedName, const QString &filter)>;
    void setAskSavePath(AskSavePath ask) { m_askSavePath = std::move(ask); }
    QString askSavePath(const QString &title, const QString &suggestedName, const QString &filter) const;

    void done(int result) override; // embedded: never hides itself
    void reject() override;

Q_SIGNALS:
    void edited();
    void sourceChecked();
    void targetChecked();
    void assessmentStarted();
    void assessmentChanged();
    void statusChanged(const pgferry::engine::MigrationStatus &status);
    void logLine(const QString &line);
    void runStarted();
    void runFinished(bool success);
    void newProjectRequested();
    void openProjectRequested(const QString &path); // empty: ask for a file
    void closeRequested();

private:
    void connectEngine();
    void updateSteps(int id);

    ServicesPtr m_services;
    project::Project m_base; // what the pages do not show (id, unknown fields) survives here
    bool m_loading = false;
    ConnectionCheck m_sourceCheck;
    ConnectionCheck m_targetCheck;
    AssessmentResult m_assessment;
    bool m_assessing = false;
    int m_assessGeneration = 0;
    std::unique_ptr<engine::MigrationEngine> m_engine;
    engine::MigrationStatus m_status;
    bool m_running = false;
    QListWidget *m_steps = nullptr;
    AskSavePath m_askSavePath;
};

} // namespace pgferry::wizard
