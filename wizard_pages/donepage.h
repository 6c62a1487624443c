// Page 9, Done: the result and the report (export HTML or JSON), the target's connection
// strings, and the post-migration steps of Azure's migration guide. After a cutover with fallback,
// the stream back into the old server live (per database: state and lag), with its two actions:
// fail back to the old server, or end the fallback. On an Azure target, the post-migration actions
// on the new server (alerts, a delete lock, a read replica) run from the page (AzureActions).
#pragma once

#include "wizardpage.h"

class QCheckBox;
class QGroupBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace pgferry::wizard {

class AzureActions;

class DonePage : public WizardPage
{
    Q_OBJECT
public:
    explicit DonePage(MigrationWizard *wizard);
    void loadFrom(const project::Project &project) override;
    void storeTo(project::Project &) const override {}
    void initializePage() override;
    // Writes the report; format "html" or "json". False and *error when it cannot.
    bool exportReport(const QString &path, const QString &format, QString *error);
    QString connectionStrings() const;
    AzureActions *azureActions() const { return m_azureActions; }
    // Backs up each source database into `dir` in the background (pg_dump -Fc through the services),
    // with progress; the result (size and SHA-256 of each archive, or the error) shows on the page.
    void backUpSourceTo(const QString &dir);
    bool isBackingUp() const { return m_backingUp; }

private:
    void refresh();
    QLabel *m_icon;
    QLabel *m_headline;
    QLabel *m_stats;
    QPushButton *m_html;
    QPushButton *m_json;
    QPlainTextEdit *m_conn;
    QPushButton *m_copy;
    QLabel *m_steps;
    QLabel *m_exported;
    QGroupBox *m_fallbackBox;
    QGroupBox *m_connBox;
    QLabel *m_fallbackState;
    QCheckBox *m_fallbackConfirm;
    QPushButton *m_failBack;
    QPushButton *m_endFallback;
    QLabel *m_fallbackMessage;
    void askFallback(bool failBack);
    QPushButton *m_backup;
    QLabel *m_backupResult;
    AzureActions *m_azureActions;
    bool m_backingUp = false;
};

} // namespace pgferry::wizard
