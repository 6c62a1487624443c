// Page 8, Cutover: the steps as a live checklist (stop writes, drain pending changes, sequences,
// foreign keys and triggers, verification, cleanup), the Confirm check box and Apply, progress
// while the pending changes drain, and a clear result. The fallback after cutover can be chosen
// (or declined) here for this cutover, over the project's setting.
#pragma once

#include "engine/migrationstatus.h"
#include "icons.h"
#include "wizardpage.h"

class QCheckBox;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;

namespace pgferry::wizard {

class CutoverPage : public WizardPage
{
    Q_OBJECT
public:
    enum Step { StopWrites, Drain, Sequences, ForeignKeys, Verify, Cleanup, StepCount };
    explicit CutoverPage(MigrationWizard *wizard);
    void loadFrom(const project::Project &project) override;
    void storeTo(project::Project &) const override {}
    void initializePage() override;
    bool isComplete() const override;

    // Each step's state as the status shows it; `applied` once the cutover was requested.
    static QList<StepState> steps(const engine::MigrationStatus &status, bool applied);
    QCheckBox *confirmBox() const { return m_confirm; }
    QCheckBox *fallbackBox() const { return m_fallback; }
    QPushButton *applyButton() const { return m_apply; }
    void setStatus(const engine::MigrationStatus &status);

private:
    void apply();
    void updateApply();
    // The fallback box as the project allows and sets it (before the cutover is applied).
    void loadFallback(const project::Project &project);
    QListWidget *m_list;
    QCheckBox *m_confirm;
    QCheckBox *m_fallback;
    QPushButton *m_apply;
    QProgressBar *m_drain;
    QLabel *m_result;
    engine::MigrationStatus m_status;
    bool m_applied = false;
    qint64 m_drainStart = -1;
    bool m_readOnly = true;
    bool m_verify = true;
    bool m_fallbackAllowed = false;
};

} // namespace pgferry::wizard
