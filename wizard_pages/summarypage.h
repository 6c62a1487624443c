// Page 6, Summary: everything chosen on one page, the activity name, and Run.
#pragma once

#include "wizardpage.h"

class QLabel;
class QLineEdit;
class QTextBrowser;

namespace pgferry::wizard {

class SummaryPage : public WizardPage
{
    Q_OBJECT
public:
    explicit SummaryPage(MigrationWizard *wizard);
    void loadFrom(const project::Project &project) override;
    void storeTo(project::Project &project) const override;
    void initializePage() override;
    bool isComplete() const override;
    bool validatePage() override;
    static QString defaultActivityName(const QString &projectName);

private:
    void refresh();
    QTextBrowser *m_text;
    QLineEdit *m_activity;
    QLabel *m_error;
};

} // namespace pgferry::wizard
