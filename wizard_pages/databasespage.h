// Page 4, Databases: the source's databases with size, table count and assessment state; check
// boxes; a target name per database; a table filter per database. Any number of databases.
#pragma once

#include "wizardpage.h"

class QLabel;
class QPushButton;
class QTableWidget;

namespace pgferry::wizard {

class DatabasesPage : public WizardPage
{
    Q_OBJECT
public:
    enum Column { NameColumn, SizeColumn, TablesColumn, AssessmentColumn, TargetColumn, FilterColumn };
    explicit DatabasesPage(MigrationWizard *wizard);
    void loadFrom(const project::Project &project) override;
    void storeTo(project::Project &project) const override;
    void initializePage() override;
    bool isComplete() const override;
    QTableWidget *table() const { return m_table; }
    // Opens the table filter for a row (the dialog is modal).
    void editFilter(int row);

private:
    void rebuild();
    void refreshAssessment();
    void updateSummary();
    QString validationError() const;
    QTableWidget *m_table;
    QLabel *m_summary;
    QLabel *m_error;
    QPushButton *m_filter;
    QPushButton *m_refresh;
    QList<project::DatabaseSelection> m_selections; // as loaded; rows are the truth after that
    bool m_rebuilding = false;
};

} // namespace pgferry::wizard
