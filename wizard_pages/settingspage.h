// Page 5, Advanced settings: parallel jobs, split threshold, index jobs, schema options,
// verification and cutover options, each with a one-line explanation and a sensible default.
#pragma once

#include "wizardpage.h"

class QCheckBox;
class QComboBox;
class QSpinBox;

namespace pgferry::wizard {

class SettingsPage : public WizardPage
{
    Q_OBJECT
public:
    explicit SettingsPage(MigrationWizard *wizard);
    void loadFrom(const project::Project &project) override;
    void storeTo(project::Project &project) const override;

private:
    QSpinBox *m_jobs;
    QSpinBox *m_splitMb;
    QSpinBox *m_indexJobs;
    QCheckBox *m_overwrite;
    QCheckBox *m_owners;
    QCheckBox *m_privileges;
    QCheckBox *m_roles;
    QCheckBox *m_captureDdl;
    QCheckBox *m_verify;
    QComboBox *m_verifyLevel;
    QCheckBox *m_readOnly;
    QCheckBox *m_fallback;
    QSpinBox *m_readyLagMb;
    QSpinBox *m_drainTimeout;
};

} // namespace pgferry::wizard
