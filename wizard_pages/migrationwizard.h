// The migration wizard: the portal flow's pages in order (project, source, target, databases,
// settings, summary, monitor, cutover, done).
#pragma once

#include <QWizard>

namespace pgferry::wizard {

class MigrationWizard : public QWizard
{
    Q_OBJECT
public:
    enum PageId { ProjectPage, SourcePage, TargetPage, DatabasesPage, SettingsPage, SummaryPage, MonitorPage, CutoverPage, DonePage };
    explicit MigrationWizard(QWidget *parent = nullptr);
};

} // namespace pgferry::wizard
