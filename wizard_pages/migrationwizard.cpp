#include "migrationwizard.h"

#include <QLabel>
#include <QVBoxLayout>
#include <QWizardPage>

namespace pgferry::wizard {

MigrationWizard::MigrationWizard(QWidget *parent) : QWizard(parent)
{
    setObjectName(QStringLiteral("migrationWizard"));
    setWindowTitle(tr("pgferry"));
    // The pages arrive with the wizard issue; until then the window says so.
    auto *page = new QWizardPage;
    page->setTitle(tr("Migration project"));
    auto *layout = new QVBoxLayout(page);
    layout->addWidget(new QLabel(tr("The wizard pages are not built yet. Use pgferry-cli for now.")));
    setPage(ProjectPage, page);
}

} // namespace pgferry::wizard
