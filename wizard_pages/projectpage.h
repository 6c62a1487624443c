// Page 1, Project: new, open or a recent project; its name; online or offline; which engine runs it.
#pragma once

#include "wizardpage.h"

class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QRadioButton;

namespace pgferry::wizard {

class ProjectPage : public WizardPage
{
    Q_OBJECT
public:
    explicit ProjectPage(MigrationWizard *wizard);
    void loadFrom(const project::Project &project) override;
    void storeTo(project::Project &project) const override;
    bool isComplete() const override;
    bool validatePage() override;
    void initializePage() override;

private:
    void refreshRecent();
    QPushButton *m_new;
    QPushButton *m_open;
    QListWidget *m_recent;
    QLineEdit *m_name;
    QLabel *m_nameError;
    QRadioButton *m_online;
    QRadioButton *m_offline;
    QRadioButton *m_local;
    QRadioButton *m_azure;
};

} // namespace pgferry::wizard
