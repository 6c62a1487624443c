// Page 2, Source: the source server's connection, Test connection, and the assessment.
#pragma once

#include "wizardpage.h"
#include "wizardservices.h"

namespace pgferry::wizard {

class AssessmentView;
class ConnectionForm;

class SourcePage : public WizardPage
{
    Q_OBJECT
public:
    explicit SourcePage(MigrationWizard *wizard);
    void loadFrom(const project::Project &project) override;
    void storeTo(project::Project &project) const override;
    bool isComplete() const override;
    bool validatePage() override;
    void fillCredentials(Credentials &c) const;
    ConnectionForm *form() const { return m_form; }

private:
    void test();
    ConnectionForm *m_form;
    AssessmentView *m_assessment;
    int m_generation = 0;
};

} // namespace pgferry::wizard
