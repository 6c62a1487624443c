// Page 3, Target: a PostgreSQL server, or an Azure flexible server picked (or created) after a
// device-code sign-in; then the connection test and the assessment with the target known.
#pragma once

#include "wizardpage.h"
#include "wizardservices.h"

class QGroupBox;
class QLabel;
class QRadioButton;

namespace pgferry::wizard {

class AssessmentView;
class AzurePanel;
class ConnectionForm;

class TargetPage : public WizardPage
{
    Q_OBJECT
public:
    explicit TargetPage(MigrationWizard *wizard);
    void loadFrom(const project::Project &project) override;
    void storeTo(project::Project &project) const override;
    bool isComplete() const override;
    bool validatePage() override;
    void initializePage() override;
    void fillCredentials(Credentials &c) const;
    ConnectionForm *form() const { return m_form; }
    AzurePanel *azurePanel() const { return m_azure; }

private:
    void test();
    void updateKind();
    QString engineError() const;
    // The token source of an Entra ID target, made once per form content (on the GUI thread: it
    // may read the keychain) and shared by the connection test, the assessment and the engine.
    std::shared_ptr<pg::PasswordSource> entraSource() const;
    mutable std::shared_ptr<pg::PasswordSource> m_entraSource;
    QRadioButton *m_plain;
    QRadioButton *m_flexible;
    QGroupBox *m_azureBox;
    AzurePanel *m_azure;
    ConnectionForm *m_form;
    QLabel *m_kindError;
    QLabel *m_assessSummary;
    int m_generation = 0;
};

} // namespace pgferry::wizard
